/**
 * The fleet core (issue 14, docs/fleet.md): platform.ts `fleet` checks, per-cluster settings,
 * tenant `placement` checks (exact messages), the fleet plan, per-cluster synth, the move rule
 * over the deployed layout, and the commands on the fleet fixture.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { diffTrees } from '../lib/diff';
import { synthesize } from '../lib/synth';
import { deployedBundles, readDeployed } from '../lib/deployed';
import { fleetPlan, migratingAwayCopy } from '../lib/model/fleet';
import { BURST_GUEST_ANNOTATION } from '../lib/model/names';
import { DECOMMISSIONED_ANNOTATION } from '../lib/model/decommission';
import { clusterPlatform, definePlatform, DEFAULT_PLATFORM } from '../lib/platform';
import { validateTenants } from '../lib/tenant';
import type { TenantSpec } from '../lib/tenant';
import { FIXTURES, fixtureInputs, fixtureRepo, git, removeRepo, runScript, synthAndCommit, synthFixture } from './fixture-repo';
import { entry, platformErrors, validSpec } from './support/fixtures';
import { manifestsOf, validateManifest } from './support/schemas';

const repos: string[] = [];
afterAll(() => {
  for (const r of repos) removeRepo(r);
});

const east = { name: 'east', destination: { server: 'https://east.example.com' }, region: 'us-east-1', complianceTiers: ['public', 'internal', 'confidential'] };
const pci = { name: 'pci', destination: { name: 'pci' }, region: 'eu-west-1', complianceTiers: ['pci'] };
const internal = { team: 'fraud', 'cost-centre': 'cc-1', 'compliance-tier': 'internal' };

describe('platform.ts fleet: every error, at its path', () => {
  it('a fleet without errors is accepted, and no fleet is one cluster', () => {
    expect(platformErrors({ fleet: { clusters: [east, pci], placement: { byComplianceTier: { pci: 'pci' }, default: 'east' } } })).toEqual([]);
    expect(DEFAULT_PLATFORM.fleet.clusters).toEqual([]);
  });

  const cases: [string, Parameters<typeof definePlatform>[0], string[]][] = [
    [
      'duplicate names, both destinations',
      { fleet: { clusters: [east, pci, { ...east, destination: { server: 'https://x', name: 'y' } }] } },
      [
        'platform.ts: fleet.clusters[2].name: Duplicate value: "east": already the name of fleet.clusters[0]; each cluster needs its own name (its output goes to dist/clusters/<name>/)',
        'platform.ts: fleet.clusters[2].destination: Invalid value: {"server":"https://x","name":"y"}: give exactly one of "server" (the API server URL registered in Argo CD) and "name" (its cluster name in Argo CD); has both',
      ],
    ],
    [
      'a name that is no DNS label, no destination, an unknown tier',
      { fleet: { clusters: [{ ...east, name: 'East_1', destination: {} }, { ...pci, complianceTiers: ['gold'] }] } },
      [
        "platform.ts: fleet.clusters[0].name: Invalid value: \"East_1\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')",
        'platform.ts: fleet.clusters[0].destination: Invalid value: {}: give exactly one of "server" (the API server URL registered in Argo CD) and "name" (its cluster name in Argo CD); has neither',
        'platform.ts: fleet.clusters[1].complianceTiers[0]: Unsupported value: "gold": supported values: "public", "internal", "confidential", "pci" (platform.ts labels.complianceTiers)',
      ],
    ],
    [
      'a cluster overriding an org-wide section, or an unknown one',
      { fleet: { clusters: [{ ...east, platform: { gitops: { revision: 'x' }, colour: {} } as never }, pci] } },
      [
        'platform.ts: fleet.clusters[0].platform.gitops: Forbidden: "gitops": an org-wide setting, the same on every cluster: set it at the top of platform.ts; a cluster may set audit, gpu, groups, guards, identity, istio, kueue, network, podSecurity, profileController, vault',
        'platform.ts: fleet.clusters[0].platform.colour: Unsupported value: "colour": unknown field; a cluster may set audit, gpu, groups, guards, identity, istio, kueue, network, podSecurity, profileController, vault',
      ],
    ],
    [
      "a cluster's merged settings fail the platform checks: re-pathed under the cluster",
      { fleet: { clusters: [{ ...east, platform: { identity: { use: 'name' as never }, kueue: { flavors: { cpu: { resources: { cpu: 'lots' } } }, excludeResources: ['memory'] } } }, pci] } },
      [
        'platform.ts: fleet.clusters[0].platform.identity.use: Unsupported value: "name": supported values: "email", "subject"',
        'platform.ts: fleet.clusters[0].platform.kueue.flavors["cpu"].resources["cpu"]: Invalid value: "lots": not a non-negative quantity with at most three decimals, e.g. "512" or "4Ti"',
        "platform.ts: fleet.clusters[0].platform.kueue.flavors: Required value: cpu is neither offered by a flavor nor excluded (kueue.excludeResources): with Kueue's default quotaCheckStrategy BlockUndeclared a Job requesting cpu (every pod does, the LimitRange sets a default request) would never be admitted; add cpu to a flavor's resources, or list it in kueue.excludeResources to leave it to the ResourceQuota",
      ],
    ],
    [
      'the placement rule names unknown tiers and clusters, or a cluster that does not host the tier',
      { fleet: { clusters: [east, pci], placement: { byComplianceTier: { pci: 'east', gold: 'pci' }, default: 'west' } } },
      [
        'platform.ts: fleet.placement.byComplianceTier["pci"]: Invalid value: "east": cluster "east" does not host compliance tier "pci" (its complianceTiers: public, internal, confidential); place the tier on a cluster that hosts it; clusters that do: pci',
        'platform.ts: fleet.placement.byComplianceTier["gold"]: Unsupported value: "gold": not a compliance tier; supported values: "public", "internal", "confidential", "pci" (platform.ts labels.complianceTiers)',
        'platform.ts: fleet.placement.default: Not found: "west": no cluster of that name in fleet.clusters (clusters: east, pci); name a declared cluster',
      ],
    ],
    [
      'a server that is no URL, no region, an empty tier list, both Argo CD destinations, an empty MultiKueue path',
      { fleet: { clusters: [{ ...east, region: '', complianceTiers: [], destination: { server: 'east' } }], argocd: { server: 'https://a', name: 'b' }, multiKueue: { vaultPath: '' } } },
      [
        'platform.ts: fleet.clusters[0].destination.server: Invalid value: "east": the API server URL as registered in Argo CD, e.g. "https://gpu-east.k8s.example.com"',
        'platform.ts: fleet.clusters[0].region: Required value: the cluster\'s region, e.g. "us-east-1" (shown in the capacity report)',
        'platform.ts: fleet.clusters[0].complianceTiers: Invalid value: []: a non-empty list of tiers this cluster may host (of labels.complianceTiers: public, internal, confidential, pci), or leave it out for every tier',
        'platform.ts: fleet.argocd: Invalid value: {"server":"https://a","name":"b"}: give exactly one of "server" (the API server URL registered in Argo CD) and "name" (its cluster name in Argo CD); has both',
        'platform.ts: fleet.multiKueue.vaultPath: Required value: a non-empty string (docs/fleet.md "Bursting with MultiKueue")',
      ],
    ],
    [
      'a cluster or its platform that is no object',
      { fleet: { clusters: [{ ...east, platform: 'x' as never }, 'y' as never] } },
      [
        'platform.ts: fleet.clusters[0].platform: Invalid value: "x": an object of the settings this cluster sets differently: audit, gpu, groups, guards, identity, istio, kueue, network, podSecurity, profileController, vault',
        'platform.ts: fleet.clusters[1]: Invalid value: "y": a cluster: { name, destination, region, complianceTiers?, platform? }',
      ],
    ],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(platformErrors(input)).toEqual(expected);
  });

  it("an error of the fleet's own settings is reported once, not again under every cluster", () => {
    const errs = platformErrors({ identity: { use: 'name' as never }, fleet: { clusters: [east, { ...pci, platform: { guards: { kyverno: false } } }] } });
    expect(errs).toEqual(['platform.ts: identity.use: Unsupported value: "name": supported values: "email", "subject"']);
  });
});

describe('clusterPlatform: a cluster\'s settings merged over the fleet\'s', () => {
  it('object sections field by field, audit loki field by field, kueue as one section (flavors replace)', () => {
    const p = definePlatform({
      identity: { header: 'x-user' },
      kueue: { flavors: { cpu: { resources: { cpu: '8', memory: '8Gi' } } }, teams: { a: {} } },
      fleet: { clusters: [{ ...east, platform: { identity: { prefix: 'oidc:' }, audit: { loki: { endpoint: 'http://loki-east:3100' } }, kueue: { flavors: { big: { resources: { cpu: '64', memory: '64Gi' } } } } } }] },
    });
    const c = clusterPlatform(p, p.fleet.clusters[0]!);
    expect(c.identity).toEqual({ ...p.identity, prefix: 'oidc:' });
    expect(c.audit.loki).toEqual({ ...p.audit.loki, endpoint: 'http://loki-east:3100' });
    expect(Object.keys(c.kueue.flavors)).toEqual(['big']);
    expect(c.kueue.teams).toEqual({ a: {} });
    expect(c.gitops).toBe(p.gitops);
    expect(clusterPlatform(p, {})).toEqual(p);
  });
});

describe('tenant placement: every error, with its message', () => {
  const p = definePlatform({ fleet: { clusters: [east, pci], placement: { byComplianceTier: { pci: 'pci' } } } });
  const errorsOf = (spec: unknown, platform = p): string[] => validateTenants([entry(spec)], platform).map(String);
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['placed by the rule (pci -> pci): no error', {}, []],
    ['names a cluster hosting its tier: no error', { labels: internal, placement: { cluster: 'east' } }, []],
    [
      'nothing places it',
      { labels: internal },
      ['tenants/fraud.ts: placement.cluster: Required value: platform.ts fleet.placement places no tenant of compliance tier "internal" (no byComplianceTier entry for it, no default); name the home cluster, e.g. placement: { cluster: "east" } (clusters: east, pci)'],
    ],
    ['an unknown cluster', { placement: { cluster: 'west' } }, ['tenants/fraud.ts: placement.cluster: Not found: "west": no cluster of that name in platform.ts fleet.clusters; clusters: east, pci']],
    [
      'a cluster that does not host its tier',
      { placement: { cluster: 'east' } },
      ['tenants/fraud.ts: placement.cluster: Forbidden: "east": cluster "east" does not host compliance tier "pci" (platform.ts fleet.clusters complianceTiers); clusters that do: pci; set placement: { cluster: "pci" }'],
    ],
    ['not an object', { placement: 'east' }, ['tenants/fraud.ts: placement: Invalid value: "east": an object: { cluster?, burst?, migratingFrom? } (docs/fleet.md)']],
    [
      'migratingFrom its home, burst to home, unknown, duplicate and disallowed clusters, an unknown key',
      { placement: { migratingFrom: 'pci', burst: { clusters: ['pci', 'nope', 'east', 'east'], flavors: {} }, zone: 1 } },
      [
        'tenants/fraud.ts: placement.zone: Unsupported value: "zone": unknown field; supported fields: cluster, burst, migratingFrom',
        'tenants/fraud.ts: placement.migratingFrom: Invalid value: "pci": is the tenant\'s home cluster; migratingFrom names the cluster the tenant is moving away from, which must differ from its home (remove migratingFrom once the move is done, docs/fleet.md "Moving a tenant")',
        'tenants/fraud.ts: placement.burst.clusters[0]: Invalid value: "pci": is the tenant\'s home cluster; MultiKueue cannot dispatch to the manager itself: list other clusters (work submitted to the "default" queue already runs at home)',
        'tenants/fraud.ts: placement.burst.clusters[1]: Not found: "nope": no cluster of that name in platform.ts fleet.clusters; clusters: east, pci',
        'tenants/fraud.ts: placement.burst.clusters[2]: Forbidden: "east": cluster "east" does not host compliance tier "pci" and burst work runs there in the tenant\'s namespace with its credentials; burst only to clusters that host it (clusters that do: pci)',
        'tenants/fraud.ts: placement.burst.clusters[3]: Duplicate value: "east": already listed at placement.burst.clusters[2]; list each worker once',
        'tenants/fraud.ts: placement.burst.flavors: Invalid value: {}: the quota of burst work in flight per flavor and resource, e.g. { "a100-80gb": { "nvidia.com/gpu": { nominal: 8 } } }',
      ],
    ],
    ['burst that is no object', { placement: { burst: 'east' } }, ['tenants/fraud.ts: placement.burst: Invalid value: "east": an object: { clusters: ["<worker>"], flavors: { <flavor>: { <resource>: { nominal } } } }']],
    [
      'burst without clusters or flavors',
      { labels: internal, placement: { cluster: 'east', burst: { clusters: [], flavors: 'x' } } },
      [
        'tenants/fraud.ts: placement.burst.clusters: Invalid value: []: a non-empty list of worker clusters (of east, pci, not the home cluster)',
        'tenants/fraud.ts: placement.burst.flavors: Invalid value: "x": the quota of burst work in flight per flavor and resource, e.g. { "a100-80gb": { "nvidia.com/gpu": { nominal: 8 } } }',
      ],
    ],
    ['migratingFrom an unknown cluster', { labels: internal, placement: { cluster: 'east', migratingFrom: 'old' } }, ['tenants/fraud.ts: placement.migratingFrom: Not found: "old": no cluster of that name in platform.ts fleet.clusters; clusters: east, pci']],
  ];
  it.each(cases)('%s', (_name, overrides, expected) => {
    expect(errorsOf(validSpec(overrides))).toEqual(expected);
  });

  it('a grant of resources or a role to a tenant on another cluster is refused; a bucket-only grant is not', () => {
    const ml = { ...validSpec({ labels: internal, placement: { cluster: 'east' }, credentials: { s3: true } }), name: 'ml-east', owner: { email: 'ml@example.com' } };
    const spec = validSpec({
      grants: [
        { to: 'ml-east', resources: ['pipelines'], verbs: ['get'] },
        { to: 'ml-east', artifactPrefixes: ['models/v3'] },
      ],
    });
    const errs = validateTenants([entry(spec), { file: 'tenants/ml-east.ts', spec: ml } as never], p).map(String);
    expect(errs).toEqual([
      'tenants/fraud.ts: grants[0].to: Forbidden: "ml-east": tenant "ml-east" lives on cluster "east" and this tenant on "pci": the grant\'s RoleBinding here names ServiceAccounts of namespace "ml-east" on "pci", which are not its workloads; grants of resources or a role work within one cluster only (bucket-only grants, artifactPrefixes alone, work across clusters): place both tenants on one cluster or drop the grant (docs/fleet.md "What is not covered")',
    ]);
    // Both on one cluster: accepted.
    const same = validSpec({ labels: internal, placement: { cluster: 'east' }, grants: [{ to: 'ml-east', resources: ['pipelines'], verbs: ['get'] }] });
    expect(validateTenants([entry(same), { file: 'tenants/ml-east.ts', spec: ml } as never], p).map(String)).toEqual([]);
  });

  it("a cluster's guard name list counts the copies of tenants moving away from it, and names the cluster", () => {
    const two = definePlatform({ fleet: { clusters: [east, { ...east, name: 'west', destination: { name: 'west' } }] } });
    const name = (i: number): string => `t${String(i).padStart(4, '0')}-${'x'.repeat(54)}`; // 60 characters: 64 units each
    const specs = Array.from({ length: 1400 }, (_, i) => ({ ...validSpec({ labels: internal, placement: { cluster: 'west' } }), name: name(i) }));
    const movers = Array.from({ length: 10 }, (_, i) => ({ ...validSpec({ labels: internal, placement: { cluster: 'east', migratingFrom: 'west' } }), name: `m${String(i).padStart(4, '0')}-${'y'.repeat(54)}` }));
    const guardErrors = (list: unknown[]): string[] => validateTenants(list.map((sp, i) => ({ file: `tenants/t${i}.ts`, spec: sp }) as never), two).map(String).filter((e) => e.includes('guards'));
    // 1,400 homes fit (89,600 units); their Profiles plus the 10 copies left behind do not (90,240).
    expect(guardErrors(specs)).toEqual([]);
    expect(guardErrors([...specs, ...movers])).toEqual([
      'platform.ts: fleet.clusters[1].platform.guards: Too long: "1410 tenant names": the in-cluster guard\'s tenant-name prefix rule lists every tenant\'s name on cluster "west" (its homes, burst guests and the copies of tenants moving away), and 1410 names take 90240 characters of CEL, more than 90000 (CEL refuses an expression over 100,000 characters, which would leave the cluster without the Profile guard); shorten tenant names, or turn the in-cluster guards off (guards.admissionPolicy: false, guards.kyverno: false) and rely on synth alone for the prefix rule',
    ]);
  });

  it('placement without a fleet says fleet.clusters is not declared', () => {
    expect(errorsOf(validSpec({ placement: { cluster: 'pci' } }), DEFAULT_PLATFORM)).toEqual([
      'tenants/fraud.ts: placement: Invalid value: {"cluster":"pci"}: platform.ts declares no fleet (fleet.clusters is not declared), so there is one cluster and nothing to place; remove placement, or ask the platform team to declare the clusters in platform.ts fleet.clusters (docs/fleet.md)',
    ]);
  });

  it("a tenant is checked with its home cluster's settings: a GPU only the other cluster offers is refused", () => {
    const fp = definePlatform({ gpu: { vendors: ['nvidia.com/gpu'], mig: {}, timeSliced: [] }, fleet: { clusters: [{ ...east, platform: { gpu: { vendors: ['amd.com/gpu'] } } }, pci], placement: { byComplianceTier: { pci: 'pci' } } } });
    expect(errorsOf(validSpec(), fp)).toEqual([]);
    const onEast = errorsOf(validSpec({ labels: internal, placement: { cluster: 'east' } }), fp);
    expect(onEast.length).toBeGreaterThan(0);
    expect(onEast.every((e) => e.includes('nvidia.com/gpu'))).toBe(true);
  });
});

describe('fleetPlan', () => {
  it('homes, decommissioned copies of tenants moving away, burst guests and sources', async () => {
    const { platform, entries } = await fixtureInputs('fleet');
    const specs = entries.map((e) => e.spec);
    const moved = specs.map((s): TenantSpec => (s.name === 'vision' ? { ...s, placement: { cluster: 'gpu-west', migratingFrom: 'gpu-east' } } : s));
    const plan = fleetPlan(moved, platform);
    expect(plan.fleet).toBe(true);
    expect(Object.fromEntries(plan.homeOf)).toEqual({ 'fraud-training': 'gpu-east', 'nlp-research': 'gpu-east', 'payments-pci': 'pci-eu', vision: 'gpu-west' });
    const by = new Map(plan.clusters.map((c) => [c.name, c]));
    expect(plan.clusters.map((c) => c.dir)).toEqual(['clusters/gpu-east', 'clusters/gpu-west', 'clusters/pci-eu']);
    expect(by.get('gpu-east')!.tenants.map((t) => [t.name, t.decommissioned === true])).toEqual([
      ['fraud-training', false],
      ['nlp-research', false],
      ['vision', true],
    ]);
    const copy = by.get('gpu-east')!.tenants.find((t) => t.name === 'vision')!;
    expect(copy).toEqual(migratingAwayCopy(moved.find((t) => t.name === 'vision')!));
    expect(copy.queue).toBeUndefined();
    expect(by.get('gpu-east')!.burst.sources).toEqual([{ tenant: 'fraud-training', workers: ['gpu-west'], flavors: specs.find((s) => s.name === 'fraud-training')!.placement!.burst!.flavors }]);
    expect(by.get('gpu-west')!.burst.guests.map((g) => [g.tenant.name, g.home])).toEqual([['fraud-training', 'gpu-east']]);
    expect(by.get('gpu-west')!.burst.sources).toEqual([]);
    expect(by.get('pci-eu')!.platform.identity.header).toBe('x-pci-userid');
    expect(by.get('pci-eu')!.platform.guards.kyverno).toBe(false);
    expect(Object.keys(by.get('gpu-west')!.platform.kueue.flavors)).toEqual(['cpu', 'a100-80gb']);
  });

  it('without a fleet: one cluster, the platform itself, every tenant', () => {
    const plan = fleetPlan([validSpec({ name: 'b' }), validSpec({ name: 'a' })], DEFAULT_PLATFORM);
    expect(plan).toMatchObject({ fleet: false, clusters: [{ name: '', dir: '', platform: DEFAULT_PLATFORM }] });
    expect(plan.clusters[0]!.tenants.map((t) => t.name)).toEqual(['a', 'b']);
  });
});

describe('synth of a fleet', () => {
  it("writes each cluster's output under dist/clusters/<c>/ with its own settings, no Argo CD objects there, org-wide files once", async () => {
    const repo = fixtureRepo('fleet');
    repos.push(repo);
    const { result } = await synthFixture(repo);
    const files = [...result.files.keys()];
    // Besides the clusters' folders: the org's platform files and Argo CD's objects (test/argocd-fleet.test.ts).
    expect(files.filter((f) => !f.startsWith('clusters/') && !f.startsWith('argocd/'))).toEqual(['platform/README.md', 'platform/fleet/capacity.json']);
    expect(files.filter((f) => f.startsWith('argocd/')).length).toBeGreaterThan(0);
    expect(files.filter((f) => /\/tenants\/[^/]+\/Profile\./.test(f))).toEqual([
      'clusters/gpu-east/tenants/fraud-training/Profile.fraud-training.yaml',
      'clusters/gpu-east/tenants/nlp-research/Profile.nlp-research.yaml',
      // fraud-training's burst guest bundle (docs/fleet.md "Bursting with MultiKueue").
      'clusters/gpu-west/tenants/fraud-training/Profile.fraud-training.yaml',
      'clusters/gpu-west/tenants/vision/Profile.vision.yaml',
      'clusters/pci-eu/tenants/payments-pci/Profile.payments-pci.yaml',
    ]);
    expect(result.objects.filter((o) => o.manifest.apiVersion.startsWith('argoproj.io/') && !o.file.startsWith('argocd/'))).toEqual([]);
    // pci-eu: no Kyverno (its own guards), its own capacity.
    expect(files.some((f) => f.startsWith('clusters/pci-eu/cluster/ValidatingPolicy.'))).toBe(false);
    expect(files.some((f) => f.startsWith('clusters/gpu-east/cluster/ValidatingPolicy.'))).toBe(true);
    expect(result.clusters!.map((c) => [c.name, c.tenants, c.capacity.cells.map((x) => `${x.flavor}/${x.resource}=${x.capacity}`)])).toEqual([
      ['gpu-east', ['fraud-training', 'nlp-research'], ['a100-80gb/nvidia.com/gpu=32', 'cpu/cpu=256', 'cpu/memory=1099511627776']],
      ['gpu-west', ['vision'], ['a100-80gb/nvidia.com/gpu=64', 'cpu/cpu=256', 'cpu/memory=1099511627776']],
      ['pci-eu', ['payments-pci'], ['cpu/cpu=64', 'cpu/memory=274877906944']],
    ]);
    const fleetCapacity = JSON.parse(result.files.get('platform/fleet/capacity.json')!) as { clusters: { name: string }[] };
    expect(fleetCapacity.clusters.map((c) => c.name)).toEqual(['gpu-east', 'gpu-west', 'pci-eu']);
    expect(JSON.parse(result.files.get('clusters/pci-eu/platform/kueue/capacity.json')!)).toEqual(result.clusters![2]!.capacity);
  });

  it("capacity is checked per cluster with that cluster's capacity", () => {
    const repo = fixtureRepo('fleet');
    repos.push(repo);
    // vision's 24 A100s fit gpu-west's 64 but not gpu-east's 32 once fraud-training's and nlp-research's are counted.
    const visionFile = path.join(repo, 'tenants/vision.ts');
    fs.writeFileSync(visionFile, fs.readFileSync(visionFile, 'utf8').replace("placement: { cluster: 'gpu-west' }", "placement: { cluster: 'gpu-east' }"));
    const r = runScript(repo, 'main.ts');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/a100-80gb/);
    expect(r.stderr).not.toMatch(/payments-pci/);
  });
});

/** The fleet fixture in Git; the replaced dist/ that synth deletes in the background is no business of `git add`. */
function gitRepo(): string {
  const repo = fixtureRepo('fleet', { gitInit: true });
  repos.push(repo);
  fs.appendFileSync(path.join(repo, '.gitignore'), '.dist-*\n');
  git(repo, 'add', '.gitignore');
  git(repo, 'commit', '-q', '-m', 'ignore');
  return repo;
}

