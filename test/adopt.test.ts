/**
 * Adopting an existing namespace (issue 11): the `adopt` field (check, model, what the bundle emits
 * differently, schema-valid), and `npm run adopt-check` on dumps built here: every blocker, warning
 * and note from a change of one thing in a ready namespace, the dump's input errors with their
 * messages, and the command's exit codes on a fixture repository (synthesized and from --dist).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import yaml from 'js-yaml';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdoptReport, KubeJson } from '../lib/adopt';
import { ADOPT_EXIT, adoptCheck, adoptExitCode, dumpCommand, parseDump } from '../lib/adopt';
import { diffTrees } from '../lib/diff';
import { DEFAULT_PLATFORM, definePlatform } from '../lib/platform';
import { synthesize, writeDist } from '../lib/synth';
import type { TenantSpec } from '../lib/tenant';
import { TENANT_FIELDS, validateTenants } from '../lib/tenant';
import { ValidationError } from '../lib/validation';
import { makeRepo, removeRepo, runScript, tenantSource } from './fixture-repo';
import { entry, ROOT, validSpec } from './support/fixtures';
import { generateOrg, ORG_PLATFORM } from './support/gen-org';
import { validateManifest } from './support/schemas';

const NS = 'legacy';
const spec = (over: Record<string, unknown> = {}): TenantSpec => validSpec({ name: NS, adopt: true, contributors: [{ user: 'bob@example.com', role: 'edit' }], ...over });
const synthOf = (s: TenantSpec, platform = DEFAULT_PLATFORM): KubeJson[] => synthesize([entry(s)], platform).objects.map((o) => o.manifest as unknown as KubeJson);
const org = synthOf(spec());

/** A namespace ready for adoption: the right owner, in the mesh, Pod Security as the bundle sets it. */
function readyNamespace(over: { annotations?: Record<string, string>; labels?: Record<string, string> } = {}): KubeJson {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: NS,
      annotations: over.annotations ?? { owner: 'lead@example.com' },
      labels: over.labels ?? { 'istio-injection': 'enabled', 'pod-security.kubernetes.io/enforce': 'restricted', 'kubernetes.io/metadata.name': NS },
    },
    status: { phase: 'Active' },
  };
}
const obj = (kind: string, name: string, rest: Record<string, unknown> = {}, apiVersion = 'v1'): KubeJson => ({ apiVersion, kind, metadata: { name, namespace: NS }, ...rest });
const rb = (name: string, roleRef: string, subjects: object[], annotations?: Record<string, string>): KubeJson => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name, namespace: NS, ...(annotations ? { annotations } : {}) },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleRef },
  subjects,
});
const user = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name });
const pod = (name: string, containers: string[], extra: Record<string, unknown> = {}): KubeJson =>
  obj('Pod', name, { spec: { containers: containers.map((c) => ({ name: c, image: 'x' })) }, status: { phase: 'Running' }, ...extra });

const check = (objects: KubeJson[], namespace = readyNamespace(), synthesized = org): AdoptReport => adoptCheck('legacy.yaml', { namespace, objects }, synthesized);
const by = (r: AdoptReport, s: 'blocker' | 'warning' | 'note'): string[] => r.findings.filter((f) => f.severity === s).map((f) => `${f.object}: ${f.message}`);

describe('adopt: the tenant field', () => {
  it('is a known field, must be a boolean (error with its message)', () => {
    expect(TENANT_FIELDS).toContain('adopt');
    expect(validateTenants([entry(spec({ adopt: 'yes' }))], DEFAULT_PLATFORM).map(String)).toEqual([
      'tenants/legacy.ts: adopt: Invalid value: "yes": must be true or false; true takes over an existing namespace of this name (docs/adopt.md; check it first with npm run adopt-check)',
    ]);
    expect(validateTenants([entry(spec())], DEFAULT_PLATFORM)).toEqual([]);
  });

  it('marks the Profile and labels the namespace istio-injection: enabled; nothing else differs; schema-valid', () => {
    const plain = synthOf(spec({ adopt: false }));
    const find = (xs: KubeJson[], kind: string) => xs.find((o) => o.kind === kind)!;
    expect(find(org, 'Profile').metadata.annotations?.['kubeflow-tenants/adopted']).toBe('true');
    expect(find(plain, 'Profile').metadata.annotations?.['kubeflow-tenants/adopted']).toBeUndefined();
    expect(find(org, 'Namespace').metadata.labels?.['istio-injection']).toBe('enabled');
    expect(find(plain, 'Namespace').metadata.labels?.['istio-injection']).toBeUndefined();
    // Same objects, same specs: only that annotation and that label.
    const strip = (xs: KubeJson[]) => JSON.stringify(xs.map((o) => ({ ...o, metadata: { ...o.metadata, annotations: undefined, labels: { ...o.metadata.labels, 'istio-injection': undefined } } })));
    expect(strip(org)).toEqual(strip(plain));
    for (const o of org) expect(validateManifest(o), `${o.kind} ${o.metadata.name}`).toEqual([]);
  });
});

