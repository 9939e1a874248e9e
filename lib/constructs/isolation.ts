/**
 * Network isolation: a default-deny ingress NetworkPolicy that admits only the tenant namespace
 * itself and the platform namespaces (Istio ingress gateway, Kubeflow control plane), and an Istio
 * PeerAuthentication in STRICT mode, without which a pod could forge the identity header.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { PeerAuthentication, PeerAuthenticationSpecMtlsMode } from '../../imports/security.istio.io';
import { objectMeta } from '../meta';

/** Props of {@link TenantIsolation}. */
export interface TenantIsolationProps {
  readonly namespace: string;
  /** Namespaces (besides the tenant's own) whose pods may connect in. Sorted on output. */
  readonly allowIngressFromNamespaces: readonly string[];
  /** Labels of every object. @default none */
  readonly labels?: Record<string, string>;
}

export class TenantIsolation extends Construct {
  static readonly NETWORK_POLICY = 'tenant-isolation';
  static readonly PEER_AUTHENTICATION = 'tenant-mtls-strict';

  constructor(scope: Construct, id: string, props: TenantIsolationProps) {
    super(scope, id);
    const allowed = [...new Set(props.allowIngressFromNamespaces)].filter((n) => n !== props.namespace).sort();
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: objectMeta(TenantIsolation.NETWORK_POLICY, props.namespace, props.labels),
      spec: {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              // An empty podSelector without namespaceSelector means "pods of this namespace".
              { podSelector: {} },
              ...allowed.map((ns) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } })),
            ],
          },
        ],
      },
    });
    new PeerAuthentication(this, 'PeerAuthentication', {
      metadata: objectMeta(TenantIsolation.PEER_AUTHENTICATION, props.namespace, props.labels),
      spec: { mtls: { mode: PeerAuthenticationSpecMtlsMode.STRICT } },
    });
  }
}
