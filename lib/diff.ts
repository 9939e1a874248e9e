/**
 * Review diff: compares two `dist/` trees (file maps, paths relative to `dist/`) object by object
 * - (kind, namespace, name), field by field - groups the changes by tenant, and raises the risk
 * flags a platform reviewer must look at before approving: tenants added or removed, quota raised,
 * GPU/MIG quota changed, contributors added or raised, grants added or widened, credentials
 * added, isolation weakened, deletion protection removed.
 *
 * Pure: `diffTrees` takes two maps and returns a report; `renderText` / `renderMarkdown` print it.
 * Only files whose text differs are parsed, so a review of thousands of tenants with a few
 * changes costs little more than comparing strings.
 */
import * as yaml from 'js-yaml';
import { PROFILE_PROTECTION, SYNC_OPTIONS_ANNOTATION } from './constructs/argocd';
import { PROFILE_DELETION_POLICY } from './constructs/kyverno';
import { platformFileTenant } from './constructs/platform-files';
import { DECOMMISSIONED_ANNOTATION } from './model/decommission';
import { Quantity } from './quantity';

type Json = Record<string, unknown>;

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

/**
 * Every flag the diff can raise, in display order (most severe first), with its label. The
 * `RiskKind` type is derived from this list, so a flag cannot be emitted without being listed here
 * (and the README's flag table is tested against it).
 */
export const RISK_KINDS = [
  { kind: 'tenant-removed', label: 'tenant removed' },
  { kind: 'deletion-protection-removed', label: 'deletion protection removed' },
  { kind: 'isolation-weakened', label: 'isolation weakened' },
  { kind: 'owner-changed', label: 'owner changed' },
  { kind: 'tenant-added', label: 'tenant added' },
  { kind: 'tenant-decommissioned', label: 'tenant decommissioned' },
  { kind: 'quota-raised', label: 'quota raised' },
  { kind: 'gpu-quota-changed', label: 'GPU/MIG quota changed' },
  { kind: 'contributor-added', label: 'contributor added' },
  { kind: 'contributor-role-raised', label: 'contributor role raised' },
  { kind: 'grant-added-or-widened', label: 'grant added or widened' },
  { kind: 'credentials-added', label: 'credentials added or changed' },
] as const satisfies readonly { readonly kind: string; readonly label: string }[];

export type RiskKind = (typeof RISK_KINDS)[number]['kind'];

export interface RiskFlag {
  readonly kind: RiskKind;
  /** Tenant (or `(cluster)`) the flag is about. */
  readonly group: string;
  readonly message: string;
  /** The change must not be merged as is (e.g. a tenant removed without being decommissioned). */
  readonly blocking: boolean;
}

export interface DiffReport {
  /** Groups with changes, tenants by name, then `(cluster)`, then `(other)`. */
  readonly groups: readonly GroupChange[];
  /** Tenants present on both sides with identical files, sorted. */
  readonly unchanged: readonly string[];
  /** Risk flags in {@link RISK_KINDS} order, then by group. */
  readonly flags: readonly RiskFlag[];
  readonly stats: { readonly added: number; readonly removed: number; readonly changed: number };
}

export const CLUSTER_GROUP = '(cluster)';
export const OTHER_GROUP = '(other)';

/** Group of a `dist/` path: the tenant of `tenants/<t>/` and `platform/<component>/<t>.*`, `(cluster)` or `(other)`. */
export function groupOf(file: string): string {
  const m = /^tenants\/([^/]+)\//.exec(file)?.[1] ?? platformFileTenant(file);
  if (m) return m;
  if (file.startsWith('cluster/')) return CLUSTER_GROUP;
  return OTHER_GROUP;
}

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A parsed file: a Kubernetes object, or a plain file (JSON policy, HCL) keyed by its path. */
interface Parsed {
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

const objectKey = (p: { kind: string; namespace?: string; name: string }): string => `${p.kind}\u0000${p.namespace ?? ''}\u0000${p.name}`;

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
type Side = Map<string, Parsed>;

/**
 * Compares two `dist/` trees. Files present on both sides with the same text are not parsed;
 * tenants whose files are all identical are listed in `unchanged`.
 */
export function diffTrees(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): DiffReport {
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
    if (g !== CLUSTER_GROUP && g !== OTHER_GROUP) seenTenants.add(g);
    if (after.get(file) !== text) note(file, 'before');
  }
  for (const [file, text] of after) {
    const g = groupOf(file);
    if (g !== CLUSTER_GROUP && g !== OTHER_GROUP) seenTenants.add(g);
    if (before.get(file) !== text) note(file, 'after');
  }

  const groups: GroupChange[] = [];
  const flags: RiskFlag[] = [];
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
    flags.push(...riskFlags(g, b, a, before, after));
  }
  const changedGroups = new Set(groups.map((g) => g.group));
  const unchanged = [...seenTenants].filter((t) => !changedGroups.has(t) && hasGroup(before, t) && hasGroup(after, t)).sort(cmp);
  const order = new Map(RISK_KINDS.map((k, i) => [k.kind, i]));
  flags.sort((x, y) => order.get(x.kind)! - order.get(y.kind)! || groupOrder(x.group, y.group) || cmp(x.message, y.message));
  return { groups, unchanged, flags, stats };
}

