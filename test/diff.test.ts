/**
 * `diff`: object/field comparison of dist/ trees, grouping by tenant, every risk flag triggered by
 * the change that should trigger it and by nothing else, stable text and Markdown, and the CLI on
 * fixture repositories with a Git history made here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiffReport, RiskKind } from '../lib/diff';
import { describeIncrease, diffTrees, diffValues, hasBlocking, isGpuQuotaKey, renderMarkdown, renderText } from '../lib/diff';
import type { PlatformSettings } from '../lib/platform';
import { DEFAULT_PLATFORM, definePlatform } from '../lib/platform';
import { synthesize } from '../lib/synth';
import type { TenantSpec } from '../lib/tenant';
import { git, makeRepo, removeRepo, runScript, synthAndCommit, tenantSource, writeTenants } from './fixture-repo';
import { generateTenants } from './bench';
import { entry, validSpec } from './support/fixtures';

const alpha = validSpec({ name: 'alpha', labels: { team: 'a', 'cost-centre': 'cc-1', 'compliance-tier': 'pci' } });
const beta = validSpec({ name: 'beta', owner: { email: 'beta-lead@example.com' }, labels: { team: 'b', 'cost-centre': 'cc-2', 'compliance-tier': 'internal' } });

const tree = (specs: TenantSpec[], platform: PlatformSettings = DEFAULT_PLATFORM): Map<string, string> =>
  new Map(synthesize(specs.map((s) => entry(s)), platform).files);
const base = tree([alpha, beta]);
const flags = (r: DiffReport): string[] => r.flags.map((f) => `${f.blocking ? 'BLOCKING ' : ''}${f.kind} ${f.group}: ${f.message}`);
const kinds = (r: DiffReport): RiskKind[] => [...new Set(r.flags.map((f) => f.kind))];
const withAlpha = (over: Record<string, unknown>): Map<string, string> => tree([{ ...alpha, ...over } as TenantSpec, beta]);
/** Edits one file of a tree by text replacement (a hand edit, or a change no declaration can make). */
function edit(t: Map<string, string>, file: string, from: string | RegExp, to: string): Map<string, string> {
  const text = t.get(file);
  if (text === undefined) throw new Error(`no ${file}`);
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit of ${file} changed nothing`);
  return new Map(t).set(file, next);
}

describe('diffTrees: structure', () => {
  it('identical trees: no groups, no flags, every tenant unchanged', () => {
    const r = diffTrees(base, tree([beta, alpha]));
    expect(r.groups).toEqual([]);
    expect(r.flags).toEqual([]);
    expect(r.unchanged).toEqual(['alpha', 'beta']);
    expect(renderText(r)).toContain('no changes');
  });

  it('objects are compared by kind, namespace and name, fields by path with before and after', () => {
    const r = diffTrees(base, withAlpha({ quota: { ...alpha.quota, cpu: '12' } }));
    expect(r.groups.map((g) => [g.group, g.status])).toEqual([['alpha', 'changed']]);
    const [obj] = r.groups[0]!.objects;
    expect(obj).toEqual({
      kind: 'Profile',
      name: 'alpha',
      status: 'changed',
      file: 'tenants/alpha/Profile.alpha.yaml',
      fields: [{ path: 'spec.resourceQuotaSpec.hard["requests.cpu"]', before: '10', after: '12' }],
    });
    expect(r.unchanged).toEqual(['beta']);
    expect(r.stats).toEqual({ added: 0, removed: 0, changed: 1 });
  });

  it('an object moved to another file is not a change', () => {
    const file = 'tenants/alpha/LimitRange.tenant-limits.yaml';
    const moved = new Map(base);
    moved.set('tenants/alpha/LimitRange.renamed.yaml', moved.get(file)!);
    moved.delete(file);
    expect(diffTrees(base, moved).groups).toEqual([]);
  });

  it('field diff: nested keys, added and removed fields, scalar arrays whole', () => {
    expect(diffValues({ a: { b: 1, 'x.y': [1, 2] }, c: 'gone' }, { a: { b: 2, 'x.y': [1, 2, 3] }, d: true })).toEqual([
      { path: 'a.b', before: 1, after: 2 },
      { path: 'a["x.y"]', before: [1, 2], after: [1, 2, 3] },
      { path: 'c', before: 'gone' },
      { path: 'd', after: true },
    ]);
    expect(diffValues({ l: [{ n: 1 }, { n: 2 }] }, { l: [{ n: 1 }] })).toEqual([{ path: 'l[1]', before: { n: 2 } }]);
  });

  it('non-YAML files (Vault HCL, S3 JSON policies) are compared too', () => {
    const withCreds = withAlpha({ credentials: { s3: true } });
    const json = [...withCreds.keys()].find((f) => f === 'platform/s3/alpha.json')!;
    const hcl = [...withCreds.keys()].find((f) => f === 'platform/vault/alpha.hcl')!;
    const edited = edit(edit(withCreds, json, '"s3:GetBucketLocation"', '"s3:*"'), hcl, /capabilities = \["read"\]/, 'capabilities = ["read", "update"]');
    const r = diffTrees(withCreds, edited);
    const objs = r.groups[0]!.objects;
    expect(objs.map((o) => `${o.status} ${o.name}`)).toEqual([`changed ${json}`, `changed ${hcl}`]);
    expect(objs[0]!.fields[0]!.path).toMatch(/^Statement\[0\]\.Action$/);
    expect(flags(r)).toEqual([`credentials-added alpha: ${json} changed, ${hcl} changed: the platform team applies these by hand (command at the top of each file)`]);
  });
});

describe('risk flags', () => {
  it('quota raised: before/after and the size of the increase; a cap removed is uncapped', () => {
    const r = diffTrees(base, withAlpha({ quota: { ...alpha.quota, cpu: '16', memory: '64Gi' } }));
    expect(flags(r)).toEqual(['quota-raised alpha: requests.cpu: 10 → 16 (+6, +60%)', 'quota-raised alpha: requests.memory: 40Gi → 64Gi (+24Gi, +60%)']);
    const uncapped = diffTrees(base, withAlpha({ quota: { memory: '40Gi', gpu: { 'nvidia.com/gpu': 2 } } }));
    expect(flags(uncapped)).toEqual(['quota-raised alpha: requests.cpu: cap 10 removed (now uncapped)']);
    expect(describeIncrease('500m', '2')).toBe('500m → 2 (+1.5, +300%)');
  });

  it('GPU and MIG quota changes are flagged in both directions, and not also as quota raises', () => {
    const more = diffTrees(base, withAlpha({ quota: { ...alpha.quota, gpu: { 'nvidia.com/gpu': 4 } } }));
    expect(flags(more)).toEqual(['gpu-quota-changed alpha: GPU requests.nvidia.com/gpu: 2 → 4 (+2, +100%)']);
    const mig = diffTrees(base, withAlpha({ quota: { ...alpha.quota, gpu: { 'nvidia.com/mig-1g.5gb': 3 } }, limits: { pod: { max: { cpu: '4', memory: '16Gi' } } } }));
    expect(flags(mig)).toEqual([
      'gpu-quota-changed alpha: GPU requests.nvidia.com/gpu: 2 → 0 (-2, -100%)',
      'gpu-quota-changed alpha: MIG requests.nvidia.com/mig-1g.5gb: 0 → 3 (+3)',
    ]);
    expect(isGpuQuotaKey('requests.nvidia.com/gpu.shared')).toBe(true);
    expect(isGpuQuotaKey('requests.amd.com/gpu')).toBe(true);
    expect(isGpuQuotaKey('requests.cpu')).toBe(false);
  });

  it('contributor added, role raised; a role lowered or a contributor removed is not flagged', () => {
    const added = diffTrees(base, withAlpha({ contributors: [...alpha.contributors!, { user: 'carol@example.com', role: 'edit' }] }));
    expect(flags(added)).toEqual(['contributor-added alpha: carol@example.com as editor']);
    const raised = diffTrees(base, withAlpha({ contributors: [{ user: 'bob@example.com', role: 'edit' }] }));
    expect(flags(raised)).toEqual(['contributor-role-raised alpha: bob@example.com: viewer → editor']);
    const edit = withAlpha({ contributors: [{ user: 'bob@example.com', role: 'edit' }] });
    expect(flags(diffTrees(edit, base))).toEqual([]);
    const removed = diffTrees(base, withAlpha({ contributors: [] }));
    expect(removed.groups[0]!.objects.map((o) => o.status)).toEqual(['removed', 'removed']);
    expect(removed.flags).toEqual([]);
  });

  it('a new cross-namespace grant and a widened one', () => {
    const grant = (verbs: string[]): Map<string, string> => withAlpha({ grants: [{ to: 'beta', resources: ['inferenceservices'], verbs }] });
    const added = diffTrees(base, grant(['get']));
    expect(kinds(added)).toEqual(['grant-added-or-widened']);
    expect(flags(added)).toEqual([
      'grant-added-or-widened alpha: Role alpha/grant-to-beta added: serving.kserve.io/inferenceservices:get',
      'grant-added-or-widened alpha: RoleBinding alpha/grant-to-beta added: binds Role grant-to-beta to ServiceAccount beta/default-editor (cross-namespace)',
    ]);
    const widened = diffTrees(grant(['get']), grant(['get', 'list']));
    expect(flags(widened)).toEqual(['grant-added-or-widened alpha: Role alpha/grant-to-beta widened: serving.kserve.io/inferenceservices:list']);
    expect(flags(diffTrees(grant(['get', 'list']), grant(['get'])))).toEqual([]);
  });

  it('a reviewed exception comes first among the flags, with its reason verbatim; a changed expiry is flagged again', () => {
    const reason = 'SEC-42: nightly backfill runs pods in alpha, approved by platform security (J. Doe)';
    const ex = (reviewedException: unknown, cpu = '10'): Map<string, string> =>
      withAlpha({ quota: { ...alpha.quota, cpu }, grants: [{ to: 'beta', resources: ['pods'], verbs: ['create'], reviewedException }] });
    const r = diffTrees(base, ex(reason, '12'));
    expect(kinds(r)).toEqual(['reviewed-exception', 'quota-raised', 'grant-added-or-widened']);
    expect(flags(r)[0]).toBe(`reviewed-exception alpha: RoleBinding alpha/grant-to-beta (Role grant-to-beta): new exception: ${reason}`);
    const text = renderText(r).split('\n');
    expect(text[text.findIndex((l) => l.startsWith('RISK FLAGS')) + 1]).toBe(`  reviewed exception added or changed  alpha: RoleBinding alpha/grant-to-beta (Role grant-to-beta): new exception: ${reason}`);
    expect(renderMarkdown(r)).toContain(`| ⚠️ | reviewed exception added or changed | \`alpha\` | RoleBinding alpha/grant-to-beta (Role grant-to-beta): new exception: ${reason} |`);
    // A new end date is a new decision: flagged with the old text beside it.
    const renewed = diffTrees(ex(reason), ex({ reason, expires: '2099-06-30' }));
    expect(flags(renewed)).toEqual([`reviewed-exception alpha: RoleBinding alpha/grant-to-beta (Role grant-to-beta): exception now: ${reason} (expires 2099-06-30) (was: ${reason})`]);
    expect(flags(diffTrees(ex(reason), ex(reason, '12')))).toEqual(['quota-raised alpha: requests.cpu: 10 → 12 (+2, +20%)']);
    // A namespace-wide edit role with an exception says which ClusterRole it binds.
    const edit = diffTrees(base, withAlpha({ grants: [{ to: 'beta', role: 'edit', reviewedException: reason }] }));
    expect(flags(edit)[0]).toBe(`reviewed-exception alpha: RoleBinding alpha/grant-to-beta (ClusterRole kubeflow-edit): new exception: ${reason}`);
  });

  it('credentials added: ExternalSecrets with the Vault keys they read, stores, hand-applied policies', () => {
    const r = diffTrees(base, withAlpha({ credentials: { registry: true } }));
    expect(kinds(r)).toEqual(['credentials-added']);
    const [secrets, policies] = flags(r);
    expect(secrets).toMatch(/^credentials-added alpha: ExternalSecret alpha\/registry-credentials reads tenants\/alpha\/registry#password, tenants\/alpha\/registry#username; SecretStore alpha\/vault added$/);
    expect(policies).toContain('platform/vault/alpha.hcl added');
  });

  it('isolation weakened: NetworkPolicy admits more or is removed, mTLS no longer STRICT', () => {
    const wider = definePlatform({ network: { allowIngressFromNamespaces: ['istio-system', 'kubeflow', 'monitoring'] } });
    const r = diffTrees(base, tree([alpha, beta], wider));
    expect(kinds(r)).toEqual(['isolation-weakened']);
    expect(r.flags.map((f) => f.group)).toEqual(['alpha', 'beta']);
    expect(r.flags[0]!.message).toContain('NetworkPolicy alpha/tenant-isolation admits more: {"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"monitoring"}}}');
    // Narrowing is not flagged.
    expect(diffTrees(tree([alpha, beta], wider), base).flags).toEqual([]);

    const np = 'tenants/alpha/NetworkPolicy.tenant-isolation.yaml';
    const gone = new Map(base);
    gone.delete(np);
    expect(flags(diffTrees(base, gone))).toEqual(['isolation-weakened alpha: NetworkPolicy alpha/tenant-isolation removed']);
    const permissive = edit(base, 'tenants/alpha/PeerAuthentication.tenant-mtls-strict.yaml', 'mode: STRICT', 'mode: PERMISSIVE');
    expect(flags(diffTrees(base, permissive))).toEqual(['isolation-weakened alpha: PeerAuthentication alpha/tenant-mtls-strict mTLS STRICT → PERMISSIVE']);
  });

  it('deletion protection removed: Profile sync options, ApplicationSet policy, Kyverno deletion guard, admission policies', () => {
    const profile = edit(base, 'tenants/alpha/Profile.alpha.yaml', 'Delete=confirm,', '');
    expect(flags(diffTrees(base, profile))).toEqual([
      'deletion-protection-removed alpha: Profile alpha: sync option Delete=confirm removed (Delete=confirm,Prune=confirm,SkipDryRunOnMissingResource=true → Prune=confirm,SkipDryRunOnMissingResource=true)',
    ]);
    const as = 'cluster/ApplicationSet.kubeflow-tenants.yaml';
    const cascade = edit(edit(base, as, /\n\s+preserveResourcesOnDeletion: true/, ''), as, 'applicationsSync: create-update', 'applicationsSync: sync');
    expect(flags(diffTrees(base, cascade))).toEqual([
      'deletion-protection-removed (cluster): ApplicationSet kubeflow-tenants: applicationsSync create-update → sync (Applications of vanished folders would be deleted)',
      'deletion-protection-removed (cluster): ApplicationSet kubeflow-tenants: preserveResourcesOnDeletion removed (deleting an Application would cascade to its Profile)',
    ]);
    const noGuard = new Map(base);
    expect(noGuard.delete('cluster/ValidatingPolicy.kubeflow-tenants-profile-guard.yaml')).toBe(true);
    expect(flags(diffTrees(base, noGuard))).toEqual([
      'deletion-protection-removed (cluster): ValidatingPolicy kubeflow-tenants-profile-guard removed: what it refused (deleting what is not decommissioned, Profiles breaking the rules) is admitted',
    ]);
    const kyvernoAudit = edit(base, 'cluster/ValidatingPolicy.kubeflow-tenants-namespace-guard.yaml', /(validationActions:\n\s+- )Deny/, '$1Audit');
    expect(flags(diffTrees(base, kyvernoAudit))).toEqual([
      'deletion-protection-removed (cluster): ValidatingPolicy kubeflow-tenants-namespace-guard no longer denies (validationActions without Deny): violations are only reported, not refused',
    ]);
    const binding = 'cluster/ValidatingAdmissionPolicyBinding.kubeflow-tenants-namespace-guard.yaml';
    const noVap = new Map(base);
    noVap.delete(binding);
    expect(flags(diffTrees(base, noVap))).toEqual([
      'deletion-protection-removed (cluster): ValidatingAdmissionPolicyBinding kubeflow-tenants-namespace-guard removed: what it refused (deleting what is not decommissioned, Profiles breaking the rules) is admitted',
    ]);
    expect(flags(diffTrees(base, edit(base, binding, '- Deny', '- Audit')))).toEqual([
      'deletion-protection-removed (cluster): ValidatingAdmissionPolicyBinding kubeflow-tenants-namespace-guard no longer denies (validationActions without Deny): violations are only reported, not refused',
    ]);
  });

  it("a tenant added or removed changes the guard's prefix-rule list, and raises no guard flag", () => {
    const gamma = validSpec({ name: 'gamma', labels: { team: 'g', 'cost-centre': 'cc-3', 'compliance-tier': 'internal' } });
    const guardChanges = (r: DiffReport) =>
      r.groups.flatMap((g) => g.objects).filter((o) => o.kind.startsWith('Validating') && o.name === 'kubeflow-tenants-profile-guard').map((o) => [o.kind, o.status]);
    for (const [before, after] of [[base, tree([alpha, beta, gamma])], [tree([alpha, beta, gamma]), base]] as const) {
      const r = diffTrees(before, after);
      expect(guardChanges(r)).toEqual([['ValidatingAdmissionPolicy', 'changed'], ['ValidatingPolicy', 'changed']]);
      const vap = r.groups.flatMap((g) => g.objects).find((o) => o.kind === 'ValidatingAdmissionPolicy')!;
      expect(vap.fields.map((f) => f.path)).toEqual(['spec.validations[2].expression']);
      expect(r.flags.filter((f) => f.group === '(cluster)' || f.kind === 'deletion-protection-removed')).toEqual([]);
    }
  });

  it('cluster level: an AppProject widened', () => {
    const proj = 'cluster/AppProject.tenant-alpha.yaml';
    const wider = edit(base, proj, '    - namespace: alpha\n', '    - namespace: alpha\n      server: https://kubernetes.default.svc\n    - namespace: kubeflow\n');
    expect(flags(diffTrees(base, wider))).toEqual([
      'grant-added-or-widened (cluster): AppProject tenant-alpha: destinations widened: {"namespace":"kubeflow","server":"https://kubernetes.default.svc"}',
    ]);
  });

  it('the Kyverno ClusterPolicies of earlier versions: replaced by the ValidatingPolicy guard, no flag; removed without it, flagged', () => {
    const clusterPolicy = (name: string): string =>
      `apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: ${name}\nspec:\n  rules:\n    - name: r\n      validate:\n        failureAction: Enforce\n`;
    const legacy = new Map([...base].filter(([f]) => !f.startsWith('cluster/ValidatingPolicy.')));
    expect(legacy.size).toBe(base.size - 2);
    for (const p of ['kubeflow-tenants-profile-rules', 'kubeflow-tenants-profile-deletion']) legacy.set(`cluster/ClusterPolicy.${p}.yaml`, clusterPolicy(p));
    // The migration: the ClusterPolicies go, the ValidatingPolicies come.
    expect(flags(diffTrees(legacy, base))).toEqual([]);
    // guards.kyverno turned off at the same time: both removals are flagged.
    const noKyverno = new Map([...base].filter(([f]) => !f.startsWith('cluster/ValidatingPolicy.')));
    expect(flags(diffTrees(legacy, noKyverno))).toEqual([
      'deletion-protection-removed (cluster): ClusterPolicy kubeflow-tenants-profile-deletion removed: Profiles can be deleted without being decommissioned',
      'isolation-weakened (cluster): ClusterPolicy kubeflow-tenants-profile-rules removed: objects it checked are admitted unchecked',
    ]);
    const audit = edit(legacy, 'cluster/ClusterPolicy.kubeflow-tenants-profile-rules.yaml', 'Enforce', 'Audit');
    expect(flags(diffTrees(legacy, audit))).toEqual(['isolation-weakened (cluster): ClusterPolicy kubeflow-tenants-profile-rules switched to Audit: violations are only reported, not refused']);
  });

  it('tenant added, with its owner, quota and GPUs', () => {
    const gamma = validSpec({ name: 'gamma', owner: { email: 'g@example.com' } });
    const r = diffTrees(base, tree([alpha, beta, gamma]));
    expect(r.groups.map((g) => `${g.group} ${g.status}`)).toEqual(['gamma added', '(cluster) changed']);
    expect(flags(r)).toEqual([
      'tenant-added gamma: owner g@example.com; quota cpu 10, memory 40Gi; GPUs nvidia.com/gpu 2',
      'gpu-quota-changed gamma: GPU requests.nvidia.com/gpu: 2 (new tenant)',
      'contributor-added gamma: bob@example.com as viewer; runs code as default-editor (Secrets, models) through KFP Viewers',
    ]);
  });

  it('tenant removed: blocking unless it was decommissioned; decommissioning is flagged', () => {
    const removed = diffTrees(base, tree([alpha]));
    expect(flags(removed)[0]).toMatch(/^BLOCKING tenant-removed beta: removed without being decommissioned first/);
    expect(hasBlocking(removed)).toBe(true);

    const retired = tree([alpha, { ...beta, decommissioned: true }]);
    const step1 = diffTrees(base, retired);
    expect(flags(step1)).toEqual(['tenant-decommissioned beta: all access (contributors, grants, credentials) is revoked; the namespace and its data are kept']);
    const step2 = diffTrees(retired, tree([alpha]));
    expect(hasBlocking(step2)).toBe(false);
    expect(flags(step2)).toEqual([expect.stringMatching(/^tenant-removed beta: removed after being decommissioned/)]);
  });

  it('owner changed (blocking until acknowledged: test/identity-change.test.ts)', () => {
    expect(flags(diffTrees(base, withAlpha({ owner: { email: 'new-lead@example.com' } })))).toEqual([
      expect.stringMatching(/^BLOCKING owner-changed alpha: lead@example.com → new-lead@example.com; CI fails until the platform team acknowledges it/),
    ]);
  });

  it('changes that widen nothing raise no flag', () => {
    const r = diffTrees(
      base,
      withAlpha({ quota: { ...alpha.quota, cpu: '8' }, contributors: [] }),
    );
    expect(r.groups.length).toBe(1);
    expect(r.flags).toEqual([]);
    expect(renderText(r)).toContain('no risk flags');
  });
});

