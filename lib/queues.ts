/**
 * Kueue queues: the checks of the platform's `kueue` settings, of a tenant's `queue` and of all
 * queues together (capacity, team budgets, names), and their resolution into the Kueue model
 * (`resolveKueue`): ResourceFlavors, the Cohort tree, ClusterQueues, LocalQueues, the user-queue map
 * and the ResourceQuota GPU values derived from the queues (`queueQuotaGpu`).
 * Semantics of every field: docs/queues.md.
 */
import type { RoleName } from './declarations/contributors';
import type { PlatformSettings } from './declarations/platform';
import type { FlavorQuotas, KueueSettings, QueueLimits, TenantQueueSpec } from './declarations/queues';
import { burstClusterQueueName } from './model/names';
import { KUEUE_FRAMEWORKS } from './declarations/queues';
import type { TenantSpec } from './declarations/tenant';
import { resolveContributors } from './contributors';
import { inventoryResources } from './gpu';
import { canonicalQuantity, Quantity } from './quantity';
import type { CheckContext, TenantEntry } from './validation';
import { at, checkCount, checkDnsLabel, checkObject, ErrorList, FieldError, isEmail, isLabelKey, isLabelValue, isPlainObject, Shown } from './validation';

/** The label Kueue reads a workload's LocalQueue from (fixed by Kueue). */
export const QUEUE_NAME_LABEL = 'kueue.x-k8s.io/queue-name';
/** The LocalQueue of a tenant's shared quota; Kueue's LocalQueue defaulting puts unlabelled Jobs in it. */
export const DEFAULT_LOCAL_QUEUE = 'default';
/** Kueue's structural limits (ClusterQueue and Cohort `resourceGroups`, v1beta2 CRD). */
export const KUEUE_LIMITS = { groups: 16, flavorsPerGroup: 64, resourcesPerGroup: 64, flavorsTotal: 256, resourcesTotal: 256 } as const;

const PLATFORM_FILE = 'platform.ts';
const FLAVOR_FIELDS = ['nodeLabels', 'nodeTaints', 'tolerations', 'resources', 'timeSliced'] as const;
const QUEUE_FIELDS = ['flavors', 'users', 'outsideKueue'] as const satisfies readonly (keyof TenantQueueSpec)[];
const LIMIT_FIELDS = ['nominal', 'borrowingLimit', 'lendingLimit'] as const satisfies readonly (keyof QueueLimits)[];
const USER_FIELDS = ['flavors', 'subject', 'queueName'] as const;
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NON_GPU_RESOURCES = ['cpu', 'memory', 'ephemeral-storage', 'pods'];

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Whether Kueue is in use: the platform declares capacity. */
export function kueueEnabled(platform: PlatformSettings): boolean {
  return Object.keys(platform.kueue.flavors).length > 0;
}

/** Whether `resource` is a GPU resource of the platform inventory (counted in whole units, mirrored by the ResourceQuota). */
export function isGpuResource(resource: string, platform: PlatformSettings): boolean {
  return inventoryResources(platform.gpu).includes(resource);
}

/** Milli-units as a canonical quantity string; whole bytes with the largest exact binary suffix (`192Gi`). */
export function quantityOfMilli(milli: bigint, resource = ''): string {
  if ((resource === 'memory' || resource === 'ephemeral-storage') && milli > 0n && milli % 1000n === 0n) {
    let n = milli / 1000n;
    const suffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
    let i = 0;
    while (i < suffixes.length - 1 && n % 1024n === 0n) {
      n /= 1024n;
      i++;
    }
    return `${n}${suffixes[i]}`;
  }
  return canonicalQuantity(`${milli}m`);
}

// ---------------------------------------------------------------------------------------------
// Platform: capacity and resource groups
// ---------------------------------------------------------------------------------------------

/** Capacity of one flavor: resource -> milli-units, in the flavor's declared order (time-sliced last). */
export interface FlavorCapacity {
  readonly name: string;
  readonly resources: ReadonlyMap<string, bigint>;
}

/** A Kueue resource group: resources that exactly the same flavors offer. */
export interface ResourceGroup {
  /** Sorted. */
  readonly resources: readonly string[];
  /** In declaration order. */
  readonly flavors: readonly string[];
}

/** Capacity by flavor, parsed leniently: unparsable entries are left out (the platform check reports them). */
export function flavorCapacities(k: KueueSettings): FlavorCapacity[] {
  const out: FlavorCapacity[] = [];
  for (const [name, f] of Object.entries(k.flavors ?? {})) {
    const resources = new Map<string, bigint>();
    for (const [r, v] of Object.entries((isPlainObject(f) && isPlainObject(f.resources) ? f.resources : {}) as Record<string, unknown>)) {
      const q = typeof v === 'string' || typeof v === 'number' ? Quantity.parse(v) : undefined;
      if (q && q.value >= 0) resources.set(r, q.milli);
    }
    for (const [r, v] of Object.entries((isPlainObject(f) && isPlainObject(f.timeSliced) ? f.timeSliced : {}) as Record<string, unknown>)) {
      if (isPlainObject(v) && Number.isSafeInteger(v.gpus) && Number.isSafeInteger(v.replicas)) resources.set(r, BigInt(v.gpus as number) * BigInt(v.replicas as number) * 1000n);
    }
    out.push({ name, resources });
  }
  return out;
}

/** Resource groups: resources grouped by the set of flavors offering them, ordered by their first resource. */
export function resourceGroups(capacities: readonly FlavorCapacity[]): ResourceGroup[] {
  const byResource = new Map<string, string[]>();
  for (const f of capacities) for (const r of f.resources.keys()) byResource.set(r, [...(byResource.get(r) ?? []), f.name]);
  const byFlavors = new Map<string, { resources: string[]; flavors: string[] }>();
  for (const [r, flavors] of [...byResource].sort(([a], [b]) => cmp(a, b))) {
    const key = flavors.join('\u0000');
    const g = byFlavors.get(key);
    if (g) g.resources.push(r);
    else byFlavors.set(key, { resources: [r], flavors });
  }
  return [...byFlavors.values()];
}

