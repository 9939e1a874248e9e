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

/** Binary suffixes by power of 1024, as resource.Quantity emits them. */
const BINARY_SUFFIX = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;
/** Decimal-SI suffixes by power of ten (multiples of 3 only). */
const DECIMAL_SUFFIX: Record<number, string> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };
/** Beyond this written exponent, refuse: no resource needs it, and 10^huge is not computable. */
const MAX_CANONICAL_EXP = 1000;

/** Precision kept: milli (what the API server stores in core objects) or nano (what ParseQuantity keeps). */
export type CanonicalScale = 'milli' | 'nano';

type Format = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

/** A quantity as apimachinery's ParseQuantity sees it. */
interface GoParsed {
  readonly negative: boolean;
  /** |value| = digits * 10^exp10, exactly (binary suffixes multiplied in). */
  readonly digits: bigint;
  readonly exp10: number;
  readonly format: Format;
  /** ParseQuantity keeps the input text as the String() of the result (its "already canonical" shortcut). */
  readonly keepsText: boolean;
  /** Decimal scale of the int64 fast path (RoundUp keeps the text when it is at least the target), else undefined. */
  readonly fastScale: number | undefined;
}

function goParse(text: string): GoParsed {
  const m = QUANTITY.exec(text);
  if (!m) throw new Error(`not a quantity: ${text}`);
  const mantissa = m[1]!;
  const suffix = m[2] ?? '';
  const format: Format = suffix in BINARY_EXP ? 'BinarySI' : EXPONENT.test(suffix) ? 'DecimalExponent' : 'DecimalSI';
  const negative = mantissa.startsWith('-');
  const [intRaw = '', frac = ''] = mantissa.replace(/^[+-]/, '').split('.');
  const int = intRaw.replace(/^0+/, '') || '0'; // parseQuantityString strips leading zeros
  const exponent = format === 'BinarySI' ? BINARY_EXP[suffix]! : format === 'DecimalExponent' ? Number(suffix.slice(1)) : DECIMAL_EXP[suffix]!;
  if (Math.abs(exponent) > MAX_CANONICAL_EXP) throw new RangeError(`quantity exponent out of range: ${text}`);
  const binary = format === 'BinarySI';
  const digits = BigInt(`${int}${frac}`) * 2n ** BigInt(binary ? exponent : 0);
  const exp10 = (binary ? 0 : exponent) - frac.length;
  // ParseQuantity's int64 fast path (quantity.go, "if precision >= 0"), and when it keeps the text.
  let keepsText = text === '0';
  let fastScale: number | undefined;
  const precision = !binary ? 18 - (int.length + frac.length) : frac === '' ? 15 - int.length - Math.trunc((exponent * 3) / 10) - 1 : -1;
  const scale = (binary ? 0 : exponent) - frac.length;
  const shifted = `${int}${frac}`;
  if (precision >= 0 && scale >= -9 && BigInt(shifted) * 2n ** BigInt(binary ? exponent : 0) <= MAX_QUANTITY_UNITS) {
    fastScale = scale;
    keepsText ||= binary ? (Number(BigInt(shifted) & 7n) !== 0) : scale % 3 === 0 && !shifted.endsWith('000') && !shifted.startsWith('0');
  }
  return { negative, digits, exp10, format, keepsText, fastScale };
}