describe('rendering', () => {
  const after = withAlpha({ quota: { ...alpha.quota, cpu: '16' }, contributors: [...alpha.contributors!, { user: 'carol@example.com', role: 'edit' }] });

  it('text: header, flags first, changes grouped by tenant, unchanged tenants on one line', () => {
    const text = renderText(diffTrees(base, after), { base: 'main (abc123)' });
    const lines = text.split('\n');
    expect(lines[0]).toBe('kubeflow-tenants diff: main (abc123) → working tree');
    expect(lines[1]).toBe('1 tenant(s) changed; 0 added; 0 removed; 1 unchanged; objects: 2 added, 0 removed, 1 changed');
    expect(lines.slice(3, 6)).toEqual([
      'RISK FLAGS (2)',
      '  quota raised       alpha: requests.cpu: 10 → 16 (+6, +60%)',
      '  contributor added  alpha: carol@example.com as editor',
    ]);
    expect(text).toContain('\nalpha (changed)\n  people added: carol@example.com as editor\n  + AuthorizationPolicy alpha/user-carol-example-com-clusterrole-edit\n');
    expect(text).toContain('  ~ Profile alpha\n      spec.resourceQuotaSpec.hard["requests.cpu"]: "10" → "16"\n');
    expect(lines.filter((l) => l.includes('beta'))).toEqual(['1 tenant(s) unchanged: beta']);
  });

  it('output is stable: the same whatever the order of the input maps', () => {
    const shuffled = (m: Map<string, string>): Map<string, string> => new Map([...m.entries()].reverse());
    const a = diffTrees(base, after);
    const b = diffTrees(shuffled(base), shuffled(after));
    expect(renderText(b)).toBe(renderText(a));
    expect(renderMarkdown(b)).toBe(renderMarkdown(a));
  });

  it('markdown: a marker for comment updates, a flag table, one collapsible section per tenant', () => {
    const md = renderMarkdown(diffTrees(base, after), { base: 'abc123' });
    expect(md.startsWith('<!-- kubeflow-tenants-diff -->\n## kubeflow-tenants diff\n')).toBe(true);
    expect(md).toContain('| ⚠️ | quota raised | `alpha` | requests.cpu: 10 → 16 (+6, +60%) |');
    expect(md).toContain('<details><summary><b>alpha</b>: changed, 3 object(s)</summary>');
    expect(md).toContain('```diff\n+ AuthorizationPolicy alpha/user-carol-example-com-clusterrole-edit');
    expect(md).toContain('<sub>1 tenant(s) unchanged: beta</sub>');
    const blocking = renderMarkdown(diffTrees(base, tree([alpha])));
    expect(blocking).toContain('| ⛔ | tenant removed | `beta` |');
    expect(blocking).toContain('must not be merged');
  });

  it('markdown escapes table cells', () => {
    const r: DiffReport = { groups: [], unchanged: [], flags: [{ kind: 'quota-raised', group: 'x', message: 'a | b', blocking: false }], stats: { added: 0, removed: 0, changed: 0 } };
    expect(renderMarkdown(r)).toContain('| a \\| b |');
  });

  it('many unchanged tenants stay one line', () => {
    const many = Array.from({ length: 30 }, (_, i) => validSpec({ name: `t${String(i).padStart(2, '0')}x` }));
    const r = diffTrees(tree(many), tree([{ ...many[0]!, quota: { ...many[0]!.quota, cpu: '11' } }, ...many.slice(1)]));
    const line = renderText(r).split('\n').filter((l) => l.includes('unchanged:'));
    expect(line).toEqual([`29 tenant(s) unchanged: ${many.slice(1, 21).map((s) => s.name).join(', ')}, and 9 more`]);
  });
});