/** Checks platform.ts `kueue` (called by lib/platform.ts `checkPlatform`). */
export function checkKueueSettings(out: ErrorList, p: PlatformSettings): void {
  const k = p.kueue;
  const base = 'kueue';
  if (!isPlainObject(k.flavors)) {
    out.invalid(`${base}.flavors`, k.flavors, 'must map flavor names to their nodes and capacity, e.g. { a100: { nodeLabels: {...}, resources: { "nvidia.com/gpu": 16 } } }');
    return;
  }
  const gpus = inventoryResources(p.gpu);
  const timeSliced = new Set(p.gpu.timeSliced);
  for (const [name, f] of Object.entries(k.flavors)) {
    const path = at.key(`${base}.flavors`, name);
    if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) out.invalid(path, name, 'a flavor name is a ResourceFlavor name: lowercase letters, digits, "-" and ".", e.g. "a100-80gb"');
    if (!checkObject(out, path, f, FLAVOR_FIELDS)) continue;
    for (const [key, v] of Object.entries((f.nodeLabels ?? {}) as Record<string, unknown>)) {
      if (!isLabelKey(key)) out.invalid(at.key(`${path}.nodeLabels`, key), key, 'not a label key');
      else if (typeof v !== 'string' || !isLabelValue(v)) out.invalid(at.key(`${path}.nodeLabels`, key), v, 'not a label value');
    }
    ((f.nodeTaints ?? []) as unknown[]).forEach((t, i) => {
      const tp = at.index(`${path}.nodeTaints`, i);
      if (!checkObject(out, tp, t, ['key', 'value', 'effect'])) return;
      if (typeof t.key !== 'string' || !isLabelKey(t.key)) out.invalid(`${tp}.key`, t.key, 'a taint key, e.g. "nvidia.com/gpu"');
      if (!TAINT_EFFECTS.includes(t.effect as string)) out.add(`${tp}.effect`, 'Unsupported value', t.effect, `supported values: ${TAINT_EFFECTS.join(', ')}`);
    });
    ((f.tolerations ?? []) as unknown[]).forEach((t, i) => {
      const tp = at.index(`${path}.tolerations`, i);
      if (!checkObject(out, tp, t, ['key', 'operator', 'value', 'effect'])) return;
      if (t.operator !== undefined && t.operator !== 'Equal' && t.operator !== 'Exists') out.add(`${tp}.operator`, 'Unsupported value', t.operator, 'supported values: Equal, Exists');
      if (t.key === undefined && t.operator !== 'Exists') out.required(`${tp}.key`, 'a toleration without key must have operator "Exists"');
      if (t.effect !== undefined && !TAINT_EFFECTS.includes(t.effect as string)) out.add(`${tp}.effect`, 'Unsupported value', t.effect, `supported values: ${TAINT_EFFECTS.join(', ')}`);
    });
    const resources = (f.resources ?? {}) as Record<string, unknown>;
    if (!isPlainObject(resources)) out.invalid(`${path}.resources`, resources, 'must map resource names to amounts, e.g. { "nvidia.com/gpu": 16, cpu: "512", memory: "4Ti" }');
    for (const [r, v] of Object.entries(isPlainObject(resources) ? resources : {})) {
      const rp = at.key(`${path}.resources`, r);
      if (timeSliced.has(r)) out.invalid(rp, r, `a time-sliced resource; declare it under ${path}.timeSliced as { gpus, replicas }, so the sharing factor is explicit`);
      else if (gpus.includes(r)) checkCount(out, rp, v);
      else if (NON_GPU_RESOURCES.includes(r)) {
        const q = typeof v === 'string' || typeof v === 'number' ? Quantity.parse(v) : undefined;
        if (!q || q.value < 0 || !q.milliExact) out.invalid(rp, v, 'not a non-negative quantity with at most three decimals, e.g. "512" or "4Ti"');
      } else out.add(rp, 'Unsupported value', r, `not a resource of this platform; valid: ${[...NON_GPU_RESOURCES, ...gpus.filter((g) => !timeSliced.has(g))].join(', ')}`);
    }
    const ts = (f.timeSliced ?? {}) as Record<string, unknown>;
    for (const [r, v] of Object.entries(isPlainObject(ts) ? ts : {})) {
      const rp = at.key(`${path}.timeSliced`, r);
      if (!timeSliced.has(r)) {
        out.add(rp, 'Unsupported value', r, `not a time-sliced resource of the GPU inventory (gpu.timeSliced: ${[...timeSliced].join(', ') || 'none'})`);
        continue;
      }
      if (!checkObject(out, rp, v, ['gpus', 'replicas'])) continue;
      for (const field of ['gpus', 'replicas'] as const) {
        const n = v[field];
        if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) out.invalid(`${rp}.${field}`, n, field === 'gpus' ? 'the number of physical GPUs shared, a whole number of at least 1' : "the device plugin's replicas per GPU, a whole number of at least 1");
      }
    }
    if (Object.keys(isPlainObject(resources) ? resources : {}).length + Object.keys(isPlainObject(ts) ? ts : {}).length === 0) {
      out.required(`${path}.resources`, 'what the flavor\'s nodes offer together, e.g. { "nvidia.com/gpu": 16 }');
    }
  }
  const caps = flavorCapacities(k);
  const offered = new Set(caps.flatMap((c) => [...c.resources.keys()]));
  if (!Array.isArray(k.excludeResources)) out.invalid(`${base}.excludeResources`, k.excludeResources, 'a list of resource names, e.g. ["cpu", "memory"]');
  const excluded = Array.isArray(k.excludeResources) ? k.excludeResources : [];
  excluded.forEach((r, i) => {
    if (offered.has(r)) out.invalid(at.index(`${base}.excludeResources`, i), r, 'offered by a flavor, so queues cover it; remove it from one of the two');
  });
  if (caps.length > 0) {
    for (const r of ['cpu', 'memory']) {
      if (!offered.has(r) && !excluded.includes(r)) {
        out.required(
          `${base}.flavors`,
          `${r} is neither offered by a flavor nor excluded (kueue.excludeResources): with Kueue's default quotaCheckStrategy BlockUndeclared a Job requesting ${r} (every pod does, the LimitRange sets a default request) would never be admitted; add ${r} to a flavor's resources, or list it in kueue.excludeResources to leave it to the ResourceQuota`,
        );
      }
    }
    checkGroups(out, caps);
  }
  if (!isPlainObject(k.teams)) out.invalid(`${base}.teams`, k.teams, 'must map team label values to { budget, weight }');
  for (const [team, t] of Object.entries(isPlainObject(k.teams) ? k.teams : {})) {
    const tp = at.key(`${base}.teams`, team);
    if (!isLabelValue(team) || team === '') out.invalid(tp, team, `not a value of the team label (${p.labels.team})`);
    if (!checkObject(out, tp, t, ['budget', 'weight'])) continue;
    if (t.weight !== undefined && (typeof t.weight !== 'number' || !Number.isFinite(t.weight) || t.weight <= 0)) out.invalid(`${tp}.weight`, t.weight, 'a fair-sharing weight above 0, e.g. 1 or 2.5');
    if (t.budget === undefined) continue;
    if (!isPlainObject(t.budget)) {
      out.invalid(`${tp}.budget`, t.budget, 'must map flavors to resources to amounts, e.g. { a100: { "nvidia.com/gpu": 50 } }');
      continue;
    }
    for (const [flavor, rs] of Object.entries(t.budget)) {
      const fp = at.key(`${tp}.budget`, flavor);
      const cap = caps.find((c) => c.name === flavor);
      if (!cap) {
        out.add(fp, 'Unsupported value', flavor, unknownFlavor(caps));
        continue;
      }
      if (!isPlainObject(rs)) {
        out.invalid(fp, rs, 'must map resources to amounts, e.g. { "nvidia.com/gpu": 50 }');
        continue;
      }
      for (const [r, v] of Object.entries(rs)) {
        const rp = at.key(fp, r);
        if (!cap.resources.has(r)) out.add(rp, 'Unsupported value', r, unknownResource(flavor, cap));
        else parseAmount(out, rp, v, r, p);
      }
    }
  }
  if (typeof k.allowOvercommit !== 'boolean') out.invalid(`${base}.allowOvercommit`, k.allowOvercommit, 'must be true or false');
  checkDnsLabel(out, `${base}.rootCohort`, k.rootCohort);
  checkDnsLabel(out, `${base}.namespace`, k.namespace);
  (Array.isArray(k.integrations) ? k.integrations : []).forEach((f, i) => {
    if (!(KUEUE_FRAMEWORKS as readonly string[]).includes(f)) out.add(at.index(`${base}.integrations`, i), 'Unsupported value', f, `supported values: ${KUEUE_FRAMEWORKS.join(', ')}`);
  });
  if (typeof k.apiServerUsernamePrefix !== 'string') out.invalid(`${base}.apiServerUsernamePrefix`, k.apiServerUsernamePrefix, 'the API server\'s --oidc-username-prefix, e.g. "oidc:" ("" for none)');
  (Array.isArray(k.exemptUsers) ? k.exemptUsers : []).forEach((u, i) => {
    if (typeof u !== 'string' || u === '') out.invalid(at.index(`${base}.exemptUsers`, i), u, 'an API server username, e.g. "system:serviceaccount:kube-system:job-controller"');
  });
}

