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

/**
 * What one verb on one resource lets the grantee do, decided per catalogue entry and verb with no
 * default (docs/grants-and-credentials.md "Grants that run code"):
 * - `'runs-code'`: it creates or changes code that runs in the granting namespace, or reaches a
 *   running process there. Whoever can do that can run as any ServiceAccount of the namespace
 *   (`default-editor`) and mount any of its Secrets, so it is refused without a `reviewedException`.
 * - `'data'`: it reads or changes objects without choosing the code that runs.
 */
export type VerbClass = 'runs-code' | 'data';

/** The classification of every verb a resource offers: the keys are exactly the verbs it offers. */
export type VerbClasses<V extends GrantVerb = GrantVerb> = Readonly<Record<V, VerbClass>>;

/** One grantable kind of object: API group, plural resource, what it is, and its classified verbs. */
export interface CatalogueEntry {
  /** API group; `''` is the core group. */
  readonly group: string;
  /** Plural resource name as RBAC sees it (`inferenceservices`, `pods/log`). */
  readonly resource: string;
  readonly description: string;
  /** Every verb that means something on this resource, each classified: a verb missing here is not grantable. */
  readonly verbs: Partial<VerbClasses>;
  /** Why its `'runs-code'` verbs run code, for the refusal and the docs; required when it has one. @default none */
  readonly runsCode?: string;
}

// Every standard verb spelled out in each set: a set that forgot one would not type-check.
/** Objects that are data to whoever reads them: no verb chooses code that runs. */
const DATA: VerbClasses<StandardVerb> = {
  get: 'data', list: 'data', watch: 'data', create: 'data', update: 'data', patch: 'data', delete: 'data', deletecollection: 'data',
};
/** Workload kinds and objects later workloads take their code from: writing them runs code; reading or deleting does not. */
const WORKLOAD: VerbClasses<StandardVerb> = {
  get: 'data', list: 'data', watch: 'data', create: 'runs-code', update: 'runs-code', patch: 'runs-code', delete: 'data', deletecollection: 'data',
};
/** Read-only resources (logs, events). */
const READ_ONLY: VerbClasses<'get' | 'list' | 'watch'> = { get: 'data', list: 'data', watch: 'data' };
/**
 * Connections to a running container (exec, attach, port-forward): `create` is the POST of kubectl,
 * `get` the WebSocket upgrade newer clients use, which the API server authorizes as `get` unless
 * its AuthorizePodWebsocketUpgradeCreatePermission gate is on.
 */
const CONNECT: VerbClasses<'get' | 'create'> = { get: 'runs-code', create: 'runs-code' };

const SPAWNS = 'whoever creates or changes one chooses the image, command and ServiceAccount of the pods it starts';

/**
 * The Kubeflow resources teams grant each other, by the typed name a grant uses. API groups and
 * resources are those of the Kubeflow aggregated ClusterRoles (crds/kubeflow-clusterroles.yaml).
 * Every verb of every entry is classified ({@link VerbClass}); test/grants.test.ts keeps the table
 * in docs/grants-and-credentials.md equal to it.
 */
