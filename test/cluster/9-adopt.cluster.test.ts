// Issue 11: adopting existing namespaces (docs/adopt.md), against the real API server and the
// stand-in Profile controller. Three namespaces are made before their tenants exist: one without
// an owner annotation, one with another owner, one with the right owner plus its own ResourceQuota
// and a RoleBinding for someone the tenant file does not name (and a pod, which has no sidecar).
// Each is dumped with the documented kubectl command (lib/adopt.ts dumpCommand) and checked with
// `npm run adopt-check` against the tenants' synthesized dist/ (blocked, blocked, warnings); then the
// bundles (adopt: true, synthesized in-process with the default platform) are applied and what the
// controller does is asserted: it refuses the first two ("namespace already exist, but not owned by
// profile creator", no status condition survives, no finalizer, no objects), adopts the third
// without an ownerReference and without istio-injection (which the bundle's Namespace object then
// sets), and adopts the first once its annotation is fixed and the Profile is touched. The
// namespace guard refuses deleting the adopted namespace; deleting its Profile leaves it standing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdoptReport } from '../../lib/adopt';
import { ADOPT_EXIT, dumpCommand } from '../../lib/adopt';
import { NAMESPACE_GUARD_POLICY } from '../../lib/constructs/admission-guard';
import { definePlatform } from '../../lib/platform';
import { synthesize, writeDist } from '../../lib/synth';
import type { TenantSpec } from '../../lib/tenant';
import { entry, validSpec } from '../support/fixtures';
import { tsxBin } from '../support/fixtures';
import { type KubeObject, ROOT, applyObjects, getObject, kubectl, kubectlOk, sleep, toYamlStream, waitFor } from './helpers';

const OWNER = 'adopt-lead@example.com';
const NONE = 'kft-adopt-none';
const WRONG = 'kft-adopt-wrong';
const RIGHT = 'kft-adopt-right';
const NAMES = [NONE, WRONG, RIGHT];
const spec = (name: string): TenantSpec =>
  validSpec({ name, adopt: true, owner: { email: OWNER }, labels: { team: name, 'cost-centre': 'cc-1', 'compliance-tier': 'internal' }, contributors: [{ user: 'bob@example.com', role: 'edit' }] });
const synth = synthesize(NAMES.map((n) => entry(spec(n))), definePlatform({}));
const objects = synth.objects.map((o) => o.manifest as unknown as KubeObject);
const tenantObjects = (n: string) => objects.filter((o) => o.metadata.name === n && !o.metadata.namespace ? o.kind !== 'AppProject' : o.metadata.namespace === n);
const guard = objects.filter((o) => o.apiVersion === 'admissionregistration.k8s.io/v1' && o.metadata.name === NAMESPACE_GUARD_POLICY);

const WORK = process.env.KFT_RUN_DIR ? join(process.env.KFT_RUN_DIR, `adopt-${process.pid}`) : mkdtempSync(join(tmpdir(), 'kft-adopt-'));
const DIST = join(WORK, 'dist');
const LOG = process.env.KFT_PROFILE_CONTROLLER_LOG;
const refusals = (n: string): number =>
  LOG && existsSync(LOG) ? (readFileSync(LOG, 'utf8').match(new RegExp(`profile=${n}: namespace already exist, but not owned by profile creator ${OWNER.replace('.', '\\.')}`, 'g')) ?? []).length : 0;

/** Writes the documented dump of `ns` into WORK/<ns>.yaml with the documented command, through the tier's kubectl. */
function dump(ns: string): string {
  const kubectlBin = process.env.KFT_KUBECTL ?? 'kubectl';
  const r = spawnSync('bash', ['-c', `set -euo pipefail; kubectl() { command "${kubectlBin}" "$@"; }; ${dumpCommand(ns)}`], {
    cwd: WORK,
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: process.env.KFT_KUBECONFIG },
  });
  expect(r.status, `${String(r.error ?? '')} ${r.signal ?? ''} ${r.stderr}`).toBe(0);
  return join(WORK, `${ns}.yaml`);
}

