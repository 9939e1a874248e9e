/**
 * canonicalQuantity (lib/quantity.ts): the API server's canonical spelling of a quantity, and
 * synth emitting nothing else (the Profile controller's typed round trip would rewrite it).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definePlatform } from '../lib/platform';
import { canonicalQuantity, MAX_QUANTITY_UNITS, Quantity, storedQuantity } from '../lib/quantity';
import { synthesize } from '../lib/synth';
import { entry, validSpec } from './support/fixtures';
import { quantityArb } from './support/quantity-arb';

const BINARY = /(Ki|Mi|Gi|Ti|Pi|Ei)$/;
const EXPONENT = /[eE][+-]?[0-9]+$/;
const CANONICAL = /^-?(0|[1-9][0-9]*)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|e-?[1-9][0-9]*)?$/;

describe('canonicalQuantity: known pairs from apimachinery v0.33.13', () => {
  // Facts from k8s.io/apimachinery@v0.33.13 pkg/api/resource/quantity_test.go; ParseQuantity keeps
  // nano precision, so these are compared at scale 'nano'.
  it.each([
    // TestQuantityParseEmit, quantity_test.go:794-802
    ['1Ki', '1Ki'],
    ['1Mi', '1Mi'],
    ['1Gi', '1Gi'],
    ['1024Mi', '1Gi'],
    ['1000M', '1G'],
    ['.001Ki', '1024m'],
    ['.000001Ki', '1024u'],
    ['.000000001Ki', '1024n'],
    ['.000000000001Ki', '2n'],
    // TestQuantityString (alternate spelling -> expected), quantity_test.go:702-743
    ['1024Mi', '1Gi'],
    ['307200Ki', '300Mi'],
    ['1025024Mi', '1001Gi'],
    ['1024Gi', '1Ti'],
    ['5000m', '5'],
    ['0.5', '500m'],
    ['1000M', '1G'],
    ['0.001T', '1G'],
    ['1000u', '1m'],
    ['1.08', '1080m'],
    ['1080000000n', '1080m'],
    ['.001e12', '1e9'],
    ['0.001e0', '1e-3'],
    ['1000e-12', '1e-9'],
    ['00', '0'],
    // TestQuantityString expected spellings parse to themselves, quantity_test.go:702-743
    ['6Ki', '6Ki'],
    ['1025', '1025'],
    ['1234567M', '1234567M'],
    ['1234567m', '1234567m'],
    ['80e-3', '80e-3'],
    ['300e6', '300e6'],
    ['3k', '3k'],
  ])('%s -> %s', (input, expected) => {
    expect(canonicalQuantity(input, 'nano')).toBe(expected);
    // Negative values mirror positive ones (the same tests, with "-" prefixed).
    expect(canonicalQuantity(`-${input}`, 'nano')).toBe(expected === '0' ? '0' : `-${expected}`);
  });

  it.each([
    // The examples (the Profile controller's rewrites), and the stored forms the
    // cluster tier observed: 0.0001 CPU -> 1m, 1e100 -> 10e99, 100Ei capped at 2^63-1
    // (test/cluster/5-no-resources-pod.cluster.test.ts).
    ['8000m', '8'],
    ['32768Mi', '32Gi'],
    ['0.5Ti', '512Gi'],
    [2, '2'],
    ['1.5Gi', '1536Mi'],
    ['1000m', '1'],
    ['1500m', '1500m'],
    ['0.1', '100m'],
    ['1e3', '1e3'],
    ['1000', '1k'],
    [1000, '1k'],
    ['0.0001', '1m'],
    ['1e100', '10e99'],
    ['100Ei', String(MAX_QUANTITY_UNITS)],
    // Binary values below 1024 or not whole fall back to decimal SI; whole ones stay binary; a
    // whole one that 1024 does not divide is written without suffix, which reads back as decimal.
    ['0.5Ki', '512'],
    ['1.5Ki', '1536'],
    ['1.953125Ki', '2k'],
    ['0.1Ki', '102400m'],
  ])('core objects (milli): %s -> %s', (input, expected) => {
    expect(canonicalQuantity(input)).toBe(expected);
  });

  it.each([
    // ParseQuantity keeps the input text when its digits look canonical (quantity.go "if the
    // number is in canonical form, reuse the string"; TestQuantityString checks the copy,
    // quantity_test.go:754-756): the server echoes these spellings. Observed on the tier's server.
    ['+002.M', '+002.M'],
    ['124.625', '124.625'],
    ['1.500', '1.500'],
    ['0013Ti', '0013Ti'],
    ['1.m', '1.m'],
    // not kept: digits ending in 000, a leading 0, a scale that is not a multiple of 3, finer than milli
    ['1.5', '1500m'],
    ['8000m', '8'],
    ['0.5', '500m'],
    ['1.0001', '1001m'],
    ['1024Mi', '1Gi'],
    // binary, not kept, and without suffix after the first pass: storage reads it back as decimal
    ['1.953125Ki', '2k'],
  ])('storedQuantity(%s) = %s', (input, expected) => {
    expect(storedQuantity(input)).toBe(expected);
  });

  it('refuses what v1.33 cannot write faithfully, and non-quantities', () => {
    // DecimalSI has no suffix above E (10^18): v1.33 drops the exponent ("1000E" is stored as "1").
    expect(() => canonicalQuantity('1000E')).toThrow(/10\^21 or more/);
    expect(canonicalQuantity('999E')).toBe('999E');
    expect(() => canonicalQuantity('1e1001')).toThrow(/out of range/);
    expect(() => canonicalQuantity('8 cores')).toThrow(/not a quantity/);
    expect(() => canonicalQuantity(Number.NaN)).toThrow(/not a quantity/);
  });
});

describe('canonicalQuantity: properties', () => {
  it('is idempotent and spelled canonically (integer mantissa, no leading zeros)', () => {
    fc.assert(
      fc.property(quantityArb({ signed: true }), fc.constantFrom('milli' as const, 'nano' as const), (q, scale) => {
        const c = canonicalQuantity(q, scale);
        expect(c).toMatch(CANONICAL);
        expect(canonicalQuantity(c, scale)).toBe(c);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps the value, rounded up to milli (binary values capped at 2^63-1)', () => {
    fc.assert(
      fc.property(quantityArb(), (q) => {
        const c = canonicalQuantity(q);
        const cap = BINARY.test(q) ? MAX_QUANTITY_UNITS * 1000n : undefined;
        const want = Quantity.of(q).milli; // Quantity rounds up to milli exactly
        expect(Quantity.of(c).milli).toBe(cap !== undefined && want > cap ? cap : want);
        expect(Quantity.of(c).milliExact).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps the suffix family, and chooses the largest exact suffix', () => {
    fc.assert(
      fc.property(quantityArb(), (q) => {
        const c = canonicalQuantity(q);
        const m = /^(0|[1-9][0-9]*)(.*)$/.exec(c)!;
        const [n, s] = [BigInt(m[1]!), m[2]!];
        if (n === 0n) return;
        if (EXPONENT.test(q)) expect(s).toMatch(/^(e-?[0-9]+)?$/);
        else if (!BINARY.test(q)) expect(s).toMatch(/^[numkMGTPE]?$/);
        else if (BINARY.test(c)) expect(s).toMatch(BINARY);
        // a binary input without a binary suffix: below 1024, not whole, or not a multiple of 1024
        else {
          const milli = Quantity.of(c).milli;
          expect(milli < 1024_000n || milli % 1000n !== 0n || (milli / 1000n) % 1024n !== 0n).toBe(true);
        }
        // largest suffix: no whole factor of the next one left in the mantissa
        if (BINARY.test(c)) expect(s === 'Ei' || n % 1024n !== 0n).toBe(true);
        else if (s !== 'E') expect(n % 1000n !== 0n).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('the API server returns canonical quantities unchanged, and other spellings with the same value', () => {
    fc.assert(
      fc.property(quantityArb(), (q) => {
        const c = canonicalQuantity(q);
        expect(storedQuantity(c)).toBe(c);
        expect(Quantity.of(storedQuantity(q)).milli).toBe(Quantity.of(c).milli);
        // the server's answer canonicalises to the same canonical form
        expect(canonicalQuantity(storedQuantity(q))).toBe(c);
      }),
      { numRuns: 2000 },
    );
  });

  it('milli is nano rounded up to milli', () => {
    fc.assert(
      fc.property(quantityArb(), (q) => {
        expect(canonicalQuantity(canonicalQuantity(q, 'nano'))).toBe(canonicalQuantity(q));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('synth emits only canonical quantities', () => {
  const platform = definePlatform({});

  it('a tenant writing 8000m, 32768Mi and 1000 pods gets the canonical spelling', () => {
    const spec = validSpec({
      quota: { cpu: '8000m', memory: '32768Mi', limitsCpu: '16000m', limitsMemory: '0.0625Ti', storage: '1024Gi', pods: 1000, gpu: { 'nvidia.com/gpu': 2 } },
      limits: { pod: { max: { cpu: '4000m', memory: '16384Mi', gpu: { 'nvidia.com/gpu': 1 } } }, container: { defaultRequest: { cpu: '0.5', memory: '0.5Gi' } } },
    });
    const { objects } = synthesize([entry(spec)], platform); // throws on invalid input
    const profile = objects.find((o) => o.manifest.kind === 'Profile')!.manifest as unknown as { spec: { resourceQuotaSpec: { hard: Record<string, string> } } };
    expect(profile.spec.resourceQuotaSpec.hard).toMatchObject({
      'requests.cpu': '8',
      'requests.memory': '32Gi',
      'limits.cpu': '16',
      'limits.memory': '64Gi',
      'requests.storage': '1Ti',
      pods: '1k',
      'requests.nvidia.com/gpu': '2',
    });
    const lr = objects.find((o) => o.manifest.kind === 'LimitRange')!.manifest as unknown as { spec: { limits: Record<string, Record<string, string> | string>[] } };
    const pod = lr.spec.limits.find((l) => l.type === 'Pod')!;
    const ctr = lr.spec.limits.find((l) => l.type === 'Container')!;
    expect(pod.max).toEqual({ cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '1' });
    expect(ctr.defaultRequest).toMatchObject({ cpu: '500m', memory: '512Mi' });
  });

  it('every quantity of every Profile and LimitRange is a fixed point of canonicalQuantity', () => {
    const cpu = fc.constantFrom('500m', '1', '1500m', '2000m', '0.5', '4', '8000m', '16');
    const mem = fc.constantFrom('512Mi', '1Gi', '1024Mi', '0.5Gi', '2048Mi', '4Gi', '1.5Gi', '16Gi', '16384Mi', '32768Mi');
    fc.assert(
      fc.property(fc.record({ cpu, mem, podCpu: cpu, podMem: mem, pods: fc.constantFrom(10, 100, 1000, 2000) }), (r) => {
        const spec = validSpec({
          quota: { cpu: '16', memory: '64Gi', limitsCpu: r.cpu === '500m' ? '16' : r.cpu, limitsMemory: '65536Mi', pods: r.pods },
          limits: { pod: { max: { cpu: r.podCpu, memory: r.podMem } }, container: { defaultRequest: { cpu: '100m', memory: '128Mi' } } },
        });
        const out = synthesize([entry(spec)], platform);
        const quantities: string[] = [];
        for (const { manifest } of out.objects) {
          const m = manifest as { kind: string; spec?: { resourceQuotaSpec?: { hard?: Record<string, string> }; limits?: Record<string, unknown>[] } };
          if (m.kind === 'Profile') quantities.push(...Object.values(m.spec?.resourceQuotaSpec?.hard ?? {}));
          if (m.kind === 'LimitRange') {
            for (const l of m.spec?.limits ?? []) for (const v of Object.values(l)) if (typeof v === 'object' && v) quantities.push(...Object.values(v as Record<string, string>));
          }
        }
        expect(quantities.length).toBeGreaterThan(5);
        for (const q of quantities) expect(canonicalQuantity(q)).toBe(q);
      }),
      { numRuns: 60 },
    );
  });
});
