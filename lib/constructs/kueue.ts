/**
 * Kueue objects, rendered from the Kueue model (lib/model/kueue.ts); semantics: docs/queues.md.
 *
 * - {@link TenantLocalQueues}: a tenant's LocalQueues (`default` for the shared quota, one per user),
 *   in its namespace (tenant bundle).
 * - {@link ClusterKueue} (cluster bundle): ResourceFlavors, the Cohort tree, ClusterQueues (each
 *   selecting only its tenant's namespace), the ClusterRole that aggregates read access to
 *   LocalQueues and Workloads into Kubeflow's view role, and the user-queue admission policy.
 * - {@link kueueConfigFile}: the Kueue Configuration fragment the platform team merges (dist/platform/kueue/).
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { KubeValidatingAdmissionPolicy, KubeValidatingAdmissionPolicyBinding } from '../../imports/admissionregistration.k8s.io';
import {
  ClusterQueueV1Beta2,
  ClusterQueueV1Beta2SpecPreemptionReclaimWithinCohort,
  ClusterQueueV1Beta2SpecPreemptionWithinClusterQueue,
  ClusterQueueV1Beta2SpecResourceGroupsFlavorsResourcesBorrowingLimit,
  ClusterQueueV1Beta2SpecResourceGroupsFlavorsResourcesLendingLimit,
  ClusterQueueV1Beta2SpecResourceGroupsFlavorsResourcesNominalQuota,
  CohortV1Beta2,
  CohortV1Beta2SpecFairSharingWeight,
  CohortV1Beta2SpecResourceGroupsFlavorsResourcesBorrowingLimit,
  CohortV1Beta2SpecResourceGroupsFlavorsResourcesLendingLimit,
  CohortV1Beta2SpecResourceGroupsFlavorsResourcesNominalQuota,
  LocalQueueV1Beta2,
  ResourceFlavorV1Beta2,
} from '../../imports/kueue.x-k8s.io';
import type { KueueSettings } from '../declarations/queues';
import { objectMeta } from '../meta';
import { BURST_GUEST_ANNOTATION, QUEUE_USER_ANNOTATIONS } from '../model/names';
import { MultiKueueManager } from './multikueue';
import { RBAC_API_GROUP } from '../declarations/kubeflow';
import { userSubject } from '../model/identity';
import type { KueueGroupModel, KueueModel, LocalQueueModel } from '../model/kueue';
import type { QueueUserBindingModel } from '../model/tenant';
import { celString } from './profile-cel';
import { SYNC_WAVE_ANNOTATION } from './argocd';

/** The label Kueue reads a workload's LocalQueue from. */
export const KUEUE_QUEUE_LABEL = 'kueue.x-k8s.io/queue-name';
/** Name of the user-queue ValidatingAdmissionPolicy and its binding. */
export const USER_QUEUE_POLICY = 'kubeflow-tenants-user-queues';
/** Name of the ClusterRole aggregating Kueue read access into `kubeflow-view`. */
export const KUEUE_VIEW_ROLE = 'kubeflow-tenants-kueue-view';
/** The label that aggregates a ClusterRole into Kubeflow's view role (and so into edit and admin). */
const AGGREGATE_TO_VIEW = 'rbac.authorization.kubeflow.org/aggregate-to-kubeflow-view';

/** Props of {@link TenantLocalQueues}. */
export interface TenantLocalQueuesProps {
  /** The tenant namespace. */
  readonly namespace: string;
  /** The tenant's LocalQueues (lib/model/kueue.ts `localQueuesOf`). */
  readonly queues: readonly LocalQueueModel[];
  /** Labels of every object. @default none */
  readonly labels?: Record<string, string>;
}

/** A tenant's LocalQueues. */
export class TenantLocalQueues extends Construct {
  constructor(scope: Construct, id: string, props: TenantLocalQueuesProps) {
    super(scope, id);
    for (const q of props.queues) {
      new LocalQueueV1Beta2(this, q.name, {
        // Who the queue is for, as the access report reads it (`npm run access`).
        metadata: objectMeta(q.name, props.namespace, props.labels, q.user ? { [QUEUE_USER_ANNOTATIONS.email]: q.user, [QUEUE_USER_ANNOTATIONS.identity]: q.identity ?? q.user, [QUEUE_USER_ANNOTATIONS.username]: q.username ?? q.user } : undefined),
        spec: { clusterQueue: q.clusterQueue },
      });
    }
  }
}