/** Kueue's structural limits on the derived resource groups. */
function checkGroups(out: ErrorList, caps: readonly FlavorCapacity[]): void {
  const groups = resourceGroups(caps);
  // A flavor in two groups: Kueue allows a flavor in one resource group only.
  for (const f of caps) {
    const mine = groups.filter((g) => g.flavors.includes(f.name));
    if (mine.length < 2) continue;
    const detail = mine
      .map((g) => `${g.resources.join(', ')} (offered by ${g.flavors.join(', ')})`)
      .join('; ');
    out.invalid(
      at.key('kueue.flavors', f.name),
      f.name,
      `its resources fall into ${mine.length} Kueue resource groups: ${detail}; Kueue puts a flavor in one resource group only, and all flavors of a group offer the same resources: give the flavors offering any of these the same resources, or move cpu and memory to a flavor of their own (docs/queues.md "Resource groups")`,
    );
  }
  if (groups.length > KUEUE_LIMITS.groups) out.invalid('kueue.flavors', `${groups.length} resource groups`, `Kueue allows at most ${KUEUE_LIMITS.groups} resource groups per queue; offer the same resources from more flavors`);
  for (const g of groups) {
    if (g.flavors.length > KUEUE_LIMITS.flavorsPerGroup) out.invalid('kueue.flavors', `${g.flavors.length} flavors offering ${g.resources.join(', ')}`, `Kueue allows at most ${KUEUE_LIMITS.flavorsPerGroup} flavors per resource group`);
    if (g.resources.length > KUEUE_LIMITS.resourcesPerGroup) out.invalid('kueue.flavors', `${g.resources.length} resources offered by ${g.flavors.join(', ')}`, `Kueue allows at most ${KUEUE_LIMITS.resourcesPerGroup} resources per resource group`);
  }
  const flavors = groups.reduce((n, g) => n + g.flavors.length, 0);
  const resources = groups.reduce((n, g) => n + g.resources.length, 0);
  if (flavors > KUEUE_LIMITS.flavorsTotal) out.invalid('kueue.flavors', `${flavors} flavors`, `Kueue allows at most ${KUEUE_LIMITS.flavorsTotal} flavors across all resource groups`);
  if (resources > KUEUE_LIMITS.resourcesTotal) out.invalid('kueue.flavors', `${resources} resources`, `Kueue allows at most ${KUEUE_LIMITS.resourcesTotal} covered resources across all resource groups`);
}

const unknownFlavor = (caps: readonly FlavorCapacity[]): string =>
  `not a flavor of the platform's capacity (platform.ts kueue.flavors); valid: ${caps.map((c) => c.name).join(', ') || '(none)'}`;
const unknownResource = (flavor: string, cap: FlavorCapacity): string => `flavor "${flavor}" does not offer it; it offers ${[...cap.resources.keys()].join(', ')}`;

/** An amount of `resource`: whole counts for GPU resources, quantities otherwise; milli-units. */
function parseAmount(out: ErrorList, path: string, v: unknown, resource: string, p: PlatformSettings): bigint | undefined {
  if (isGpuResource(resource, p)) {
    const n = checkCount(out, path, v);
    return n === undefined ? undefined : BigInt(n) * 1000n;
  }
  const q = typeof v === 'string' || typeof v === 'number' ? Quantity.parse(v) : undefined;
  if (!q || q.value < 0 || !q.milliExact) {
    out.invalid(path, v, `not a non-negative quantity with at most three decimals, e.g. ${resource === 'memory' ? '"256Gi"' : '"32" or "500m"'}`);
    return undefined;
  }
  return q.milli;
}

// ---------------------------------------------------------------------------------------------
// Tenant queues
// ---------------------------------------------------------------------------------------------

/** One cell of a queue, parsed (milli-units); undefined limit = unlimited. */
export interface CellLimits {
  readonly nominal: bigint;
  readonly borrowingLimit?: bigint;
  readonly lendingLimit?: bigint;
}

