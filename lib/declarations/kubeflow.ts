/**
 * Names Kubeflow and Kubernetes RBAC fix, defined once: the constructs that emit them, the RBAC
 * model that re-derives the Profile controller's bindings, and the diff that reads them back must
 * agree, and a typo in one of them would silently break the dashboard or a risk flag.
 */

/** API group of Roles, RoleBindings and of User and Group subjects. */
export const RBAC_API_GROUP = 'rbac.authorization.k8s.io';

/** RBAC subject kinds. */
export const SUBJECT_KIND = { user: 'User', group: 'Group', serviceAccount: 'ServiceAccount' } as const;

/**
 * Annotations KFAM reads on a contributor's RoleBinding and AuthorizationPolicy
 * (kubeflow/dashboard access-management/kfam/bindings.go): a binding with both is a contributor.
 */
export const KFAM_ANNOTATION = { user: 'user', role: 'role' } as const;

/** Kubeflow's roles (KFAM's `role` annotation) and the ClusterRole each binds. */
export const KUBEFLOW_CLUSTER_ROLES = { admin: 'kubeflow-admin', edit: 'kubeflow-edit', view: 'kubeflow-view' } as const;
export type KubeflowRole = keyof typeof KUBEFLOW_CLUSTER_ROLES;

/**
 * The per-application `*-edit` ClusterRoles (kubeflow/manifests, aggregated into kubeflow-edit) a
 * `member` is bound to instead of kubeflow-edit: everything but serving (kubeflow-kserve-edit),
 * Ray (RayService serves models), Spark, PodDefaults and kubeflow-kubernetes-edit (Secrets, pods/exec).
 */
export const KUBEFLOW_APP_EDIT_ROLES = [
  'kubeflow-katib-edit',
  'kubeflow-notebook-ui-edit',
  'kubeflow-notebooks-edit',
  'kubeflow-pipelines-edit',
  'kubeflow-tensorboard-ui-edit',
  'kubeflow-trainer-edit',
  'kubeflow-training-edit',
  'kubeflow-volume-ui-edit',
] as const;

/** Roles by the access they give: a contributor moving up raises a review flag. */
export const KUBEFLOW_ROLE_RANK = { view: 1, edit: 2, admin: 3 } as const satisfies Record<KubeflowRole, number>;

/** The Kubeflow Profile controller's constants (profile_controller.go). */
export const PROFILE_CONTROLLER = {
  adminBinding: 'namespaceAdmin',
  editorServiceAccount: 'default-editor',
  viewerServiceAccount: 'default-viewer',
  adminClusterRole: KUBEFLOW_CLUSTER_ROLES.admin,
  editClusterRole: KUBEFLOW_CLUSTER_ROLES.edit,
  viewClusterRole: KUBEFLOW_CLUSTER_ROLES.view,
} as const;

/**
 * The Profile controller's names on and in a tenant namespace besides its bindings: the annotation
 * it adopts an existing namespace by, the label it sets only on namespaces it creates, and its
 * other objects (an owner change and an adoption are about these: docs/identity.md, docs/adopt.md).
 */
export const PROFILE_CONTROLLER_NAMESPACE = {
  ownerAnnotation: 'owner',
  istioInjectionLabel: 'istio-injection',
  ownerAccessPolicy: 'ns-owner-access-istio',
  quota: 'kf-resource-quota',
} as const;

/** The container Istio's injector adds to a pod created in a namespace labelled `istio-injection: enabled`. */
export const ISTIO_SIDECAR_CONTAINER = 'istio-proxy';
