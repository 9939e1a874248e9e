/**
 * Cross-namespace grants: the module's exercise on the example tenants (fixture repository) (evaluated with the
 * offline RBAC evaluator and the vendored Kubeflow ClusterRoles), the shape of the emitted Role and
 * RoleBinding, and every refusal with the exact message a team lead sees.
 */
import { AUDITOR_CLUSTER_ROLE } from '../lib/declarations/contributors';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CatalogueEntry, GrantVerb, VerbClass } from '../lib/grants';
import { GRANTABLE_RESOURCES, grantRules, NON_CATALOGUE_RUNS_CODE, RUNS_CODE_REQUESTS, STANDARD_VERBS } from '../lib/grants';
import { GRANT_TO_LABEL, REVIEWED_EXCEPTION_ANNOTATION, REVIEWED_EXCEPTION_LABEL } from '../lib/model/names';
import { DEFAULT_PLATFORM, definePlatform } from '../lib/platform';
import { can, loadKubeflowClusterRoles, rbacModel, serviceAccountUser } from '../lib/rbac';
import type { Manifest, SynthResult } from '../lib/synth';
import { synthesize } from '../lib/synth';
import { validateTenants } from '../lib/tenant';
import { fixtureInputs } from './fixture-repo';
import { entry, ROOT, validSpec } from './support/fixtures';
import { validateManifest } from './support/schemas';

const clusterRoles = loadKubeflowClusterRoles();

describe("the module's exercise: risk-modeling grants payments-engineering read access to its InferenceServices", () => {
  let result: SynthResult;
  let objects: Manifest[];
  const sa = serviceAccountUser('payments-engineering', 'default-editor');
  const ask = (verb: string, group: string, resource: string, namespace: string, user = sa) => can(objects, clusterRoles, { user, verb, group, resource, namespace });

  beforeAll(async () => {
    const { platform, entries } = await fixtureInputs('examples');
    result = synthesize(entries, platform);
    objects = result.objects.map((o) => o.manifest);
  });

  it('payments-engineering/default-editor may get and list InferenceServices in risk-modeling', () => {
    expect(ask('get', 'serving.kserve.io', 'inferenceservices', 'risk-modeling')).toBe(true);
    expect(ask('list', 'serving.kserve.io', 'inferenceservices', 'risk-modeling')).toBe(true);
  });

  it('and nothing else there: no secrets, no writes, no other Kubeflow resource', () => {
    for (const verb of ['get', 'list', 'watch']) expect(ask(verb, '', 'secrets', 'risk-modeling'), verb).toBe(false);
    for (const verb of ['watch', 'create', 'update', 'patch', 'delete', 'deletecollection']) {
      expect(ask(verb, 'serving.kserve.io', 'inferenceservices', 'risk-modeling'), verb).toBe(false);
    }
    for (const e of Object.values(GRANTABLE_RESOURCES)) {
      if (e.resource === 'inferenceservices') continue;
      expect(ask('get', e.group, e.resource, 'risk-modeling'), e.resource).toBe(false);
    }
    expect(ask('create', 'rbac.authorization.k8s.io', 'rolebindings', 'risk-modeling')).toBe(false);
    expect(ask('create', '', 'pods/exec', 'risk-modeling')).toBe(false);
  });

  it('nor does it touch any other namespace', () => {
    const others = result.objects.filter((o) => o.manifest.kind === 'Profile').map((o) => o.manifest.metadata.name).filter((n) => n !== 'risk-modeling' && n !== 'payments-engineering');
    expect(others.length).toBeGreaterThan(1);
    for (const ns of [...others, 'kubeflow', 'kube-system', 'default']) {
      expect(ask('get', 'serving.kserve.io', 'inferenceservices', ns), ns).toBe(false);
      expect(ask('list', '', 'secrets', ns), ns).toBe(false);
    }
    // Its own namespace: the Profile controller's kubeflow-edit binding, unchanged by the grant.
    expect(ask('create', 'serving.kserve.io', 'inferenceservices', 'payments-engineering')).toBe(true);
  });

  it("other payments-engineering ServiceAccounts and people get nothing from the grant", () => {
    expect(ask('get', 'serving.kserve.io', 'inferenceservices', 'risk-modeling', serviceAccountUser('payments-engineering', 'default-viewer'))).toBe(false);
    expect(ask('get', 'serving.kserve.io', 'inferenceservices', 'risk-modeling', 'payments-lead@example.com')).toBe(false);
    expect(ask('get', 'serving.kserve.io', 'inferenceservices', 'risk-modeling', 'payments.dev@example.com')).toBe(false);
  });

  it('emits exactly one Role and one RoleBinding, named grant-to-payments-engineering, and no cluster-scoped RBAC', () => {
    const grantObjs = result.objects.filter((o) => o.manifest.metadata.labels?.[GRANT_TO_LABEL] !== undefined);
    expect(grantObjs.map((o) => o.file)).toEqual([
      'tenants/risk-modeling/Role.grant-to-payments-engineering.yaml',
      'tenants/risk-modeling/RoleBinding.grant-to-payments-engineering.yaml',
    ]);
    const roleObj = grantObjs[0]!.manifest;
    expect(roleObj.rules).toEqual([{ apiGroups: ['serving.kserve.io'], resources: ['inferenceservices'], verbs: ['get', 'list'] }]);
    const binding = grantObjs[1]!.manifest;
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'grant-to-payments-engineering' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'default-editor', namespace: 'payments-engineering' }]);
    // The one ClusterRole is the role catalogue's (lib/declarations/contributors.ts), bound by no ClusterRoleBinding.
    expect(objects.filter((m) => m.kind === 'ClusterRoleBinding' || (m.kind === 'ClusterRole' && m.metadata.name !== AUDITOR_CLUSTER_ROLE))).toEqual([]);
  });

  it('every Role and RoleBinding is schema-valid', () => {
    for (const m of objects.filter((x) => x.kind === 'Role' || x.kind === 'RoleBinding')) expect(validateManifest(m), m.metadata.name).toEqual([]);
  });
});

