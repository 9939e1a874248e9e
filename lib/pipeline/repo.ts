/**
 * One pipeline for every command: {@link synthRepo} runs, in order, load (platform.ts and
 * tenants/) -> deployed state (lib/deployed.ts) -> removal guard -> deprecations -> validation ->
 * model -> render -> files. main.ts, scripts/check.ts, scripts/diff.ts, scripts/access.ts and the
 * tests' fixture helpers all call it, so none of them can skip a stage (the removal guard included);
 * the commands keep only argument parsing and output.
 */
import type { Deprecation } from '../deprecations';
import type { Deployed } from '../deployed';
import { checkPlacementMoves, checkRemovedTenants, declaringFiles, readDeployed } from '../deployed';
import type { InputsDigest } from '../inputs-digest';
import { INPUTS_FILE, inputsDigest, renderInputsDigest } from '../inputs-digest';
import type { PlatformSettings } from '../platform';
import type { SynthResult } from '../synth';
import { loadGroups, loadPlatform, loadTenants, synthesize } from '../synth';
import type { GroupEntry } from '../groups';
import type { FieldError, TenantEntry } from '../validation';

/** Options of {@link synthRepo}. */
export interface SynthRepoOptions {
  /**
   * The `dist/` folder: where the deployed state is read when there is no Git history to ask, and
   * whose path is read at the base commit otherwise. @default `<root>/dist`
   */
  readonly distDir?: string;
  /** The commit whose `dist/` is the deployed state. @default the merge base of HEAD with main (lib/deployed.ts `readDeployed`) */
  readonly base?: string;
  /** The deprecation table. @default lib/deprecations.ts DEPRECATIONS */
  readonly deprecations?: readonly Deprecation[];
  /** `YYYY-MM-DD`, the clock deprecation removal dates and reviewed-exception expiry are compared with. @default today (UTC) */
  readonly today?: string;
  /**
   * What a removal-guard error does: `'throw'` fails the synth with it (with any load error);
   * `'return'` leaves it in {@link RepoSynth.removed} for the caller to report, so `npm run diff`
   * can still show its whole report, where a removed tenant is the BLOCKING tenant-removed flag.
   * @default 'throw'
   */
  readonly removalGuard?: 'throw' | 'return';
}

/** What {@link synthRepo} produces. */
export interface RepoSynth {
  readonly platform: PlatformSettings;
  /** The loaded declarations, as written (before deprecation rewrites). */
  readonly entries: readonly TenantEntry[];
  /** The loaded group declarations (`groups/*.ts`). */
  readonly groups: readonly GroupEntry[];
  /** The deployed state validation and the removal guard used. */
  readonly deployed: Deployed;
  /** Removal-guard errors; always empty unless `removalGuard: 'return'`. */
  readonly removed: readonly FieldError[];
  /** The rendered files and objects (no INPUTS.sha256). */
  readonly result: SynthResult;
  /** The digest of the inputs (tenants/, platform.ts, the tool), computed on first call. */
  digest(): InputsDigest;
  /** `dist/` exactly as synth writes it: the rendered files plus INPUTS.sha256. */
  distFiles(): Map<string, string>;
}

/**
 * Synthesizes the repository at `root` in memory. Throws ValidationError with every load error,
 * removal-guard error and declaration error at once; writes nothing.
 */
export async function synthRepo(root: string, opts: SynthRepoOptions = {}): Promise<RepoSynth> {
  const platform = await loadPlatform(root);
  const { entries, errors: tenantLoadErrors } = await loadTenants(root);
  const groups = await loadGroups(root);
  const loadErrors = [...tenantLoadErrors, ...groups.errors];
  const deployed = readDeployed(root, { ...(opts.distDir !== undefined ? { distDir: opts.distDir } : {}), ...(opts.base !== undefined ? { base: opts.base } : {}) });
  // A deployed tenant may only disappear after it was decommissioned (lib/deployed.ts).
  // In a fleet, per (tenant, cluster): a tenant leaves a cluster only decommissioned (the move rule).
  const removed = [...checkRemovedTenants(entries, deployed.tenants, loadErrors, deployed.unmergedDecommissions), ...checkPlacementMoves(entries, deployed, platform)];
  const guardErrors = opts.removalGuard === 'return' ? [] : removed;
  // Load errors, removal-guard errors and declaration errors are thrown together: one run reports all.
  const result = synthesize(entries, platform, {
    deployed: declaringFiles(deployed, entries),
    loadErrors: [...loadErrors, ...guardErrors],
    groups: groups.entries,
    ...(opts.deprecations !== undefined ? { deprecations: opts.deprecations } : {}),
    ...(opts.today !== undefined ? { today: opts.today } : {}),
  });
  let digest: InputsDigest | undefined;
  const digestOnce = (): InputsDigest => (digest ??= inputsDigest(root));
  return {
    platform,
    entries,
    groups: groups.entries,
    deployed,
    removed: opts.removalGuard === 'return' ? removed : [],
    result,
    digest: digestOnce,
    distFiles: () => new Map([...result.files, [INPUTS_FILE, renderInputsDigest(digestOnce())]]),
  };
}
