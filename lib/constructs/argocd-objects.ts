/**
 * The Argo CD objects both layouts emit, built in one place so one cluster (`ClusterBundle`,
 * `dist/cluster/`) and a fleet (`FleetDelivery`, `dist/argocd/`) cannot drift apart: the tenant
 * AppProject, the tenant ApplicationSet (its Applications' sync policy, ignoreDifferences and
 * sync options), the platform AppProject with its cluster-scoped whitelist, and the platform
 * Application. The callers decide names, paths and destinations; these builders decide semantics.
 */
import type { Construct } from 'constructs';
import { Application, ApplicationSet, ApplicationSetSpecSyncPolicyApplicationsSync, AppProject } from '../../imports/argoproj.io';
import type { ClusterDestination, GuardSettings } from '../declarations/platform';
import type { GroupKind } from '../model/catalogue';
import { objectMeta, TENANT_LABEL } from '../meta';
import { SYNC_WAVE_ANNOTATION, tenantProject } from './argocd';
import { KUEUE_VIEW_ROLE } from './kueue';


/**
 * Every Application's manifest cache is keyed by the commit: without this annotation each merged PR
 * (one commit to the one repository) makes the repo-server regenerate every tenant folder; with it,
 * only Applications whose folder the commit touched (`.` = the Application's own source path) are
 * regenerated (Argo CD's high-availability guide, "Manifest Paths Annotation"; docs/scale.md).
 */
export const MANIFEST_PATHS = { 'argocd.argoproj.io/manifest-generate-paths': '.' } as const;

/** An Argo CD destination: a cluster by server URL or by name, and a namespace. */
export interface ArgoDestination {
  readonly server?: string;
  readonly name?: string;
  readonly namespace: string;
}

/** A cluster-scoped kind a project may manage, optionally only the object of that name. */
export interface ClusterKindEntry {
  readonly group: string;
  readonly kind: string;
  readonly name?: string;
}

/** `destination` with `namespace`; exactly one of `server` and `name` (Argo CD refuses both or neither). */
export function destinationOf(cluster: ClusterDestination, namespace: string): ArgoDestination {
  if ((cluster.server === undefined) === (cluster.name === undefined)) {
    throw new Error(`an Argo CD destination needs exactly one of server and name, got ${JSON.stringify(cluster)}`);
  }
  return cluster.server !== undefined ? { server: cluster.server, namespace } : { name: cluster.name, namespace };
}

/** Retry of every generated Application: a CRD or namespace another Application creates may lag behind. */
const RETRY = { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } };

/** Props of {@link tenantAppProject}. */
export interface TenantAppProjectProps {
  /** The tenant (namespace and Profile name). */
  readonly tenant: string;
  /** Argo CD's namespace. */
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly repoURL: string;
  /** Where its Applications may deliver: namespace `tenant` on each of its clusters. */
  readonly destinations: readonly ArgoDestination[];
  /** Namespaced kinds its Applications may manage (lib/model/catalogue.ts). */
  readonly kinds: readonly GroupKind[];
  readonly description: string;
}

/** One tenant's AppProject: its namespace, its own Profile and Namespace object, the catalogue's kinds. */
export function tenantAppProject(scope: Construct, id: string, p: TenantAppProjectProps): AppProject {
  return new AppProject(scope, id, {
    metadata: objectMeta(tenantProject(p.tenant), p.namespace, { ...p.labels, [TENANT_LABEL]: p.tenant }, { [SYNC_WAVE_ANNOTATION]: '-1' }),
    spec: {
      description: p.description,
      sourceRepos: [p.repoURL],
      destinations: p.destinations.map((d) => ({ ...d })),
      // Only its own Profile and its own namespace's labels: a tenant's Application can neither
      // create nor delete another's, nor relabel another namespace.
      clusterResourceWhitelist: [
        { group: '', kind: 'Namespace', name: p.tenant },
        { group: 'kubeflow.org', kind: 'Profile', name: p.tenant },
      ],
      namespaceResourceWhitelist: p.kinds.map((k) => ({ group: k.group, kind: k.kind })),
    },
  });
}

/** Props of {@link tenantApplicationSet}. */
export interface TenantApplicationSetProps {
  readonly name: string;
  /** Argo CD's namespace. */
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly repoURL: string;
  readonly revision: string;
  /** Git directories glob, one tenant folder per match (`dist/tenants/*`). */
  readonly directories: string;
  /** Name template of the generated Applications (Go template over the generator's `path`). */
  readonly applicationName: string;
  /** The cluster every generated Application delivers to; the namespace is the folder's name. */
  readonly cluster: ClusterDestination;
  /** Labels of the generated Applications besides `labels` and the tenant label. @default none */
  readonly applicationLabels?: Record<string, string>;
}

/** The ApplicationSet: one Application per tenant folder, into the namespace named after the folder. */
export function tenantApplicationSet(scope: Construct, id: string, p: TenantApplicationSetProps): ApplicationSet {
  return new ApplicationSet(scope, id, {
    metadata: objectMeta(p.name, p.namespace, p.labels),
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{ git: { repoUrl: p.repoURL, revision: p.revision, directories: [{ path: p.directories }] } }],
      syncPolicy: {
        // Never delete an Application (a vanished folder or a Git hiccup must not cascade), and
        // never put the cascading-deletion finalizer on one.
        applicationsSync: ApplicationSetSpecSyncPolicyApplicationsSync.CREATE_HYPHEN_UPDATE,
        preserveResourcesOnDeletion: true,
      },
      template: {
        metadata: {
          name: p.applicationName,
          labels: { ...p.labels, ...(p.applicationLabels ?? {}), [TENANT_LABEL]: '{{.path.basename}}' },
          annotations: { ...MANIFEST_PATHS },
        },
        spec: {
          // The project is named after the folder; it only exists for folders synth wrote.
          project: tenantProject('{{.path.basename}}'),
          source: { repoUrl: p.repoURL, targetRevision: p.revision, path: '{{.path.path}}' },
          destination: destinationOf(p.cluster, '{{.path.basename}}'),
          ignoreDifferences: [
            // The Profile controller writes default plugins back (PatchDefaultPluginSpec).
            { group: 'kubeflow.org', kind: 'Profile', jsonPointers: ['/spec/plugins'] },
          ],
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            syncOptions: ['FailOnSharedResource=true', 'PruneLast=true', 'RespectIgnoreDifferences=true', 'ServerSideApply=true'],
            retry: RETRY,
          },
        },
      },
    },
  });
}

