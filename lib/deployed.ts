/**
 * What is deployed: the tenants in `dist/` at the merge base with the default branch (the base
 * `npm run diff` compares with, lib/git.ts `defaultBase`), or in the working tree's `dist/` when
 * there is no Git history to ask (no repository, no main branch). Synth, check and diff compute it
 * once with {@link readDeployed} and pass it to the removal guard ({@link checkRemovedTenants},
 * below) and to validation ({@link declaringFiles} -> lib/validation.ts
 * `checkTenantSet`), so an error lands on the file that caused it and never asks a team to rename
 * a deployed tenant.
 *
 * Why the merge base and not the working tree's `dist/`: a branch's own synth writes its new
 * tenants into `dist/`, which would make them look deployed to the next synth of the same branch.
 *
 * The removal guard ({@link checkRemovedTenants}) lives here too, with what it reads: deleting a
 * Profile deletes its namespace and every notebook, volume and model in it, so synth refuses to
 * drop a deployed tenant whose Profile is not marked decommissioned.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { defaultBase, git, isCommit } from './git';
import type { PlatformSettings } from './declarations/platform';
import { isFleet, resolveHome } from './fleet';
import { DECOMMISSIONED_ANNOTATION } from './model/decommission';
import { BURST_GUEST_ANNOTATION } from './model/names';
import { PLATFORM_FILE } from './platform';
import type { DeployedNames, TenantEntry } from './validation';
import { FieldError, isPlainObject } from './validation';

/** The deployed state a command validates against. */
export interface Deployed {
  /** Deployed tenants by name, with whether each was decommissioned (burst guests left out). */
  readonly tenants: ReadonlyMap<string, DeployedTenant>;
  /**
   * Every deployed bundle, over the whole layout (`tenants/*` and `clusters/<c>/tenants/*`), with
   * its cluster and whether it is a burst guest; sorted by tenant, then cluster.
   * @default derived from `tenants` (one cluster)
   */
  readonly bundles?: readonly DeployedBundle[];
  /**
   * Tenant files (`tenants/x.ts`) that existed at the base commit, to tell which of two files
   * declaring one deployed name is the old one. @default undefined: not known (read from the working tree)
   */
  readonly files?: ReadonlySet<string>;
  /** Where it was read, for messages: `merge base (1a2b3c4)`, `main (1a2b3c4)` or `dist/ (working tree)`. */
  readonly source: string;
  /**
   * Tenants deployed and not decommissioned at the base whose Profile in the working tree's
   * `dist/` is decommissioned: step 1 of their removal is on this branch, not merged yet.
   * @default none (always none when read from the working tree)
   */
  readonly unmergedDecommissions?: ReadonlySet<string>;
}

/** Options of {@link readDeployed}. */
export interface ReadDeployedOptions {
  /** The `dist/` folder; its path inside the repository is also the one read at the base commit. @default `<root>/dist` */
  readonly distDir?: string;
  /** The base commit. @default the merge base of HEAD with main (lib/git.ts `defaultBase`) */
  readonly base?: string;
}

/**
 * The deployed tenants of the repository at `root`: from Git at `opts.base` (default: the merge
 * base with main), or from the working tree's `dist/` when `root` is not in a Git repository,
 * there is no main branch, or `distDir` is outside the repository. An explicit `base` that is not
 * a commit is an error (lib/git.ts says how to fix it).
 */
export function readDeployed(root: string, opts: ReadDeployedOptions = {}): Deployed {
  const distDir = path.resolve(root, opts.distDir ?? 'dist');
  const fallback = (): Deployed => {
    const bundles = readDeployedBundles(distDir);
    return { tenants: tenantsOfBundles(bundles), bundles, source: `${path.relative(process.cwd(), distDir) || '.'}/ (working tree)` };
  };
  const rel = path.relative(root, distDir).split(path.sep).join('/');
  if (rel.startsWith('..') || path.isAbsolute(rel)) return fallback();
  const prefix = repoPrefix(root);
  if (prefix === undefined) return fallback();
  if (opts.base !== undefined) return deployedAtCommit(root, opts.base, `${prefix}${rel}`, prefix);
  let base: string;
  try {
    base = defaultBase(root);
  } catch {
    return fallback(); // no main branch (or no commit yet): nothing merged to compare with
  }
  const at = deployedAtCommit(root, base, `${prefix}${rel}`, prefix);
  const here = readDeployedTenants(distDir);
  const unmerged = [...at.tenants.values()].filter((t) => !t.decommissioned && here.get(t.name)?.decommissioned === true).map((t) => t.name);
  return { ...at, source: `merge base ${at.source.slice(base.length + 1)}`, unmergedDecommissions: new Set(unmerged) };
}

