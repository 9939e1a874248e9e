/** Platform settings as platform.ts declares them. Defaults, merge and checks: lib/platform.ts. */
import type { AuditSettings } from './audit';
import type { GpuInventory } from './gpu';
import type { LabelSettings } from './labels';
import type { EgressRule, PodSecurityLevel } from './network';
import type { QuantityInput } from './quota';
import type { KueueSettings } from './queues';

/** How users are identified by the Kubeflow auth chain (the Profile controller's flags). */
export interface IdentitySettings {
  /** Header carrying the user id. @default 'kubeflow-userid' */
  readonly header: string;
  /** Prefix the auth proxy puts before the id in that header. @default '' */
  readonly prefix: string;
  /**
   * Which owner/contributor field is the identity written into RBAC subjects and the header match:
   * the e-mail, or the stable IdP subject (`sub` claim). @default 'email'
   */
  readonly use: 'email' | 'subject';
}

/**
 * How a tenant's `{ group, role }` entries are rendered (docs/roles-and-groups.md "Groups").
 * `expand`: each member of the group gets their own bindings (works with every Kubeflow component).
 * `bind`: the group itself is bound: RBAC `Group` subjects (the API server must carry the IdP's
 * groups, e.g. `--oidc-groups-claim`) and an AuthorizationPolicy on the token's groups claim;
 * Kubeflow's web apps and dashboard check users only and do not honour it.
 */
export interface GroupSettings {
  /** @default 'expand' */
  readonly mode: 'expand' | 'bind';
  /** The API server's groups prefix (`--oidc-groups-prefix`), before the group's name in RBAC subjects. @default '' */
  readonly subjectPrefix: string;
  /** The JWT claim carrying the groups, read by the AuthorizationPolicy as `request.auth.claims[<claim>]`. @default 'groups' */
  readonly claim: string;
}

/** Istio principals allowed to carry a user's identity header into a tenant namespace. */
export interface IstioSettings {
  /** @default 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account' */
  readonly ingressGatewayPrincipal: string;
  /** @default 'cluster.local/ns/kubeflow/sa/ml-pipeline-ui' */
  readonly pipelineUiPrincipal: string;
}

/** Who may connect into every tenant namespace, and where every tenant's pods may connect to. */
export interface NetworkSettings {
  /**
   * Besides the tenant namespace itself: the Istio ingress gateway's namespace and the Kubeflow
   * control plane. @default ['istio-system', 'kubeflow']
   */
  readonly allowIngressFromNamespaces: readonly string[];
  /**
   * Namespaces every tenant's pods may connect to on every port, besides their own: the mesh
   * (istiod) and the Kubeflow control plane (Pipelines API, metadata, Katib). @default ['istio-system', 'kubeflow']
   */
  readonly allowEgressToNamespaces: readonly string[];
  /** The cluster DNS pods, reachable on UDP and TCP 53. @default { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } } */
  readonly dns: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
  /**
   * Further destinations of every tenant, e.g. the API server's endpoint addresses on 6443
   * (`kubectl get endpoints kubernetes`), which Kubeflow Pipelines' Argo executor needs.
   * @default []
   */
  readonly egress: readonly EgressRule[];
}

/**
 * Pod Security admission level of tenant namespaces (the `pod-security.kubernetes.io/enforce`
 * namespace label; mechanism: docs/pod-security-and-egress.md).
 */
export interface PodSecuritySettings {
  /** Level of a tenant whose compliance tier has no entry in `byComplianceTier`. @default 'baseline' */
  readonly level: PodSecurityLevel;
  /** Levels by value of the tenant's `compliance-tier` label. @default { pci: 'restricted' } */
  readonly byComplianceTier: Readonly<Record<string, PodSecurityLevel>>;
  /**
   * Pod Security Standards version (`enforce-version`): `latest`, or a minor such as `v1.33` so a
   * cluster upgrade does not tighten the rules under running workloads. @default 'latest'
   */
  readonly version: string;
}

/** The Kubeflow Profile controller's settings this tool writes files for. */
export interface ProfileControllerSettings {
  /**
   * Labels of the controller's namespace-labels file (`-namespace-labels-path`) besides the Pod
   * Security labels, which are added: the file replaces the manifests' one, so keep its entries.
   * @default the Kubeflow manifests' file: katib metrics collector, KServe, Pipelines, `app.kubernetes.io/part-of: kubeflow-profile`
   */
  readonly namespaceLabels: Readonly<Record<string, string>>;
}

