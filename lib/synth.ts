/**
 * The synth stages: load tenant files, validate them all, resolve the model (lib/model/), render
 * the bundles (lib/constructs/), serialize one YAML file per object, and write `dist/` atomically.
 * lib/pipeline/repo.ts `synthRepo` runs them in order for every command. Pure stages (`synthesize`) are separate from
 * file-system stages (`loadTenants`, `writeDist`) so tests, `check` and `diff` reuse them.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Chart } from 'cdk8s';
import { ApiObject, App } from 'cdk8s';
import { toYamlDocument } from './yaml';
import type { Deprecation, DeprecationWarning } from './deprecations';
import { atOldSpelling, DEPRECATIONS, migrateEntries, todayUtc } from './deprecations';
import { capacityFile, capacityReport, CAPACITY_FILE } from './capacity/build';
import type { CapacityReport } from './capacity/types';
import { ClusterBundle } from './constructs/cluster-bundle';
import { ARGOCD_DIR, FleetDelivery } from './constructs/fleet-delivery';
import { fleetDeliveryProps } from './pipeline/fleet-delivery';
import { FLEET_PLATFORM_DIR, fleetPlatformReadme, ORG_WIDE_COMPONENTS, PLATFORM_DIR } from './constructs/platform-files';
import type { ClusterPlan, FleetPlan } from './model/fleet';
import { fleetPlan } from './model/fleet';
import { TenantBundle } from './constructs/tenant-bundle';
import { apiGroupOf } from './model/catalogue';
import type { OrgModel } from './model/tenant';
import { orgModel } from './model/tenant';
import type { GroupEntry } from './groups';
import { checkGroups, groupsByName } from './groups';
import type { PlatformSettings } from './platform';
import { validateTenants } from './tenant';
import { auditPolicyProblems } from './audit';
import { PLATFORM_FILE } from './platform';
import type { DeployedNames, TenantEntry } from './validation';
import { FieldError, sortErrors, ValidationError } from './validation';

/** A Kubernetes object as written to `dist/`. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly [field: string]: unknown;
}

/** What one synth produces: file contents by path relative to `dist/`, and the objects. */
export interface SynthResult {
  /** Sorted by path. */
  readonly files: ReadonlyMap<string, string>;
  /** Every object with the path of the file it is written to. */
  readonly objects: readonly { readonly file: string; readonly manifest: Manifest }[];
  readonly tenants: number;
  /** Old spellings rewritten before validation (lib/deprecations.ts); they never change `files`. */
  readonly warnings: readonly DeprecationWarning[];
  /** The capacity report (lib/capacity/build.ts); no cells without Kueue capacity. In a fleet: no cells, see `clusters`. */
  readonly capacity: CapacityReport;
  /**
   * In a fleet (platform.ts `fleet.clusters`), each cluster's share, sorted by name; undefined for
   * one cluster. Its capacity report is written to `clusters/<name>/platform/kueue/capacity.json`.
   */
  readonly clusters?: readonly ClusterResult[];
}

/** One cluster's part of a fleet synth. */
export interface ClusterResult {
  readonly name: string;
  readonly region: string;
  /** Folder inside `dist/`: `clusters/<name>`. */
  readonly dir: string;
  /** Tenants homed here, sorted (not the decommissioned copies of tenants moving away, nor burst guests). */
  readonly tenants: readonly string[];
  /** Tenants with a bundle here: home tenants and the decommissioned copies of tenants moving away, sorted. */
  readonly bundles: readonly string[];
  readonly capacity: CapacityReport;
}

/** Injectable for tests: the deprecation table and the clock its removal dates are compared with. */
export interface SynthOptions {
  /** @default DEPRECATIONS */
  readonly deprecations?: readonly Deprecation[];
  /** `YYYY-MM-DD`: the clock of deprecation removal dates and reviewed-exception expiry. @default today (UTC) */
  readonly today?: string;
  /**
   * Deployed tenants and the files declaring them (lib/deployed.ts `declaringFiles`): decides only
   * which file a clash between tenants is reported on. @default none deployed
   */
  readonly deployed?: DeployedNames;
  /**
   * Errors of loading the same repository (lib/load.ts, the removal guard): thrown together with
   * the validation errors, so one run reports everything. @default none
   */
  readonly loadErrors?: readonly FieldError[];
  /** The declared groups (`groups/*.ts`, lib/load.ts `loadGroups`), checked with the tenants. @default none */
  readonly groups?: readonly GroupEntry[];
}