export const GRANTABLE_RESOURCES = {
  // KServe
  inferenceservices: { group: 'serving.kserve.io', resource: 'inferenceservices', description: 'KServe InferenceServices (deployed models)', verbs: WORKLOAD, runsCode: `${SPAWNS} (predictor, transformer, explainer)` },
  inferencegraphs: { group: 'serving.kserve.io', resource: 'inferencegraphs', description: 'KServe InferenceGraphs', verbs: WORKLOAD, runsCode: 'an InferenceGraph starts a router deployment in the namespace and decides which services receive requests' },
  servingruntimes: {
    group: 'serving.kserve.io',
    resource: 'servingruntimes',
    description: 'KServe ServingRuntimes',
    verbs: WORKLOAD,
    runsCode: 'a ServingRuntime is the image and command of the model servers of InferenceServices that use it, existing ones included',
  },
  trainedmodels: {
    group: 'serving.kserve.io',
    resource: 'trainedmodels',
    description: 'KServe TrainedModels',
    verbs: WORKLOAD,
    runsCode: 'a TrainedModel loads a model into an existing InferenceService\'s server, and loading a pickled model runs code',
  },
  // Notebooks
  notebooks: { group: 'kubeflow.org', resource: 'notebooks', description: 'Kubeflow Notebooks', verbs: WORKLOAD, runsCode: SPAWNS },
  poddefaults: {
    group: 'kubeflow.org',
    resource: 'poddefaults',
    description: 'Kubeflow PodDefaults',
    verbs: WORKLOAD,
    runsCode: 'a PodDefault injects commands, sidecars, volumes and the ServiceAccount into later pods of the namespace, the owner\'s notebooks included',
  },
  tensorboards: { group: 'tensorboard.kubeflow.org', resource: 'tensorboards', description: 'Kubeflow Tensorboards', verbs: WORKLOAD, runsCode: 'a Tensorboard starts a server pod in the namespace mounting the volume or bucket path it names' },
  // Katib
  'katib-experiments': { group: 'kubeflow.org', resource: 'experiments', description: 'Katib Experiments', verbs: WORKLOAD, runsCode: `${SPAWNS} (its trial template)` },
  'katib-trials': { group: 'kubeflow.org', resource: 'trials', description: 'Katib Trials', verbs: WORKLOAD, runsCode: `${SPAWNS} (its run spec)` },
  // The algorithm's image and ServiceAccount come from the platform's katib-config, not the Suggestion.
  'katib-suggestions': { group: 'kubeflow.org', resource: 'suggestions', description: 'Katib Suggestions', verbs: DATA },
  // Kubeflow Pipelines (authorized by the KFP API server against these virtual resources)
  pipelines: { group: 'pipelines.kubeflow.org', resource: 'pipelines', description: 'KFP pipelines', verbs: WORKLOAD, runsCode: 'a pipeline is the code of every later run of it, the owner\'s included' },
  pipelineversions: { group: 'pipelines.kubeflow.org', resource: 'pipelineversions', description: 'KFP pipeline versions', verbs: WORKLOAD, runsCode: 'a pipeline version is the code of every later run of it, the owner\'s included' },
  'pipeline-runs': {
    group: 'pipelines.kubeflow.org',
    resource: 'runs',
    description: 'KFP runs',
    // retry and terminate act on a run's existing code; whoever started the run chose it.
    verbs: { ...WORKLOAD, archive: 'data', unarchive: 'data', retry: 'data', terminate: 'data', readArtifact: 'data', reportMetrics: 'data' },
    runsCode: 'a run executes the pipeline spec its creator submits, as the namespace\'s default-editor',
  },
  'pipeline-experiments': { group: 'pipelines.kubeflow.org', resource: 'experiments', description: 'KFP experiments', verbs: { ...DATA, archive: 'data', unarchive: 'data' } },
  'pipeline-recurring-runs': {
    group: 'pipelines.kubeflow.org',
    resource: 'jobs',
    description: 'KFP recurring runs',
    // enable and disable resume or pause the schedule of code its creator chose.
    verbs: { ...WORKLOAD, enable: 'data', disable: 'data' },
    runsCode: 'a recurring run executes the pipeline spec its creator submits, on a schedule',
  },
  workflows: { group: 'argoproj.io', resource: 'workflows', description: 'Argo Workflows (KFP v2 run pods)', verbs: WORKLOAD, runsCode: SPAWNS },
  // Training
  trainjobs: { group: 'trainer.kubeflow.org', resource: 'trainjobs', description: 'Kubeflow Trainer TrainJobs', verbs: WORKLOAD, runsCode: SPAWNS },
  pytorchjobs: { group: 'kubeflow.org', resource: 'pytorchjobs', description: 'Training Operator PyTorchJobs', verbs: WORKLOAD, runsCode: SPAWNS },
  tfjobs: { group: 'kubeflow.org', resource: 'tfjobs', description: 'Training Operator TFJobs', verbs: WORKLOAD, runsCode: SPAWNS },
  mpijobs: { group: 'kubeflow.org', resource: 'mpijobs', description: 'Training Operator MPIJobs', verbs: WORKLOAD, runsCode: SPAWNS },
  xgboostjobs: { group: 'kubeflow.org', resource: 'xgboostjobs', description: 'Training Operator XGBoostJobs', verbs: WORKLOAD, runsCode: SPAWNS },
  jaxjobs: { group: 'kubeflow.org', resource: 'jaxjobs', description: 'Training Operator JAXJobs', verbs: WORKLOAD, runsCode: SPAWNS },
  sparkapplications: { group: 'sparkoperator.k8s.io', resource: 'sparkapplications', description: 'Spark applications', verbs: WORKLOAD, runsCode: SPAWNS },
  // Storage and core
  persistentvolumeclaims: { group: '', resource: 'persistentvolumeclaims', description: 'PersistentVolumeClaims (data volumes)', verbs: DATA },
  pvcviewers: { group: 'kubeflow.org', resource: 'pvcviewers', description: 'Kubeflow PVC viewers', verbs: WORKLOAD, runsCode: 'a PVCViewer carries a whole pod spec, started in the namespace with the volume mounted' },
  configmaps: { group: '', resource: 'configmaps', description: 'ConfigMaps', verbs: DATA },
  services: { group: '', resource: 'services', description: 'Services', verbs: DATA },
  pods: { group: '', resource: 'pods', description: 'Pods', verbs: WORKLOAD, runsCode: 'a pod runs the image and command it names, as the ServiceAccount it names, and its images can be changed in place' },
  'pods/log': { group: '', resource: 'pods/log', description: 'Pod logs', verbs: READ_ONLY },
  'pods/exec': { group: '', resource: 'pods/exec', description: 'Commands in running containers (kubectl exec)', verbs: CONNECT, runsCode: 'it runs any command in a running container, as that pod\'s ServiceAccount' },
  'pods/attach': { group: '', resource: 'pods/attach', description: 'Attaching to running containers (kubectl attach)', verbs: CONNECT, runsCode: 'it types into the main process of a running container, such as a shell or a notebook kernel' },
  'pods/portforward': {
    group: '',
    resource: 'pods/portforward',
    description: 'Port forwarding to pods (kubectl port-forward)',
    verbs: CONNECT,
    runsCode: 'it reaches a pod\'s ports without the Istio checks, such as a notebook\'s Jupyter server, which runs any code sent to it',
  },
  events: { group: '', resource: 'events', description: 'Events', verbs: READ_ONLY },
  /** Credentials: refused unless the grant carries a `reviewedException`. */
  secrets: {
    group: '',
    resource: 'secrets',
    description: 'Secrets (credentials)',
    // A created Secret of type service-account-token is filled with a token of the ServiceAccount it names.
    verbs: { ...DATA, create: 'runs-code' },
    runsCode: 'a Secret of type kubernetes.io/service-account-token is filled with a token of any ServiceAccount it names',
  },
} as const satisfies Record<string, CatalogueEntry>;

