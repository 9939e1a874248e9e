/**
 * Pod Security: the tenant namespace's Pod Security admission labels, as a partial Namespace
 * (metadata only) applied with server-side apply. The Profile controller creates and owns the
 * namespace and never overwrites a label that is already there (it only adds the keys of its
 * labels file when absent), so the labels this object sets are ours alone; Argo CD's server-side
 * apply takes them over from the controller's create (it forces conflicts). The controller's
 * labels file carries the platform level too (lib/constructs/platform-files.ts), for the moment
 * between the namespace's creation and this object's sync. Why this mechanism:
 * docs/pod-security-and-egress.md.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import type { PodSecurityLevel } from '../declarations/network';
import { PROFILE_CONTROLLER_NAMESPACE } from '../declarations/kubeflow';
import { POD_SECURITY_LABEL_PREFIX } from '../declarations/network';
import { objectMeta } from '../meta';

/** The Pod Security admission labels of a namespace enforcing `level`. */
export function podSecurityLabels(level: PodSecurityLevel, version: string): Record<string, string> {
  return { [`${POD_SECURITY_LABEL_PREFIX}enforce`]: level, [`${POD_SECURITY_LABEL_PREFIX}enforce-version`]: version };
}

/** Props of {@link TenantPodSecurity}. */
export interface TenantPodSecurityProps {
  readonly namespace: string;
  readonly level: PodSecurityLevel;
  /** Pod Security Standards version (`enforce-version`). @default 'latest' */
  readonly version?: string;
  /** Further labels of the Namespace. @default none */
  readonly labels?: Record<string, string>;
  /**
   * The namespace existed before its Profile (`adopt: true`): the Profile controller adds
   * `istio-injection: enabled` only to namespaces it creates, so this object sets it. @default false
   */
  readonly adopted?: boolean;
}

export class TenantPodSecurity extends Construct {
  constructor(scope: Construct, id: string, props: TenantPodSecurityProps) {
    super(scope, id);
    // Metadata only (no spec): server-side apply then owns these labels (and Argo CD's annotations), nothing else.
    new k8s.KubeNamespace(this, 'Namespace', {
      metadata: objectMeta(props.namespace, undefined, {
        ...props.labels,
        ...podSecurityLabels(props.level, props.version ?? 'latest'),
        ...(props.adopted === true ? { [PROFILE_CONTROLLER_NAMESPACE.istioInjectionLabel]: 'enabled' } : {}),
      }),
    });
  }
}
