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
import { DECOMMISSIONED_ANNOTATION } from './model/decommission';
import type { DeployedNames, TenantEntry } from './validation';
import { FieldError } from './validation';

/** The deployed state a command validates against. */
export interface Deployed {
  /** Deployed tenants by name, with whether each was decommissioned. */
  readonly tenants: ReadonlyMap<string, DeployedTenant>;
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
  const fallback = (): Deployed => ({ tenants: readDeployedTenants(distDir), source: `${path.relative(process.cwd(), distDir) || '.'}/ (working tree)` });
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
 * The deployed tenants at commit `ref`: the folders of `<distPath>/tenants/` and their Profiles
 * (only those are read: one `ls-tree` and one `cat-file --batch`, whatever the size of `dist/`),
 * and the tenant files under `<rootPrefix>tenants/`.
 */
export function deployedAtCommit(root: string, ref: string, distPath: string, rootPrefix = ''): Deployed {
  if (!isCommit(root, ref)) throw new Error(`"${ref}" is not a commit in ${root}; pass --base <git ref> (a branch, tag or commit)`);
  const tenantsDir = `${distPath.replace(/\/+$/, '')}/tenants/`;
  const names: string[] = [];
  for (const rec of git(root, ['ls-tree', '-z', '--full-tree', ref, '--', tenantsDir]).toString('utf8').split('\0')) {
    const tab = rec.indexOf('\t');
    if (tab < 0 || rec.slice(0, tab).split(' ')[1] !== 'tree') continue;
    names.push(rec.slice(tab + 1).slice(tenantsDir.length));
  }
  const files = new Map<string, string>();
  if (names.length > 0) {
    const request = names.map((n) => `${ref}:${tenantsDir}${n}/Profile.${n}.yaml\n`).join('');
    const out = git(root, ['cat-file', '--batch'], Buffer.from(request));
    // Per request: "<sha> blob <size>\n<content>\n", or "<request> missing\n".
    let pos = 0;
    for (const n of names) {
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
      files.set(`tenants/${n}/Profile.${n}.yaml`, content);
    }
  }
  const tenantFiles = new Set<string>();
  const listing = git(root, ['ls-tree', '-z', '--name-only', '--full-tree', ref, '--', `${rootPrefix}tenants/`]).toString('utf8');
  for (const p of listing.split('\0')) if (p) tenantFiles.add(p.slice(rootPrefix.length));
  const short = git(root, ['rev-parse', '--short', `${ref}^{commit}`]).toString().trim();
  return { tenants: deployedTenants(files), files: tenantFiles, source: `${ref} (${short})` };
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
  readonly decommissioned: boolean;
}

/**
 * Tenants of a `dist/` file map (paths relative to `dist/`), read from their Profile files. A
 * folder without a readable Profile counts as not decommissioned (the safe reading).
 */
export function deployedTenants(files: ReadonlyMap<string, string>): Map<string, DeployedTenant> {
  const out = new Map<string, DeployedTenant>();
  for (const [file, content] of files) {
    const m = /^tenants\/([^/]+)\/(.+)$/.exec(file);
    if (!m) continue;
    const name = m[1]!;
    const prev = out.get(name);
    if (m[2] === `Profile.${name}.yaml`) {
      out.set(name, { name, decommissioned: profileDecommissioned(content) });
    } else if (!prev) {
      out.set(name, { name, decommissioned: false });
    }
  }
  return out;
}

function profileDecommissioned(content: string): boolean {
  try {
    const doc = yaml.load(content) as { metadata?: { annotations?: Record<string, unknown> } } | undefined;
    return doc?.metadata?.annotations?.[DECOMMISSIONED_ANNOTATION] === 'true';
  } catch {
    return false;
  }
}

/**
 * Reads only what {@link checkRemovedTenants} needs from a `dist/` folder on disk: the file names
 * under `tenants/` and each tenant's Profile. Empty when the folder does not exist (first synth).
 */
export function readDeployedTenants(distDir: string): Map<string, DeployedTenant> {
  const root = path.join(distDir, 'tenants');
  const files = new Map<string, string>();
  if (!fs.existsSync(root)) return new Map();
  for (const name of fs.readdirSync(root).sort()) {
    const dir = path.join(root, name);
    if (!fs.statSync(dir).isDirectory()) continue;
    const profile = path.join(dir, `Profile.${name}.yaml`);
    files.set(`tenants/${name}/Profile.${name}.yaml`, fs.existsSync(profile) ? fs.readFileSync(profile, 'utf8') : '');
  }
  return deployedTenants(files);
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
