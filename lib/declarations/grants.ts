/**
 * Grants as a tenant file declares them, and the catalogue of what may be granted. Checks, rules
 * and objects: lib/grants.ts.
 */
import type { KubeflowRole } from './kubeflow';
import { KUBEFLOW_CLUSTER_ROLES } from './kubeflow';

/** Verbs every resource of the catalogue offers. */
export const STANDARD_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'] as const;
export type StandardVerb = (typeof STANDARD_VERBS)[number];

/** Kubeflow Pipelines' own authorization verbs (checked by the KFP API server via SubjectAccessReview). */
export type PipelinesVerb = 'archive' | 'unarchive' | 'retry' | 'terminate' | 'readArtifact' | 'reportMetrics' | 'enable' | 'disable';

/** Any verb a grant may name. */
export type GrantVerb = StandardVerb | PipelinesVerb;

/** One grantable kind of object: API group, plural resource, and what it is. */
export interface CatalogueEntry {
  /** API group; `''` is the core group. */
  readonly group: string;
  /** Plural resource name as RBAC sees it (`inferenceservices`, `pods/log`). */
  readonly resource: string;
  readonly description: string;
  /** Verbs that mean something on this resource. @default the standard verbs */
  readonly verbs?: readonly GrantVerb[];
}

const KFP_RUN_VERBS: readonly GrantVerb[] = [...STANDARD_VERBS, 'archive', 'unarchive', 'retry', 'terminate', 'readArtifact', 'reportMetrics'];

/**
 * The Kubeflow resources teams grant each other, by the typed name a grant uses. API groups and
 * resources are those of the Kubeflow aggregated ClusterRoles (crds/kubeflow-clusterroles.yaml).
 */
export const GRANTABLE_RESOURCES = {
  // KServe
  inferenceservices: { group: 'serving.kserve.io', resource: 'inferenceservices', description: 'KServe InferenceServices (deployed models)' },
  inferencegraphs: { group: 'serving.kserve.io', resource: 'inferencegraphs', description: 'KServe InferenceGraphs' },
  servingruntimes: { group: 'serving.kserve.io', resource: 'servingruntimes', description: 'KServe ServingRuntimes' },
  trainedmodels: { group: 'serving.kserve.io', resource: 'trainedmodels', description: 'KServe TrainedModels' },
  // Notebooks
  notebooks: { group: 'kubeflow.org', resource: 'notebooks', description: 'Kubeflow Notebooks' },
  poddefaults: { group: 'kubeflow.org', resource: 'poddefaults', description: 'Kubeflow PodDefaults' },
  tensorboards: { group: 'tensorboard.kubeflow.org', resource: 'tensorboards', description: 'Kubeflow Tensorboards' },
  // Katib
  'katib-experiments': { group: 'kubeflow.org', resource: 'experiments', description: 'Katib Experiments' },
  'katib-trials': { group: 'kubeflow.org', resource: 'trials', description: 'Katib Trials' },
  'katib-suggestions': { group: 'kubeflow.org', resource: 'suggestions', description: 'Katib Suggestions' },
  // Kubeflow Pipelines (authorized by the KFP API server against these virtual resources)
  pipelines: { group: 'pipelines.kubeflow.org', resource: 'pipelines', description: 'KFP pipelines' },
  pipelineversions: { group: 'pipelines.kubeflow.org', resource: 'pipelineversions', description: 'KFP pipeline versions' },
  'pipeline-runs': { group: 'pipelines.kubeflow.org', resource: 'runs', description: 'KFP runs', verbs: KFP_RUN_VERBS },
  'pipeline-experiments': {
    group: 'pipelines.kubeflow.org',
    resource: 'experiments',
    description: 'KFP experiments',
    verbs: [...STANDARD_VERBS, 'archive', 'unarchive'],
  },
  'pipeline-recurring-runs': { group: 'pipelines.kubeflow.org', resource: 'jobs', description: 'KFP recurring runs', verbs: [...STANDARD_VERBS, 'enable', 'disable'] },
  workflows: { group: 'argoproj.io', resource: 'workflows', description: 'Argo Workflows (KFP v2 run pods)' },
  // Training
  trainjobs: { group: 'trainer.kubeflow.org', resource: 'trainjobs', description: 'Kubeflow Trainer TrainJobs' },
  pytorchjobs: { group: 'kubeflow.org', resource: 'pytorchjobs', description: 'Training Operator PyTorchJobs' },
  tfjobs: { group: 'kubeflow.org', resource: 'tfjobs', description: 'Training Operator TFJobs' },
  mpijobs: { group: 'kubeflow.org', resource: 'mpijobs', description: 'Training Operator MPIJobs' },
  xgboostjobs: { group: 'kubeflow.org', resource: 'xgboostjobs', description: 'Training Operator XGBoostJobs' },
  jaxjobs: { group: 'kubeflow.org', resource: 'jaxjobs', description: 'Training Operator JAXJobs' },
  sparkapplications: { group: 'sparkoperator.k8s.io', resource: 'sparkapplications', description: 'Spark applications' },
  // Storage and core
  persistentvolumeclaims: { group: '', resource: 'persistentvolumeclaims', description: 'PersistentVolumeClaims (data volumes)' },
  pvcviewers: { group: 'kubeflow.org', resource: 'pvcviewers', description: 'Kubeflow PVC viewers' },
  configmaps: { group: '', resource: 'configmaps', description: 'ConfigMaps' },
  services: { group: '', resource: 'services', description: 'Services' },
  pods: { group: '', resource: 'pods', description: 'Pods' },
  'pods/log': { group: '', resource: 'pods/log', description: 'Pod logs', verbs: ['get', 'list', 'watch'] },
  events: { group: '', resource: 'events', description: 'Events', verbs: ['get', 'list', 'watch'] },
  /** Credentials: refused unless the grant carries a `reviewedException`. */
  secrets: { group: '', resource: 'secrets', description: 'Secrets (credentials)' },
} as const satisfies Record<string, CatalogueEntry>;

