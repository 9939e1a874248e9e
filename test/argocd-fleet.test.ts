/**
 * Argo CD delivery of a fleet, offline (issue 14 "Proven"): the ApplicationSets of `dist/argocd/`
 * expanded over the synthesized files as Argo CD's controller would (test/support/appset-expand.ts),
 * the generated Applications' destinations and the AppProjects' destinations compared with the
 * placement. The FleetDelivery construct on hand-built props first.
 */
import { ApiObject, App } from 'cdk8s';
import * as yaml from 'js-yaml';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FleetDeliveryProps } from '../lib/constructs/fleet-delivery';
import { CLUSTER_LABEL, FleetDelivery, fleetApplicationName } from '../lib/constructs/fleet-delivery';
import { TENANT_NAMESPACED_KINDS } from '../lib/model/catalogue';
import { definePlatform } from '../lib/platform';
import type { PlatformSettings } from '../lib/platform';
import type { SynthResult } from '../lib/synth';
import { synthesize, toYaml } from '../lib/synth';
import { diffTrees } from '../lib/diff';
import type { TenantEntry } from '../lib/validation';
import { fixtureInputs } from './fixture-repo';
import type { Placement } from './support/appset-expand';
import { argoGlobMatch, checkFleetDelivery, destinationPermitted, expandApplicationSet, gitDirectories, goPathMatch, renderGoTemplate } from './support/appset-expand';
import { validateManifest } from './support/schemas';

type Json = Record<string, any>;

const platform = definePlatform({ fleet: { argocd: { name: 'argocd-mgmt' } } });
const guards = platform.guards;

/** The fleet fixture's shape, by hand: gpu-east (server) homes fraud-training, which bursts to gpu-west (name). */
function handProps(over: Partial<FleetDeliveryProps> = {}): FleetDeliveryProps {
  return {
    platform,
    clusters: [
      { name: 'gpu-east', destination: { server: 'https://gpu-east.k8s.example.com' }, bundles: ['fraud-training', 'nlp-research'], guards, kueue: { userQueues: false }, multiKueue: true },
      { name: 'gpu-west', destination: { name: 'gpu-west' }, bundles: ['fraud-training', 'vision'], guards, kueue: { userQueues: false } },
      { name: 'pci-eu', destination: { server: 'https://pci-eu.k8s.example.com' }, bundles: ['payments-pci'], guards: { ...guards, kyverno: false } },
    ],
    tenants: [
      { name: 'fraud-training', home: 'gpu-east', workers: ['gpu-west'] },
      { name: 'nlp-research', home: 'gpu-east' },
      { name: 'payments-pci', home: 'pci-eu' },
      { name: 'vision', home: 'gpu-west' },
    ],
    namespacedKinds: TENANT_NAMESPACED_KINDS,
    ...over,
  };
}

function render(props: FleetDeliveryProps): { chart: FleetDelivery; objects: Json[] } {
  const chart = new FleetDelivery(new App({ outdir: 'cdk8s.out' }), props);
  const objects = chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map((o) => o.toJson() as Json);
  return { chart, objects };
}

const find = (objs: Json[], kind: string, name: string): Json => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o;
};

/** A dist/ file set for `props`: a Profile and a RoleBinding per bundle, cluster-level objects per cluster. */
function handFiles(props: FleetDeliveryProps, objects: Json[]): Map<string, Json[]> {
  const files = new Map<string, Json[]>();
  for (const o of objects) files.set(`argocd/${o.kind}.${o.metadata.name}.yaml`, [o]);
  for (const c of props.clusters) {
    files.set(`clusters/${c.name}/cluster/ClusterRole.kubeflow-tenants-auditor.yaml`, [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'kubeflow-tenants-auditor' } }]);
    if (c.multiKueue) {
      files.set(`clusters/${c.name}/cluster/MultiKueueCluster.gpu-west.yaml`, [{ apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'MultiKueueCluster', metadata: { name: 'gpu-west' } }]);
      files.set(`clusters/${c.name}/cluster/ExternalSecret.multikueue-gpu-west.yaml`, [
        { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'multikueue-gpu-west', namespace: 'kueue-system' } },
      ]);
    }
    for (const t of c.bundles ?? []) {
      files.set(`clusters/${c.name}/tenants/${t}/Profile.${t}.yaml`, [{ apiVersion: 'kubeflow.org/v1', kind: 'Profile', metadata: { name: t } }]);
      files.set(`clusters/${c.name}/tenants/${t}/RoleBinding.x.yaml`, [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'x', namespace: t } }]);
    }
  }
  return files;
}