/** Props of {@link QueueUserBindings}. */
export interface QueueUserBindingsProps {
  /** The tenant namespace. */
  readonly namespace: string;
  /** The bindings (lib/model/tenant.ts `TenantModel.queueUserBindings`). */
  readonly bindings: readonly QueueUserBindingModel[];
  /** Labels of every object. @default none */
  readonly labels?: Record<string, string>;
}

/**
 * With an API server username prefix, a person's kubectl identity (`oidc:alice@...`) is not the one
 * Kubeflow's bindings name (`alice@...`): these RoleBindings give the prefixed username of each
 * person with a personal queue the same ClusterRoles their Kubeflow identity has here, so they can
 * submit to the queue the user-queue policy reserves for that username. No KFAM annotations: KFAM
 * neither lists nor removes them; they follow the person's contributor entry on every synth.
 */
export class QueueUserBindings extends Construct {
  constructor(scope: Construct, id: string, props: QueueUserBindingsProps) {
    super(scope, id);
    for (const b of props.bindings) {
      new k8s.KubeRoleBinding(this, b.name, {
        metadata: objectMeta(b.name, props.namespace, props.labels, { [QUEUE_USER_ANNOTATIONS.email]: b.email, [QUEUE_USER_ANNOTATIONS.mirrors]: b.identity }),
        roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: b.clusterRole },
        subjects: [userSubject(b.username)],
      });
    }
  }
}

type Quota = { name: string; nominalQuota: unknown; borrowingLimit?: unknown; lendingLimit?: unknown };

function groups<T>(gs: readonly KueueGroupModel[], q: (r: KueueGroupModel['flavors'][number]['resources'][number]) => Quota): T[] {
  return gs.map((g) => ({ coveredResources: [...g.coveredResources], flavors: g.flavors.map((f) => ({ name: f.name, resources: f.resources.map(q) })) })) as T[];
}

/** Props of {@link ClusterKueue}. */
export interface ClusterKueueProps {
  /** The Kueue model. */
  readonly kueue: KueueModel;
  /** Labels of every object (the cluster bundle's). */
  readonly labels: Record<string, string>;
}