describe('properties', () => {
  it('a quota-raised flag appears exactly when some CPU or memory cap grows or disappears', () => {
    const cap = fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined });
    fc.assert(
      fc.property(cap, cap, cap, cap, (cpuB, cpuA, memB, memA) => {
        const spec = (cpu?: number, mem?: number): TenantSpec =>
          ({ ...alpha, quota: { ...(cpu ? { cpu: String(cpu) } : {}), ...(mem ? { memory: `${mem}Gi` } : {}) }, limits: { pod: { max: { cpu: '1', memory: '1Gi' } } } }) as TenantSpec;
        const r = diffTrees(tree([spec(cpuB, memB)]), tree([spec(cpuA, memA)]));
        const grows = (b?: number, a?: number): boolean => b !== undefined && (a === undefined || a > b);
        const raised = r.flags.filter((f) => f.kind === 'quota-raised').map((f) => f.message.split(':')[0]);
        expect(raised).toEqual([...(grows(cpuB, cpuA) ? ['requests.cpu'] : []), ...(grows(memB, memA) ? ['requests.memory'] : [])]);
        // Diffing a tree with itself never reports anything.
        expect(diffTrees(tree([spec(cpuA, memA)]), tree([spec(cpuA, memA)])).groups).toEqual([]);
      }),
      { numRuns: 25 },
    );
  }, 60_000);

  it('added and removed swap when the sides swap; changed objects stay changed', () => {
    const variants = [alpha, { ...alpha, contributors: [] }, { ...alpha, quota: { ...alpha.quota, cpu: '6' } }, { ...alpha, credentials: { s3: true } }] as TenantSpec[];
    const trees = variants.map((v) => tree([v, beta]));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: variants.length - 1 }), fc.integer({ min: 0, max: variants.length - 1 }), (i, j) => {
        const ab = diffTrees(trees[i]!, trees[j]!);
        const ba = diffTrees(trees[j]!, trees[i]!);
        expect(ba.stats).toEqual({ added: ab.stats.removed, removed: ab.stats.added, changed: ab.stats.changed });
        expect(ba.unchanged).toEqual(ab.unchanged);
      }),
      { numRuns: 16 },
    );
  });
});

