/**
 * The role-guarantee matrix: role x verb x resource, with what each catalogue role guarantees
 * (lib/declarations/contributors.ts `ROLES`) directly and through the workloads it can create. One
 * table drives the unit properties (test/roles.test.ts), `npm run can-i --matrix` and the
 * cluster tier (test/cluster/11-roles.cluster.test.ts), which asks the API server the same questions.
 *
 * The expectations are written from the roles' documented guarantees, not computed by the RBAC
 * evaluator: the tests compare the two. A cell the documentation does not decide is `undefined`
 * (still asked of the API server, where the evaluator must agree with it).
 */
import type { RoleName } from './declarations/contributors';
import { READ_VERBS } from './declarations/contributors';

/** A resource the matrix asks about. */
export interface MatrixResource {
  readonly group: string;
  /** Plural, optionally with a subresource. */
  readonly resource: string;
  /** What it is, for a reader of the matrix. */
  readonly kind: 'serving' | 'secret' | 'exec' | 'workload' | 'kubeflow' | 'rbac' | 'mesh' | 'core' | 'pipelines-api';
}

/** The resources of the matrix: serving objects, Secrets, pod exec and friends, workloads, Kubeflow objects, RBAC and mesh policies. */
export const MATRIX_RESOURCES: readonly MatrixResource[] = [
  { group: 'serving.kserve.io', resource: 'inferenceservices', kind: 'serving' },
  { group: 'serving.kserve.io', resource: 'servingruntimes', kind: 'serving' },
  { group: 'serving.kserve.io', resource: 'inferencegraphs', kind: 'serving' },
  { group: 'serving.kserve.io', resource: 'trainedmodels', kind: 'serving' },
  { group: 'serving.knative.dev', resource: 'services', kind: 'serving' },
  { group: '', resource: 'secrets', kind: 'secret' },
  { group: '', resource: 'pods/exec', kind: 'exec' },
  { group: '', resource: 'pods/attach', kind: 'exec' },
  { group: '', resource: 'pods/portforward', kind: 'exec' },
  { group: '', resource: 'pods', kind: 'workload' },
  { group: 'apps', resource: 'deployments', kind: 'workload' },
  { group: 'batch', resource: 'jobs', kind: 'workload' },
  { group: 'kubeflow.org', resource: 'notebooks', kind: 'workload' },
  { group: 'argoproj.io', resource: 'workflows', kind: 'workload' },
  { group: 'kubeflow.org', resource: 'pytorchjobs', kind: 'workload' },
  { group: 'trainer.kubeflow.org', resource: 'trainjobs', kind: 'workload' },
  { group: 'kubeflow.org', resource: 'experiments', kind: 'workload' },
  { group: 'tensorboard.kubeflow.org', resource: 'tensorboards', kind: 'workload' },
  { group: 'pipelines.kubeflow.org', resource: 'runs', kind: 'pipelines-api' },
  { group: 'pipelines.kubeflow.org', resource: 'pipelines', kind: 'pipelines-api' },
  { group: '', resource: 'persistentvolumeclaims', kind: 'kubeflow' },
  { group: 'kubeflow.org', resource: 'poddefaults', kind: 'kubeflow' },
  // KFP Viewers: kubeflow-view creates them, and their pod template runs as the ServiceAccount it names.
  { group: 'kubeflow.org', resource: 'viewers', kind: 'kubeflow' },
  { group: '', resource: 'pods/log', kind: 'core' },
  { group: '', resource: 'events', kind: 'core' },
  { group: '', resource: 'configmaps', kind: 'core' },
  { group: '', resource: 'services', kind: 'core' },
  { group: '', resource: 'serviceaccounts', kind: 'core' },
  { group: '', resource: 'resourcequotas', kind: 'core' },
  { group: 'rbac.authorization.k8s.io', resource: 'rolebindings', kind: 'rbac' },
  { group: 'rbac.authorization.k8s.io', resource: 'roles', kind: 'rbac' },
  { group: 'security.istio.io', resource: 'authorizationpolicies', kind: 'mesh' },
  { group: 'networking.k8s.io', resource: 'networkpolicies', kind: 'mesh' },
];

/** The verbs of the matrix. */
export const MATRIX_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'] as const;

/** Whether a verb reads (lib/declarations/contributors.ts `READ_VERBS`). */
export const isReadVerb = (verb: string): boolean => (READ_VERBS as readonly string[]).includes(verb);