/** The cluster-scoped Kueue objects. */
export class ClusterKueue extends Construct {
  constructor(scope: Construct, id: string, props: ClusterKueueProps) {
    super(scope, id);
    const { kueue, labels } = props;
    // Flavors and cohorts before the queues that name them (Kueue marks a queue inactive meanwhile).
    const early = { [SYNC_WAVE_ANNOTATION]: '-1' };
    for (const f of kueue.flavors) {
      new ResourceFlavorV1Beta2(this, `flavor-${f.name}`, {
        metadata: objectMeta(f.name, undefined, labels, early),
        spec: {
          ...(Object.keys(f.nodeLabels).length > 0 ? { nodeLabels: { ...f.nodeLabels } } : {}),
          ...(f.nodeTaints.length > 0 ? { nodeTaints: f.nodeTaints.map((t) => ({ key: t.key, effect: t.effect, ...(t.value !== undefined ? { value: t.value } : {}) })) } : {}),
          ...(f.tolerations.length > 0 ? { tolerations: f.tolerations.map((t) => ({ ...t })) } : {}),
        },
      });
    }
    for (const c of kueue.cohorts) {
      new CohortV1Beta2(this, `cohort-${c.name}`, {
        metadata: objectMeta(c.name, undefined, { ...labels, 'kubeflow-tenants/cohort-level': c.level }, early),
        spec: {
          ...(c.parent !== undefined ? { parentName: c.parent } : {}),
          ...(c.weight !== undefined ? { fairSharing: { weight: CohortV1Beta2SpecFairSharingWeight.fromString(String(c.weight)) } } : {}),
          ...(c.resourceGroups.length > 0
            ? {
                resourceGroups: groups(c.resourceGroups, (r) => ({
                  name: r.name,
                  nominalQuota: CohortV1Beta2SpecResourceGroupsFlavorsResourcesNominalQuota.fromString(r.nominalQuota),
                  ...(r.borrowingLimit !== undefined ? { borrowingLimit: CohortV1Beta2SpecResourceGroupsFlavorsResourcesBorrowingLimit.fromString(r.borrowingLimit) } : {}),
                  ...(r.lendingLimit !== undefined ? { lendingLimit: CohortV1Beta2SpecResourceGroupsFlavorsResourcesLendingLimit.fromString(r.lendingLimit) } : {}),
                })),
              }
            : {}),
        },
      });
    }
    if (kueue.multiKueue) new MultiKueueManager(this, 'multikueue', { model: kueue.multiKueue, labels });
    for (const q of kueue.clusterQueues) {
      const annotations = {
        ...(q.user ? { 'kubeflow-tenants/queue-user': q.user } : {}),
        ...(q.guestOf !== undefined ? { [BURST_GUEST_ANNOTATION]: q.guestOf } : {}),
      };
      new ClusterQueueV1Beta2(this, `cq-${q.name}`, {
        metadata: objectMeta(q.name, undefined, { ...labels, 'kubeflow-tenants/tenant': q.namespace, ...(q.burst ? { 'kubeflow-tenants/burst': q.burst } : {}) }, Object.keys(annotations).length > 0 ? annotations : undefined),
        spec: {
          // A manager burst queue has none: it must neither lend nor borrow home capacity.
          ...(q.cohort !== undefined ? { cohortName: q.cohort } : {}),
          // Only LocalQueues in the tenant's own namespace may point at it.
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': q.namespace } },
          // Lent quota comes back: a workload within its nominal quota preempts borrowers.
          preemption: {
            ...(q.cohort !== undefined ? { reclaimWithinCohort: ClusterQueueV1Beta2SpecPreemptionReclaimWithinCohort.ANY } : {}),
            withinClusterQueue: ClusterQueueV1Beta2SpecPreemptionWithinClusterQueue.LOWER_PRIORITY,
          },
          // Everything this queue admits is dispatched by MultiKueue to a worker (docs/fleet.md).
          ...(q.admissionChecks && q.admissionChecks.length > 0 ? { admissionChecksStrategy: { admissionChecks: q.admissionChecks.map((name) => ({ name })) } } : {}),
          resourceGroups: groups(q.resourceGroups, (r) => ({
            name: r.name,
            nominalQuota: ClusterQueueV1Beta2SpecResourceGroupsFlavorsResourcesNominalQuota.fromString(r.nominalQuota),
            ...(r.borrowingLimit !== undefined ? { borrowingLimit: ClusterQueueV1Beta2SpecResourceGroupsFlavorsResourcesBorrowingLimit.fromString(r.borrowingLimit) } : {}),
            ...(r.lendingLimit !== undefined ? { lendingLimit: ClusterQueueV1Beta2SpecResourceGroupsFlavorsResourcesLendingLimit.fromString(r.lendingLimit) } : {}),
          })),
        },
      });
    }
    // kueue#1526: ClusterQueues and Cohorts are cluster-scoped and no namespace RoleBinding can
    // grant reading them; members read their LocalQueues' status and their Workloads instead.
    new k8s.KubeClusterRole(this, 'view-role', {
      metadata: objectMeta(KUEUE_VIEW_ROLE, undefined, { ...labels, [AGGREGATE_TO_VIEW]: 'true' }),
      rules: [{ apiGroups: ['kueue.x-k8s.io'], resources: ['localqueues', 'localqueues/status', 'workloads', 'workloads/status'], verbs: ['get', 'list', 'watch'] }],
    });
    if (kueue.userQueues.length > 0) new UserQueuePolicy(this, 'user-queues', { kueue, labels });
  }
}

/** Props of {@link UserQueuePolicy}. */
export interface UserQueuePolicyProps {
  readonly kueue: KueueModel;
  /** Labels of the policy and its binding. */
  readonly labels: Record<string, string>;
}

/**
 * The user-queue ValidatingAdmissionPolicy: in a namespace with user queues, a request that sets
 * the queue label to a user's queue (CREATE, or an UPDATE that changes the label) is admitted only
 * from that user's own API server identity, or from an exempt controller. The user-to-queue map is
 * in the policy itself, which tenants cannot write. Every other queue value (the shared `default`)
 * passes. What it cannot cover: docs/queues.md "Who may use a user's queue".
 */