/** Per-pod and per-container defaults applied to a tenant that declares none. */
export interface PodDefaults {
  /** Per-pod cap (sum of a pod's containers). @default { cpu: '16', memory: '64Gi' } */
  readonly podMax: { readonly cpu: QuantityInput; readonly memory: QuantityInput };
  /** Request given to a container that sets none. @default { cpu: '100m', memory: '256Mi' } */
  readonly defaultRequest: { readonly cpu: QuantityInput; readonly memory: QuantityInput };
}

/**
 * Sanity bounds: the most of each resource any quantity a tenant writes (quota, per-pod and
 * per-container caps, GPU counts) and the platform's own `podDefaults` may say. A value above its
 * bound is a typo (`'1e100'`, `'2000Gi'` for `'200Gi'`) that the API server would not catch: it
 * stores it (`'1e100'` as `'10e99'`; binary-suffixed values above 2^63-1 silently capped). The defaults are far above any real tenant of a shared
 * cluster (10k CPUs is some fifty of today's largest nodes) and far below the API server's limits
 * (2^63-1 units: 8Ei bytes, 9.2e18 CPUs; 9.2e15 units for milli-precise comparisons).
 */
export interface QuantityBounds {
  /** CPUs: `quota.cpu`, `quota.limitsCpu`, every `limits.*.cpu`, `podDefaults.*.cpu`. @default '10k' */
  readonly cpu: QuantityInput;
  /** Bytes of memory: `quota.memory`, `quota.limitsMemory`, every `limits.*.memory`, `podDefaults.*.memory`. @default '64Ti' */
  readonly memory: QuantityInput;
  /** Bytes of PVC storage: `quota.storage`. @default '1Pi' */
  readonly storage: QuantityInput;
  /** `quota.persistentVolumeClaims`. @default 10000 */
  readonly persistentVolumeClaims: number;
  /** `quota.pods`. @default 10000 */
  readonly pods: number;
  /** Devices, MIG slices or shares of every GPU resource without its own entry in `gpuByResource`. @default 4096 */
  readonly gpu: number;
  /** Bounds of single GPU resources, overriding `gpu`, e.g. `{ 'nvidia.com/mig-1g.5gb': 28672 }`. @default {} */
  readonly gpuByResource: Readonly<Record<string, number>>;
}

/** Vault, as the External Secrets SecretStores reach it. */
export interface VaultSettings {
  /** @default 'https://vault.vault.svc:8200' */
  readonly address: string;
  /** KV secrets engine mount. @default 'secret' */
  readonly mount: string;
  /** KV engine version. @default 'v2' */
  readonly kvVersion: 'v1' | 'v2';
  /** Mount path of the Kubernetes auth method. @default 'kubernetes' */
  readonly authMountPath: string;
  /** Every tenant's secrets live under `<pathPrefix>/<tenant>/`. @default 'tenants' */
  readonly pathPrefix: string;
  /** Where tenant pods reach Vault (NetworkPolicy egress). @default { namespace: 'vault', ports: [8200] } */
  readonly egress: EgressRule;
}

/** The object store holding pipeline artifacts. */
export interface ObjectStoreSettings {
  /** @default 'mlpipeline' */
  readonly bucket: string;
  /** S3 endpoint notebooks reach the bucket at (AWS_ENDPOINT_URL). @default 'http://minio-service.kubeflow:9000' */
  readonly endpoint: string;
  /** S3 region (AWS_REGION). @default 'us-east-1' */
  readonly region: string;
  /**
   * Key prefix of a tenant's area of the bucket, `{tenant}` standing for its name; its S3 key is
   * confined to it. Kubeflow Pipelines' default pipeline root is `private-artifacts/<namespace>/`:
   * use 'private-artifacts/{tenant}' to keep pipeline artifacts readable with the tenant's key.
   * @default '{tenant}'
   */
  readonly tenantPrefix: string;
  /** Where tenant pods reach the object store (NetworkPolicy egress). @default { namespace: 'kubeflow', ports: [9000] } (the manifests' MinIO) */
  readonly egress: EgressRule;
}

/** How per-tenant credentials reach tenant namespaces (External Secrets from Vault). */
export interface CredentialSettings {
  /** How often External Secrets re-reads Vault (Go duration). @default '1h' */
  readonly refreshInterval: string;
  /** Registry the per-tenant robot accounts log in to. @default 'registry.example.com' */
  readonly registryServer: string;
  /** Git host the notebook git credentials are for. @default 'github.com' */
  readonly gitHost: string;
}

