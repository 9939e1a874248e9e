// Issue 10 §6: Pod Security in tenant namespaces, asked of the real PodSecurity admission plugin.
// Two tenants are synthesized in-process from fixtures (not tenants/) with the default platform:
// compliance tier `internal` (the platform level, baseline) and `pci` (restricted). Their
// Profiles are applied; the stand-in controller, started with the labels file synth emits
// (run.sh), creates the namespaces with the platform level of that file; then the rest of each
// bundle is applied, its Namespace object with server-side apply forcing conflicts as Argo CD
// does. Pods are created with --dry-run=server: admission runs, nothing is stored.
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definePlatform } from '../../lib/platform';
import { synthesize } from '../../lib/synth';
import type { TenantSpec } from '../../lib/tenant';
import { entry, validSpec } from '../support/fixtures';
import {
  type KubeObject,
  RESTRICTED_CONTAINER_SECURITY,
  RESTRICTED_POD_SECURITY,
  applyObjects,
  getObject,
  kubectl,
  kubectlOk,
  reconcileCount,
  waitFor,
} from './helpers';

const ENFORCE = 'pod-security.kubernetes.io/enforce';
const platform = definePlatform({});
const spec = (name: string, tier: string): TenantSpec =>
  validSpec({ name, labels: { team: name, 'cost-centre': 'cc-1', 'compliance-tier': tier }, contributors: [] });
const INTERNAL = 'kft-psa-internal';
const PCI = 'kft-psa-pci';
const objects = synthesize([entry(spec(INTERNAL, 'internal')), entry(spec(PCI, 'pci'))], platform)
  .objects.filter((o) => o.file.startsWith('tenants/'))
  .map((o) => o.manifest as unknown as KubeObject);
const namespaceObject = (n: string) => objects.find((o) => o.kind === 'Namespace' && o.metadata.name === n);
const LABELS_FILE = process.env.KFT_NAMESPACE_LABELS;

/** Namespace labels as the controller made them, before the bundle's Namespace object was applied. */
const created = new Map<string, Record<string, string>>();

beforeAll(async () => {
  const profiles = await applyObjects(objects.filter((o) => o.kind === 'Profile'));
  expect(profiles.apply.code, profiles.dryRun.stderr + profiles.apply.stderr).toBe(0);
  for (const n of [INTERNAL, PCI]) {
    const ns = await waitFor(`namespace ${n} (Profile controller)`, () => getObject('namespace', n), 90_000);
    created.set(n, { ...ns.metadata.labels });
    // Pods need the default ServiceAccount, and quota admission a computed kf-resource-quota status.
    await waitFor(`default ServiceAccount in ${n}`, () => getObject('serviceaccount', 'default', n), 60_000);
    await waitFor(`kf-resource-quota status in ${n}`, () => (getObject('resourcequota', 'kf-resource-quota', n)?.status as { used?: object } | undefined)?.used, 90_000);
  }
  const rest = await applyObjects(objects.filter((o) => o.kind !== 'Profile'));
  expect(rest.apply.code, rest.dryRun.stderr + rest.apply.stderr).toBe(0);
});
afterAll(() => {
  kubectl(['delete', 'profile', '--wait=false', '--ignore-not-found', INTERNAL, PCI]);
});

type PodSpec = Record<string, unknown>;
const IMAGE = 'example.invalid/never-pulled:1';
/** A notebook-like pod: what `restricted` needs, so every level admits it. */
const notebook: PodSpec = {
  securityContext: RESTRICTED_POD_SECURITY,
  containers: [{ name: 'main', image: IMAGE, securityContext: RESTRICTED_CONTAINER_SECURITY }],
};
const forbidden: Record<string, { spec: PodSpec; why: RegExp }> = {
  privileged: { spec: { containers: [{ name: 'main', image: IMAGE, securityContext: { privileged: true } }] }, why: /privileged \(container "main" must not set securityContext\.privileged=true\)/ },
  hostPath: {
    spec: { containers: [{ name: 'main', image: IMAGE }], volumes: [{ name: 'host', hostPath: { path: '/' } }] },
    // restricted's volume-type check replaces baseline's hostPath check (and names the type).
    why: /hostPath volumes \(volume "host"\)|restricted volume types \(volume "host" uses restricted volume type "hostPath"\)/,
  },
  hostNetwork: { spec: { hostNetwork: true, containers: [{ name: 'main', image: IMAGE }] }, why: /host namespaces \(hostNetwork=true\)/ },
};