export class UserQueuePolicy extends Construct {
  constructor(scope: Construct, id: string, props: UserQueuePolicyProps) {
    super(scope, id);
    const { kueue, labels } = props;
    const byNs = new Map<string, { queue: string; username: string }[]>();
    for (const u of kueue.userQueues) byNs.set(u.namespace, [...(byNs.get(u.namespace) ?? []), u]);
    const map = `{${[...byNs].map(([ns, qs]) => `${celString(ns)}: {${qs.map((q) => `${celString(q.queue)}: ${celString(q.username)}`).join(', ')}}`).join(', ')}}`;
    const exempt = `[${kueue.settings.exemptUsers.map(celString).join(', ')}]`;
    const key = celString(KUEUE_QUEUE_LABEL);
    const has = (o: string): string => `(has(${o}.metadata.labels) && ${key} in ${o}.metadata.labels)`;
    const annotations = { [SYNC_WAVE_ANNOTATION]: '-2' };
    new KubeValidatingAdmissionPolicy(this, 'policy', {
      metadata: objectMeta(USER_QUEUE_POLICY, undefined, labels, annotations),
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          // Every kind: any workload kind Kueue manages carries the label (Jobs, JobSets, training jobs, pods).
          resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['*'] }],
          namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...byNs.keys()] }] },
          objectSelector: { matchExpressions: [{ key: KUEUE_QUEUE_LABEL, operator: 'Exists' }] },
        },
        variables: [
          { name: 'queue', expression: `${has('object')} ? object.metadata.labels[${key}] : ''` },
          { name: 'userQueues', expression: `${map}` },
        ],
        validations: [
          {
            expression:
              `variables.queue == '' || request.userInfo.username in ${exempt} || ` +
              `(request.operation == 'UPDATE' && ${has('oldObject')} && oldObject.metadata.labels[${key}] == variables.queue) || ` +
              `!(request.namespace in variables.userQueues) || !(variables.queue in variables.userQueues[request.namespace]) || ` +
              `variables.userQueues[request.namespace][variables.queue] == request.userInfo.username`,
            messageExpression:
              `'queue "' + variables.queue + '" is the personal queue of ' + variables.userQueues[request.namespace][variables.queue] + ', and you are ' + request.userInfo.username + ': use your own queue or the shared one (${KUEUE_QUEUE_LABEL}: default)'`,
            message: `this queue is another user's personal queue: use your own queue or the shared one (${KUEUE_QUEUE_LABEL}: default)`,
          },
        ],
      },
    });
    new KubeValidatingAdmissionPolicyBinding(this, 'binding', {
      metadata: objectMeta(USER_QUEUE_POLICY, undefined, labels, annotations),
      spec: { policyName: USER_QUEUE_POLICY, validationActions: ['Deny'] },
    });
  }
}

/**
 * The Kueue Configuration fragment (`config.kueue.x-k8s.io/v1beta2`) the platform team merges into
 * Kueue's controller_manager_config.yaml, with comments on each choice.
 */
export function kueueConfigFile(k: KueueSettings, tenantNamespaces: readonly string[]): string {
  const list = (xs: readonly string[], indent: string): string => (xs.length === 0 ? ' []' : `\n${xs.map((x) => `${indent}- ${JSON.stringify(x)}`).join('\n')}`);
  return [
    '# Kueue Configuration fragment for kubeflow-tenants. Generated by `npm run synth`; never edit by hand.',
    '# Merge these fields into the Configuration Kueue reads (controller_manager_config.yaml in the',
    '# kueue-manager-config ConfigMap of the Kueue install) and restart Kueue. docs/queues.md explains each one.',
    'apiVersion: config.kueue.x-k8s.io/v1beta2',
    'kind: Configuration',
    `namespace: ${k.namespace}`,
    '# Only Jobs that carry the queue label, or that Kueue labels for a namespace with a `default`',
    '# LocalQueue (LocalQueueDefaulting), are queued: every tenant with a queue has one.',
    'manageJobsWithoutQueueName: false',
    '# Only the tenant namespaces with a queue; Kubeflow and system namespaces are never managed.',
    'managedJobsNamespaceSelector:',
    '  matchExpressions:',
    '    - key: kubernetes.io/metadata.name',
    '      operator: In',
    `      values:${list(tenantNamespaces, '        ')}`,
    'integrations:',
    '  # Job-like kinds only (platform.ts kueue.integrations). With a `default` LocalQueue in the namespace,',
    '  # "pod", "deployment" and "statefulset" would gate notebooks (StatefulSets), Kubeflow Pipelines',
    '  # step pods and KServe predictors (Deployments) too: their pods would wait for quota, and their',
    '  # gated pods count against the ResourceQuota before admission. Those run outside Kueue, within',
    '  # the ResourceQuota allowance (queue.outsideKueue).',
    `  frameworks:${list(k.integrations, '    ')}`,
    'resources:',
    '  # Resources queues do not cover (platform.ts kueue.excludeResources). Every other resource a Job',
    '  # requests must be covered by its ClusterQueue, or the Job is never admitted',
    '  # (quotaCheckStrategy: BlockUndeclared, the default).',
    `  excludeResourcePrefixes:${list(k.excludeResources, '    ')}`,
    '# Teams share idle capacity by their fair-sharing weights (kueue.teams[*].weight).',
    'fairSharing:',
    '  preemptionStrategies: [LessThanOrEqualToFinalShare, LessThanInitialShare]',
    '',
  ].join('\n');
}