/** Folder of one tenant's bundle inside `dist/`; Argo CD's generator globs `tenants/*`. */
export const tenantDir = (name: string): string => `tenants/${name}`;
/** Folder of cluster-level objects inside `dist/`. */
export const CLUSTER_DIR = 'cluster';

/** File name of one object: `<Kind>.<name>.yaml` (unique per folder: one namespace per folder). */
export function manifestFileName(m: Manifest): string {
  return `${m.kind}.${m.metadata.name}.yaml`;
}

export function toYaml(m: unknown): string {
  return toYamlDocument(m);
}

/**
 * Validates every declaration and, if all are valid, renders them. Throws ValidationError with
 * every error otherwise. Deterministic: tenants are rendered in name order, whatever the input order.
 */
export function synthesize(declared: readonly TenantEntry[], platform: PlatformSettings, options: SynthOptions = {}): SynthResult {
  const { entries, warnings, errors } = checkDeclarations(declared, platform, options);
  if (errors.length > 0) throw new ValidationError(errors);
  const specs = entries.map((e) => e.spec);
  const groups = groupsByName(options.groups ?? []);
  const plan = fleetPlan(specs, platform);
  if (!plan.fleet) {
    const model = orgModel(specs, platform, groups);
    const auditErrors = auditPolicyErrors(model);
    if (auditErrors.length > 0) throw new ValidationError(auditErrors);
    return { ...render(model), tenants: model.tenants.length, warnings };
  }
  // A fleet: one org model per cluster, with that cluster's settings, rendered under its folder.
  const models = plan.clusters.map((c) => ({ plan: c, model: orgModel(c.tenants, c.platform, groups, c.burst) }));
  const auditErrors = models.flatMap(({ plan: c, model }) => auditPolicyErrors(model).map((e) => new FieldError(e.file, `fleet.clusters[${platform.fleet.clusters.indexOf(c.spec!)}].platform.${e.path}`, e.type, e.value, e.detail)));
  if (auditErrors.length > 0) throw new ValidationError(auditErrors);
  return { ...renderFleet(models, plan, platform), tenants: specs.length, warnings };
}

/**
 * The audit policy's invariants, checked on the generated rules themselves (lib/audit.ts
 * `auditPolicyProblems`): reported against platform.ts `audit`, whose settings produced them.
 */
export function auditPolicyErrors(model: OrgModel): FieldError[] {
  if (!model.platform.audit.enabled) return [];
  return auditPolicyProblems(model.audit.rules, model.audit.tenants.map((t) => t.name)).map((why) => new FieldError(PLATFORM_FILE, 'audit', 'Invalid value', '(generated audit policy)', why));
}

/**
 * Synth's checks without rendering: deprecated spellings rewritten (with their warnings), every
 * declaration validated, and the errors reported together with `options.loadErrors`, sorted by file.
 */
export function checkDeclarations(
  declared: readonly TenantEntry[],
  platform: PlatformSettings,
  options: SynthOptions = {},
): { entries: TenantEntry[]; warnings: DeprecationWarning[]; errors: FieldError[] } {
  const today = options.today ?? todayUtc();
  const { entries, warnings, errors: renamed, moved } = migrateEntries(declared, options.deprecations ?? DEPRECATIONS, today);
  const groups = options.groups ?? [];
  const invalid = [...checkGroups(groups, platform), ...atOldSpelling(validateTenants(entries, platform, options.deployed, today, groupsByName(groups)), moved)];
  // Errors found while loading the same repository are reported together with these; validation
  // errors under a field the loader already refused would only repeat it (lib/load.ts).
  const loadErrors = options.loadErrors ?? [];
  const found = renamed.length > 0 ? [...renamed, ...invalid] : invalid;
  const errors = loadErrors.length > 0 || renamed.length > 0 || groups.length > 0 ? sortErrors([...loadErrors, ...withoutRepeats(loadErrors, found)]) : invalid;
  return { entries, warnings, errors };
}

/**
 * Renders the resolved model: one TenantBundle per tenant into `tenants/<name>/`, the
 * ClusterBundle into `cluster/`, and the cluster bundle's platform files; and the capacity report,
 * computed once for `capacity.json` and the result.
 */