/** `npm run adopt-check -- <dump> --dist <the tenants' dist> --json`. */
function adoptCheck(file: string): { code: number; report: AdoptReport; stderr: string } {
  const r = spawnSync(tsxBin, [join(ROOT, 'scripts/adopt-check.ts'), file, '--dist', DIST, '--json'], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status ?? -1, report: JSON.parse(r.stdout || '{}') as AdoptReport, stderr: r.stderr };
}
const messages = (r: AdoptReport, severity: string): string[] => r.findings.filter((f) => f.severity === severity).map((f) => `${f.object}: ${f.message}`);

const checks = new Map<string, ReturnType<typeof adoptCheck>>();

beforeAll(async () => {
  mkdirSync(WORK, { recursive: true });
  writeDist(DIST, synth.files);
  // A clean slate: nothing of an earlier run (the guard of suite 7 is removed by suite 7).
  kubectl(['delete', 'profile', '--ignore-not-found', '--wait=true', ...NAMES]);
  kubectl(['delete', 'namespace', '--ignore-not-found', '--wait=true', ...NAMES]);
  const ns = (name: string, annotations?: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(annotations ? { annotations } : {}) } });
  kubectlOk(['create', '-f', '-'], toYamlStream([ns(NONE), ns(WRONG, { owner: 'someone-else@example.com' }), ns(RIGHT, { owner: OWNER })] as KubeObject[]));
  for (const n of [NONE, RIGHT]) {
    await waitFor(`default ServiceAccount in ${n}`, () => getObject('serviceaccount', 'default', n), 60_000);
    // A workload from before the adoption: no sidecar (no injector here, and none before either).
    kubectlOk(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'legacy-job', namespace: n }, spec: { containers: [{ name: 'main', image: 'example.invalid/never-pulled:1' }] } }));
  }
  // The right-owner namespace's own quota and a binding for a person no tenant file names.
  kubectlOk(['create', '-f', '-'], toYamlStream([
    { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'team-quota', namespace: RIGHT }, spec: { hard: { pods: '20' } } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'legacy-admins', namespace: RIGHT },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubeflow-edit' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'carol@example.com' }],
    },
  ] as KubeObject[]));
  for (const n of NAMES) checks.set(n, adoptCheck(dump(n)));
}, 180_000);

afterAll(() => {
  kubectl(['delete', '--ignore-not-found', '-f', '-'], toYamlStream(guard));
  kubectl(['delete', 'profile', '--ignore-not-found', '--wait=false', ...NAMES]);
  kubectl(['delete', 'namespace', '--ignore-not-found', '--wait=false', ...NAMES]);
});

describe('11 adopt-check on dumps made with the documented kubectl command', () => {
  it('no owner annotation: blocked (exit 4), the annotation to set is named', () => {
    const c = checks.get(NONE)!;
    expect(c.stderr).toBe('');
    expect([c.code, c.report.verdict]).toEqual([ADOPT_EXIT.blocked, 'blocked']);
    expect(messages(c.report, 'blocker')).toEqual([expect.stringContaining(`metadata.annotations["owner"] is missing`)]);
    expect(messages(c.report, 'blocker')[0]).toContain(`kubectl annotate namespace ${NONE} owner=${OWNER}`);
    expect(messages(c.report, 'warning')).toContainEqual(expect.stringMatching(new RegExp(`^Pod ${NONE}/legacy-job: runs without an Istio sidecar until it is restarted`)));
  });

  it('another owner: blocked (exit 4)', () => {
    const c = checks.get(WRONG)!;
    expect([c.code, c.report.verdict]).toEqual([ADOPT_EXIT.blocked, 'blocked']);
    expect(messages(c.report, 'blocker')).toEqual([expect.stringContaining(`metadata.annotations["owner"] is "someone-else@example.com", the Profile's owner is "${OWNER}"`)]);
  });

  it('the right owner with its own quota and RoleBinding: ready with warnings (exit 3), each named', () => {
    const c = checks.get(RIGHT)!;
    expect([c.code, c.report.verdict]).toEqual([ADOPT_EXIT.warnings, 'ready with warnings']);
    expect(messages(c.report, 'blocker')).toEqual([]);
    const w = messages(c.report, 'warning');
    expect(w).toContainEqual(expect.stringMatching(new RegExp(`^ResourceQuota ${RIGHT}/team-quota: \\(pods=20\\) stays and is enforced next to kf-resource-quota`)));
    expect(w).toContainEqual(expect.stringMatching(new RegExp(`^RoleBinding ${RIGHT}/legacy-admins: binds ClusterRole kubeflow-edit to User carol@example.com, whom tenants/${RIGHT}.ts does not name`)));
    expect(w).toContainEqual(expect.stringMatching(new RegExp(`^Namespace ${RIGHT}: metadata.labels\\["istio-injection"\\] is missing`)));
    expect(w).toContainEqual(expect.stringMatching(new RegExp(`^Pod ${RIGHT}/legacy-job: runs without an Istio sidecar`)));
    // The default ServiceAccount the cluster made is not one of the controller's names: no finding.
    expect(w.join('\n')).not.toContain('ServiceAccount');
    expect(messages(c.report, 'note')[0]).toContain('the Profile controller sets no ownerReference on an adopted namespace');
  });
});