describe('deployed state over the fleet layout', () => {
  const profile = (name: string, annotations: Record<string, string> = {}) =>
    `apiVersion: kubeflow.org/v1\nkind: Profile\nmetadata:\n  name: ${name}\n${Object.keys(annotations).length ? `  annotations:\n${Object.entries(annotations).map(([k, v]) => `    ${k}: "${v}"\n`).join('')}` : ''}`;

  it('reads both layouts, with each bundle\'s cluster, decommissioned state and guest mark', () => {
    const dist = new Map([
      ['tenants/old/Profile.old.yaml', profile('old')],
      ['clusters/a/tenants/x/Profile.x.yaml', profile('x', { [DECOMMISSIONED_ANNOTATION]: 'true' })],
      ['clusters/b/tenants/x/Profile.x.yaml', profile('x')],
      ['clusters/c/tenants/x/Profile.x.yaml', profile('x', { [BURST_GUEST_ANNOTATION]: 'b' })],
      ['clusters/c/cluster/ClusterRole.r.yaml', 'kind: ClusterRole'],
    ]);
    expect(deployedBundles(dist)).toEqual([
      { tenant: 'old', cluster: undefined, decommissioned: false },
      { tenant: 'x', cluster: 'a', decommissioned: true },
      { tenant: 'x', cluster: 'b', decommissioned: false },
      { tenant: 'x', cluster: 'c', decommissioned: false, guestOf: 'b' },
    ]);
    expect(BURST_GUEST_ANNOTATION.startsWith(DECOMMISSIONED_ANNOTATION.split('/')[0]! + '/')).toBe(true);
  });

  it('moving a tenant is refused without migratingFrom, then goes through the documented two steps', () => {
    const repo = gitRepo();
    synthAndCommit(repo, 'fleet');
    git(repo, 'checkout', '-q', '-b', 'move');
    const deployed = readDeployed(repo);
    expect(deployed.bundles!.map((b) => `${b.cluster}/${b.tenant}`)).toEqual(['gpu-east/fraud-training', 'gpu-west/fraud-training', 'gpu-east/nlp-research', 'pci-eu/payments-pci', 'gpu-west/vision']);

    const file = path.join(repo, 'tenants/vision.ts');
    const original = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, original.replace("placement: { cluster: 'gpu-west' }", "placement: { cluster: 'gpu-east' }").replace("nominal: 24, borrowingLimit: 0", "nominal: 4, borrowingLimit: 0"));
    const refused = runScript(repo, 'main.ts');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'tenants/vision.ts: placement.cluster: Forbidden: "gpu-east": tenant "vision" is deployed on cluster "gpu-west" (dist/clusters/gpu-west/tenants/vision/) and is now placed on "gpu-east": moving a tenant is removing it from "gpu-west", whose namespace, volumes and data stay behind; to move it, add placement: { migratingFrom: "gpu-west" }',
    );

    // The diff of the refused move: blocking, the synth error reported with the report.
    const refusedDiff = runScript(repo, 'scripts/diff.ts');
    expect(refusedDiff.code).toBe(1);

    // migratingFrom must name the cluster it is deployed on.
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace("placement: { cluster: 'gpu-east' }", "placement: { cluster: 'gpu-east', migratingFrom: 'pci-eu' }"));
    const wrongFrom = runScript(repo, 'main.ts');
    expect(wrongFrom.code).toBe(1);
    expect(wrongFrom.stderr).toContain('tenants/vision.ts: placement.migratingFrom: Invalid value: "pci-eu": tenant "vision" is not deployed on cluster "pci-eu" (no dist/clusters/pci-eu/tenants/vision/ at merge base');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(", migratingFrom: 'pci-eu'", ''));

    // Step 1: migratingFrom. gpu-west keeps a decommissioned copy, gpu-east gets the bundle.
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace("placement: { cluster: 'gpu-east' }", "placement: { cluster: 'gpu-east', migratingFrom: 'gpu-west' }"));
    const diff = runScript(repo, 'scripts/diff.ts');
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain('TENANT MOVES CLUSTER');
    expect(diff.stdout).toContain('home gpu-west → gpu-east: on gpu-west stay behind, decommissioned (access revoked): the Profile, namespace "vision" and everything in it');
    expect(diff.stdout).toMatch(/tenant decommissioned +vision@gpu-west: all access/);
    expect(diff.stdout).toMatch(/tenant added +vision@gpu-east: owner vision-lead@example\.com/);
    // Capacity per cluster: gpu-west frees vision's 24 A100s, gpu-east guarantees 4 more.
    expect(diff.stdout).toContain('gpu-west: a100-80gb nvidia.com/gpu: this PR releases 24 GPU (tenant vision -24 GPU)');
    expect(diff.stdout).toContain('gpu-east: a100-80gb nvidia.com/gpu: this PR takes 4 more GPU (tenant vision +4 GPU)');
    synthAndCommit(repo, 'move vision, step 1');
    expect(runScript(repo, 'scripts/check.ts').code).toBe(0);
    const copy = fs.readFileSync(path.join(repo, 'dist/clusters/gpu-west/tenants/vision/Profile.vision.yaml'), 'utf8');
    expect(copy).toContain(`${DECOMMISSIONED_ANNOTATION}: "true"`);
    expect(fs.existsSync(path.join(repo, 'dist/clusters/gpu-east/tenants/vision/Profile.vision.yaml'))).toBe(true);
    expect(fs.existsSync(path.join(repo, 'dist/clusters/gpu-west/tenants/vision/LocalQueue.default.yaml'))).toBe(false);
    git(repo, 'checkout', '-q', 'main');
    git(repo, 'merge', '-q', '--ff-only', 'move');

    // Step 2: migratingFrom removed, the decommissioned copy leaves gpu-west.
    git(repo, 'checkout', '-q', '-b', 'step-2');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(", migratingFrom: 'gpu-west'", ''));
    const done = runScript(repo, 'main.ts');
    expect(done.code, done.stderr).toBe(0);
    expect(fs.existsSync(path.join(repo, 'dist/clusters/gpu-west/tenants/vision'))).toBe(false);
  }, 180_000);

  it('opting into a fleet: single-layout tenants count as deployed on the cluster Argo CD delivered to', () => {
    const repo = gitRepo();
    const platformFile = path.join(repo, 'platform.ts');
    const fleetPlatform = fs.readFileSync(platformFile, 'utf8');
    // Before: one cluster (the fleet section and placements removed), deployed from dist/tenants/.
    fs.writeFileSync(platformFile, fleetPlatform.replace(/ {2}fleet: \{[\s\S]*\n {2}\},\n/, "  kueue: { flavors: { cpu: { resources: { cpu: '512', memory: '2Ti' } }, 'a100-80gb': { resources: { 'nvidia.com/gpu': 96 } } }, teams: { fraud: {}, research: {}, vision: {}, payments: {} } },\n"));
    for (const f of fs.readdirSync(path.join(repo, 'tenants'))) {
      const p = path.join(repo, 'tenants', f);
      fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace(/ {2}placement: \{[\s\S]*?\n {2}\},\n/, '').replace("  placement: { cluster: 'gpu-west' },\n", ''));
    }
    synthAndCommit(repo, 'one cluster');
    expect(fs.existsSync(path.join(repo, 'dist/tenants/vision/Profile.vision.yaml'))).toBe(true);
    git(repo, 'checkout', '-q', '-b', 'fleet');
    for (const f of fs.readdirSync(path.join(repo, 'tenants'))) fs.copyFileSync(path.join(FIXTURES, 'fleet/tenants', f), path.join(repo, 'tenants', f));
    // The fleet, but no cluster is where Argo CD delivered the single layout: it cannot be told.
    fs.writeFileSync(platformFile, fleetPlatform);
    const unknown = runScript(repo, 'main.ts');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('platform.ts: fleet.clusters: Required value: dist/ at merge base');
    expect(unknown.stderr).toContain('has the single-cluster layout (dist/tenants/: 4 tenant(s)), and no cluster of fleet.clusters has destination { server: "https://kubernetes.default.svc" } (gitops.destinationServer) or destination { name: "in-cluster" }');
    // gpu-east is that cluster: its tenants stay, vision (now on gpu-west) is a move.
    fs.writeFileSync(platformFile, fleetPlatform.replace("destination: { server: 'https://gpu-east.k8s.example.com' }", "destination: { name: 'in-cluster' }"));
    const moved = runScript(repo, 'main.ts');
    expect(moved.code).toBe(1);
    expect(moved.stderr).toContain('tenant "vision" is deployed on cluster "gpu-east" (dist/tenants/vision/ (the single-cluster layout, cluster "gpu-east")) and is now placed on "gpu-west"');
    expect(moved.stderr).toContain('tenant "payments-pci" is deployed on cluster "gpu-east"');
    expect(moved.stderr).not.toContain('"fraud-training" is deployed');
  }, 180_000);
});