/** Asks the API server to create a pod; nothing is stored. */
function tryPod(ns: string, podSpec: PodSpec) {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'kft-psa', namespace: ns }, spec: podSpec };
  return kubectl(['create', '--dry-run=server', '-f', '-', '-o', 'json'], JSON.stringify(pod));
}

describe('10.6 Pod Security: the level reaches the namespace', () => {
  it('synth gives internal the platform level (baseline) and pci restricted, in the bundle and the labels file', () => {
    expect(namespaceObject(INTERNAL)?.metadata.labels?.[ENFORCE]).toBe('baseline');
    expect(namespaceObject(PCI)?.metadata.labels?.[ENFORCE]).toBe('restricted');
    // The Namespace object is labels only: server-side apply then owns nothing else of the namespace.
    expect(Object.keys(namespaceObject(PCI)!).sort()).toEqual(['apiVersion', 'kind', 'metadata']);
  });

  it("the controller creates each namespace with its labels file's Pod Security level (the platform level)", () => {
    expect(LABELS_FILE, 'KFT_NAMESPACE_LABELS (set by run.sh)').toBeDefined();
    const file = yaml.load(readFileSync(LABELS_FILE!, 'utf8')) as Record<string, string>;
    expect(['privileged', 'baseline', 'restricted']).toContain(file[ENFORCE]);
    for (const n of [INTERNAL, PCI]) expect(created.get(n)?.[ENFORCE], n).toBe(file[ENFORCE]);
  });

  it("after the bundle's server-side apply each namespace enforces its tenant's level, owned by the bundle's field manager", () => {
    for (const n of [INTERNAL, PCI]) {
      // kubectl leaves managedFields out unless asked.
      const ns = JSON.parse(kubectlOk(['get', 'namespace', n, '-o', 'json', '--show-managed-fields'])) as KubeObject;
      expect(ns.metadata.labels?.[ENFORCE], n).toBe(namespaceObject(n)?.metadata.labels?.[ENFORCE]);
      const managed = (ns.metadata.managedFields ?? []) as { manager: string; operation: string; fieldsV1?: { 'f:metadata'?: { 'f:labels'?: Record<string, unknown> } } }[];
      const owners = managed.filter((m) => m.fieldsV1?.['f:metadata']?.['f:labels']?.[`f:${ENFORCE}`] !== undefined).map((m) => `${m.manager}/${m.operation}`);
      expect(owners, n).toContain('kubeflow-tenants/Apply');
      // The controller's create no longer owns a label the bundle set to another value.
      if (created.get(n)?.[ENFORCE] !== ns.metadata.labels?.[ENFORCE]) expect(owners, n).toEqual(['kubeflow-tenants/Apply']);
    }
  });

  it('a controller reconcile leaves the label alone (it only adds keys that are absent)', async () => {
    const before = reconcileCount(PCI);
    kubectlOk(['annotate', 'profile', PCI, `kubeflow-tenants.test/resync=${Date.now()}`, '--overwrite']);
    if (process.env.KFT_PROFILE_CONTROLLER_LOG) await waitFor(`a reconcile of ${PCI}`, () => reconcileCount(PCI) > before, 30_000);
    expect(getObject('namespace', PCI)!.metadata.labels?.[ENFORCE]).toBe('restricted');
  });
});

describe('10.6 Pod Security: the real PodSecurity admission plugin', () => {
  const cases = [INTERNAL, PCI].flatMap((ns) => Object.keys(forbidden).map((what) => [ns, what] as const));

  it.each(cases)('%s: a %s pod is refused', (ns, what) => {
    const level = namespaceObject(ns)!.metadata.labels![ENFORCE]!;
    const r = tryPod(ns, forbidden[what]!.spec);
    expect(r.code, r.stdout).not.toBe(0);
    expect(r.stderr).toContain(`violates PodSecurity "${level}:latest"`);
    expect(r.stderr).toMatch(forbidden[what]!.why);
  });

  it.each([INTERNAL, PCI])('%s: a notebook-like pod (non-root, no privilege escalation, capabilities dropped, seccomp RuntimeDefault) is admitted', (ns) => {
    const r = tryPod(ns, notebook);
    expect(r.code, r.stderr).toBe(0);
  });

  it('the levels differ: a pod without a securityContext is admitted at baseline (internal) and refused at restricted (pci)', () => {
    const plain = { containers: [{ name: 'main', image: IMAGE }] };
    const internal = tryPod(INTERNAL, plain);
    expect(internal.code, internal.stderr).toBe(0);
    const pci = tryPod(PCI, plain);
    expect(pci.code).not.toBe(0);
    expect(pci.stderr).toMatch(/violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false .*runAsNonRoot != true .*seccompProfile/);
  });
});