describe('grant rendering', () => {
  const payments = validSpec({ name: 'payments', owner: { email: 'p@example.com' }, contributors: [], credentials: { s3: true } });
  const render = (grants: unknown, extra: unknown[] = []) => {
    const r = synthesize([entry(validSpec({ grants })), entry(payments), ...extra.map((e) => entry(e))], DEFAULT_PLATFORM);
    return r.objects.filter((o) => o.file.startsWith('tenants/fraud/') && o.manifest.metadata.name.startsWith('grant-to-')).map((o) => o.manifest);
  };

  it('merges several grants to one grantee into one Role with sorted rules, whatever the order', () => {
    const a = [
      { to: 'payments', resources: ['pipeline-runs', 'inferenceservices'], verbs: ['list', 'get'] },
      { to: 'payments', resources: ['pipeline-runs'], verbs: ['readArtifact'] },
      { to: 'payments', resources: ['persistentvolumeclaims'], verbs: ['get'] },
    ];
    const objs = render(a);
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Role/grant-to-payments', 'RoleBinding/grant-to-payments']);
    expect(objs[0]!.rules).toEqual([
      { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get'] },
      { apiGroups: ['pipelines.kubeflow.org'], resources: ['runs'], verbs: ['get', 'list', 'readArtifact'] },
      { apiGroups: ['serving.kserve.io'], resources: ['inferenceservices'], verbs: ['get', 'list'] },
    ]);
    expect(render([...a].reverse())).toEqual(objs);
    for (const m of objs) expect(validateManifest(m)).toEqual([]);
  });

  it('binds the declared ServiceAccounts of the grantee namespace, sorted, without the annotations KFAM lists', () => {
    const [, binding] = render([{ to: 'payments', resources: ['notebooks'], verbs: ['get'], serviceAccounts: ['pipeline-runner', 'default-editor'] }]);
    // KFAM skips RoleBindings without `user`/`role` annotations; with them, two subjects break its List.
    expect(binding!.metadata.annotations?.user).toBeUndefined();
    expect(binding!.metadata.annotations?.role).toBeUndefined();
    expect(binding!.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'default-editor', namespace: 'payments' },
      { kind: 'ServiceAccount', name: 'pipeline-runner', namespace: 'payments' },
    ]);
  });

  it("role: 'view' (reviewed) binds kubeflow-view with a RoleBinding and emits no Role; RBAC gives no Secret, the KFP Viewers it creates do", () => {
    const objs = render([{ to: 'payments', role: 'view', reviewedException: 'SEC-12: partner dashboards, approved by platform security' }]);
    expect(objs.map((o) => o.kind)).toEqual(['RoleBinding']);
    expect(objs[0]!.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubeflow-view' });
    const all = [...objs, ...synthesize([entry(payments)], DEFAULT_PLATFORM).objects.map((o) => o.manifest)];
    const user = serviceAccountUser('payments', 'default-editor');
    expect(can(all, clusterRoles, { user, verb: 'list', group: 'kubeflow.org', resource: 'notebooks', namespace: 'fraud' })).toBe(true);
    expect(can(all, clusterRoles, { user, verb: 'get', group: '', resource: 'secrets', namespace: 'fraud' })).toBe(false);
    expect(can(all, clusterRoles, { user, verb: 'create', group: 'kubeflow.org', resource: 'notebooks', namespace: 'fraud' })).toBe(false);
    // Why it is refused without an exception: kubeflow-view creates Viewers, whose pod runs as fraud's default-editor.
    expect(can(all, clusterRoles, { user, verb: 'create', group: 'kubeflow.org', resource: 'viewers', namespace: 'fraud' })).toBe(true);
    const org = synthesize([entry(validSpec({ grants: [{ to: 'payments', role: 'view', reviewedException: 'SEC-12: partner dashboards, approved by platform security' }] })), entry(payments)], DEFAULT_PLATFORM).objects.map((o) => o.manifest);
    expect(rbacModel(org, clusterRoles).canThroughWorkloads({ user, verb: 'get', group: '', resource: 'secrets', namespace: 'fraud' })).toBeDefined();
    expect(rbacModel(org, clusterRoles).canThroughWorkloads({ user, verb: 'create', group: 'serving.kserve.io', resource: 'inferenceservices', namespace: 'fraud' })?.path).toEqual([
      { namespace: 'fraud', as: serviceAccountUser('fraud', 'default-editor'), by: { group: 'kubeflow.org', resource: 'viewers', verb: 'create', what: 'KFP Viewer' } },
    ]);
  });

  it('labels and annotates a reviewed exception', () => {
    const reason = 'SEC-42: shared feature-store credentials, approved by platform security';
    const objs = render([{ to: 'payments', resources: ['secrets'], verbs: ['get'], reviewedException: reason }]);
    for (const o of objs) {
      expect(o.metadata.labels?.[REVIEWED_EXCEPTION_LABEL]).toBe('true');
      expect(o.metadata.annotations?.[REVIEWED_EXCEPTION_ANNOTATION]).toBe(reason);
    }
    expect(objs[0]!.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]);
  });

  it('an artifact-only grant emits no RBAC', () => {
    expect(render([{ to: 'payments', artifactPrefixes: ['models/v1'] }])).toEqual([]);
  });

  it('grantRules keeps different verb sets of one API group apart', () => {
    expect(
      grantRules([
        { to: 'x', resources: ['notebooks'], verbs: ['get'] },
        { to: 'x', resources: ['katib-experiments'], verbs: ['get', 'list'] },
        { to: 'x', resources: ['pvcviewers'], verbs: ['get'] },
      ]),
    ).toEqual([
      { apiGroups: ['kubeflow.org'], resources: ['notebooks', 'pvcviewers'], verbs: ['get'] },
      { apiGroups: ['kubeflow.org'], resources: ['experiments'], verbs: ['get', 'list'] },
    ]);
  });
});

