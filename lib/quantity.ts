/**
 * Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity), parsed far enough to
 * compare them: "500m" < "1" < "1.5" and "32Gi" > "32G", and to know what the API server would
 * store: it keeps thousandths of a unit at most (rounding finer values up) and at most 2^63-1 units.
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

// "1e3" is an exponent; "1E" (exa) and "1Ei" (exbi) are suffixes.
const EXPONENT = /^[eE][+-]?[0-9]+$/;
// Powers of ten and two of each suffix, for exact arithmetic.
const DECIMAL_EXP: Record<string, number> = { '': 0, n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_EXP: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
// Beyond this power of ten a value is astronomically large or small: no need to compute 10^1e9.
const MAX_EXP = 400;

/** The largest quantity the API server stores, in base units (int64); larger values are capped. */
export const MAX_QUANTITY_UNITS = 2n ** 63n - 1n;

/**
 * `value * 1000` rounded up, exactly (the API server's rounding), and whether no rounding was needed.
 * Absurd exponents are clamped: the result is then only good for comparisons, which is all it is for.
 */
function milliOf(mantissa: string, suffix: string): { milli: bigint; exact: boolean } {
  const negative = mantissa.startsWith('-');
  const [int = '', frac = ''] = mantissa.replace(/^[+-]/, '').split('.');
  const digits = BigInt(`${int}${frac}` || '0');
  const exp10 = (EXPONENT.test(suffix) ? Number(suffix.slice(1)) : (DECIMAL_EXP[suffix] ?? 0)) + 3 - frac.length;
  const num = digits * 2n ** BigInt(BINARY_EXP[suffix] ?? 0);
  const sign = negative ? -1n : 1n;
  if (num === 0n) return { milli: 0n, exact: true };
  if (exp10 >= 0) return { milli: sign * num * 10n ** BigInt(Math.min(exp10, MAX_EXP)), exact: true };
  if (-exp10 > MAX_EXP + frac.length + int.length) return { milli: negative ? 0n : 1n, exact: false };
  const den = 10n ** BigInt(-exp10);
  const q = num / den;
  const exact = num % den === 0n;
  return { milli: sign * (exact || negative ? q : q + 1n), exact };
}

export class Quantity {
  /** Thousandths of a base unit, rounded up as the API server rounds (`"1.5m"` CPU: 2). */
  readonly milli: bigint;
  /** Whether the API server stores the value unchanged: at most three decimal places of the base unit. */
  readonly milliExact: boolean;

  private constructor(
    /** The text as it will be written to YAML. */
    readonly text: string,
    /** The value in base units (cores, bytes, items). */
    readonly value: number,
    mantissa: string,
    suffix: string,
  ) {
    const { milli, exact } = milliOf(mantissa, suffix);
    this.milli = milli;
    this.milliExact = exact;
  }

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
    const mult = EXPONENT.test(suffix) ? 10 ** Number(suffix.slice(1)) : SUFFIX[suffix]!;
    return new Quantity(input, num * mult, m[1]!, suffix);
  }

  /** Parses input already validated elsewhere; throws if it is not a quantity (a programming error). */
  static of(input: string | number): Quantity {
    const q = Quantity.parse(input);
    if (!q) throw new Error(`not a quantity: ${String(input)}`);
    return q;
  }

  /** Compares what the API server stores: exact, so "0.1Gi" equals "107374182.4" and "1.0001" exceeds "1". */
  compare(other: Quantity): number {
    return this.milli < other.milli ? -1 : this.milli > other.milli ? 1 : 0;
  }

  toString(): string {
    return this.text;
  }
}

/** The smaller of two quantities (the first on a tie). */
export function minQuantity(a: Quantity, b: Quantity): Quantity {
  return b.compare(a) < 0 ? b : a;
}