describe('adopt: the review diff', () => {
  it('a new tenant that adopts says so on its tenant-added flag; one that does not, does not', () => {
    const added = (s: TenantSpec) => diffTrees(new Map(), new Map(synthesize([entry(s)], DEFAULT_PLATFORM).files)).flags.filter((f) => f.kind === 'tenant-added').map((f) => f.message);
    expect(added(spec())).toEqual([expect.stringMatching(/; adopts the existing namespace legacy \(docs\/adopt.md: attach the npm run adopt-check report\)$/)]);
    expect(added(spec({ adopt: false }))[0]).not.toContain('adopts');
  });
});

describe('adopt-check: findings', () => {
  it('a namespace ready for adoption: ready (exit 0), with the ownerReference and guard note', () => {
    const r = check([]);
    expect(r.verdict).toBe('ready');
    expect(adoptExitCode(r)).toBe(ADOPT_EXIT.ready);
    expect(by(r, 'note')).toEqual([
      'Namespace legacy: the Profile controller sets no ownerReference on an adopted namespace: deleting the Profile (after decommissioning) will not delete it or its data; the in-cluster guard (tenant-namespace-deletion-requires-decommission) recognises it by the kubeflow-tenants/tenant label the bundle\'s Namespace object sets, so deleting it by hand needs kubectl annotate namespace legacy kubeflow-tenants/decommissioned=true first',
    ]);
  });

  it('without the in-cluster guard the note says nothing guards the namespace', () => {
    const r = check([], readyNamespace(), synthOf(spec(), definePlatform({ guards: { admissionPolicy: false } })));
    expect(by(r, 'note')[0]).toContain('the in-cluster guard is off (platform.ts guards.admissionPolicy), so nothing stops a hand deletion');
  });

  it('owner annotation missing or different: blocked (exit 4), with the fix', () => {
    const missing = check([], readyNamespace({ annotations: {} }));
    expect(missing.verdict).toBe('blocked');
    expect(adoptExitCode(missing)).toBe(ADOPT_EXIT.blocked);
    expect(by(missing, 'blocker')).toEqual([
      'Namespace legacy: metadata.annotations["owner"] is missing: the Profile controller does not reconcile the Profile ("namespace already exist, but not owned by profile creator lead@example.com"): no namespaceAdmin, quota or owner access until it is fixed; fix: kubectl annotate namespace legacy owner=lead@example.com',
    ]);
    const wrong = check([], readyNamespace({ annotations: { owner: 'someone@example.com' } }));
    expect(by(wrong, 'blocker')).toEqual([
      'Namespace legacy: metadata.annotations["owner"] is "someone@example.com", the Profile\'s owner is "lead@example.com": the Profile controller does not reconcile the Profile ("namespace already exist, but not owned by profile creator lead@example.com"): no namespaceAdmin, quota or owner access until it is fixed; fix, after agreeing the hand-over with "someone@example.com": kubectl annotate namespace legacy owner=lead@example.com --overwrite',
    ]);
  });

  it('the owner is the identity synth writes: the IdP subject when the platform uses subjects', () => {
    const bySubject = definePlatform({ identity: { use: 'subject' } });
    const s = spec({ owner: { email: 'lead@example.com', subject: 'sub-1' }, contributors: [] });
    expect(check([], readyNamespace(), synthOf(s, bySubject)).verdict).toBe('blocked');
    expect(check([], readyNamespace({ annotations: { owner: 'sub-1' } }), synthOf(s, bySubject)).verdict).toBe('ready');
  });

  it('a tenant file without adopt: true blocks', () => {
    const r = check([], readyNamespace(), synthOf(spec({ adopt: false })));
    expect(by(r, 'blocker')).toEqual([expect.stringMatching(/^Profile legacy: tenants\/legacy.ts does not set `adopt: true`/)]);
  });

  it('istio-injection missing, and pods without a sidecar (opted out or not): warnings (exit 3); pods with one, or finished, are fine', () => {
    const r = check(
      [pod('old', ['main']), pod('meshed', ['main', 'istio-proxy']), pod('optout', ['main'], { metadata: { name: 'optout', namespace: NS, annotations: { 'sidecar.istio.io/inject': 'false' } } }), { ...pod('done', ['main']), status: { phase: 'Succeeded' } }],
      readyNamespace({ labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } }),
    );
    expect(r.verdict).toBe('ready with warnings');
    expect(adoptExitCode(r)).toBe(ADOPT_EXIT.warnings);
    expect(by(r, 'warning')).toEqual([
      'Namespace legacy: metadata.labels["istio-injection"] is missing: the bundle\'s Namespace object sets it to "enabled" (the controller does so only for namespaces it creates); only pods created after that get a sidecar',
      expect.stringMatching(/^Pod legacy\/old: runs without an Istio sidecar until it is restarted after the adoption: until then STRICT mTLS does not cover its traffic .* no AuthorizationPolicy protects it/),
      expect.stringMatching(/^Pod legacy\/optout: opts out of the Istio sidecar/),
    ]);
  });

  it('a lower Pod Security level than the bundle sets: warning with the dry-run command', () => {
    const r = check([], readyNamespace({ labels: { 'istio-injection': 'enabled' } }));
    expect(by(r, 'warning')).toEqual([
      "Namespace legacy: Pod Security enforce (none: privileged) → restricted (the bundle's Namespace object): running pods are not re-checked, new ones that break restricted are refused; list the offenders with: kubectl label --dry-run=server --overwrite namespace legacy pod-security.kubernetes.io/enforce=restricted",
    ]);
  });

  it('other ResourceQuotas and LimitRanges: warnings', () => {
    const r = check([obj('ResourceQuota', 'team-quota', { spec: { hard: { 'requests.cpu': '4' } } }), obj('LimitRange', 'old-limits', { spec: { limits: [] } })]);
    expect(by(r, 'warning')).toEqual([
      'ResourceQuota legacy/team-quota: (requests.cpu=4) stays and is enforced next to kf-resource-quota: the tightest quota binds, so the tenant file\'s quota is not the whole truth; delete it after the adoption, or fold it into `quota`',
      "LimitRange legacy/old-limits: stays next to the bundle's LimitRange tenant-limits: the caps of both apply and both set defaults, so pods may get defaults and limits the tenant file does not declare; delete it after the adoption, or fold it into `limits`",
    ]);
  });

  it('RoleBindings for people the tenant file does not name: warnings; the named ones, and own ServiceAccounts, are not', () => {
    const r = check([
      rb('old-admins', 'admin', [user('carol@example.com'), user('bob@example.com')]),
      rb('kfam-style', 'kubeflow-view', [user('dave@example.com')], { user: 'dave@example.com', role: 'view' }),
      rb('ci', 'edit', [{ kind: 'ServiceAccount', name: 'builder', namespace: 'ci-system' }]),
      rb('own-sa', 'edit', [{ kind: 'ServiceAccount', name: 'pipeline-runner', namespace: NS }]),
      rb('named', 'edit', [user('lead@example.com'), user('bob@example.com')]),
    ]);
    expect(by(r, 'warning')).toEqual([
      'RoleBinding legacy/old-admins: binds ClusterRole admin to User carol@example.com, whom tenants/legacy.ts does not name: the binding keeps working after the adoption, and npm run access and npm run diff do not see it; add them to the tenant file (contributors) and delete the binding',
      expect.stringMatching(/^RoleBinding legacy\/kfam-style: binds ClusterRole kubeflow-view to User dave@example.com, whom tenants\/legacy.ts does not name \(KFAM annotations: the dashboard lists it as a contributor\)/),
      expect.stringMatching(/^RoleBinding legacy\/ci: binds ClusterRole edit to ServiceAccount ci-system\/builder, whom/),
    ]);
  });

  it('objects whose names the bundle emits: blocked, the name taken from the synthesized bundle', () => {
    const limitRange = org.find((o) => o.kind === 'LimitRange')!;
    const contributor = org.find((o) => o.kind === 'RoleBinding')!;
    const r = check([obj('LimitRange', limitRange.metadata.name, { spec: {} }), { ...contributor, metadata: { name: contributor.metadata.name, namespace: NS } }]);
    expect(by(r, 'blocker')).toEqual([
      `LimitRange legacy/${limitRange.metadata.name}: the bundle emits LimitRange legacy/${limitRange.metadata.name}: Argo CD would overwrite what it sets and prune the object with the tenant; rename or delete it (recreate what it did in the tenant file)`,
      `RoleBinding legacy/${contributor.metadata.name}: the bundle emits RoleBinding legacy/${contributor.metadata.name}: Argo CD would overwrite what it sets and prune the object with the tenant; rename or delete it (recreate what it did in the tenant file)`,
    ]);
  });

  it("the controller's names: differing bindings, kf-resource-quota and ns-owner-access-istio block; an equal binding is a note; its ServiceAccounts warn", () => {
    const r = check([
      rb('namespaceAdmin', 'kubeflow-admin', [user('someone@example.com')]),
      rb('default-editor', 'kubeflow-edit', [{ kind: 'ServiceAccount', name: 'default-editor', namespace: NS }]),
      obj('ResourceQuota', 'kf-resource-quota', { spec: { hard: {} } }),
      obj('AuthorizationPolicy', 'ns-owner-access-istio', { spec: {} }, 'security.istio.io/v1'),
      obj('ServiceAccount', 'default-viewer'),
    ]);
    expect(by(r, 'blocker')).toEqual([
      'RoleBinding legacy/namespaceAdmin: the Profile controller takes this name over and overwrites it (ClusterRole kubeflow-admin to User someone@example.com → ClusterRole kubeflow-admin to User lead@example.com), without making it its own (no ownerReference); delete it first and let the controller create it',
      "ResourceQuota legacy/kf-resource-quota: the Profile controller takes this name over and overwrites its spec with the Profile's, without making it its own (no ownerReference); delete it first and let the controller create it",
      "AuthorizationPolicy legacy/ns-owner-access-istio: the Profile controller takes this name over and overwrites its spec with the Profile's, without making it its own (no ownerReference); delete it first and let the controller create it",
    ]);
    expect(by(r, 'note')).toContain('RoleBinding legacy/default-editor: equals what the Profile controller writes; it keeps it (without an ownerReference, so deleting the Profile will not delete it)');
    expect(by(r, 'warning')).toEqual([
      'ServiceAccount legacy/default-viewer: exists: the Profile controller keeps it as it is (its secrets and image pull secrets included) and binds kubeflow-view to it; every pod already running as it gains that role',
    ]);
  });

  it('ownerReferences and a terminating namespace', () => {
    const ns = readyNamespace();
    const owned = { ...ns, metadata: { ...ns.metadata, ownerReferences: [{ apiVersion: 'kubeflow.org/v1', kind: 'Profile', name: 'other', uid: 'u' }] }, status: { phase: 'Terminating' } };
    expect(by(check([], owned), 'blocker')).toEqual([
      'Namespace legacy: is being deleted: wait until it is gone, or stop its deletion, before adopting it',
      'Namespace legacy: owned by Profile other: deleting that Profile deletes this namespace; remove the ownerReference (or the other tenant) first',
    ]);
  });

  it('the credentials note names the Secrets the bundle writes (the dump holds none)', () => {
    const withCreds = synthOf(spec({ credentials: { s3: true } }));
    const notes = by(check([], readyNamespace(), withCreds), 'note');
    expect(notes.some((n) => /^Namespace legacy: the dump holds no Secrets .*kubectl get secret -n legacy /.test(n))).toBe(true);
  });
});