describe('scale', () => {
  it('1,000 tenants, every one changed, are diffed and rendered in under 2 s', () => {
    const before = synthesize(generateTenants(1000), DEFAULT_PLATFORM).files;
    // Every tenant's quota raised and one contributor binding removed: 1,000 changed groups.
    const after = new Map<string, string>();
    for (const [f, text] of before) {
      if (/^tenants\/[^/]+\/RoleBinding\.user-viewer-/.test(f)) continue;
      after.set(f, f.includes('/Profile.') ? text.replace(/requests\.cpu: "(\d+)"/, (_, n: string) => `requests.cpu: "${Number(n) * 2}"`) : text);
    }
    diffTrees(new Map([...before].slice(0, 200)), new Map([...after].slice(0, 200))); // warm-up, so JIT compilation is not measured
    const t0 = performance.now();
    const report = diffTrees(before, after);
    const text = renderText(report);
    const md = renderMarkdown(report);
    const ms = performance.now() - t0;
    expect(report.groups.length).toBe(1000);
    expect(report.flags.filter((f) => f.kind === 'quota-raised').length).toBe(1000);
    expect(report.stats.removed).toBe(1000);
    expect(text.length).toBeGreaterThan(0);
    expect(md.length).toBeLessThan(65536);
    expect(ms).toBeLessThan(2000);
  }, 120_000);
});

