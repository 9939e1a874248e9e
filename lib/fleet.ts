/**
 * The fleet's checks (docs/fleet.md): platform.ts `fleet` ({@link checkFleetSettings}, called by
 * lib/platform.ts `checkPlatform`) and a tenant's `placement` ({@link checkPlacement}, one of
 * lib/tenant.ts's per-tenant checks), with the resolver they guarantee: {@link resolveHome}, the
 * home cluster of a tenant (lib/model/fleet.ts builds the plan from it).
 *
 * Burst here is structural only (clusters exist, are not home, no duplicates, host the tier):
 * whether a worker has the flavors the tenant queues for is the MultiKueue checks' concern.
 */
import type { ClusterSpec, PlatformSettings } from './declarations/platform';
import { CLUSTER_OVERRIDABLE } from './declarations/platform';
import type { TenantSpec } from './declarations/tenant';
import type { CheckContext, FieldError } from './validation';
import { at, checkDnsLabel, checkKnownKeys, ErrorList, isPlainObject } from './validation';

/** Fields of a cluster in `fleet.clusters`. */
export const CLUSTER_FIELDS = ['name', 'destination', 'region', 'complianceTiers', 'platform'] as const satisfies readonly (keyof ClusterSpec)[];
/** Fields of a tenant's `placement`. */
export const PLACEMENT_FIELDS = ['cluster', 'burst', 'migratingFrom'] as const;
/** Fields of `placement.burst`. */
export const BURST_FIELDS = ['clusters', 'flavors'] as const;

const FLEET_FIELDS = ['clusters', 'placement', 'argocd', 'multiKueue'] as const;
const DESTINATION_FIELDS = ['server', 'name'] as const;
const RULE_FIELDS = ['byComplianceTier', 'default'] as const;

/** Whether platform.ts declares a fleet (`fleet.clusters` non-empty): per-cluster layout. */
export const isFleet = (p: PlatformSettings): boolean => Array.isArray(p.fleet?.clusters) && p.fleet.clusters.length > 0;

const clusterNames = (p: PlatformSettings): string[] =>
  (Array.isArray(p.fleet.clusters) ? p.fleet.clusters : []).map((c) => (isPlainObject(c) && typeof c.name === 'string' ? c.name : '')).filter((n) => n !== '');

/** Tiers a cluster may host: its `complianceTiers`, or every tier of the platform. */
export function clusterTiers(cluster: ClusterSpec, p: PlatformSettings): readonly string[] {
  return Array.isArray(cluster.complianceTiers) ? cluster.complianceTiers : p.labels.complianceTiers;
}

/** Where a destination is given by exactly one of `server` and `name`. */
function checkDestination(out: ErrorList, path: string, d: unknown): void {
  if (!isPlainObject(d)) {
    out.invalid(path, d, 'an Argo CD destination: { server: "https://..." } (the API server URL registered in Argo CD) or { name: "<cluster name in Argo CD>" }');
    return;
  }
  checkKnownKeys(out, path, d, DESTINATION_FIELDS);
  const has = DESTINATION_FIELDS.filter((k) => d[k] !== undefined);
  if (has.length !== 1) {
    out.invalid(path, d, `give exactly one of "server" (the API server URL registered in Argo CD) and "name" (its cluster name in Argo CD); has ${has.length === 0 ? 'neither' : 'both'}`);
    return;
  }
  const v = d[has[0]!];
  if (typeof v !== 'string' || v === '') out.invalid(at.field(path, has[0]!), v, 'a non-empty string');
  else if (has[0] === 'server' && !/^https?:\/\/[^\s/]+/.test(v)) out.invalid(at.field(path, 'server'), v, 'the API server URL as registered in Argo CD, e.g. "https://gpu-east.k8s.example.com"');
}

/**
 * platform.ts `fleet`: cluster names (DNS labels, unique), destinations, regions, tiers, which
 * sections a cluster overrides, the placement rule and the Argo CD destination. `clusterProblems`
 * checks a cluster's merged platform (lib/platform.ts passes its own checks, so this module needs
 * no import of it); its errors are re-pathed to `fleet.clusters[i].platform.<path>`.
 */
