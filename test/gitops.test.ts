/**
 * Argo CD wiring and deletion protection: sync waves and options per kind, the cluster-level
 * objects (ApplicationSet, AppProjects, platform Application, the in-cluster guards) validated against
 * the vendored CRDs, decommissioned tenants, and the removal guard.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLATFORM, definePlatform } from '../lib/platform';
import type { PlatformSettings } from '../lib/platform';
import type { Manifest, SynthResult } from '../lib/synth';
import { synthesize } from '../lib/synth';
import { argoAnnotations, isBuiltinGroup, SYNC_OPTIONS_ANNOTATION, SYNC_WAVE_ANNOTATION, syncWave } from '../lib/constructs/argocd';
import { guardRules, NAMESPACE_GUARD_POLICY, PROFILE_GUARD_POLICY } from '../lib/constructs/admission-guard';
import { checkRemovedTenants, deployedTenants } from '../lib/deployed';
import { DECOMMISSIONED_ANNOTATION } from '../lib/model/decommission';
import { FieldError, ValidationError } from '../lib/validation';
import { fixtureInputs } from './fixture-repo';
import { entry, ROOT, validSpec } from './support/fixtures';
import { validateManifest } from './support/schemas';

type Json = Record<string, any>;

const cluster = (r: SynthResult): { file: string; manifest: Manifest }[] => r.objects.filter((o) => o.file.startsWith('cluster/'));
const one = (r: SynthResult, kind: string, name: string): Json => {
  const o = r.objects.find((x) => x.manifest.kind === kind && x.manifest.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o.manifest as Json;
};

describe('Argo CD annotations by kind', () => {
  it('Profile goes first and is protected against deletion and pruning', () => {
    const a = argoAnnotations('Profile', 'kubeflow.org/v1');
    expect(a[SYNC_WAVE_ANNOTATION]).toBe('-10');
    expect(a[SYNC_OPTIONS_ANNOTATION]!.split(',')).toEqual(['Delete=confirm', 'Prune=confirm', 'SkipDryRunOnMissingResource=true']);
  });

  it('core namespaced objects sync at wave 0 without options; credentials last', () => {
    for (const [kind, apiVersion] of [
      ['LimitRange', 'v1'],
      ['RoleBinding', 'rbac.authorization.k8s.io/v1'],
      ['Role', 'rbac.authorization.k8s.io/v1'],
      ['NetworkPolicy', 'networking.k8s.io/v1'],
      ['Deployment', 'apps/v1'],
    ] as const) {
      expect(argoAnnotations(kind, apiVersion)).toEqual({ [SYNC_WAVE_ANNOTATION]: '0' });
    }
    expect(syncWave('ExternalSecret', 'external-secrets.io/v1')).toBeGreaterThan(syncWave('RoleBinding', 'rbac.authorization.k8s.io/v1'));
    expect(syncWave('SecretStore', 'external-secrets.io/v1')).toBeGreaterThan(0);
    expect(syncWave('Profile', 'kubeflow.org/v1')).toBeLessThan(syncWave('LimitRange', 'v1'));
  });

  it('every custom resource, and only custom resources, skips the dry run when its CRD is missing', () => {
    for (const g of ['kubeflow.org', 'security.istio.io', 'external-secrets.io', 'kueue.x-k8s.io', 'serving.kserve.io']) expect(isBuiltinGroup(g)).toBe(false);
    for (const g of ['', 'apps', 'batch', 'rbac.authorization.k8s.io', 'networking.k8s.io', 'policy']) expect(isBuiltinGroup(g)).toBe(true);
    expect(argoAnnotations('LocalQueue', 'kueue.x-k8s.io/v1beta2')[SYNC_OPTIONS_ANNOTATION]).toBe('SkipDryRunOnMissingResource=true');
    expect(argoAnnotations('PodDefault', 'kubeflow.org/v1alpha1')[SYNC_OPTIONS_ANNOTATION]).toBe('SkipDryRunOnMissingResource=true');
  });
});

describe('synthesized example tenants (fixture repository)', () => {
  let result: SynthResult;
  let platform: PlatformSettings;
  beforeAll(async () => {
    const inputs = await fixtureInputs('examples');
    platform = inputs.platform;
    result = synthesize(inputs.entries, platform);
  });

  it('every emitted object (tenant and cluster level) is valid against the vendored schemas', () => {
    const errors = result.objects.flatMap((o) => validateManifest(o.manifest).map((e) => `${o.file}: ${e}`));
    expect(errors).toEqual([]);
    const kinds = new Set(cluster(result).map((o) => `${o.manifest.apiVersion}/${o.manifest.kind}`));
    expect([...kinds].sort()).toEqual([
      'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy',
      'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding',
      'argoproj.io/v1alpha1/AppProject',
      'argoproj.io/v1alpha1/Application',
      'argoproj.io/v1alpha1/ApplicationSet',
      // Kyverno's ValidatingPolicy at v1 (not the deprecated kyverno.io ClusterPolicy, not the v1beta1 storage version).
      'policies.kyverno.io/v1/ValidatingPolicy',
    ]);
  });

  it('every tenant object carries the wave and options of its kind, annotations sorted', () => {
    for (const o of result.objects.filter((x) => x.file.startsWith('tenants/'))) {
      const m = o.manifest;
      const ann = m.metadata.annotations ?? {};
      const want = argoAnnotations(m.kind, m.apiVersion);
      for (const [k, v] of Object.entries(want)) expect(ann[k], `${o.file} ${k}`).toBe(v);
      if (want[SYNC_OPTIONS_ANNOTATION] === undefined) expect(ann[SYNC_OPTIONS_ANNOTATION], o.file).toBeUndefined();
      expect(Object.keys(ann)).toEqual([...Object.keys(ann)].sort());
    }
    // The contributor bindings keep KFAM's annotations next to Argo CD's.
    const rb = result.objects.find((o) => o.manifest.kind === 'RoleBinding' && o.manifest.metadata.annotations?.user);
    expect(rb?.manifest.metadata.annotations).toMatchObject({ role: expect.any(String), user: expect.any(String), [SYNC_WAVE_ANNOTATION]: '0' });
  });

  it('the ApplicationSet makes one Application per tenant folder and can never delete one', () => {
    const as = one(result, 'ApplicationSet', 'kubeflow-tenants');
    expect(as.metadata.namespace).toBe(platform.gitops.argocdNamespace);
    expect(as.spec.generators).toEqual([{ git: { repoURL: platform.gitops.repoURL, revision: platform.gitops.revision, directories: [{ path: 'dist/tenants/*' }] } }]);
    expect(as.spec.goTemplate).toBe(true);
    expect(as.spec.syncPolicy).toEqual({ applicationsSync: 'create-update', preserveResourcesOnDeletion: true });
    const t = as.spec.template;
    expect(t.metadata.name).toBe('tenant-{{.path.basename}}');
    expect(t.metadata.finalizers).toBeUndefined();
    expect(t.spec.project).toBe('tenant-{{.path.basename}}');
    expect(t.spec.source).toEqual({ repoURL: platform.gitops.repoURL, targetRevision: platform.gitops.revision, path: '{{.path.path}}' });
    expect(t.spec.destination).toEqual({ server: platform.gitops.destinationServer, namespace: '{{.path.basename}}' });
    expect(t.spec.ignoreDifferences).toContainEqual({ group: 'kubeflow.org', kind: 'Profile', jsonPointers: ['/spec/plugins'] });
    expect(t.spec.syncPolicy.syncOptions).toEqual(expect.arrayContaining(['RespectIgnoreDifferences=true', 'ServerSideApply=true']));
    expect(t.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
  });

  it('each tenant has an AppProject confined to its namespace and its own Profile, allowing every kind in its folder', () => {
    const tenants = [...new Set(result.objects.filter((o) => o.file.startsWith('tenants/')).map((o) => o.file.split('/')[1]!))];
    expect(tenants.length).toBeGreaterThan(0);
    const projects = cluster(result).filter((o) => o.manifest.kind === 'AppProject' && o.manifest.metadata.name.startsWith('tenant-'));
    expect(projects.map((p) => p.manifest.metadata.name).sort()).toEqual(tenants.map((t) => `tenant-${t}`).sort());
    for (const t of tenants) {
      const p = one(result, 'AppProject', `tenant-${t}`);
      expect(p.spec.destinations).toEqual([{ server: platform.gitops.destinationServer, namespace: t }]);
      expect(p.spec.clusterResourceWhitelist).toEqual([
        { group: '', kind: 'Namespace', name: t },
        { group: 'kubeflow.org', kind: 'Profile', name: t },
      ]);
      expect(p.spec.sourceRepos).toEqual([platform.gitops.repoURL]);
      const allowed = new Set((p.spec.namespaceResourceWhitelist as { group: string; kind: string }[]).map((k) => `${k.group}/${k.kind}`));
      for (const o of result.objects.filter((x) => x.file.startsWith(`tenants/${t}/`))) {
        const m = o.manifest;
        const group = m.apiVersion.includes('/') ? m.apiVersion.split('/')[0]! : '';
        if (m.metadata.namespace === undefined) {
          // The only cluster-scoped objects of a folder are the tenant's own Profile and Namespace labels.
          expect([`Profile/${t}`, `Namespace/${t}`]).toContain(`${m.kind}/${m.metadata.name}`);
        } else {
          expect(m.metadata.namespace, o.file).toBe(t);
          expect(allowed.has(`${group}/${m.kind}`), `${o.file}: ${group}/${m.kind} allowed by tenant-${t}`).toBe(true);
        }
      }
    }
  });

  it('the platform Application syncs dist/cluster in its own project; policies and projects come before it', () => {
    const app = one(result, 'Application', 'kubeflow-tenants');
    expect(app.spec.project).toBe('kubeflow-tenants');
    expect(app.spec.source.path).toBe('dist/cluster');
    const proj = one(result, 'AppProject', 'kubeflow-tenants');
    expect(proj.spec.clusterResourceWhitelist).toEqual([
      { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy' },
      { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicyBinding' },
      { group: 'policies.kyverno.io', kind: 'ValidatingPolicy' },
    ]);
    expect(proj.spec.destinations).toEqual([{ server: platform.gitops.destinationServer, namespace: platform.gitops.argocdNamespace }]);
    const wave = (m: Json): number => Number(m.metadata.annotations?.[SYNC_WAVE_ANNOTATION] ?? 0);
    expect(wave(one(result, 'ValidatingPolicy', PROFILE_GUARD_POLICY))).toBeLessThan(wave(proj));
    expect(wave(one(result, 'AppProject', 'tenant-risk-modeling'))).toBeLessThan(wave(one(result, 'ApplicationSet', 'kubeflow-tenants')));
  });

  it('the Kyverno ValidatingPolicies carry the rules of the admission policies: same names, matches, expressions and messages; Deny, fail closed, admission only', () => {
    for (const name of [PROFILE_GUARD_POLICY, NAMESPACE_GUARD_POLICY]) {
      const vp = one(result, 'ValidatingPolicy', name);
      const vap = one(result, 'ValidatingAdmissionPolicy', name);
      expect(vp.spec.validations, name).toEqual(vap.spec.validations);
      expect(vp.spec.matchConstraints, name).toEqual(vap.spec.matchConstraints);
      expect(vp.spec.validationActions).toEqual(['Deny']);
      expect(vp.spec.failurePolicy).toBe('Fail');
      expect(vp.spec.evaluation).toEqual({ admission: { enabled: true }, background: { enabled: false } });
      expect(vp.spec.autogen).toEqual({ validatingAdmissionPolicy: { enabled: false } });
    }
    const rules = guardRules(platform);
    const profile = one(result, 'ValidatingPolicy', PROFILE_GUARD_POLICY);
    expect(profile.spec.validations.map((v: Json) => v.message)).toEqual(rules.filter((r) => r.resource === 'profiles').map((r) => `${r.name}: ${r.message}`));
    expect(profile.spec.matchConstraints.resourceRules[0].operations).toEqual(['CREATE', 'UPDATE', 'DELETE']);
    const text = JSON.stringify(profile.spec);
    for (const l of platform.requiredLabels) expect(text).toContain(`'${l}'`);
    for (const n of platform.reservedNames) expect(text).toContain(n.endsWith('*') ? `startsWith('${n.slice(0, -1)}')` : `'${n}'`);
    expect(text).toContain(DECOMMISSIONED_ANNOTATION);
    expect(one(result, 'ValidatingPolicy', NAMESPACE_GUARD_POLICY).spec.matchConstraints.resourceRules[0].operations).toEqual(['DELETE']);
    // Validated against the vendored v1 schema of the CRD, which has teeth.
    expect(validateManifest(profile)).toEqual([]);
    expect(validateManifest({ ...profile, spec: { ...profile.spec, validationz: [] } }).join('\n')).toMatch(/validationz/);
  });
});

describe('platform settings drive the Argo CD objects', () => {
  it('repo URL, revision, Argo CD namespace and destination come from platform.ts', () => {
    const platform = definePlatform({
      gitops: { repoURL: 'https://git.acme.test/ml/tenants.git', revision: 'release', argocdNamespace: 'gitops', destinationServer: 'https://ml.acme.test' },
      requiredLabels: ['team'],
      reservedNames: ['default', 'sys-*'],
    });
    const r = synthesize([entry(validSpec({ labels: { team: 'fraud' } }))], platform);
    for (const o of cluster(r)) {
      // Cluster-scoped: the guards.
      if (!['ValidatingPolicy', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'].includes(o.manifest.kind)) expect(o.manifest.metadata.namespace).toBe('gitops');
      expect(validateManifest(o.manifest)).toEqual([]);
    }
    const as = one(r, 'ApplicationSet', 'kubeflow-tenants');
    expect(as.spec.generators[0].git).toMatchObject({ repoURL: 'https://git.acme.test/ml/tenants.git', revision: 'release' });
    expect(one(r, 'AppProject', 'tenant-fraud').spec.destinations).toEqual([{ server: 'https://ml.acme.test', namespace: 'fraud' }]);
    const cel = JSON.stringify(one(r, 'ValidatingPolicy', PROFILE_GUARD_POLICY).spec.validations);
    expect(cel).toContain("startsWith('sys-')");
    expect(cel).toContain("['default']");
    expect(cel).toContain("['team']");
    expect(cel).not.toContain('cost-centre');
  });
});

describe('decommissioned tenants', () => {
  const spec = validSpec({
    decommissioned: true,
    contributors: [{ user: 'bob@example.com', role: 'edit' }],
    credentials: { s3: true, registry: true },
  });

  it('keep their Profile (marked, still protected), quota, limits and isolation; lose every access', () => {
    const r = synthesize([entry(spec)], DEFAULT_PLATFORM);
    const files = [...r.files.keys()].filter((f) => f.startsWith('tenants/fraud/'));
    expect(files).toEqual([
      'tenants/fraud/LimitRange.tenant-limits.yaml',
      'tenants/fraud/Namespace.fraud.yaml',
      'tenants/fraud/NetworkPolicy.tenant-egress.yaml',
      'tenants/fraud/NetworkPolicy.tenant-isolation.yaml',
      'tenants/fraud/PeerAuthentication.tenant-mtls-strict.yaml',
      'tenants/fraud/Profile.fraud.yaml',
    ]);
    // No Vault or S3 policy is left (the controller's labels file is the platform's, not the tenant's).
    expect([...r.files.keys()].filter((f) => /^platform\/(vault|s3)\//.test(f))).toEqual([]);
    const p = one(r, 'Profile', 'fraud');
    expect(p.metadata.annotations[DECOMMISSIONED_ANNOTATION]).toBe('true');
    expect(p.metadata.annotations[SYNC_OPTIONS_ANNOTATION]).toContain('Delete=confirm');
    expect(p.spec.resourceQuotaSpec.hard['requests.cpu']).toBe('10');
    for (const o of r.objects) expect(validateManifest(o.manifest)).toEqual([]);
    // Its AppProject still allows the kinds it had, so Argo CD can prune them.
    const kinds = (one(r, 'AppProject', 'tenant-fraud').spec.namespaceResourceWhitelist as { kind: string }[]).map((k) => k.kind);
    expect(kinds).toEqual(expect.arrayContaining(['RoleBinding', 'AuthorizationPolicy', 'ExternalSecret', 'SecretStore', 'PodDefault']));
  });

  it('the same tenant, active, has the access objects', () => {
    const r = synthesize([entry({ ...spec, decommissioned: false })], DEFAULT_PLATFORM);
    const kinds = new Set(r.objects.filter((o) => o.file.startsWith('tenants/')).map((o) => o.manifest.kind));
    expect([...kinds]).toEqual(expect.arrayContaining(['RoleBinding', 'AuthorizationPolicy', 'ExternalSecret']));
    expect(one(r, 'Profile', 'fraud').metadata.annotations[DECOMMISSIONED_ANNOTATION]).toBeUndefined();
  });

  it('`decommissioned` must be a boolean', () => {
    try {
      synthesize([entry(validSpec({ decommissioned: 'yes' }))], DEFAULT_PLATFORM);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).errors.map(String)).toEqual([
        'tenants/fraud.ts: decommissioned: Invalid value: "yes": must be true or false; true revokes all access and keeps the namespace and its data (docs/gitops.md "Removing a tenant")',
      ]);
    }
  });
});

describe('removal guard', () => {
  const profile = (name: string, decommissioned: boolean): string =>
    `apiVersion: kubeflow.org/v1\nkind: Profile\nmetadata:\n  name: ${name}\n${decommissioned ? `  annotations:\n    ${DECOMMISSIONED_ANNOTATION}: "true"\n` : ''}`;
  const dist = new Map([
    ['tenants/kept/Profile.kept.yaml', profile('kept', false)],
    ['tenants/gone/Profile.gone.yaml', profile('gone', false)],
    ['tenants/gone/LimitRange.tenant-limits.yaml', 'kind: LimitRange'],
    ['tenants/retired/Profile.retired.yaml', profile('retired', true)],
    ['tenants/noprofile/LimitRange.tenant-limits.yaml', 'kind: LimitRange'],
    ['cluster/ApplicationSet.kubeflow-tenants.yaml', 'kind: ApplicationSet'],
  ]);

  it('reads deployed tenants and their decommissioned state from dist/', () => {
    expect([...deployedTenants(dist).values()]).toEqual(
      expect.arrayContaining([
        { name: 'kept', decommissioned: false },
        { name: 'gone', decommissioned: false },
        { name: 'retired', decommissioned: true },
        { name: 'noprofile', decommissioned: false },
      ]),
    );
    expect(deployedTenants(dist).size).toBe(4);
  });

  it('a deployed tenant whose file disappears without decommissioning is an error that explains the two steps', () => {
    const errs = checkRemovedTenants([entry(validSpec({ name: 'kept' }))], deployedTenants(dist));
    expect(errs.map((e) => `${e.file} ${e.path}`)).toEqual(['tenants/gone.ts (file)', 'tenants/noprofile.ts (file)']);
    const msg = String(errs[0]);
    expect(msg).toMatch(/^tenants\/gone\.ts: \(file\): Required value: tenant "gone" is deployed/);
    expect(msg).toContain('delete its Profile');
    expect(msg).toContain('`decommissioned: true`');
    expect(msg).toContain('2) once the data is exported');
  });

  it('a decommissioned tenant may be removed; a file that failed to load is not reported as removed', () => {
    const loadError = new FieldError('tenants/gone.ts', '(file)', 'Invalid value', 'gone.ts', 'cannot be loaded');
    const errs = checkRemovedTenants([entry(validSpec({ name: 'kept' })), entry(validSpec({ name: 'noprofile' }))], deployedTenants(dist), [loadError]);
    expect(errs).toEqual([]);
  });
});

// CODEOWNERS: test/codeowners.test.ts (on fixture repositories: a tenant without codeOwners fails nothing).
describe('PR workflow', () => {
  it('the workflow installs, tests, checks, diffs against the base branch and posts the Markdown', () => {
    const wf = yaml.load(fs.readFileSync(path.join(ROOT, '.github/workflows/pr.yml'), 'utf8')) as Json;
    expect(Object.keys(wf.on)).toEqual(['pull_request']);
    expect(wf.permissions['pull-requests']).toBe('write');
    const steps = wf.jobs.review.steps as Json[];
    expect(steps[0]).toMatchObject({ uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } });
    const runs = steps.map((s) => String(s.run ?? ''));
    const order = ['npm ci', 'npm test', 'npm run check', 'npm run -s diff'].map((cmd) => runs.findIndex((r) => r.includes(cmd)));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(runs.find((r) => r.includes('npm run -s diff'))).toContain('--base "origin/${{ github.base_ref }}" --markdown diff.md');
    const comment = steps.find((s) => s.uses === 'actions/github-script@v7')!;
    expect(comment.with.script).toContain("readFileSync('diff.md'");
    expect(comment.with.script).toContain('<!-- kubeflow-tenants-diff -->');
  });
});
