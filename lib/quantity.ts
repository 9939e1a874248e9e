/**
 * Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity), parsed far enough to
 * compare them: "500m" < "1" < "1.5" and "32Gi" > "32G".
 */

const SUFFIX: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

// Same grammar as resource.ParseQuantity: signed decimal number, then a binary-SI, decimal-SI or
// decimal-exponent suffix.
const QUANTITY = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

export class Quantity {
  private constructor(
    /** The text as it will be written to YAML. */
    readonly text: string,
    /** The value in base units (cores, bytes, items). */
    readonly value: number,
  ) {}

  /** Returns undefined when `input` is not a quantity. Numbers are written as their decimal text. */
  static parse(input: string | number): Quantity | undefined {
    if (typeof input === 'number') {
      if (!Number.isFinite(input)) return undefined;
      input = String(input);
    }
    const m = QUANTITY.exec(input.trim());
    if (!m || input.trim() !== input) return undefined;
    const num = Number(m[1]);
    const suffix = m[2] ?? '';
    const mult = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : SUFFIX[suffix]!;
    return new Quantity(input, num * mult);
  }

  /** Parses input already validated elsewhere; throws if it is not a quantity (a programming error). */
  static of(input: string | number): Quantity {
    const q = Quantity.parse(input);
    if (!q) throw new Error(`not a quantity: ${String(input)}`);
    return q;
  }

  compare(other: Quantity): number {
    // Relative tolerance absorbs float error from suffix multiplication ("0.1Gi" vs "107374182.4").
    const d = this.value - other.value;
    if (Math.abs(d) <= 1e-9 * Math.max(Math.abs(this.value), Math.abs(other.value))) return 0;
    return d < 0 ? -1 : 1;
  }

  toString(): string {
    return this.text;
  }
}

/** The smaller of two quantities (the first on a tie). */
export function minQuantity(a: Quantity, b: Quantity): Quantity {
  return b.compare(a) < 0 ? b : a;
}
