/**
 * CEL pieces of the in-cluster guard's rules (lib/constructs/admission-guard.ts `guardRules`, which
 * both the ValidatingAdmissionPolicies and the Kyverno ValidatingPolicies of lib/constructs/kyverno.ts
 * emit): the synth-time Profile rules as CEL, each condition written once.
 */
import type { PlatformSettings } from '../declarations/platform';
import { MANAGED_BY, TENANT_LABEL } from '../meta';
import { tenantProject } from './argocd';

/** A CEL string literal. */
export const celString = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** A CEL list of string literals. */
export const celList = (xs: readonly string[]): string => `[${xs.map(celString).join(', ')}]`;

/**
 * `object.metadata.name` is none of the platform's reserved names (exact, or a prefix before a
 * trailing `*`); `'true'` when nothing is reserved.
 */
export function nameNotReservedCel(reservedNames: readonly string[]): string {
  const exact = reservedNames.filter((p) => !p.endsWith('*'));
  const prefixes = reservedNames.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
  const conditions = [
    ...(exact.length > 0 ? [`!(object.metadata.name in ${celList(exact)})`] : []),
    ...prefixes.map((p) => `!object.metadata.name.startsWith(${celString(p)})`),
  ];
  return conditions.length > 0 ? conditions.join(' && ') : 'true';
}

/**
 * `object.metadata.name` neither starts with a tenant's name nor is a prefix of one, unless it is
 * that tenant's own name: synth's prefix rule (lib/validation.ts `checkTenantSet`) against the
 * names given, as a list literal (admission CEL sees one object; the org's names are known at synth).
 * Sorted, so the expression changes only when the set of names does.
 */
export function nameNoPrefixClashCel(tenantNames: readonly string[]): string {
  const names = [...new Set(tenantNames)].sort();
  return `${celList(names)}.all(t, object.metadata.name == t || !(object.metadata.name.startsWith(t) || t.startsWith(object.metadata.name)))`;
}

/**
 * Reserved label keys a Profile may carry anyway, each only with the value given as CEL: the labels
 * synth itself puts on every Profile (lib/meta.ts `tenantLabels`), and the one Argo CD's label
 * tracking adds to what it applies (the Application's name). Bound to their values, so they let
 * nobody claim another tenant's or another tool's Profile.
 */
export const ADMITTED_OWN_LABELS: readonly (readonly [key: string, celValue: string])[] = [
  ['app.kubernetes.io/managed-by', celString(MANAGED_BY)],
  [TENANT_LABEL, 'object.metadata.name'],
  ['app.kubernetes.io/instance', `${celString(tenantProject(''))} + object.metadata.name`],
];

/** The denial message of the reserved-label-key rule, the same in both guards. */
export const reservedLabelsMessage = (platform: PlatformSettings): string =>
  `label keys reserved for the platform (${platform.labels.reserved.join(', ')}) steer isolation, admission or the platform's own bookkeeping; remove them from the Profile`;