/** A user's queue, parsed. */
export interface ParsedUserQueue {
  readonly email: string;
  readonly subject?: string;
  /** LocalQueue name (a DNS label, also the queue label's value). */
  readonly queueName: string;
  /** Declared cells by flavor then resource; user defaults applied (borrowingLimit 0, lendingLimit 0). */
  readonly cells: ReadonlyMap<string, ReadonlyMap<string, CellLimits>>;
}

/** A tenant's queue, parsed. */
export interface ParsedQueue {
  readonly cells: ReadonlyMap<string, ReadonlyMap<string, CellLimits>>;
  readonly users: readonly ParsedUserQueue[];
  readonly outsideKueue: Readonly<Record<string, number>>;
}

/** The default LocalQueue name of a user: `user-` + the e-mail, lowercased, every run of other characters as `-`. */
export function defaultUserQueueName(email: string): string {
  return `user-${email.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')}`;
}

/** Parses (and with `out`, checks) a tenant's queue; undefined when it has an error. */
function parseQueue(out: ErrorList, spec: TenantSpec, p: PlatformSettings): ParsedQueue | undefined {
  const q = spec.queue as unknown;
  if (q === undefined) return undefined;
  if (!kueueEnabled(p)) {
    out.add('queue', 'Forbidden', new Shown('{...}'), 'the platform declares no Kueue capacity (platform.ts kueue.flavors); ask the platform team, or use quota.gpu');
    return undefined;
  }
  const caps = flavorCapacities(p.kueue);
  const before = out.errors.length;
  if (!checkObject(out, 'queue', q, QUEUE_FIELDS)) return undefined;
  if (q.flavors === undefined) {
    out.required('queue.flavors', 'the quota per flavor and resource, e.g. { a100: { "nvidia.com/gpu": { nominal: 8, borrowingLimit: 0 } } }');
    return undefined;
  }
  const cells = parseCells(out, 'queue.flavors', q.flavors, caps, p, false);
  const users: ParsedUserQueue[] = [];
  if (q.users !== undefined) {
    if (!isPlainObject(q.users)) out.invalid('queue.users', q.users, 'must map e-mail addresses to { flavors }, e.g. { "alice@example.com": { flavors: { a100: { "nvidia.com/gpu": { nominal: 8 } } } } }');
    else {
      const names = new Map<string, string>();
      for (const [email, u] of Object.entries(q.users)) {
        const up = at.key('queue.users', email);
        if (!isEmail(email)) {
          out.invalid(up, email, 'not an e-mail address; key each user by e-mail, e.g. "alice@example.com"');
          continue;
        }
        if (!checkObject(out, up, u, USER_FIELDS)) continue;
        if (u.subject !== undefined && (typeof u.subject !== 'string' || u.subject === '')) out.invalid(`${up}.subject`, u.subject, 'the non-empty IdP subject (sub claim)');
        if (p.identity.use === 'subject' && u.subject === undefined) out.required(`${up}.subject`, 'the platform identifies users by IdP subject (platform.ts identity.use); add the subject');
        const queueName = typeof u.queueName === 'string' ? u.queueName : defaultUserQueueName(email);
        if (u.queueName !== undefined) checkDnsLabel(out, `${up}.queueName`, u.queueName);
        else if (queueName.length > 63) out.add(up, 'Too long', email, `its queue name "${queueName}" is longer than 63 characters (a label value); set queueName, e.g. "user-${email.split('@')[0]!.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 40)}"`);
        if (queueName === DEFAULT_LOCAL_QUEUE) out.invalid(`${up}.queueName`, queueName, `"${DEFAULT_LOCAL_QUEUE}" is the tenant's shared queue; choose another name`);
        const other = names.get(queueName);
        if (other !== undefined) out.add(up, 'Duplicate value', queueName, `user "${other}" has the same queue name "${queueName}"; set queueName for one of them`);
        names.set(queueName, email);
        if (u.flavors === undefined) {
          out.required(`${up}.flavors`, 'the user\'s quota per flavor and resource, e.g. { a100: { "nvidia.com/gpu": { nominal: 8 } } }');
          continue;
        }
        const ucells = parseCells(out, `${up}.flavors`, u.flavors, caps, p, true);
        // Every user cell must be a cell of the tenant.
        for (const [flavor, rs] of ucells) {
          for (const r of rs.keys()) {
            if (!cells.get(flavor)?.has(r)) out.invalid(at.key(at.key(`${up}.flavors`, flavor), r), r, `not in the tenant's queue.flavors["${flavor}"]; a user's quota is carved out of the tenant's, declare it there first`);
          }
        }
        users.push({ email, ...(typeof u.subject === 'string' ? { subject: u.subject } : {}), queueName, cells: ucells });
      }
    }
  }
  // Users' sub-quotas fit the tenant's nominal.
  for (const [flavor, rs] of cells) {
    for (const [r, lim] of rs) {
      const mine = users.map((u) => ({ u, n: u.cells.get(flavor)?.get(r)?.nominal ?? 0n })).filter((x) => x.n > 0n);
      const sum = mine.reduce((s, x) => s + x.n, 0n);
      if (sum > lim.nominal) {
        out.invalid(
          at.key(at.key('queue.flavors', flavor), r) + '.nominal',
          amountText(lim.nominal, r, p),
          `the users' sub-quotas add up to ${amountText(sum, r, p)} (${mine.map((x) => `${x.u.email} ${amountText(x.n, r, p)}`).join(', ')}), more than the tenant's nominal; users' quotas are carved out of it: raise the nominal or lower theirs`,
        );
      }
    }
  }
  const outsideKueue: Record<string, number> = {};
  if (q.outsideKueue !== undefined) {
    if (!isPlainObject(q.outsideKueue)) out.invalid('queue.outsideKueue', q.outsideKueue, 'must map GPU resources to counts, e.g. { "nvidia.com/gpu": 1 }');
    else {
      const covered = new Set(caps.flatMap((c) => [...c.resources.keys()]));
      for (const [r, n] of Object.entries(q.outsideKueue)) {
        const rp = at.key('queue.outsideKueue', r);
        if (!isGpuResource(r, p)) out.add(rp, 'Unsupported value', r, `not a GPU resource of this platform; valid: ${inventoryResources(p.gpu).join(', ')}`);
        else if (!covered.has(r)) out.invalid(rp, r, 'no flavor offers it, so Kueue does not manage it; declare it in quota.gpu');
        else {
          const c = checkCount(out, rp, n);
          if (c !== undefined) outsideKueue[r] = c;
        }
      }
    }
  }
  // Every pod requests CPU and memory (the LimitRange sets default requests): when queues cover
  // them, a queue without them could never admit a Job.
  const groups = resourceGroups(caps);
  for (const r of ['cpu', 'memory']) {
    const g = groups.find((x) => x.resources.includes(r));
    if (!g) continue;
    if (!g.flavors.some((f) => cells.has(f))) {
      out.required(
        'queue.flavors',
        `the platform's queues cover ${r} (flavors ${g.flavors.join(', ')}), and every pod requests it: with none of these flavors in the queue no Job would ever be admitted; add e.g. queue.flavors["${g.flavors[0]}"] = { cpu: { nominal: "8" }, memory: { nominal: "32Gi" } }`,
      );
    }
  }
  // A declared CPU or memory quota must hold everything Kueue may admit, or the ResourceQuota
  // would reject the pods of an admitted Job (kueue#696).
  const quota = (isPlainObject(spec.quota) ? spec.quota : {}) as Record<string, unknown>;
  for (const r of ['cpu', 'memory'] as const) {
    const declared = quota[r];
    const dq = typeof declared === 'string' || typeof declared === 'number' ? Quantity.parse(declared) : undefined;
    if (!dq) continue;
    let max = 0n;
    let unlimited = false;
    for (const [flavor, rs] of cells) {
      const c = rs.get(r);
      if (!c) continue;
      if (c.borrowingLimit === undefined) {
        unlimited = true;
        out.required(
          `${at.key(at.key('queue.flavors', flavor), r)}.borrowingLimit`,
          `quota.${r} caps the namespace at ${dq.text}, and an unlimited borrowingLimit would let Kueue admit Jobs whose pods the ResourceQuota then rejects; write the most this tenant may borrow (nominal + borrowingLimit at most ${dq.text}), or remove quota.${r}`,
        );
      } else max += c.nominal + c.borrowingLimit;
    }
    if (!unlimited && max > dq.milli) {
      out.invalid(
        `quota.${r}`,
        declared,
        `below what the queue may admit, ${quantityOfMilli(max, r)} (nominal + borrowingLimit over the queue's flavors): the ResourceQuota would reject the pods of Jobs Kueue admitted; raise quota.${r} or lower the queue's ${r}`,
      );
    }
  }
  // The ResourceQuota's GPU values are derived: a declared quota.gpu must agree.
  if (out.errors.length === before) {
    const parsed = { cells, users, outsideKueue };
    const derived = queueQuotaGpu(parsed, p);
    const declared = (isPlainObject(spec.quota) && isPlainObject(spec.quota.gpu) ? spec.quota.gpu : {}) as Record<string, unknown>;
    for (const [r, n] of Object.entries(declared)) {
      if (derived[r] !== undefined && n !== derived[r]) {
        out.invalid(
          at.key('quota.gpu', r),
          n,
          `with a queue the ResourceQuota's requests.${r} is derived from it: ${derived[r]} (nominal + borrowingLimit over the queue's flavors, plus queue.outsideKueue); remove quota.gpu["${r}"] or write ${derived[r]}`,
        );
      }
    }
    return parsed;
  }
  return undefined;
}

