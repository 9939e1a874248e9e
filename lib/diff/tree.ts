/**
 * Tree diff: parses the files of two `dist/` trees (file maps, paths relative to `dist/`) into
 * objects - (kind, namespace, name) - compares them field by field and groups the changes by
 * tenant. Only files whose text differs are parsed, so a review of thousands of tenants with a few
 * changes costs little more than comparing strings. Knows nothing of risk: lib/diff/risk.ts reads
 * the parsed sides this module hands over.
 */
import * as yaml from 'js-yaml';
import { platformFileTenant } from '../constructs/platform-files';

export type Json = Record<string, unknown>;

/** One changed field: `before` undefined means added, `after` undefined means removed. */
export interface FieldChange {
  /** Path in the object: `spec.resourceQuotaSpec.hard["requests.cpu"]`, `subjects[0].name`. */
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

export type ChangeStatus = 'added' | 'removed' | 'changed';

/** One object (or, for files that are not Kubernetes objects, one file) that differs. */
export interface ObjectChange {
  readonly kind: string;
  /** Namespace; undefined for cluster-scoped objects and plain files. */
  readonly namespace?: string;
  readonly name: string;
  readonly status: ChangeStatus;
  /** File in the tree it comes from (the new one unless removed), relative to `dist/`. */
  readonly file: string;
  /** Field changes; empty for added and removed objects. */
  readonly fields: readonly FieldChange[];
}

/** Changes of one group: a tenant (its bundle and its policies), or `(cluster)`, or `(other)`. */
export interface GroupChange {
  readonly group: string;
  readonly status: ChangeStatus;
  readonly objects: readonly ObjectChange[];
}

export const CLUSTER_GROUP = '(cluster)';
export const OTHER_GROUP = '(other)';

/**
 * Group of a `dist/` path: the tenant of `tenants/<t>/` and `platform/<component>/<t>.*`,
 * `(cluster)` or `(other)`. In a fleet (docs/fleet.md) a bundle is grouped per cluster,
 * `<t>@<cluster>` for `clusters/<cluster>/tenants/<t>/` (a tenant moving has one on each), and a
 * cluster's objects are `(cluster <cluster>)`; Argo CD's own objects (`argocd/`) are `(cluster)`.
 */
export function groupOf(file: string): string {
  const m = /^tenants\/([^/]+)\//.exec(file)?.[1] ?? platformFileTenant(file);
  if (m) return m;
  if (file.startsWith('cluster/') || file.startsWith('argocd/')) return CLUSTER_GROUP;
  const c = /^clusters\/([^/]+)\/(tenants\/([^/]+)|cluster)\//.exec(file);
  if (c) return c[3] !== undefined ? `${c[3]}@${c[1]}` : `(cluster ${c[1]})`;
  return OTHER_GROUP;
}

/** Whether a group holds cluster-level objects: `(cluster)`, or one cluster's of a fleet. */
export const isClusterGroup = (g: string): boolean => g === CLUSTER_GROUP || (g.startsWith('(cluster ') && g.endsWith(')'));
/** The tenant a tenant group is about (`fraud`, or `fraud` of `fraud@gpu-east`). */
export const tenantOfGroup = (g: string): string => (g.includes('@') ? g.slice(0, g.indexOf('@')) : g);

export const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A parsed file: a Kubernetes object, or a plain file (JSON policy, HCL) keyed by its path. */
export interface Parsed {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly file: string;
  /** The object (or parsed JSON); for text files `{ text }`. */
  readonly body: Json;
}

function parseFile(file: string, content: string): Parsed[] {
  if (file.endsWith('.yaml') || file.endsWith('.yml')) {
    const out: Parsed[] = [];
    try {
      // One object per file is the norm; load() is markedly faster than loadAll().
      let docs: unknown[];
      try {
        docs = [yaml.load(content)];
      } catch {
        docs = yaml.loadAll(content);
      }
      for (const doc of docs) {
        if (!isObj(doc)) continue;
        const meta = isObj(doc.metadata) ? doc.metadata : {};
        if (typeof doc.kind === 'string' && typeof meta.name === 'string') {
          out.push({ kind: doc.kind, ...(typeof meta.namespace === 'string' ? { namespace: meta.namespace } : {}), name: meta.name, file, body: doc });
        }
      }
      if (out.length > 0) return out;
    } catch {
      // Not YAML after all (hand-edited): compared as text below.
    }
  }
  if (file.endsWith('.json')) {
    try {
      const doc = JSON.parse(content) as unknown;
      if (isObj(doc)) return [{ kind: 'File', name: file, file, body: doc }];
    } catch {
      // compared as text
    }
  }
  return [{ kind: 'File', name: file, file, body: { text: content } }];
}

export const objectKey = (p: { kind: string; namespace?: string; name: string }): string => `${p.kind}\u0000${p.namespace ?? ''}\u0000${p.name}`;

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const child = (base: string, key: string): string => (IDENT.test(key) ? (base ? `${base}.${key}` : key) : `${base}[${JSON.stringify(key)}]`);

/** Field-level differences between two JSON values; arrays of scalars are compared whole. */
export function diffValues(before: unknown, after: unknown, path = ''): FieldChange[] {
  const out: FieldChange[] = [];
  walk(before, after, path, out);
  return out;
}

function walk(a: unknown, b: unknown, path: string, out: FieldChange[]): void {
  if (a === b) return;
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(cmp);
    for (const k of keys) walk(a[k], b[k], child(path, k), out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const scalars = [...a, ...b].every((x) => !isObj(x) && !Array.isArray(x));
    if (scalars) {
      if (a.length !== b.length || a.some((x, i) => x !== b[i])) out.push({ path: path || '(root)', before: a, after: b });
      return;
    }
    for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`, out);
    return;
  }
  if (a === undefined) out.push({ path: path || '(root)', after: b });
  else if (b === undefined) out.push({ path: path || '(root)', before: a });
  else out.push({ path: path || '(root)', before: a, after: b });
}

/** Parsed objects of one side of one group, keyed by {@link objectKey}. */
export type Side = Map<string, Parsed>;

/** The parsed objects of one group on each side, for the risk flags. */
export interface GroupSides {
  readonly before: Side;
  readonly after: Side;
}

/** {@link diffGroups}'s result: the object changes by group, and the parsed objects they come from. */
export interface TreeDiff {
  /** Groups with changes, tenants by name, then `(cluster)`, then `(other)`. */
  readonly groups: readonly GroupChange[];
  /** Parsed objects of each group in `groups`. */
  readonly sides: ReadonlyMap<string, GroupSides>;
  /** Tenants present on both sides with identical files, sorted. */
  readonly unchanged: readonly string[];
  readonly stats: { readonly added: number; readonly removed: number; readonly changed: number };
}

/**
 * Compares two `dist/` trees. Files present on both sides with the same text are not parsed;
 * tenants whose files are all identical are listed in `unchanged`.
 */
export function diffGroups(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): TreeDiff {
  const touched = new Map<string, { before: string[]; after: string[] }>();
  const seenTenants = new Set<string>();
  const note = (file: string, side: 'before' | 'after'): void => {
    const g = groupOf(file);
    let t = touched.get(g);
    if (!t) touched.set(g, (t = { before: [], after: [] }));
    t[side].push(file);
  };
  for (const [file, text] of before) {
    const g = groupOf(file);
    if (!isClusterGroup(g) && g !== OTHER_GROUP) seenTenants.add(g);
    if (after.get(file) !== text) note(file, 'before');
  }
  for (const [file, text] of after) {
    const g = groupOf(file);
    if (!isClusterGroup(g) && g !== OTHER_GROUP) seenTenants.add(g);
    if (before.get(file) !== text) note(file, 'after');
  }

  const groups: GroupChange[] = [];
  const sides = new Map<string, GroupSides>();
  const stats = { added: 0, removed: 0, changed: 0 };
  for (const g of [...touched.keys()].sort(groupOrder)) {
    const t = touched.get(g)!;
    // Objects may move between files: compare every object of the touched files of the group.
    const b: Side = new Map();
    const a: Side = new Map();
    for (const f of t.before) for (const p of parseFile(f, before.get(f)!)) b.set(objectKey(p), p);
    for (const f of t.after) for (const p of parseFile(f, after.get(f)!)) a.set(objectKey(p), p);
    // A file changed on one side only is still a whole object on the other: load it for comparison.
    for (const key of [...b.keys()]) if (!a.has(key)) loadCounterpart(b.get(key)!, after, a);
    for (const key of [...a.keys()]) if (!b.has(key)) loadCounterpart(a.get(key)!, before, b);

    const objects: ObjectChange[] = [];
    for (const key of [...new Set([...b.keys(), ...a.keys()])].sort(cmp)) {
      const x = b.get(key);
      const y = a.get(key);
      if (x && y) {
        const fields = diffValues(x.body, y.body);
        if (fields.length > 0) objects.push({ ...ident(y), status: 'changed', file: y.file, fields });
      } else if (y) objects.push({ ...ident(y), status: 'added', file: y.file, fields: [] });
      else if (x) objects.push({ ...ident(x), status: 'removed', file: x.file, fields: [] });
    }
    if (objects.length === 0) continue;
    for (const o of objects) stats[o.status]++;
    const groupFilesBefore = hasGroup(before, g);
    const groupFilesAfter = hasGroup(after, g);
    const status: ChangeStatus = !groupFilesBefore ? 'added' : !groupFilesAfter ? 'removed' : 'changed';
    groups.push({ group: g, status, objects });
    sides.set(g, { before: b, after: a });
  }
  const changedGroups = new Set(groups.map((g) => g.group));
  const unchanged = [...seenTenants].filter((t) => !changedGroups.has(t) && hasGroup(before, t) && hasGroup(after, t)).sort(cmp);
  return { groups, sides, unchanged, stats };
}

function ident(p: Parsed): { kind: string; namespace?: string; name: string } {
  return p.namespace === undefined ? { kind: p.kind, name: p.name } : { kind: p.kind, namespace: p.namespace, name: p.name };
}

/** Tenants by name, then `(cluster)`, then `(other)`. */
export function groupOrder(x: string, y: string): number {
  const rank = (g: string): number => (isClusterGroup(g) ? 1 : g === OTHER_GROUP ? 2 : 0);
  return rank(x) - rank(y) || cmp(x, y);
}

/** Whether a tree has any file of a group; cached per tree, since groups are asked for often. */
const groupCache = new WeakMap<ReadonlyMap<string, string>, Set<string>>();
export function hasGroup(tree: ReadonlyMap<string, string>, g: string): boolean {
  let s = groupCache.get(tree);
  if (!s) {
    s = new Set();
    for (const f of tree.keys()) s.add(groupOf(f));
    groupCache.set(tree, s);
  }
  return s.has(g);
}

/**
 * Whether tenant `t` has a bundle anywhere in a tree, in either layout (`tenants/<t>/` or any
 * `clusters/<c>/tenants/<t>/`): opting into a fleet moves folders without adding or removing tenants.
 */
export function hasTenant(tree: ReadonlyMap<string, string>, t: string): boolean {
  if (hasGroup(tree, t)) return true;
  const s = groupCache.get(tree)!;
  for (const g of s) if (g.startsWith(`${t}@`)) return true;
  return false;
}

/** If the object's file exists unchanged on the other side, parse it there (objects that moved file). */
function loadCounterpart(p: Parsed, other: ReadonlyMap<string, string>, into: Side): void {
  const text = other.get(p.file);
  if (text === undefined) return;
  for (const q of parseFile(p.file, text)) if (!into.has(objectKey(q))) into.set(objectKey(q), q);
}