describe('the resource catalogue matches the Kubeflow ClusterRoles', () => {
  it('every catalogue entry is a resource the kubeflow-admin role covers (so grants name real API groups and resources)', () => {
    const objs = [
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'e', namespace: 'n' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubeflow-admin' }, subjects: [{ kind: 'User', name: 'u' }] },
    ];
    for (const [name, e] of Object.entries(GRANTABLE_RESOURCES)) {
      expect(can(objs, clusterRoles, { user: 'u', verb: 'get', group: e.group, resource: e.resource, namespace: 'n' }), name).toBe(true);
    }
  });
});

describe('refusals', () => {
  const payments = validSpec({ name: 'payments', owner: { email: 'p@example.com' }, credentials: { s3: true } });
  const nos3 = validSpec({ name: 'nos3', owner: { email: 'n@example.com' } });
  const errorsOf = (grants: unknown): string[] => validateTenants([entry(validSpec({ grants })), entry(payments), entry(nos3)], DEFAULT_PLATFORM).map(String);
  const P = 'tenants/fraud.ts: grants[0]';
  const cases: [string, unknown, string[]][] = [
    [
      'a grantee that is not a tenant',
      [{ to: 'paymnts', resources: ['inferenceservices'], verbs: ['get'] }],
      [`${P}.to: Invalid value: "paymnts": no tenant is named "paymnts"; a grant names another tenant by the name in its tenants/<name>.ts (did you mean "payments"?)`],
    ],
    [
      'a grant to oneself',
      [{ to: 'fraud', resources: ['inferenceservices'], verbs: ['get'] }],
      [`${P}.to: Invalid value: "fraud": a tenant cannot grant to itself: its own workloads already have access; remove this grant`],
    ],
    [
      'an unknown resource',
      [{ to: 'payments', resources: ['inferenceservice'], verbs: ['get'] }],
      [`${P}.resources[0]: Unsupported value: "inferenceservice": did you mean "inferenceservices"? grantable resources: ${Object.keys(GRANTABLE_RESOURCES).join(', ')}`],
    ],
    [
      'a resource spelled with its API group',
      [{ to: 'payments', resources: ['inferenceservices.serving.kserve.io'], verbs: ['get'] }],
      [`${P}.resources[0]: Unsupported value: "inferenceservices.serving.kserve.io": did you mean "inferenceservices"? grantable resources: ${Object.keys(GRANTABLE_RESOURCES).join(', ')}`],
    ],
    [
      'a wildcard resource',
      [{ to: 'payments', resources: ['*'], verbs: ['get'] }],
      [`${P}.resources[0]: Forbidden: "*": wildcards grant every resource, including ones installed later; list the resources needed, e.g. ["inferenceservices"]`],
    ],
    [
      'a wildcard verb',
      [{ to: 'payments', resources: ['notebooks'], verbs: ['*'] }],
      [`${P}.verbs[0]: Forbidden: "*": wildcards grant every verb, including delete and any added later; list the verbs needed, e.g. ["get", "list"]`],
    ],
    [
      'secrets without a reviewed exception',
      [{ to: 'payments', resources: ['secrets'], verbs: ['get'] }],
      [
        `${P}.resources[0]: Forbidden: "secrets": secrets hold credentials (S3 keys, registry and git tokens); another tenant should get its own through credentials, not read these. If a platform reviewer approved this, add reviewedException: "<ticket>: <reason>" to the grant`,
      ],
    ],
    [
      'escalate, bind and impersonate',
      [{ to: 'payments', resources: ['notebooks'], verbs: ['get', 'escalate', 'bind', 'impersonate'] }],
      ['escalate', 'bind', 'impersonate'].map(
        (v, i) => `${P}.verbs[${i + 1}]: Forbidden: "${v}": "${v}" lets the grantee gain permissions it was not given (privilege escalation); it is never granted across tenants`,
      ),
    ],
    ...(['rolebindings', 'roles'] as const).map((r): [string, unknown, string[]] => [
      `create on ${r}`,
      [{ to: 'payments', resources: [r], verbs: ['create'] }],
      [`${P}.resources[0]: Forbidden: "${r}": access to RBAC objects lets the grantee give itself any permission (privilege escalation); grant the Kubeflow resources it needs instead`],
    ]),
    [
      "role: 'edit' without a reviewed exception",
      [{ to: 'payments', role: 'edit' }],
      [
        `${P}.role: Forbidden: "edit": kubeflow-edit on the whole namespace includes reading secrets and exec into pods; grant the resources and verbs needed instead, or, if a platform reviewer approved it, add reviewedException: "<ticket>: <reason>"`,
      ],
    ],
    [
      "role: 'view' without a reviewed exception (kubeflow-view creates KFP Viewers, which run code)",
      [{ to: 'payments', role: 'view' }],
      [
        `${P}.role: Forbidden: "view": kubeflow-view on the whole namespace includes creating Kubeflow Pipelines Viewers, whose pod template runs as any ServiceAccount here (default-editor included) with any Secret here mounted: a grant of everything, like role: 'edit'; grant get and list on the resources needed instead, or, if a platform reviewer approved it, add reviewedException: "<ticket>: <reason>"`,
      ],
    ],
    ['an unknown role', [{ to: 'payments', role: 'admin' }], [`${P}.role: Unsupported value: "admin": supported values: "view" (kubeflow-view), "edit" (kubeflow-edit)`]],
    [
      'a role together with resources',
      [{ to: 'payments', role: 'view', resources: ['notebooks'], verbs: ['get'], reviewedException: 'SEC-12: partner dashboards, approved' }],
      [`${P}.role: Invalid value: "view": a grant gives either a namespace-wide role or resources with verbs, not both; split it into two grants or drop one`],
    ],
    ['a verb the resource does not have', [{ to: 'payments', resources: ['pods/log'], verbs: ['delete'] }], [`${P}.verbs[0]: Unsupported value: "delete": not a verb of pods/log; supported: get, list, watch`]],
    [
      'an unknown verb',
      [{ to: 'payments', resources: [], verbs: ['fly'] }],
      [
        `${P}.resources: Invalid value: []: must be a non-empty list of resource names; known: ${Object.keys(GRANTABLE_RESOURCES).join(', ')}`,
        `${P}.verbs[0]: Unsupported value: "fly": supported verbs: get, list, watch, create, update, patch, delete, deletecollection, archive, unarchive, retry, terminate, readArtifact, reportMetrics, enable, disable`,
      ],
    ],
    ['resources without verbs', [{ to: 'payments', resources: ['notebooks'] }], [`${P}.verbs: Required value: the verbs allowed on the resources, e.g. ["get", "list"]`]],
    ['a grant of nothing', [{ to: 'payments' }], [`${P}: Required value: a grant needs resources and verbs, a role, or artifactPrefixes; it grants nothing as written`]],
    [
      'artifact prefixes for a grantee without an S3 key',
      [{ to: 'nos3', artifactPrefixes: ['models/x'] }],
      [
        `${P}.artifactPrefixes: Invalid value: ["models/x"]: tenant "nos3" declares no credentials.s3, so it has no S3 key to read these prefixes with; ask its owner to add credentials: { s3: true }, or drop artifactPrefixes`,
      ],
    ],
    [
      'artifact prefixes that escape or glob',
      [{ to: 'payments', artifactPrefixes: ['../x', '', 'a/*'] }],
      [
        `${P}.artifactPrefixes[0]: Invalid value: "../x": a prefix is path segments of letters, digits, ".", "_" or "-" separated by "/", without "*", ".." or spaces, e.g. "models/fraud-v3"`,
        `${P}.artifactPrefixes[1]: Invalid value: "": must name a prefix inside this tenant's bucket area, e.g. "models/fraud-v3"; sharing the whole area is not a prefix grant`,
        `${P}.artifactPrefixes[2]: Invalid value: "a/*": a prefix is path segments of letters, digits, ".", "_" or "-" separated by "/", without "*", ".." or spaces, e.g. "models/fraud-v3"`,
      ],
    ],
    [
      'two grants to one grantee with different ServiceAccounts',
      [
        { to: 'payments', resources: ['notebooks'], verbs: ['get'] },
        { to: 'payments', resources: ['pods'], verbs: ['get'], serviceAccounts: ['runner'] },
      ],
      [
        'tenants/fraud.ts: grants[1].serviceAccounts: Invalid value: ["runner"]: grants[0] also grants to "payments" with serviceAccounts [default-editor]; grants to one tenant share one RoleBinding (grant-to-payments), so list the same ServiceAccounts or merge the grants',
      ],
    ],
    [
      'a namespace-wide role with another grant to the same grantee',
      [
        { to: 'payments', role: 'view', reviewedException: 'SEC-12: partner dashboards, approved' },
        { to: 'payments', resources: ['pods'], verbs: ['get'] },
      ],
      [
        'tenants/fraud.ts: grants[1]: Invalid value: "payments": grants[0] also grants to "payments"; a namespace-wide role cannot be combined with other grants to the same tenant (they share the RoleBinding grant-to-payments); merge them into one grant',
      ],
    ],
    [
      'an unknown field',
      [{ to: 'payments', resources: ['notebooks'], verbs: ['get'], namespace: 'x' }],
      [`${P}.namespace: Unsupported value: "namespace": unknown field; supported fields: to, resources, verbs, role, serviceAccounts, artifactPrefixes, reviewedException`],
    ],
    [
      'a reviewed exception without a reason',
      [{ to: 'payments', resources: ['secrets'], verbs: ['get'], reviewedException: 'ok' }],
      [
        `${P}.reviewedException: Invalid value: "ok": must say who reviewed the exception and why, e.g. "SEC-123: approved by platform security for the shared feature store" (at least 10 characters)`,
        `${P}.resources[0]: Forbidden: "secrets": secrets hold credentials (S3 keys, registry and git tokens); another tenant should get its own through credentials, not read these. If a platform reviewer approved this, add reviewedException: "<ticket>: <reason>" to the grant`,
      ],
    ],
    [
      'grants that are not a list',
      'payments',
      ['tenants/fraud.ts: grants: Invalid value: "payments": must be a list such as [{ to: "payments-engineering", resources: ["inferenceservices"], verbs: ["get", "list"] }]'],
    ],
  ];
  it.each(cases)('%s', (_name, grants, expected) => {
    expect(errorsOf(grants)).toEqual(expected);
  });

  it('a grant to a decommissioned tenant', () => {
    const gone = validSpec({ name: 'gone', owner: { email: 'g@example.com' }, decommissioned: true });
    const errs = validateTenants([entry(validSpec({ grants: [{ to: 'gone', resources: ['notebooks'], verbs: ['get'] }] })), entry(gone)], DEFAULT_PLATFORM).map(String);
    expect(errs).toEqual([`${P}.to: Invalid value: "gone": tenant "gone" is decommissioned: all its access is revoked, including access granted by other tenants; remove this grant`]);
  });

  it('accepts secrets, role edit and role view with a reviewed exception', () => {
    expect(errorsOf([{ to: 'payments', resources: ['secrets'], verbs: ['get'], reviewedException: 'SEC-1: approved by security' }])).toEqual([]);
    expect(errorsOf([{ to: 'payments', role: 'edit', reviewedException: 'SEC-2: pairing sprint, approved by platform' }])).toEqual([]);
    expect(errorsOf([{ to: 'payments', role: 'view', reviewedException: 'SEC-3: partner dashboards, approved by platform' }])).toEqual([]);
  });

  it('synth refuses invalid grants and writes nothing', () => {
    expect(() => synthesize([entry(validSpec({ grants: [{ to: 'payments', resources: ['*'], verbs: ['get'] }] })), entry(payments)], DEFAULT_PLATFORM)).toThrow(
      /grants\[0\]\.resources\[0\]: Forbidden: "\*"/,
    );
  });
});

