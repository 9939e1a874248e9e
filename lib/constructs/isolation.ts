/**
 * Network isolation: a default-deny ingress NetworkPolicy that admits only the tenant namespace
 * itself and the platform namespaces (Istio ingress gateway, Kubeflow control plane), a
 * default-deny egress NetworkPolicy that opens only what a Kubeflow namespace needs (resolved in the
 * model: DNS, its own namespace, mesh and control plane, object store, Vault, declared extras;
 * never the cloud metadata address), and an Istio PeerAuthentication in STRICT mode, without which
 * a pod could forge the identity header.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { PeerAuthentication, PeerAuthenticationSpecMtlsMode } from '../../imports/security.istio.io';
import type { EgressRuleModel } from '../declarations/network';
import { objectMeta } from '../meta';

/** Props of {@link TenantIsolation}. */
export interface TenantIsolationProps {
  readonly namespace: string;
  /** Namespaces (besides the tenant's own) whose pods may connect in. Sorted on output. */
  readonly allowIngressFromNamespaces: readonly string[];
  /** Where pods may connect besides their own namespace, in order (the model's `egress`). @default none: DNS is closed too */
  readonly egress?: readonly EgressRuleModel[];
  /** Labels of every object. @default none */
  readonly labels?: Record<string, string>;
}

export class TenantIsolation extends Construct {
  static readonly NETWORK_POLICY = 'tenant-isolation';
  static readonly EGRESS_POLICY = 'tenant-egress';
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
    new k8s.KubeNetworkPolicy(this, 'EgressPolicy', {
      metadata: objectMeta(TenantIsolation.EGRESS_POLICY, props.namespace, props.labels),
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: {} }] }, ...(props.egress ?? []).map(egressRule)],
      },
    });
    new PeerAuthentication(this, 'PeerAuthentication', {
      metadata: objectMeta(TenantIsolation.PEER_AUTHENTICATION, props.namespace, props.labels),
      spec: { mtls: { mode: PeerAuthenticationSpecMtlsMode.STRICT } },
    });
  }
}

const byName = (ns: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': ns } });

function egressRule(r: EgressRuleModel): k8s.NetworkPolicyEgressRule {
  const to: k8s.NetworkPolicyPeer =
    r.namespace !== undefined
      ? { namespaceSelector: byName(r.namespace), ...(r.podLabels ? { podSelector: { matchLabels: { ...r.podLabels } } } : {}) }
      : { ipBlock: { cidr: r.cidr!, ...(r.except && r.except.length > 0 ? { except: [...r.except] } : {}) } };
  return { to: [to], ...(r.ports ? { ports: r.ports.map((p) => ({ port: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol })) } : {}) };
}
