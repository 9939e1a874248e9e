/**
 * Kueue queues as platform.ts and a tenant file declare them: the cluster's capacity as flavors,
 * the teams' budgets, and a tenant's `queue` with optional per-user sub-quotas. Checks and
 * resolution: lib/queues.ts; semantics of every field: docs/queues.md.
 */
import type { GpuCounts } from './gpu';
import type { QuantityInput } from './quota';

/** A taint of a flavor's nodes (`ResourceFlavor.spec.nodeTaints`). */
export interface FlavorTaint {
  readonly key: string;
  /** @default none */
  readonly value?: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** A toleration Kueue adds to the pods it admits on a flavor (`ResourceFlavor.spec.tolerations`). */
export interface FlavorToleration {
  /** @default none (with operator Exists: every key) */
  readonly key?: string;
  /** @default 'Equal' */
  readonly operator?: 'Equal' | 'Exists';
  /** @default none */
  readonly value?: string;
  /** @default none (every effect) */
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** Time-sliced GPUs of a flavor: `gpus` physical devices shared `replicas` ways each. */
export interface TimeSlicedCapacity {
  /** Physical GPUs shared by time-slicing. */
  readonly gpus: number;
  /** The device plugin's `replicas` per GPU (the sharing factor, declared, never guessed). */
  readonly replicas: number;
}

/**
 * One kind of node capacity (a Kueue ResourceFlavor), typically one per GPU model, and what all
 * its nodes together offer. Flavors offering the same resources form one Kueue resource group;
 * within a group Kueue tries flavors in declaration order.
 */
export interface FlavorSpec {
  /** Node labels that pick this flavor's nodes, e.g. `{ 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' }`. @default {} (any node) */
  readonly nodeLabels?: Readonly<Record<string, string>>;
  /** Taints the nodes carry. @default [] */
  readonly nodeTaints?: readonly FlavorTaint[];
  /** Tolerations Kueue adds to admitted pods. @default [] */
  readonly tolerations?: readonly FlavorToleration[];
  /**
   * Total of each resource the flavor's nodes offer: `cpu` and `memory` as quantities, whole GPUs
   * and MIG slices (`nvidia.com/mig-<profile>`, per profile) as counts. @default {}
   */
  readonly resources?: Readonly<Record<string, QuantityInput>>;
  /** Time-sliced resources (`nvidia.com/gpu.shared`): capacity = gpus x replicas. @default {} */
  readonly timeSliced?: Readonly<Record<string, TimeSlicedCapacity>>;
}

/** A team (a value of the platform's team label) and its share of the cluster. */
export interface TeamSpec {
  /**
   * The most the team's tenants may use together, per flavor and resource, guaranteed and borrowed
   * (the team Cohort's limit). @default none (the team may borrow any idle capacity)
   */
  readonly budget?: Readonly<Record<string, Readonly<Record<string, QuantityInput>>>>;
  /** Fair-sharing weight of the team Cohort against the other teams. @default 1 */
  readonly weight?: number;
}

/** Kueue integrations the Configuration fragment enables (`integrations.frameworks`). */
export const KUEUE_FRAMEWORKS = [
  'batch/job',
  'deployment',
  'jobset.x-k8s.io/jobset',
  'kubeflow.org/jaxjob',
  'kubeflow.org/mpijob',
  'kubeflow.org/paddlejob',
  'kubeflow.org/pytorchjob',
  'kubeflow.org/tfjob',
  'kubeflow.org/xgboostjob',
  'leaderworkerset.x-k8s.io/leaderworkerset',
  'pod',
  'ray.io/raycluster',
  'ray.io/rayjob',
  'statefulset',
  'trainer.kubeflow.org/trainjob',
] as const;
export type KueueFramework = (typeof KUEUE_FRAMEWORKS)[number];

/**
 * Kueue on this cluster (platform.ts `kueue`). Nothing Kueue-related is emitted while `flavors` is
 * empty, and no tenant may then declare a `queue`.
 */
export interface KueueSettings {
  /** The cluster's capacity, by flavor name (a DNS-1123 subdomain). @default {} (Kueue not used) */
  readonly flavors: Readonly<Record<string, FlavorSpec>>;
  /** Teams by value of the team label (`labels.team`). A team with queues but no entry gets no budget and weight 1. @default {} */
  readonly teams: Readonly<Record<string, TeamSpec>>;
  /**
   * Resources Kueue ignores (the Configuration's `resources.excludeResourcePrefixes`). `cpu` and
   * `memory` must each be offered by a flavor or listed here: with Kueue's default
   * `quotaCheckStrategy: BlockUndeclared` a Job requesting a resource its ClusterQueue does not
   * cover is never admitted. @default []
   */
  readonly excludeResources: readonly string[];
  /** Let guaranteed quota summed over tenants exceed a flavor's capacity. @default false */
  readonly allowOvercommit: boolean;
  /** Name of the root Cohort, which holds the capacity no tenant is guaranteed. @default 'kubeflow-tenants' */
  readonly rootCohort: string;
  /** Namespace Kueue runs in. @default 'kueue-system' */
  readonly namespace: string;
  /** Integrations Kueue manages (docs/queues.md "Integrations"). @default ['batch/job', 'jobset.x-k8s.io/jobset', 'kubeflow.org/mpijob', 'kubeflow.org/pytorchjob', 'kubeflow.org/tfjob', 'kubeflow.org/xgboostjob', 'trainer.kubeflow.org/trainjob'] */
  readonly integrations: readonly KueueFramework[];
  /**
   * Prefix the API server puts before a person's OIDC username (`--oidc-username-prefix`), e.g.
   * `'oidc:'`: the user-queue policy compares `request.userInfo.username` with prefix + identity.
   * `''` for Kubeflow's usual setup (username claim `email`, which the API server does not prefix
   * unless told to), where a person's kubectl identity is the one Kubeflow's RoleBindings name.
   * With a prefix, each person with a personal queue gets RoleBindings mirroring their Kubeflow
   * access onto the prefixed username (docs/queues.md "API server usernames").
   * @default ''
   */
  readonly apiServerUsernamePrefix: string;
  /**
   * Users the user-queue policy never refuses: controllers that write queue labels on objects
   * users created (the Job controller copying a pod template, Kueue itself).
   * @default ['system:kube-controller-manager', 'system:serviceaccount:kube-system:job-controller', 'system:serviceaccount:kueue-system:kueue-controller-manager']
   */
  readonly exemptUsers: readonly string[];
}

/** One resource of a flavor in a queue. Semantics: docs/queues.md. */
export interface QueueLimits {
  /** Guaranteed: always available to this queue, lent to others only while idle. */
  readonly nominal: QuantityInput;
  /**
   * The most this queue may use beyond `nominal`, from quota others leave idle.
   * @default tenant queue: unlimited (required for GPU resources, which the ResourceQuota mirrors); user queue: 0
   */
  readonly borrowingLimit?: QuantityInput;
  /**
   * The most of `nominal` others may borrow while it is idle (taken back by preemption).
   * @default tenant queue: all of nominal; user queue: 0 (reserved for the user)
   */
  readonly lendingLimit?: QuantityInput;
}

/** Quota per flavor, then per resource: `{ a100: { 'nvidia.com/gpu': { nominal: 8 } } }`. */
export type FlavorQuotas = Readonly<Record<string, Readonly<Record<string, QueueLimits>>>>;

/** A person's own queue inside the tenant, carved out of the tenant's nominal quota. */
export interface UserQueueSpec {
  /** The user's quota; every flavor and resource must be in the tenant's `flavors`. */
  readonly flavors: FlavorQuotas;
  /** Stable IdP subject; required when the platform identifies users by subject. @default none */
  readonly subject?: string;
  /** Name of the user's LocalQueue (and label value). @default `user-` + the e-mail, lowercased, other characters as `-` */
  readonly queueName?: string;
}

/** A tenant's Kueue quota (`tenant({ queue })`). */
export interface TenantQueueSpec {
  /** The tenant's quota per flavor and resource, users' sub-quotas included. */
  readonly flavors: FlavorQuotas;
  /** Per-user sub-quotas by e-mail; the rest of the tenant's nominal is the shared `default` queue's. @default none */
  readonly users?: Readonly<Record<string, UserQueueSpec>>;
  /**
   * GPUs pods may take without Kueue (notebooks, pipeline steps, serving), on top of the queue's
   * nominal + borrowingLimit in the namespace ResourceQuota. @default 0 for every GPU resource
   */
  readonly outsideKueue?: GpuCounts;
}
