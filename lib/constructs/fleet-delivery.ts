/**
 * Argo CD delivery of a fleet (docs/fleet.md "Delivery with Argo CD"): the objects of
 * `dist/argocd/`, synced to the cluster Argo CD runs on (`fleet.argocd`).
 *
 * - The bootstrap Application `kubeflow-tenants` (syncs `dist/argocd/` itself) and the platform
 *   AppProject `kubeflow-tenants`: Argo CD's namespace on the Argo CD cluster, and on every cluster
 *   the cluster-level kinds that cluster emits (the single-cluster whitelist, lib/constructs/argocd-objects.ts
 *   `platformClusterWhitelist`, per cluster, plus MultiKueue's on a manager).
 * - Per cluster `<c>`: the Application `kubeflow-tenants-<c>` syncing `dist/clusters/<c>/cluster/` to
 *   `<c>`, and the ApplicationSet `kubeflow-tenants-<c>`, a Git directories generator over
 *   `dist/clusters/<c>/tenants/*` delivering every folder to `<c>` only.
 * - Per tenant the AppProject `tenant-<t>`: namespace `<t>` on exactly the clusters holding a bundle of
 *   it (home, burst workers, the cluster it is migrating away from), nothing else; the
 *   single-cluster whitelists.
 *
 * Application names. Argo CD keeps every Application in one namespace, so a tenant's bundles on
 * several clusters need distinct names; and Argo CD ties the objects it applied to the name of the
 * Application that applied them (its tracking id; `FailOnSharedResource=true` then refuses another
 * Application taking them over), so renaming the Application of a bundle that already runs breaks
 * its sync. The name therefore depends only on (tenant, cluster), never on the tenant's role there
 * (home, guest, old home): `tenant-<t>.<c>`. A tenant moving from A to B keeps `tenant-<t>.<A>` for
 * the copy left on A, and B's is new. `.` cannot occur in a tenant or cluster name (DNS labels), so
 * no two pairs give the same name. One exception: the cluster that inherits the single-cluster
 * deployment when a repository opts into a fleet ({@link FleetDeliveryProps.singleLayoutCluster})
 * keeps today's `tenant-<t>`, so opting in renames no running Application.
 */
import type { App } from 'cdk8s';
import { Chart } from 'cdk8s';
import type { ClusterDestination, PlatformSettings } from '../declarations/platform';
import type { GroupKind } from '../model/catalogue';
import { MANAGED_BY } from '../meta';
import { DIST_PATH, PLATFORM_APP, tenantProject } from './argocd';
import type { ArgoDestination, ClusterKindEntry } from './argocd-objects';
import { ARGOCD_KINDS, destinationOf, platformApplication, platformAppProject, platformClusterWhitelist, tenantApplicationSet, tenantAppProject } from './argocd-objects';

/** Label naming the cluster a per-cluster Argo CD object (and each generated Application) delivers to. */
export const CLUSTER_LABEL = 'kubeflow-tenants/cluster';
/** Folder of Argo CD's own objects inside `dist/` in a fleet. */
export const ARGOCD_DIR = 'argocd';

/** Name of a cluster's platform Application and of its ApplicationSet. */
export const clusterAppName = (cluster: string): string => `${PLATFORM_APP}-${cluster}`;

/**
 * Name of the Application of tenant `tenant`'s bundle on `cluster` (a Go template is a valid
 * `tenant`): `tenant-<t>.<cluster>`, or `tenant-<t>` on the cluster that inherits the single-cluster
 * deployment. Why: the module comment.
 */
export function fleetApplicationName(tenant: string, cluster: string, inherits: boolean): string {
  return inherits ? tenantProject(tenant) : `${tenantProject(tenant)}.${cluster}`;
}

/** One cluster of the fleet, as Argo CD sees it. */
export interface FleetDeliveryCluster {
  /** The cluster's name (`fleet.clusters[].name`). */
  readonly name: string;
  /** Where Argo CD delivers to it: a registered cluster's server URL or name. */
  readonly destination: ClusterDestination;
  /** Its output folder inside `dist/`. @default `clusters/<name>` */
  readonly dir?: string;
  /** Tenant folders under `<dir>/tenants/`: bundles of tenants homed here, burst guests, migrating-away copies. @default [] */
  readonly bundles?: readonly string[];
  /** Its guards (the fleet's, merged with its own): which guard kinds its cluster folder carries. */
  readonly guards: PlatformSettings['guards'];
  /**
   * Namespace of its cluster-level namespaced objects (MultiKueue's kubeconfig ExternalSecrets live
   * in Kueue's namespace): the platform Application's destination namespace on this cluster.
   * @default 'kueue-system'
   */
  readonly namespace?: string;
  /** Kueue capacity declared on it; `userQueues`: personal queues exist (the user-queue policy). @default none */
  readonly kueue?: { readonly userQueues: boolean };
  /**
   * A MultiKueue manager (some tenant homed here bursts): AdmissionChecks, MultiKueueConfigs,
   * MultiKueueClusters and the kubeconfig ExternalSecrets in {@link namespace}. @default false
   */
  readonly multiKueue?: boolean;
}