/** One RBAC request that runs code in a namespace (an escalation the offline evaluator follows). */
export interface RunsCodeRequest {
  readonly group: string;
  readonly resource: string;
  readonly verb: string;
  /**
   * What it creates, when a report should name it because nobody would guess that it runs code
   * (`npm run access` says "<what> creation as default-editor", `npm run can-i` "through <what>").
   * @default none: reports say "workload"
   */
  readonly what?: string;
}

/**
 * Kubeflow Pipelines' Viewer (`viewers.kubeflow.org`): KFP's viewer controller makes a Deployment
 * whose pod template is the Viewer's `spec.podTemplateSpec` as written (it sets only the first
 * container's name, image - `spec.tensorboardSpec.tensorflowImage`, also the creator's - args and
 * port), so the creator chooses the ServiceAccount, volumes (Secrets), commands and further
 * containers of a pod in the namespace. `kubeflow-view` grants `create` on it
 * (`kubeflow-pipelines-view`, crds/kubeflow-clusterroles.yaml), so every holder of the view role
 * runs code there. Update and patch count too: the controller builds the Deployment from the
 * spec as it is when it (re)creates it.
 */
export const KFP_VIEWER_RUNS_CODE: readonly RunsCodeRequest[] = (['create', 'update', 'patch'] as const).map((verb) => ({
  group: 'kubeflow.org',
  resource: 'viewers',
  verb,
  what: 'KFP Viewer',
}));