/** A typed name from {@link GRANTABLE_RESOURCES}. */
export type GrantableResource = keyof typeof GRANTABLE_RESOURCES;

/** Namespace-wide roles a grant may give, and the Kubeflow ClusterRole each binds. */
export const GRANT_ROLES = { view: KUBEFLOW_CLUSTER_ROLES.view, edit: KUBEFLOW_CLUSTER_ROLES.edit } as const satisfies Partial<Record<KubeflowRole, string>>;
export type GrantRole = keyof typeof GRANT_ROLES;

/** One grant, declared by the owner of the namespace, to another tenant. */
export interface GrantSpec {
  /** Name of the tenant whose workloads get access. */
  readonly to: string;
  /** What kinds of object (typed catalogue names). Required with `verbs`. @default none */
  readonly resources?: readonly GrantableResource[];
  /** Exactly the verbs allowed on every listed resource. Required with `resources`. @default none */
  readonly verbs?: readonly GrantVerb[];
  /**
   * Namespace-wide access instead of resources: binds `kubeflow-view` or `kubeflow-edit`.
   * `edit` includes reading secrets and exec into pods, so it needs a `reviewedException`.
   * @default none
   */
  readonly role?: GrantRole;
  /** ServiceAccounts of the grantee namespace that get the access. @default ['default-editor'] */
  readonly serviceAccounts?: readonly string[];
  /**
   * Prefixes of this tenant's bucket area (`<bucket>/<tenant>/<prefix>/`) the grantee's S3 key may
   * read, e.g. `models/fraud-v3`. Rendered into the grantee's bucket policy. @default none
   */
  readonly artifactPrefixes?: readonly string[];
  /**
   * Why a platform reviewer accepted a grant that is otherwise refused (`secrets`, `role: 'edit'`),
   * e.g. "SEC-123: shared feature-store credentials, approved by platform security". The emitted
   * objects are labelled and annotated with it. @default none
   */
  readonly reviewedException?: string;
}