/** Where one tenant's bundles are. */
export interface FleetDeliveryTenant {
  readonly name: string;
  /** Its home cluster. */
  readonly home: string;
  /** Clusters its burst work runs on (each holds a guest bundle). @default [] */
  readonly workers?: readonly string[];
  /** The cluster it is moving away from (holds its decommissioned copy). @default none */
  readonly migratingFrom?: string;
}

/** Props of {@link FleetDelivery}. */
export interface FleetDeliveryProps {
  /** The fleet's platform settings: `gitops` (repository, revision, Argo CD's namespace) and `fleet.argocd`. */
  readonly platform: PlatformSettings;
  /** Every cluster of the fleet. */
  readonly clusters: readonly FleetDeliveryCluster[];
  /** Every tenant; its bundles must be exactly the clusters' `bundles` naming it. */
  readonly tenants: readonly FleetDeliveryTenant[];
  /** Namespaced kinds tenant bundles emit on any cluster (lib/model/catalogue.ts): the tenant projects' whitelist. */
  readonly namespacedKinds: readonly GroupKind[];
  /**
   * The cluster the single-cluster layout delivered to before the repository opted into a fleet
   * (lib/deployed.ts `singleLayoutCluster`): its bundles' Applications keep the names `tenant-<t>`.
   * @default none: every Application is `tenant-<t>.<cluster>`
   */
  readonly singleLayoutCluster?: string;
}

/** MultiKueue's cluster-scoped kinds on a manager cluster. */
const MULTIKUEUE_CLUSTER_KINDS: readonly ClusterKindEntry[] = [
  { group: 'kueue.x-k8s.io', kind: 'AdmissionCheck' },
  { group: 'kueue.x-k8s.io', kind: 'MultiKueueCluster' },
  { group: 'kueue.x-k8s.io', kind: 'MultiKueueConfig' },
];
/** The namespaced kind of a manager's cluster folder: the ExternalSecret bringing each worker's kubeconfig. */
const MULTIKUEUE_NAMESPACED_KINDS: readonly GroupKind[] = [{ group: 'external-secrets.io', kind: 'ExternalSecret' }];

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const entryKey = (e: ClusterKindEntry): string => `${e.group}/${e.kind}/${e.name ?? ''}`;

/** The Argo CD objects of a fleet (`dist/argocd/`). */
export class FleetDelivery extends Chart {
  /** Application name of every bundle folder (`clusters/<c>/tenants/<t>`), for tests and the docs. */
  readonly applicationNames: ReadonlyMap<string, string>;