/**
 * Requests outside the catalogue that run code in a namespace: never grantable across tenants,
 * but `role: 'edit'` (kubeflow-edit), `role: 'view'` (kubeflow-view: KFP Viewers) and hand-made
 * bindings include them, so the offline evaluator
 * (lib/rbac.ts) asks about them too. From the vendored Kubeflow ClusterRoles and Kubernetes.
 */
export const NON_CATALOGUE_RUNS_CODE: readonly RunsCodeRequest[] = [
  ...(['replicationcontrollers', 'pods/ephemeralcontainers'] as const).flatMap((resource) => (['create', 'update', 'patch'] as const).map((verb) => ({ group: '', resource, verb }))),
  // The API server's proxy reaches a pod's or a Service's ports, such as a Jupyter server.
  ...(['pods/proxy', 'services/proxy'] as const).flatMap((resource) => (['get', 'create'] as const).map((verb) => ({ group: '', resource, verb }))),
  { group: '', resource: 'serviceaccounts/token', verb: 'create' },
  ...(
    [
      ['apps', 'deployments'],
      ['apps', 'replicasets'],
      ['apps', 'statefulsets'],
      ['apps', 'daemonsets'],
      ['extensions', 'deployments'],
      ['extensions', 'replicasets'],
      ['extensions', 'daemonsets'],
      ['batch', 'jobs'],
      ['batch', 'cronjobs'],
      ['argoproj.io', 'cronworkflows'],
      ['argoproj.io', 'workflowtemplates'],
      ['kubeflow.org', 'scheduledworkflows'],
      ['kubeflow.org', 'paddlejobs'],
      ['serving.knative.dev', 'services'],
      ['serving.knative.dev', 'configurations'],
      ['serving.knative.dev', 'revisions'],
      ['serving.kserve.io', 'llminferenceservices'],
      ['serving.kserve.io', 'llminferenceserviceconfigs'],
      ['sparkoperator.k8s.io', 'scheduledsparkapplications'],
      ['ray.io', 'rayclusters'],
      ['ray.io', 'rayjobs'],
      ['ray.io', 'rayservices'],
    ] as const
  ).flatMap(([group, resource]) => (['create', 'update', 'patch'] as const).map((verb) => ({ group, resource, verb }))),
  ...KFP_VIEWER_RUNS_CODE,
];

/** Every request that runs code: the catalogue's `'runs-code'` verbs, then {@link NON_CATALOGUE_RUNS_CODE}. */
export const RUNS_CODE_REQUESTS: readonly RunsCodeRequest[] = [
  ...Object.values(GRANTABLE_RESOURCES as Record<string, CatalogueEntry>).flatMap((e) =>
    Object.entries(e.verbs)
      .filter(([, c]) => c === 'runs-code')
      .map(([verb]) => ({ group: e.group, resource: e.resource, verb })),
  ),
  ...NON_CATALOGUE_RUNS_CODE,
];

/** A typed name from {@link GRANTABLE_RESOURCES}. */
export type GrantableResource = keyof typeof GRANTABLE_RESOURCES;

/** Namespace-wide roles a grant may give, and the Kubeflow ClusterRole each binds. */
export const GRANT_ROLES = { view: KUBEFLOW_CLUSTER_ROLES.view, edit: KUBEFLOW_CLUSTER_ROLES.edit } as const satisfies Partial<Record<KubeflowRole, string>>;
export type GrantRole = keyof typeof GRANT_ROLES;

/** A reviewed exception with an end: synth refuses it after `expires`. */
export interface ReviewedException {
  /** Who reviewed it and why; the platform may require a pattern (`grants.exceptionReasonPattern`). */
  readonly reason: string;
  /** Last day it is valid, `YYYY-MM-DD` (UTC); from the day after, synth refuses the grant. @default none (no end) */
  readonly expires?: string;
}

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
   * Why a platform reviewer accepted a grant that is otherwise refused (`secrets`, `role: 'edit'`,
   * verbs that run code), e.g. "SEC-123: shared feature-store credentials, approved by platform
   * security", or the same as `{ reason, expires }` with a last valid day. The emitted objects are
   * labelled and annotated with it. @default none
   */
  readonly reviewedException?: string | ReviewedException;
}