/** What decides the cluster-scoped kinds of one cluster's platform objects. */
export interface PlatformKindFacts {
  /** The cluster's guards (which guard kinds it carries). */
  readonly guards: GuardSettings;
  /** Kueue capacity declared: its ResourceFlavors, Cohorts and ClusterQueues. @default none */
  readonly kueue?: {
    /** Personal queues exist: the user-queue ValidatingAdmissionPolicy is emitted. */
    readonly userQueues: boolean;
    /** A MultiKueue manager (a tenant homed here bursts): AdmissionChecks, MultiKueueConfigs, MultiKueueClusters. @default false */
    readonly multiKueue?: boolean;
  };
}

/** Cluster-scoped kinds of the platform objects of one cluster: only the kinds it emits. */
export function platformClusterWhitelist(f: PlatformKindFacts): ClusterKindEntry[] {
  const vap = [
    { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy' },
    { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicyBinding' },
  ];
  return [
    { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
    ...(f.guards.admissionPolicy ? vap : []),
    ...(f.guards.kyverno ? [{ group: 'policies.kyverno.io', kind: 'ValidatingPolicy' }] : []),
    // Kueue's cluster-scoped objects, only where the platform declares capacity.
    ...(f.kueue
      ? [
          { group: 'kueue.x-k8s.io', kind: 'ClusterQueue' },
          { group: 'kueue.x-k8s.io', kind: 'Cohort' },
          { group: 'kueue.x-k8s.io', kind: 'ResourceFlavor' },
          { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: KUEUE_VIEW_ROLE },
          // MultiKueue, only on a cluster some tenant bursts from (docs/fleet.md).
          ...(f.kueue.multiKueue
            ? [
                { group: 'kueue.x-k8s.io', kind: 'AdmissionCheck' },
                { group: 'kueue.x-k8s.io', kind: 'MultiKueueCluster' },
                { group: 'kueue.x-k8s.io', kind: 'MultiKueueConfig' },
              ]
            : []),
          ...(f.kueue.userQueues && !f.guards.admissionPolicy ? vap : []),
        ]
      : []),
  ];
}

/** The namespaced kind of a MultiKueue manager's cluster objects: the ExternalSecret bringing each worker's kubeconfig into Kueue's namespace. */
export const MULTIKUEUE_NAMESPACED_KINDS: readonly GroupKind[] = [{ group: 'external-secrets.io', kind: 'ExternalSecret' }];

/** Namespaced kinds of the platform Application(s): Argo CD's own objects. */
export const ARGOCD_KINDS: readonly GroupKind[] = [
  { group: 'argoproj.io', kind: 'AppProject' },
  { group: 'argoproj.io', kind: 'Application' },
  { group: 'argoproj.io', kind: 'ApplicationSet' },
];

/** Props of {@link platformAppProject}. */
export interface PlatformAppProjectProps {
  readonly name: string;
  /** Argo CD's namespace. */
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly repoURL: string;
  readonly description: string;
  readonly destinations: readonly ArgoDestination[];
  readonly clusterResourceWhitelist: readonly ClusterKindEntry[];
  readonly namespaceResourceWhitelist: readonly GroupKind[];
}

/** The platform AppProject (wave -1: before the Applications that name it). */
export function platformAppProject(scope: Construct, id: string, p: PlatformAppProjectProps): AppProject {
  return new AppProject(scope, id, {
    metadata: objectMeta(p.name, p.namespace, p.labels, { [SYNC_WAVE_ANNOTATION]: '-1' }),
    spec: {
      description: p.description,
      sourceRepos: [p.repoURL],
      destinations: p.destinations.map((d) => ({ ...d })),
      clusterResourceWhitelist: p.clusterResourceWhitelist.map((e) => ({ ...e })),
      namespaceResourceWhitelist: p.namespaceResourceWhitelist.map((k) => ({ group: k.group, kind: k.kind })),
    },
  });
}

/** Props of {@link platformApplication}. */
export interface PlatformApplicationProps {
  readonly name: string;
  /** Argo CD's namespace. */
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly project: string;
  readonly repoURL: string;
  readonly revision: string;
  /** Folder it syncs, relative to the repository root. */
  readonly path: string;
  readonly destination: ArgoDestination;
}

/** A platform Application: automated sync with prune and self-heal, server-side apply. */
export function platformApplication(scope: Construct, id: string, p: PlatformApplicationProps): Application {
  return new Application(scope, id, {
    metadata: objectMeta(p.name, p.namespace, p.labels, { ...MANIFEST_PATHS }),
    spec: {
      project: p.project,
      source: { repoUrl: p.repoURL, targetRevision: p.revision, path: p.path },
      destination: { ...p.destination },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['ServerSideApply=true'],
        retry: RETRY,
      },
    },
  });
}
