/**
 * `npm run adopt-check`: offline, what blocks or weakens taking over an existing namespace with a
 * tenant file's `adopt: true` (docs/adopt.md). It reads a dump of the namespace ({@link dumpCommand}
 * produces it) and compares it with the tenant's synthesized bundle, never a hard-coded list: the
 * names the bundle would take over are the bundle's own, the people it names are its bindings'.
 *
 * What it relies on from the Profile controller (profile_controller.go, Kubeflow 1.8-1.10 and
 * dashboard 2.0; reproduced by the cluster tier's stand-in): an existing namespace is adopted only
 * when its `owner` annotation equals the Profile's `spec.owner.name`, otherwise the Profile is not
 * reconciled at all ("namespace already exist, but not owned by profile creator"); on adoption only
 * the labels file's keys are added when absent (not `istio-injection`, which it sets only on
 * namespaces it creates), and no ownerReference is set; `namespaceAdmin`, `default-editor`,
 * `default-viewer` (RoleBindings: roleRef and subjects overwritten), `ns-owner-access-istio` and
 * `kf-resource-quota` (spec overwritten) are taken over by name; existing ServiceAccounts
 * `default-editor`/`default-viewer` are kept as they are.
 */
import * as yaml from 'js-yaml';
import { ISTIO_SIDECAR_CONTAINER, KFAM_ANNOTATION, PROFILE_CONTROLLER, PROFILE_CONTROLLER_NAMESPACE, RBAC_API_GROUP, SUBJECT_KIND } from './declarations/kubeflow';
import { POD_SECURITY_LABEL_PREFIX } from './declarations/network';
import { TENANT_NAMESPACED_KINDS, apiGroupOf } from './model/catalogue';
import { DECOMMISSIONED_ANNOTATION } from './model/decommission';
import { ADOPTED_ANNOTATION } from './model/names';
import { TENANT_LABEL } from './meta';
import { at, ErrorList, isPlainObject, ValidationError } from './validation';

/** A Kubernetes object as read from YAML. */
export interface KubeJson {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string>; readonly [k: string]: unknown };
  readonly [k: string]: unknown;
}

/** Exit codes of `npm run adopt-check` (2 stays every command's "internal error", lib/cli.ts). */
export const ADOPT_EXIT = { ready: 0, invalid: 1, warnings: 3, blocked: 4 } as const;

export type Severity = 'blocker' | 'warning' | 'note';

/** One finding about one object of the dump (or of the bundle, for notes). */
export interface Finding {
  readonly severity: Severity;
  /** `Namespace legacy`, `RoleBinding legacy/old-admins`. */
  readonly object: string;
  readonly message: string;
}

export type Verdict = 'ready' | 'ready with warnings' | 'blocked';

export interface AdoptReport {
  readonly namespace: string;
  /** The Profile's owner the namespace must be annotated with. */
  readonly owner: string;
  readonly verdict: Verdict;
  /** Blockers, then warnings, then notes; each group in the dump's order. */
  readonly findings: readonly Finding[];
}

/** Resource names (`<plural>[.<group>]`) the dump must hold besides the Namespace. */
export function dumpResources(): string[] {
  const plural = (kind: string): string => {
    const k = kind.toLowerCase();
    return k.endsWith('y') ? `${k.slice(0, -1)}ies` : `${k}s`;
  };
  const bundle = TENANT_NAMESPACED_KINDS.map((gk) => (gk.group ? `${plural(gk.kind)}.${gk.group}` : plural(gk.kind)));
  // Pods (sidecars) and ServiceAccounts (the controller's) are read too; Secrets never (their values).
  return [...new Set(['pods', 'serviceaccounts', ...bundle])].sort();
}

/** The exact command that writes the dump of `namespace` to `<namespace>.yaml`. */
export function dumpCommand(namespace = '$NS'): string {
  return `{ kubectl get namespace ${namespace} -o yaml; echo ---; kubectl get -n ${namespace} -o yaml ${dumpResources().join(',')}; } > ${namespace}.yaml`;
}

