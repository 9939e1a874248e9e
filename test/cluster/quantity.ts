// Kubernetes resource quantities compared by value ("0.5" == "500m", "1Gi" == "1024Mi").
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

export function quantityValue(q: string | number): number {
  if (typeof q === 'number') return q;
  const m = /^([+-]?[0-9.]+)(?:([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/.exec(q.trim());
  if (!m) throw new Error(`not a quantity: ${q}`);
  const n = Number(m[1]);
  if (m[2]) return n * 10 ** Number(m[2].slice(1));
  const s = m[3] ?? '';
  return n * (BINARY[s] ?? DECIMAL[s]);
}

export function sameQuantity(a: string | number, b: string | number): boolean {
  const x = quantityValue(a);
  const y = quantityValue(b);
  return x === y || Math.abs(x - y) <= Math.abs(x) * 1e-12;
}

/** Normalises a resource list (e.g. ResourceQuota hard) to numbers for toEqual comparisons. */
export function normaliseResources(r: Record<string, string | number> | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(r ?? {}).map(([k, v]) => [k, quantityValue(v)]));
}