describe('grants that run code', () => {
  const payments = validSpec({ name: 'payments', owner: { email: 'p@example.com' }, credentials: { s3: true } });
  const errorsOf = (grants: unknown, platform = DEFAULT_PLATFORM, today = '2026-11-27'): string[] =>
    validateTenants([entry(validSpec({ grants })), entry(payments)], platform, undefined, today).map(String);
  const P = 'tenants/fraud.ts: grants[0]';
  const EVERYTHING =
    "Whoever can do that runs as any ServiceAccount here (default-editor included) with any Secret here mounted: a grant of everything, like secrets or role: 'edit'.";
  const FIX = 'or, if a platform reviewer approved it, add reviewedException: "<ticket>: <reason>"';
  const SPAWNS = 'whoever creates or changes one chooses the image, command and ServiceAccount of the pods it starts';

  it.each([
    [
      'create on pods',
      [{ to: 'payments', resources: ['pods'], verbs: ['get', 'create'] }],
      [
        `${P}.verbs: Forbidden: ["create"]: create on pods runs code in this namespace: a pod runs the image and command it names, as the ServiceAccount it names, and its images can be changed in place. ${EVERYTHING} Grant only verbs that run no code (get, list, watch, delete, deletecollection), ${FIX}`,
      ],
    ],
    [
      'patch on pods (images are mutable)',
      [{ to: 'payments', resources: ['pods'], verbs: ['patch'] }],
      [
        `${P}.verbs: Forbidden: ["patch"]: patch on pods runs code in this namespace: a pod runs the image and command it names, as the ServiceAccount it names, and its images can be changed in place. ${EVERYTHING} Grant only verbs that run no code (get, list, watch, delete, deletecollection), ${FIX}`,
      ],
    ],
    [
      'create and update on notebooks and PodDefaults: one error per resource, each with its reason',
      [{ to: 'payments', resources: ['notebooks', 'inferenceservices', 'poddefaults'], verbs: ['list', 'create', 'update'] }],
      [
        `${P}.verbs: Forbidden: ["create","update"]: create, update on notebooks run code in this namespace: ${SPAWNS}. ${EVERYTHING} Grant only verbs that run no code (get, list, watch, delete, deletecollection), ${FIX}`,
        `${P}.verbs: Forbidden: ["create","update"]: create, update on inferenceservices run code in this namespace: ${SPAWNS} (predictor, transformer, explainer). ${EVERYTHING} Grant only verbs that run no code (get, list, watch, delete, deletecollection), ${FIX}`,
        `${P}.verbs: Forbidden: ["create","update"]: create, update on poddefaults run code in this namespace: a PodDefault injects commands, sidecars, volumes and the ServiceAccount into later pods of the namespace, the owner's notebooks included. ${EVERYTHING} Grant only verbs that run no code (get, list, watch, delete, deletecollection), ${FIX}`,
      ],
    ],
    [
      'a ServingRuntime: the images of existing InferenceServices',
      [{ to: 'payments', resources: ['servingruntimes'], verbs: ['patch'] }],
      [
        `${P}.verbs: Forbidden: ["patch"]: patch on servingruntimes runs code in this namespace: a ServingRuntime is the image and command of the model servers of InferenceServices that use it, existing ones included. ${EVERYTHING} Grant only verbs that run no code (get, list, watch, delete, deletecollection), ${FIX}`,
      ],
    ],
    [
      'a pipeline run (retry is not: it reruns code someone else chose)',
      [{ to: 'payments', resources: ['pipeline-runs'], verbs: ['retry', 'create'] }],
      [
        `${P}.verbs: Forbidden: ["create"]: create on pipeline-runs runs code in this namespace: a run executes the pipeline spec its creator submits, as the namespace's default-editor. ${EVERYTHING} Grant only verbs that run no code (get, list, watch, delete, deletecollection, archive, unarchive, retry, terminate, readArtifact, reportMetrics), ${FIX}`,
      ],
    ],
    [
      'exec into pods: no verb of it runs no code',
      [{ to: 'payments', resources: ['pods/exec'], verbs: ['create'] }],
      [
        `${P}.verbs: Forbidden: ["create"]: create on pods/exec runs code in this namespace: it runs any command in a running container, as that pod's ServiceAccount. ${EVERYTHING} No verb of pods/exec is free of that: remove it, ${FIX}`,
      ],
    ],
  ])('%s', (_name, grants, expected) => {
    expect(errorsOf(grants)).toEqual(expected);
  });

  it('reading, deleting and the catalogue\'s data verbs stay free of exceptions', () => {
    expect(errorsOf([{ to: 'payments', resources: ['pods', 'notebooks', 'poddefaults'], verbs: ['get', 'list', 'watch', 'delete'] }])).toEqual([]);
    expect(errorsOf([{ to: 'payments', resources: ['pipeline-runs'], verbs: ['get', 'retry', 'terminate', 'readArtifact'] }])).toEqual([]);
    expect(errorsOf([{ to: 'payments', resources: ['configmaps', 'katib-suggestions'], verbs: ['create', 'patch'] }])).toEqual([]);
  });

  it('a reviewed exception lifts the refusal, as a string or with an expiry that has not passed', () => {
    expect(errorsOf([{ to: 'payments', resources: ['pods'], verbs: ['create'], reviewedException: 'SEC-7: batch backfill, approved by platform' }])).toEqual([]);
    // The last valid day is the expiry day itself.
    const until = (expires: string) => [{ to: 'payments', resources: ['pods/exec'], verbs: ['create'], reviewedException: { reason: 'SEC-8: pairing sprint', expires } }];
    expect(errorsOf(until('2026-11-27'))).toEqual([]);
    expect(errorsOf(until('2027-01-31'))).toEqual([]);
  });

  // [case, the exception, its errors, whether it still lifts the refusal]
  const exceptionCases: [string, unknown, string[], boolean][] = [
    [
      'an expired exception, and the refusal it was meant to lift',
      { reason: 'SEC-8: pairing sprint', expires: '2026-11-26' },
      [
        `${P}.reviewedException.expires: Invalid value: "2026-11-26": the reviewed exception expired on 2026-11-26 (today is 2026-11-27); have it reviewed again and set a new date, or remove the access it allowed`,
      ],
      false,
    ],
    [
      'a date that is not YYYY-MM-DD',
      { reason: 'SEC-8: pairing sprint', expires: '31.01.2027' },
      [`${P}.reviewedException.expires: Invalid value: "31.01.2027": must be the last day the exception holds, as a date YYYY-MM-DD, e.g. "2027-03-31"`],
      false,
    ],
    [
      'a date that does not exist',
      { reason: 'SEC-8: pairing sprint', expires: '2027-02-30' },
      [`${P}.reviewedException.expires: Invalid value: "2027-02-30": must be the last day the exception holds, as a date YYYY-MM-DD, e.g. "2027-03-31"`],
      false,
    ],
    [
      'an exception without a reason',
      { expires: '2027-01-31' },
      [`${P}.reviewedException.reason: Required value: who reviewed the exception and why, e.g. "SEC-123: approved by platform security for the shared feature store"`],
      false,
    ],
    [
      'a misspelled field of the exception (the rest of it still holds)',
      { reason: 'SEC-8: pairing sprint', expiry: '2027-01-31' },
      [`${P}.reviewedException.expiry: Unsupported value: "expiry": unknown field; supported fields: reason, expires`],
      true,
    ],
  ];
  it.each(exceptionCases)('%s', (_name, reviewedException, expected, lifts) => {
    const refusal = `${P}.verbs: Forbidden: ["create"]: create on pods runs code in this namespace: a pod runs the image and command it names, as the ServiceAccount it names, and its images can be changed in place. ${EVERYTHING} Grant only verbs that run no code (get, list, watch, delete, deletecollection), ${FIX}`;
    expect(errorsOf([{ to: 'payments', resources: ['pods'], verbs: ['create'], reviewedException }])).toEqual(lifts ? expected : [...expected, refusal]);
  });

  it('synth compares the expiry with its injectable clock, and the date never reaches dist/ except as declared', () => {
    const spec = validSpec({ grants: [{ to: 'payments', resources: ['pods'], verbs: ['create'], reviewedException: { reason: 'SEC-8: pairing sprint', expires: '2027-01-31' } }] });
    const run = (today: string) => synthesize([entry(spec), entry(payments)], DEFAULT_PLATFORM, { today });
    const a = run('2026-11-27');
    expect(run('2027-01-31').files).toEqual(a.files);
    const role = a.objects.find((o) => o.file === 'tenants/fraud/Role.grant-to-payments.yaml')!.manifest;
    expect(role.metadata.annotations?.[REVIEWED_EXCEPTION_ANNOTATION]).toBe('SEC-8: pairing sprint (expires 2027-01-31)');
    expect([...a.files.values()].filter((t) => t.includes('2026-11-27'))).toEqual([]);
    expect(() => run('2027-02-01')).toThrow(/grants\[0\]\.reviewedException\.expires: Invalid value: "2027-01-31": the reviewed exception expired on 2027-01-31 \(today is 2027-02-01\)/);
  });

  describe('the platform pattern for reasons (grants.exceptionReasonPattern)', () => {
    const ticket = definePlatform({ grants: { exceptionReasonPattern: '^[A-Z]+-[0-9]+' } });
    const DETAIL = 'must match ^[A-Z]+-[0-9]+ (platform.ts grants.exceptionReasonPattern), so that every exception names its review, e.g. a ticket id first; write the reason that way';
    const refusal = `${P}.resources[0]: Forbidden: "secrets": secrets hold credentials (S3 keys, registry and git tokens); another tenant should get its own through credentials, not read these. If a platform reviewer approved this, add reviewedException: "<ticket>: <reason>" to the grant`;

    it('refuses a reason that does not match, in either form, with the refusal it was meant to lift', () => {
      expect(errorsOf([{ to: 'payments', resources: ['secrets'], verbs: ['get'], reviewedException: 'approved in chat by Bob' }], ticket)).toEqual([
        `${P}.reviewedException: Invalid value: "approved in chat by Bob": ${DETAIL}`,
        refusal,
      ]);
      expect(errorsOf([{ to: 'payments', resources: ['secrets'], verbs: ['get'], reviewedException: { reason: 'see ticket SEC-1 (Bob)', expires: '2027-01-01' } }], ticket)).toEqual([
        `${P}.reviewedException.reason: Invalid value: "see ticket SEC-1 (Bob)": ${DETAIL}`,
        refusal,
      ]);
    });

    it('accepts a matching reason; without the setting any reason of 10 characters will do', () => {
      expect(errorsOf([{ to: 'payments', resources: ['secrets'], verbs: ['get'], reviewedException: 'SEC-1: feature store' }], ticket)).toEqual([]);
      expect(errorsOf([{ to: 'payments', role: 'edit', reviewedException: 'approved in chat by Bob' }])).toEqual([]);
      expect(DEFAULT_PLATFORM.grants.exceptionReasonPattern).toBeUndefined();
    });

    it('refuses a pattern that is not a regular expression, against platform.ts', () => {
      const engine = (() => {
        try {
          new RegExp('SEC-[', 'u');
        } catch (e) {
          return (e as Error).message;
        }
        return '';
      })();
      expect(engine).not.toBe('');
      expect(() => definePlatform({ grants: { exceptionReasonPattern: 'SEC-[' } })).toThrow(
        `platform.ts: grants.exceptionReasonPattern: Invalid value: "SEC-[": not a regular expression (${engine}); write e.g. "^[A-Z]+-[0-9]+" to require a ticket id first, or leave it unset`,
      );
    });
  });
});

