/**
 * GitOps delivery: how Argo CD applies `dist/`, and the guards that keep a Git mistake from
 * deleting a tenant's namespace (deleting a Profile deletes its namespace and every notebook,
 * volume and model in it).
 *
 * - Per tenant object: sync wave and sync options by kind ({@link argoAnnotations}); Profiles
 *   carry `Delete=confirm,Prune=confirm`, so Argo CD never deletes one without a human approving.
 * - Decommissioning ({@link decommissionFilter}): a tenant marked `decommissioned: true` keeps its
 *   Profile (hence its namespace and data), quota and isolation, and loses every access grant.
 * - Removal guard ({@link checkRemovedTenants}): synth refuses to drop a deployed tenant that was
 *   not decommissioned first.
 * - Cluster level ({@link clusterObjects}, written to `dist/cluster/`): the ApplicationSet (one
 *   Application per `dist/tenants/<name>/`), one AppProject per tenant confined to its namespace
 *   and its own Profile, the platform Application/AppProject that syncs `dist/cluster/` itself, and
 *   the Kyverno ClusterPolicies that apply the synth-time Profile rules at admission time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import * as yaml from 'js-yaml';
import { Application, ApplicationSet, ApplicationSetSpecSyncPolicyApplicationsSync, AppProject } from '../imports/argoproj.io';
import {
  ClusterPolicy,
  ClusterPolicySpecRulesMatchAnyResourcesOperations,
  ClusterPolicySpecRulesValidateFailureAction,
} from '../imports/kyverno.io';
import { MANAGED_BY, objectMeta, TENANT_LABEL } from './meta';
import type { PlatformSettings } from './declarations/platform';
import type { TenantSpec } from './declarations/tenant';
import type { CheckContext, ErrorList, TenantEntry } from './validation';
import { FieldError } from './validation';

/** Minimal view of an emitted object (structurally the same as synth's `Manifest`). */
export interface GitOpsManifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly [field: string]: unknown;
}

export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';
/** Set on the Profile of a decommissioned tenant; the removal guard and the Kyverno deletion policy read it. */
export const DECOMMISSIONED_ANNOTATION = 'kubeflow-tenants/decommissioned';
/** Sync options that stop Argo CD from deleting a Profile (and so its namespace) without approval. */
export const PROFILE_PROTECTION = ['Delete=confirm', 'Prune=confirm'] as const;
/** Where `dist/` lives in the Git repository Argo CD reads. */
export const DIST_PATH = 'dist';
/** Name of the ApplicationSet, of the platform Application and of its AppProject. */
export const PLATFORM_APP = 'kubeflow-tenants';
/** AppProject (and Application) name of a tenant. */
export const tenantProject = (tenant: string): string => `tenant-${tenant}`;
/** Names of the Kyverno ClusterPolicies. */
export const PROFILE_RULES_POLICY = 'kubeflow-tenants-profile-rules';
export const PROFILE_DELETION_POLICY = 'kubeflow-tenants-profile-deletion';

/** Sync waves: the Profile creates the namespace, so it goes first; credentials come last. */
export const SYNC_WAVES = { profile: -10, default: 0, credentials: 10 } as const;

/** API group of an apiVersion (`''` for the core group). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * Whether a group is served by every API server: the core group, the unqualified groups (apps,
 * batch, policy, autoscaling) and `*.k8s.io`, except `*.x-k8s.io` (SIG projects installed as CRDs,
 * such as Kueue).
 */
export function isBuiltinGroup(group: string): boolean {
  if (group === '' || !group.includes('.')) return true;
  return group.endsWith('.k8s.io') && !group.endsWith('.x-k8s.io');
}

/** Sync wave of an object, decided by kind and group only, so new kinds get one without wiring. */
export function syncWave(kind: string, apiVersion: string): number {
  const group = apiGroupOf(apiVersion);
  if (group === 'kubeflow.org' && kind === 'Profile') return SYNC_WAVES.profile;
  // SecretStore, ExternalSecret, PushSecret...: after the namespace, RBAC and policies exist.
  if (group === 'external-secrets.io' || group === 'generators.external-secrets.io') return SYNC_WAVES.credentials;
  return SYNC_WAVES.default;
}

