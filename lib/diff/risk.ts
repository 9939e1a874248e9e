/**
 * Risk flags: what a platform reviewer must look at before approving a change - tenants added or
 * removed, quota raised, GPU/MIG quota changed, contributors added or raised, grants added or
 * widened, credentials added, isolation weakened, deletion protection removed, Profile labels
 * changed (blocking for a team change or a lowered compliance tier unless acknowledged). One small check
 * per concern, run over the parsed objects lib/diff/tree.ts hands over for each changed group.
 */
import * as yaml from 'js-yaml';
import { PROFILE_PROTECTION, SYNC_OPTIONS_ANNOTATION } from '../constructs/argocd';
import { PROFILE_GUARD_POLICY } from '../constructs/admission-guard';
import { AUDIT_FILES } from '../constructs/audit';
import { platformFileTenant } from '../constructs/platform-files';
import { auditLevelRank } from '../declarations/audit';
import { DECOMMISSIONED_ANNOTATION } from '../model/decommission';
import { ADOPTED_ANNOTATION, BURST_GUEST_ANNOTATION, CONTRIBUTOR_ANNOTATIONS, REVIEWED_EXCEPTION_ANNOTATION } from '../model/names';
import type { RoleAlias, RoleName } from '../declarations/contributors';
import { ROLE_ALIASES, ROLES } from '../declarations/contributors';
import type { KubeflowRole } from '../declarations/kubeflow';
import { KFAM_ANNOTATION, KUBEFLOW_ROLE_RANK, RBAC_API_GROUP } from '../declarations/kubeflow';
import type { LabelSettings } from '../declarations/labels';
import { DEFAULT_PLATFORM } from '../platform';
import { Quantity } from '../quantity';
import type { Ack, LabelAck, OwnerAck } from './acks';
import { ACKS_FILE, isOwnerAck } from './acks';
import type { Json, Parsed, Side } from './tree';
import { cmp, diffValues, groupOrder, hasGroup, hasTenant, isClusterGroup, isObj, objectKey, OTHER_GROUP, tenantOfGroup } from './tree';

/**
 * Every flag the diff can raise, in display order (most severe first), with its label. The
 * `RiskKind` type is derived from this list, so a flag cannot be emitted without being listed here
 * (and the README's flag table is tested against it).
 */
export const RISK_KINDS = [
  // First: an exception is a reviewer's decision to allow what is otherwise refused; it must not be missed.
  { kind: 'reviewed-exception', label: 'reviewed exception added or changed' },
  { kind: 'tenant-removed', label: 'tenant removed' },
  { kind: 'tenant-moves-cluster', label: 'TENANT MOVES CLUSTER' },
  { kind: 'deletion-protection-removed', label: 'deletion protection removed' },
  { kind: 'isolation-weakened', label: 'isolation weakened' },
  { kind: 'compliance-tier-lowered', label: 'compliance tier lowered' },
  { kind: 'audit-level-lowered', label: 'audit level lowered' },
  { kind: 'audit-routing-left', label: 'tenant left the audit routing' },
  { kind: 'audit-reader-added', label: 'audit stream reader added' },
  { kind: 'team-changed', label: 'team changed' },
  { kind: 'owner-changed', label: 'owner changed' },
  { kind: 'tenant-added', label: 'tenant added' },
  { kind: 'tenant-decommissioned', label: 'tenant decommissioned' },
  { kind: 'quota-raised', label: 'quota raised' },
  { kind: 'gpu-quota-changed', label: 'GPU/MIG quota changed' },
  { kind: 'contributor-added', label: 'contributor added' },
  { kind: 'contributor-role-raised', label: 'contributor role raised' },
  { kind: 'personal-queue-added', label: 'personal queue added' },
  { kind: 'grant-added-or-widened', label: 'grant added or widened' },
  { kind: 'credentials-added', label: 'credentials added or changed' },
  { kind: 'burst-changed', label: 'burst to a cluster started or stopped' },
  { kind: 'label-changed', label: 'Profile label changed' },
  { kind: 'stale-acknowledgement', label: 'stale acknowledgement' },
] as const satisfies readonly { readonly kind: string; readonly label: string }[];

export type RiskKind = (typeof RISK_KINDS)[number]['kind'];

export interface RiskFlag {
  readonly kind: RiskKind;
  /** Tenant (or `(cluster)`) the flag is about. */
  readonly group: string;
  readonly message: string;
  /** The change must not be merged as is (e.g. a tenant removed without being decommissioned). */
  readonly blocking: boolean;
  /** The Profile label change a label flag is about (acknowledgements match it); undefined = absent. */
  readonly label?: { readonly key: string; readonly from: string | undefined; readonly to: string | undefined };
  /** The Profile owner change an owner flag is about (acknowledgements match it). */
  readonly owner?: { readonly from: string; readonly to: string };
}

/** What the checks need besides the two trees. */
export interface RiskContext {
  /** The working tree's label settings (platform.ts `labels`). @default the defaults */
  readonly labels: LabelSettings;
  /** The working tree's acknowledgements (lib/diff/acks.ts). @default none */
  readonly acks: readonly Ack[];
}

export const DEFAULT_RISK_CONTEXT: RiskContext = { labels: DEFAULT_PLATFORM.labels, acks: [] };

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

/** A person's access as their objects say it: catalogue roles and how they got them. */
interface PersonAccess {
  readonly user: string;
  readonly roles: readonly string[];
  readonly via: string;
}

/**
 * Contributors by identity (lowercased): the catalogue roles and paths from this tool's annotations
 * (lib/model/names.ts `CONTRIBUTOR_ANNOTATIONS`), or, on objects written before them, the KFAM
 * `role` annotation read as its catalogue name (`edit` is `editor`).
 */