describe('diff flags of a fleet', () => {
  const profile = (name: string, annotations: Record<string, string> = {}) =>
    `apiVersion: kubeflow.org/v1\nkind: Profile\nmetadata:\n  name: ${name}\n${Object.keys(annotations).length ? `  annotations:\n${Object.entries(annotations).map(([k, v]) => `    ${k}: "${v}"\n`).join('')}` : ''}spec:\n  owner:\n    kind: User\n    name: lead@example.com\n`;
  it('a tenant starting and stopping to burst to a cluster (its guest bundle)', () => {
    const base = new Map([
      ['clusters/a/tenants/t/Profile.t.yaml', profile('t')],
      ['clusters/c/tenants/t/Profile.t.yaml', profile('t', { [BURST_GUEST_ANNOTATION]: 'a' })],
    ]);
    const head = new Map([
      ['clusters/a/tenants/t/Profile.t.yaml', profile('t')],
      ['clusters/b/tenants/t/Profile.t.yaml', profile('t', { [BURST_GUEST_ANNOTATION]: 'a' })],
    ]);
    const flags = diffTrees(base, head).flags.filter((f) => f.kind === 'burst-changed' || f.kind === 'tenant-moves-cluster');
    expect(flags.map((f) => `${f.kind} ${f.group}: ${f.message}`)).toEqual([
      'burst-changed t: starts bursting to b: work submitted to its burst queue runs on b in a guest namespace "t" with the tenant\'s credentials (whoever may submit there runs code with them on b); volumes do not follow, and the work counts against b\'s capacity',
      'burst-changed t: stops bursting to c: its guest namespace there is removed with any burst work still in it',
    ]);
  });

  it('a move without a decommissioned copy says nothing is kept', () => {
    const flags = diffTrees(new Map([['clusters/a/tenants/t/Profile.t.yaml', profile('t')]]), new Map([['clusters/b/tenants/t/Profile.t.yaml', profile('t')]])).flags;
    expect(flags.find((f) => f.kind === 'tenant-moves-cluster')?.message).toMatch(/^home a → b: on a nothing is kept: its namespace, volumes and data would be deleted\./);
    expect(flags.find((f) => f.kind === 'tenant-removed')).toMatchObject({ group: 't@a', blocking: true });
  });
});

