/**
 * The fleet core (issue 14, docs/fleet.md): platform.ts `fleet` checks, per-cluster settings,
 * tenant `placement` checks (exact messages), the fleet plan, per-cluster synth, the move rule
 * over the deployed layout, and the commands on the fleet fixture.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deployedBundles, readDeployed } from '../lib/deployed';
import { fleetPlan, migratingAwayCopy } from '../lib/model/fleet';
import { BURST_GUEST_ANNOTATION } from '../lib/model/names';
import { DECOMMISSIONED_ANNOTATION } from '../lib/model/decommission';
import { clusterPlatform, definePlatform, DEFAULT_PLATFORM } from '../lib/platform';
import { validateTenants } from '../lib/tenant';
import type { TenantSpec } from '../lib/tenant';
import { FIXTURES, fixtureInputs, fixtureRepo, git, removeRepo, runScript, synthAndCommit, synthFixture } from './fixture-repo';
import { entry, platformErrors, validSpec } from './support/fixtures';

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
    ['migratingFrom an unknown cluster', { labels: internal, placement: { cluster: 'east', migratingFrom: 'old' } }, ['tenants/fraud.ts: placement.migratingFrom: Not found: "old": no cluster of that name in platform.ts fleet.clusters; clusters: east, pci']],
  ];
  it.each(cases)('%s', (_name, overrides, expected) => {
    expect(errorsOf(validSpec(overrides))).toEqual(expected);
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
    // Argo CD's objects go to dist/argocd/ (lib/constructs/fleet-delivery.ts), never under a cluster.
    expect(files.filter((f) => !f.startsWith('clusters/') && !f.startsWith('argocd/'))).toEqual(['platform/README.md', 'platform/fleet/capacity.json']);
    expect(files.filter((f) => /\/tenants\/[^/]+\/Profile\./.test(f))).toEqual([
      'clusters/gpu-east/tenants/fraud-training/Profile.fraud-training.yaml',
      'clusters/gpu-east/tenants/nlp-research/Profile.nlp-research.yaml',
      // fraud-training's burst guest bundle on its worker (docs/fleet.md "Bursting with MultiKueue").
      'clusters/gpu-west/tenants/fraud-training/Profile.fraud-training.yaml',
      'clusters/gpu-west/tenants/vision/Profile.vision.yaml',
      'clusters/pci-eu/tenants/payments-pci/Profile.payments-pci.yaml',
    ]);
    expect(result.objects.filter((o) => o.manifest.apiVersion.startsWith('argoproj.io/') && !o.file.startsWith('argocd/')).map((o) => o.file)).toEqual([]);
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

  it("capacity is checked per cluster with that cluster's capacity", async () => {
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
    // fraud-training's bundle on gpu-west is its burst guest, not a home.
    expect(deployed.bundles!.filter((b) => b.guestOf !== undefined).map((b) => `${b.cluster}/${b.tenant}`)).toEqual(['gpu-west/fraud-training']);

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
  it('a tenant starting and stopping to burst to a cluster (its guest bundle)', async () => {
    const { diffTrees } = await import('../lib/diff');
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

  it('a move without a decommissioned copy says nothing is kept', async () => {
    const { diffTrees } = await import('../lib/diff');
    const flags = diffTrees(new Map([['clusters/a/tenants/t/Profile.t.yaml', profile('t')]]), new Map([['clusters/b/tenants/t/Profile.t.yaml', profile('t')]])).flags;
    expect(flags.find((f) => f.kind === 'tenant-moves-cluster')?.message).toMatch(/^home a → b: on a nothing is kept: its namespace, volumes and data would be deleted\./);
    expect(flags.find((f) => f.kind === 'tenant-removed')).toMatchObject({ group: 't@a', blocking: true });
  });
});