function contributors(side: Side): Map<string, PersonAccess> {
  const out = new Map<string, PersonAccess>();
  for (const p of byKind(side, 'RoleBinding', RBAC_API_GROUP)) {
    const a = annotationsOf(p.body);
    const ours = str(a[CONTRIBUTOR_ANNOTATIONS.identity]);
    const user = ours ?? str(a[KFAM_ANNOTATION.user]);
    const kfam = str(a[KFAM_ANNOTATION.role]);
    const roles = ours ? (str(a[CONTRIBUTOR_ANNOTATIONS.roles]) ?? '').split(',').filter((r) => r !== '') : kfam ? [ROLE_ALIASES[kfam as RoleAlias] ?? kfam] : [];
    if (user && roles.length > 0) out.set(user.toLowerCase(), { user, roles, via: str(a[CONTRIBUTOR_ANNOTATIONS.via]) ?? 'direct' });
  }
  return out;
}

/**
 * People whose access to the tenant changed, for the report (lib/diff/report.ts): added (with
 * their roles and paths), removed (with the roles they had), roles changed either way. A group
 * membership change shows here as the people it adds or removes in every tenant naming the group.
 */
export function peopleChanges(before: Side, after: Side): { added: string[]; removed: string[]; changed: string[] } {
  const b = contributors(before);
  const a = contributors(after);
  const keys = [...new Set([...b.keys(), ...a.keys()])].sort(cmp);
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  for (const k of keys) {
    const x = b.get(k);
    const y = a.get(k);
    if (!x && y) added.push(`${y.user} as ${y.roles.join(' + ')}${viaText(y.via)}`);
    else if (x && !y) removed.push(`${x.user} (was ${x.roles.join(' + ')}${viaText(x.via)})`);
    else if (x && y && (x.roles.join() !== y.roles.join() || x.via !== y.via)) changed.push(`${y.user}: ${x.roles.join(' + ')}${viaText(x.via)} → ${y.roles.join(' + ')}${viaText(y.via)}`);
  }
  return { added, removed, changed };
}

/** Whether `after` gives something `before` did not: a role none of the old ones covers. */
function raised(before: readonly string[], after: readonly string[]): boolean {
  const covered = (r: string): boolean =>
    before.some((o) => o === r || (o in ROLES && ROLES[o as RoleName].covers.includes(r as RoleName)) || (KUBEFLOW_ROLE_RANK[o as KubeflowRole] ?? 0) >= (KUBEFLOW_ROLE_RANK[r as KubeflowRole] ?? 99));
  return after.some((r) => !covered(r));
}

const viaText = (via: string): string => (via === 'direct' ? '' : ` (${via.split(',').map((v) => (v === 'direct' ? 'own entry' : `via ${v}`)).join(', ')})`);

