/**
 * Per-tenant credentials: SecretStore, ExternalSecrets and PodDefaults on the example tenants, the
 * platform's Vault settings (mount, KV version, prefix) end to end, the Vault and S3 policies
 * written outside Argo CD's path, and every refusal with its message.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { definePlatform, DEFAULT_PLATFORM } from '../lib/platform';
import { bucketPolicy, policyFiles, renderVaultPolicy } from '../lib/constructs/platform-files';
import type { TenantModel } from '../lib/model/tenant';
import { orgModel } from '../lib/model/tenant';
import type { PlatformSettings } from '../lib/platform';
import { resolveVaultKey } from '../lib/secrets';
import type { TenantSpec } from '../lib/tenant';
import type { Manifest, SynthResult } from '../lib/synth';
import { synthesize } from '../lib/synth';
import { validateTenants } from '../lib/tenant';
import { fixtureInputs } from './fixture-repo';
import { entry, validSpec } from './support/fixtures';
import { validateManifest } from './support/schemas';

const CREDENTIAL_KINDS = ['SecretStore', 'ExternalSecret', 'PodDefault'];
const ofTenant = (r: SynthResult, ns: string, kind?: string): Manifest[] =>
  r.objects.map((o) => o.manifest).filter((m) => m.metadata.namespace === ns && (kind === undefined || m.kind === kind));
const byName = (ms: Manifest[], name: string): Manifest => {
  const m = ms.find((x) => x.metadata.name === name);
  if (!m) throw new Error(`no ${name} among ${ms.map((x) => x.metadata.name).join(', ')}`);
  return m;
};
interface EsSpec {
  refreshInterval: string;
  secretStoreRef: { kind: string; name: string };
  target: { name: string; creationPolicy: string; deletionPolicy: string; template?: { type?: string; engineVersion?: string; data?: Record<string, string> } };
  data: { secretKey: string; remoteRef: { key: string; property: string } }[];
}
const es = (m: Manifest): EsSpec => m.spec as EsSpec;


/** The resolved model of tenant `name` among `specs` (what the platform files are rendered from). */
function modelOf(name: string, specs: readonly TenantSpec[], platform: PlatformSettings): TenantModel {
  const t = orgModel(specs, platform).tenants.find((x) => x.name === name);
  if (!t) throw new Error(`no tenant ${name}`);
  return t;
}

