/**
 * Names and labels of emitted objects that more than one layer needs: checks quote them in error
 * messages, the model resolves them, constructs emit them. Pure data; the names Kubeflow itself
 * fixes come from lib/declarations/kubeflow.ts.
 */
import { PROFILE_CONTROLLER } from '../declarations/kubeflow';

/** The ServiceAccount Kubeflow workloads (notebooks, pipeline runs, InferenceServices) run as. */
export const DEFAULT_GRANTEE_SERVICE_ACCOUNTS: readonly string[] = [PROFILE_CONTROLLER.editorServiceAccount];

/** Label on grant objects naming the grantee, for audits (`kubectl get rolebinding -l ...`). */
export const GRANT_TO_LABEL = 'kubeflow-tenants/grant-to';
/** Label on objects a platform reviewer accepted as an exception. */
export const REVIEWED_EXCEPTION_LABEL = 'kubeflow-tenants/reviewed-exception';
/** Annotation carrying the reviewed exception's reason. */
export const REVIEWED_EXCEPTION_ANNOTATION = 'kubeflow-tenants/reviewed-exception-reason';

/** Name of the Role and RoleBinding of the grants to `grantee`. */
export const grantObjectName = (grantee: string): string => `grant-to-${grantee}`;

/** Name of the per-tenant SecretStore. */
export const SECRET_STORE_NAME = 'vault';
/** The ServiceAccount the SecretStore logs in to Vault as (created by the Profile controller). */
export const VAULT_SERVICE_ACCOUNT = PROFILE_CONTROLLER.editorServiceAccount;
/** Names of the emitted Secrets. */
export const SECRET_NAMES = {
  kfpArtifact: 'mlpipeline-minio-artifact',
  s3: 's3-credentials',
  registry: 'registry-credentials',
  git: 'git-credentials',
  apiKey: (name: string): string => `api-key-${name}`,
} as const;
/** Where the access-git PodDefault mounts the git credential store. */
export const GIT_MOUNT_PATH = '/var/run/secrets/kubeflow-tenants/git';
/** Name of the tenant's Vault policy. */
export const vaultPolicyName = (tenant: string): string => `tenant-${tenant}`;

/** Annotation on the Profile of a tenant that took over an existing namespace (`adopt: true`). */
export const ADOPTED_ANNOTATION = 'kubeflow-tenants/adopted';
/**
 * Annotations on every object of a contributor (their KFAM binding, further bindings, policy), for
 * the diff and the access report; KFAM reads only its own `user` and `role`. `roles`: the
 * catalogue roles, comma-separated; `via`: `direct` and/or `group <name>`, comma-separated.
 */
export const CONTRIBUTOR_ANNOTATIONS = {
  identity: 'kubeflow-tenants/contributor',
  roles: 'kubeflow-tenants/roles',
  via: 'kubeflow-tenants/via',
} as const;

/**
 * Annotations of a personal LocalQueue (who it is for: e-mail, the identity Kubeflow sees, the API
 * server username the user-queue policy admits) and of the RoleBindings that mirror a queue user's
 * Kubeflow access onto a prefixed username (`mirrors`: that identity). `npm run access` reads them.
 */
export const QUEUE_USER_ANNOTATIONS = {
  email: 'kubeflow-tenants/queue-user',
  identity: 'kubeflow-tenants/queue-identity',
  username: 'kubeflow-tenants/queue-username',
  mirrors: 'kubeflow-tenants/mirrors-identity',
} as const;

/**
 * Set on the Profile of a burst guest (docs/fleet.md "Bursting with MultiKueue"): the tenant's
 * namespace on a worker cluster, where only its burst work runs; the value is its home cluster.
 * Same prefix as the decommissioning annotation (lib/model/decommission.ts).
 */
export const BURST_GUEST_ANNOTATION = 'kubeflow-tenants/burst-guest-of';
/** The controller name of Kueue's MultiKueue admission check (fixed by Kueue). */
export const MULTIKUEUE_CONTROLLER = 'kueue.x-k8s.io/multikueue';
/** Suffix of a tenant's burst objects: ClusterQueue, AdmissionCheck and MultiKueueConfig `<tenant>-burst`. */
export const BURST_SUFFIX = '-burst';
/** The ClusterQueue of a tenant's burst work, on its home cluster (with the admission check) and on each worker. */
export const burstClusterQueueName = (tenant: string): string => `${tenant}${BURST_SUFFIX}`;
/** The AdmissionCheck, and the MultiKueueConfig it names, of a tenant's burst ClusterQueue (home cluster). */
export const burstAdmissionCheckName = (tenant: string): string => `${tenant}${BURST_SUFFIX}`;
/** The MultiKueueCluster of a worker on a home cluster: the worker's fleet name. */
export const multiKueueClusterName = (worker: string): string => worker;
/** The kubeconfig Secret (and its ExternalSecret) of a worker, in Kueue's namespace on a home cluster. */
export const multiKueueSecretName = (worker: string): string => `kubeflow-tenants-multikueue-${worker}`;
/** The key of the kubeconfig in that Secret (fixed by Kueue), and the Vault property it is copied from. */
export const MULTIKUEUE_KUBECONFIG_KEY = 'kubeconfig';