const isContributorObject = (p: Parsed): boolean => {
  const a = annotationsOf(p.body);
  return typeof a[CONTRIBUTOR_ANNOTATIONS.identity] === 'string' || (typeof a[KFAM_ANNOTATION.user] === 'string' && typeof a[KFAM_ANNOTATION.role] === 'string');
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

/** Peers (with ports) of a NetworkPolicy's ingress or egress rules, its policy types and selector. */
function policyPeers(p: Parsed | undefined, direction: 'ingress' | 'egress' = 'ingress'): { peers: Set<string>; types: Set<string>; selector: string } {
  const spec = p && isObj(p.body.spec) ? p.body.spec : {};
  const peers = new Set<string>();
  const field = direction === 'ingress' ? 'from' : 'to';
  const rules = spec[direction];
  for (const rule of Array.isArray(rules) ? rules : []) {
    if (!isObj(rule)) continue;
    // A rule without `from` (`to`) admits every source (destination).
    const ends = Array.isArray(rule[field]) ? rule[field] : [direction === 'ingress' ? '<any source>' : '<any destination>'];
    const ports = JSON.stringify(rule.ports ?? 'all ports');
    for (const f of ends) peers.add(`${JSON.stringify(f)} ${ports}`);
  }
  // Without policyTypes the API server infers them: Ingress always, Egress when there are egress rules.
  const types = new Set(Array.isArray(spec.policyTypes) ? spec.policyTypes.map(String) : ['Ingress', ...(Array.isArray(spec.egress) ? ['Egress'] : [])]);
  return { peers, types, selector: JSON.stringify(spec.podSelector ?? {}) };
}

const POD_SECURITY_RANK: Record<string, number> = { privileged: 0, baseline: 1, restricted: 2 };
const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';
/** The Pod Security level a Namespace object enforces; `privileged` (admission's default) without the label. */
function enforcedLevel(p: Parsed): string {
  const m = isObj(p.body.metadata) ? p.body.metadata : {};
  const labels = isObj(m.labels) ? m.labels : {};
  return str(labels[ENFORCE_LABEL]) ?? 'privileged';
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

type Emit = (kind: RiskKind, message: string, blocking?: boolean, label?: RiskFlag['label'], owner?: RiskFlag['owner']) => void;

/** One tenant's parsed objects on both sides, and whether its folder exists on each. */
interface TenantSides {
  readonly b: Side;
  readonly a: Side;
  /** Its Profile before and after. */
  readonly pb: Parsed | undefined;
  readonly pa: Parsed | undefined;
  readonly existedBefore: boolean;
  readonly existsAfter: boolean;
  readonly ctx: RiskContext;
}

/**
 * Reviewed exceptions (the annotation on grant RoleBindings) that are new or whose text changed,
 * reason and expiry verbatim, so the reviewer reads what was approved and why. The Role of the same
 * grant carries the same annotation: reading the RoleBindings flags each exception once.
 */
function reviewedExceptionFlags({ b, a }: TenantSides, flag: Emit): void {
  for (const y of byKind(a, 'RoleBinding', RBAC_API_GROUP).sort((p, q) => cmp(objectKey(p), objectKey(q)))) {
    const reason = str(annotationsOf(y.body)[REVIEWED_EXCEPTION_ANNOTATION]);
    if (reason === undefined) continue;
    const x = b.get(objectKey(y));
    const before = x ? str(annotationsOf(x.body)[REVIEWED_EXCEPTION_ANNOTATION]) : undefined;
    if (before === reason) continue;
    flag('reviewed-exception', `${objName(y)} (${roleRefOf(y)}): ${before === undefined ? `new exception: ${reason}` : `exception now: ${reason} (was: ${before})`}`);
  }
}

/** Tenant added, removed (blocking unless decommissioned first), decommissioned. */
function lifecycleFlags({ pb, pa, existedBefore, existsAfter }: TenantSides, flag: Emit): void {
  if (!existedBefore && pa) {
    const q = quotaOf(pa);
    const gpus = Object.entries(q).filter(([k, v]) => isGpuQuotaKey(k) && v !== '0');
    const owner = str(isObj(pa.body.spec) && isObj(pa.body.spec.owner) ? pa.body.spec.owner.name : undefined) ?? '?';
    const caps = ['requests.cpu', 'requests.memory', 'requests.storage'].filter((k) => q[k]).map((k) => `${k.slice('requests.'.length)} ${q[k]}`);
    const adopts = annotationsOf(pa.body)[ADOPTED_ANNOTATION] === 'true' ? `; adopts the existing namespace ${pa.name} (docs/adopt.md: attach the npm run adopt-check report)` : '';
    flag('tenant-added', `owner ${owner}; quota ${caps.length ? caps.join(', ') : 'no CPU/memory/storage caps'}${gpus.length ? `; GPUs ${gpus.map(([k, v]) => `${k.slice('requests.'.length)} ${v}`).join(', ')}` : ''}${adopts}`);
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
}

/** The Profile's Argo CD sync options that stop a prune or delete from reaching it. */
function profileProtectionFlags({ pb, pa }: TenantSides, flag: Emit): void {
  if (!pb || !pa) return;
  const ob = syncOptionSet(pb);
  const oa = syncOptionSet(pa);
  for (const opt of PROFILE_PROTECTION) {
    const verb = opt.split('=')[0]!;
    const protectedBefore = ob.has(`${verb}=confirm`) || ob.has(`${verb}=false`);
    const protectedAfter = oa.has(`${verb}=confirm`) || oa.has(`${verb}=false`);
    if (protectedBefore && !protectedAfter) flag('deletion-protection-removed', `Profile ${pa.name}: sync option ${verb}=confirm removed (${[...ob].join(',') || 'none'} → ${[...oa].join(',') || 'none'})`);
  }
}

/**
 * The re-keying steps of an owner change, in order. The Profile controller adopts an existing
 * namespace only when its `owner` annotation equals the Profile's owner, and never rewrites the
 * metadata of what it already made: `namespaceAdmin` and `ns-owner-access-istio` get the new owner
 * in subjects and spec but keep the old `user` annotation, which is what KFAM (the dashboard's
 * contributor page) reads, until they are recreated.
 */
export function ownerRekeySteps(tenant: string, to: string): string[] {
  return [
    `kubectl annotate namespace ${tenant} owner=${to} --overwrite (the controller stops reconciling the old Profile until the merge; nothing is removed)`,
    `merge, and let Argo CD sync the Profile (the controller adopts the namespace again and points namespaceAdmin's subject and ns-owner-access-istio's header match at ${to})`,
    `kubectl delete rolebinding namespaceAdmin -n ${tenant} && kubectl delete authorizationpolicy ns-owner-access-istio -n ${tenant} (the controller recreates both at once with user=${to}, so KFAM and the dashboard follow)`,
  ];
}

/** The acknowledgement matching an owner change of `tenant`, if any. */
export function ownerAckFor(acks: readonly Ack[], tenant: string, change: NonNullable<RiskFlag['owner']>): OwnerAck | undefined {
  return acks.filter(isOwnerAck).find((k) => k.tenant === tenant && k.owner.from === change.from && k.owner.to === change.to);
}

/**
 * An owner change blocks until acknowledged: the Profile controller stops reconciling the tenant
 * ("namespace already exist, but not owned by profile creator") until the namespace is re-keyed,
 * by hand, in the order {@link ownerRekeySteps} gives (docs/identity.md).
 */
function ownerFlags({ pb, pa, ctx }: TenantSides, flag: Emit): void {
  if (!pb || !pa) return;
  const ownerB = isObj(pb.body.spec) && isObj(pb.body.spec.owner) ? str(pb.body.spec.owner.name) : undefined;
  const ownerA = isObj(pa.body.spec) && isObj(pa.body.spec.owner) ? str(pa.body.spec.owner.name) : undefined;
  if (ownerB === ownerA) return;
  const shown = `${ownerB ?? '(none)'} → ${ownerA ?? '(none)'}`;
  const why = `the Profile controller stops reconciling ${pa.name} ("namespace already exist, but not owned by profile creator ${ownerA ?? ''}") until the namespace is re-keyed; in this order: ${ownerRekeySteps(pa.name, ownerA ?? '<new owner>').map((s, i) => `${i + 1}) ${s}`).join('; ')}`;
  if (ownerB === undefined || ownerA === undefined) {
    flag('owner-changed', `${shown}; ${why}`, true);
    return;
  }
  const change = { from: ownerB, to: ownerA };
  const ack = ownerAckFor(ctx.acks, pa.name, change);
  flag(
    'owner-changed',
    ack
      ? `${shown}; acknowledged in ${ACKS_FILE}: ${ack.reason}; ${why}`
      : `${shown}; CI fails until the platform team acknowledges it in ${ACKS_FILE} ({ tenant: ${pa.name}, owner: { from: ${ownerB}, to: ${ownerA} }, reason }); ${why} (docs/identity.md)`,
    !ack,
    undefined,
    change,
  );
}

/** Quota keys of both Profiles whose values differ, sorted. */
function changedQuotaKeys(pb: Parsed | undefined, pa: Parsed): { key: string; vb: string | undefined; va: string | undefined }[] {
  const qb = quotaOf(pb);
  const qa = quotaOf(pa);
  return [...new Set([...Object.keys(qb), ...Object.keys(qa)])]
    .sort(cmp)
    .filter((key) => qb[key] !== qa[key])
    .map((key) => ({ key, vb: qb[key], va: qa[key] }));
}

/** CPU, memory, storage and count caps raised or removed (GPUs are {@link gpuQuotaFlags}). */
function quotaFlags({ pb, pa, existedBefore }: TenantSides, flag: Emit): void {
  if (!pa || !existedBefore) return;
  for (const { key, vb, va } of changedQuotaKeys(pb, pa)) {
    if (isGpuQuotaKey(key)) continue;
    if (vb !== undefined && va === undefined && pb) flag('quota-raised', `${key}: cap ${vb} removed (now uncapped)`);
    else if (vb !== undefined && va !== undefined) {
      const b1 = Quantity.parse(vb);
      const a1 = Quantity.parse(va);
      if (b1 && a1 && a1.value > b1.value) flag('quota-raised', `${key}: ${describeIncrease(vb, va)}`);
    }
  }
}

/** Any GPU/MIG quota change, up or down: GPUs are scarce and shared, so every move is reviewed. */
function gpuQuotaFlags({ pb, pa, existedBefore }: TenantSides, flag: Emit): void {
  if (!pa) return;
  if (!existedBefore) {
    const gpus = Object.entries(quotaOf(pa)).filter(([k, v]) => isGpuQuotaKey(k) && v !== '0');
    for (const [k, v] of gpus) flag('gpu-quota-changed', `${k.includes('/mig-') ? 'MIG' : 'GPU'} ${k}: ${v} (new tenant)`);
    return;
  }
  for (const { key, vb, va } of changedQuotaKeys(pb, pa)) {
    if (!isGpuQuotaKey(key)) continue;
    const what = key.includes('/mig-') ? 'MIG' : key.endsWith('.shared') ? 'time-sliced GPU' : 'GPU';
    if (vb !== undefined && va !== undefined) flag('gpu-quota-changed', `${what} ${key}: ${describeIncrease(vb, va)}`);
    else flag('gpu-quota-changed', `${what} ${key}: ${vb ?? 'uncapped'} → ${va ?? 'uncapped'}`);
  }
}

function contributorFlags({ b, a }: TenantSides, flag: Emit): void {
  const cb = contributors(b);
  const ca = contributors(a);
  for (const [key, now] of [...ca.entries()].sort(([x], [y]) => cmp(x, y))) {
    const prev = cb.get(key);
    if (prev === undefined) flag('contributor-added', `${key} as ${now.roles.join(' + ')}${viaText(now.via)}`);
    else if (raised(prev.roles, now.roles)) flag('contributor-role-raised', `${key}: ${prev.roles.join(' + ')} → ${now.roles.join(' + ')}${viaText(now.via)}`);
  }
}

/** Roles and RoleBindings other than the contributor bindings: rules or subjects added, roleRef changed. */
function rbacGrantFlags({ b, a }: TenantSides, flag: Emit): void {
  for (const kind of ['Role', 'RoleBinding'] as const) {
    const names = new Set([...byKind(b, kind, RBAC_API_GROUP), ...byKind(a, kind, RBAC_API_GROUP)].filter((p) => !isContributorObject(p)).map(objectKey));
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
}

/** Non-DENY Istio AuthorizationPolicies other than the contributor ones: new sources allowed. */
function istioGrantFlags({ b, a }: TenantSides, flag: Emit): void {
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
}

/** One flag per tenant for its secrets, one for its hand-applied policies. */
function credentialFlags({ b, a }: TenantSides, flag: Emit): void {
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
}

/** NetworkPolicies (ingress and egress), Pod Security levels, mTLS and DENY policies removed or loosened; a removed tenant loses them all anyway. */
function isolationFlags({ b, a, existsAfter }: TenantSides, flag: Emit): void {
  if (!existsAfter) return;
  for (const x of byKind(b, 'NetworkPolicy', 'networking.k8s.io')) {
    const y = a.get(objectKey(x));
    if (!y) {
      flag('isolation-weakened', `${objName(x)} removed`);
      continue;
    }
    const nb = policyPeers(x);
    const na = policyPeers(y);
    const newPeers = [...na.peers].filter((p) => !nb.peers.has(p));
    const lostTypes = [...nb.types].filter((t) => !na.types.has(t));
    if (newPeers.length > 0) flag('isolation-weakened', `${objName(y)} admits more: ${newPeers.join('; ')}`);
    if (nb.types.has('Egress')) {
      const eb = policyPeers(x, 'egress').peers;
      const wider = [...policyPeers(y, 'egress').peers].filter((p) => !eb.has(p));
      if (wider.length > 0) flag('isolation-weakened', `${objName(y)} allows more egress: ${wider.join('; ')}`);
    }
    if (lostTypes.length > 0) flag('isolation-weakened', `${objName(y)} no longer restricts ${lostTypes.join(', ')}`);
    if (nb.selector !== na.selector) flag('isolation-weakened', `${objName(y)} podSelector ${nb.selector} → ${na.selector} (an empty selector covers every pod)`);
  }
  for (const x of byKind(b, 'Namespace', '')) {
    const y = a.get(objectKey(x));
    const lb = enforcedLevel(x);
    const la = y ? enforcedLevel(y) : undefined;
    if (la === undefined) flag('isolation-weakened', `${objName(x)} removed: nothing sets its Pod Security level (${lb}) any more`);
    else if ((POD_SECURITY_RANK[la] ?? 0) < (POD_SECURITY_RANK[lb] ?? 0)) flag('isolation-weakened', `${objName(y!)} Pod Security ${lb} → ${la}`);
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

const labelsOf = (p: Parsed): Record<string, string> => {
  const m = isObj(p.body.metadata) ? p.body.metadata : {};
  return isObj(m.labels) ? Object.fromEntries(Object.entries(m.labels).map(([k, v]) => [k, String(v)])) : {};
};

/** Whether moving the tier `from` → `to` lowers it; a removed tier, or one the list cannot order, counts as lowered. */
function tierLowered(from: string | undefined, to: string | undefined, tiers: readonly string[]): boolean {
  if (from === undefined) return false;
  if (to === undefined || !tiers.includes(from)) return true;
  return tiers.indexOf(to) < tiers.indexOf(from);
}

/** The acknowledgement matching a label change of `tenant`, if any (null in the file = absent). */
export function ackFor(acks: readonly Ack[], tenant: string, change: NonNullable<RiskFlag['label']>): LabelAck | undefined {
  return acks.filter((k): k is LabelAck => !isOwnerAck(k)).find((k) => k.tenant === tenant && k.label === change.key && k.from === (change.from ?? null) && k.to === (change.to ?? null));
}

/**
 * Every Profile label change, one flag each: moving the tenant to another team and lowering its
 * compliance tier block until acknowledged (the team approves its own file; budget, audit level and
 * placement follow these labels), any other change is listed.
 */
function labelFlags({ pb, pa, ctx }: TenantSides, flag: Emit): void {
  if (!pb || !pa) return;
  const lb = labelsOf(pb);
  const la = labelsOf(pa);
  const { team, complianceTier, complianceTiers } = ctx.labels;
  const tenant = pa.name;
  for (const key of [...new Set([...Object.keys(lb), ...Object.keys(la)])].sort(cmp)) {
    const from = lb[key];
    const to = la[key];
    if (from === to) continue;
    const change = { key, from, to };
    const shown = `${key}: ${from ?? '(none)'} → ${to ?? '(none)'}`;
    const kind: RiskKind | undefined =
      key === team && from !== undefined ? 'team-changed' : key === complianceTier && tierLowered(from, to, complianceTiers) ? 'compliance-tier-lowered' : undefined;
    if (!kind) {
      flag('label-changed', shown, false, change);
      continue;
    }
    const why = kind === 'team-changed' ? 'quota budget, audit level and placement follow the team' : `tiers lowest to highest: ${complianceTiers.join(', ')}; audit level and placement follow the tier`;
    const ack = ackFor(ctx.acks, tenant, change);
    flag(
      kind,
      ack
        ? `${shown} (${why}); acknowledged in ${ACKS_FILE}: ${ack.reason}`
        : `${shown} (${why}); CI fails until the platform team acknowledges it in ${ACKS_FILE} (docs/gitops.md "Platform labels and acknowledgements")`,
      !ack,
      change,
    );
  }
}

/** The annotation naming the person a LocalQueue belongs to (lib/constructs/kueue.ts). */
const QUEUE_USER_ANNOTATION = 'kubeflow-tenants/queue-user';

/**
 * Personal Kueue queues (docs/queues.md): a LocalQueue that becomes a person's, or changes hands.
 * Only that person's own API server identity may submit to it (the user-queue admission policy),
 * and the quota behind it is carved out of the tenant's shared queue.
 */
function personalQueueFlags({ b, a }: TenantSides, flag: Emit): void {
  const userOf = (p: Parsed | undefined): string | undefined => {
    const meta = p && isObj(p.body.metadata) ? p.body.metadata : {};
    const ann = isObj(meta.annotations) ? meta.annotations : {};
    return typeof ann[QUEUE_USER_ANNOTATION] === 'string' ? (ann[QUEUE_USER_ANNOTATION] as string) : undefined;
  };
  for (const y of byKind(a, 'LocalQueue', 'kueue.x-k8s.io').sort((p, q) => cmp(p.name, q.name))) {
    const user = userOf(y);
    if (user === undefined) continue;
    const before = userOf(b.get(objectKey(y)));
    if (before === user) continue;
    flag('personal-queue-added', `${user} ${before === undefined ? 'gets' : `takes over from ${before}`} the personal queue ${y.name}: only their own API server identity may submit to it, with quota taken from the tenant's shared queue`);
  }
}

const TENANT_CHECKS: readonly ((t: TenantSides, flag: Emit) => void)[] = [
  reviewedExceptionFlags,
  lifecycleFlags,
  profileProtectionFlags,
  ownerFlags,
  quotaFlags,
  gpuQuotaFlags,
  contributorFlags,
  personalQueueFlags,
  rbacGrantFlags,
  istioGrantFlags,
  credentialFlags,
  isolationFlags,
  labelFlags,
];

/** The ApplicationSet's guards against Argo CD deleting tenant Applications (and so Profiles). */
function applicationSetFlags(b: Side, a: Side, flag: Emit): void {
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
}

/**
 * The Kyverno ClusterPolicies synth emitted before the guard became ValidatingPolicies (Kyverno 1.19
 * deprecates ClusterPolicy), by name: what each one guarded. Kept so that a diff across the
 * migration, or a tree that still has one, is judged.
 */
const LEGACY_CLUSTER_POLICIES: Readonly<Record<string, RiskKind>> = {
  'kubeflow-tenants-profile-deletion': 'deletion-protection-removed',
  'kubeflow-tenants-profile-rules': 'isolation-weakened',
};

/** Denies what violates it: `Deny` among the spec's validationActions (a binding's, or a Kyverno ValidatingPolicy's own). */
const denies = (p: Parsed): boolean => JSON.stringify(isObj(p.body.spec) ? p.body.spec.validationActions : undefined).includes('"Deny"');

/**
 * Kyverno ClusterPolicies removed or switched to Audit. Removing one is no flag when the Kyverno
 * guard that replaces it (the Profile guard ValidatingPolicy, denying) is there after the change.
 */
function clusterPolicyFlags(b: Side, a: Side, flag: Emit): void {
  const successor = byKind(a, 'ValidatingPolicy', 'policies.kyverno.io').find((p) => p.name === PROFILE_GUARD_POLICY && denies(p));
  for (const x of byKind(b, 'ClusterPolicy', 'kyverno.io')) {
    const kind: RiskKind = LEGACY_CLUSTER_POLICIES[x.name] ?? 'isolation-weakened';
    const what = kind === 'deletion-protection-removed' ? 'Profiles can be deleted without being decommissioned' : 'objects it checked are admitted unchecked';
    const y = a.get(objectKey(x));
    if (!y) {
      if (!(successor && x.name in LEGACY_CLUSTER_POLICIES)) flag(kind, `ClusterPolicy ${x.name} removed: ${what}`);
    } else if (JSON.stringify(y.body.spec).includes('"Audit"') && !JSON.stringify(x.body.spec).includes('"Audit"')) {
      flag(kind, `ClusterPolicy ${x.name} switched to Audit: violations are only reported, not refused`);
    }
  }
}

/**
 * The in-cluster guard (lib/constructs/admission-guard.ts, lib/constructs/kyverno.ts): its
 * ValidatingAdmissionPolicies and bindings, and its Kyverno ValidatingPolicies. Each policy guards
 * deletion (of Profiles, of tenant namespaces), so one removed, or one that stops denying (a
 * binding's or a Kyverno policy's validationActions without Deny), removes deletion protection.
 */
function guardPolicyFlags(b: Side, a: Side, flag: Emit): void {
  const kinds = [
    { kind: 'ValidatingAdmissionPolicy', group: 'admissionregistration.k8s.io', actions: false },
    { kind: 'ValidatingAdmissionPolicyBinding', group: 'admissionregistration.k8s.io', actions: true },
    { kind: 'ValidatingPolicy', group: 'policies.kyverno.io', actions: true },
  ];
  for (const { kind, group, actions } of kinds) {
    for (const x of byKind(b, kind, group)) {
      const y = a.get(objectKey(x));
      if (!y) flag('deletion-protection-removed', `${kind} ${x.name} removed: what it refused (deleting what is not decommissioned, Profiles breaking the rules) is admitted`);
      else if (actions && denies(x) && !denies(y)) {
        flag('deletion-protection-removed', `${kind} ${x.name} no longer denies (validationActions without Deny): violations are only reported, not refused`);
      }
    }
  }
}

/** A tenant's AppProject is its blast radius: more destinations or cluster-scoped kinds widen it. */
function appProjectFlags(b: Side, a: Side, flag: Emit): void {
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

const CLUSTER_CHECKS: readonly ((b: Side, a: Side, flag: Emit) => void)[] = [applicationSetFlags, clusterPolicyFlags, guardPolicyFlags, appProjectFlags];

/**
 * The flags of one changed group, given its parsed objects on both sides and the two whole trees
 * (a tenant is added or removed when its folder is absent from one of them). Unsorted: see
 * {@link sortFlags}.
 */
export function riskFlags(
  g: string,
  b: Side,
  a: Side,
  treeBefore: ReadonlyMap<string, string>,
  treeAfter: ReadonlyMap<string, string>,
  ctx: RiskContext = DEFAULT_RISK_CONTEXT,
): RiskFlag[] {
  const out: RiskFlag[] = [];
  const flag: Emit = (kind, message, blocking = false, label, owner) => void out.push({ kind, group: g, message, blocking, ...(label ? { label } : {}), ...(owner ? { owner } : {}) });
  if (isClusterGroup(g)) {
    for (const check of CLUSTER_CHECKS) check(b, a, flag);
    return out;
  }
  if (g === OTHER_GROUP) {
    // In a fleet each cluster has its own audit pipeline (clusters/<c>/platform/audit/): compared cluster by cluster.
    const prefixes = new Set([...b.values(), ...a.values()].map((p) => CLUSTER_PREFIX.exec(p.file)?.[0] ?? ''));
    return [...prefixes].sort(cmp).flatMap((pre) => auditFlags(underPrefix(b, pre), underPrefix(a, pre)));
  }
  const t: TenantSides = {
    b,
    a,
    pb: byKind(b, 'Profile', 'kubeflow.org')[0],
    pa: byKind(a, 'Profile', 'kubeflow.org')[0],
    // A bundle that only changed layout (opting into a fleet) was neither added nor removed.
    existedBefore: hasGroup(treeBefore, g) || (g.includes('@') && hasGroup(treeBefore, tenantOfGroup(g))),
    existsAfter: hasGroup(treeAfter, g) || (!g.includes('@') && hasTenant(treeAfter, g)),
    ctx,
  };
  for (const check of TENANT_CHECKS) check(t, flag);
  return out;
}

const CLUSTER_PREFIX = /^clusters\/[^/]+\//;

/** The objects of one side whose file is under `prefix` ('' = outside every cluster folder), paths made relative to it. */
function underPrefix(side: Side, prefix: string): Side {
  const out: Side = new Map();
  for (const [k, p] of side) {
    const own = CLUSTER_PREFIX.exec(p.file)?.[0] ?? '';
    if (own === prefix) out.set(k, { ...p, file: p.file.slice(prefix.length) });
  }
  return out;
}

/** Tenants of `dist/platform/audit/routing.json` on one side (none when audit is off there). */
function auditRouting(side: Side): Map<string, { level: string; storeId: string }> {
  const file = [...side.values()].find((p) => p.file === AUDIT_FILES.routing);
  const tenants = file && isObj(file.body.tenants) ? file.body.tenants : {};
  return new Map(Object.entries(tenants).filter((e): e is [string, Json] => isObj(e[1])).map(([t, v]) => [t, { level: String(v.level), storeId: String(v.storeId) }]));
}

/**
 * Audit flags, from the routing table (lib/constructs/audit.ts): a tenant whose writes are now
 * logged at a lower level (its tier lowered, its own raise removed, the platform's levels changed),
 * and a tenant whose events no longer reach a stream of its own (removed, or audit switched off),
 * each reported on the tenant. The policy only changes in the API server at its next restart.
 */
function auditFlags(b: Side, a: Side): RiskFlag[] {
  const before = auditRouting(b);
  const after = auditRouting(a);
  const out: RiskFlag[] = [];
  for (const [t, was] of before) {
    const now = after.get(t);
    if (!now) {
      out.push({ kind: 'audit-routing-left', group: t, message: `its audit events no longer reach ${was.storeId}: from the next collector reload they go to the platform stream; keep ${was.storeId}'s retention until it expires`, blocking: false });
    } else if (auditLevelRank(now.level) < auditLevelRank(was.level)) {
      out.push({ kind: 'audit-level-lowered', group: t, message: `writes in its namespace logged at ${now.level}, was ${was.level} (dist/platform/audit/policy.yaml; takes effect when the API server restarts)`, blocking: false });
    }
  }
  out.push(...auditReaderFlags(b, a));
  return out;
}

/** Readers of each stream in `dist/platform/audit/readers.json` on one side: `User <id>` / `Group <name>` -> how. */
function auditReaders(side: Side): Map<string, { tenant: string | undefined; readers: Map<string, string> }> {
  const file = [...side.values()].find((p) => p.file === AUDIT_FILES.readers);
  const streams = file && isObj(file.body.streams) ? file.body.streams : {};
  const out = new Map<string, { tenant: string | undefined; readers: Map<string, string> }>();
  for (const [id, s] of Object.entries(streams)) {
    if (!isObj(s)) continue;
    const readers = new Map<string, string>();
    for (const u of Array.isArray(s.users) ? s.users : []) if (isObj(u)) readers.set(`${String(u.identity)}`, `via ${Array.isArray(u.via) ? u.via.join(', ') : '?'}`);
    for (const g of Array.isArray(s.groups) ? s.groups : []) if (isObj(g)) readers.set(`group ${String(g.group)}`, 'as a group (groups header)');
    out.set(id, { tenant: str(s.tenant), readers });
  }
  return out;
}

/**
 * A new reader of an audit stream (lib/constructs/audit.ts `readersTable`): the trail of everything done
 * in a tenant namespace, request bodies included at Request and RequestResponse; reported on the
 * tenant (the platform stream's on `(other)`), also when audit is switched on.
 */
function auditReaderFlags(b: Side, a: Side): RiskFlag[] {
  const before = auditReaders(b);
  const out: RiskFlag[] = [];
  for (const [id, now] of auditReaders(a)) {
    const was = before.get(id)?.readers ?? new Map<string, string>();
    for (const [who, how] of now.readers) {
      if (was.has(who)) continue;
      const what = now.tenant === undefined ? 'the platform stream (every event of no tenant: cluster-scoped objects, system namespaces)' : `${now.tenant}'s audit trail`;
      out.push({ kind: 'audit-reader-added', group: now.tenant ?? OTHER_GROUP, message: `${who} now reads ${id} (${how}) through the read gateway: ${what}, request bodies included at Request and RequestResponse`, blocking: false });
    }
  }
  return out;
}

/** Where a tenant's bundles are on one side of a fleet tree: cluster -> home, decommissioned copy, or burst guest (of which home). */
type Places = Map<string, Map<string, { role: 'home' | 'decommissioned' | 'guest'; guestOf?: string }>>;

const FLEET_PROFILE = /^clusters\/([^/]+)\/tenants\/([^/]+)\/Profile\.([^/]+)\.yaml$/;

function fleetPlaces(tree: ReadonlyMap<string, string>, tenants: ReadonlySet<string>): Places {
  const out: Places = new Map();
  for (const [file, text] of tree) {
    const m = FLEET_PROFILE.exec(file);
    if (!m || m[2] !== m[3] || !tenants.has(m[2]!)) continue;
    let ann: Record<string, unknown> = {};
    try {
      const doc = yaml.load(text);
      if (isObj(doc)) ann = annotationsOf(doc);
    } catch {
      // unreadable: counted as a home bundle (the safe reading)
    }
    const guestOf = str(ann[BURST_GUEST_ANNOTATION]);
    const role = guestOf !== undefined ? 'guest' : ann[DECOMMISSIONED_ANNOTATION] === 'true' ? 'decommissioned' : 'home';
    const t = m[2]!;
    if (!out.has(t)) out.set(t, new Map());
    out.get(t)!.set(m[1]!, { role, ...(guestOf !== undefined ? { guestOf } : {}) });
  }
  return out;
}

/**
 * The fleet's flags (docs/fleet.md), from the Profiles of the bundles of both trees: a tenant whose
 * home cluster changes (TENANT MOVES CLUSTER: what stays behind on the old cluster), a tenant moving
 * from the single-cluster layout into a fleet, and a tenant starting or stopping to burst to a
 * cluster (a guest bundle appears or disappears). Only tenants with a changed Profile or bundle
 * folder are read: a large fleet with a small change costs little.
 */
export function fleetFlags(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): RiskFlag[] {
  const touched = new Set<string>();
  const note = (tree: ReadonlyMap<string, string>, other: ReadonlyMap<string, string>): void => {
    for (const [file, text] of tree) {
      const m = FLEET_PROFILE.exec(file);
      if (m && other.get(file) !== text) touched.add(m[2]!);
    }
  };
  note(before, after);
  note(after, before);
  if (touched.size === 0) return [];
  const b = fleetPlaces(before, touched);
  const a = fleetPlaces(after, touched);
  const out: RiskFlag[] = [];
  const homes = (p: Places, t: string): string[] => [...(p.get(t) ?? new Map()).entries()].filter(([, v]) => v.role === 'home').map(([c]) => c).sort(cmp);
  const guests = (p: Places, t: string): string[] => [...(p.get(t) ?? new Map()).entries()].filter(([, v]) => v.role === 'guest').map(([c]) => c).sort(cmp);
  for (const t of [...touched].sort(cmp)) {
    const hb = homes(b, t);
    const ha = homes(a, t);
    const from = hb.filter((c) => !ha.includes(c));
    const to = ha.filter((c) => !hb.includes(c));
    if (from.length > 0 && to.length > 0) {
      const left = from.map((c) => {
        const kept = a.get(t)?.get(c)?.role === 'decommissioned';
        return kept
          ? `on ${c} stay behind, decommissioned (access revoked): the Profile, namespace "${t}" and everything in it - volumes (PVCs), notebooks' workspaces, models and other files written to the cluster - until placement.migratingFrom is removed, which deletes them`
          : `on ${c} nothing is kept: its namespace, volumes and data would be deleted`;
      });
      out.push({
        kind: 'tenant-moves-cluster',
        group: t,
        message: `home ${from.join(', ')} → ${to.join(', ')}: ${left.join('; ')}. Nothing moves by itself: copy the volumes' data to ${to.join(', ')} (the object store and Vault are the org's and stay reachable), then remove migratingFrom (docs/fleet.md "Moving a tenant")`,
        blocking: false,
      });
    } else if (to.length > 0 && hasGroup(before, t)) {
      out.push({
        kind: 'tenant-moves-cluster',
        group: t,
        message: `moves from the single-cluster layout (dist/tenants/${t}/) to cluster ${to.join(', ')} (dist/clusters/${to[0]}/tenants/${t}/): opting into the fleet; the namespace stays where it is only if ${to[0]} is the cluster Argo CD delivered dist/tenants/ to (docs/fleet.md "Opting into a fleet")`,
        blocking: false,
      });
    }
    const gb = guests(b, t);
    const ga = guests(a, t);
    for (const c of ga.filter((x) => !gb.includes(x))) {
      out.push({
        kind: 'burst-changed',
        group: t,
        message: `starts bursting to ${c}: work submitted to its burst queue runs on ${c} in a guest namespace "${t}" with the tenant's credentials (whoever may submit there runs code with them on ${c}); volumes do not follow, and the work counts against ${c}'s capacity`,
        blocking: false,
      });
    }
    for (const c of gb.filter((x) => !ga.includes(x))) {
      out.push({ kind: 'burst-changed', group: t, message: `stops bursting to ${c}: its guest namespace there is removed with any burst work still in it`, blocking: false });
    }
  }
  return out;
}

/** Acknowledgements that match no label or owner change of the report: to be removed once their change is merged. */
export function staleAckFlags(acks: readonly Ack[], flags: readonly RiskFlag[]): RiskFlag[] {
  const matched = (k: Ack): boolean =>
    isOwnerAck(k)
      ? flags.some((f) => f.owner !== undefined && ownerAckFor([k], tenantOfGroup(f.group), f.owner) !== undefined)
      : flags.some((f) => f.label !== undefined && ackFor([k], tenantOfGroup(f.group), f.label) !== undefined);
  return acks
    .map((k, i) => ({ k, i }))
    .filter(({ k }) => !matched(k))
    .map(({ k, i }) => ({
      kind: 'stale-acknowledgement' as const,
      group: k.tenant,
      message: isOwnerAck(k)
        ? `${ACKS_FILE}[${i}] (owner: ${k.owner.from} → ${k.owner.to}) matches no owner change in this diff; remove it once its change is merged`
        : `${ACKS_FILE}[${i}] (${k.label}: ${k.from ?? '(none)'} → ${k.to ?? '(none)'}) matches no label change in this diff; remove it once its change is merged`,
      blocking: false,
    }));
}

/** {@link RISK_KINDS} order, then by group, then by message: the report's order, whatever the checks' order. */
export function sortFlags(flags: RiskFlag[]): RiskFlag[] {
  const order = new Map(RISK_KINDS.map((k, i) => [k.kind, i]));
  return flags.sort((x, y) => order.get(x.kind)! - order.get(y.kind)! || groupOrder(x.group, y.group) || cmp(x.message, y.message));
}