/** Serving resources whose create/update/patch a `member` never has directly. */
const SERVING_CHANGE = ['create', 'update', 'patch'];

/** Workload-creating questions a member is promised (the catalogue's "notebooks, pipelines and runs, ..."). */
const MEMBER_CREATES = new Set(['kubeflow.org/notebooks', 'argoproj.io/workflows', 'kubeflow.org/pytorchjobs', 'trainer.kubeflow.org/trainjobs', 'kubeflow.org/experiments', 'tensorboard.kubeflow.org/tensorboards', 'pipelines.kubeflow.org/runs', '/persistentvolumeclaims']);

/** Verbs on KFP Viewers that Kubeflow's `view` (kubeflow-pipelines-view) documents: every role with a KFAM binding has them. */
const VIEWER_VERBS = new Set(['create', 'get', 'delete']);

/** Expectation of one cell: `true` allowed, `false` denied, `undefined` not decided by the docs. */
export type Expectation = boolean | undefined;

/** What a role's documentation guarantees for a direct request. */
export function directGuarantee(role: RoleName, verb: string, r: MatrixResource): Expectation {
  const read = isReadVerb(verb);
  const key = `${r.group}/${r.resource}`;
  if (key === 'kubeflow.org/viewers' && role !== 'auditor' && VIEWER_VERBS.has(verb)) return true;
  switch (role) {
    case 'auditor':
      return read && r.kind !== 'secret' && r.kind !== 'exec';
    case 'viewer':
      if (r.kind === 'secret' || r.kind === 'exec' || r.kind === 'rbac') return false;
      if (!read) return r.kind === 'serving' || r.kind === 'workload' || r.kind === 'core' || r.kind === 'mesh' ? false : undefined;
      // Kubeflow's view reads models and Kubeflow's own objects, not every workload kind (Argo's workflows are not in it).
      return r.kind === 'serving' || (r.kind === 'workload' && r.group.endsWith('kubeflow.org')) ? (verb === 'get' || verb === 'list' ? true : undefined) : undefined;
    case 'member':
      if (r.kind === 'serving' && SERVING_CHANGE.includes(verb)) return false;
      if (r.kind === 'secret' || r.kind === 'exec' || r.kind === 'rbac') return false;
      if (verb === 'create' && MEMBER_CREATES.has(key)) return true;
      if ((r.kind === 'serving' || r.kind === 'workload') && (verb === 'get' || verb === 'list')) return true;
      return undefined;
    case 'editor':
    case 'team-admin':
      if (r.kind === 'rbac') return !read ? false : role === 'team-admin' ? true : undefined;
      if (r.kind === 'serving' && (verb === 'create' || verb === 'get')) return true;
      if (key === '/secrets' && verb === 'get') return true;
      if (key === '/pods/exec' && verb === 'create') return true;
      if (verb === 'create' && MEMBER_CREATES.has(key)) return true;
      return undefined;
  }
}

/**
 * What a role's documentation says about the same request made through the workloads it can
 * create (they run as the namespace's default-editor, kubeflow-edit): every role with a KFAM
 * binding creates workloads - a `viewer` too, through KFP Viewers, whose pod template names its
 * ServiceAccount - and so reaches Secrets and serving objects there; auditors create none, so
 * their direct guarantee holds.
 */
export function throughWorkloadsGuarantee(role: RoleName, verb: string, r: MatrixResource): Expectation {
  if (role === 'auditor') return directGuarantee(role, verb, r);
  if (r.kind === 'serving' && verb === 'create') return true;
  if (r.group === '' && r.resource === 'secrets' && verb === 'get') return true;
  return directGuarantee(role, verb, r) === true ? true : undefined;
}

/** One question of the matrix. */
export interface MatrixCell {
  readonly role: RoleName;
  readonly verb: string;
  readonly resource: MatrixResource;
  readonly direct: Expectation;
  readonly throughWorkloads: Expectation;
}

/** Every cell for the given roles: role x verb x resource. */
export function matrixCells(roles: readonly RoleName[]): MatrixCell[] {
  return roles.flatMap((role) =>
    MATRIX_VERBS.flatMap((verb) =>
      MATRIX_RESOURCES.map((resource) => ({ role, verb, resource, direct: directGuarantee(role, verb, resource), throughWorkloads: throughWorkloadsGuarantee(role, verb, resource) })),
    ),
  );
}