describe('adopt-check: the dump', () => {
  const errorsOf = (text: string): string[] => {
    try {
      parseDump('d.yaml', text);
    } catch (e) {
      if (e instanceof ValidationError) return e.errors.map(String);
      throw e;
    }
    return [];
  };
  const nsDoc = yaml.dump(readyNamespace());

  it('reads the documented two-document shape (a Namespace, then a List)', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [obj('ResourceQuota', 'q'), pod('p', ['main'])] };
    const d = parseDump('d.yaml', `${nsDoc}---\n${yaml.dump(list)}`);
    expect(d.namespace.metadata.name).toBe(NS);
    expect(d.objects.map((o) => o.kind)).toEqual(['ResourceQuota', 'Pod']);
  });

  it('the documented command is generated from the catalogue of kinds the bundle emits', () => {
    expect(dumpCommand('legacy')).toBe(
      '{ kubectl get namespace legacy -o yaml; echo ---; kubectl get -n legacy -o yaml authorizationpolicies.security.istio.io,externalsecrets.external-secrets.io,limitranges,networkpolicies.networking.k8s.io,peerauthentications.security.istio.io,poddefaults.kubeflow.org,pods,resourcequotas,rolebindings.rbac.authorization.k8s.io,roles.rbac.authorization.k8s.io,secretstores.external-secrets.io,serviceaccounts; } > legacy.yaml',
    );
    for (const doc of ['docs/adopt.md', 'README.md']) expect(fs.readFileSync(path.join(ROOT, doc), 'utf8'), doc).toContain(dumpCommand());
  });

  it('refuses what is not one namespace\'s dump, every error at once', () => {
    expect(errorsOf('a: [')).toEqual([expect.stringMatching(/^d.yaml: \(file\): Invalid value: "d.yaml": not YAML: .*; produce the dump with: \{ kubectl get namespace \$NS/)]);
    expect(errorsOf(yaml.dump({ apiVersion: 'v1', kind: 'List', items: [obj('Pod', 'p')] }))).toEqual([
      `d.yaml: (file): Required value: the dump holds no Namespace; produce it with: ${dumpCommand()}`,
    ]);
    const other = { ...readyNamespace(), metadata: { name: 'other' } };
    const bad = { apiVersion: 'v1', kind: 'List', items: [obj('Pod', 'p'), { ...obj('Pod', 'q'), metadata: { name: 'q', namespace: 'elsewhere' } }, { kind: 'Pod' }, 'x', other, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'c' } }] };
    expect(errorsOf(`${nsDoc}---\n${yaml.dump(bad)}`)).toEqual([
      'd.yaml: [1].items[2].kind: Required value: every object of the dump has apiVersion and kind (kubectl get -o yaml writes them)',
      'd.yaml: [1].items[3]: Invalid value: "x": not a Kubernetes object',
      'd.yaml: [1].items[4].metadata.name: Invalid value: "other": the dump holds more than one Namespace (first "legacy"): dump one namespace per file',
      'd.yaml: [1].items[1].metadata.namespace: Invalid value: "elsewhere": the dump is of namespace "legacy": dump one namespace per file',
      'd.yaml: [1].items[5].kind: Invalid value: "ClusterRole": a cluster-scoped object: the dump holds the Namespace and objects inside it only',
    ]);
  });

  it('a namespace no tenant declares is an error, not a report', () => {
    expect(() => adoptCheck('d.yaml', { namespace: { ...readyNamespace(), metadata: { name: 'nobody' } }, objects: [] }, org)).toThrow(ValidationError);
    try {
      adoptCheck('d.yaml', { namespace: { ...readyNamespace(), metadata: { name: 'nobody' } }, objects: [] }, org);
    } catch (e) {
      expect((e as ValidationError).errors.map(String)).toEqual([
        'd.yaml: metadata.name: Invalid value: "nobody": no tenant declares namespace "nobody": add tenants/nobody.ts with `adopt: true` and the namespace\'s owner, then run the check again (docs/adopt.md)',
      ]);
    }
  });
});