/** Argo CD delivery of `dist/`. */
export interface GitOpsSettings {
  /** Repository Argo CD reads `dist/` from. @default 'https://git.example.com/platform/kubeflow-tenants.git' */
  readonly repoURL: string;
  /** @default 'main' */
  readonly revision: string;
  /** Namespace Argo CD runs in. @default 'argocd' */
  readonly argocdNamespace: string;
  /** Cluster Argo CD deploys to. @default 'https://kubernetes.default.svc' */
  readonly destinationServer: string;
}

/** How grants between tenants are reviewed. */
export interface GrantSettings {
  /**
   * A regular expression every `reviewedException` reason must match, e.g. `'^[A-Z]+-[0-9]+'` to
   * require a ticket id first; checked at synth. @default none (any reason of at least 10 characters)
   */
  readonly exceptionReasonPattern?: string;
}

/**
 * Which in-cluster guards `dist/cluster/` carries: the admission-time twin of the synth checks for
 * Profiles made outside GitOps, and the deletion guards of Profiles and tenant namespaces.
 * docs/gitops.md "The in-cluster guard".
 */
export interface GuardSettings {
  /**
   * A ValidatingAdmissionPolicy and its binding (`admissionregistration.k8s.io/v1`), enforced by the
   * API server itself: needs Kubernetes 1.30 or later and no other component. @default true
   */
  readonly admissionPolicy: boolean;
  /**
   * The same rules as Kyverno `ValidatingPolicy` objects (`policies.kyverno.io/v1`,
   * lib/constructs/kyverno.ts): needs Kyverno >= 1.17 in the cluster. @default true
   */
  readonly kyverno: boolean;
  /**
   * Users whose deletion of a tenant namespace is the cascade of a Profile deletion the guard
   * already admitted (the namespace is owned by its Profile): the garbage collector, as the
   * controller manager authenticates it (`--use-service-account-credentials` on, the kubeadm
   * default: the ServiceAccount; off: the controller manager's own user).
   * @default ['system:serviceaccount:kube-system:generic-garbage-collector', 'system:kube-controller-manager']
   */
  readonly namespaceDeleters: readonly string[];
}

export interface PlatformSettings {
  readonly identity: IdentitySettings;
  /** @default see {@link GroupSettings} */
  readonly groups: GroupSettings;
  readonly istio: IstioSettings;
  readonly network: NetworkSettings;
  readonly podSecurity: PodSecuritySettings;
  readonly profileController: ProfileControllerSettings;
  /** GPU resources that exist on the cluster. @default all three vendors, A100-40GB MIG, `nvidia.com/gpu.shared` */
  readonly gpu: GpuInventory;
  /**
   * Names no tenant may take; a trailing `*` matches a prefix.
   * @default Kubernetes, Kubeflow, Istio, Knative, Argo CD, ESO, Kyverno and Kueue system namespaces, and `kube-*`
   */
  readonly reservedNames: readonly string[];
  /** Labels every tenant must carry. @default ['team', 'cost-centre', 'compliance-tier'] */
  readonly requiredLabels: readonly string[];
  /** Reserved label keys, and the keys of the team and compliance-tier labels. @default see {@link LabelSettings} */
  readonly labels: LabelSettings;
  readonly podDefaults: PodDefaults;
  /** @default see {@link QuantityBounds} */
  readonly quantityBounds: QuantityBounds;
  readonly vault: VaultSettings;
  readonly objectStore: ObjectStoreSettings;
  readonly credentials: CredentialSettings;
  readonly gitops: GitOpsSettings;
  /** @default see {@link GrantSettings} */
  readonly grants: GrantSettings;
  /** @default see {@link GuardSettings} */
  readonly guards: GuardSettings;
  /** Per-tenant audit logs (dist/platform/audit/). @default disabled; see {@link AuditSettings} */
  readonly audit: AuditSettings;
  /** Kueue queues: capacity, teams, the user-queue policy (docs/queues.md). @default see {@link KueueSettings} (no capacity: no Kueue output) */
  readonly kueue: KueueSettings;
  /** Several clusters from one repository (docs/fleet.md). @default see {@link FleetSettings} (no clusters: one cluster, today's layout) */
  readonly fleet: FleetSettings;
}