function placementOf(props: FleetDeliveryProps): Placement {
  return {
    clusters: new Map(props.clusters.map((c) => [c.name, c.destination])),
    argocd: props.platform.fleet.argocd,
    argocdNamespace: props.platform.gitops.argocdNamespace,
    tenants: new Map(props.tenants.map((t) => [t.name, { home: t.home, workers: t.workers ?? [], ...(t.migratingFrom ? { migratingFrom: t.migratingFrom } : {}) }])),
  };
}

describe('the Argo CD emulation', () => {
  it("matches directories like Go's path.Match: * stops at /", () => {
    expect(goPathMatch('dist/clusters/a/tenants/*', 'dist/clusters/a/tenants/x')).toBe(true);
    expect(goPathMatch('dist/clusters/a/tenants/*', 'dist/clusters/a/tenants/x/y')).toBe(false);
    expect(goPathMatch('dist/clusters/a/tenants/*', 'dist/clusters/ab/tenants/x')).toBe(false);
    expect(goPathMatch('dist/clusters/?/t', 'dist/clusters/a/t')).toBe(true);
    expect(gitDirectories(['dist/a/b/f.yaml', 'dist/.hidden/x/f', 'dist/c.yaml'])).toEqual(['dist', 'dist/a', 'dist/a/b']);
  });

  it('renders field chains and fails on a missing key with missingkey=error (Go prints <no value> otherwise)', () => {
    const params = { path: { path: 'dist/x', basename: 'x' } };
    expect(renderGoTemplate('tenant-{{.path.basename}}.{{ .path.path }}', params, ['missingkey=error'])).toBe('tenant-x.dist/x');
    expect(() => renderGoTemplate('{{.path.basenam}}', params, ['missingkey=error'])).toThrow('map has no entry for key "basenam"');
    expect(renderGoTemplate('{{.path.basenam}}', params, [])).toBe('<no value>');
    expect(() => renderGoTemplate('{{ .path.basename | upper }}', params, [])).toThrow('not a field chain');
  });

  it("matches project destinations like Argo CD: server or name, namespace glob, ! denies", () => {
    const project = { spec: { destinations: [{ name: 'w', namespace: 'team-*' }, { server: 'https://e', namespace: 'a' }] } };
    expect(destinationPermitted(project, { name: 'w', namespace: 'team-1' })).toBe(true);
    expect(destinationPermitted(project, { server: 'https://w', namespace: 'team-1' })).toBe(false);
    expect(destinationPermitted(project, { server: 'https://e', namespace: 'a' })).toBe(true);
    expect(destinationPermitted(project, { server: 'https://e', namespace: 'b' })).toBe(false);
    expect(destinationPermitted({ spec: { destinations: [{ server: '*', namespace: '*' }, { server: '*', namespace: '!kube-system' }] } }, { server: 'x', namespace: 'kube-system' })).toBe(false);
    expect(argoGlobMatch('a*', 'a/b.c', false)).toBe(true);
  });
});