function parseCells(out: ErrorList, path: string, value: unknown, caps: readonly FlavorCapacity[], p: PlatformSettings, user: boolean): Map<string, Map<string, CellLimits>> {
  const cells = new Map<string, Map<string, CellLimits>>();
  if (!isPlainObject(value)) {
    out.invalid(path, value, 'must map flavors to resources to { nominal, borrowingLimit, lendingLimit }, e.g. { a100: { "nvidia.com/gpu": { nominal: 8, borrowingLimit: 0 } } }');
    return cells;
  }
  for (const [flavor, rs] of Object.entries(value)) {
    const fp = at.key(path, flavor);
    const cap = caps.find((c) => c.name === flavor);
    if (!cap) {
      out.add(fp, 'Unsupported value', flavor, unknownFlavor(caps));
      continue;
    }
    if (!isPlainObject(rs)) {
      out.invalid(fp, rs, 'must map resources to { nominal, borrowingLimit, lendingLimit }, e.g. { "nvidia.com/gpu": { nominal: 8 } }');
      continue;
    }
    const row = new Map<string, CellLimits>();
    for (const [r, lim] of Object.entries(rs)) {
      const rp = at.key(fp, r);
      if (!cap.resources.has(r)) {
        out.add(rp, 'Unsupported value', r, unknownResource(flavor, cap));
        continue;
      }
      if (!checkObject(out, rp, lim, LIMIT_FIELDS)) continue;
      if (lim.nominal === undefined) {
        out.required(`${rp}.nominal`, 'the guaranteed amount, e.g. 8 (0 for borrowing only)');
        continue;
      }
      const nominal = parseAmount(out, `${rp}.nominal`, lim.nominal, r, p);
      const borrowing = lim.borrowingLimit === undefined ? undefined : parseAmount(out, `${rp}.borrowingLimit`, lim.borrowingLimit, r, p);
      const lending = lim.lendingLimit === undefined ? undefined : parseAmount(out, `${rp}.lendingLimit`, lim.lendingLimit, r, p);
      if (nominal === undefined || (lim.borrowingLimit !== undefined && borrowing === undefined) || (lim.lendingLimit !== undefined && lending === undefined)) continue;
      if (lending !== undefined && lending > nominal) {
        out.invalid(`${rp}.lendingLimit`, lim.lendingLimit, `exceeds the nominal quota ${amountText(nominal, r, p)}: only guaranteed quota can be lent; lower it to at most the nominal`);
        continue;
      }
      if (!user && borrowing === undefined && isGpuResource(r, p)) {
        out.required(
          `${rp}.borrowingLimit`,
          `the namespace ResourceQuota's requests.${r} is nominal + borrowingLimit, so that it never rejects the pods of a Job Kueue admitted; an unlimited borrowingLimit cannot be mirrored: write the most this tenant may borrow, e.g. 0`,
        );
        continue;
      }
      // User queues: borrow nothing and lend nothing unless declared (docs/queues.md).
      row.set(r, {
        nominal,
        ...(borrowing !== undefined ? { borrowingLimit: borrowing } : user ? { borrowingLimit: 0n } : {}),
        ...(lending !== undefined ? { lendingLimit: lending } : user ? { lendingLimit: 0n } : {}),
      });
    }
    cells.set(flavor, row);
  }
  return cells;
}

/** An amount as written in messages: whole counts for GPU resources, quantities otherwise. */
function amountText(milli: bigint, resource: string, p: PlatformSettings): string {
  return isGpuResource(resource, p) ? String(milli / 1000n) : quantityOfMilli(milli, resource);
}