/** Argo CD sync options of an object: Profile protection, and dry-run skipping for custom resources. */
export function syncOptions(kind: string, apiVersion: string): string[] {
  const group = apiGroupOf(apiVersion);
  const out: string[] = [];
  if (group === 'kubeflow.org' && kind === 'Profile') out.push(...PROFILE_PROTECTION);
  // The CRD may be installed by another Application in the same sync; without this the dry run fails.
  if (!isBuiltinGroup(group)) out.push('SkipDryRunOnMissingResource=true');
  return out;
}

/** The Argo CD annotations of one object: its sync wave, and its sync options if it has any. */
export function argoAnnotations(kind: string, apiVersion: string): Record<string, string> {
  const out: Record<string, string> = { [SYNC_WAVE_ANNOTATION]: String(syncWave(kind, apiVersion)) };
  const opts = syncOptions(kind, apiVersion);
  if (opts.length > 0) out[SYNC_OPTIONS_ANNOTATION] = opts.join(',');
  return out;
}

/** Returns `m` with `extra` merged into its annotations (sorted, as objectMeta writes them). */
export function withAnnotations<M extends GitOpsManifest>(m: M, extra: Record<string, string>): M {
  const merged = { ...(m.metadata.annotations ?? {}), ...extra };
  const annotations = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  // Keys in alphabetical order, as cdk8s writes them, so the YAML reads the same everywhere.
  const metadata = Object.fromEntries(Object.entries({ ...m.metadata, annotations }).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { ...m, metadata: metadata as M['metadata'] };
}

/**
 * What a decommissioned tenant keeps: the Profile (namespace and data), its quota and limits, and
 * its isolation (weakening isolation is never part of shutting a tenant down). Everything else -
 * contributor bindings, grants, credentials, PodDefaults, queues - is dropped, so Argo CD prunes it
 * and every access except the owner's (which the Profile controller manages) ends.
 */
export function keptWhenDecommissioned(m: GitOpsManifest): boolean {
  const group = apiGroupOf(m.apiVersion);
  if (group === 'kubeflow.org' && m.kind === 'Profile') return true;
  if (group === '' && (m.kind === 'LimitRange' || m.kind === 'ResourceQuota')) return true;
  if (group === 'networking.k8s.io' && m.kind === 'NetworkPolicy') return true;
  if (group === 'security.istio.io' && m.kind === 'PeerAuthentication') return true;
  // A DENY AuthorizationPolicy only ever narrows access.
  if (group === 'security.istio.io' && m.kind === 'AuthorizationPolicy') {
    const spec = m.spec as { action?: unknown } | undefined;
    return spec?.action === 'DENY';
  }
  return false;
}

/** Whether a declaration is marked decommissioned. */
export const isDecommissioned = (spec: TenantSpec): boolean => spec.decommissioned === true;

/**
 * The GitOps view of one tenant's rendered objects: a decommissioned tenant reduced to what it
 * keeps (its Profile annotated {@link DECOMMISSIONED_ANNOTATION}), and every object annotated with
 * its sync wave and sync options. (Grants other tenants give a decommissioned tenant are refused by
 * the grants check, so its workloads lose those too.)
 */
export function decommissionFilter<M extends GitOpsManifest>(objects: readonly M[], spec: TenantSpec): M[] {
  const decommissioned = isDecommissioned(spec);
  const out: M[] = [];
  for (const m of objects) {
    if (decommissioned && !keptWhenDecommissioned(m)) continue;
    const extra = argoAnnotations(m.kind, m.apiVersion);
    if (decommissioned && m.kind === 'Profile') extra[DECOMMISSIONED_ANNOTATION] = 'true';
    out.push(withAnnotations(m, extra));
  }
  return out;
}

/** `decommissioned` must be a boolean. */
export function checkDecommissioned(errs: ErrorList, spec: TenantSpec, _ctx: CheckContext): void {
  const v = (spec as { decommissioned?: unknown }).decommissioned;
  if (v !== undefined && typeof v !== 'boolean') {
    errs.invalid('decommissioned', v, 'must be true or false; true revokes all access and keeps the namespace and its data (docs/gitops.md "Removing a tenant")');
  }
}

/** A tenant found in an existing `dist/`: whether its Profile was marked decommissioned. */
export interface DeployedTenant {
  readonly name: string;
  readonly decommissioned: boolean;
}

/**
 * Tenants of a `dist/` file map (paths relative to `dist/`), read from their Profile files. A
 * folder without a readable Profile counts as not decommissioned (the safe reading).
 */
export function deployedTenants(files: ReadonlyMap<string, string>): Map<string, DeployedTenant> {
  const out = new Map<string, DeployedTenant>();
  for (const [file, content] of files) {
    const m = /^tenants\/([^/]+)\/(.+)$/.exec(file);
    if (!m) continue;
    const name = m[1]!;
    const prev = out.get(name);
    if (m[2] === `Profile.${name}.yaml`) {
      out.set(name, { name, decommissioned: profileDecommissioned(content) });
    } else if (!prev) {
      out.set(name, { name, decommissioned: false });
    }
  }
  return out;
}

function profileDecommissioned(content: string): boolean {
  try {
    const doc = yaml.load(content) as { metadata?: { annotations?: Record<string, unknown> } } | undefined;
    return doc?.metadata?.annotations?.[DECOMMISSIONED_ANNOTATION] === 'true';
  } catch {
    return false;
  }
}

/**
 * Reads only what {@link checkRemovedTenants} needs from a `dist/` folder on disk: the file names
 * under `tenants/` and each tenant's Profile. Empty when the folder does not exist (first synth).
 */
export function readDeployedTenants(distDir: string): Map<string, DeployedTenant> {
  const root = path.join(distDir, 'tenants');
  const files = new Map<string, string>();
  if (!fs.existsSync(root)) return new Map();
  for (const name of fs.readdirSync(root).sort()) {
    const dir = path.join(root, name);
    if (!fs.statSync(dir).isDirectory()) continue;
    const profile = path.join(dir, `Profile.${name}.yaml`);
    files.set(`tenants/${name}/Profile.${name}.yaml`, fs.existsSync(profile) ? fs.readFileSync(profile, 'utf8') : '');
  }
  return deployedTenants(files);
}

/** How to remove a tenant safely; shared by the synth error and the diff's blocking flag. */
export function decommissionHelp(name: string): string {
  return (
    `tenant "${name}" is deployed (dist/tenants/${name}/ exists) but no tenant file declares it any more; ` +
    `removing it would delete its Profile, and with it namespace "${name}" and every notebook, volume and model in it. ` +
    `To remove a tenant, in two steps: 1) keep tenants/${name}.ts and add \`decommissioned: true\`, run npm run synth, merge, ` +
    `and let Argo CD sync (access is revoked, the namespace and its data are kept); ` +
    `2) once the data is exported or no longer needed, delete tenants/${name}.ts and run npm run synth again ` +
    `(docs/gitops.md "Removing a tenant"). To keep the tenant, restore tenants/${name}.ts ` +
    `(a namespace cannot be renamed: renaming a tenant is removing it and adding another)`
  );
}

/**
 * The removal guard: every tenant in the existing `dist/` must still be declared, unless its
 * Profile there is marked decommissioned (step 1 of the removal was merged and synthesized).
 */
export function checkRemovedTenants(
  entries: readonly TenantEntry[],
  deployed: ReadonlyMap<string, DeployedTenant>,
  /** Errors of files that failed to load: their tenants are unknown, not removed, and not reported twice. */
  loadErrors: readonly FieldError[] = [],
  /** Tenants whose step 1 (decommissioned) is on this branch but not where `deployed` was read (lib/deployed.ts). */
  unmergedDecommissions: ReadonlySet<string> = new Set(),
): FieldError[] {
  const unloaded = new Set(loadErrors.map((e) => e.file));
  const declared = new Set<string>();
  for (const e of entries) {
    const name = (e.spec as { name?: unknown } | undefined)?.name;
    if (typeof name === 'string') declared.add(name);
  }
  const out: FieldError[] = [];
  for (const t of [...deployed.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (declared.has(t.name) || t.decommissioned || unloaded.has(`tenants/${t.name}.ts`)) continue;
    const unmerged = unmergedDecommissions.has(t.name)
      ? `; here step 1 is on this branch but not merged yet (dist/ at the merge base with main does not mark "${t.name}" decommissioned): merge it first, then delete the file`
      : '';
    out.push(new FieldError(`tenants/${t.name}.ts`, '(file)', 'Required value', undefined, decommissionHelp(t.name) + unmerged));
  }
  return out;
}

/** Group and kind of a namespaced object a tenant's AppProject may manage. */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/**
 * Namespaced kinds this tool emits into tenant namespaces. A tenant's AppProject allows all of
 * them, not only those the tenant has today: Argo CD can only prune kinds its project allows, so a
 * narrower list would strand a contributor binding when a tenant is decommissioned.
 */
export const TENANT_NAMESPACED_KINDS: readonly GroupKind[] = [
  { group: '', kind: 'LimitRange' },
  { group: '', kind: 'ResourceQuota' },
  { group: 'external-secrets.io', kind: 'ExternalSecret' },
  { group: 'external-secrets.io', kind: 'SecretStore' },
  { group: 'kubeflow.org', kind: 'PodDefault' },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  { group: 'rbac.authorization.k8s.io', kind: 'Role' },
  { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
  { group: 'security.istio.io', kind: 'AuthorizationPolicy' },
  { group: 'security.istio.io', kind: 'PeerAuthentication' },
];

/** Props of {@link clusterObjects}. */
export interface ClusterObjectsProps {
  /** Every tenant (valid declarations), in any order. */
  readonly tenants: readonly TenantSpec[];
  /** Every rendered tenant object; kinds not in {@link TENANT_NAMESPACED_KINDS} are added to the projects. */
  readonly tenantObjects: readonly GitOpsManifest[];
  readonly platform: PlatformSettings;
}

/** Chart of the cluster-level objects; see {@link clusterObjects}. */
export class PlatformGitOps extends Chart {
  constructor(scope: App, props: ClusterObjectsProps) {
    super(scope, 'cluster', { disableResourceNameHashes: true });
    const { platform } = props;
    const g = platform.gitops;
    const ns = g.argocdNamespace;
    const labels = { 'app.kubernetes.io/managed-by': MANAGED_BY, 'app.kubernetes.io/part-of': PLATFORM_APP };
    const kinds = namespacedKinds(props.tenantObjects);

    for (const spec of [...props.tenants].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      new AppProject(this, `project-${spec.name}`, {
        metadata: objectMeta(tenantProject(spec.name), ns, { ...labels, [TENANT_LABEL]: spec.name }, { [SYNC_WAVE_ANNOTATION]: '-1' }),
        spec: {
          description: `Tenant ${spec.name}: its Profile and namespace "${spec.name}" only (generated by kubeflow-tenants)`,
          sourceRepos: [g.repoURL],
          destinations: [{ server: g.destinationServer, namespace: spec.name }],
          // Only its own Profile: a tenant's Application can neither create nor delete another's.
          clusterResourceWhitelist: [{ group: 'kubeflow.org', kind: 'Profile', name: spec.name }],
          namespaceResourceWhitelist: kinds.map((k) => ({ group: k.group, kind: k.kind })),
        },
      });
    }

    new ApplicationSet(this, 'appset', {
      metadata: objectMeta(PLATFORM_APP, ns, labels),
      spec: {
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: [{ git: { repoUrl: g.repoURL, revision: g.revision, directories: [{ path: `${DIST_PATH}/tenants/*` }] } }],
        syncPolicy: {
          // Never delete an Application (a vanished folder or a Git hiccup must not cascade), and
          // never put the cascading-deletion finalizer on one.
          applicationsSync: ApplicationSetSpecSyncPolicyApplicationsSync.CREATE_HYPHEN_UPDATE,
          preserveResourcesOnDeletion: true,
        },
        template: {
          metadata: {
            name: tenantProject('{{.path.basename}}'),
            labels: { ...labels, [TENANT_LABEL]: '{{.path.basename}}' },
          },
          spec: {
            // The project is named after the folder; it only exists for folders synth wrote.
            project: tenantProject('{{.path.basename}}'),
            source: { repoUrl: g.repoURL, targetRevision: g.revision, path: '{{.path.path}}' },
            destination: { server: g.destinationServer, namespace: '{{.path.basename}}' },
            ignoreDifferences: [
              // The Profile controller writes default plugins back (PatchDefaultPluginSpec).
              { group: 'kubeflow.org', kind: 'Profile', jsonPointers: ['/spec/plugins'] },
            ],
            syncPolicy: {
              automated: { prune: true, selfHeal: true },
              syncOptions: ['FailOnSharedResource=true', 'PruneLast=true', 'RespectIgnoreDifferences=true', 'ServerSideApply=true'],
              retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
            },
          },
        },
      },
    });

    // The platform project and Application sync dist/cluster/ itself (bootstrap once with
    // `kubectl apply -f dist/cluster/`; from then on Argo CD keeps it up to date).
    new AppProject(this, 'platform-project', {
      metadata: objectMeta(PLATFORM_APP, ns, labels, { [SYNC_WAVE_ANNOTATION]: '-1' }),
      spec: {
        description: 'kubeflow-tenants platform objects: tenant ApplicationSet and AppProjects, Kyverno Profile policies',
        sourceRepos: [g.repoURL],
        destinations: [{ server: g.destinationServer, namespace: ns }],
        clusterResourceWhitelist: [{ group: 'kyverno.io', kind: 'ClusterPolicy' }],
        namespaceResourceWhitelist: [
          { group: 'argoproj.io', kind: 'AppProject' },
          { group: 'argoproj.io', kind: 'Application' },
          { group: 'argoproj.io', kind: 'ApplicationSet' },
        ],
      },
    });
    new Application(this, 'platform-app', {
      metadata: objectMeta(PLATFORM_APP, ns, labels),
      spec: {
        project: PLATFORM_APP,
        source: { repoUrl: g.repoURL, targetRevision: g.revision, path: `${DIST_PATH}/cluster` },
        destination: { server: g.destinationServer, namespace: ns },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: ['ServerSideApply=true'],
          retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
        },
      },
    });

    const policyAnnotations = { [SYNC_WAVE_ANNOTATION]: '-2', [SYNC_OPTIONS_ANNOTATION]: 'SkipDryRunOnMissingResource=true' };
    const profileKinds = ['kubeflow.org/v1/Profile', 'kubeflow.org/v1beta1/Profile'];
    new ClusterPolicy(this, 'profile-rules', {
      metadata: objectMeta(PROFILE_RULES_POLICY, undefined, labels, {
        ...policyAnnotations,
        'policies.kyverno.io/title': 'Kubeflow Profile rules',
        'policies.kyverno.io/category': 'Multi-Tenancy',
        'policies.kyverno.io/subject': 'Profile',
        'policies.kyverno.io/description':
          'The admission-time twin of the kubeflow-tenants synth checks: a Profile created outside GitOps must have a valid, unreserved name, the required labels, and a User owner.',
      }),
      spec: {
        background: true,
        rules: profileRules(platform).map((r) => ({
          name: r.name,
          match: {
            any: [
              {
                resources: {
                  kinds: profileKinds,
                  operations: [ClusterPolicySpecRulesMatchAnyResourcesOperations.CREATE, ClusterPolicySpecRulesMatchAnyResourcesOperations.UPDATE],
                },
              },
            ],
          },
          validate: {
            failureAction: ClusterPolicySpecRulesValidateFailureAction.ENFORCE,
            cel: { expressions: [{ expression: r.expression, message: r.message }] },
          },
        })),
      },
    });
    new ClusterPolicy(this, 'profile-deletion', {
      metadata: objectMeta(PROFILE_DELETION_POLICY, undefined, labels, {
        ...policyAnnotations,
        'policies.kyverno.io/title': 'Kubeflow Profile deletion guard',
        'policies.kyverno.io/category': 'Multi-Tenancy',
        'policies.kyverno.io/subject': 'Profile',
        'policies.kyverno.io/description': `Deleting a Profile deletes its namespace and all data in it; only Profiles marked ${DECOMMISSIONED_ANNOTATION}="true" (step 1 of the documented removal) may be deleted.`,
      }),
      spec: {
        // Deletion is an admission-time event; there is nothing to scan in the background.
        background: false,
        rules: [
          {
            name: 'profile-deletion-requires-decommission',
            match: {
              any: [{ resources: { kinds: profileKinds, operations: [ClusterPolicySpecRulesMatchAnyResourcesOperations.DELETE] } }],
            },
            validate: {
              failureAction: ClusterPolicySpecRulesValidateFailureAction.ENFORCE,
              cel: {
                expressions: [
                  {
                    expression: `has(oldObject.metadata.annotations) && '${DECOMMISSIONED_ANNOTATION}' in oldObject.metadata.annotations && oldObject.metadata.annotations['${DECOMMISSIONED_ANNOTATION}'] == 'true'`,
                    message: `deleting a Profile deletes its namespace and every notebook, volume and model in it; decommission the tenant first (decommissioned: true in its tenant file, which sets the ${DECOMMISSIONED_ANNOTATION} annotation), then delete it`,
                  },
                ],
              },
            },
          },
        ],
      },
    });
  }
}

/** One admission rule for Profiles: a CEL expression (true = allowed) and the denial message. */
export interface ProfileRule {
  readonly name: string;
  readonly expression: string;
  readonly message: string;
}

const celString = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * The synth-time Profile checks as CEL (the language of Kyverno's `validate.cel` and of
 * ValidatingAdmissionPolicy): name, reserved names, required labels, owner.
 */
export function profileRules(platform: PlatformSettings): ProfileRule[] {
  const exact = platform.reservedNames.filter((p) => !p.endsWith('*'));
  const prefixes = platform.reservedNames.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
  const reserved = [
    ...(exact.length > 0 ? [`!(object.metadata.name in [${exact.map(celString).join(', ')}])`] : []),
    ...prefixes.map((p) => `!object.metadata.name.startsWith(${celString(p)})`),
  ];
  const required = platform.requiredLabels;
  return [
    {
      name: 'profile-name-is-a-namespace-name',
      expression: `size(object.metadata.name) <= 63 && object.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')`,
      message: 'a Profile name is its namespace name: a lowercase RFC 1123 label of at most 63 characters',
    },
    {
      name: 'profile-name-not-reserved',
      expression: reserved.length > 0 ? reserved.join(' && ') : 'true',
      message: `this name is reserved for the platform (${platform.reservedNames.join(', ')}); choose another name`,
    },
    {
      name: 'profile-has-required-labels',
      expression:
        required.length > 0
          ? `has(object.metadata.labels) && [${required.map(celString).join(', ')}].all(l, l in object.metadata.labels && object.metadata.labels[l] != '')`
          : 'true',
      message: `every Profile must carry the labels ${required.join(', ')}`,
    },
    {
      name: 'profile-owner-is-a-user',
      expression:
        `has(object.spec) && has(object.spec.owner) && has(object.spec.owner.kind) && object.spec.owner.kind == 'User' && ` +
        `has(object.spec.owner.apiGroup) && object.spec.owner.apiGroup == 'rbac.authorization.k8s.io' && ` +
        `has(object.spec.owner.name) && object.spec.owner.name != ''`,
      message: "spec.owner must be { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: <user> } (the Profile controller compares it with the owner's RoleBinding subject)",
    },
  ];
}

/** The namespaced kinds a tenant project allows: the known list plus any other kind a tenant emits. */
function namespacedKinds(objects: readonly GitOpsManifest[]): GroupKind[] {
  const byKey = new Map<string, GroupKind>();
  for (const k of TENANT_NAMESPACED_KINDS) byKey.set(`${k.group}/${k.kind}`, k);
  for (const o of objects) {
    if (o.metadata.namespace === undefined) continue;
    const group = apiGroupOf(o.apiVersion);
    byKey.set(`${group}/${o.kind}`, { group, kind: o.kind });
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

/**
 * The cluster-level objects written to `dist/cluster/`: a tenant AppProject each, the tenant
 * ApplicationSet, the platform AppProject and Application, and the Kyverno Profile policies.
 */
export function clusterObjects(props: ClusterObjectsProps): GitOpsManifest[] {
  const chart = new PlatformGitOps(new App({ outdir: 'cdk8s.out' }), props);
  return chart.node
    .findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject)
    .map((o) => o.toJson() as GitOpsManifest);
}