export function checkFleetSettings(out: ErrorList, p: PlatformSettings, clusterProblems: (cluster: ClusterSpec) => readonly FieldError[]): void {
  const f = p.fleet as unknown;
  if (!isPlainObject(f)) {
    out.invalid('fleet', f, 'an object: { clusters: [...], placement: {...} } (docs/fleet.md)');
    return;
  }
  checkKnownKeys(out, 'fleet', f, FLEET_FIELDS);
  if (!Array.isArray(f.clusters)) {
    out.invalid('fleet.clusters', f.clusters, 'a list of clusters, e.g. [{ name: "gpu-east", destination: { server: "https://..." }, region: "us-east-1" }]; [] for one cluster');
    return;
  }
  const tiers = p.labels.complianceTiers;
  const seen = new Map<string, number>();
  (f.clusters as unknown[]).forEach((c, i) => {
    const path = at.index('fleet.clusters', i);
    if (!isPlainObject(c)) {
      out.invalid(path, c, 'a cluster: { name, destination, region, complianceTiers?, platform? }');
      return;
    }
    checkKnownKeys(out, path, c, CLUSTER_FIELDS);
    if (checkDnsLabel(out, at.field(path, 'name'), c.name)) {
      const first = seen.get(c.name);
      if (first !== undefined) out.add(at.field(path, 'name'), 'Duplicate value', c.name, `already the name of fleet.clusters[${first}]; each cluster needs its own name (its output goes to dist/clusters/<name>/)`);
      else seen.set(c.name, i);
    }
    checkDestination(out, at.field(path, 'destination'), c.destination);
    if (typeof c.region !== 'string' || c.region === '') out.required(at.field(path, 'region'), 'the cluster\'s region, e.g. "us-east-1" (shown in the capacity report)');
    if (c.complianceTiers !== undefined) {
      if (!Array.isArray(c.complianceTiers) || c.complianceTiers.length === 0) {
        out.invalid(at.field(path, 'complianceTiers'), c.complianceTiers, `a non-empty list of tiers this cluster may host (of labels.complianceTiers: ${tiers.join(', ')}), or leave it out for every tier`);
      } else {
        (c.complianceTiers as unknown[]).forEach((t, j) => {
          const tp = at.index(at.field(path, 'complianceTiers'), j);
          if (typeof t !== 'string' || !tiers.includes(t)) out.add(tp, 'Unsupported value', t, `supported values: ${tiers.map((x) => JSON.stringify(x)).join(', ')} (platform.ts labels.complianceTiers)`);
          else if ((c.complianceTiers as unknown[]).indexOf(t) !== j) out.add(tp, 'Duplicate value', t, 'each tier once');
        });
      }
    }
    if (c.platform !== undefined) {
      const pp = at.field(path, 'platform');
      if (!isPlainObject(c.platform)) {
        out.invalid(pp, c.platform, `an object of the settings this cluster sets differently: ${CLUSTER_OVERRIDABLE.join(', ')}`);
        return;
      }
      let overridable = true;
      for (const key of Object.keys(c.platform)) {
        if ((CLUSTER_OVERRIDABLE as readonly string[]).includes(key)) continue;
        overridable = false;
        if (key in p) {
          out.add(at.field(pp, key), 'Forbidden', key, `an org-wide setting, the same on every cluster: set it at the top of platform.ts; a cluster may set ${CLUSTER_OVERRIDABLE.join(', ')}`);
        } else {
          out.add(at.field(pp, key), 'Unsupported value', key, `unknown field; a cluster may set ${CLUSTER_OVERRIDABLE.join(', ')}`);
        }
      }
      const badSection = CLUSTER_OVERRIDABLE.find((k) => (c.platform as Record<string, unknown>)[k] !== undefined && !isPlainObject((c.platform as Record<string, unknown>)[k]));
      if (badSection) {
        out.invalid(at.field(pp, badSection), (c.platform as Record<string, unknown>)[badSection], 'an object of the fields this cluster sets differently, merged over the fleet\'s');
        return;
      }
      if (overridable) {
        for (const e of clusterProblems(c as unknown as ClusterSpec)) out.add(`${pp}.${e.path}`, e.type, e.value, e.detail);
      }
    }
  });
  checkPlacementRule(out, p, f.placement);
  checkDestination(out, 'fleet.argocd', f.argocd);
  const mk = f.multiKueue;
  if (!isPlainObject(mk)) out.invalid('fleet.multiKueue', mk, 'an object: { vaultPath, secretStore, localQueue }');
  else {
    for (const k of ['vaultPath', 'secretStore', 'localQueue'] as const) {
      if (typeof mk[k] !== 'string' || mk[k] === '') out.required(`fleet.multiKueue.${k}`, 'a non-empty string (docs/fleet.md "Burst")');
    }
  }
}