/**
 * The objects of a dump (YAML or JSON documents, `List`s flattened). Throws ValidationError, in
 * the Kubernetes field-error shape, when it is not one namespace's dump.
 */
export function parseDump(file: string, text: string): { namespace: KubeJson; objects: KubeJson[] } {
  const errs = new ErrorList(file);
  let docs: unknown[];
  try {
    docs = yaml.loadAll(text).filter((d) => d !== null && d !== undefined);
  } catch (err) {
    errs.invalid('(file)', file, `not YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}; produce the dump with: ${dumpCommand()}`);
    throw new ValidationError(errs.errors);
  }
  const items: { path: string; value: unknown }[] = [];
  docs.forEach((d, i) => {
    const base = docs.length > 1 ? `[${i}]` : '';
    if (isPlainObject(d) && d.kind === 'List') {
      const list = Array.isArray(d.items) ? d.items : [];
      list.forEach((o, j) => items.push({ path: at.index(at.field(base, 'items'), j), value: o }));
    } else {
      items.push({ path: base || '(document)', value: d });
    }
  });
  const objects: { path: string; o: KubeJson }[] = [];
  for (const { path, value } of items) {
    if (!isPlainObject(value)) {
      errs.invalid(path, value, 'not a Kubernetes object');
      continue;
    }
    const meta = value.metadata;
    if (typeof value.kind !== 'string' || typeof value.apiVersion !== 'string') errs.required(at.field(path, 'kind'), 'every object of the dump has apiVersion and kind (kubectl get -o yaml writes them)');
    else if (!isPlainObject(meta) || typeof meta.name !== 'string') errs.required(at.field(path, 'metadata.name'), 'every object of the dump has a name');
    else objects.push({ path, o: value as unknown as KubeJson });
  }
  const namespaces = objects.filter(({ o }) => o.kind === 'Namespace' && apiGroupOf(o.apiVersion) === '');
  if (errs.errors.length === 0 && namespaces.length === 0) {
    errs.required('(file)', `the dump holds no Namespace; produce it with: ${dumpCommand()}`);
  }
  if (namespaces.length > 1) {
    for (const { path, o } of namespaces.slice(1)) errs.invalid(at.field(path, 'metadata.name'), o.metadata.name, `the dump holds more than one Namespace (first "${namespaces[0]!.o.metadata.name}"): dump one namespace per file`);
  }
  const ns = namespaces[0]?.o.metadata.name;
  for (const { path, o } of objects) {
    if (o === namespaces[0]?.o || namespaces.some((n) => n.o === o)) continue;
    if (o.metadata.namespace === undefined) errs.invalid(at.field(path, 'kind'), o.kind, 'a cluster-scoped object: the dump holds the Namespace and objects inside it only');
    else if (ns !== undefined && o.metadata.namespace !== ns) errs.invalid(at.field(path, 'metadata.namespace'), o.metadata.namespace, `the dump is of namespace "${ns}": dump one namespace per file`);
  }
  if (errs.errors.length > 0) throw new ValidationError(errs.errors);
  return { namespace: namespaces[0]!.o, objects: objects.map(({ o }) => o).filter((o) => o !== namespaces[0]!.o) };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const rec = (v: unknown): Record<string, unknown> => (isPlainObject(v) ? v : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const name = (o: KubeJson): string => (o.metadata.namespace ? `${o.kind} ${o.metadata.namespace}/${o.metadata.name}` : `${o.kind} ${o.metadata.name}`);
const gkn = (o: KubeJson): string => `${apiGroupOf(o.apiVersion)}/${o.kind}/${o.metadata.name}`;

interface Subject {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}
const subjectsOf = (o: KubeJson): Subject[] =>
  list(o.subjects)
    .filter(isPlainObject)
    .map((s) => ({ kind: String(s.kind), name: String(s.name), ...(typeof s.namespace === 'string' ? { namespace: s.namespace } : {}) }));
const showSubject = (s: Subject): string => `${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}`;
const roleRefOf = (o: KubeJson): string => `${String(rec(o.roleRef).kind ?? '')} ${String(rec(o.roleRef).name ?? '')}`;

/** What the Profile controller writes into `namespaceAdmin`, `default-editor` and `default-viewer`. */
function controllerBindings(ns: string, owner: string): Map<string, { roleRef: string; subjects: string[] }> {
  const sa = (n: string): string => showSubject({ kind: SUBJECT_KIND.serviceAccount, name: n, namespace: ns });
  return new Map([
    [PROFILE_CONTROLLER.adminBinding, { roleRef: `ClusterRole ${PROFILE_CONTROLLER.adminClusterRole}`, subjects: [showSubject({ kind: SUBJECT_KIND.user, name: owner })] }],
    [PROFILE_CONTROLLER.editorServiceAccount, { roleRef: `ClusterRole ${PROFILE_CONTROLLER.editClusterRole}`, subjects: [sa(PROFILE_CONTROLLER.editorServiceAccount)] }],
    [PROFILE_CONTROLLER.viewerServiceAccount, { roleRef: `ClusterRole ${PROFILE_CONTROLLER.viewClusterRole}`, subjects: [sa(PROFILE_CONTROLLER.viewerServiceAccount)] }],
  ]);
}

/** Pods that have no Istio sidecar: no `istio-proxy` container (or native-sidecar init container). */
function withoutSidecar(pod: KubeJson): boolean {
  const spec = rec(pod.spec);
  const names = [...list(spec.containers), ...list(spec.initContainers)].map((c) => str(rec(c).name));
  return !names.includes(ISTIO_SIDECAR_CONTAINER);
}

const ENFORCE = `${POD_SECURITY_LABEL_PREFIX}enforce`;
const LEVELS = ['privileged', 'baseline', 'restricted'];

/**
 * The adoption report for the dumped namespace against the synthesized objects of the whole org
 * (`synthesized`: every object synth emits, cluster ones included, as manifests). Throws
 * ValidationError when no synthesized tenant has the namespace's name.
 */
export function adoptCheck(file: string, dump: { namespace: KubeJson; objects: readonly KubeJson[] }, synthesized: readonly KubeJson[]): AdoptReport {
  const ns = dump.namespace.metadata.name;
  const profile = synthesized.find((o) => o.kind === 'Profile' && apiGroupOf(o.apiVersion) === 'kubeflow.org' && o.metadata.name === ns);
  if (!profile) {
    const errs = new ErrorList(file);
    errs.invalid('metadata.name', ns, `no tenant declares namespace "${ns}": add tenants/${ns}.ts with \`adopt: true\` and the namespace's owner, then run the check again (docs/adopt.md)`);
    throw new ValidationError(errs.errors);
  }
  const owner = str(rec(rec(profile.spec).owner).name) ?? '';
  const bundle = synthesized.filter((o) => o.metadata.namespace === ns);
  const bundleNamespace = synthesized.find((o) => o.kind === 'Namespace' && apiGroupOf(o.apiVersion) === '' && o.metadata.name === ns);
  const out: Finding[] = [];
  const add = (severity: Severity, o: KubeJson | string, message: string): void => void out.push({ severity, object: typeof o === 'string' ? o : name(o), message });
  const nsObj = dump.namespace;
  const annotations = nsObj.metadata.annotations ?? {};
  const labels = nsObj.metadata.labels ?? {};
  const ownerKey = PROFILE_CONTROLLER_NAMESPACE.ownerAnnotation;
  const stuck = `the Profile controller does not reconcile the Profile ("namespace already exist, but not owned by profile creator ${owner}"): no namespaceAdmin, quota or owner access until it is fixed`;

  // The tenant file.
  if (rec(profile.metadata.annotations)[ADOPTED_ANNOTATION] !== 'true') {
    add('blocker', `Profile ${ns}`, `tenants/${ns}.ts does not set \`adopt: true\`: without it the bundle does not label the namespace istio-injection: enabled and the review does not show the takeover; add it`);
  }
  // The namespace itself.
  if (nsObj.metadata.deletionTimestamp !== undefined || rec(nsObj.status).phase === 'Terminating') {
    add('blocker', nsObj, 'is being deleted: wait until it is gone, or stop its deletion, before adopting it');
  }
  const actual = annotations[ownerKey];
  if (actual === undefined) {
    add('blocker', nsObj, `metadata.annotations["${ownerKey}"] is missing: ${stuck}; fix: kubectl annotate namespace ${ns} ${ownerKey}=${owner}`);
  } else if (actual !== owner) {
    add('blocker', nsObj, `metadata.annotations["${ownerKey}"] is "${actual}", the Profile's owner is "${owner}": ${stuck}; fix, after agreeing the hand-over with "${actual}": kubectl annotate namespace ${ns} ${ownerKey}=${owner} --overwrite`);
  }
  for (const ref of list(nsObj.metadata.ownerReferences).filter(isPlainObject)) {
    const kind = String(ref.kind);
    const refName = String(ref.name);
    if (kind === 'Profile' && refName === ns) add('note', nsObj, `already owned by Profile ${ns} (the controller created it): there is nothing to adopt`);
    else if (kind === 'Profile') add('blocker', nsObj, `owned by Profile ${refName}: deleting that Profile deletes this namespace; remove the ownerReference (or the other tenant) first`);
    else add('warning', nsObj, `owned by ${kind} ${refName}: deleting that deletes this namespace and everything the tenant puts in it; remove the ownerReference`);
  }
  const injection = labels[PROFILE_CONTROLLER_NAMESPACE.istioInjectionLabel];
  if (injection !== 'enabled') {
    add(
      'warning',
      nsObj,
      `metadata.labels["${PROFILE_CONTROLLER_NAMESPACE.istioInjectionLabel}"] is ${injection === undefined ? 'missing' : `"${injection}"`}: the bundle's Namespace object sets it to "enabled" (the controller does so only for namespaces it creates); only pods created after that get a sidecar`,
    );
  }
  const want = str(bundleNamespace?.metadata.labels?.[ENFORCE]);
  const have = labels[ENFORCE];
  if (want !== undefined && LEVELS.indexOf(want) > LEVELS.indexOf(have ?? 'privileged')) {
    add(
      'warning',
      nsObj,
      `Pod Security enforce ${have ?? '(none: privileged)'} → ${want} (the bundle's Namespace object): running pods are not re-checked, new ones that break ${want} are refused; list the offenders with: kubectl label --dry-run=server --overwrite namespace ${ns} ${ENFORCE}=${want}`,
    );
  }

  // Objects whose names the bundle or the controller takes over.
  const bundleNames = new Map(bundle.map((o) => [gkn(o), o]));
  const expected = controllerBindings(ns, owner);
  for (const o of dump.objects) {
    const mine = bundleNames.get(gkn(o));
    if (mine) {
      add('blocker', o, `the bundle emits ${name(mine)}: Argo CD would overwrite what it sets and prune the object with the tenant; rename or delete it (recreate what it did in the tenant file)`);
      continue;
    }
    const group = apiGroupOf(o.apiVersion);
    if (group === RBAC_API_GROUP && o.kind === 'RoleBinding' && expected.has(o.metadata.name)) {
      const e = expected.get(o.metadata.name)!;
      const subjects = subjectsOf(o).map(showSubject);
      if (roleRefOf(o) !== e.roleRef || JSON.stringify(subjects) !== JSON.stringify(e.subjects)) {
        add('blocker', o, `the Profile controller takes this name over and overwrites it (${roleRefOf(o)} to ${subjects.join(', ') || 'nobody'} → ${e.roleRef} to ${e.subjects.join(', ')}), without making it its own (no ownerReference); delete it first and let the controller create it`);
      } else {
        add('note', o, `equals what the Profile controller writes; it keeps it (without an ownerReference, so deleting the Profile will not delete it)`);
      }
      continue;
    }
    if ((o.kind === 'ResourceQuota' && group === '' && o.metadata.name === PROFILE_CONTROLLER_NAMESPACE.quota) || (o.kind === 'AuthorizationPolicy' && group === 'security.istio.io' && o.metadata.name === PROFILE_CONTROLLER_NAMESPACE.ownerAccessPolicy)) {
      add('blocker', o, `the Profile controller takes this name over and overwrites its spec with the Profile's, without making it its own (no ownerReference); delete it first and let the controller create it`);
      continue;
    }
    if (o.kind === 'ServiceAccount' && group === '' && (o.metadata.name === PROFILE_CONTROLLER.editorServiceAccount || o.metadata.name === PROFILE_CONTROLLER.viewerServiceAccount)) {
      const role = o.metadata.name === PROFILE_CONTROLLER.editorServiceAccount ? PROFILE_CONTROLLER.editClusterRole : PROFILE_CONTROLLER.viewClusterRole;
      add('warning', o, `exists: the Profile controller keeps it as it is (its secrets and image pull secrets included) and binds ${role} to it; every pod already running as it gains that role`);
    }
  }

  // Other quotas and limit ranges, which keep applying next to the tenant's.
  const bundleLimitRanges = bundle.filter((o) => o.kind === 'LimitRange').map((o) => o.metadata.name);
  for (const o of dump.objects) {
    if (bundleNames.has(gkn(o)) || apiGroupOf(o.apiVersion) !== '') continue;
    if (o.kind === 'ResourceQuota' && o.metadata.name !== PROFILE_CONTROLLER_NAMESPACE.quota) {
      const hard = Object.entries(rec(rec(o.spec).hard)).map(([k, v]) => `${k}=${String(v)}`).join(', ');
      add('warning', o, `(${hard || 'no hard limits'}) stays and is enforced next to ${PROFILE_CONTROLLER_NAMESPACE.quota}: the tightest quota binds, so the tenant file's quota is not the whole truth; delete it after the adoption, or fold it into \`quota\``);
    }
    if (o.kind === 'LimitRange') {
      add('warning', o, `stays next to the bundle's LimitRange ${bundleLimitRanges.join(', ')}: the caps of both apply and both set defaults, so pods may get defaults and limits the tenant file does not declare; delete it after the adoption, or fold it into \`limits\``);
    }
  }

  // People and foreign workloads bound by RoleBindings the tenant file does not name.
  const named = new Set<string>([showSubject({ kind: SUBJECT_KIND.user, name: owner })]);
  for (const o of bundle) if (o.kind === 'RoleBinding') for (const s of subjectsOf(o)) named.add(showSubject(s));
  for (const o of dump.objects) {
    if (o.kind !== 'RoleBinding' || apiGroupOf(o.apiVersion) !== RBAC_API_GROUP || bundleNames.has(gkn(o)) || expected.has(o.metadata.name)) continue;
    const strangers = subjectsOf(o).filter((s) => !named.has(showSubject(s)) && (s.kind !== SUBJECT_KIND.serviceAccount || (s.namespace ?? ns) !== ns));
    if (strangers.length === 0) continue;
    const kfam = str(o.metadata.annotations?.[KFAM_ANNOTATION.user]) !== undefined ? ' (KFAM annotations: the dashboard lists it as a contributor)' : '';
    add(
      'warning',
      o,
      `binds ${roleRefOf(o)} to ${strangers.map(showSubject).join(', ')}, whom tenants/${ns}.ts does not name${kfam}: the binding keeps working after the adoption, and npm run access and npm run diff do not see it; add them to the tenant file (contributors) and delete the binding`,
    );
  }

  // Pods without a sidecar.
  for (const o of dump.objects) {
    if (o.kind !== 'Pod' || apiGroupOf(o.apiVersion) !== '') continue;
    const phase = str(rec(o.status).phase);
    if (phase === 'Succeeded' || phase === 'Failed' || !withoutSidecar(o)) continue;
    const optedOut = o.metadata.annotations?.['sidecar.istio.io/inject'] === 'false' || o.metadata.labels?.['sidecar.istio.io/inject'] === 'false';
    add(
      'warning',
      o,
      optedOut
        ? 'opts out of the Istio sidecar (sidecar.istio.io/inject: "false"): even restarted it runs outside the mesh; STRICT mTLS refuses its connections to meshed pods and no AuthorizationPolicy protects it'
        : 'runs without an Istio sidecar until it is restarted after the adoption: until then STRICT mTLS does not cover its traffic (meshed pods refuse its plaintext connections) and no AuthorizationPolicy protects it: whatever the NetworkPolicies let reach it is not checked for identity',
    );
  }

  // Always: what adoption leaves different from a namespace the controller creates.
  // The namespace guard is synthesized only when platform.ts guards.admissionPolicy is on; the
  // version that recognises adopted namespaces names the tenant label in its expression.
  const guarded = synthesized.some((o) => o.kind === 'ValidatingAdmissionPolicy' && JSON.stringify(o.spec ?? {}).includes(TENANT_LABEL));
  add(
    'note',
    nsObj,
    `the Profile controller sets no ownerReference on an adopted namespace: deleting the Profile (after decommissioning) will not delete it or its data; ` +
      (guarded
        ? `the in-cluster guard (tenant-namespace-deletion-requires-decommission) recognises it by the ${TENANT_LABEL} label the bundle's Namespace object sets, so deleting it by hand needs kubectl annotate namespace ${ns} ${DECOMMISSIONED_ANNOTATION}=true first`
        : `the in-cluster guard is off (platform.ts guards.admissionPolicy), so nothing stops a hand deletion of the namespace`),
  );
  const secrets = bundle.filter((o) => o.kind === 'ExternalSecret').map((o) => str(rec(rec(o.spec).target).name) ?? o.metadata.name);
  if (secrets.length > 0) {
    add('note', nsObj, `the dump holds no Secrets (it would hold their values); the bundle's ExternalSecrets write ${secrets.sort().join(', ')}: check none exists with: kubectl get secret -n ${ns} ${secrets.sort().join(' ')}`);
  }

  const order: Severity[] = ['blocker', 'warning', 'note'];
  const findings = order.flatMap((s) => out.filter((f) => f.severity === s));
  const verdict: Verdict = findings.some((f) => f.severity === 'blocker') ? 'blocked' : findings.some((f) => f.severity === 'warning') ? 'ready with warnings' : 'ready';
  return { namespace: ns, owner, verdict, findings };
}

/** The exit code of a report. */
export function adoptExitCode(r: AdoptReport): number {
  return r.verdict === 'blocked' ? ADOPT_EXIT.blocked : r.verdict === 'ready with warnings' ? ADOPT_EXIT.warnings : ADOPT_EXIT.ready;
}

/** The report as text: the verdict first, then blockers, warnings and notes. */
export function renderAdoptReport(r: AdoptReport): string {
  const lines = [`adopt-check: namespace "${r.namespace}" (Profile owner ${r.owner}): ${r.verdict.toUpperCase()} (exit ${adoptExitCode(r)})`];
  const titles: Record<Severity, string> = {
    blocker: 'blocked (fix before merging the tenant file):',
    warning: 'warnings (the adoption works, but this weakens it):',
    note: 'notes:',
  };
  for (const s of ['blocker', 'warning', 'note'] as const) {
    const fs = r.findings.filter((f) => f.severity === s);
    if (fs.length === 0) continue;
    lines.push('', titles[s], ...fs.map((f) => `  - ${f.object}: ${f.message}`));
  }
  return lines.join('\n');
}