export function render(model: OrgModel, opts: RenderOptions = {}): Pick<SynthResult, 'files' | 'objects' | 'capacity'> {
  const { platform } = model;
  const dir = opts.dir ?? '';
  const under = (f: string): string => (dir ? `${dir}/${f}` : f);
  const allowed = new Set(model.namespacedKinds.map((k) => `${k.group}/${k.kind}`));
  const objects: { file: string; manifest: Manifest }[] = [];
  for (const tenant of model.tenants) {
    // One App per tenant: Chart.toJson() resolves and validates its whole App, so a shared App
    // would make synth quadratic in the number of tenants. Bundles never reference each other.
    const chart = new TenantBundle(new App({ outdir: 'cdk8s.out' }), { tenant, platform });
    const tdir = under(tenantDir(tenant.name));
    for (const m of renderChart(chart)) {
      // The AppProjects allow the catalogue's kinds only: Argo CD would refuse any other.
      if (m.metadata.namespace !== undefined && !allowed.has(`${apiGroupOf(m.apiVersion)}/${m.kind}`)) {
        throw new Error(`${m.apiVersion} ${m.kind} is emitted into tenant namespaces but missing from TENANT_NAMESPACED_KINDS (lib/model/catalogue.ts); add it there`);
      }
      objects.push({ file: `${tdir}/${manifestFileName(m)}`, manifest: m });
    }
  }
  const cluster = new ClusterBundle(new App({ outdir: 'cdk8s.out' }), { model, argocd: !dir });
  for (const m of renderChart(cluster)) objects.push({ file: `${under(CLUSTER_DIR)}/${manifestFileName(m)}`, manifest: m });
  objects.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const files = new Map<string, string>();
  for (const o of objects) {
    if (files.has(o.file)) throw new Error(`two objects map to ${o.file}; object names must be unique per kind and namespace`);
    files.set(o.file, toYaml(o.manifest));
  }
  // In a fleet, the org's per-tenant policies go to the org's platform/ once; the rest is the cluster's.
  for (const [f, content] of cluster.platformFiles) files.set(ORG_WIDE_COMPONENTS.has(f.split('/')[1]!) ? f : under(f), content);
  // The capacity report's data, for the review diff of the next change (lib/capacity/build.ts).
  const capacity = capacityReport(model);
  if (model.kueue) files.set(under(CAPACITY_FILE), capacityFile(capacity));
  const sorted = new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { files: sorted, objects, capacity };
}

/** Options of {@link render}. */
export interface RenderOptions {
  /**
   * The cluster's folder in a fleet (`clusters/<name>`): bundles, cluster objects and the cluster's
   * platform files go under it, without Argo CD objects; Vault and S3 policies stay in `platform/`.
   * @default '' (one cluster: today's layout)
   */
  readonly dir?: string;
}

/** Where the fleet's capacity report is written (`npm run capacity` reads the same data). */
export const FLEET_CAPACITY_FILE = `${FLEET_PLATFORM_DIR}/capacity.json`;

/** The fleet capacity file: each cluster's report, by cluster name. */
export interface FleetCapacity {
  readonly clusters: readonly { readonly name: string; readonly region: string; readonly report: CapacityReport }[];
}

/**
 * Renders each cluster's model under `clusters/<name>/` and merges them: the org-wide platform
 * files (Vault and S3 policies, written from the tenant's home cluster), the fleet README and the
 * fleet capacity report once in `platform/`; and Argo CD's objects into `argocd/`
 * (lib/constructs/fleet-delivery.ts, props from lib/pipeline/fleet-delivery.ts).
 */
function renderFleet(
  models: readonly { plan: ClusterPlan; model: OrgModel }[],
  plan: FleetPlan,
  platform: PlatformSettings,
): Pick<SynthResult, 'files' | 'objects' | 'capacity' | 'clusters'> {
  const files = new Map<string, string>();
  const objects: { file: string; manifest: Manifest }[] = [];
  const clusters: ClusterResult[] = [];
  for (const { plan: c, model } of models) {
    const out = render(model, { dir: c.dir });
    for (const [f, content] of out.files) {
      // Org-wide files of a tenant come from its home only (a copy moving away has no credentials, so none).
      if (files.has(f) && files.get(f) !== content) throw new Error(`two clusters write ${f} differently; org-wide platform files must be the same from every cluster`);
      files.set(f, content);
    }
    objects.push(...out.objects);
    const home = c.tenants.filter((t) => plan.homeOf.get(t.name) === c.name).map((t) => t.name);
    clusters.push({ name: c.name, region: c.spec!.region, dir: c.dir, tenants: home, bundles: model.names, capacity: out.capacity });
  }
  const delivery = new FleetDelivery(new App({ outdir: 'cdk8s.out' }), fleetDeliveryProps(plan, platform, new Map(models.map(({ plan: c, model }) => [c.name, model]))));
  for (const m of renderChart(delivery)) {
    const file = `${ARGOCD_DIR}/${manifestFileName(m)}`;
    if (files.has(file)) throw new Error(`two objects map to ${file}; object names must be unique per kind and namespace`);
    objects.push({ file, manifest: m });
    files.set(file, toYaml(m));
  }
  files.set(`${PLATFORM_DIR}/README.md`, fleetPlatformReadme(clusters.map((c) => c.name)));
  const fleetCapacity: FleetCapacity = { clusters: clusters.map((c) => ({ name: c.name, region: c.region, report: c.capacity })) };
  files.set(FLEET_CAPACITY_FILE, `${JSON.stringify(fleetCapacity, null, 2)}\n`);
  objects.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const sorted = new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { files: sorted, objects, capacity: { cells: [] }, clusters };
}