describe('the catalogue classifies every resource and verb', () => {
  const EVERY_VERB = [...STANDARD_VERBS, 'archive', 'unarchive', 'retry', 'terminate', 'readArtifact', 'reportMetrics', 'enable', 'disable'] as const satisfies readonly GrantVerb[];
  const payments = validSpec({ name: 'payments', owner: { email: 'p@example.com' } });
  const accepted = (resource: string, verb: string): string[] =>
    validateTenants([entry(validSpec({ grants: [{ to: 'payments', resources: [resource], verbs: [verb], reviewedException: 'SEC-1: classification test' }] })), entry(payments)], DEFAULT_PLATFORM).map(String);

  it('every (resource, verb) pair is classified, or refused as a verb the resource does not have', () => {
    const unclassified: string[] = [];
    for (const [name, e] of Object.entries(GRANTABLE_RESOURCES) as [string, CatalogueEntry][]) {
      for (const verb of EVERY_VERB) {
        const c = (e.verbs as Partial<Record<string, VerbClass>>)[verb];
        if (c === 'runs-code' || c === 'data') continue;
        if (c !== undefined || !accepted(name, verb).some((m) => m.includes(`Unsupported value: "${verb}": not a verb of`))) unclassified.push(`${name} ${verb}: ${String(c)}`);
      }
    }
    expect(unclassified).toEqual([]);
  });

  it('an entry with verbs that run code says why; one without says nothing; RUNS_CODE_REQUESTS lists exactly those verbs', () => {
    for (const [name, e] of Object.entries(GRANTABLE_RESOURCES) as [string, CatalogueEntry][]) {
      const running = Object.entries(e.verbs).filter(([, c]) => c === 'runs-code').map(([v]) => v);
      expect(e.runsCode !== undefined, name).toBe(running.length > 0);
      for (const verb of running) expect(RUNS_CODE_REQUESTS, `${name} ${verb}`).toContainEqual({ group: e.group, resource: e.resource, verb });
    }
    const catalogued = RUNS_CODE_REQUESTS.filter((r) => Object.values(GRANTABLE_RESOURCES).some((e) => e.group === r.group && e.resource === r.resource));
    expect(catalogued.length).toBe(RUNS_CODE_REQUESTS.length - NON_CATALOGUE_RUNS_CODE.length);
  });

  it('the classification table of docs/grants-and-credentials.md is the catalogue', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs/grants-and-credentials.md'), 'utf8');
    const table = doc.slice(doc.indexOf('| name | API group/resource | verbs that run code | why |'));
    const rows = table
      .split('\n')
      .slice(2)
      .filter((l, i, all) => l.startsWith('|') && all.slice(0, i).every((x) => x.startsWith('|')))
      .map((l) => l.split('|').slice(1, 4).map((c) => c.trim()));
    const want = (Object.entries(GRANTABLE_RESOURCES) as [string, CatalogueEntry][]).map(([name, e]) => {
      const running = Object.entries(e.verbs).filter(([, c]) => c === 'runs-code').map(([v]) => v);
      return [`\`${name}\``, e.group ? `${e.group}/${e.resource}` : e.resource, running.length > 0 ? running.join(', ') : '-'];
    });
    expect(rows).toEqual(want);
  });

  it('the workloads the Kubeflow edit role creates outside the catalogue are known to the evaluator', () => {
    for (const [group, resource] of [['apps', 'deployments'], ['batch', 'jobs'], ['serving.knative.dev', 'services'], ['ray.io', 'rayjobs'], ['', 'serviceaccounts/token'], ['', 'pods/proxy']]) {
      expect(RUNS_CODE_REQUESTS.some((r) => r.group === group && r.resource === resource), `${group}/${resource}`).toBe(true);
    }
  });
});