function checkPlacementRule(out: ErrorList, p: PlatformSettings, rule: unknown): void {
  if (!isPlainObject(rule)) {
    out.invalid('fleet.placement', rule, 'an object: { byComplianceTier?: { <tier>: <cluster> }, default?: <cluster> }');
    return;
  }
  checkKnownKeys(out, 'fleet.placement', rule, RULE_FIELDS);
  const names = clusterNames(p);
  const known = names.length > 0 ? `clusters: ${names.join(', ')}` : 'fleet.clusters declares none';
  const byName = new Map(p.fleet.clusters.filter(isPlainObject).map((c) => [c.name, c] as const));
  const tiers = p.labels.complianceTiers;
  const target = (path: string, v: unknown, tier: string | undefined): void => {
    if (typeof v !== 'string' || !byName.has(v)) {
      out.add(path, 'Not found', v, `no cluster of that name in fleet.clusters (${known}); name a declared cluster`);
      return;
    }
    const c = byName.get(v)!;
    if (tier !== undefined && !clusterTiers(c, p).includes(tier)) {
      out.invalid(path, v, `cluster "${v}" does not host compliance tier "${tier}" (its complianceTiers: ${clusterTiers(c, p).join(', ')}); place the tier on a cluster that hosts it${allowedClusters(p, tier)}`);
    }
  };
  if (rule.byComplianceTier !== undefined) {
    if (!isPlainObject(rule.byComplianceTier)) out.invalid('fleet.placement.byComplianceTier', rule.byComplianceTier, 'an object: { <tier>: <cluster> }, e.g. { pci: "pci-eu" }');
    else {
      for (const [tier, v] of Object.entries(rule.byComplianceTier)) {
        const path = at.key('fleet.placement.byComplianceTier', tier);
        if (!tiers.includes(tier)) out.add(path, 'Unsupported value', tier, `not a compliance tier; supported values: ${tiers.map((x) => JSON.stringify(x)).join(', ')} (platform.ts labels.complianceTiers)`);
        else target(path, v, tier);
      }
    }
  }
  if (rule.default !== undefined) target('fleet.placement.default', rule.default, undefined);
}

/** `; clusters that do: a, b` (or that none does), for the tier messages. */
function allowedClusters(p: PlatformSettings, tier: string): string {
  const ok = p.fleet.clusters.filter((c) => clusterTiers(c, p).includes(tier)).map((c) => c.name);
  return ok.length > 0 ? `; clusters that do: ${ok.join(', ')}` : `; no cluster of fleet.clusters hosts "${tier}": add it to a cluster's complianceTiers in platform.ts`;
}

/** How a tenant got its home: its own `placement.cluster`, or which rule of platform.ts. */
export type HomeSource = 'placement.cluster' | `fleet.placement.byComplianceTier["${string}"]` | 'fleet.placement.default';

/**
 * The home cluster of a tenant: `placement.cluster`, else the platform's rule by the tenant's
 * compliance tier, else `fleet.placement.default`; undefined when nothing places it (an error
 * {@link checkPlacement} reports) or the platform declares no fleet.
 */
export function resolveHome(spec: TenantSpec, p: PlatformSettings): { cluster: string; source: HomeSource } | undefined {
  if (!isFleet(p)) return undefined;
  const own = isPlainObject(spec.placement) ? spec.placement.cluster : undefined;
  if (typeof own === 'string') return { cluster: own, source: 'placement.cluster' };
  const tier = isPlainObject(spec.labels) ? spec.labels[p.labels.complianceTier] : undefined;
  const byTier = p.fleet.placement.byComplianceTier;
  if (typeof tier === 'string' && byTier && Object.prototype.hasOwnProperty.call(byTier, tier) && typeof byTier[tier] === 'string') {
    return { cluster: byTier[tier]!, source: `fleet.placement.byComplianceTier["${tier}"]` };
  }
  if (typeof p.fleet.placement.default === 'string') return { cluster: p.fleet.placement.default, source: 'fleet.placement.default' };
  return undefined;
}

/**
 * A tenant's `placement`, and where it lands: the cluster exists and hosts the tenant's
 * compliance tier, the platform's rule places a tenant that names no cluster, `migratingFrom` is
 * another existing cluster, burst clusters exist, are not home, are listed once and host the tier.
 * Without a fleet, `placement` is refused.
 */