  constructor(scope: App, props: FleetDeliveryProps) {
    super(scope, ARGOCD_DIR, { disableResourceNameHashes: true });
    const { platform } = props;
    const g = platform.gitops;
    const ns = g.argocdNamespace;
    const labels = { 'app.kubernetes.io/managed-by': MANAGED_BY, 'app.kubernetes.io/part-of': PLATFORM_APP };
    const clusters = [...props.clusters].sort((a, b) => cmp(a.name, b.name));
    const byName = new Map(clusters.map((c) => [c.name, c]));
    if (byName.size !== clusters.length) throw new Error('FleetDelivery: two clusters share a name');
    const dirOf = (c: FleetDeliveryCluster): string => c.dir ?? `clusters/${c.name}`;
    const inheriting = props.singleLayoutCluster;
    if (inheriting !== undefined && !byName.has(inheriting)) throw new Error(`FleetDelivery: no cluster ${inheriting} (singleLayoutCluster)`);

    // Where each tenant's bundles are, checked against its placement: a project admitting a
    // cluster without a bundle, or a bundle its project does not admit, would be a silent gap.
    const bundledOn = new Map<string, string[]>();
    for (const c of clusters) for (const t of c.bundles ?? []) bundledOn.set(t, [...(bundledOn.get(t) ?? []), c.name]);
    const problems: string[] = [];
    const tenants = [...props.tenants].sort((a, b) => cmp(a.name, b.name));
    const roles = new Map<string, Map<string, string>>();
    for (const t of tenants) {
      const role = new Map<string, string>([[t.home, 'home']]);
      for (const w of t.workers ?? []) role.set(w, 'burst worker');
      if (t.migratingFrom !== undefined) role.set(t.migratingFrom, 'migrating away');
      roles.set(t.name, role);
      for (const c of role.keys()) if (!byName.has(c)) problems.push(`tenant ${t.name}: no cluster ${c}`);
      const want = [...role.keys()].sort(cmp).join(',');
      const got = [...(bundledOn.get(t.name) ?? [])].sort(cmp).join(',');
      if (want !== got) problems.push(`tenant ${t.name}: placed on [${want}] but bundled on [${got}]`);
    }
    for (const t of bundledOn.keys()) if (!roles.has(t)) problems.push(`bundle ${t} belongs to no tenant`);
    if (problems.length > 0) throw new Error(`FleetDelivery: ${problems.join('; ')}`);

    // Platform project: Argo CD's own objects on the Argo CD cluster; each cluster's cluster-level kinds.
    const destinations: ArgoDestination[] = [destinationOf(platform.fleet.argocd, ns)];
    const whitelist = new Map<string, ClusterKindEntry>();
    let multiKueue = false;
    for (const c of clusters) {
      destinations.push(destinationOf(c.destination, c.namespace ?? 'kueue-system'));
      const kinds = [...platformClusterWhitelist({ guards: c.guards, ...(c.kueue ? { kueue: c.kueue } : {}) }), ...(c.multiKueue ? MULTIKUEUE_CLUSTER_KINDS : [])];
      for (const e of kinds) whitelist.set(entryKey(e), e);
      multiKueue ||= c.multiKueue === true;
    }
    const uniqueDestinations = [...new Map(destinations.map((d) => [JSON.stringify(d), d])).values()];
    platformAppProject(this, 'platform-project', {
      name: PLATFORM_APP,
      namespace: ns,
      labels,
      repoURL: g.repoURL,
      description: 'kubeflow-tenants fleet: the per-cluster ApplicationSets and Applications, the tenant AppProjects; on each cluster its ClusterRoles, guards and Kueue objects',
      destinations: uniqueDestinations,
      clusterResourceWhitelist: [...whitelist.values()].sort((a, b) => cmp(entryKey(a), entryKey(b))),
      namespaceResourceWhitelist: [...ARGOCD_KINDS, ...(multiKueue ? MULTIKUEUE_NAMESPACED_KINDS : [])],
    });
    // Bootstrap once with `kubectl apply -f dist/argocd/` on the Argo CD cluster; from then on it syncs itself.
    platformApplication(this, 'bootstrap', {
      name: PLATFORM_APP,
      namespace: ns,
      labels,
      project: PLATFORM_APP,
      repoURL: g.repoURL,
      revision: g.revision,
      path: `${DIST_PATH}/${ARGOCD_DIR}`,
      destination: destinationOf(platform.fleet.argocd, ns),
    });

    const names = new Map<string, string>();
    for (const c of clusters) {
      const clusterLabels = { ...labels, [CLUSTER_LABEL]: c.name };
      platformApplication(this, `cluster-${c.name}`, {
        name: clusterAppName(c.name),
        namespace: ns,
        labels: clusterLabels,
        project: PLATFORM_APP,
        repoURL: g.repoURL,
        revision: g.revision,
        path: `${DIST_PATH}/${dirOf(c)}/cluster`,
        destination: destinationOf(c.destination, c.namespace ?? 'kueue-system'),
      });
      const inherits = c.name === inheriting;
      tenantApplicationSet(this, `appset-${c.name}`, {
        name: clusterAppName(c.name),
        namespace: ns,
        labels,
        applicationLabels: { [CLUSTER_LABEL]: c.name },
        repoURL: g.repoURL,
        revision: g.revision,
        directories: `${DIST_PATH}/${dirOf(c)}/tenants/*`,
        applicationName: fleetApplicationName('{{.path.basename}}', c.name, inherits),
        cluster: c.destination,
      });
      for (const t of c.bundles ?? []) names.set(`${dirOf(c)}/tenants/${t}`, fleetApplicationName(t, c.name, inherits));
    }
    const seen = new Map<string, string>();
    for (const [dir, name] of names) {
      if (seen.has(name)) throw new Error(`FleetDelivery: ${seen.get(name)} and ${dir} would both be Application ${name}`);
      seen.set(name, dir);
    }
    this.applicationNames = names;

    for (const t of tenants) {
      const role = roles.get(t.name)!;
      const on = [...role.keys()].sort(cmp);
      tenantAppProject(this, `project-${t.name}`, {
        tenant: t.name,
        namespace: ns,
        labels,
        repoURL: g.repoURL,
        destinations: on.map((c) => destinationOf(byName.get(c)!.destination, t.name)),
        kinds: props.namespacedKinds,
        description: `Tenant ${t.name}: its Profile and namespace "${t.name}" on ${on.map((c) => `${c} (${role.get(c)})`).join(', ')} only (generated by kubeflow-tenants)`,
      });
    }
  }
}
