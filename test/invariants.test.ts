/** The invariant checks of test/support/invariants.ts can fail: each catches a broken bundle. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { PlatformSettings } from '../lib/platform';
import type { Manifest, SynthResult } from '../lib/synth';
import { synthesize } from '../lib/synth';
import type { TenantEntry } from '../lib/validation';
import { fixtureInputs } from './fixture-repo';
import { isolationViolations } from './support/invariants';

let platform: PlatformSettings;
let entries: TenantEntry[];
let result: SynthResult;
beforeAll(async () => {
  ({ platform, entries } = await fixtureInputs('examples'));
  result = synthesize(entries, platform);
});

/** The result with `f` applied to every manifest (returning undefined drops it, an array adds). */
const mutate = (f: (m: Manifest, file: string) => Manifest | Manifest[] | undefined): SynthResult => ({
  ...result,
  objects: result.objects.flatMap((o) => {
    const r = f(o.manifest, o.file);
    return r === undefined ? [] : (Array.isArray(r) ? r : [r]).map((manifest) => ({ file: o.file, manifest }));
  }),
});

describe('isolation invariants', () => {
  it('hold for the examples', () => {
    expect(isolationViolations(result, entries, platform)).toEqual([]);
  });

  it('catch an undeclared user, a foreign ServiceAccount, an open NetworkPolicy peer, PERMISSIVE mTLS and a foreign namespace', () => {
    const broken = mutate((m) => {
      if (m.kind === 'RoleBinding' && m.metadata.namespace === 'alice-research') return { ...m, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'mallory@example.com' }] };
      if (m.kind === 'RoleBinding' && m.metadata.namespace === 'vision-mig' && m.metadata.name.startsWith('user-cv')) return [m, { ...m, metadata: { ...m.metadata, name: 'x' }, subjects: [{ kind: 'ServiceAccount', name: 'default-editor', namespace: 'fraud-modelling' }] }];
      if (m.kind === 'NetworkPolicy' && m.metadata.namespace === 'fraud-modelling') return { ...m, spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {} }] }] } };
      if (m.kind === 'PeerAuthentication' && m.metadata.namespace === 'risk-modeling') return { ...m, spec: { mtls: { mode: 'PERMISSIVE' } } };
      if (m.kind === 'LimitRange' && m.metadata.namespace === 'payments-engineering') return { ...m, metadata: { ...m.metadata, namespace: 'default' } };
      return m;
    });
    const v = isolationViolations(broken, entries, platform);
    expect(v.some((x) => x.startsWith('alice-research: RoleBinding user-bob-example-com-clusterrole-view: User mallory@example.com'))).toBe(true);
    expect(v).toContain('vision-mig: RoleBinding x: ServiceAccount fraud-modelling/default-editor was granted nothing');
    expect(v).toContain('fraud-modelling: NetworkPolicy tenant-isolation: admits {"namespaceSelector":{}}');
    expect(v).toContain('risk-modeling: PeerAuthentication {"mtls":{"mode":"PERMISSIVE"}}, want one STRICT');
    expect(v).toContain('payments-engineering: LimitRange tenant-limits: in namespace default');
  });

  it('catch access left in a decommissioned tenant', () => {
    const retired = entries.map((e) => (e.spec.name === 'alice-research' ? { ...e, spec: { ...e.spec, decommissioned: true } } : e));
    expect(isolationViolations(result, retired, platform)).toContain('alice-research: RoleBinding user-bob-example-com-clusterrole-view: left in a decommissioned tenant');
  });
});