export function checkPlacement(errs: ErrorList, spec: TenantSpec, ctx: CheckContext): void {
  const p = ctx.platform;
  const raw = (spec as { placement?: unknown }).placement;
  if (!isFleet(p)) {
    if (raw !== undefined) {
      errs.invalid('placement', raw, 'platform.ts declares no fleet (fleet.clusters is not declared), so there is one cluster and nothing to place; remove placement, or ask the platform team to declare the clusters in platform.ts fleet.clusters (docs/fleet.md)');
    }
    return;
  }
  if (raw !== undefined && !isPlainObject(raw)) {
    errs.invalid('placement', raw, 'an object: { cluster?, burst?, migratingFrom? } (docs/fleet.md)');
    return;
  }
  const pl = (raw ?? {}) as Record<string, unknown>;
  if (raw !== undefined) checkKnownKeys(errs, 'placement', pl, PLACEMENT_FIELDS);
  const names = clusterNames(p);
  const byName = new Map(p.fleet.clusters.map((c) => [c.name, c] as const));
  const notFound = (path: string, v: unknown): void => errs.add(path, 'Not found', v, `no cluster of that name in platform.ts fleet.clusters; clusters: ${names.join(', ')}`);
  const tier = isPlainObject(spec.labels) ? spec.labels[p.labels.complianceTier] : undefined;
  const knownTier = typeof tier === 'string' && p.labels.complianceTiers.includes(tier) ? tier : undefined;

  let home: string | undefined;
  if (pl.cluster !== undefined) {
    if (typeof pl.cluster !== 'string' || !byName.has(pl.cluster)) notFound('placement.cluster', pl.cluster);
    else home = pl.cluster;
  } else {
    const resolved = resolveHome(spec, p);
    if (!resolved) {
      const some = knownTier ? p.fleet.clusters.filter((c) => clusterTiers(c, p).includes(knownTier)).map((c) => c.name) : names;
      errs.required(
        'placement.cluster',
        `platform.ts fleet.placement places no tenant of compliance tier ${JSON.stringify(tier ?? '')} (no byComplianceTier entry for it, no default); name the home cluster, e.g. placement: { cluster: "${some[0] ?? names[0]}" } (clusters: ${names.join(', ')})`,
      );
    } else if (byName.has(resolved.cluster)) {
      home = resolved.cluster;
    }
  }
  if (home !== undefined && knownTier !== undefined && !clusterTiers(byName.get(home)!, p).includes(knownTier)) {
    const how = pl.cluster !== undefined ? '' : ` (placed there by platform.ts ${resolveHome(spec, p)!.source})`;
    const ok = p.fleet.clusters.filter((c) => clusterTiers(c, p).includes(knownTier)).map((c) => c.name);
    const fix = ok.length > 0 ? `clusters that do: ${ok.join(', ')}; set placement: { cluster: "${ok[0]}" }` : `no cluster hosts "${knownTier}": the platform team must add it to a cluster's complianceTiers`;
    errs.add('placement.cluster', 'Forbidden', home, `cluster "${home}"${how} does not host compliance tier "${knownTier}" (platform.ts fleet.clusters complianceTiers); ${fix}`);
  }

  if (pl.migratingFrom !== undefined) {
    if (typeof pl.migratingFrom !== 'string' || !byName.has(pl.migratingFrom)) notFound('placement.migratingFrom', pl.migratingFrom);
    else if (pl.migratingFrom === home) {
      errs.invalid('placement.migratingFrom', pl.migratingFrom, `is the tenant's home cluster; migratingFrom names the cluster the tenant is moving away from, which must differ from its home (remove migratingFrom once the move is done, docs/fleet.md "Moving a tenant")`);
    }
  }

  if (pl.burst !== undefined) {
    const b = pl.burst;
    if (!isPlainObject(b)) {
      errs.invalid('placement.burst', b, 'an object: { clusters: ["<worker>"], flavors: { <flavor>: { <resource>: { nominal } } } }');
      return;
    }
    checkKnownKeys(errs, 'placement.burst', b, BURST_FIELDS);
    if (!Array.isArray(b.clusters) || b.clusters.length === 0) {
      errs.invalid('placement.burst.clusters', b.clusters, `a non-empty list of worker clusters (of ${names.join(', ')}, not the home cluster)`);
    } else {
      (b.clusters as unknown[]).forEach((c, i) => {
        const path = at.index('placement.burst.clusters', i);
        if (typeof c !== 'string' || !byName.has(c)) notFound(path, c);
        else if ((b.clusters as unknown[]).indexOf(c) !== i) errs.add(path, 'Duplicate value', c, `already listed at placement.burst.clusters[${(b.clusters as unknown[]).indexOf(c)}]; list each worker once`);
        else if (c === home) errs.invalid(path, c, 'is the tenant\'s home cluster; MultiKueue cannot dispatch to the manager itself: list other clusters (work submitted to the "default" queue already runs at home)');
        else if (knownTier !== undefined && !clusterTiers(byName.get(c)!, p).includes(knownTier)) {
          errs.add(path, 'Forbidden', c, `cluster "${c}" does not host compliance tier "${knownTier}" and burst work runs there in the tenant's namespace with its credentials; burst only to clusters that host it (${allowedClusters(p, knownTier).replace(/^; /, '')})`);
        }
      });
    }
    if (!isPlainObject(b.flavors) || Object.keys(b.flavors).length === 0) {
      errs.invalid('placement.burst.flavors', b.flavors, 'the quota of burst work in flight per flavor and resource, e.g. { "a100-80gb": { "nvidia.com/gpu": { nominal: 8 } } }');
    }
  }
}