/** `root`'s path inside its Git repository (`""` at the top, `sub/dir/` below), or undefined outside Git. */
function repoPrefix(root: string): string | undefined {
  const r = spawnSync('git', ['rev-parse', '--show-prefix'], { cwd: root, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * The deployed tenants at commit `ref`: the bundle folders of `<distPath>/tenants/` and
 * `<distPath>/clusters/<c>/tenants/` and their Profiles (only those are read: one `ls-tree` and one
 * `cat-file --batch`, whatever the size of `dist/`), and the tenant files under `<rootPrefix>tenants/`.
 */
export function deployedAtCommit(root: string, ref: string, distPath: string, rootPrefix = ''): Deployed {
  if (!isCommit(root, ref)) throw new Error(`"${ref}" is not a commit in ${root}; pass --base <git ref> (a branch, tag or commit)`);
  const dist = `${distPath.replace(/\/+$/, '')}/`;
  // Only trees are listed (one ls-tree): the bundle folders of both layouts, whatever the size of dist/.
  const bundleDirs: string[] = [];
  for (const rec of git(root, ['ls-tree', '-r', '-d', '-z', '--full-tree', ref, '--', `${dist}tenants/`, `${dist}clusters/`]).toString('utf8').split('\0')) {
    const tab = rec.indexOf('\t');
    if (tab < 0 || rec.slice(0, tab).split(' ')[1] !== 'tree') continue;
    const rel = rec.slice(tab + 1).slice(dist.length);
    if (BUNDLE_DIR.test(rel)) bundleDirs.push(rel);
  }
  const files = new Map<string, string>();
  if (bundleDirs.length > 0) {
    const profileOf = (dir: string): string => `${dir}/Profile.${dir.slice(dir.lastIndexOf('/') + 1)}.yaml`;
    const request = bundleDirs.map((d) => `${ref}:${dist}${profileOf(d)}\n`).join('');
    const out = git(root, ['cat-file', '--batch'], Buffer.from(request));
    // Per request: "<sha> blob <size>\n<content>\n", or "<request> missing\n".
    let pos = 0;
    for (const d of bundleDirs) {
      const nl = out.indexOf(10, pos);
      const header = out.subarray(pos, nl).toString();
      let content = '';
      if (header.endsWith(' missing')) {
        pos = nl + 1;
      } else {
        const size = Number(header.split(' ')[2]);
        if (!Number.isFinite(size)) throw new Error(`git cat-file: unexpected header "${header}"`);
        content = out.subarray(nl + 1, nl + 1 + size).toString('utf8');
        pos = nl + 1 + size + 1;
      }
      files.set(profileOf(d), content);
    }
  }
  const tenantFiles = new Set<string>();
  const listing = git(root, ['ls-tree', '-z', '--name-only', '--full-tree', ref, '--', `${rootPrefix}tenants/`]).toString('utf8');
  for (const p of listing.split('\0')) if (p) tenantFiles.add(p.slice(rootPrefix.length));
  const short = git(root, ['rev-parse', '--short', `${ref}^{commit}`]).toString().trim();
  const bundles = deployedBundles(files);
  return { tenants: tenantsOfBundles(bundles), bundles, files: tenantFiles, source: `${ref} (${short})` };
}

/**
 * For each deployed tenant, the file that declares it now: the only file declaring its name; of
 * several, the one that existed at the base commit, else the one named `tenants/<name>.ts`;
 * undefined when no file declares it or it cannot be told.
 */
export function declaringFiles(deployed: Deployed, entries: readonly TenantEntry[]): DeployedNames {
  const byName = new Map<string, string[]>();
  for (const e of entries) {
    const name = (e.spec as { name?: unknown } | undefined)?.name;
    if (typeof name !== 'string' || !deployed.tenants.has(name)) continue;
    byName.set(name, [...(byName.get(name) ?? []), e.file]);
  }
  const out = new Map<string, string | undefined>();
  for (const name of deployed.tenants.keys()) {
    const files = byName.get(name) ?? [];
    const old = deployed.files ? files.filter((f) => deployed.files!.has(f)) : [];
    const conventional = files.filter((f) => f === `tenants/${name}.ts`);
    out.set(name, files.length === 1 ? files[0] : old.length === 1 ? old[0] : conventional.length === 1 ? conventional[0] : undefined);
  }
  return out;
}

/** A tenant found in an existing `dist/`: whether its Profile was marked decommissioned. */
export interface DeployedTenant {
  readonly name: string;
  /** In a fleet layout: whether every home bundle (guests aside) is decommissioned. */
  readonly decommissioned: boolean;
}

/** One deployed bundle folder: `tenants/<t>/`, or `clusters/<c>/tenants/<t>/` in a fleet. */
export interface DeployedBundle {
  readonly tenant: string;
  /** Its cluster; undefined in the single-cluster layout (`tenants/<t>/`). */
  readonly cluster: string | undefined;
  readonly decommissioned: boolean;
  /** For a burst guest bundle (Profile annotated `BURST_GUEST_ANNOTATION`), the tenant's home cluster. */
  readonly guestOf?: string;
}

/** A bundle folder relative to `dist/`, in either layout. */
const BUNDLE_DIR = /^(?:clusters\/([^/]+)\/)?tenants\/([^/]+)$/;
const BUNDLE_FILE = /^(?:clusters\/([^/]+)\/)?tenants\/([^/]+)\/(.+)$/;

/**
 * Bundles of a `dist/` file map (paths relative to `dist/`), read from their Profile files, sorted
 * by tenant then cluster. A folder without a readable Profile counts as a home bundle that is not
 * decommissioned (the safe reading).
 */
export function deployedBundles(files: ReadonlyMap<string, string>): DeployedBundle[] {
  const out = new Map<string, DeployedBundle>();
  for (const [file, content] of files) {
    const m = BUNDLE_FILE.exec(file);
    if (!m) continue;
    const cluster = m[1];
    const tenant = m[2]!;
    const key = `${tenant}\0${cluster ?? ''}`;
    if (m[3] === `Profile.${tenant}.yaml`) {
      const facts = profileFacts(content);
      out.set(key, { tenant, cluster, decommissioned: facts.decommissioned, ...(facts.guestOf !== undefined ? { guestOf: facts.guestOf } : {}) });
    } else if (!out.has(key)) {
      out.set(key, { tenant, cluster, decommissioned: false });
    }
  }
  return [...out.values()].sort((a, b) => (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : (a.cluster ?? '') < (b.cluster ?? '') ? -1 : 1));
}

/** Deployed tenants by name from their bundles: guests left out; decommissioned when every home bundle is. */
function tenantsOfBundles(bundles: readonly DeployedBundle[]): Map<string, DeployedTenant> {
  const out = new Map<string, DeployedTenant>();
  for (const b of bundles) {
    if (b.guestOf !== undefined) continue;
    const prev = out.get(b.tenant);
    out.set(b.tenant, { name: b.tenant, decommissioned: (prev?.decommissioned ?? true) && b.decommissioned });
  }
  return out;
}

/**
 * Tenants of a `dist/` file map (paths relative to `dist/`), read from their Profile files, over
 * both layouts. A folder without a readable Profile counts as not decommissioned (the safe reading).
 */
export function deployedTenants(files: ReadonlyMap<string, string>): Map<string, DeployedTenant> {
  return tenantsOfBundles(deployedBundles(files));
}

function profileFacts(content: string): { decommissioned: boolean; guestOf?: string } {
  try {
    const doc = yaml.load(content) as { metadata?: { annotations?: Record<string, unknown> } } | undefined;
    const a = doc?.metadata?.annotations ?? {};
    const guest = a[BURST_GUEST_ANNOTATION];
    return { decommissioned: a[DECOMMISSIONED_ANNOTATION] === 'true', ...(typeof guest === 'string' && guest !== '' ? { guestOf: guest } : {}) };
  } catch {
    return { decommissioned: false };
  }
}

/**
 * Reads only what {@link checkRemovedTenants} needs from a `dist/` folder on disk: the file names
 * under `tenants/` and each tenant's Profile. Empty when the folder does not exist (first synth).
 */
export function readDeployedTenants(distDir: string): Map<string, DeployedTenant> {
  return tenantsOfBundles(readDeployedBundles(distDir));
}

/** The bundles of a `dist/` folder on disk, both layouts: only folder names and Profiles are read. */
export function readDeployedBundles(distDir: string): DeployedBundle[] {
  const files = new Map<string, string>();
  const readTenants = (rel: string): void => {
    const root = path.join(distDir, rel);
    if (!fs.existsSync(root)) return;
    for (const name of fs.readdirSync(root).sort()) {
      const dir = path.join(root, name);
      if (!fs.statSync(dir).isDirectory()) continue;
      const profile = path.join(dir, `Profile.${name}.yaml`);
      files.set(`${rel}/${name}/Profile.${name}.yaml`, fs.existsSync(profile) ? fs.readFileSync(profile, 'utf8') : '');
    }
  };
  readTenants('tenants');
  const clusters = path.join(distDir, 'clusters');
  if (fs.existsSync(clusters)) for (const c of fs.readdirSync(clusters).sort()) readTenants(`clusters/${c}/tenants`);
  return deployedBundles(files);
}

/** How to remove a tenant safely; shared by the synth error and the diff's blocking flag. */
export function decommissionHelp(name: string): string {
  return (
    `tenant "${name}" is deployed (dist/tenants/${name}/ exists) but no tenant file declares it any more; ` +
    `removing it would delete its Profile, and with it namespace "${name}" and every notebook, volume and model in it. ` +
    `To remove a tenant, in two steps: 1) keep tenants/${name}.ts and add \`decommissioned: true\`, run npm run synth, merge, ` +
    `and let Argo CD sync (access is revoked, the namespace and its data are kept); ` +
    `2) once the data is exported or no longer needed, delete tenants/${name}.ts and run npm run synth again ` +
    `(docs/gitops.md "Removing a tenant"). To keep the tenant, restore tenants/${name}.ts ` +
    `(a namespace cannot be renamed: renaming a tenant is removing it and adding another)`
  );
}

/**
 * The removal guard: every tenant in the existing `dist/` must still be declared, unless its
 * Profile there is marked decommissioned (step 1 of the removal was merged and synthesized).
 */
export function checkRemovedTenants(
  entries: readonly TenantEntry[],
  deployed: ReadonlyMap<string, DeployedTenant>,
  /** Errors of files that failed to load: their tenants are unknown, not removed, and not reported twice. */
  loadErrors: readonly FieldError[] = [],
  /** Tenants whose step 1 (decommissioned) is on this branch but not where `deployed` was read (lib/deployed.ts). */
  unmergedDecommissions: ReadonlySet<string> = new Set(),
): FieldError[] {
  const unloaded = new Set(loadErrors.map((e) => e.file));
  const declared = new Set<string>();
  for (const e of entries) {
    const name = (e.spec as { name?: unknown } | undefined)?.name;
    if (typeof name === 'string') declared.add(name);
  }
  const out: FieldError[] = [];
  for (const t of [...deployed.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (declared.has(t.name) || t.decommissioned || unloaded.has(`tenants/${t.name}.ts`)) continue;
    const unmerged = unmergedDecommissions.has(t.name)
      ? `; here step 1 is on this branch but not merged yet (dist/ at the merge base with main does not mark "${t.name}" decommissioned): merge it first, then delete the file`
      : '';
    out.push(new FieldError(`tenants/${t.name}.ts`, '(file)', 'Required value', undefined, decommissionHelp(t.name) + unmerged));
  }
  return out;
}

/**
 * In a fleet, the cluster a bundle of the single-cluster layout (`dist/tenants/<t>/`) runs on:
 * the cluster whose destination is `gitops.destinationServer` (where Argo CD delivered the single
 * layout) or is named `in-cluster` (Argo CD's name for its own cluster). Undefined when none is.
 */
export function singleLayoutCluster(platform: PlatformSettings): string | undefined {
  return platform.fleet.clusters.find((c) => c.destination.server === platform.gitops.destinationServer || c.destination.name === 'in-cluster')?.name;
}

/**
 * The move rule (docs/fleet.md "Moving a tenant"), over the deployed bundles of every cluster: a
 * tenant whose home bundle on cluster A is deployed and not decommissioned, and which is now
 * placed on another cluster, is refused unless `placement.migratingFrom` is A: moving is removing
 * it from A, whose volumes and data stay behind. With `migratingFrom` A keeps a decommissioned
 * copy; once that copy is deployed, removing `migratingFrom` removes it (the two-step rule). Burst
 * guests are not homes (they hold no volumes). Opting into a fleet: bundles of the single layout
 * count as deployed on {@link singleLayoutCluster}; when no cluster is, the error is on platform.ts.
 */
export function checkPlacementMoves(entries: readonly TenantEntry[], deployed: Deployed, platform: PlatformSettings): FieldError[] {
  if (!isFleet(platform)) return [];
  const bundles = deployed.bundles ?? [...deployed.tenants.values()].map((t): DeployedBundle => ({ tenant: t.name, cluster: undefined, decommissioned: t.decommissioned }));
  const single = bundles.filter((b) => b.cluster === undefined);
  const inCluster = singleLayoutCluster(platform);
  const out: FieldError[] = [];
  if (single.length > 0 && inCluster === undefined && single.some((b) => !b.decommissioned)) {
    out.push(
      new FieldError(
        PLATFORM_FILE,
        'fleet.clusters',
        'Required value',
        undefined,
        `dist/ at ${deployed.source} has the single-cluster layout (dist/tenants/: ${single.length} tenant(s)), and no cluster of fleet.clusters has destination { server: ${JSON.stringify(platform.gitops.destinationServer)} } (gitops.destinationServer) or destination { name: "in-cluster" }, so it cannot be told which cluster those tenants run on; ` +
          'give the cluster Argo CD delivered them to that destination (docs/fleet.md "Opting into a fleet")',
      ),
    );
    return out;
  }
  const clusters = new Set(platform.fleet.clusters.map((c) => c.name));
  for (const e of entries) {
    const spec = e.spec;
    if (!isPlainObject(spec) || typeof spec.name !== 'string') continue;
    const home = resolveHome(spec, platform);
    if (!home || !clusters.has(home.cluster)) continue; // a placement error, reported by validation
    const from = isPlainObject(spec.placement) ? spec.placement.migratingFrom : undefined;
    for (const b of bundles) {
      if (b.tenant !== spec.name || b.guestOf !== undefined || b.decommissioned) continue;
      const on = b.cluster ?? inCluster!;
      if (on === home.cluster || on === from) continue;
      const where = b.cluster === undefined ? `dist/tenants/${b.tenant}/ (the single-cluster layout, cluster "${on}")` : `dist/clusters/${on}/tenants/${b.tenant}/`;
      const how = home.source === 'placement.cluster' ? '' : ` by platform.ts ${home.source}`;
      out.push(
        new FieldError(
          e.file,
          home.source === 'placement.cluster' ? 'placement.cluster' : 'placement',
          'Forbidden',
          home.cluster,
          `tenant "${b.tenant}" is deployed on cluster "${on}" (${where}) and is now placed on "${home.cluster}"${how}: moving a tenant is removing it from "${on}", whose namespace, volumes and data stay behind; ` +
            `to move it, add placement: { migratingFrom: "${on}" } (cluster "${on}" keeps it decommissioned: Profile, namespace and data kept, access revoked, while "${home.cluster}" gets the full bundle), move the data, then remove migratingFrom (docs/fleet.md "Moving a tenant"); to keep it where it is, set placement: { cluster: "${on}" }`,
        ),
      );
    }
  }
  return out;
}