describe('commands on the fleet fixture', () => {
  it('synth, check, capacity (fleet summary, --cluster), access (per cluster), can-i (the namespace\'s cluster)', () => {
    const repo = fixtureRepo('fleet');
    repos.push(repo);
    const synth = runScript(repo, 'main.ts');
    expect(synth.code, synth.stderr).toBe(0);
    expect(fs.existsSync(path.join(repo, 'dist/clusters/pci-eu/tenants/payments-pci/Profile.payments-pci.yaml'))).toBe(true);
    expect(fs.existsSync(path.join(repo, 'dist/tenants'))).toBe(false);
    expect(runScript(repo, 'scripts/check.ts').code).toBe(0);
    fs.rmSync(path.join(repo, 'dist/clusters/gpu-west/tenants/vision/LimitRange.tenant-limits.yaml'));
    const stale = runScript(repo, 'scripts/check.ts');
    expect(stale.code).toBe(1);
    expect(stale.stdout + stale.stderr).toContain('clusters/gpu-west/tenants/vision/LimitRange.tenant-limits.yaml');

    const cap = runScript(repo, 'scripts/capacity.ts');
    expect(cap.code, cap.stderr).toBe(0);
    // fraud-training's burst guest (16 A100s) is guaranteed on gpu-west too (docs/fleet.md "Bursting with MultiKueue").
    expect(cap.stdout).toMatch(/^gpu-west +us-west-2 +a100-80gb +nvidia\.com\/gpu +- +64 +40 +24 +62\.5 %$/m);
    expect(cap.stdout).toMatch(/^gpu-east +us-east-1 +cpu +cpu +contended-borrowing +256 +48 +208 +18\.8 %$/m);
    expect(cap.stdout).toMatch(/^pci-eu +eu-west-1 +cpu +cpu +- +64 +16 +48 +25 %$/m);
    expect(cap.stdout).toContain('== cluster gpu-east (us-east-1) ==');
    const one = runScript(repo, 'scripts/capacity.ts', '--cluster', 'pci-eu', '--format', 'json');
    expect(JSON.parse(one.stdout)).toEqual(JSON.parse(fs.readFileSync(path.join(repo, 'dist/clusters/pci-eu/platform/kueue/capacity.json'), 'utf8')));
    const fleetJson = runScript(repo, 'scripts/capacity.ts', '--format', 'json');
    expect(JSON.parse(fleetJson.stdout)).toEqual(JSON.parse(fs.readFileSync(path.join(repo, 'dist/platform/fleet/capacity.json'), 'utf8')));
    const bad = runScript(repo, 'scripts/capacity.ts', '--cluster', 'nope');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--cluster: Not found: "nope": no cluster of that name in platform.ts fleet.clusters; clusters: gpu-east, gpu-west, pci-eu');

    const access = runScript(repo, 'scripts/access.ts', '--json');
    expect(access.code, access.stderr).toBe(0);
    const report = JSON.parse(access.stdout) as { clusters: { name: string; namespaces: { namespace: string }[] }[] };
    expect(report.clusters.map((c) => [c.name, c.namespaces.map((n) => n.namespace)])).toEqual([
      ['gpu-east', ['fraud-training', 'nlp-research']],
      // fraud-training's burst guest on gpu-west: its owner has access there (docs/fleet.md "Bursting with MultiKueue").
      ['gpu-west', ['fraud-training', 'vision']],
      ['pci-eu', ['payments-pci']],
    ]);

    expect(runScript(repo, 'scripts/can-i.ts', 'get', 'pods', '-n', 'vision', '--as', 'carol@example.com').stdout.trim()).toBe('yes');
    // carol is vision's contributor on gpu-west; on gpu-east there is no namespace vision of hers.
    expect(runScript(repo, 'scripts/can-i.ts', 'get', 'pods', '-n', 'vision', '--as', 'carol@example.com', '--cluster', 'gpu-east').stdout.trim()).toBe('no');
    const unknown = runScript(repo, 'scripts/can-i.ts', 'get', 'pods', '-n', 'kube-system', '--as', 'carol@example.com');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('namespace "kube-system" is no tenant\'s home, so its cluster is unknown; pass --cluster <name> (clusters: gpu-east, gpu-west, pci-eu)');

    // The removal guard names the tenant's folder in the fleet layout.
    expect(runScript(repo, 'main.ts').code).toBe(0);
    fs.rmSync(path.join(repo, 'tenants/vision.ts'));
    const removed = runScript(repo, 'main.ts');
    expect(removed.code).toBe(1);
    expect(removed.stderr).toContain('tenants/vision.ts: (file): Required value: tenant "vision" is deployed (dist/clusters/gpu-west/tenants/vision/ exists) but no tenant file declares it any more');
  }, 180_000);
});