/**
 * The ResourceQuota's `requests.<gpu>` for every GPU resource a flavor offers: nominal +
 * borrowingLimit over the queue's flavors, plus the allowance outside Kueue. Input must be valid.
 */
export function queueQuotaGpu(q: ParsedQueue, p: PlatformSettings): Record<string, number> {
  const out: Record<string, number> = {};
  const covered = new Set(flavorCapacities(p.kueue).flatMap((c) => [...c.resources.keys()]));
  for (const r of inventoryResources(p.gpu)) {
    if (!covered.has(r)) continue;
    let milli = BigInt(q.outsideKueue[r] ?? 0) * 1000n;
    for (const rs of q.cells.values()) {
      const c = rs.get(r);
      if (c) milli += c.nominal + (c.borrowingLimit ?? 0n);
    }
    out[r] = Number(milli / 1000n);
  }
  return out;
}

/** Per-tenant check of `queue` (part of lib/tenant.ts CHECKS). */
export function checkQueue(errs: ErrorList, spec: TenantSpec, ctx: CheckContext): void {
  const q = parseQueue(errs, spec, ctx.platform);
  if (!q) return;
  checkQueueUsers(errs, spec, q, ctx);
  // The team label (platform `labels.team`, which requiredLabels need not list) picks the budget.
  const key = ctx.platform.labels.team;
  const team = isPlainObject(spec.labels) ? spec.labels[key] : undefined;
  if (typeof team !== 'string' || team === '') {
    errs.required(at.key('labels', key), `a tenant with a queue belongs to a team (the platform's team label "${key}"): its Cohort holds the team's budget and fair-sharing weight`);
  }
}

/**
 * Roles whose Kubeflow access lets a person submit Kueue-managed workloads in the namespace:
 * `kubeflow-edit` creates batch Jobs and every training kind, a member's per-application edit roles
 * the training kinds (TrainJobs, PyTorchJobs, ...). `viewer` and `auditor` create no workload.
 */
export const QUEUE_USER_ROLES: readonly RoleName[] = ['team-admin', 'editor', 'member'];

/**
 * A personal queue is for someone who may submit workloads in the namespace: the owner or a
 * contributor (directly or through a group) with a role of {@link QUEUE_USER_ROLES}. Anyone else
 * could never use it, with or without the API server's username prefix.
 */
function checkQueueUsers(out: ErrorList, spec: TenantSpec, q: ParsedQueue, ctx: CheckContext): void {
  if (q.users.length === 0) return;
  // Malformed contributors are checkContributors' to report; nothing to compare against then.
  const cs = spec.contributors as unknown;
  if (cs !== undefined && !(Array.isArray(cs) && cs.every((c) => isPlainObject(c) && (typeof c.user === 'string' || typeof c.group === 'string') && typeof c.role === 'string'))) return;
  const owner = typeof spec.owner?.email === 'string' ? spec.owner.email.toLowerCase() : undefined;
  const contributors = resolveContributors(spec, ctx.groups ?? new Map(), true);
  for (const u of q.users) {
    const up = at.key('queue.users', u.email);
    if (u.email.toLowerCase() === owner) continue;
    const c = contributors.find((x) => x.person.email.toLowerCase() === u.email.toLowerCase());
    if (!c) {
      out.invalid(up, u.email, 'not the owner or a contributor of this tenant, so they cannot submit workloads here; add them to contributors (role editor, member or team-admin), or remove their queue');
    } else if (!c.roles.some((r) => QUEUE_USER_ROLES.includes(r))) {
      out.invalid(up, u.email, `their role (${c.roles.join(', ')}) creates no workloads, so their personal queue could never be used; give them role editor, member or team-admin, or remove their queue`);
    }
  }
}