function ident(p: Parsed): { kind: string; namespace?: string; name: string } {
  return p.namespace === undefined ? { kind: p.kind, name: p.name } : { kind: p.kind, namespace: p.namespace, name: p.name };
}

function groupOrder(x: string, y: string): number {
  const rank = (g: string): number => (g === CLUSTER_GROUP ? 1 : g === OTHER_GROUP ? 2 : 0);
  return rank(x) - rank(y) || cmp(x, y);
}

/** Whether a tree has any file of a group; cached per tree, since groups are asked for often. */
const groupCache = new WeakMap<ReadonlyMap<string, string>, Set<string>>();
function hasGroup(tree: ReadonlyMap<string, string>, g: string): boolean {
  let s = groupCache.get(tree);
  if (!s) {
    s = new Set();
    for (const f of tree.keys()) s.add(groupOf(f));
    groupCache.set(tree, s);
  }
  return s.has(g);
}

/** If the object's file exists unchanged on the other side, parse it there (objects that moved file). */
function loadCounterpart(p: Parsed, other: ReadonlyMap<string, string>, into: Side): void {
  const text = other.get(p.file);
  if (text === undefined) return;
  for (const q of parseFile(p.file, text)) if (!into.has(objectKey(q))) into.set(objectKey(q), q);
}

// ---------------------------------------------------------------------------------- risk flags

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const annotationsOf = (o: Json): Record<string, unknown> => {
  const m = isObj(o.metadata) ? o.metadata : {};
  return isObj(m.annotations) ? m.annotations : {};
};
const groupOfApi = (o: Json): string => {
  const v = str(o.apiVersion) ?? '';
  const i = v.indexOf('/');
  return i < 0 ? '' : v.slice(0, i);
};
const byKind = (side: Side, kind: string, apiGroup?: string): Parsed[] =>
  [...side.values()].filter((p) => p.kind === kind && (apiGroup === undefined || groupOfApi(p.body) === apiGroup));
const objName = (p: Parsed): string => (p.namespace ? `${p.kind} ${p.namespace}/${p.name}` : `${p.kind} ${p.name}`);

/** GPU resources as quota keys: vendor devices, MIG slices, time-sliced shares. */
export function isGpuQuotaKey(key: string): boolean {
  const r = key.startsWith('requests.') ? key.slice('requests.'.length) : key.startsWith('limits.') ? key.slice('limits.'.length) : key;
  return /^nvidia\.com\/(gpu|mig-)/.test(r) || r === 'amd.com/gpu' || r.startsWith('gpu.intel.com/') || /(^|\/)gpu[^/]*\.shared$/.test(r);
}

function quotaOf(p: Parsed | undefined): Record<string, string> {
  if (!p) return {};
  const spec = isObj(p.body.spec) ? p.body.spec : {};
  const rq = isObj(spec.resourceQuotaSpec) ? spec.resourceQuotaSpec : {};
  const hard = isObj(rq.hard) ? rq.hard : {};
  return Object.fromEntries(Object.entries(hard).map(([k, v]) => [k, String(v)]));
}

/** `50 → 64 (+14, +28%)`, in the unit of the values when they share one. */
export function describeIncrease(before: string, after: string): string {
  const qb = Quantity.parse(before);
  const qa = Quantity.parse(after);
  if (!qb || !qa) return `${before} → ${after}`;
  const unit = (s: string): string => /[A-Za-z]+$/.exec(s)?.[0] ?? '';
  let delta: string;
  const ub = unit(before);
  if (ub === unit(after) && !/^[eE]/.test(ub)) {
    const nb = Number(before.slice(0, before.length - ub.length));
    const na = Number(after.slice(0, after.length - ub.length));
    delta = `${na - nb >= 0 ? '+' : ''}${round(na - nb)}${ub}`;
  } else {
    delta = `${qa.value - qb.value >= 0 ? '+' : ''}${humanBytesOrUnits(qa.value - qb.value)}`;
  }
  const pct = qb.value > 0 ? `, ${qa.value >= qb.value ? '+' : ''}${round(((qa.value - qb.value) / qb.value) * 100)}%` : '';
  return `${before} → ${after} (${delta}${pct})`;
}

const round = (n: number): string => String(Math.round(n * 100) / 100);
function humanBytesOrUnits(n: number): string {
  const abs = Math.abs(n);
  for (const [suffix, mult] of [['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20]] as const) {
    if (abs >= mult && abs % 2 ** 20 === 0) return `${round(n / mult)}${suffix}`;
  }
  return round(n);
}

/** KFAM-style contributor bindings: user -> role (`edit`/`view`) from their annotations. */
function contributors(side: Side): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of byKind(side, 'RoleBinding', 'rbac.authorization.k8s.io')) {
    const a = annotationsOf(p.body);
    const user = str(a.user);
    const role = str(a.role);
    if (user && role) out.set(user.toLowerCase(), role);
  }
  return out;
}