describe('FleetDelivery (hand-built fleet)', () => {
  it('emits the bootstrap Application and platform project, and per cluster an Application and an ApplicationSet', () => {
    const { objects } = render(handProps());
    expect(objects.map((o) => `${o.kind}.${o.metadata.name}`).sort()).toEqual([
      'AppProject.kubeflow-tenants',
      'AppProject.tenant-fraud-training',
      'AppProject.tenant-nlp-research',
      'AppProject.tenant-payments-pci',
      'AppProject.tenant-vision',
      'Application.kubeflow-tenants',
      'Application.kubeflow-tenants-gpu-east',
      'Application.kubeflow-tenants-gpu-west',
      'Application.kubeflow-tenants-pci-eu',
      'ApplicationSet.kubeflow-tenants-gpu-east',
      'ApplicationSet.kubeflow-tenants-gpu-west',
      'ApplicationSet.kubeflow-tenants-pci-eu',
    ]);
    const boot = find(objects, 'Application', 'kubeflow-tenants');
    expect(boot.spec.source.path).toBe('dist/argocd');
    expect(boot.spec.destination).toEqual({ name: 'argocd-mgmt', namespace: 'argocd' });
    const west = find(objects, 'Application', 'kubeflow-tenants-gpu-west');
    expect(west.spec.source.path).toBe('dist/clusters/gpu-west/cluster');
    expect(west.spec.destination).toEqual({ name: 'gpu-west', namespace: 'kueue-system' });
    expect(west.metadata.labels[CLUSTER_LABEL]).toBe('gpu-west');
    const appset = find(objects, 'ApplicationSet', 'kubeflow-tenants-gpu-west');
    expect(appset.spec.generators[0].git.directories).toEqual([{ path: 'dist/clusters/gpu-west/tenants/*' }]);
    expect(appset.spec.template.spec.destination).toEqual({ name: 'gpu-west', namespace: '{{.path.basename}}' });
    expect(appset.spec.template.metadata.name).toBe('tenant-{{.path.basename}}.gpu-west');
  });

  it('keeps the single-cluster semantics: create-update, no cascading deletion, ignoreDifferences, waves, sync options', () => {
    const { objects } = render(handProps());
    const single = find(objects, 'ApplicationSet', 'kubeflow-tenants-gpu-east').spec;
    expect(single.syncPolicy).toEqual({ applicationsSync: 'create-update', preserveResourcesOnDeletion: true });
    expect(single.goTemplateOptions).toEqual(['missingkey=error']);
    expect(single.template.spec.ignoreDifferences).toEqual([{ group: 'kubeflow.org', kind: 'Profile', jsonPointers: ['/spec/plugins'] }]);
    expect(single.template.spec.syncPolicy.syncOptions).toEqual(['FailOnSharedResource=true', 'PruneLast=true', 'RespectIgnoreDifferences=true', 'ServerSideApply=true']);
    for (const p of objects.filter((o) => o.kind === 'AppProject')) expect(p.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-1');
  });

  it("confines a tenant's project to namespace <t> on its home and burst workers, with today's whitelists", () => {
    const { objects } = render(handProps());
    const fraud = find(objects, 'AppProject', 'tenant-fraud-training').spec;
    expect(fraud.destinations).toEqual([
      { server: 'https://gpu-east.k8s.example.com', namespace: 'fraud-training' },
      { name: 'gpu-west', namespace: 'fraud-training' },
    ]);
    expect(fraud.clusterResourceWhitelist).toEqual([
      { group: '', kind: 'Namespace', name: 'fraud-training' },
      { group: 'kubeflow.org', kind: 'Profile', name: 'fraud-training' },
    ]);
    expect(fraud.namespaceResourceWhitelist).toEqual(TENANT_NAMESPACED_KINDS.map((k) => ({ group: k.group, kind: k.kind })));
    expect(fraud.description).toContain('gpu-east (home), gpu-west (burst worker)');
    expect(find(objects, 'AppProject', 'tenant-vision').spec.destinations).toEqual([{ name: 'gpu-west', namespace: 'vision' }]);
  });

  it('admits a migrating tenant on the cluster it leaves too (its decommissioned copy is still synced there)', () => {
    const props = handProps();
    const moved = handProps({
      clusters: props.clusters.map((c) => (c.name === 'gpu-west' ? { ...c, bundles: [...c.bundles!, 'nlp-research'] } : c)),
      tenants: props.tenants.map((t) => (t.name === 'nlp-research' ? { ...t, home: 'gpu-west', migratingFrom: 'gpu-east' } : t)),
    });
    const { objects, chart } = render(moved);
    expect(find(objects, 'AppProject', 'tenant-nlp-research').spec.destinations).toEqual([
      { server: 'https://gpu-east.k8s.example.com', namespace: 'nlp-research' },
      { name: 'gpu-west', namespace: 'nlp-research' },
    ]);
    // The copy left on gpu-east keeps its Application name: Argo CD's tracking of its objects holds.
    expect(chart.applicationNames.get('clusters/gpu-east/tenants/nlp-research')).toBe('tenant-nlp-research.gpu-east');
    expect(checkFleetDelivery(objects, handFiles(moved, objects), placementOf(moved))).toEqual([]);
  });

  it('the platform project admits every cluster and the union of their cluster-level kinds, MultiKueue only with a manager', () => {
    const { objects } = render(handProps());
    const spec = find(objects, 'AppProject', 'kubeflow-tenants').spec;
    expect(spec.destinations).toEqual([
      { name: 'argocd-mgmt', namespace: 'argocd' },
      { server: 'https://gpu-east.k8s.example.com', namespace: 'kueue-system' },
      { name: 'gpu-west', namespace: 'kueue-system' },
      { server: 'https://pci-eu.k8s.example.com', namespace: 'kueue-system' },
    ]);
    const kinds = spec.clusterResourceWhitelist.map((e: Json) => `${e.group}/${e.kind}${e.name ? `/${e.name}` : ''}`);
    expect(kinds).toEqual([...kinds].sort());
    for (const k of ['kueue.x-k8s.io/AdmissionCheck', 'kueue.x-k8s.io/MultiKueueCluster', 'kueue.x-k8s.io/MultiKueueConfig', 'policies.kyverno.io/ValidatingPolicy', 'kueue.x-k8s.io/ClusterQueue']) expect(kinds).toContain(k);
    expect(spec.namespaceResourceWhitelist).toContainEqual({ group: 'external-secrets.io', kind: 'ExternalSecret' });
    const noBurst = render(handProps({ clusters: handProps().clusters.map((c) => ({ ...c, multiKueue: false })) })).objects;
    const plain = find(noBurst, 'AppProject', 'kubeflow-tenants').spec;
    expect(plain.clusterResourceWhitelist.map((e: Json) => e.kind)).not.toContain('MultiKueueCluster');
    expect(plain.namespaceResourceWhitelist.map((e: Json) => e.kind)).toEqual(['AppProject', 'Application', 'ApplicationSet']);
  });

  it("names Applications per (tenant, cluster); the cluster inheriting the single-cluster deployment keeps tenant-<t>", () => {
    expect(fleetApplicationName('a', 'gpu-west', false)).toBe('tenant-a.gpu-west');
    expect(fleetApplicationName('a', 'gpu-west', true)).toBe('tenant-a');
    const inherited = handProps({ singleLayoutCluster: 'gpu-east' });
    const { chart, objects } = render(inherited);
    expect(find(objects, 'ApplicationSet', 'kubeflow-tenants-gpu-east').spec.template.metadata.name).toBe('tenant-{{.path.basename}}');
    expect(chart.applicationNames.get('clusters/gpu-east/tenants/fraud-training')).toBe('tenant-fraud-training');
    expect(chart.applicationNames.get('clusters/gpu-west/tenants/fraud-training')).toBe('tenant-fraud-training.gpu-west');
    expect(checkFleetDelivery(objects, handFiles(inherited, objects), placementOf(inherited))).toEqual([]);
  });

  it('refuses bundles that do not match the placement', () => {
    const props = handProps();
    expect(() => render(handProps({ clusters: props.clusters.map((c) => (c.name === 'pci-eu' ? { ...c, bundles: ['payments-pci', 'vision'] } : c)) }))).toThrow(
      'tenant vision: placed on [gpu-west] but bundled on [gpu-west,pci-eu]',
    );
    expect(() => render(handProps({ tenants: props.tenants.filter((t) => t.name !== 'vision') }))).toThrow('bundle vision belongs to no tenant');
    expect(() => render(handProps({ tenants: [...props.tenants.filter((t) => t.name !== 'vision'), { name: 'vision', home: 'nowhere' }] }))).toThrow('tenant vision: no cluster nowhere');
  });

  it('every object is valid against the vendored Argo CD CRDs', () => {
    const { objects } = render(handProps());
    expect(objects.flatMap((o) => validateManifest(o).map((e) => `${o.kind} ${o.metadata.name}: ${e}`))).toEqual([]);
  });

  it('the offline delivery check passes, and fails on a wrong destination, a leaky project, a stray bundle and a bad template', () => {
    const props = handProps();
    const { objects } = render(props);
    const placement = placementOf(props);
    expect(checkFleetDelivery(objects, handFiles(props, objects), placement)).toEqual([]);

    // The gpu-west ApplicationSet delivering to gpu-east.
    const wrong = structuredClone(objects);
    find(wrong, 'ApplicationSet', 'kubeflow-tenants-gpu-west').spec.template.spec.destination = { server: 'https://gpu-east.k8s.example.com', namespace: '{{.path.basename}}' };
    const p1 = checkFleetDelivery(wrong, handFiles(props, wrong), placement);
    expect(p1).toContain('dist/clusters/gpu-west/tenants/vision: Application tenant-vision.gpu-west delivers to https://gpu-east.k8s.example.com/vision, not to gpu-west/vision');
    expect(p1).toContain('Application tenant-vision.gpu-west: project tenant-vision does not admit https://gpu-east.k8s.example.com/vision');

    // A tenant project admitting another cluster.
    const leaky = structuredClone(objects);
    find(leaky, 'AppProject', 'tenant-vision').spec.destinations.push({ server: 'https://pci-eu.k8s.example.com', namespace: 'vision' });
    expect(checkFleetDelivery(leaky, handFiles(props, leaky), placement)).toEqual(['AppProject tenant-vision admits pci-eu/vision']);

    // A folder of vision in pci-eu's tree (nothing placed it there).
    const files = handFiles(props, objects);
    files.set('clusters/pci-eu/tenants/vision/Profile.vision.yaml', [{ apiVersion: 'kubeflow.org/v1', kind: 'Profile', metadata: { name: 'vision' } }]);
    expect(checkFleetDelivery(objects, files, placement)).toContain('dist/clusters/pci-eu/tenants/vision: vision is not placed on pci-eu');

    // A template naming a parameter the generator does not give.
    const typo = structuredClone(objects);
    find(typo, 'ApplicationSet', 'kubeflow-tenants-pci-eu').spec.template.metadata.name = 'tenant-{{.path.basenam}}';
    expect(checkFleetDelivery(typo, handFiles(props, typo), placement).join('\n')).toContain('ApplicationSet kubeflow-tenants-pci-eu: template: executing "tenant-{{.path.basenam}}": map has no entry for key "basenam"');
  });

  it('expands one Application per tenant folder of its own cluster only', () => {
    const props = handProps();
    const { objects } = render(props);
    const files = [...handFiles(props, objects).keys()].map((f) => `dist/${f}`);
    const apps = expandApplicationSet(find(objects, 'ApplicationSet', 'kubeflow-tenants-gpu-west'), files);
    expect(apps.map((a) => [a.manifest.metadata.name, a.manifest.spec.source.path, a.manifest.spec.project])).toEqual([
      ['tenant-fraud-training.gpu-west', 'dist/clusters/gpu-west/tenants/fraud-training', 'tenant-fraud-training'],
      ['tenant-vision.gpu-west', 'dist/clusters/gpu-west/tenants/vision', 'tenant-vision'],
    ]);
    expect(apps[0]!.manifest.metadata.labels[CLUSTER_LABEL]).toBe('gpu-west');
  });
});

describe('FleetDelivery over any fleet (fast-check)', () => {
  /** A fleet: clusters by server or name (one may be the in-cluster one), tenants with home, workers and a cluster left. */
  const fleetArb = fc
    .record({
      clusters: fc.array(fc.record({ byName: fc.boolean(), inCluster: fc.boolean(), kyverno: fc.boolean(), kueue: fc.boolean() }), { minLength: 1, maxLength: 4 }),
      tenants: fc.array(fc.record({ home: fc.nat(), workers: fc.array(fc.nat(), { maxLength: 3 }), from: fc.option(fc.nat(), { nil: undefined }) }), { minLength: 1, maxLength: 6 }),
    })
    .map(({ clusters, tenants }): FleetDeliveryProps => {
      const names = clusters.map((_, i) => `c${i}`);
      const pick = (n: number): string => names[n % names.length]!;
      const ts = tenants.map((t, i) => {
        const home = pick(t.home);
        const workers = [...new Set(t.workers.map(pick))].filter((w) => w !== home).sort();
        const from = t.from === undefined ? undefined : pick(t.from);
        return { name: `t${i}`, home, workers, ...(from !== undefined && from !== home && !workers.includes(from) ? { migratingFrom: from } : {}) };
      });
      return {
        platform,
        clusters: clusters.map((c, i) => ({
          name: names[i]!,
          destination: c.inCluster ? (c.byName ? { name: 'in-cluster' } : { server: platform.gitops.destinationServer }) : c.byName ? { name: names[i]! } : { server: `https://${names[i]}.example.com` },
          bundles: ts.filter((t) => t.home === names[i] || t.workers.includes(names[i]!) || t.migratingFrom === names[i]).map((t) => t.name),
          guards: { ...guards, kyverno: c.kyverno },
          ...(c.kueue ? { kueue: { userQueues: false } } : {}),
          multiKueue: c.kueue && ts.some((t) => t.home === names[i] && t.workers.length > 0),
        })),
        tenants: ts,
        namespacedKinds: TENANT_NAMESPACED_KINDS,
        ...(clusters.some((c) => c.inCluster) ? { singleLayoutCluster: names[clusters.findIndex((c) => c.inCluster)]! } : {}),
      };
    })
    // Two clusters at the same destination are one cluster twice: platform.ts refuses that.
    .filter((p) => new Set(p.clusters.map((c) => JSON.stringify(c.destination))).size === p.clusters.length);

  it('delivers every bundle to its own cluster only, under a unique name, through a project admitting exactly its clusters', () => {
    fc.assert(
      fc.property(fleetArb, (props) => {
        const { objects, chart } = render(props);
        expect(checkFleetDelivery(objects, handFiles(props, objects), placementOf(props))).toEqual([]);
        expect(new Set(chart.applicationNames.values()).size).toBe(chart.applicationNames.size);
      }),
      { numRuns: 60 },
    );
  });
});

describe('delivery of the fleet fixture (test/fixtures/fleet), offline', () => {
  let result: SynthResult;
  let fleet: PlatformSettings;
  let entries: TenantEntry[];
  beforeAll(async () => {
    ({ platform: fleet, entries } = await fixtureInputs('fleet'));
    result = synthesize(entries, fleet);
  });

  /** dist/'s YAML files, parsed. */
  const parsed = (files: ReadonlyMap<string, string>): Map<string, Json[]> =>
    new Map([...files].filter(([f]) => f.endsWith('.yaml')).map(([f, c]) => [f, yaml.loadAll(c).filter((d): d is Json => d !== null && d !== undefined)]));
  const argocdObjects = (files: ReadonlyMap<string, Json[]>): Json[] => [...files].filter(([f]) => f.startsWith('argocd/')).flatMap(([, o]) => o);
  /** The placement as the tenant files and platform.ts declare it (home: the synth's per-cluster result). */
  const placement = (): Placement => ({
    clusters: new Map(fleet.fleet.clusters.map((c) => [c.name, c.destination])),
    argocd: fleet.fleet.argocd,
    argocdNamespace: fleet.gitops.argocdNamespace,
    tenants: new Map(
      entries.map((e) => {
        const home = result.clusters!.find((c) => c.tenants.includes(e.spec.name))!.name;
        const p = e.spec.placement;
        return [e.spec.name, { home, workers: [...(p?.burst?.clusters ?? [])], ...(p?.migratingFrom ? { migratingFrom: p.migratingFrom } : {}) }];
      }),
    ),
  });

  it('places the fixture as declared: homes by rule and by name, fraud-training bursting to gpu-west', () => {
    const p = placement();
    expect([...p.tenants].map(([t, x]) => `${t}@${x.home}${x.workers.length ? `>${x.workers.join(',')}` : ''}`).sort()).toEqual([
      'fraud-training@gpu-east>gpu-west',
      'nlp-research@gpu-east',
      'payments-pci@pci-eu',
      'vision@gpu-west',
    ]);
  });

  it('every bundle reaches its own cluster only, through a project admitting exactly the placement', () => {
    const files = parsed(result.files);
    const problems = checkFleetDelivery(argocdObjects(files), files, placement());
    // fraud-training's burst guest bundle on gpu-west is delivered too.
    expect([...result.files.keys()].some((f) => f.startsWith('clusters/gpu-west/tenants/fraud-training/'))).toBe(true);
    expect(problems).toEqual([]);
  });

  it('every generated and written Application regenerates only when its own folder changes (manifest-generate-paths)', () => {
    const files = parsed(result.files);
    const repo = [...result.files.keys()].map((f) => `dist/${f}`);
    const generated = argocdObjects(files)
      .filter((o) => o.kind === 'ApplicationSet')
      .flatMap((a) => expandApplicationSet(a, repo))
      .map((g) => g.manifest);
    const written = argocdObjects(files).filter((o) => o.kind === 'Application');
    expect(generated.length).toBeGreaterThan(0);
    for (const app of [...generated, ...written]) {
      expect(app.metadata.annotations?.['argocd.argoproj.io/manifest-generate-paths'], app.metadata.name as string).toBe('.');
    }
  });

  it('generates the expected Applications, one per folder, named per (tenant, cluster)', () => {
    const files = parsed(result.files);
    const repo = [...result.files.keys()].map((f) => `dist/${f}`);
    const apps = argocdObjects(files)
      .filter((o) => o.kind === 'ApplicationSet')
      .flatMap((a) => expandApplicationSet(a, repo))
      .map((g) => `${g.manifest.metadata.name} -> ${g.manifest.spec.destination.server ?? g.manifest.spec.destination.name}/${g.manifest.spec.destination.namespace}`);
    const expected = [
      'tenant-fraud-training.gpu-east -> https://gpu-east.k8s.example.com/fraud-training',
      'tenant-nlp-research.gpu-east -> https://gpu-east.k8s.example.com/nlp-research',
      'tenant-vision.gpu-west -> gpu-west/vision',
      'tenant-payments-pci.pci-eu -> https://pci-eu.k8s.example.com/payments-pci',
    ];
    const guestRendered = repo.some((f) => f.startsWith('dist/clusters/gpu-west/tenants/fraud-training/'));
    expect(apps.sort()).toEqual([...expected, ...(guestRendered ? ['tenant-fraud-training.gpu-west -> gpu-west/fraud-training'] : [])].sort());
  });

  it('fails when a cluster ApplicationSet delivers elsewhere (the check can fail on real output)', () => {
    const files = parsed(result.files);
    const objs = structuredClone(argocdObjects(files));
    find(objs, 'ApplicationSet', 'kubeflow-tenants-pci-eu').spec.template.spec.destination = { name: 'gpu-west', namespace: '{{.path.basename}}' };
    const problems = checkFleetDelivery(objs, files, placement());
    expect(problems).toContain('dist/clusters/pci-eu/tenants/payments-pci: Application tenant-payments-pci.pci-eu delivers to name gpu-west/payments-pci, not to pci-eu/payments-pci');
    expect(problems).toContain('Application tenant-payments-pci.pci-eu: project tenant-payments-pci does not admit name gpu-west/payments-pci');
  });

  it('the cluster inheriting the single-cluster deployment keeps tenant-<t> names; the others are suffixed', () => {
    const inherited: PlatformSettings = {
      ...fleet,
      fleet: { ...fleet.fleet, clusters: fleet.fleet.clusters.map((c) => (c.name === 'gpu-east' ? { ...c, destination: { server: fleet.gitops.destinationServer } } : c)) },
    };
    const r = synthesize(entries, inherited);
    const files = parsed(r.files);
    const repo = [...r.files.keys()].map((f) => `dist/${f}`);
    const names = argocdObjects(files)
      .filter((o) => o.kind === 'ApplicationSet')
      .flatMap((a) => expandApplicationSet(a, repo))
      .map((g) => g.manifest.metadata.name as string);
    expect(names).toContain('tenant-fraud-training');
    expect(names).toContain('tenant-nlp-research');
    expect(names).toContain('tenant-vision.gpu-west');
    const p = placement();
    const problems = checkFleetDelivery(argocdObjects(files), files, { ...p, clusters: new Map([...p.clusters].map(([c, d]) => [c, c === 'gpu-east' ? { server: fleet.gitops.destinationServer } : d])) });
    expect(problems).toEqual([]);
  });

  it('npm run diff flags a widened tenant project and a weakened ApplicationSet in dist/argocd/', () => {
    const after = new Map(result.files);
    const project = yaml.load(after.get('argocd/AppProject.tenant-vision.yaml')!) as Json;
    project.spec.destinations.push({ server: 'https://pci-eu.k8s.example.com', namespace: 'vision' });
    after.set('argocd/AppProject.tenant-vision.yaml', toYaml(project));
    const appset = yaml.load(after.get('argocd/ApplicationSet.kubeflow-tenants-gpu-west.yaml')!) as Json;
    delete appset.spec.syncPolicy.applicationsSync;
    after.set('argocd/ApplicationSet.kubeflow-tenants-gpu-west.yaml', toYaml(appset));
    const flags = diffTrees(result.files, after).flags.map((f) => `${f.kind}: ${f.message}`);
    expect(flags).toContain('grant-added-or-widened: AppProject tenant-vision: destinations widened: {"server":"https://pci-eu.k8s.example.com","namespace":"vision"}');
    expect(flags.some((f) => f.startsWith('deletion-protection-removed: ApplicationSet kubeflow-tenants-gpu-west: applicationsSync create-update'))).toBe(true);
  });

  it('writes no Argo CD object into a cluster folder, and every dist/argocd/ object is schema-valid', () => {
    const files = parsed(result.files);
    for (const [f, objs] of files) if (f.startsWith('clusters/')) for (const o of objs) expect(`${f}: ${o.apiVersion}`).not.toMatch(/argoproj\.io/);
    const argo = argocdObjects(files);
    expect(argo.length).toBe(12);
    expect(argo.flatMap((o) => validateManifest(o).map((e) => `${o.kind} ${o.metadata.name}: ${e}`))).toEqual([]);
  });
});