/** A valid tenant's parsed queue (undefined without one). Input must be valid. */
export function resolveQueue(spec: TenantSpec, p: PlatformSettings): ParsedQueue | undefined {
  return parseQueue(new ErrorList(''), spec, p);
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

/** Cohort of a team: `team-` + the label value, lowercased, other characters as `-`. */
export const teamCohortName = (team: string): string => `team-${team.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')}`;
/** Cohort of a tenant with user sub-quotas. */
export const tenantCohortName = (tenant: string): string => `tenant-${tenant}`;
/** ClusterQueue of a tenant's shared quota. */
export const sharedClusterQueueName = (tenant: string): string => tenant;
/** ClusterQueue of a user's sub-quota. */
export const userClusterQueueName = (tenant: string, queueName: string): string => `${tenant}-${queueName}`;

// ---------------------------------------------------------------------------------------------
// All queues together
// ---------------------------------------------------------------------------------------------

/** A tenant's queue with its team, for the org-wide checks and the model. */
export interface TenantQueue {
  readonly tenant: string;
  readonly file: string;
  readonly team: string;
  readonly queue: ParsedQueue;
}

/**
 * MultiKueue facts of one cluster for {@link checkQueueSet} (docs/fleet.md "Bursting with MultiKueue"):
 * tenants of this cluster that burst (their burst ClusterQueue's name is taken here), and guests
 * bursting to it (their burst quota is guaranteed here, so it counts against the capacity).
 */
export interface BurstQueueSet {
  readonly sources: readonly { readonly tenant: string; readonly file: string }[];
  readonly guests: readonly { readonly tenant: string; readonly file: string; readonly home: string; readonly cells: BurstCells }[];
}

const NO_BURST: BurstQueueSet = { sources: [], guests: [] };

/**
 * Cross-tenant checks: capacity, team budgets, name collisions. Only tenants whose queue is valid
 * take part. With `burst`, guests' burst quota counts against the capacity, and burst ClusterQueue
 * names are claimed like the others.
 */
export function checkQueueSet(entries: readonly TenantEntry[], p: PlatformSettings, burst: BurstQueueSet = NO_BURST): FieldError[] {
  if (!kueueEnabled(p)) return [];
  const queues: TenantQueue[] = [];
  for (const e of entries) {
    if (!isPlainObject(e.spec) || e.spec.queue === undefined || typeof e.spec.name !== 'string') continue;
    const errs = new ErrorList(e.file);
    const q = parseQueue(errs, e.spec, p);
    if (q && errs.errors.length === 0) queues.push({ tenant: e.spec.name, file: e.file, team: teamOf(e.spec, p), queue: q });
  }
  const out: FieldError[] = [];
  const caps = flavorCapacities(p.kueue);
  const sumBy = (qs: readonly TenantQueue[], flavor: string, r: string): { t: TenantQueue; n: bigint }[] =>
    qs.map((t) => ({ t, n: t.queue.cells.get(flavor)?.get(r)?.nominal ?? 0n })).filter((x) => x.n > 0n).sort((a, b) => (a.n > b.n ? -1 : a.n < b.n ? 1 : cmp(a.t.tenant, b.t.tenant)));
  const consumers = (xs: { t: TenantQueue; n: bigint }[], r: string): string =>
    xs.slice(0, 3).map((x) => `${x.t.tenant} ${amountText(x.n, r, p)} (${x.t.file})`).join(', ') + (xs.length > 3 ? `, and ${xs.length - 3} more` : '');
  // A guest is guaranteed its burst quota here (docs/fleet.md): it takes capacity like a tenant's nominal.
  const guests: TenantQueue[] = burst.guests.map((g) => ({
    tenant: g.tenant,
    file: `burst guest from ${g.home}, ${g.file}`,
    team: '',
    queue: { cells: new Map([...g.cells].map(([f, rs]) => [f, new Map([...rs].map(([r, n]) => [r, { nominal: n }]))])), users: [], outsideKueue: {} },
  }));
  if (!p.kueue.allowOvercommit) {
    for (const c of caps) {
      for (const [r, cap] of c.resources) {
        const xs = sumBy([...queues, ...guests], c.name, r);
        const sum = xs.reduce((s, x) => s + x.n, 0n);
        if (sum <= cap) continue;
        const withGuests = xs.some((x) => guests.includes(x.t));
        out.push(
          new FieldError(
            PLATFORM_FILE,
            at.key(`${at.key('kueue.flavors', c.name)}.${p.kueue.flavors[c.name]?.timeSliced?.[r] ? 'timeSliced' : 'resources'}`, r),
            'Invalid value',
            amountText(cap, r, p),
            withGuests
              ? `the tenants' guaranteed (nominal) ${r} on flavor "${c.name}" adds up to ${amountText(sum, r, p)} with the burst guests' quota, more than its capacity ${amountText(cap, r, p)}; biggest: ${consumers(xs, r)}; lower a tenant's queue nominal or a guest's placement.burst.flavors, add capacity, or allow overcommit (kueue.allowOvercommit: true)`
              : `the tenants' guaranteed (nominal) ${r} on flavor "${c.name}" adds up to ${amountText(sum, r, p)}, more than its capacity ${amountText(cap, r, p)}; biggest: ${consumers(xs, r)}; lower a tenant's queue nominal, add capacity, or allow overcommit (kueue.allowOvercommit: true)`,
          ),
        );
      }
    }
  }
  for (const [team, t] of Object.entries(p.kueue.teams)) {
    const mine = queues.filter((q) => q.team === team);
    for (const [flavor, rs] of Object.entries(t.budget ?? {})) {
      for (const [r, v] of Object.entries(rs)) {
        const budget = isGpuResource(r, p) ? BigInt(v as number) * 1000n : Quantity.of(v).milli;
        const xs = sumBy(mine, flavor, r);
        const sum = xs.reduce((s, x) => s + x.n, 0n);
        if (sum <= budget) continue;
        out.push(
          new FieldError(
            PLATFORM_FILE,
            at.key(at.key(`${at.key('kueue.teams', team)}.budget`, flavor), r),
            'Invalid value',
            amountText(budget, r, p),
            `team "${team}"'s tenants are guaranteed ${amountText(sum, r, p)} ${r} on flavor "${flavor}" together, more than its budget; biggest: ${consumers(xs, r)}; raise the budget or lower a tenant's queue nominal`,
          ),
        );
      }
    }
  }
  // Cohorts and ClusterQueues are cluster-scoped: every name once, across both kinds.
  const owners = new Map<string, string>();
  const claim = (name: string, what: string): string | undefined => {
    const prev = owners.get(name);
    if (prev === undefined) owners.set(name, what);
    return prev;
  };
  claim(p.kueue.rootCohort, 'the root Cohort (platform.ts kueue.rootCohort)');
  for (const team of [...new Set(queues.map((q) => q.team))].sort(cmp)) {
    const prev = claim(teamCohortName(team), `the Cohort of team "${team}"`);
    if (prev) out.push(new FieldError(PLATFORM_FILE, at.key('kueue.teams', team), 'Duplicate value', teamCohortName(team), `the Cohort name of team "${team}" is also ${prev}; Cohort and ClusterQueue names are cluster-wide: rename the team or kueue.rootCohort`));
  }
  for (const q of [...queues].sort((a, b) => cmp(a.tenant, b.tenant))) {
    const names: [string, string, string][] = [[sharedClusterQueueName(q.tenant), `the shared ClusterQueue of tenant "${q.tenant}"`, 'name']];
    if (q.queue.users.length > 0) names.push([tenantCohortName(q.tenant), `the Cohort of tenant "${q.tenant}"`, 'name']);
    for (const u of q.queue.users) names.push([userClusterQueueName(q.tenant, u.queueName), `the ClusterQueue of user "${u.email}" of tenant "${q.tenant}"`, at.key('queue.users', u.email)]);
    for (const [name, what, path] of names) {
      const prev = claim(name, what);
      if (prev) out.push(new FieldError(q.file, path, 'Duplicate value', name, `${what} would be named "${name}", which is already ${prev}; Cohort and ClusterQueue names are cluster-wide: ${path === 'name' ? 'choose another tenant name' : 'set this user\'s queueName'}`));
    }
  }
  // Burst ClusterQueues: a source's on its home cluster, a guest's on this worker.
  const bursting = [...burst.sources.map((b) => ({ ...b, what: `the burst ClusterQueue of tenant "${b.tenant}"` })), ...burst.guests.map((g) => ({ ...g, what: `the burst ClusterQueue of tenant "${g.tenant}" (a burst guest from ${g.home})` }))];
  for (const b of bursting.sort((x, y) => cmp(x.tenant, y.tenant))) {
    const name = burstClusterQueueName(b.tenant);
    const prev = claim(name, b.what);
    if (prev) out.push(new FieldError(b.file, 'placement.burst', 'Duplicate value', name, `${b.what} would be named "${name}", which is already ${prev}; Cohort and ClusterQueue names are cluster-wide: rename the user's queue (queueName) or the other tenant`));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Burst quota (placement.burst.flavors, docs/fleet.md "Bursting with MultiKueue")
// ---------------------------------------------------------------------------------------------

/** Burst quota, parsed: nominal per flavor and resource, milli-units, flavors and resources in declared order. */
export type BurstCells = ReadonlyMap<string, ReadonlyMap<string, bigint>>;

const BURST_CELL_FIELDS = ['nominal'] as const;

/**
 * Parses (and with `out`, checks) `placement.burst.flavors` against the home cluster's capacity
 * `p`: every flavor and resource offered there (the burst ClusterQueue on the home cluster is
 * built of its ResourceFlavors), `nominal` only. Undefined when it has an error.
 */
export function parseBurstFlavors(out: ErrorList, value: unknown, p: PlatformSettings, home: string): BurstCells | undefined {
  const path = 'placement.burst.flavors';
  const before = out.errors.length;
  if (!isPlainObject(value) || Object.keys(value).length === 0) {
    out.invalid(path, value, 'the burst quota in flight per flavor and resource (nominal only), e.g. { "a100-80gb": { "nvidia.com/gpu": { nominal: 8 } } }');
    return undefined;
  }
  const caps = flavorCapacities(p.kueue);
  const offers = caps.map((c) => `${c.name} (${[...c.resources.keys()].join(', ')})`).join(', ') || 'nothing';
  const cells = new Map<string, Map<string, bigint>>();
  for (const [flavor, rs] of Object.entries(value)) {
    const fp = at.key(path, flavor);
    const cap = caps.find((c) => c.name === flavor);
    if (!cap) {
      out.add(fp, 'Unsupported value', flavor, `not a flavor of the home cluster "${home}", which offers ${offers}; the burst ClusterQueue on the home cluster is built of its ResourceFlavors: add the flavor to that cluster's kueue.flavors or remove it here`);
      continue;
    }
    if (!isPlainObject(rs) || Object.keys(rs).length === 0) {
      out.invalid(fp, rs, 'must map resources to { nominal }, e.g. { "nvidia.com/gpu": { nominal: 8 } }');
      continue;
    }
    const row = new Map<string, bigint>();
    for (const [r, lim] of Object.entries(rs)) {
      const rp = at.key(fp, r);
      if (!cap.resources.has(r)) {
        out.add(rp, 'Unsupported value', r, `flavor "${flavor}" of the home cluster "${home}" does not offer it; it offers ${[...cap.resources.keys()].join(', ')}`);
        continue;
      }
      if (!isPlainObject(lim)) {
        out.invalid(rp, lim, 'must be { nominal }, e.g. { nominal: 8 }');
        continue;
      }
      for (const k of Object.keys(lim)) {
        if (!(BURST_CELL_FIELDS as readonly string[]).includes(k)) {
          out.add(
            `${rp}.${k}`,
            'Forbidden',
            lim[k],
            "burst quota is nominal only: it is the burst ClusterQueue's whole quota on the home cluster (which is in no cohort, so there is nothing to borrow or lend) and the tenant's guaranteed quota on each worker; remove it",
          );
        }
      }
      if (lim.nominal === undefined) {
        out.required(`${rp}.nominal`, 'the most burst work may take at once, e.g. 8');
        continue;
      }
      const n = parseAmount(out, `${rp}.nominal`, lim.nominal, r, p);
      if (n !== undefined) row.set(r, n);
    }
    cells.set(flavor, row);
  }
  // Every pod requests CPU and memory: a burst queue covering neither could never admit a Job.
  for (const missing of burstUncovered(cells, p)) {
    out.required(
      path,
      `the home cluster "${home}"'s queues cover ${missing.resource} (flavors ${missing.flavors.join(', ')}), and every pod requests it: burst work with none of these flavors would never be admitted; add e.g. placement.burst.flavors["${missing.flavors[0]}"] = { cpu: { nominal: "8" }, memory: { nominal: "32Gi" } }`,
    );
  }
  return out.errors.length === before ? cells : undefined;
}

/** `cpu` and `memory` when `p`'s queues cover them but no flavor of `cells` does. */
export function burstUncovered(cells: BurstCells, p: PlatformSettings): { resource: string; flavors: readonly string[] }[] {
  const groups = resourceGroups(flavorCapacities(p.kueue));
  const out: { resource: string; flavors: readonly string[] }[] = [];
  for (const r of ['cpu', 'memory']) {
    const g = groups.find((x) => x.resources.includes(r));
    if (g && !g.flavors.some((f) => cells.has(f))) out.push({ resource: r, flavors: g.flavors });
  }
  return out;
}

/**
 * What a worker lacks of the burst quota: flavors it does not have, resources its flavor does not
 * offer; empty when it has everything. Kueue on the worker admits the dispatched copy under the
 * same flavors, so each must exist there with every resource named.
 */
export function burstMissingOn(cells: BurstCells, p: PlatformSettings): string[] {
  const caps = flavorCapacities(p.kueue);
  const out: string[] = [];
  for (const [flavor, rs] of cells) {
    const cap = caps.find((c) => c.name === flavor);
    if (!cap) out.push(`flavor "${flavor}"`);
    else for (const r of rs.keys()) if (!cap.resources.has(r)) out.push(`${r} of flavor "${flavor}"`);
  }
  for (const m of burstUncovered(cells, p)) out.push(`a flavor covering ${m.resource} (its queues cover it with ${m.flavors.join(', ')})`);
  return out;
}

/** The burst quota of a valid declaration, parsed (resolver of {@link parseBurstFlavors}). */
export function resolveBurstCells(flavors: FlavorQuotas, p: PlatformSettings): BurstCells {
  const cells = new Map<string, Map<string, bigint>>();
  for (const [flavor, rs] of Object.entries(flavors)) {
    const row = new Map<string, bigint>();
    for (const [r, lim] of Object.entries(rs)) row.set(r, isGpuResource(r, p) ? BigInt(lim.nominal as number) * 1000n : Quantity.of(lim.nominal).milli);
    cells.set(flavor, row);
  }
  return cells;
}

/** The team of a tenant: its team label's value. */
export function teamOf(spec: TenantSpec, p: PlatformSettings): string {
  return spec.labels?.[p.labels.team] ?? '';
}

/** Used by lib/capacity and the model: every tenant's queue, valid input only, sorted by tenant. */
export function tenantQueues(specs: readonly TenantSpec[], p: PlatformSettings): TenantQueue[] {
  const out: TenantQueue[] = [];
  for (const s of specs) {
    const q = resolveQueue(s, p);
    if (q) out.push({ tenant: s.name, file: '', team: teamOf(s, p), queue: q });
  }
  return out.sort((a, b) => cmp(a.tenant, b.tenant));
}