/** Overrides accepted by `definePlatform`: every section optional, each field within it optional. */
export type PlatformInput = {
  readonly [K in Exclude<keyof PlatformSettings, 'audit' | 'fleet'>]?: PlatformSettings[K] extends readonly unknown[]
    ? PlatformSettings[K]
    : Partial<PlatformSettings[K]>;
} & {
  /** Merged over the defaults, `loki` and `read` field by field. */
  readonly audit?: Partial<Omit<AuditSettings, 'loki' | 'read'>> & { readonly loki?: Partial<AuditSettings['loki']>; readonly read?: Partial<AuditSettings['read']> };
  /** Merged over the defaults, `multiKueue` field by field. */
  readonly fleet?: Partial<Omit<FleetSettings, 'multiKueue'>> & { readonly multiKueue?: Partial<FleetSettings['multiKueue']> };
};

// ---- The fleet (docs/fleet.md); the tenant side, `placement`, is in ./fleet.ts. ----

/** Where Argo CD delivers to: a cluster registered in Argo CD, by its name or its API server URL. */
export interface ClusterDestination {
  /** The cluster's API server URL as registered in Argo CD. Give `server` or `name`, not both. @default none */
  readonly server?: string;
  /** The cluster's name as registered in Argo CD (its cluster Secret's `name`). @default none */
  readonly name?: string;
}

/**
 * Settings a cluster may set differently from the fleet's platform settings: merged over them
 * section by section, as platform.ts is merged over the defaults (a list replaces, an object
 * section is merged field by field). Org-wide sections (labels, reserved names, required labels,
 * quantity bounds, grants, credentials, object store, gitops) stay the fleet's.
 */
export type ClusterPlatformInput = Pick<
  PlatformInput,
  'identity' | 'groups' | 'istio' | 'network' | 'podSecurity' | 'profileController' | 'gpu' | 'guards' | 'audit' | 'kueue' | 'vault'
>;

/** Section keys of {@link ClusterPlatformInput}: what a cluster may override. */
export const CLUSTER_OVERRIDABLE = ['audit', 'gpu', 'groups', 'guards', 'identity', 'istio', 'kueue', 'network', 'podSecurity', 'profileController', 'vault'] as const;

/** One Kubeflow cluster of the fleet. */
export interface ClusterSpec {
  /** The cluster's name: a DNS-1123 label; its output goes to `dist/clusters/<name>/`. */
  readonly name: string;
  /** Where Argo CD delivers this cluster's bundles. */
  readonly destination: ClusterDestination;
  /** Region, for people and the capacity report (e.g. `eu-west-1`). */
  readonly region: string;
  /**
   * Compliance tiers (values of the tenants' `labels.complianceTier` label) this cluster may host.
   * @default every tier
   */
  readonly complianceTiers?: readonly string[];
  /** This cluster's own settings: its capacity (`kueue`), identity, mesh, guards, audit pipeline. @default the fleet's */
  readonly platform?: ClusterPlatformInput;
}

/** Which cluster a tenant without `placement.cluster` lives on. */
export interface PlacementRule {
  /** Home cluster by value of the tenant's compliance-tier label, e.g. `{ pci: 'pci-eu' }`. @default {} */
  readonly byComplianceTier?: Readonly<Record<string, string>>;
  /** Home cluster of a tenant no other rule places. @default none: such a tenant must name its cluster */
  readonly default?: string;
}

/** MultiKueue: how a home cluster's Kueue reaches the worker clusters its tenants burst to. */
export interface MultiKueueSettings {
  /**
   * Vault path (in the fleet's KV mount) under which each worker's kubeconfig is kept, at
   * `<vaultPath>/<worker>` with the property `kubeconfig`. A platform-level ExternalSecret in Kueue's
   * namespace copies it into the Secret the MultiKueueCluster names; it never passes through a
   * tenant's SecretStore. @default 'platform/multikueue'
   */
  readonly vaultPath: string;
  /**
   * The ClusterSecretStore (platform-owned, reading `vaultPath` only) the ExternalSecrets use; the
   * platform team creates it once per home cluster. @default 'kubeflow-tenants-multikueue'
   */
  readonly secretStore: string;
  /** Name of the tenants' burst LocalQueue (on the home cluster and on every worker). @default 'burst' */
  readonly localQueue: string;
}

/** The fleet, in platform.ts `fleet`. */
export interface FleetSettings {
  /** The clusters. @default [] (one cluster: today's layout, `dist/tenants/` and `dist/cluster/`) */
  readonly clusters: readonly ClusterSpec[];
  /** Where a tenant lives when its file does not say. @default {} */
  readonly placement: PlacementRule;
  /** Where Argo CD itself runs: its ApplicationSets, AppProjects and Applications go there. @default { server: 'https://kubernetes.default.svc' } */
  readonly argocd: ClusterDestination;
  /** @default see {@link MultiKueueSettings} */
  readonly multiKueue: MultiKueueSettings;
}

