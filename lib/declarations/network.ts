/**
 * Egress destinations and Pod Security levels, as a tenant file and platform.ts declare them.
 * Checks and resolution: lib/network.ts; rendering: lib/constructs/isolation.ts.
 */

/** A port a pod may connect to: a number is TCP. */
export type EgressPort = number | { readonly port: number; readonly protocol: 'TCP' | 'UDP' | 'SCTP' };

/** One place pods may open connections to: a namespace or an IP range, on some or all ports. */
export interface EgressRule {
  /** Every pod of this namespace. Exactly one of `namespace` and `cidr`. @default none */
  readonly namespace?: string;
  /**
   * An IP range, e.g. `'10.20.0.0/16'` or `'203.0.113.7/32'`. Never the cloud metadata address
   * (169.254.169.254, fd00:ec2::254): a range naming it is refused, a range containing it gets it
   * as an `except`. @default none
   */
  readonly cidr?: string;
  /** Ports; a number means TCP. @default every port */
  readonly ports?: readonly EgressPort[];
}

/** What a tenant's pods may reach over the network, besides what every tenant may reach. */
export interface TenantNetworkSpec {
  /**
   * Further destinations of this tenant's pods (a database, a partner API); the platform's
   * openings (DNS, own namespace, mesh, control plane, object store, Vault) are always there.
   * @default none
   */
  readonly egress?: readonly EgressRule[];
}

/** A Pod Security Standards level (https://kubernetes.io/docs/concepts/security/pod-security-standards/). */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** The levels, least to most restrictive. */
export const POD_SECURITY_LEVELS = ['privileged', 'baseline', 'restricted'] as const satisfies readonly PodSecurityLevel[];

/** The addresses of the cloud instance metadata service, never reachable from a tenant pod. */
export const METADATA_ADDRESSES = ['169.254.169.254/32', 'fd00:ec2::254/128'] as const;

/** Prefix of the Pod Security admission namespace labels. */
export const POD_SECURITY_LABEL_PREFIX = 'pod-security.kubernetes.io/';

/** A resolved egress port (lib/network.ts `resolveEgress`). */
export interface EgressPortModel {
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
}

/** One opening of a tenant's egress policy, resolved. Exactly one of `namespace` and `cidr`. */
export interface EgressRuleModel {
  /** Pods of this namespace (all of them unless `podLabels`). */
  readonly namespace?: string;
  readonly podLabels?: Readonly<Record<string, string>>;
  readonly cidr?: string;
  /** The metadata addresses inside `cidr`. */
  readonly except?: readonly string[];
  /** Undefined: every port. */
  readonly ports?: readonly EgressPortModel[];
}