const ROLE_RANK: Record<string, number> = { view: 1, edit: 2, admin: 3 };

const isContributorObject = (p: Parsed): boolean => {
  const a = annotationsOf(p.body);
  return typeof a.user === 'string' && typeof a.role === 'string';
};

/** RBAC rules as `group/resource:verb[@name]` tuples; `*` stays `*`. */
function ruleTuples(p: Parsed | undefined): Set<string> {
  const out = new Set<string>();
  const rules = p && Array.isArray(p.body.rules) ? p.body.rules : [];
  for (const r of rules) {
    if (!isObj(r)) continue;
    const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
    const groups = list(r.apiGroups);
    const resources = list(r.resources);
    const names = list(r.resourceNames);
    for (const g of groups.length ? groups : ['']) {
      for (const res of resources.length ? resources : list(r.nonResourceURLs)) {
        for (const v of list(r.verbs)) {
          for (const n of names.length ? names : ['']) out.add(`${g ? `${g}/` : ''}${res}:${v}${n ? `@${n}` : ''}`);
        }
      }
    }
  }
  return out;
}

function subjectsOf(p: Parsed | undefined): string[] {
  const subs = p && Array.isArray(p.body.subjects) ? p.body.subjects : [];
  return subs.filter(isObj).map((s) => `${String(s.kind)} ${s.namespace ? `${String(s.namespace)}/` : ''}${String(s.name)}`);
}

function roleRefOf(p: Parsed | undefined): string {
  const r = p && isObj(p.body.roleRef) ? p.body.roleRef : {};
  return `${String(r.kind ?? '')} ${String(r.name ?? '')}`;
}

/** Cross-namespace subjects of a binding: subjects whose namespace is not the binding's. */
function crossNamespace(p: Parsed): string[] {
  const subs = Array.isArray(p.body.subjects) ? p.body.subjects : [];
  return subs
    .filter(isObj)
    .filter((s) => typeof s.namespace === 'string' && s.namespace !== p.namespace)
    .map((s) => `${String(s.kind)} ${String(s.namespace)}/${String(s.name)}`);
}

