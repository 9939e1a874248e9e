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
 * Annotation on the Profile of a burst guest bundle (docs/fleet.md "Burst"): the tenant's namespace
 * on a worker cluster, for the work MultiKueue dispatches there; the value is the tenant's home
 * cluster. The deployed-state reader (lib/deployed.ts) tells guests from homes by it: a guest holds
 * no volumes (its quota allows no PVCs), so the removal guard does not apply to it.
 */
export const BURST_GUEST_ANNOTATION = 'kubeflow-tenants/burst-guest-of';