/**
 * The chart's objects as JSON. Equivalent to `Chart.toJson()` for charts without construct
 * dependencies or validations (ours have neither), minus its per-call dependency-graph and
 * app-wide validation passes, which dominate synth time at thousands of tenants.
 */
function renderChart(chart: Chart): Manifest[] {
  return chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map((o) => o.toJson() as Manifest);
}

// Loading lives in lib/load.ts; re-exported here, where callers have always imported it from.
export { loadGroups, loadPlatform, loadTenants, tenantFiles } from './load';
import { withoutRepeats } from './load';

/**
 * Replaces `outDir` with exactly `files`, atomically for readers: everything is written to a
 * sibling temporary folder first, so a failure at any point leaves the previous `outDir` intact.
 */
export function writeDist(outDir: string, files: ReadonlyMap<string, string>): void {
  const abs = path.resolve(outDir);
  // The common re-synth changes nothing: then dist/ is left alone (no folder to rebuild, no links).
  if (sameTree(abs, files)) return;
  const parent = path.dirname(abs);
  // Without a current dist/ there is nothing to link from: skip 19,000 failing stat calls.
  const hadDist = fs.existsSync(abs);
  const tmp = path.join(parent, `.dist-tmp-${process.pid}-${Date.now()}`);
  const old = path.join(parent, `.dist-old-${process.pid}-${Date.now()}`);
  try {
    const dirs = new Set<string>();
    for (const rel of files.keys()) dirs.add(path.dirname(path.join(tmp, rel)));
    for (const d of [...dirs].sort()) fs.mkdirSync(d, { recursive: true });
    fs.mkdirSync(tmp, { recursive: true });
    for (const [rel, content] of files) {
      const target = path.join(tmp, rel);
      // An unchanged file is hard-linked from the current dist/ instead of rewritten: far less I/O
      // on a re-synth, and deleting the replaced tree then frees (and discards) only what changed.
      if (!hadDist || !linkIfUnchanged(path.join(abs, rel), target, content)) fs.writeFileSync(target, content);
    }
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  const hadOld = fs.existsSync(abs);
  if (hadOld) fs.renameSync(abs, old);
  try {
    fs.renameSync(tmp, abs);
  } catch (err) {
    if (hadOld) fs.renameSync(old, abs);
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  if (hadOld) removeInBackground(old);
}

/** Whether `dir` holds exactly `files` (same paths, same contents), and nothing else. */
function sameTree(dir: string, files: ReadonlyMap<string, string>): boolean {
  let count = 0;
  try {
    for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (e.isDirectory()) continue;
      if (!e.isFile()) return false;
      count++;
    }
    if (count !== files.size) return false;
    for (const [rel, content] of files) if (fs.readFileSync(path.join(dir, rel), 'utf8') !== content) return false;
    return true;
  } catch {
    return false; // no dist/ yet, or a file is missing
  }
}

function linkIfUnchanged(existing: string, target: string, content: string): boolean {
  try {
    const st = fs.statSync(existing);
    if (!st.isFile() || st.size !== Buffer.byteLength(content) || fs.readFileSync(existing, 'utf8') !== content) return false;
    fs.linkSync(existing, target);
    return true;
  } catch {
    return false; // no such file, or links unsupported here: write it
  }
}

/**
 * Deletes a replaced tree without making the caller wait: unlinking thousands of files costs
 * more than writing them on some file systems (ext4 with `discard`). The tree is already out of
 * the way (renamed), so nothing observes it; if no child process can be started, delete inline.
 */
function removeInBackground(dir: string): void {
  try {
    const child = spawn('rm', ['-rf', dir], { detached: true, stdio: 'ignore' });
    child.on('error', () => fs.rmSync(dir, { recursive: true, force: true }));
    child.unref();
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads every file under `dir` into a map keyed by relative path (POSIX separators), sorted. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!fs.existsSync(dir)) return out;
  const walk = (d: string): void => {
    for (const ent of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, ent.name);
      if (ent.isDirectory()) walk(p);
      else out.set(path.relative(dir, p).split(path.sep).join('/'), fs.readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