/** CanonicalizeBytes of the parsed value rounded up (away from 0) to `precision` decimals. */
function render(p: GoParsed, precision: number): string {
  if (p.digits === 0n) return '0';
  let format = p.format;
  const shift = p.exp10 + precision;
  const den = 10n ** BigInt(Math.max(0, -shift));
  let units = shift >= 0 ? p.digits * 10n ** BigInt(shift) : (p.digits + den - 1n) / den;
  const one = 10n ** BigInt(precision);
  // ParseQuantity caps binary values at 2^63-1 (after rounding to nano; the cap is whole, so the order is moot).
  if (format === 'BinarySI' && units > MAX_QUANTITY_UNITS * one) units = MAX_QUANTITY_UNITS * one;
  const sign = p.negative ? '-' : '';
  if (format === 'BinarySI') {
    if (units < 1024n * one || units % one !== 0n) {
      format = 'DecimalSI'; // below 1024 or fractional: binary would round or confuse
    } else {
      let n = units / one;
      let k = 0;
      while (n % 1024n === 0n) {
        n /= 1024n;
        k++;
      }
      return `${sign}${n}${BINARY_SUFFIX[k]!}`;
    }
  }
  // Decimal: an integer times 10^exp, exp a multiple of 3 and as large as possible.
  let n = units;
  let exp = -precision;
  while (n % 10n === 0n) {
    n /= 10n;
    exp++;
  }
  while (exp % 3 !== 0) {
    n *= 10n;
    exp--;
  }
  if (format === 'DecimalExponent') return `${sign}${n}${exp === 0 ? '' : `e${exp}`}`;
  const si = DECIMAL_SUFFIX[exp];
  if (si === undefined) throw new RangeError(`quantity ${sign}${n}e${exp} is 10^21 or more: Kubernetes v1.33 would write it without its exponent`);
  return `${sign}${n}${si}`;
}

const asText = (input: string | number): string => (typeof input === 'number' ? (Number.isFinite(input) ? String(input) : 'NaN') : input);

/**
 * `input` in Kubernetes canonical form (apimachinery v0.33 resource.Quantity). Synth emits every
 * quantity this way because the Profile controller re-encodes the Profile through Go types on
 * each reconcile: anything else it may rewrite, it then owns the field, and the next server-side
 * apply of dist/ conflicts with it. The result is returned unchanged by the API server for a core
 * object ({@link storedQuantity}) and by a Go client's decode/encode (the controller's round trip).
 *
 * Rules (k8s.io/apimachinery pkg/api/resource: quantity.go ParseQuantity, CanonicalizeBytes;
 * amount.go AsCanonicalBytes, AsCanonicalBase1024Bytes):
 * - the suffix family of the input is kept: binary (Ki..Ei), decimal SI (n..E, none), or
 *   decimal exponent (e3);
 * - the value is rounded up (away from 0) to `scale`: milli for core objects (ResourceQuota,
 *   LimitRange: their defaulting calls RoundUp(-3)), nano for a custom resource such as the Profile
 *   (ParseQuantity's own rounding); binary values are capped at 2^63-1;
 * - binary values below 1024 in magnitude or not whole are written in decimal SI; whole ones with
 *   the largest power of 1024 that divides them ("1536Mi", "1025");
 * - decimal values as an integer times the largest power of ten that is a multiple of 3 and loses
 *   nothing ("1500m", "1k", "10e99"); zero is "0"; numbers become strings;
 * - the text has no suffix to say it was binary, so what a binary value without one reads as
 *   again is what the server returns from storage: "2000" (1.953125Ki) comes back as "2k". This is
 *   the fixed point, one more pass.
 *
 * Throws on non-quantities, written exponents beyond ±1000, and decimal-SI values of 10^21 or
 * more, whose exponent has no SI suffix: v1.33 then drops it and stores "1000E" as "1" (fixed
 * upstream later); synth's sanity bounds keep every emitted quantity far below that.
 */
export function canonicalQuantity(input: string | number, scale: CanonicalScale = 'milli'): string {
  const precision = scale === 'milli' ? 3 : 9;
  return render(goParse(render(goParse(asText(input)), precision)), precision);
}

/**
 * What the API server returns for `input` written to a core object (e.g. ResourceQuota `hard`),
 * read back from storage. Usually {@link canonicalQuantity}, except that ParseQuantity keeps an
 * input's own text when its digits look canonical ("1.500", "0013Ti", "+2M" come back verbatim:
 * quantity.go "if the number is in canonical form, reuse the string", which checks the digits,
 * not the spelling), and RoundUp(-3) keeps that text when no rounding is needed. Storage re-parses
 * the text it wrote (protobuf carries the string), so the rule applies twice.
 */
export function storedQuantity(input: string | number): string {
  const once = (text: string): string => {
    const p = goParse(text);
    return p.keepsText && p.fastScale !== undefined && p.fastScale >= -3 ? text : render(p, 3);
  };
  return once(once(asText(input)));
}