describe('npm run diff on a fixture repository', () => {
  let repo: string;
  const src = (spec: TenantSpec, comment = ''): string => tenantSource(spec, comment);
  beforeAll(() => {
    repo = makeRepo({ 'alpha.ts': src(alpha), 'beta.ts': src(beta) }, { gitInit: true });
    synthAndCommit(repo, 'two tenants');
    git(repo, 'checkout', '-q', '-b', 'feature');
  }, 60_000);
  afterAll(() => removeRepo(repo));

  it('compares the working tree with the merge base of main, with risk flags', () => {
    // main moves on after the branch point: the diff must not show main's later change.
    git(repo, 'checkout', '-q', 'main');
    writeTenants(repo, { 'beta.ts': src({ ...beta, quota: { ...beta.quota, cpu: '99' } }) });
    synthAndCommit(repo, 'beta grows on main');
    git(repo, 'checkout', '-q', 'feature');
    writeTenants(repo, { 'alpha.ts': src({ ...alpha, quota: { ...alpha.quota, cpu: '20' } }) });
    const r = runScript(repo, 'scripts/diff.ts');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const mergeBase = git(repo, 'rev-parse', '--short', 'HEAD').trim();
    expect(r.stdout.split('\n')[0]).toBe(`kubeflow-tenants diff: merge base (${mergeBase}) → working tree`);
    expect(r.stdout).toContain('quota raised  alpha: requests.cpu: 10 → 20 (+10, +100%)');
    expect(r.stdout).toContain('1 tenant(s) unchanged: beta');
    // main's later change (beta's cpu 99) is not in the report; the first line's commit hash may contain "99".
    expect(r.stdout.split('\n').slice(1).join('\n')).not.toContain('99');

    const md = path.join(repo, 'diff.md');
    const m = runScript(repo, 'scripts/diff.ts', '--base', 'main', '--markdown', md, '--format', 'markdown');
    expect(m.code).toBe(0);
    expect(fs.readFileSync(md, 'utf8')).toBe(m.stdout);
    // Against main itself, beta's later raise shows as a lowering: no flag for it.
    expect(m.stdout).toContain('| ⚠️ | quota raised | `alpha` | requests.cpu: 10 → 20 (+10, +100%) |');
    expect(m.stdout).toContain('<b>beta</b>: changed');
    expect(m.stdout).not.toMatch(/\| `beta` \|/);
    writeTenants(repo, { 'alpha.ts': src(alpha) });
  }, 60_000);

  it('a no-op change (a comment in a tenant file) shows no changes and no flags', () => {
    writeTenants(repo, { 'alpha.ts': src(alpha, 'reformatted, same tenant') });
    const r = runScript(repo, 'scripts/diff.ts');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\nno changes\n');
    expect(r.stdout).not.toContain('RISK FLAGS');
    expect(r.stdout).toContain('2 tenant(s) unchanged: alpha, beta');
    writeTenants(repo, { 'alpha.ts': src(alpha) });
  }, 60_000);

  it('with nothing to compare (the base is HEAD, no changes) says how to pick a base instead of an empty report', () => {
    fs.rmSync(path.join(repo, 'diff.md'), { force: true });
    expect(git(repo, 'status', '--porcelain')).toBe('');
    const hint =
      'is HEAD itself and the working tree has no changes. Pick an earlier base with --base <ref>: `npm run diff -- --base HEAD~1` (the last commit) or `npm run diff -- --base origin/main` (a branch against main).\n';
    const r = runScript(repo, 'scripts/diff.ts');
    expect([r.code, r.stdout]).toEqual([0, '']);
    expect(r.stderr).toBe(`diff: nothing to compare: the default base (the merge base of HEAD with main) ${hint}`);
    const head = runScript(repo, 'scripts/diff.ts', '--base', 'HEAD');
    expect([head.code, head.stdout, head.stderr]).toEqual([0, '', `diff: nothing to compare: the base HEAD ${hint}`]);
    // Any change in the working tree (here: an untracked file) is something to compare.
    fs.writeFileSync(path.join(repo, 'notes.txt'), 'x\n');
    const changed = runScript(repo, 'scripts/diff.ts');
    fs.rmSync(path.join(repo, 'notes.txt'));
    expect(changed.code).toBe(0);
    expect(changed.stdout).toContain('\nno changes\n');
  }, 60_000);

  it('removing a tenant file is a blocking flag (exit 1); a bad base ref is explained', () => {
    writeTenants(repo, { 'beta.ts': null });
    const r = runScript(repo, 'scripts/diff.ts');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/BLOCKING tenant removed +beta: removed without being decommissioned first/);
    writeTenants(repo, { 'beta.ts': src(beta) });

    const bad = runScript(repo, 'scripts/diff.ts', '--base', 'no-such-branch');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"no-such-branch" is not a commit');
  }, 60_000);
});
