/**
 * The review report: the tree diff of two `dist/` trees with the risk flags of every changed group.
 * Apart from tree.ts so that the tree diff does not depend on the risk checks that read it.
 */
import type { RiskContext, RiskFlag } from './risk';
import { DEFAULT_RISK_CONTEXT, fleetFlags, peopleChanges, riskFlags, sortFlags, staleAckFlags } from './risk';
import type { GroupChange } from './tree';
import { diffGroups } from './tree';

export interface DiffReport {
  /** Groups with changes, tenants by name, then `(cluster)`, then `(other)`. */
  readonly groups: readonly GroupChange[];
  /** Tenants present on both sides with identical files, sorted. */
  readonly unchanged: readonly string[];
  /** Risk flags in {@link RISK_KINDS} order, then by group. */
  readonly flags: readonly RiskFlag[];
  readonly stats: { readonly added: number; readonly removed: number; readonly changed: number };
  /** Per changed tenant with people gained, lost or changed (lib/diff/risk.ts `peopleChanges`); tenants without are left out. @default none */
  readonly people?: ReadonlyMap<string, { readonly added: readonly string[]; readonly removed: readonly string[]; readonly changed: readonly string[] }>;
}

/**
 * Compares two `dist/` trees (file maps, paths relative to `dist/`) and flags the risky changes;
 * `ctx` gives the label settings and the acknowledgements, each of which matching no label change
 * is a stale-acknowledgement flag. Pure; files present on both sides with the same text are not parsed.
 */
export function diffTrees(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>, ctx: Partial<RiskContext> = {}): DiffReport {
  const full: RiskContext = { ...DEFAULT_RISK_CONTEXT, ...ctx };
  const t = diffGroups(before, after);
  const flags = t.groups.flatMap((g) => {
    const s = t.sides.get(g.group)!;
    return riskFlags(g.group, s.before, s.after, before, after, full);
  });
  flags.push(...fleetFlags(before, after));
  flags.push(...staleAckFlags(full.acks, flags));
  const people = new Map<string, { added: string[]; removed: string[]; changed: string[] }>();
  for (const g of t.groups) {
    const s = t.sides.get(g.group)!;
    const p = peopleChanges(s.before, s.after);
    if (p.added.length + p.removed.length + p.changed.length > 0) people.set(g.group, p);
  }
  return { groups: t.groups, unchanged: t.unchanged, flags: sortFlags(flags), stats: t.stats, people };
}
