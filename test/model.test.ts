/**
 * The resolved model (lib/model/): cross-tenant facts attached to the tenant they concern,
 * decommissioning decided once, identities resolved by the platform's identity settings.
 */
import { describe, expect, it } from 'vitest';
import { identityOf, serviceAccountSubject, userSubject } from '../lib/model/identity';
import type { TenantModel } from '../lib/model/tenant';
import { orgModel } from '../lib/model/tenant';
import { DEFAULT_PLATFORM, definePlatform } from '../lib/platform';
import type { TenantSpec } from '../lib/tenant';
import { validSpec } from './support/fixtures';

const risk = validSpec({
  name: 'risk',
  owner: { email: 'r@example.com' },
  credentials: { s3: true },
  grants: [
    { to: 'fraud', resources: ['pipeline-runs'], verbs: ['get', 'list', 'readArtifact'], artifactPrefixes: ['/models/v3/', 'models/v3'] },
    { to: 'fraud', resources: ['inferenceservices'], verbs: ['get'], reviewedException: ' audit ' },
  ],
});
const fraud = validSpec({ credentials: { s3: true, git: true } });
const tenantOf = (specs: readonly TenantSpec[], name: string, platform = DEFAULT_PLATFORM): TenantModel => {
  const t = orgModel(specs, platform).tenants.find((x) => x.name === name);
  if (!t) throw new Error(`no ${name}`);
  return t;
};

describe('orgModel', () => {
  it('sorts tenants by name and lists the names and the kinds catalogue', () => {
    const m = orgModel([risk, fraud], DEFAULT_PLATFORM);
    expect(m.names).toEqual(['fraud', 'risk']);
    expect(m.namespacedKinds.map((k) => k.kind)).toContain('RoleBinding');
  });

  it('grants out are merged per grantee; grants in and artifact prefixes land on the grantee', () => {
    const r = tenantOf([risk, fraud], 'risk');
    expect(r.grantsOut).toHaveLength(1);
    expect(r.grantsOut[0]).toMatchObject({ grantee: 'fraud', objectName: 'grant-to-fraud', serviceAccounts: ['default-editor'], exceptions: [{ reason: 'audit' }] });
    // Two grants, one Role: the pipeline runs and the InferenceServices rules side by side.
    expect(r.grantsOut[0]!.rules.flatMap((x) => x.resources).sort()).toEqual(['inferenceservices', 'runs']);
    const f = tenantOf([risk, fraud], 'fraud');
    expect(f.grantsIn).toEqual(['risk']);
    // Normalized and deduplicated; the key is the granter's area, not the grantee's.
    expect(f.artifactGrantsIn).toEqual([{ from: 'risk', prefix: 'models/v3', key: 'risk/models/v3' }]);
    expect(r.artifactGrantsIn).toEqual([]);
  });

  it('the bucket key of an incoming prefix follows objectStore.tenantPrefix', () => {
    const platform = definePlatform({ objectStore: { tenantPrefix: 'private-artifacts/{tenant}' } });
    expect(tenantOf([risk, fraud], 'fraud', platform).artifactGrantsIn[0]!.key).toBe('private-artifacts/risk/models/v3');
  });

  it('a decommissioned tenant keeps quota, limits and labels, and loses every access, both ways', () => {
    const gone = { ...risk, decommissioned: true } as TenantSpec;
    const r = tenantOf([gone, fraud], 'risk');
    expect(r).toMatchObject({ decommissioned: true, contributors: [], grantsOut: [], artifactGrantsIn: [] });
    expect(r.credentials).toBeUndefined();
    expect(r.quotaHard['requests.cpu']).toBe('10');
    expect(r.labels.team).toBe('fraud');
    // Its grants leave the grantee with it.
    const f = tenantOf([gone, fraud], 'fraud');
    expect(f.grantsIn).toEqual([]);
    expect(f.artifactGrantsIn).toEqual([]);
    // And a decommissioned grantee is given nothing.
    const fraudGone = { ...fraud, decommissioned: true } as TenantSpec;
    expect(tenantOf([risk, fraudGone], 'fraud').artifactGrantsIn).toEqual([]);
  });

  it('contributors are resolved by the platform identity and sorted by KFAM binding name', () => {
    const spec = validSpec({ contributors: [{ user: 'Zed@Example.com', role: 'edit', subject: 'sub-z' }, { user: 'amy@example.com', role: 'view', subject: 'sub-a' }] });
    const bySubject = definePlatform({ identity: { use: 'subject' } });
    const t = tenantOf([{ ...spec, owner: { email: 'lead@example.com', subject: 'sub-lead' } } as TenantSpec], 'fraud', bySubject);
    expect(t.owner).toBe('sub-lead');
    expect(t.contributors).toEqual([
      { identity: 'sub-a', roles: ['viewer'], via: ['direct'], disagreement: false, kfamRole: 'view', bindingName: 'user-sub-a-clusterrole-view', extraBindings: [], gateway: false },
      { identity: 'sub-z', roles: ['editor'], via: ['direct'], disagreement: false, kfamRole: 'edit', bindingName: 'user-sub-z-clusterrole-edit', extraBindings: [], gateway: true },
    ]);
    expect(tenantOf([spec], 'fraud').contributors.map((c) => c.identity)).toEqual(['amy@example.com', 'Zed@Example.com']);
  });
});

describe('identity', () => {
  it('subjects: User with an explicit apiGroup, ServiceAccount without one', () => {
    expect(userSubject('a@example.com')).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'a@example.com' });
    expect(serviceAccountSubject('ns', 'default-editor')).toEqual({ kind: 'ServiceAccount', name: 'default-editor', namespace: 'ns' });
    expect(identityOf({ email: 'a@example.com', subject: 's' }, DEFAULT_PLATFORM)).toBe('a@example.com');
  });
});