describe('11 what the Profile controller does with the three namespaces', () => {
  beforeAll(async () => {
    kubectlOk(['apply', '--server-side', '--field-manager', 'kft-cluster-test', '-f', '-'], toYamlStream(guard));
    const profiles = await applyObjects(objects.filter((o) => o.kind === 'Profile'));
    expect(profiles.apply.code, profiles.dryRun.stderr + profiles.apply.stderr).toBe(0);
    await waitFor(`namespaceAdmin in ${RIGHT}`, () => getObject('rolebinding', 'namespaceAdmin', RIGHT), 60_000);
    if (LOG) await waitFor(`the controller's refusals of ${NONE} and ${WRONG}`, () => refusals(NONE) > 0 && refusals(WRONG) > 0, 60_000);
  }, 120_000);

  it.each([NONE, WRONG])('%s: refused with "namespace already exist, but not owned by profile creator"; nothing made; no condition survives; no finalizer', (n) => {
    if (LOG) expect(refusals(n)).toBeGreaterThan(0);
    for (const [kind, name] of [['rolebinding', 'namespaceAdmin'], ['resourcequota', 'kf-resource-quota'], ['authorizationpolicy.security.istio.io', 'ns-owner-access-istio'], ['serviceaccount', 'default-editor']]) {
      expect(getObject(kind!, name!, n), `${kind} ${name}`).toBeUndefined();
    }
    const profile = getObject('profile', n)!;
    expect(profile.metadata.finalizers).toBeUndefined();
    // The controller's Failed condition goes through an Update of the Profile, not of its status subresource: dropped.
    expect((profile.status as { conditions?: unknown[] } | undefined)?.conditions).toBeUndefined();
    expect(getObject('namespace', n)!.metadata.ownerReferences).toBeUndefined();
  });

  it(`${RIGHT}: adopted: namespaceAdmin, kf-resource-quota and the owner policy made; no ownerReference; no istio-injection from the controller; its own quota and binding untouched`, () => {
    const admin = getObject('rolebinding', 'namespaceAdmin', RIGHT)!;
    expect(admin.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: OWNER }]);
    expect(getObject('resourcequota', 'kf-resource-quota', RIGHT)).toBeDefined();
    expect(getObject('authorizationpolicy.security.istio.io', 'ns-owner-access-istio', RIGHT)).toBeDefined();
    const ns = getObject('namespace', RIGHT)!;
    expect(ns.metadata.ownerReferences).toBeUndefined();
    expect(ns.metadata.labels?.['istio-injection']).toBeUndefined();
    // The labels file's keys were merged in (adoption happened).
    expect(ns.metadata.labels?.['app.kubernetes.io/part-of']).toBe('kubeflow-profile');
    expect(getObject('resourcequota', 'team-quota', RIGHT)).toBeDefined();
    expect(getObject('rolebinding', 'legacy-admins', RIGHT)).toBeDefined();
    expect(getObject('profile', RIGHT)!.metadata.finalizers).toContain('profile-finalizer');
  });

  it(`${NONE}: after the annotation fix the check passes the owner; the controller adopts only once the Profile is touched (it does not watch namespaces it does not own)`, async () => {
    kubectlOk(['annotate', 'namespace', NONE, `owner=${OWNER}`]);
    const again = adoptCheck(dump(NONE));
    expect([again.code, again.report.verdict]).toEqual([ADOPT_EXIT.warnings, 'ready with warnings']);
    await sleep(5_000);
    expect(getObject('rolebinding', 'namespaceAdmin', NONE)).toBeUndefined();
    kubectlOk(['annotate', 'profile', NONE, `kubeflow-tenants/rekeyed=${Date.now()}`, '--overwrite']);
    await waitFor(`namespaceAdmin in ${NONE}`, () => getObject('rolebinding', 'namespaceAdmin', NONE), 60_000);
    expect(getObject('namespace', NONE)!.metadata.ownerReferences).toBeUndefined();
  }, 120_000);
});

