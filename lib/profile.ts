/**
 * Profile: the Kubeflow `Profile` (kubeflow.org/v1, cluster-scoped) that makes the Profile
 * controller create the tenant namespace, its owner's access and `kf-resource-quota`.
 * Nothing the controller owns is emitted here (Namespace, namespaceAdmin, default-editor,
 * default-viewer, ns-owner-access-istio, kf-resource-quota): Argo CD would fight it over them.
 */
import { Construct } from 'constructs';
import { Profile, ProfileSpecResourceQuotaSpecHard } from '../imports/kubeflow.org';
import type { PlatformSettings } from './declarations/platform';
import type { CheckContext, ErrorList } from './validation';
import { at, checkDnsLabel, checkEmail, checkObject, isLabelKey, isLabelValue, isPlainObject, reservedPattern } from './validation';
import type { Person, TenantSpec } from './declarations/tenant';
import { objectMeta } from './meta';

// Declarations live in lib/declarations/ (no import cycles); re-exported so existing imports keep working.
export type { Person } from './declarations/tenant';

/** The string Kubeflow sees for a person: what the identity header carries, minus its prefix. */
export function identityOf(p: Person, platform: PlatformSettings): string {
  return platform.identity.use === 'subject' ? (p.subject ?? p.email) : p.email;
}

/** Props of {@link TenantProfile}. */
export interface TenantProfileProps {
  /** Profile name, which is also the namespace name. */
  readonly name: string;
  /** Identity of the owner (see {@link identityOf}). */
  readonly owner: string;
  /** Labels of the Profile: the tenant's labels plus the tool's own. */
  readonly labels: Record<string, string>;
  /** `spec.resourceQuotaSpec.hard`; see `quotaHard`. An empty map emits no quota. */
  readonly hard: Record<string, string>;
}

export class TenantProfile extends Construct {
  readonly resource: Profile;

  constructor(scope: Construct, id: string, props: TenantProfileProps) {
    super(scope, id);
    const hard = Object.fromEntries(
      Object.entries(props.hard).map(([k, v]) => [k, ProfileSpecResourceQuotaSpecHard.fromString(v)]),
    );
    this.resource = new Profile(this, 'Resource', {
      metadata: objectMeta(props.name, undefined, props.labels),
      spec: {
        // apiGroup is explicit: the controller DeepEquals the owner against the API-defaulted
        // subject of namespaceAdmin, and a missing apiGroup makes it rewrite that binding forever.
        owner: { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: props.owner },
        resourceQuotaSpec: Object.keys(hard).length > 0 ? { hard } : {},
      },
    });
  }
}

const PERSON_FIELDS = ['email', 'subject'] as const satisfies readonly (keyof Person)[];

/** Checks a Person at `path` (owner or contributor), including the subject when the platform needs it. */
export function checkPerson(errs: ErrorList, path: string, value: unknown, ctx: CheckContext, emailField = 'email'): boolean {
  const fields = emailField === 'email' ? PERSON_FIELDS : ([emailField, 'subject', 'role'] as const);
  if (!isPlainObject(value)) {
    errs.invalid(path, value, `must be an object with fields ${fields.join(', ')}`);
    return false;
  }
  let ok = checkEmail(errs, at.field(path, emailField), value[emailField]);
  const subject = value.subject;
  if (subject !== undefined && (typeof subject !== 'string' || subject.trim() === '' || subject.trim() !== subject)) {
    errs.invalid(at.field(path, 'subject'), subject, 'must be the non-empty IdP subject (sub claim) without surrounding spaces');
    ok = false;
  }
  if (ctx.platform.identity.use === 'subject' && subject === undefined) {
    errs.required(at.field(path, 'subject'), 'the platform identifies users by IdP subject (platform.ts identity.use); add the subject');
    ok = false;
  }
  return ok;
}

/** Checks name, owner and labels of one tenant. */
export function checkProfile(errs: ErrorList, spec: TenantSpec, ctx: CheckContext): void {
  if (checkDnsLabel(errs, 'name', spec.name)) {
    const hit = reservedPattern(spec.name, ctx.platform.reservedNames);
    if (hit) {
      errs.add('name', 'Forbidden', spec.name, `"${hit}" is reserved for the platform (platform.ts reservedNames); choose another name`);
    }
  }
  if (spec.owner === undefined) errs.required('owner', 'the owner of the tenant, e.g. { email: "lead@example.com" }');
  else if (checkObject(errs, 'owner', spec.owner, PERSON_FIELDS)) checkPerson(errs, 'owner', spec.owner, ctx);

  const labels = spec.labels as unknown;
  if (labels === undefined || !isPlainObject(labels)) {
    if (labels !== undefined) errs.invalid('labels', labels, 'must map label keys to values');
    for (const l of ctx.platform.requiredLabels) errs.required(at.key('labels', l), `every tenant must carry the "${l}" label (platform.ts requiredLabels)`);
    return;
  }
  for (const [k, v] of Object.entries(labels)) {
    const p = at.key('labels', k);
    if (!isLabelKey(k)) errs.invalid(p, k, 'not a label key: an optional DNS-subdomain prefix and "/", then at most 63 alphanumerics, "-", "_" or "."');
    if (typeof v !== 'string' || !isLabelValue(v)) {
      errs.invalid(p, v, 'a label value must be at most 63 characters: alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric');
    }
  }
  for (const l of ctx.platform.requiredLabels) {
    const v = labels[l];
    if (v === undefined || v === '') errs.required(at.key('labels', l), `every tenant must carry the "${l}" label (platform.ts requiredLabels)`);
  }
}
