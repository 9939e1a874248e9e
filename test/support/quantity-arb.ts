/**
 * Random Kubernetes quantity strings in every spelling the API server accepts: each suffix
 * family, fractions, leading zeros and signs, exponents of either case. Shared by the unit
 * properties (test/quantity.test.ts) and the real API server comparison (test/cluster/6-...).
 */
import fc from 'fast-check';
import { Quantity } from '../../lib/quantity';

const DECIMAL_SI = ['', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E'] as const;
const BINARY_SI = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;

const mantissa = fc
  .record({
    zeros: fc.constantFrom('', '', '', '0', '00'),
    int: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 99_999 }), fc.constantFrom(1000, 1024, 1536, 2048, 8000, 32768, 1_000_000)),
    frac: fc.oneof(fc.constant(undefined), fc.stringMatching(/^[0-9]{0,4}$/), fc.constantFrom('5', '25', '125', '001', '000')),
  })
  .map(({ zeros, int, frac }) => `${zeros}${int}${frac === undefined ? '' : `.${frac}`}`);

const suffix = fc.oneof(
  fc.constantFrom(...DECIMAL_SI),
  fc.constantFrom(...BINARY_SI),
  fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.integer({ min: 0, max: 12 })).map(([e, s, n]) => `${e}${s}${n}`),
);

/** A non-negative quantity below 10^21 when decimal-SI (v1.33 cannot write those: see canonicalQuantity). */
export const quantityArb = (opts: { signed?: boolean } = {}): fc.Arbitrary<string> =>
  fc
    .tuple(opts.signed ? fc.constantFrom('', '', '+', '-') : fc.constantFrom('', '', '+'), mantissa, suffix)
    .map(([sign, m, s]) => `${sign}${m}${s}`)
    .filter((q) => {
      const parsed = Quantity.parse(q);
      if (!parsed) return false;
      const decimalSI = !/(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?[0-9]+)$/.test(q);
      return !decimalSI || Math.abs(parsed.value) < 1e21;
    });
