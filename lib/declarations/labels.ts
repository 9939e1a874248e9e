/**
 * Profile labels the platform owns: the reserved keys no tenant may set, and the keys of the labels
 * platform decisions follow (team, compliance tier). Defaults: lib/platform.ts `DEFAULT_PLATFORM`.
 *
 * The matcher lives here, at the bottom layer, because three places must agree on it exactly: the
 * synth check (lib/profile.ts) and the in-cluster guard's rule (lib/constructs/admission-guard.ts,
 * emitted as a ValidatingAdmissionPolicy and as a Kyverno ValidatingPolicy), which compiles the
 * same patterns to one regular expression.
 */

/** Label settings of `platform.ts` (`labels`). */
export interface LabelSettings {
  /**
   * Label keys no tenant may put on its Profile, because they steer isolation (Istio injection,
   * Pod Security admission), admission or the platform's own bookkeeping. `*` matches any run of
   * characters, `/` and `.` included (`*.kubeflow.org/*`). A replacing list: spread
   * `DEFAULT_RESERVED_LABELS` to add to the defaults.
   * @default DEFAULT_RESERVED_LABELS
   */
  readonly reserved: readonly string[];
  /** Key of the label naming the team a tenant belongs to; moving a tenant to another team is a blocking diff flag. @default 'team' */
  readonly team: string;
  /** Key of the label giving a tenant's compliance tier; lowering it is a blocking diff flag. @default 'compliance-tier' */
  readonly complianceTier: string;
  /**
   * The values the compliance-tier label may take, lowest to highest (the order decides what
   * "lowering" is). @default DEFAULT_COMPLIANCE_TIERS
   */
  readonly complianceTiers: readonly string[];
}

/**
 * Default reserved label keys: Istio (sidecar injection, revisions, networks), Kubernetes and its
 * subprojects (Pod Security admission levels, `kubernetes.io/metadata.name`), Kubeflow's own
 * components (Katib's metrics-collector injection, pipelines, serving), the recommended labels tools
 * use to claim objects (`managed-by`, `part-of`; listed although `*.kubernetes.io/*` covers them,
 * so they stay reserved in a list that drops the wildcard), and this tool's own prefix.
 */
export const DEFAULT_RESERVED_LABELS: readonly string[] = [
  // Exact keys and narrow patterns first: an error names the first pattern a key matches.
  'istio-injection',
  'app.kubernetes.io/managed-by',
  'app.kubernetes.io/part-of',
  'istio.io/*',
  '*.istio.io/*',
  'pod-security.kubernetes.io/*',
  'kubernetes.io/*',
  '*.kubernetes.io/*',
  'k8s.io/*',
  '*.k8s.io/*',
  'kubeflow.org/*',
  '*.kubeflow.org/*',
  'kubeflow-tenants/*',
];

/** Default compliance tiers, lowest to highest. */
export const DEFAULT_COMPLIANCE_TIERS: readonly string[] = ['public', 'internal', 'confidential', 'pci'];

const escapeRegex = (s: string): string => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/** One pattern as a regular expression body: `*` is any run of characters, the rest literal. */
const patternBody = (pattern: string): string => pattern.split('*').map(escapeRegex).join('.*');

/**
 * The reserved patterns as one anchored regular expression, valid both in JavaScript and in RE2
 * (CEL's `matches`, used by Kyverno and ValidatingAdmissionPolicy); `^$` never matches a label key.
 */
export function reservedLabelRegex(patterns: readonly string[]): string {
  return patterns.length === 0 ? '^$' : `^(${patterns.map(patternBody).join('|')})$`;
}

/** The first reserved pattern `key` matches, or undefined when a tenant may use it. */
export function reservedLabelPattern(key: string, patterns: readonly string[]): string | undefined {
  return patterns.find((p) => new RegExp(`^${patternBody(p)}$`).test(key));
}
