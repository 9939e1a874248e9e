/**
 * Per-tenant audit logging as `platform.ts` (`audit`) and tenant files (`audit`) declare it.
 * Checks and defaults: lib/audit.ts; what synth emits from it: lib/constructs/audit.ts
 * (`dist/platform/audit/`).
 */

/** Audit levels of `audit.k8s.io/v1`, lowest to highest (the order decides "raise" and "lower"). */
export const AUDIT_LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'] as const;
export type AuditLevel = (typeof AUDIT_LEVELS)[number];
/** The levels a tier or a tenant may have: `None` would hide a tenant's writes. */
export type TenantAuditLevel = Exclude<AuditLevel, 'None'>;

/** Verbs that change state: never logged at level `None` (the noise rules may only silence reads). */
export const WRITE_VERBS: readonly string[] = ['create', 'delete', 'deletecollection', 'patch', 'update'];

/** Fixed prefix of every store tenant id: Vector 0.57 refuses a routing template without a literal prefix. */
export const AUDIT_STORE_PREFIX = 'kft-';

/** Where the collector reads the API server's audit stream. */
export type AuditCollectorSettings =
  | {
      /** The API server writes a JSON-lines log (`--audit-log-path`); Vector tails it on the control-plane node. */
      readonly source: 'file';
      /** @default '/var/log/kubernetes/audit/audit.log' */
      readonly path: string;
    }
  | {
      /** The API server posts batches (`--audit-webhook-config-file`) to Vector's `http_server` source. */
      readonly source: 'webhook';
      /** Address Vector listens on. @default '0.0.0.0:8686' */
      readonly address: string;
    };

/** Loki, the per-tenant store: one Loki tenant (`X-Scope-OrgID`) per Kubeflow tenant. */
export interface AuditLokiSettings {
  /** Loki's push endpoint base. @default 'http://loki-gateway.loki.svc:80' */
  readonly endpoint: string;
  /**
   * The stream of every event that belongs to no tenant (cluster-scoped objects, system
   * namespaces, unparsable lines); its Loki tenant id is `kft-<platformStream>`. The default
   * cannot be a tenant name (`_` is not allowed in a namespace name). @default '_platform'
   */
  readonly platformStream: string;
}

/** Optional archive of every event in S3, under a per-tenant key prefix. */
export interface AuditArchiveSettings {
  readonly bucket: string;
  /** @default 'us-east-1' */
  readonly region: string;
  /** Keys are `<keyPrefix>/kft-<tenant>/`. @default 'audit' */
  readonly keyPrefix: string;
}

/**
 * Who reads the audit streams, through the read gateway synth writes (`read-gateway.conf`: nginx in
 * front of Loki's query API; Loki itself trusts `X-Scope-OrgID` and authorizes nobody). A tenant's
 * stream `kft-<tenant>` is read by the people and groups its tenant file gives the `auditor` role,
 * and by nobody else; the platform stream by the identities and groups listed here.
 */
export interface AuditReadSettings {
  /**
   * Header the auth proxy in front of the gateway sets to the reader's groups, comma-separated (read
   * for `platformGroups`, and for tenant groups when `groups.mode` is `bind`). @default 'kubeflow-groups'
   */
  readonly groupsHeader: string;
  /**
   * Identities (as `identity.use` spells them, without `identity.prefix`) that read the platform
   * stream `kft-<platformStream>`: cluster-scoped objects, system namespaces, other tenants' unassigned
   * events. @default [] (nobody through the gateway; the platform team reads Loki directly)
   */
  readonly platformUsers: readonly string[];
  /** Groups (as the groups header names them) that read the platform stream. @default [] */
  readonly platformGroups: readonly string[];
  /** Port the gateway listens on. @default 8080 */
  readonly port: number;
}

/** The audit settings of `platform.ts` (`audit`). */
export interface AuditSettings {
  /**
   * Whether synth writes `dist/platform/audit/` (the audit Policy, the Vector configuration, the
   * Loki overrides). A repository without `audit` in `platform.ts` gets no audit output and its
   * `dist/` is unchanged. @default false
   */
  readonly enabled: boolean;
  /**
   * Level of write requests (create, update, patch, delete) in the namespaces of a tier, by value of
   * the compliance-tier label (`labels.complianceTier`). Reads in tenant namespaces are logged at
   * Metadata. @default { public: 'Metadata', internal: 'Request', confidential: 'Request', pci: 'RequestResponse' }
   */
  readonly levelByComplianceTier: Readonly<Record<string, TenantAuditLevel>>;
  /** Level of a tier without an entry in `levelByComplianceTier`. @default 'Metadata' */
  readonly level: TenantAuditLevel;
  /** Loki retention (`retention_period`: a number and `d`, `w`, `y` or `h`) by tier. @default { pci: '2555d' } (7 years) */
  readonly retentionByComplianceTier: Readonly<Record<string, string>>;
  /** Retention of a tier without an entry, and of the platform stream. @default '400d' */
  readonly retention: string;
  /** @default { source: 'file', path: '/var/log/kubernetes/audit/audit.log' } */
  readonly collector: AuditCollectorSettings;
  /** @default see {@link AuditLokiSettings} */
  readonly loki: AuditLokiSettings;
  /** @default none (Loki only) */
  readonly archive?: AuditArchiveSettings;
  /** Who reads which stream through the read gateway. @default see {@link AuditReadSettings} */
  readonly read: AuditReadSettings;
  /**
   * Namespaces of the platform's own components whose requests are logged at Metadata (exact
   * names: the policy's `namespaces` field has no wildcards); any other namespace not of a tenant
   * falls to the catch-all at the highest tier's level.
   * @default kube-system, kube-public, kube-node-lease, kubeflow, istio-system, knative-serving, cert-manager, auth, argocd
   */
  readonly platformNamespaces: readonly string[];
}

/** A tenant file's `audit`. */
export interface TenantAuditSpec {
  /**
   * Level of writes in the tenant's namespace: may raise, never lower, the level of its compliance
   * tier. Takes effect when the platform enables audit. @default the tier's level
   */
  readonly level?: TenantAuditLevel;
}

/** `audit.level` of a tenant compared with its tier: the rank of a level. */
export const auditLevelRank = (l: string): number => (AUDIT_LEVELS as readonly string[]).indexOf(l);

/** One rule of an `audit.k8s.io/v1` Policy (the fields this tool emits; upstream: k8s.io/apiserver/pkg/apis/audit/v1 PolicyRule). */
export interface AuditPolicyRule {
  readonly level: AuditLevel;
  readonly users?: readonly string[];
  readonly userGroups?: readonly string[];
  readonly verbs?: readonly string[];
  readonly resources?: readonly { readonly group?: string; readonly resources?: readonly string[]; readonly resourceNames?: readonly string[] }[];
  readonly namespaces?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
  readonly omitStages?: readonly string[];
}
