/**
 * Contributors as a tenant file declares them, and the role catalogue they name.
 * Checks: lib/contributors.ts; objects: lib/constructs/contributors.ts; what each role
 * guarantees and what it cannot: docs/roles-and-groups.md.
 */

import { KUBEFLOW_APP_EDIT_ROLES } from './kubeflow';

/** The catalogue's roles, highest first. */
export const ROLE_NAMES = ['team-admin', 'editor', 'member', 'viewer', 'auditor'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

/** Spellings kept so tenant files written before the catalogue stay valid: `edit` is `editor`, `view` is `viewer`. */
export const ROLE_ALIASES = { edit: 'editor', view: 'viewer' } as const satisfies Record<string, RoleName>;
export type RoleAlias = keyof typeof ROLE_ALIASES;

/** A role as a tenant file may write it: a catalogue name or an alias. */
export type ContributorRole = RoleName | RoleAlias;
export const CONTRIBUTOR_ROLES: readonly ContributorRole[] = [...ROLE_NAMES, ...(Object.keys(ROLE_ALIASES) as RoleAlias[])];

/** The catalogue name of a role as written (aliases resolved). */
export const roleName = (r: ContributorRole): RoleName => (r in ROLE_ALIASES ? ROLE_ALIASES[r as RoleAlias] : (r as RoleName));

/**
 * The read-only ClusterRole the catalogue adds (emitted once, in `dist/cluster/`): every object of
 * the namespace, RBAC and mesh policies included, with get/list/watch only and no Secret.
 */
export const AUDITOR_CLUSTER_ROLE = 'kubeflow-tenants-auditor';

/** Verbs the auditor role and the guarantees call reading; every other verb is a write. */
export const READ_VERBS = ['get', 'list', 'watch'] as const;

/** What a role binds and admits. */
export interface RoleDefinition {
  /**
   * KFAM's role of the person's one KFAM-shaped binding (`kubeflow-edit` or `kubeflow-view`);
   * undefined: the role has none (auditor: `kubeflow-view` itself lets one create Viewer and
   * visualization objects, and RBAC cannot subtract).
   */
  readonly kfam?: 'edit' | 'view';
  /** ClusterRoles bound by further RoleBindings that carry no KFAM annotations. */
  readonly extraClusterRoles: readonly string[];
  /** Whether the person's AuthorizationPolicy admits the Istio ingress gateway (browser access to notebook servers and other services of the namespace). */
  readonly gateway: boolean;
  /** The roles whose every direct permission this one includes (itself too); used to tell which combinations disagree. */
  readonly covers: readonly RoleName[];
  /** What the role guarantees about direct access (docs and `npm run access`). */
  readonly guarantees: string;
  /** What it does not guarantee: the indirect path through the workloads it can create. */
  readonly indirect: string;
  /**
   * What lets it run code as the namespace's default-editor beyond its direct access, for the
   * diff's contributor flags (`npm run diff`); undefined: nothing beyond its direct access.
   * @default none
   */
  readonly runsCodeThrough?: string;
}

const THROUGH_WORKLOADS =
  'its notebooks, pipeline runs and jobs run as the namespace\'s default-editor ServiceAccount (kubeflow-edit), which reads every Secret and creates InferenceServices: code the person runs there can do both';

/** kubeflow-view lets its holder create KFP Viewers, whose pod template names the ServiceAccount the viewer controller runs it as. */
const THROUGH_VIEWERS =
  'a KFP Viewer it creates (kubeflow-view allows it) is a pod template the viewer controller runs as the ServiceAccount it names, default-editor (kubeflow-edit) included, with any Secret mounted: code the person puts there reads every Secret and creates InferenceServices';

/** The role catalogue. */
export const ROLES: Readonly<Record<RoleName, RoleDefinition>> = {
  'team-admin': {
    kfam: 'edit',
    extraClusterRoles: [AUDITOR_CLUSTER_ROLE],
    gateway: true,
    covers: ['team-admin', 'editor', 'member', 'viewer', 'auditor'],
    guarantees: 'everything a Kubeflow editor can do, deploying models (InferenceServices) included, and reading the namespace\'s RBAC and mesh policies; listed by the dashboard as a contributor. Not the owner: cannot add or remove contributors through KFAM.',
    indirect: 'none beyond its direct access (kubeflow-edit already includes what default-editor can do)',
  },
  editor: {
    kfam: 'edit',
    extraClusterRoles: [],
    gateway: true,
    covers: ['editor', 'member', 'viewer'],
    guarantees: 'Kubeflow\'s `edit` (kubeflow-edit): notebooks, pipelines, training, Katib, models, Secrets, exec; listed by the dashboard as a contributor.',
    indirect: 'none beyond its direct access',
  },
  member: {
    kfam: 'view',
    extraClusterRoles: [...KUBEFLOW_APP_EDIT_ROLES],
    gateway: true,
    covers: ['member', 'viewer'],
    guarantees: 'notebooks, pipelines and runs, training jobs, Katib experiments, volumes and TensorBoards; no direct create or change of InferenceServices or other serving objects; no direct Secret reads, pod exec, attach or port-forward (no kubeflow-kubernetes-edit). The dashboard shows members as viewers, not under "Manage contributors".',
    indirect: THROUGH_WORKLOADS,
    runsCodeThrough: 'notebooks and runs',
  },
  viewer: {
    kfam: 'view',
    extraClusterRoles: [],
    gateway: false,
    covers: ['viewer'],
    guarantees: 'Kubeflow\'s `view` (kubeflow-view): reads Kubeflow objects, no Secrets; may create Viewer and visualization objects (kubeflow-view includes them); cannot reach notebook servers through the gateway.',
    indirect: THROUGH_VIEWERS,
    runsCodeThrough: 'KFP Viewers',
  },
  auditor: {
    extraClusterRoles: [AUDITOR_CLUSTER_ROLE],
    gateway: false,
    covers: ['auditor'],
    guarantees: 'reads every object of the namespace, pod logs, events, RBAC and mesh policies included; no Secret; no write verb; no exec, attach or port-forward; cannot reach notebook servers through the gateway. No KFAM binding: the dashboard\'s namespace menu does not offer the namespace (the web apps answer by URL).',
    indirect: 'none: it can create no workload',
  },
};

/** Rank of a role's KFAM binding: `edit` above `view` above none. */
export const KFAM_RANK = { view: 1, edit: 2 } as const;

/** Someone other than the owner who may use the tenant namespace. */
export interface PersonContributorSpec {
  /** E-mail of the contributor. */
  readonly user: string;
  /** Stable IdP subject; required when the platform identifies users by subject. @default none */
  readonly subject?: string;
  /** A catalogue role (`team-admin`, `editor`, `member`, `viewer`, `auditor`) or an alias (`edit`, `view`). */
  readonly role: ContributorRole;
}

/** A group declared in `groups/<name>.ts`, given a role: each of its members gets it. */
export interface GroupContributorSpec {
  /** Name of the group (its file `groups/<name>.ts`). */
  readonly group: string;
  /** A catalogue role or an alias, as for a person. */
  readonly role: ContributorRole;
}

/** A person or a group with a role in the tenant namespace. */
export type ContributorSpec = PersonContributorSpec | GroupContributorSpec;

/** One member of a group. */
export interface GroupMemberSpec {
  /** E-mail address, as the auth proxy puts it in the identity header. */
  readonly email: string;
  /** Stable IdP subject; required when the platform identifies users by subject. @default none */
  readonly subject?: string;
}

/** A group: the default export of `groups/<name>.ts`. */
export interface GroupSpec {
  /** The group's name: a DNS-1123 label, equal to the file name. */
  readonly name: string;
  /** Its members, each once (e-mails compare case-insensitively). */
  readonly members: readonly GroupMemberSpec[];
  /** What the group is for, shown in the access report. @default none */
  readonly description?: string;
}

/** A rule of {@link AUDITOR_RULES}: reading only. */
export interface ReadRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/**
 * The rules of {@link AUDITOR_CLUSTER_ROLE}. Core resources are listed one by one so `secrets`
 * (and the `pods/exec`, `pods/attach`, `pods/portforward`, `pods/proxy` and `services/proxy`
 * subresources, which `get` would open) stay out; the other API groups of a tenant namespace are
 * read whole. `readArtifact` on runs is how Kubeflow Pipelines asks to read a run's artifacts.
 */
export const AUDITOR_RULES: readonly ReadRule[] = [
  {
    apiGroups: [''],
    resources: [
      'configmaps',
      'endpoints',
      'events',
      'limitranges',
      'namespaces',
      'persistentvolumeclaims',
      'persistentvolumeclaims/status',
      'pods',
      'pods/log',
      'pods/status',
      'replicationcontrollers',
      'resourcequotas',
      'resourcequotas/status',
      'serviceaccounts',
      'services',
      'services/status',
    ],
    verbs: READ_VERBS,
  },
  {
    apiGroups: [
      'apps',
      'argoproj.io',
      'autoscaling',
      'batch',
      'discovery.k8s.io',
      'events.k8s.io',
      'external-secrets.io',
      'kubeflow.org',
      'kueue.x-k8s.io',
      'networking.istio.io',
      'networking.k8s.io',
      'pipelines.kubeflow.org',
      'policy',
      'ray.io',
      'rbac.authorization.k8s.io',
      'security.istio.io',
      'serving.knative.dev',
      'serving.kserve.io',
      'sparkoperator.k8s.io',
      'tensorboard.kubeflow.org',
      'trainer.kubeflow.org',
    ],
    resources: ['*'],
    verbs: READ_VERBS,
  },
  { apiGroups: ['pipelines.kubeflow.org'], resources: ['runs'], verbs: ['readArtifact'] },
];