function remoteKeys(p: Parsed | undefined): Set<string> {
  const out = new Set<string>();
  const spec = p && isObj(p.body.spec) ? p.body.spec : {};
  for (const d of Array.isArray(spec.data) ? spec.data : []) {
    if (isObj(d) && isObj(d.remoteRef)) out.add(`${String(d.remoteRef.key)}${d.remoteRef.property ? `#${String(d.remoteRef.property)}` : ''}`);
  }
  for (const d of Array.isArray(spec.dataFrom) ? spec.dataFrom : []) {
    if (isObj(d) && isObj(d.extract)) out.add(String(d.extract.key));
    if (isObj(d) && isObj(d.find)) out.add(`find:${JSON.stringify(d.find)}`);
  }
  return out;
}

function ingressPeers(p: Parsed | undefined): { peers: Set<string>; types: Set<string>; selector: string } {
  const spec = p && isObj(p.body.spec) ? p.body.spec : {};
  const peers = new Set<string>();
  for (const rule of Array.isArray(spec.ingress) ? spec.ingress : []) {
    if (!isObj(rule)) continue;
    // A rule without `from` admits every source.
    const from = Array.isArray(rule.from) ? rule.from : ['<any source>'];
    const ports = JSON.stringify(rule.ports ?? 'all ports');
    for (const f of from) peers.add(`${JSON.stringify(f)} ${ports}`);
  }
  const types = new Set(Array.isArray(spec.policyTypes) ? spec.policyTypes.map(String) : ['Ingress']);
  return { peers, types, selector: JSON.stringify(spec.podSelector ?? {}) };
}

function mtlsMode(p: Parsed | undefined): string {
  const spec = p && isObj(p.body.spec) ? p.body.spec : {};
  const mtls = isObj(spec.mtls) ? spec.mtls : {};
  return String(mtls.mode ?? 'UNSET');
}

function syncOptionSet(p: Parsed | undefined): Set<string> {
  return new Set((str(p ? annotationsOf(p.body)[SYNC_OPTIONS_ANNOTATION] : undefined) ?? '').split(',').map((s) => s.trim()).filter(Boolean));
}

const decommissioned = (p: Parsed | undefined): boolean => !!p && annotationsOf(p.body)[DECOMMISSIONED_ANNOTATION] === 'true';

function riskFlags(g: string, b: Side, a: Side, treeBefore: ReadonlyMap<string, string>, treeAfter: ReadonlyMap<string, string>): RiskFlag[] {
  const out: RiskFlag[] = [];
  const flag = (kind: RiskKind, message: string, blocking = false): void => void out.push({ kind, group: g, message, blocking });
  if (g === CLUSTER_GROUP) {
    clusterFlags(b, a, flag);
    return out;
  }
  if (g === OTHER_GROUP) return out;

  const pb = byKind(b, 'Profile', 'kubeflow.org')[0];
  const pa = byKind(a, 'Profile', 'kubeflow.org')[0];
  const existedBefore = hasGroup(treeBefore, g);
  const existsAfter = hasGroup(treeAfter, g);

  // Tenant lifecycle.
  if (!existedBefore && pa) {
    const q = quotaOf(pa);
    const gpus = Object.entries(q).filter(([k, v]) => isGpuQuotaKey(k) && v !== '0');
    const owner = str(isObj(pa.body.spec) && isObj(pa.body.spec.owner) ? pa.body.spec.owner.name : undefined) ?? '?';
    const caps = ['requests.cpu', 'requests.memory', 'requests.storage'].filter((k) => q[k]).map((k) => `${k.slice('requests.'.length)} ${q[k]}`);
    flag('tenant-added', `owner ${owner}; quota ${caps.length ? caps.join(', ') : 'no CPU/memory/storage caps'}${gpus.length ? `; GPUs ${gpus.map(([k, v]) => `${k.slice('requests.'.length)} ${v}`).join(', ')}` : ''}`);
  }
  if (existedBefore && !existsAfter) {
    if (decommissioned(pb)) flag('tenant-removed', 'removed after being decommissioned; Argo CD keeps the Application and the Profile (Delete=confirm): delete them by hand once the data is handled');
    else flag('tenant-removed', 'removed without being decommissioned first: this would delete the namespace and all its data; set `decommissioned: true` first (docs/gitops.md "Removing a tenant")', true);
  } else if (pb && !pa && existsAfter) {
    flag('tenant-removed', 'its Profile is removed while the tenant folder stays: deleting the Profile deletes the namespace', !decommissioned(pb));
  }
  if (pa && !decommissioned(pb) && decommissioned(pa) && existedBefore) {
    flag('tenant-decommissioned', 'all access (contributors, grants, credentials) is revoked; the namespace and its data are kept');
  }

  // Deletion protection of the Profile.
  if (pb && pa) {
    const ob = syncOptionSet(pb);
    const oa = syncOptionSet(pa);
    for (const opt of PROFILE_PROTECTION) {
      const verb = opt.split('=')[0]!;
      const protectedBefore = ob.has(`${verb}=confirm`) || ob.has(`${verb}=false`);
      const protectedAfter = oa.has(`${verb}=confirm`) || oa.has(`${verb}=false`);
      if (protectedBefore && !protectedAfter) flag('deletion-protection-removed', `Profile ${pa.name}: sync option ${verb}=confirm removed (${[...ob].join(',') || 'none'} → ${[...oa].join(',') || 'none'})`);
    }
    const ownerB = isObj(pb.body.spec) && isObj(pb.body.spec.owner) ? str(pb.body.spec.owner.name) : undefined;
    const ownerA = isObj(pa.body.spec) && isObj(pa.body.spec.owner) ? str(pa.body.spec.owner.name) : undefined;
    if (ownerB !== ownerA) {
      flag('owner-changed', `${ownerB ?? '(none)'} → ${ownerA ?? '(none)'}; the Profile controller does not move an existing namespace to a new owner (kubeflow/dashboard#33): plan the hand-over`);
    }
  }

  // Quotas.
  if (pa && existedBefore) {
    const qb = quotaOf(pb);
    const qa = quotaOf(pa);
    for (const key of [...new Set([...Object.keys(qb), ...Object.keys(qa)])].sort(cmp)) {
      const vb = qb[key];
      const va = qa[key];
      if (vb === va) continue;
      if (isGpuQuotaKey(key)) {
        const what = key.includes('/mig-') ? 'MIG' : key.endsWith('.shared') ? 'time-sliced GPU' : 'GPU';
        if (vb !== undefined && va !== undefined) flag('gpu-quota-changed', `${what} ${key}: ${describeIncrease(vb, va)}`);
        else flag('gpu-quota-changed', `${what} ${key}: ${vb ?? 'uncapped'} → ${va ?? 'uncapped'}`);
        continue;
      }
      if (vb !== undefined && va === undefined && pb) flag('quota-raised', `${key}: cap ${vb} removed (now uncapped)`);
      else if (vb !== undefined && va !== undefined) {
        const b1 = Quantity.parse(vb);
        const a1 = Quantity.parse(va);
        if (b1 && a1 && a1.value > b1.value) flag('quota-raised', `${key}: ${describeIncrease(vb, va)}`);
      }
    }
  } else if (pa && !existedBefore) {
    const gpus = Object.entries(quotaOf(pa)).filter(([k, v]) => isGpuQuotaKey(k) && v !== '0');
    for (const [k, v] of gpus) flag('gpu-quota-changed', `${k.includes('/mig-') ? 'MIG' : 'GPU'} ${k}: ${v} (new tenant)`);
  }

  // Contributors.
  const cb = contributors(b);
  const ca = contributors(a);
  for (const [user, role] of [...ca.entries()].sort(([x], [y]) => cmp(x, y))) {
    const prev = cb.get(user);
    if (prev === undefined) flag('contributor-added', `${user} as ${role}`);
    else if ((ROLE_RANK[role] ?? 0) > (ROLE_RANK[prev] ?? 0)) flag('contributor-role-raised', `${user}: ${prev} → ${role}`);
  }

  // Grants: Roles and RoleBindings other than the contributor bindings; non-DENY Istio policies.
  for (const kind of ['Role', 'RoleBinding'] as const) {
    const names = new Set([...byKind(b, kind, 'rbac.authorization.k8s.io'), ...byKind(a, kind, 'rbac.authorization.k8s.io')].filter((p) => !isContributorObject(p)).map(objectKey));
    for (const key of [...names].sort(cmp)) {
      const x = b.get(key);
      const y = a.get(key);
      if (!y || isContributorObject(y)) continue;
      if (kind === 'Role') {
        const before = ruleTuples(x);
        const added = [...ruleTuples(y)].filter((t) => !before.has(t)).sort(cmp);
        if (added.length > 0) flag('grant-added-or-widened', `${objName(y)} ${x ? 'widened' : 'added'}: ${added.join(', ')}`);
      } else {
        const before = new Set(subjectsOf(x));
        const addedSubjects = subjectsOf(y).filter((s) => !before.has(s));
        const refChanged = x !== undefined && roleRefOf(x) !== roleRefOf(y);
        if (addedSubjects.length > 0 || refChanged) {
          const cross = crossNamespace(y);
          const what = !x
            ? `added: binds ${roleRefOf(y)} to ${subjectsOf(y).join(', ')}`
            : `widened: ${refChanged ? `${roleRefOf(x)} → ${roleRefOf(y)}` : roleRefOf(y)}${addedSubjects.length ? `, new subjects ${addedSubjects.join(', ')}` : ''}`;
          flag('grant-added-or-widened', `${objName(y)} ${what}${cross.length ? ' (cross-namespace)' : ''}`);
        }
      }
    }
  }
  for (const y of byKind(a, 'AuthorizationPolicy', 'security.istio.io')) {
    if (isContributorObject(y)) continue;
    const spec = isObj(y.body.spec) ? y.body.spec : {};
    if (spec.action === 'DENY') continue;
    const x = b.get(objectKey(y));
    const sources = (p: Parsed | undefined): Set<string> => {
      const s = p && isObj(p.body.spec) && Array.isArray(p.body.spec.rules) ? p.body.spec.rules : [];
      return new Set(s.map((r) => JSON.stringify(isObj(r) ? (r.from ?? '<any source>') : r)));
    };
    const before = sources(x);
    const added = [...sources(y)].filter((s) => !before.has(s));
    if (added.length > 0) flag('grant-added-or-widened', `${objName(y)} ${x ? 'widened' : 'added'}: allows ${added.join(', ')}`);
  }

  // Credentials: one flag per tenant for its secrets, one for its hand-applied policies.
  const secrets: string[] = [];
  const policies: string[] = [];
  for (const y of [...a.values()].sort((p, q) => cmp(objectKey(p), objectKey(q)))) {
    const x = b.get(objectKey(y));
    if (groupOfApi(y.body) === 'external-secrets.io') {
      if (y.kind === 'ExternalSecret') {
        const before = remoteKeys(x);
        const added = [...remoteKeys(y)].filter((k) => !before.has(k)).sort(cmp);
        if (added.length > 0) secrets.push(`${objName(y)}${x ? ' now' : ''} reads ${added.join(', ')}`);
      } else if (!x) {
        secrets.push(`${objName(y)} added`);
      }
    } else if (y.kind === 'File' && platformFileTenant(y.file) !== undefined) {
      if (!x || diffValues(x.body, y.body).length > 0) policies.push(`${y.file} ${x ? 'changed' : 'added'}`);
    }
  }
  if (secrets.length > 0) flag('credentials-added', secrets.join('; '));
  if (policies.length > 0) flag('credentials-added', `${policies.join(', ')}: the platform team applies these by hand (command at the top of each file)`);

  // Isolation.
  if (existsAfter) {
    for (const x of byKind(b, 'NetworkPolicy', 'networking.k8s.io')) {
      const y = a.get(objectKey(x));
      if (!y) {
        flag('isolation-weakened', `${objName(x)} removed`);
        continue;
      }
      const nb = ingressPeers(x);
      const na = ingressPeers(y);
      const newPeers = [...na.peers].filter((p) => !nb.peers.has(p));
      const lostTypes = [...nb.types].filter((t) => !na.types.has(t));
      if (newPeers.length > 0) flag('isolation-weakened', `${objName(y)} admits more: ${newPeers.join('; ')}`);
      if (lostTypes.length > 0) flag('isolation-weakened', `${objName(y)} no longer restricts ${lostTypes.join(', ')}`);
      if (nb.selector !== na.selector) flag('isolation-weakened', `${objName(y)} podSelector ${nb.selector} → ${na.selector} (an empty selector covers every pod)`);
    }
    for (const x of byKind(b, 'PeerAuthentication', 'security.istio.io')) {
      const y = a.get(objectKey(x));
      if (!y) flag('isolation-weakened', `${objName(x)} removed (mTLS ${mtlsMode(x)})`);
      else if (mtlsMode(x) === 'STRICT' && mtlsMode(y) !== 'STRICT') flag('isolation-weakened', `${objName(y)} mTLS STRICT → ${mtlsMode(y)}`);
    }
    for (const x of byKind(b, 'AuthorizationPolicy', 'security.istio.io')) {
      const spec = isObj(x.body.spec) ? x.body.spec : {};
      if (spec.action === 'DENY' && !a.has(objectKey(x))) flag('isolation-weakened', `${objName(x)} (DENY) removed`);
    }
  }
  return out;
}

function clusterFlags(b: Side, a: Side, flag: (kind: RiskKind, message: string, blocking?: boolean) => void): void {
  for (const x of byKind(b, 'ApplicationSet', 'argoproj.io')) {
    const y = a.get(objectKey(x));
    const sp = (p: Parsed | undefined): Json => (p && isObj(p.body.spec) && isObj(p.body.spec.syncPolicy) ? p.body.spec.syncPolicy : {});
    if (!y) {
      flag('deletion-protection-removed', `ApplicationSet ${x.name} removed: Argo CD stops managing the tenant Applications`);
      continue;
    }
    const pb = sp(x);
    const pa = sp(y);
    if (pb.preserveResourcesOnDeletion === true && pa.preserveResourcesOnDeletion !== true) {
      flag('deletion-protection-removed', `ApplicationSet ${y.name}: preserveResourcesOnDeletion removed (deleting an Application would cascade to its Profile)`);
    }
    const safe = (v: unknown): boolean => v === 'create-only' || v === 'create-update';
    if (safe(pb.applicationsSync) && !safe(pa.applicationsSync)) {
      flag('deletion-protection-removed', `ApplicationSet ${y.name}: applicationsSync ${String(pb.applicationsSync)} → ${String(pa.applicationsSync ?? '(default: sync)')} (Applications of vanished folders would be deleted)`);
    }
  }
  for (const x of byKind(b, 'ClusterPolicy', 'kyverno.io')) {
    const deletion = x.name === PROFILE_DELETION_POLICY;
    const kind: RiskKind = deletion ? 'deletion-protection-removed' : 'isolation-weakened';
    const what = deletion ? 'Profiles can be deleted without being decommissioned' : 'objects it checked are admitted unchecked';
    const y = a.get(objectKey(x));
    if (!y) flag(kind, `ClusterPolicy ${x.name} removed: ${what}`);
    else if (JSON.stringify(y.body.spec).includes('"Audit"') && !JSON.stringify(x.body.spec).includes('"Audit"')) {
      flag(kind, `ClusterPolicy ${x.name} switched to Audit: violations are only reported, not refused`);
    }
  }
  // A tenant's AppProject is its blast radius: more destinations or cluster-scoped kinds widen it.
  for (const y of byKind(a, 'AppProject', 'argoproj.io')) {
    const x = b.get(objectKey(y));
    if (!x) continue; // a new tenant's project comes with the "tenant added" flag
    const entries = (p: Parsed, field: string): string[] => {
      const spec = isObj(p.body.spec) ? p.body.spec : {};
      return Array.isArray(spec[field]) ? spec[field].map((e) => JSON.stringify(e)) : [];
    };
    for (const field of ['destinations', 'clusterResourceWhitelist', 'sourceRepos']) {
      const before = new Set(entries(x, field));
      const added = entries(y, field).filter((e) => !before.has(e));
      if (added.length > 0) flag('grant-added-or-widened', `AppProject ${y.name}: ${field} widened: ${added.join(', ')}`);
    }
  }
}

// ---------------------------------------------------------------------------------- rendering

/** Labels for the two sides, shown in the header. */
export interface RenderOptions {
  /** @default 'base' */
  readonly base?: string;
  /** @default 'working tree' */
  readonly head?: string;
  /** Unchanged tenant names listed before "and N more". @default 20 */
  readonly maxUnchangedNames?: number;
  /**
   * Base `dist/` → the base's tenant files synthesized by this tool (lib/toolchange.ts): what the
   * tool upgrade alone changes. Shown as its own section with its own flags; `r` is then only
   * what the tenant files and platform.ts change.
   */
  readonly tool?: DiffReport;
  /** One line under the summary: how tool changes were told apart, or why they could not be. */
  readonly note?: string;
  /** Deprecation warnings of the head's tenant files (lib/deprecations.ts), one line each. */
  readonly deprecations?: readonly string[];
}

/** Title of the section of changes that come from the tool, in text and Markdown. */
export const TOOL_SECTION_TITLE = 'Changes from the tool (lib/, platform code) — not from tenant files';

const labelOf = (k: RiskKind): string => RISK_KINDS.find((r) => r.kind === k)!.label;

/** A value as it appears in a change line; long values are shortened. */
export function showValue(v: unknown, max = 160): string {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** One field change as a line: `path: before → after`, `path: + added`, `path: - removed`. */
export function fieldLine(f: FieldChange): string {
  if (f.before === undefined) return `${f.path}: + ${showValue(f.after)}`;
  if (f.after === undefined) return `${f.path}: - ${showValue(f.before)}`;
  return `${f.path}: ${showValue(f.before)} → ${showValue(f.after)}`;
}

function objectTitle(o: ObjectChange): string {
  const sign = o.status === 'added' ? '+' : o.status === 'removed' ? '-' : '~';
  if (o.kind === 'File') return `${sign} file ${o.name}`;
  return `${sign} ${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}

function summaryLine(r: DiffReport): string {
  const tenants = r.groups.filter((g) => g.group !== CLUSTER_GROUP && g.group !== OTHER_GROUP);
  const count = (s: ChangeStatus): number => tenants.filter((g) => g.status === s).length;
  const parts = [
    `${count('changed')} tenant(s) changed`,
    `${count('added')} added`,
    `${count('removed')} removed`,
    `${r.unchanged.length} unchanged`,
    `objects: ${r.stats.added} added, ${r.stats.removed} removed, ${r.stats.changed} changed`,
  ];
  if (r.groups.some((g) => g.group === CLUSTER_GROUP)) parts.push('cluster-level objects changed');
  return parts.join('; ');
}

function unchangedLine(r: DiffReport, max: number): string {
  if (r.unchanged.length === 0) return '';
  const shown = r.unchanged.slice(0, max).join(', ');
  const more = r.unchanged.length > max ? `, and ${r.unchanged.length - max} more` : '';
  return `${r.unchanged.length} tenant(s) unchanged: ${shown}${more}`;
}

/** Whether the report has a blocking flag (the CLI exits 1). */
export const hasBlocking = (r: DiffReport): boolean => r.flags.some((f) => f.blocking);

/** Plain text for a terminal. */
export function renderText(r: DiffReport, opts: RenderOptions = {}): string {
  const lines: string[] = [];
  lines.push(`kubeflow-tenants diff: ${opts.base ?? 'base'} → ${opts.head ?? 'working tree'}`);
  lines.push(summaryLine(r));
  if (opts.note) lines.push(`note: ${opts.note}`);
  if (r.groups.length === 0) lines.push('no changes');
  lines.push(...textFlags(r, 'RISK FLAGS', 'no risk flags'));
  if (opts.deprecations && opts.deprecations.length > 0) {
    lines.push('', `DEPRECATED FIELDS IN USE (${opts.deprecations.length}): they still work; rename them before the date given`);
    for (const d of opts.deprecations) lines.push(`  ${d}`);
  }
  lines.push(...textGroups(r));
  const u = unchangedLine(r, opts.maxUnchangedNames ?? 20);
  if (u) lines.push('', u);
  if (opts.tool) {
    const t = opts.tool;
    lines.push('', '', 'CHANGES FROM THE TOOL (lib/, platform code) — NOT FROM TENANT FILES', '(the base\'s dist/ → the base\'s tenant files synthesized by this version of the tool)');
    lines.push(summaryLine(t));
    if (t.groups.length === 0) lines.push('no changes');
    lines.push(...textFlags(t, 'RISK FLAGS FROM THE TOOL', 'no risk flags from the tool'));
    lines.push(...textGroups(t));
  }
  return `${lines.join('\n')}\n`;
}

function textFlags(r: DiffReport, title: string, none: string): string[] {
  const lines: string[] = [];
  if (r.flags.length > 0) {
    lines.push('', `${title} (${r.flags.length})`);
    const width = Math.max(...r.flags.map((f) => labelOf(f.kind).length));
    for (const f of r.flags) lines.push(`  ${f.blocking ? 'BLOCKING ' : ''}${labelOf(f.kind).padEnd(width)}  ${f.group}: ${f.message}`);
  } else if (r.groups.length > 0) {
    lines.push('', none);
  }
  return lines;
}

function textGroups(r: DiffReport): string[] {
  const lines: string[] = [];
  for (const g of r.groups) {
    lines.push('', `${g.group} (${g.status})`);
    for (const o of g.objects) {
      lines.push(`  ${objectTitle(o)}`);
      for (const f of o.fields) lines.push(`      ${fieldLine(f)}`);
    }
  }
  return lines;
}

const clip = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
const mdCell = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
/** GitHub refuses comments above 65,536 characters. */
const MARKDOWN_LIMIT = 60000;

/** Markdown for a pull-request comment: flags first, then one collapsible section per tenant. */
export function renderMarkdown(r: DiffReport, opts: RenderOptions = {}): string {
  const head: string[] = [];
  head.push('<!-- kubeflow-tenants-diff -->');
  head.push(`## kubeflow-tenants diff`);
  head.push('', `\`${opts.base ?? 'base'}\` → \`${opts.head ?? 'working tree'}\`: ${summaryLine(r)}`);
  if (opts.note) head.push('', `> ${mdCell(opts.note)}`);
  if (r.flags.length > 0) {
    head.push('', `### ⚠️ Risk flags (${r.flags.length})`, '', ...flagTable(r, MARKDOWN_LIMIT / 2));
    if (hasBlocking(r)) head.push('', '**⛔ This change must not be merged as it is: see the blocking flags above.**');
  } else {
    head.push('', r.groups.length > 0 ? '✅ No risk flags.' : '✅ No changes.');
  }
  if (opts.deprecations && opts.deprecations.length > 0) {
    head.push('', `### ⚠️ Deprecated fields in use (${opts.deprecations.length})`, '', 'They still work; rename them before the date given (README "Upgrading the tool").', '');
    for (const d of opts.deprecations.slice(0, 50)) head.push(`- \`${d.replace(/`/g, "'")}\``);
    if (opts.deprecations.length > 50) head.push(`- … and ${opts.deprecations.length - 50} more (run \`npm run synth\` for all)`);
  }
  // The tool's section comes last, but its summary and flags are budgeted first, so the size
  // limit can only hide its (collapsed) object changes, never its flags.
  const tool: string[] = [];
  if (opts.tool) {
    const t = opts.tool;
    tool.push('', `### 🔧 ${TOOL_SECTION_TITLE}`, '', `The base's \`dist/\` → the base's tenant files synthesized by this version of the tool: ${summaryLine(t)}`);
    if (t.flags.length > 0) {
      tool.push('', `#### ⚠️ Risk flags from the tool (${t.flags.length})`, '', ...flagTable(t, MARKDOWN_LIMIT / 8));
      if (hasBlocking(t)) tool.push('', '**⛔ The tool upgrade must not be merged as it is: see the blocking flags above.**');
    } else {
      tool.push('', t.groups.length > 0 ? '✅ No risk flags from the tool.' : '✅ No changes.');
    }
  }
  let size = head.join('\n').length + tool.join('\n').length;
  const body: string[] = [];
  if (r.groups.length > 0) body.push('', '### Changes');
  const main = markdownGroups(r, MARKDOWN_LIMIT - size);
  size += main.size;
  body.push(...main.lines);
  const u = unchangedLine(r, opts.maxUnchangedNames ?? 20);
  if (u) body.push('', `<sub>${u}</sub>`);
  if (opts.tool) tool.push(...markdownGroups(opts.tool, MARKDOWN_LIMIT - size).lines);
  return `${[...head, ...body, ...tool].join('\n')}\n`;
}