describe('npm run adopt-check on a fixture repository', () => {
  let repo: string;
  let tmp: string;
  beforeAll(() => {
    repo = makeRepo({ 'legacy.ts': tenantSource(spec()) });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kft-adopt-'));
  });
  afterAll(() => {
    removeRepo(repo);
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  const dump = (name: string, ns: KubeJson, objects: KubeJson[] = []): string => {
    const f = path.join(tmp, name);
    fs.writeFileSync(f, `${yaml.dump(ns)}---\n${yaml.dump({ apiVersion: 'v1', kind: 'List', items: objects })}`);
    return f;
  };

  it('exit codes: 0 ready, 3 warnings, 4 blocked (synthesizing the working tree), 1 for a bad dump', () => {
    const ready = runScript(repo, 'scripts/adopt-check.ts', dump('ready.yaml', readyNamespace()));
    expect(ready.stderr).toBe('');
    expect(ready.code).toBe(0);
    expect(ready.stdout).toMatch(/^adopt-check: namespace "legacy" \(Profile owner lead@example.com\): READY \(exit 0\)\n\nnotes:\n {2}- Namespace legacy: the Profile controller sets no ownerReference/);

    const warn = runScript(repo, 'scripts/adopt-check.ts', dump('warn.yaml', readyNamespace(), [obj('ResourceQuota', 'team-quota', { spec: { hard: { pods: '5' } } })]));
    expect(warn.code).toBe(3);
    expect(warn.stdout).toContain('READY WITH WARNINGS (exit 3)');
    expect(warn.stdout).toContain('warnings (the adoption works, but this weakens it):\n  - ResourceQuota legacy/team-quota:');

    const blocked = runScript(repo, 'scripts/adopt-check.ts', dump('blocked.yaml', readyNamespace({ annotations: {} })), '--json');
    expect(blocked.code).toBe(4);
    const json = JSON.parse(blocked.stdout) as AdoptReport & { exitCode: number };
    expect([json.verdict, json.exitCode]).toEqual(['blocked', 4]);

    const bad = runScript(repo, 'scripts/adopt-check.ts', path.join(tmp, 'missing.yaml'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/missing.yaml: \(file\): Invalid value: ".*missing.yaml": cannot be read \(ENOENT/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('--dist reads a synthesized dist/ instead of synthesizing; no file is a usage error', () => {
    const dist = path.join(tmp, 'dist');
    writeDist(dist, synthesize([entry(spec())], DEFAULT_PLATFORM).files);
    const r = runScript(ROOT, 'scripts/adopt-check.ts', dump('d.yaml', readyNamespace({ annotations: { owner: 'x@example.com' } })), '--dist', dist);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(4);
    expect(r.stdout).toContain('metadata.annotations["owner"] is "x@example.com"');
    const usage = runScript(repo, 'scripts/adopt-check.ts');
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('usage: npm run adopt-check -- <dump.yaml>');
  }, 60_000);
});

describe('adopt: properties over generated orgs (grants, credentials, decommissioned tenants)', () => {
  const platform = definePlatform(ORG_PLATFORM as Parameters<typeof definePlatform>[0]);
  it('adopting any subset changes exactly the adopted tenants\' Profile annotation and Namespace label; the check finds every bundle name and nothing in a namespace ready for it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), (seed, picks) => {
        const specs = generateOrg(seed, 6).specs;
        const adopted = new Set(specs.filter((_, i) => picks[i]).map((s) => s.name));
        const run = (xs: readonly TenantSpec[]) => synthesize(xs.map((s) => entry(s)), platform).objects.map((o) => o.manifest as unknown as KubeJson);
        const before = run(specs);
        const after = run(specs.map((s) => (adopted.has(s.name) ? { ...s, adopt: true } : s)));
        expect(after.length).toBe(before.length);
        after.forEach((a, i) => {
          const b = before[i]!;
          const tenant = a.kind === 'Profile' || a.kind === 'Namespace' ? a.metadata.name : undefined;
          const changed = tenant !== undefined && adopted.has(tenant);
          const strip = (o: KubeJson) =>
            JSON.stringify({ ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, 'kubeflow-tenants/adopted': undefined }, labels: { ...o.metadata.labels, 'istio-injection': undefined } } });
          expect(strip(a)).toBe(strip(b));
          if (a.kind === 'Profile') expect(a.metadata.annotations?.['kubeflow-tenants/adopted']).toBe(changed ? 'true' : undefined);
          if (a.kind === 'Namespace') expect(a.metadata.labels?.['istio-injection']).toBe(changed ? 'enabled' : undefined);
        });
        for (const name of adopted) {
          const profile = after.find((o) => o.kind === 'Profile' && o.metadata.name === name)!;
          const owner = (profile.spec as { owner: { name: string } }).owner.name;
          const nsObject = after.find((o) => o.kind === 'Namespace' && o.metadata.name === name)!;
          const ready: KubeJson = { apiVersion: 'v1', kind: 'Namespace', metadata: { name, annotations: { owner }, labels: { ...nsObject.metadata.labels } } };
          const clean = adoptCheck('d.yaml', { namespace: ready, objects: [] }, after);
          expect(clean.verdict, `${name}: ${JSON.stringify(clean.findings)}`).toBe('ready');
          // The bundle's own objects already present: each is a blocker, named from the bundle.
          const own = after.filter((o) => o.metadata.namespace === name);
          const taken = adoptCheck('d.yaml', { namespace: ready, objects: own }, after);
          expect(taken.findings.filter((f) => f.severity === 'blocker').map((f) => f.object).sort()).toEqual(own.map((o) => `${o.kind} ${name}/${o.metadata.name}`).sort());
        }
      }),
      { numRuns: 15 },
    );
  }, 120_000);
});
