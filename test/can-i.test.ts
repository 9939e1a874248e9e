/**
 * `npm run can-i`: kubectl auth can-i's arguments, output and exit codes, answered offline; on the
 * `roles` fixture repository (every catalogue role, groups).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanIArgs } from '../lib/can-i';
import { canI, parseCanI, resolveTarget, resourceGroups } from '../lib/can-i';
import type { RbacModel } from '../lib/rbac';
import { aggregateClusterRoles, kubernetesBootstrapRbac, loadKubeflowClusterRoles, rbacModel } from '../lib/rbac';
import { fixtureRepo, removeRepo, runScript, synthFixture } from './fixture-repo';

const clusterRoles = loadKubeflowClusterRoles();
let model: RbacModel;
let groups: Map<string, string[]>;
let repo: string;
beforeAll(async () => {
  repo = fixtureRepo('roles');
  const objects = [...(await synthFixture(repo)).result.objects.map((o) => o.manifest), ...kubernetesBootstrapRbac()];
  model = rbacModel(objects, clusterRoles);
  groups = resourceGroups([...aggregateClusterRoles([...clusterRoles, ...objects.filter((o) => o.kind === 'ClusterRole')]).values()].flat());
}, 120_000);
afterAll(() => removeRepo(repo));

const args = (...argv: string[]): CanIArgs => {
  const p = parseCanI(argv);
  if ('error' in p) throw new Error(p.error);
  return p.args;
};
const ask = (...argv: string[]) => canI(model, args(...argv), groups);

describe('arguments, as kubectl auth can-i takes them', () => {
  it('--as-group requires --as (exit 1, before anything is synthesized)', () => {
    expect(parseCanI(['get', 'pods', '-n', 'x', '--as-group', 'g'])).toEqual({ error: 'requesting uid, groups or user-extra without impersonating a user: --as-group requires --as' });
  });

  it('flags in both spellings, repeated --as-group, -n defaulting to "default", -A meaning every namespace', () => {
    expect(args('get', 'pods', '--namespace=ml', '--as=a@example.com', '--as-group', 'g1', '--as-group=g2')).toEqual({ list: false, quiet: false, noHeaders: false, verb: 'get', target: 'pods', namespace: 'ml', as: 'a@example.com', asGroups: ['g1', 'g2'] });
    expect(args('get', 'pods', '--as', 'a').namespace).toBe('default');
    expect(args('get', 'pods', '-A', '--as', 'a').namespace).toBe('');
  });

  it('refuses what kubectl refuses, and what cannot be answered offline', () => {
    expect(parseCanI(['get', '--as', 'a'])).toMatchObject({ error: expect.stringMatching(/^you must specify two arguments: verb resource or verb resource\/resourceName\./) });
    expect(parseCanI(['get', 'pods', '-n', 'x'])).toMatchObject({ error: expect.stringMatching(/^--as USER is required: offline there is no current user/) });
    expect(parseCanI(['get', 'pods', '--as', 'a', '--bogus'])).toMatchObject({ error: expect.stringMatching(/^unknown flag: --bogus/) });
    expect(parseCanI(['--list', 'pods', '--as', 'a'])).toMatchObject({ error: expect.stringMatching(/^--list takes no VERB or TYPE/) });
    expect(resolveTarget('/logs', undefined, new Map())).toEqual({ error: 'non-resource URLs (/logs) are not modelled offline; ask the cluster: kubectl auth can-i ... /logs' });
  });

  it('resource types: plural, TYPE.GROUP, TYPE/NAME, --subresource; the core group wins; ambiguous and unknown types are refused', () => {
    expect(resolveTarget('inferenceservices', undefined, groups)).toEqual({ group: 'serving.kserve.io', resource: 'inferenceservices' });
    expect(resolveTarget('services', undefined, groups)).toEqual({ group: '', resource: 'services' });
    expect(resolveTarget('services.serving.knative.dev', undefined, groups)).toEqual({ group: 'serving.knative.dev', resource: 'services' });
    expect(resolveTarget('pods/web-0', 'log', groups)).toEqual({ group: '', resource: 'pods/log', name: 'web-0' });
    expect(resolveTarget('experiments', undefined, groups)).toEqual({ error: '"experiments" exists in several API groups (kubeflow.org, pipelines.kubeflow.org); write it with its group, e.g. experiments.kubeflow.org' });
    expect(resolveTarget('widgets', undefined, groups)).toMatchObject({ error: expect.stringMatching(/^the resource type "widgets" is not known offline/) });
  });
});

describe('answers: yes exit 0, no exit 1', () => {
  it('a member runs notebooks but does not deploy models; a team-admin does', () => {
    expect(ask('create', 'notebooks', '-n', 'ml-platform', '--as', 'member@example.com')).toEqual({ stdout: ['yes'], stderr: [], code: 0 });
    const no = ask('create', 'inferenceservices', '-n', 'ml-platform', '--as', 'member@example.com');
    expect(no.stdout).toEqual(['no']);
    expect(no.code).toBe(1);
    // The honest part: their notebooks run as default-editor, which may.
    expect(no.stderr).toEqual(['note: RBAC says no, but member@example.com can create workloads that run as system:serviceaccount:ml-platform:default-editor, which may (in ml-platform as system:serviceaccount:ml-platform:default-editor)']);
    expect(ask('create', 'inferenceservices.serving.kserve.io', '-n', 'ml-platform', '--as', 'admin@example.com').code).toBe(0);
  });

  it('a viewer may not deploy models, but the note says its KFP Viewers run as default-editor, which may', () => {
    expect(ask('create', 'viewers.kubeflow.org', '-n', 'ml-platform', '--as', 'viewer@example.com').code).toBe(0);
    expect(ask('create', 'inferenceservices', '-n', 'ml-platform', '--as', 'viewer@example.com')).toEqual({
      stdout: ['no'],
      stderr: ['note: RBAC says no, but viewer@example.com can create workloads that run as system:serviceaccount:ml-platform:default-editor, which may (in ml-platform as system:serviceaccount:ml-platform:default-editor through a KFP Viewer)'],
      code: 1,
    });
    expect(ask('--list', '-n', 'ml-platform', '--as', 'viewer@example.com').stderr).toEqual([
      'note: through the workloads it can create, viewer@example.com also acts as system:serviceaccount:ml-platform:default, system:serviceaccount:ml-platform:default-editor, system:serviceaccount:ml-platform:default-viewer here (npm run access shows what that adds)',
    ]);
    // An auditor has no kubeflow-view: no Viewer, no note.
    expect(ask('create', 'inferenceservices', '-n', 'ml-platform', '--as', 'auditor@example.com')).toEqual({ stdout: ['no'], stderr: [], code: 1 });
  });

  it('an auditor reads pod logs and RoleBindings, no Secret, no exec; -q prints nothing', () => {
    expect(ask('get', 'pods', '--subresource', 'log', '-n', 'ml-platform', '--as', 'auditor@example.com').code).toBe(0);
    expect(ask('list', 'rolebindings.rbac.authorization.k8s.io', '-n', 'ml-platform', '--as', 'auditor@example.com').code).toBe(0);
    expect(ask('get', 'secrets', '-n', 'ml-platform', '--as', 'auditor@example.com')).toEqual({ stdout: ['no'], stderr: [], code: 1 });
    expect(ask('create', 'pods/exec', '-n', 'ml-platform', '--as', 'auditor@example.com', '-q')).toEqual({ stdout: [], stderr: [], code: 1 });
  });

  it('a group member asked with --as-group gets what the group gave them (bindings name each member)', () => {
    expect(ask('create', 'notebooks', '-n', 'ml-platform', '--as', 'ds2@example.com', '--as-group', 'data-science').code).toBe(0);
    expect(ask('create', 'notebooks', '-n', 'serving', '--as', 'ds2@example.com', '--as-group', 'data-science').code).toBe(1);
  });

  it('--list prints the rules in the namespace as a table, resource.group sorted', () => {
    const out = ask('--list', '-n', 'ml-platform', '--as', 'viewer@example.com');
    expect(out.code).toBe(0);
    expect(out.stdout[0]).toMatch(/^Resources +Non-Resource URLs +Resource Names +Verbs$/);
    expect(out.stdout.some((l) => /^inferenceservices\.serving\.kserve\.io +\[\] +\[\] +\[get list watch\]$/.test(l))).toBe(true);
    expect(out.stdout.some((l) => l.startsWith('secrets '))).toBe(false);
    expect(ask('--list', '-n', 'ml-platform', '--as', 'viewer@example.com', '--no-headers').stdout[0]).not.toMatch(/^Resources/);
  });
});

describe('npm run can-i on a repository', () => {
  it('exit codes and output of the command itself', () => {
    const yes = runScript(repo, 'scripts/can-i.ts', 'create', 'notebooks', '-n', 'ml-platform', '--as', 'member@example.com');
    expect([yes.stdout.trim(), yes.code]).toEqual(['yes', 0]);
    const no = runScript(repo, 'scripts/can-i.ts', 'create', 'inferenceservices', '-n', 'ml-platform', '--as', 'viewer@example.com');
    expect([no.stdout.trim(), no.code]).toEqual(['no', 1]);
    const err = runScript(repo, 'scripts/can-i.ts', 'get', 'pods', '--as-group', 'data-science');
    expect([err.stdout, err.stderr.trim(), err.code]).toEqual(['', 'error: requesting uid, groups or user-extra without impersonating a user: --as-group requires --as', 1]);
  }, 120_000);
});