describe("the example tenants get their credentials from Vault", () => {
  let r: SynthResult;
  beforeAll(async () => {
    const { platform, entries } = await fixtureInputs('examples');
    r = synthesize(entries, platform);
  });

  it('every SecretStore, ExternalSecret and PodDefault is schema-valid', () => {
    const ms = r.objects.map((o) => o.manifest).filter((m) => CREDENTIAL_KINDS.includes(m.kind));
    expect(ms.length).toBeGreaterThan(20);
    for (const m of ms) expect(validateManifest(m), `${m.kind} ${m.metadata.namespace}/${m.metadata.name}`).toEqual([]);
  });

  it('a SecretStore per tenant with credentials: Vault provider, Kubernetes auth as the tenant role with default-editor', () => {
    for (const ns of ['fraud-modelling', 'risk-modeling', 'payments-engineering']) {
      const stores = ofTenant(r, ns, 'SecretStore');
      expect(stores.map((s) => s.metadata.name)).toEqual(['vault']);
      expect(stores[0]!.apiVersion).toBe('external-secrets.io/v1');
      expect(stores[0]!.spec).toEqual({
        provider: {
          vault: {
            server: 'https://vault.vault.svc:8200',
            path: 'secret',
            version: 'v2',
            auth: { kubernetes: { mountPath: 'kubernetes', role: ns, serviceAccountRef: { name: 'default-editor' } } },
          },
        },
      });
    }
    // No credentials declared, no store.
    expect(ofTenant(r, 'alice-research', 'SecretStore')).toEqual([]);
  });

  it('fraud-modelling and risk-modeling get all four credential kinds', () => {
    for (const ns of ['fraud-modelling', 'risk-modeling']) {
      const names = ofTenant(r, ns, 'ExternalSecret').map((m) => m.metadata.name);
      expect(names).toEqual(expect.arrayContaining(['mlpipeline-minio-artifact', 's3-credentials', 'registry-credentials', 'git-credentials']));
      expect(names.some((n) => n.startsWith('api-key-'))).toBe(true);
      expect(ofTenant(r, ns, 'PodDefault').map((m) => m.metadata.name)).toEqual(
        expect.arrayContaining(['access-s3', 'access-registry', 'access-git', ...names.filter((n) => n.startsWith('api-key-')).map((n) => `access-${n}`)]),
      );
    }
  });

  it('mlpipeline-minio-artifact carries exactly accesskey and secretkey, from the tenant prefix', () => {
    const s = es(byName(ofTenant(r, 'risk-modeling', 'ExternalSecret'), 'mlpipeline-minio-artifact'));
    expect(s.target).toEqual({ name: 'mlpipeline-minio-artifact', creationPolicy: 'Owner', deletionPolicy: 'Retain' });
    expect(s.data).toEqual([
      { secretKey: 'accesskey', remoteRef: { key: 'tenants/risk-modeling/s3', property: 'access_key' } },
      { secretKey: 'secretkey', remoteRef: { key: 'tenants/risk-modeling/s3', property: 'secret_key' } },
    ]);
    expect(s.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'vault' });
  });

  it('the registry secret is a kubernetes.io/dockerconfigjson for the declared server, rendered by ESO from username/password', () => {
    const s = es(byName(ofTenant(r, 'fraud-modelling', 'ExternalSecret'), 'registry-credentials'));
    expect(s.target.template?.type).toBe('kubernetes.io/dockerconfigjson');
    expect(Object.keys(s.target.template?.data ?? {})).toEqual(['.dockerconfigjson']);
    const tpl = s.target.template!.data!['.dockerconfigjson']!;
    // The template is JSON once ESO substitutes the values.
    const rendered = JSON.parse(tpl.replace(/\{\{ \.username \}\}/g, 'u').replace(/\{\{ \.password \}\}/g, 'p').replace(/\{\{ printf [^}]+\}\}/g, 'dTpw'));
    expect(rendered).toEqual({ auths: { 'harbor.example.com': { username: 'u', password: 'p', auth: 'dTpw' } } });
    expect(s.data.map((d) => d.remoteRef)).toEqual([
      { key: 'tenants/fraud-modelling/registry', property: 'username' },
      { key: 'tenants/fraud-modelling/registry', property: 'password' },
    ]);
    // risk-modeling did not name a server: the platform's default.
    const risk = es(byName(ofTenant(r, 'risk-modeling', 'ExternalSecret'), 'registry-credentials'));
    expect(risk.target.template!.data!['.dockerconfigjson']).toContain('"registry.example.com"');
  });

  it('refresh interval: the tenant value, else the platform default; every target owned by its ExternalSecret', () => {
    for (const m of ofTenant(r, 'fraud-modelling', 'ExternalSecret')) expect(es(m).refreshInterval).toBe('15m');
    for (const m of ofTenant(r, 'risk-modeling', 'ExternalSecret')) expect(es(m).refreshInterval).toBe(DEFAULT_PLATFORM.credentials.refreshInterval);
    for (const m of r.objects.map((o) => o.manifest).filter((x) => x.kind === 'ExternalSecret')) {
      expect(es(m).target.creationPolicy).toBe('Owner');
      expect(es(m).target.name).toBe(m.metadata.name);
    }
  });

  it('every remote key is under the tenant\'s own Vault prefix', () => {
    for (const m of r.objects.map((o) => o.manifest).filter((x) => x.kind === 'ExternalSecret')) {
      for (const d of es(m).data) expect(d.remoteRef.key.startsWith(`tenants/${m.metadata.namespace}/`), `${m.metadata.namespace}/${m.metadata.name}`).toBe(true);
    }
    const fs = ofTenant(r, 'fraud-modelling', 'ExternalSecret');
    expect(es(byName(fs, 'api-key-feature-store')).data[0]!.remoteRef.key).toBe('tenants/fraud-modelling/feature-store/api');
    expect(es(byName(fs, 'api-key-openai')).data[0]!.remoteRef.key).toBe('tenants/fraud-modelling/api-keys/openai');
  });

  it('PodDefaults let a notebook opt in from the form: S3 env, git credential store, API key env, pull secret', () => {
    const pds = ofTenant(r, 'fraud-modelling', 'PodDefault');
    for (const pd of pds) {
      const spec = pd.spec as { selector: { matchLabels: Record<string, string> }; desc: string };
      expect(spec.selector).toEqual({ matchLabels: { [pd.metadata.name]: 'true' } });
      expect(spec.desc.length).toBeGreaterThan(0);
    }
    const s3 = byName(pds, 'access-s3').spec as { env: { name: string; value?: string; valueFrom?: unknown }[] };
    expect(s3.env.map((e) => e.name)).toEqual(['ARTIFACT_ROOT', 'AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
    expect(s3.env[0]!.value).toBe('s3://mlpipeline/fraud-modelling/');
    expect(s3.env[3]!.valueFrom).toEqual({ secretKeyRef: { name: 's3-credentials', key: 'AWS_ACCESS_KEY_ID' } });
    const feast = byName(pds, 'access-api-key-feature-store').spec as { env: unknown[] };
    expect(feast.env).toEqual([{ name: 'FEAST_API_KEY', valueFrom: { secretKeyRef: { name: 'api-key-feature-store', key: 'api-key' } } }]);
    const openai = byName(pds, 'access-api-key-openai').spec as { env: { name: string }[] };
    expect(openai.env[0]!.name).toBe('OPENAI_API_KEY');
    const git = byName(pds, 'access-git').spec as { env: { name: string; value: string }[]; volumes: unknown[]; volumeMounts: unknown[] };
    expect(git.env.find((e) => e.name === 'GIT_CONFIG_VALUE_0')!.value).toBe('store --file=/var/run/secrets/kubeflow-tenants/git/.git-credentials');
    expect(git.volumes).toEqual([{ name: 'git-credentials', secret: { secretName: 'git-credentials', defaultMode: 0o440 } }]);
    const gitEs = es(byName(ofTenant(r, 'fraud-modelling', 'ExternalSecret'), 'git-credentials'));
    expect(gitEs.target.template!.data!['.git-credentials']).toBe('https://{{ .username }}:{{ .token }}@gitlab.example.com\n');
    expect(byName(pds, 'access-registry').spec).toMatchObject({ imagePullSecrets: [{ name: 'registry-credentials' }] });
  });

  it('no secret value in the output: no Secret objects, and templates only reference fetched values', () => {
    expect(r.objects.filter((o) => o.manifest.kind === 'Secret')).toEqual([]);
    for (const m of r.objects.map((o) => o.manifest).filter((x) => x.kind === 'ExternalSecret')) {
      for (const v of Object.values(es(m).target.template?.data ?? {})) {
        const vars = [...v.matchAll(/\{\{([^}]*)\}\}/g)].flatMap((x) => [...x[1]!.matchAll(/\.(\w+)/g)].map((y) => y[1]));
        for (const x of vars) expect(es(m).data.map((d) => d.secretKey)).toContain(x);
      }
    }
  });

  it('policies are written under platform/<component>/<tenant>.*, outside Argo CD\'s paths, and the file map stays sorted', () => {
    const policyPaths = [...r.files.keys()].filter((f) => f.startsWith('platform/'));
    expect(policyPaths).toEqual([
      'platform/README.md',
      'platform/profile-controller/namespace-labels.yaml',
      'platform/s3/fraud-modelling.json',
      'platform/s3/payments-engineering.json',
      'platform/s3/risk-modeling.json',
      'platform/vault/fraud-modelling.hcl',
      'platform/vault/payments-engineering.hcl',
      'platform/vault/risk-modeling.hcl',
    ]);
    const keys = [...r.files.keys()];
    expect(keys).toEqual([...keys].sort());
    expect(r.objects.some((o) => o.file.startsWith('platform/'))).toBe(false);
  });

  it("payments-engineering's bucket policy reads risk-modeling's granted prefix, and only that", () => {
    const p = JSON.parse(r.files.get('platform/s3/payments-engineering.json')!) as ReturnType<typeof bucketPolicy>;
    const reads = p.Statement.filter((s) => s.Sid.startsWith('ReadGrantedBy'));
    expect(reads).toEqual([{ Sid: 'ReadGrantedByRiskModeling', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::mlpipeline/risk-modeling/models/fraud-v3/*'] }]);
    const own = p.Statement.find((s) => s.Sid === 'ReadWriteOwnPrefix')!;
    expect(own.Resource).toEqual(['arn:aws:s3:::mlpipeline/payments-engineering/*']);
    // fraud-modelling was granted nothing.
    const fraud = JSON.parse(r.files.get('platform/s3/fraud-modelling.json')!) as ReturnType<typeof bucketPolicy>;
    expect(fraud.Statement.map((s) => s.Sid)).toEqual(['BucketLocation', 'ListOwnPrefix', 'ReadWriteOwnPrefix']);
    expect(JSON.stringify(fraud)).not.toContain('risk-modeling');
  });
});

describe('platform Vault settings carry through to the SecretStore, the remote keys and the HCL policy', () => {
  const spec = validSpec({ credentials: { s3: { key: '/teams/fraud/object-store' }, apiKeys: [{ name: 'llm' }] } });

  it('KV v2 (default): store path = mount, policy on data/ and metadata/', () => {
    expect(renderVaultPolicy(modelOf('fraud', [validSpec()], DEFAULT_PLATFORM), DEFAULT_PLATFORM)).toBe(
      [
        '# Vault policy tenant-fraud: tenant "fraud" reads its own secrets under secret/tenants/fraud/ and nothing else.',
        '# Generated by kubeflow-tenants; applied by the platform team, not by Argo CD:',
        '#   vault policy write tenant-fraud fraud.hcl',
        '#   vault write auth/kubernetes/role/fraud \\',
        '#     bound_service_account_names=default-editor bound_service_account_namespaces=fraud \\',
        '#     policies=tenant-fraud ttl=1h',
        '',
        'path "secret/data/tenants/fraud/*" {',
        '  capabilities = ["read"]',
        '}',
        '',
        'path "secret/metadata/tenants/fraud/*" {',
        '  capabilities = ["list", "read"]',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('KV v1 with another mount, prefix and auth mount', () => {
    const platform = definePlatform({ vault: { mount: 'kv', kvVersion: 'v1', pathPrefix: 'teams', authMountPath: 'k8s-prod', address: 'https://vault.example.com' } });
    const r = synthesize([entry(spec)], platform);
    const store = r.objects.find((o) => o.manifest.kind === 'SecretStore')!.manifest;
    expect(store.spec).toEqual({
      provider: { vault: { server: 'https://vault.example.com', path: 'kv', version: 'v1', auth: { kubernetes: { mountPath: 'k8s-prod', role: 'fraud', serviceAccountRef: { name: 'default-editor' } } } } },
    });
    const keys = r.objects.filter((o) => o.manifest.kind === 'ExternalSecret').flatMap((o) => es(o.manifest).data.map((d) => d.remoteRef.key));
    expect([...new Set(keys)].sort()).toEqual(['teams/fraud/api-keys/llm', 'teams/fraud/object-store']);
    const hcl = r.files.get('platform/vault/fraud.hcl')!;
    expect(hcl).toContain('path "kv/teams/fraud/*" {\n  capabilities = ["list", "read"]\n}');
    expect(hcl).not.toContain('/data/');
    expect(hcl).toContain('auth/k8s-prod/role/fraud');
    for (const o of r.objects) expect(validateManifest(o.manifest)).toEqual([]);
  });

  it('resolveVaultKey: relative keys go under the prefix, absolute ones are taken as written', () => {
    expect(resolveVaultKey('s3', 'fraud', DEFAULT_PLATFORM)).toBe('tenants/fraud/s3');
    expect(resolveVaultKey('/tenants/fraud/nested/s3/', 'fraud', DEFAULT_PLATFORM)).toBe('tenants/fraud/nested/s3');
  });

  it('policyFiles: nothing for a tenant without credentials, no bucket policy without S3', () => {
    expect([...policyFiles(modelOf('fraud', [validSpec()], DEFAULT_PLATFORM), DEFAULT_PLATFORM).keys()]).toEqual([]);
    const gitOnly = validSpec({ credentials: { git: true } });
    expect([...policyFiles(modelOf('fraud', [gitOnly], DEFAULT_PLATFORM), DEFAULT_PLATFORM).keys()]).toEqual(['platform/vault/fraud.hcl']);
  });

  it('decommissioning revokes: no policy files for the tenant, and its artifact grants leave the grantee\'s bucket policy', () => {
    const grantee = validSpec({ credentials: { s3: true } });
    const granter = validSpec({ name: 'risk', owner: { email: 'r@example.com' }, credentials: { s3: true }, grants: [{ to: 'fraud', artifactPrefixes: ['models'] }] });
    const reads = (specs: ReturnType<typeof validSpec>[]) => bucketPolicy(modelOf('fraud', specs, DEFAULT_PLATFORM), DEFAULT_PLATFORM).Statement.filter((st) => st.Sid.startsWith('ReadGranted')).length;
    expect(reads([grantee, granter])).toBe(1);
    const gone = { ...granter, decommissioned: true };
    expect(reads([grantee, gone])).toBe(0);
    expect([...policyFiles(modelOf('risk', [grantee, gone], DEFAULT_PLATFORM), DEFAULT_PLATFORM).keys()]).toEqual([]);
  });

  it('the bucket and S3 endpoint come from platform settings', () => {
    const platform = definePlatform({ objectStore: { bucket: 'ml-artifacts', endpoint: 'https://s3.eu-west-1.amazonaws.com', region: 'eu-west-1' } });
    const s3 = validSpec({ credentials: { s3: true } });
    const policy = bucketPolicy(modelOf('fraud', [s3], platform), platform);
    expect(policy.Statement.flatMap((s) => s.Resource)).toEqual(['arn:aws:s3:::ml-artifacts', 'arn:aws:s3:::ml-artifacts', 'arn:aws:s3:::ml-artifacts/fraud/*']);
    const pd = synthesize([entry(s3)], platform).objects.find((o) => o.manifest.kind === 'PodDefault')!.manifest.spec as { env: { name: string; value?: string }[] };
    expect(pd.env.slice(0, 3)).toEqual([
      { name: 'ARTIFACT_ROOT', value: 's3://ml-artifacts/fraud/' },
      { name: 'AWS_ENDPOINT_URL', value: 'https://s3.eu-west-1.amazonaws.com' },
      { name: 'AWS_REGION', value: 'eu-west-1' },
    ]);
  });

  it("objectStore.tenantPrefix moves every tenant's area, its own and the granted ones (e.g. KFP's private-artifacts/<ns>/)", () => {
    const platform = definePlatform({ objectStore: { tenantPrefix: 'private-artifacts/{tenant}' } });
    const risk = validSpec({ name: 'risk', owner: { email: 'r@example.com' }, grants: [{ to: 'fraud', artifactPrefixes: ['models/v3'] }] });
    const fraud = validSpec({ credentials: { s3: true } });
    const policy = bucketPolicy(modelOf('fraud', [fraud, risk], platform), platform);
    expect(policy.Statement.flatMap((st) => st.Resource).filter((x) => x.includes('/'))).toEqual([
      'arn:aws:s3:::mlpipeline/private-artifacts/fraud/*',
      'arn:aws:s3:::mlpipeline/private-artifacts/risk/models/v3/*',
    ]);
    expect(policy.Statement.flatMap((st) => st.Condition?.StringLike['s3:prefix'] ?? [])).toEqual(['private-artifacts/fraud/*', 'private-artifacts/risk/models/v3/*']);
    const pd = synthesize([entry(fraud), entry(risk)], platform).objects.find((o) => o.manifest.kind === 'PodDefault')!.manifest.spec as { env: { name: string; value?: string }[] };
    expect(pd.env[0]).toEqual({ name: 'ARTIFACT_ROOT', value: 's3://mlpipeline/private-artifacts/fraud/' });
    expect(() => definePlatform({ objectStore: { tenantPrefix: 'artifacts/' } })).toThrow(
      'platform.ts: objectStore.tenantPrefix: Invalid value: "artifacts/": a key prefix without leading or trailing "/" or "*" that contains "{tenant}" once, e.g. "{tenant}" or "private-artifacts/{tenant}"',
    );
  });

  it('a bad platform refresh interval is a platform error', () => {
    expect(() => definePlatform({ credentials: { refreshInterval: 'hourly' } })).toThrow('platform.ts: credentials.refreshInterval: Invalid value: "hourly": not a Go duration; write e.g. "1h" or "15m"');
  });
});

describe('refusals', () => {
  const errorsOf = (credentials: unknown): string[] => validateTenants([entry(validSpec({ credentials }))], DEFAULT_PLATFORM).map(String);
  const C = 'tenants/fraud.ts: credentials';
  const cases: [string, unknown, string[]][] = [
    [
      "an absolute key in another tenant's prefix",
      { s3: { key: '/tenants/payments/s3' } },
      [
        `${C}.s3.key: Forbidden: "/tenants/payments/s3": is outside this tenant's Vault prefix tenants/fraud/; the tenant's Vault role can only read there. Store the secret under tenants/fraud/ and write the key relative to it, e.g. "s3"`,
      ],
    ],
    [
      'an absolute key outside every tenant prefix',
      { apiKeys: [{ name: 'llm', key: '/shared/llm' }] },
      [
        `${C}.apiKeys[0].key: Forbidden: "/shared/llm": is outside this tenant's Vault prefix tenants/fraud/; the tenant's Vault role can only read there. Store the secret under tenants/fraud/ and write the key relative to it, e.g. "llm"`,
      ],
    ],
    [
      'a relative key that repeats the prefix',
      { git: { key: 'tenants/fraud/git' } },
      [
        `${C}.git.key: Invalid value: "tenants/fraud/git": relative keys are already under tenants/fraud/ (this would read tenants/fraud/tenants/fraud/git); drop the "tenants/..." part, or write an absolute key starting with "/tenants/fraud/"`,
      ],
    ],
    [
      'a key that climbs out with ..',
      { s3: { key: '../payments/s3' } },
      [`${C}.s3.key: Invalid value: "../payments/s3": a Vault key is path segments of letters, digits, ".", "_" or "-" separated by "/", without "..", "*" or spaces, e.g. "s3" or "api-keys/openai"`],
    ],
    [
      'a registry server with a scheme',
      { registry: { server: 'https://harbor.example.com/x' } },
      [`${C}.registry.server: Invalid value: "https://harbor.example.com/x": must be a registry host with an optional port, without scheme or path, e.g. "registry.example.com" or "harbor.internal:5000"`],
    ],
    ['a git host with a path', { git: { host: 'github.com/' } }, [`${C}.git.host: Invalid value: "github.com/": must be a host name without scheme or path, e.g. "github.com"`]],
    ['duplicate API key names', { apiKeys: [{ name: 'openai' }, { name: 'openai' }] }, [`${C}.apiKeys[1].name: Duplicate value: "openai": already declared at credentials.apiKeys[0]; each API key needs its own name`]],
    [
      'two API keys in one environment variable',
      { apiKeys: [{ name: 'a-b' }, { name: 'x', env: 'A_B_API_KEY' }] },
      [`${C}.apiKeys[1].env: Duplicate value: "A_B_API_KEY": credentials.apiKeys[0] sets the same environment variable; set env on one of them`],
    ],
    [
      'an environment variable that is not one',
      { apiKeys: [{ name: 'x', env: 'lower' }] },
      [`${C}.apiKeys[0].env: Invalid value: "lower": an environment variable name: upper-case letters, digits and "_", not starting with a digit, e.g. "OPENAI_API_KEY"`],
    ],
    ['a refresh interval that is not a Go duration', { refreshInterval: '1 hour' }, [`${C}.refreshInterval: Invalid value: "1 hour": a Go duration such as "1h", "15m" or "1h30m"`]],
    ['a credential that is neither true nor an object', { s3: 'yes' }, [`${C}.s3: Invalid value: "yes": must be true, or an object with fields key`]],
    ['an unknown credential', { vault: true }, [`${C}.vault: Unsupported value: "vault": unknown field; supported fields: s3, registry, git, apiKeys, refreshInterval`]],
  ];
  it.each(cases)('%s', (_name, credentials, expected) => {
    expect(errorsOf(credentials)).toEqual(expected);
  });

  it('accepts an absolute key inside its own prefix', () => {
    expect(errorsOf({ s3: { key: '/tenants/fraud/shared/s3' } })).toEqual([]);
  });
});