describe('schema validation of a fleet', () => {
  it("every object of every cluster of the fleet fixture is valid", async () => {
    const { platform, entries } = await fixtureInputs('fleet');
    const result = synthesize(entries, platform);
    const manifests = manifestsOf(result.files);
    expect(manifests.length).toBe(result.objects.length);
    expect(manifests.length).toBeGreaterThan(50);
    expect(manifests.flatMap(({ file, manifest }) => validateManifest(manifest).map((e) => `${file}: ${e}`))).toEqual([]);
  });
});

describe('fleetPlan invariants (property)', () => {
  it('every tenant has exactly one full bundle, on its home; a copy only where it migrates from; guests only on its burst workers', () => {
    const names = ['a', 'b', 'c'];
    // Kueue capacity everywhere: a burst needs it on its home and its workers (lib/burst.ts).
    const p = definePlatform({ kueue: { flavors: { cpu: { resources: { cpu: '1000', memory: '4Ti' } } } }, fleet: { clusters: names.map((n) => ({ name: n, destination: { name: n }, region: 'r' })), placement: { default: 'a' } } });
    const placement = fc.record(
      { cluster: fc.option(fc.constantFrom(...names), { nil: undefined }), migratingFrom: fc.option(fc.constantFrom(...names), { nil: undefined }), burst: fc.option(fc.subarray(names, { minLength: 1 }), { nil: undefined }) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(placement, { maxLength: 6 }), (places) => {
        const specs = places.map((pl, i): TenantSpec => {
          const home = pl.cluster ?? 'a';
          // Never to the cluster it moves away from: a guest there would be a second bundle of its namespace.
          const burst = pl.burst?.filter((c) => c !== home && c !== pl.migratingFrom);
          return validSpec({
            name: `t${i}`,
            labels: internal,
            placement: {
              ...(pl.cluster ? { cluster: pl.cluster } : {}),
              ...(pl.migratingFrom && pl.migratingFrom !== home ? { migratingFrom: pl.migratingFrom } : {}),
              ...(burst && burst.length > 0 ? { burst: { clusters: burst, flavors: { cpu: { cpu: { nominal: '1' }, memory: { nominal: '1Gi' } } } } } : {}),
            },
          });
        });
        expect(validateTenants(specs.map((s) => entry(s)), p)).toEqual([]);
        const plan = fleetPlan(specs, p);
        for (const s of specs) {
          const home = s.placement?.cluster ?? 'a';
          expect(plan.homeOf.get(s.name)).toBe(home);
          const full = plan.clusters.filter((c) => c.tenants.some((t) => t.name === s.name && t.decommissioned !== true)).map((c) => c.name);
          expect(full).toEqual([home]);
          const copies = plan.clusters.filter((c) => c.tenants.some((t) => t.name === s.name && t.decommissioned === true)).map((c) => c.name);
          expect(copies).toEqual(s.placement?.migratingFrom ? [s.placement.migratingFrom] : []);
          const guestOn = plan.clusters.filter((c) => c.burst.guests.some((g) => g.tenant.name === s.name)).map((c) => c.name);
          expect(guestOn).toEqual([...(s.placement?.burst?.clusters ?? [])].sort());
          const sourceOn = plan.clusters.filter((c) => c.burst.sources.some((x) => x.tenant === s.name)).map((c) => c.name);
          expect(sourceOn).toEqual(s.placement?.burst ? [home] : []);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('fleet capacity summary (lib/capacity/fleet.ts)', () => {
  it('one Markdown row per cluster, flavor and resource; a cluster without capacity says so', async () => {
    const { renderFleetSummaryMarkdown } = await import('../lib/capacity/render');
    const repo = fixtureRepo('fleet');
    repos.push(repo);
    const { result } = await synthFixture(repo);
    const md = renderFleetSummaryMarkdown({ clusters: [...result.clusters!.map((c) => ({ name: c.name, region: c.region, report: c.capacity })), { name: 'empty', region: 'x', report: { cells: [] } }] });
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| cluster') && !l.startsWith('| ---'));
    expect(rows).toContain('| pci-eu | eu-west-1 | cpu | memory | - | 256Gi | 64Gi | 192Gi | 25 % |');
    expect(rows).toContain('| empty | x | - | - | no Kueue capacity | - | - | - | - |');
    expect(rows).toHaveLength(9);
  });
});
