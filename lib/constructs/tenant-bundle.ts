/**
 * `TenantBundle`, the composition root of one tenant: one chart, one namespace (plus its Profile),
 * built from the tenant's resolved model only. What a decommissioned tenant keeps is already
 * decided by the model (lib/model/decommission.ts); Argo CD metadata is set by a final pass.
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { PlatformSettings } from '../declarations/platform';
import { tenantLabels } from '../meta';
import type { TenantModel } from '../model/tenant';
import { applyArgoMetadata } from './argocd';
import { Contributors } from './contributors';
import { Credentials } from './credentials';
import { Grants } from './grants';
import { TenantIsolation } from './isolation';
import { TenantLimitRange } from './limit-range';
import { TenantPodSecurity } from './pod-security';
import { TenantProfile } from './profile';
import { QueueUserBindings, TenantLocalQueues } from './kueue';

/** Props of {@link TenantBundle}. */
export interface TenantBundleProps {
  /** The tenant, resolved (lib/model/tenant.ts `orgModel`). */
  readonly tenant: TenantModel;
  readonly platform: PlatformSettings;
}

/** Everything one tenant needs on the shared cluster. */
export class TenantBundle extends Chart {
  constructor(scope: Construct, props: TenantBundleProps) {
    super(scope, props.tenant.name, { disableResourceNameHashes: true });
    const { tenant: t, platform } = props;
    const ns = t.name;
    const common = tenantLabels(ns);
    new TenantProfile(this, 'Profile', { name: ns, owner: t.owner, labels: { ...t.labels, ...common }, hard: t.quotaHard, decommissioned: t.decommissioned, adopted: t.adopted, ...(t.burstGuestOf !== undefined ? { burstGuestOf: t.burstGuestOf } : {}) });
    new TenantLimitRange(this, 'LimitRange', { namespace: ns, limits: t.limits, labels: common });
    new Contributors(this, 'Contributors', { namespace: ns, contributors: t.contributors, groupBindings: t.groupBindings, platform, labels: common });
    new Grants(this, 'Grants', { namespace: ns, grants: t.grantsOut, labels: common });
    if (t.credentials) new Credentials(this, 'Credentials', { tenant: ns, credentials: t.credentials, bucketPrefix: t.bucketPrefix, platform, labels: common });
    new TenantIsolation(this, 'Isolation', { namespace: ns, allowIngressFromNamespaces: platform.network.allowIngressFromNamespaces, egress: t.egress, labels: common });
    new TenantPodSecurity(this, 'PodSecurity', { namespace: ns, level: t.podSecurity, version: platform.podSecurity.version, labels: common, adopted: t.adopted });
    if (t.localQueues.length > 0) new TenantLocalQueues(this, 'Queues', { namespace: ns, queues: t.localQueues, labels: common });
    if (t.queueUserBindings.length > 0) new QueueUserBindings(this, 'QueueUsers', { namespace: ns, bindings: t.queueUserBindings, labels: common });
    applyArgoMetadata(this);
  }
}