describe('11 the bundles on adopted and refused namespaces', () => {
  beforeAll(async () => {
    const rest = await applyObjects(NAMES.flatMap((n) => tenantObjects(n)).filter((o) => o.kind !== 'Profile'));
    expect(rest.apply.code, rest.dryRun.stderr + rest.apply.stderr).toBe(0);
  }, 120_000);

  it("the bundle's Namespace object sets istio-injection: enabled, the Pod Security level and the tenant label on the adopted namespace", () => {
    const labels = getObject('namespace', RIGHT)!.metadata.labels ?? {};
    const want = tenantObjects(RIGHT).find((o) => o.kind === 'Namespace')!.metadata.labels!;
    expect(labels['istio-injection']).toBe('enabled');
    expect(labels['pod-security.kubernetes.io/enforce']).toBe(want['pod-security.kubernetes.io/enforce']);
    expect(labels['kubeflow-tenants/tenant']).toBe(RIGHT);
  });

  it(`a refused namespace (${WRONG}) still receives the bundle's namespaced objects (contributors included) but no owner binding: blocked means half applied`, () => {
    const contributor = tenantObjects(WRONG).find((o) => o.kind === 'RoleBinding')!;
    expect(getObject('rolebinding', contributor.metadata.name, WRONG)).toBeDefined();
    expect(getObject('rolebinding', 'namespaceAdmin', WRONG)).toBeUndefined();
  });

  it('the namespace guard refuses deleting the adopted namespace (no ownerReference: recognised by its tenant label)', async () => {
    await waitFor(
      `${NAMESPACE_GUARD_POLICY} in effect`,
      () => /tenant-namespace-deletion-requires-decommission/.test(kubectl(['delete', '--dry-run=server', '--wait=false', 'namespace', RIGHT]).stderr),
      60_000,
      500,
    );
    const r = kubectl(['delete', '--dry-run=server', '--wait=false', 'namespace', RIGHT]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`ValidatingAdmissionPolicy '${NAMESPACE_GUARD_POLICY}'`);
  });

  it("deleting the adopted namespace's Profile leaves the namespace and its data; the controller's own objects go with the Profile", async () => {
    kubectl(['delete', '--ignore-not-found', '-f', '-'], toYamlStream(guard));
    await waitFor('no namespace guard in effect', () => kubectl(['delete', '--dry-run=server', '--wait=false', 'namespace', RIGHT]).code === 0, 60_000, 500);
    kubectlOk(['delete', 'profile', RIGHT, '--wait=true', '--timeout=60s']);
    await waitFor(`namespaceAdmin of ${RIGHT} garbage-collected`, () => !getObject('rolebinding', 'namespaceAdmin', RIGHT), 60_000);
    const ns = getObject('namespace', RIGHT)!;
    expect(ns.metadata.deletionTimestamp).toBeUndefined();
    expect(getObject('resourcequota', 'team-quota', RIGHT)).toBeDefined();
    expect(getObject('pod', 'legacy-job', RIGHT)).toBeDefined();
  }, 120_000);
});