/** The flag table, blocking flags first; rows beyond `budget` characters are counted instead. */
function flagTable(r: DiffReport, budget: number): string[] {
  const rows = ['| | Flag | Tenant | Detail |', '|---|---|---|---|'];
  const ordered = [...r.flags.filter((f) => f.blocking), ...r.flags.filter((f) => !f.blocking)];
  let used = 0;
  const left = new Map<string, number>();
  for (const f of ordered) {
    const row = `| ${f.blocking ? '⛔' : '⚠️'} | ${labelOf(f.kind)} | \`${mdCell(f.group)}\` | ${mdCell(clip(f.message, 400))} |`;
    if (used + row.length > budget) {
      left.set(labelOf(f.kind), (left.get(labelOf(f.kind)) ?? 0) + 1);
      continue;
    }
    used += row.length;
    rows.push(row);
  }
  if (left.size > 0) {
    const n = [...left.values()].reduce((x, y) => x + y, 0);
    rows.push(`| ⚠️ | … | | ${n} more: ${[...left.entries()].map(([k, c]) => `${c} × ${k}`).join(', ')} (run \`npm run diff\` for all) |`);
  }
  return rows;
}

/** One collapsible section per group while they fit in `budget` characters; the rest are counted. */
function markdownGroups(r: DiffReport, budget: number): { lines: string[]; size: number } {
  const lines: string[] = [];
  let size = 0;
  let omitted = 0;
  for (const g of r.groups) {
    const section: string[] = [];
    section.push('', `<details><summary><b>${g.group}</b>: ${g.status}, ${g.objects.length} object(s)</summary>`, '', '```diff');
    for (const o of g.objects) {
      section.push(objectTitle(o));
      for (const f of o.fields) section.push(`    ${fieldLine(f)}`);
    }
    section.push('```', '', '</details>');
    const text = section.join('\n');
    if (size + text.length > budget) {
      omitted++;
      continue;
    }
    size += text.length;
    lines.push(text);
  }
  if (omitted > 0) lines.push('', `_${omitted} more changed group(s) not shown (comment size limit); run \`npm run diff\` locally for the full report._`);
  return { lines, size };
}
