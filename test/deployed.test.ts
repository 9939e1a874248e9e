/**
 * Errors land on the file that caused them: a clash between a new tenant and a deployed one is
 * reported on the new file only; when both or neither are deployed, on both. "Deployed" is
 * `dist/` at the merge base with main (lib/deployed.ts), or the working tree's `dist/` without Git.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { declaringFiles, readDeployed } from '../lib/deployed';
import { DEFAULT_PLATFORM } from '../lib/platform';
import type { TenantSpec } from '../lib/tenant';
import { validateTenants } from '../lib/tenant';
import type { DeployedNames } from '../lib/validation';
import { checkTenantSet } from '../lib/validation';
import { git, makeRepo, removeRepo, runScript, synthAndCommit, tenantSource, writeTenants } from './fixture-repo';
import { entry, validSpec } from './support/fixtures';

const spec = (name: string): TenantSpec => validSpec({ name, owner: { email: `${name}-lead@example.com` } });
const errorsOf = (files: Record<string, string>, deployed: DeployedNames): string[] =>
  validateTenants(
    Object.entries(files).map(([file, name]) => entry(spec(name), file)),
    DEFAULT_PLATFORM,
    deployed,
  ).map(String);

const P = 'prefix-scoped policies (bucket prefixes, Vault paths, audit filters) would match both';
const RENAME =
  'renaming a deployed tenant is removing it, which deletes its namespace and everything in it (docs/gitops.md "Removing a tenant")';

describe('a name clash is reported on the file that caused it', () => {
  it('a new tenant whose name is a prefix of a deployed one: on the new file only', () => {
    const errs = errorsOf({ 'tenants/fraud-modelling.ts': 'fraud-modelling', 'tenants/fraud.ts': 'fraud' }, new Map([['fraud-modelling', 'tenants/fraud-modelling.ts']]));
    expect(errs).toEqual([
      `tenants/fraud.ts: name: Invalid value: "fraud": tenant "fraud-modelling" (tenants/fraud-modelling.ts) is deployed and starts with "fraud"; ${P}; choose a name that is not a prefix of "fraud-modelling"`,
    ]);
  });

  it('a new tenant whose name extends a deployed one: on the new file only', () => {
    const errs = errorsOf({ 'tenants/fraud.ts': 'fraud', 'tenants/fraud-eu.ts': 'fraud-eu' }, new Map([['fraud', 'tenants/fraud.ts']]));
    expect(errs).toEqual([
      `tenants/fraud-eu.ts: name: Invalid value: "fraud-eu": starts with the name of tenant "fraud" (tenants/fraud.ts), which is deployed; ${P}; choose a name that does not start with "fraud"`,
    ]);
  });

  it('two new tenants: on both files, each naming the other', () => {
    // A deployed tenant elsewhere changes nothing about the pair.
    const errs = errorsOf({ 'tenants/fraud.ts': 'fraud', 'tenants/fraud-eu.ts': 'fraud-eu', 'tenants/other.ts': 'other' }, new Map([['other', 'tenants/other.ts']]));
    expect(errs).toEqual([
      `tenants/fraud-eu.ts: name: Invalid value: "fraud-eu": starts with the name of tenant "fraud" (tenants/fraud.ts), and neither is deployed yet; ${P}; choose a name that does not start with "fraud", or rename "fraud"`,
      `tenants/fraud.ts: name: Invalid value: "fraud": is a prefix of the name of tenant "fraud-eu" (tenants/fraud-eu.ts), and neither is deployed yet; ${P}; choose a name that is not a prefix of "fraud-eu", or rename "fraud-eu"`,
    ]);
  });

  it('two deployed tenants (a legacy pair): on both files, saying that renaming is removing', () => {
    const errs = errorsOf(
      { 'tenants/fraud.ts': 'fraud', 'tenants/fraud-eu.ts': 'fraud-eu' },
      new Map([
        ['fraud', 'tenants/fraud.ts'],
        ['fraud-eu', 'tenants/fraud-eu.ts'],
      ]),
    );
    const fix = `both are deployed, and ${RENAME}: add a tenant whose name neither starts with nor is a prefix of another, move the work and data to it, then remove this one in two steps`;
    expect(errs).toEqual([
      `tenants/fraud-eu.ts: name: Invalid value: "fraud-eu": starts with the name of tenant "fraud" (tenants/fraud.ts); ${P}; ${fix}`,
      `tenants/fraud.ts: name: Invalid value: "fraud": is a prefix of the name of tenant "fraud-eu" (tenants/fraud-eu.ts); ${P}; ${fix}`,
    ]);
  });

  it('a new file declaring a deployed name: on the new file only', () => {
    const errs = errorsOf({ 'tenants/fraud.ts': 'fraud', 'tenants/fraud-copy.ts': 'fraud' }, new Map([['fraud', 'tenants/fraud.ts']]));
    expect(errs).toEqual([
      'tenants/fraud-copy.ts: name: Duplicate value: "fraud": tenant "fraud" is deployed and declared by tenants/fraud.ts; each tenant needs its own name; choose another name for the tenant in this file',
    ]);
  });

  it('two new files with one name: on both files', () => {
    const errs = errorsOf({ 'tenants/a.ts': 'fraud', 'tenants/b.ts': 'fraud' }, new Map());
    expect(errs).toEqual([
      'tenants/a.ts: name: Duplicate value: "fraud": also declared by tenants/b.ts, and "fraud" is not deployed yet; each tenant needs its own name; choose another name in one of the files',
      'tenants/b.ts: name: Duplicate value: "fraud": also declared by tenants/a.ts, and "fraud" is not deployed yet; each tenant needs its own name; choose another name in one of the files',
    ]);
  });

  it('a deployed name in two files when it cannot be told which is the deployed one: on both, saying that renaming is removing', () => {
    const errs = errorsOf({ 'tenants/a.ts': 'fraud', 'tenants/b.ts': 'fraud' }, new Map([['fraud', undefined]]));
    expect(errs).toEqual([
      `tenants/a.ts: name: Duplicate value: "fraud": also declared by tenants/b.ts; tenant "fraud" is deployed and it cannot be told which file declared it; each tenant needs its own name; keep the deployed tenant in one file and choose a new name in the other (${RENAME})`,
      `tenants/b.ts: name: Duplicate value: "fraud": also declared by tenants/a.ts; tenant "fraud" is deployed and it cannot be told which file declared it; each tenant needs its own name; keep the deployed tenant in one file and choose a new name in the other (${RENAME})`,
    ]);
  });
});

describe('property: a clash with a deployed tenant never lands on the deployed file', () => {
  it('one error per pair on the new file when exactly one side is deployed, one on each file otherwise', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[ab]{1,3}$/), { minLength: 1, maxLength: 8 }).chain((names) => fc.tuple(fc.constant(names), fc.subarray(names))),
        ([names, deployedNames]) => {
          const file = (n: string): string => `tenants/${n}.ts`;
          const deployed = new Map(deployedNames.map((n) => [n, file(n)] as const));
          const errors = checkTenantSet(names.map((n) => entry(spec(n), file(n))), deployed);
          let expected = 0;
          for (const a of names) {
            for (const b of names) {
              if (a === b || !b.startsWith(a)) continue;
              const onA = errors.filter((e) => e.file === file(a) && e.detail.includes(`"${b}"`)).length;
              const onB = errors.filter((e) => e.file === file(b) && e.detail.includes(`"${a}"`)).length;
              const [da, db] = [deployed.has(a), deployed.has(b)];
              expect([onA, onB]).toEqual(da === db ? [1, 1] : da ? [0, 1] : [1, 0]);
              expected += da === db ? 2 : 1;
            }
          }
          expect(errors.length).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('declaringFiles: which file declares a deployed tenant now', () => {
  const tenants = new Map([
    ['fraud', { name: 'fraud', decommissioned: false }],
    ['gone', { name: 'gone', decommissioned: false }],
  ]);
  it('the only file; of two, the one that existed at the base, else tenants/<name>.ts; none when no file declares it', () => {
    const one = [entry(spec('fraud'), 'tenants/team-fraud.ts')];
    expect(declaringFiles({ tenants, source: 'x' }, one)).toEqual(new Map([['fraud', 'tenants/team-fraud.ts'], ['gone', undefined]]));
    const two = [entry(spec('fraud'), 'tenants/fraud.ts'), entry(spec('fraud'), 'tenants/team-fraud.ts')];
    expect(declaringFiles({ tenants, files: new Set(['tenants/team-fraud.ts']), source: 'x' }, two).get('fraud')).toBe('tenants/team-fraud.ts');
    expect(declaringFiles({ tenants, source: 'x' }, two).get('fraud')).toBe('tenants/fraud.ts');
    const neither = [entry(spec('fraud'), 'tenants/a.ts'), entry(spec('fraud'), 'tenants/b.ts')];
    expect(declaringFiles({ tenants, source: 'x' }, neither).get('fraud')).toBeUndefined();
  });
});

describe('deployed = dist/ at the merge base with main, or the working tree without Git', () => {
  let repos: string[] = [];
  afterEach(() => {
    for (const r of repos) removeRepo(r);
    repos = [];
  });
  const src = (name: string): string => tenantSource(spec(name));
  const errorLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('tenants/'));

  it('from Git: a tenant synthesized only on the branch is not deployed; one on main is', () => {
    const repo = makeRepo({ 'fraud-modelling.ts': src('fraud-modelling') }, { gitInit: true });
    repos.push(repo);
    synthAndCommit(repo, 'fraud-modelling deployed');
    git(repo, 'checkout', '-q', '-b', 'feature');
    writeTenants(repo, { 'beta.ts': src('beta') });
    synthAndCommit(repo, 'beta, on the branch only'); // the working tree's dist/ now has beta
    writeTenants(repo, { 'fraud.ts': src('fraud'), 'beta-two.ts': src('beta-two') });

    const deployed = readDeployed(repo);
    expect([...deployed.tenants.keys()]).toEqual(['fraud-modelling']);
    expect(deployed.files).toEqual(new Set(['tenants/fraud-modelling.ts']));
    expect(deployed.source).toBe(`merge base (${git(repo, 'rev-parse', '--short', 'main').trim()})`);

    const expected = [
      `tenants/beta-two.ts: name: Invalid value: "beta-two": starts with the name of tenant "beta" (tenants/beta.ts), and neither is deployed yet; ${P}; choose a name that does not start with "beta", or rename "beta"`,
      `tenants/beta.ts: name: Invalid value: "beta": is a prefix of the name of tenant "beta-two" (tenants/beta-two.ts), and neither is deployed yet; ${P}; choose a name that is not a prefix of "beta-two", or rename "beta-two"`,
      `tenants/fraud.ts: name: Invalid value: "fraud": tenant "fraud-modelling" (tenants/fraud-modelling.ts) is deployed and starts with "fraud"; ${P}; choose a name that is not a prefix of "fraud-modelling"`,
    ];
    const synth = runScript(repo, 'main.ts');
    expect(synth.code).toBe(1);
    expect(errorLines(synth.stderr)).toEqual(expected);
    const check = runScript(repo, 'scripts/check.ts');
    expect(check.code).toBe(1);
    expect(errorLines(check.stderr)).toEqual(expected);
    const diff = runScript(repo, 'scripts/diff.ts');
    expect(diff.code).toBe(1);
    expect(errorLines(diff.stderr)).toEqual(expected);

    // The removal guard reads the same base: beta was never merged, so deleting it is fine.
    writeTenants(repo, { 'fraud.ts': null, 'beta-two.ts': null, 'beta.ts': null });
    const r = runScript(repo, 'main.ts');
    expect(r.code, r.stderr).toBe(0);
    expect(fs.existsSync(path.join(repo, 'dist/tenants/beta'))).toBe(false);

    // Removing a deployed tenant: step 1 on the branch is not enough until it is merged.
    writeTenants(repo, { 'fraud-modelling.ts': tenantSource({ ...spec('fraud-modelling'), decommissioned: true }) });
    synthAndCommit(repo, 'step 1, not merged');
    writeTenants(repo, { 'fraud-modelling.ts': null });
    const early = runScript(repo, 'main.ts');
    expect(early.code).toBe(1);
    expect(errorLines(early.stderr)).toEqual([
      expect.stringMatching(
        /^tenants\/fraud-modelling\.ts: \(file\): Required value: tenant "fraud-modelling" is deployed .*; here step 1 is on this branch but not merged yet \(dist\/ at the merge base with main does not mark "fraud-modelling" decommissioned\): merge it first, then delete the file$/,
      ),
    ]);
    git(repo, 'checkout', '-q', '--', 'tenants');
    git(repo, 'checkout', '-q', 'main');
    git(repo, 'merge', '-q', '--ff-only', 'feature');
    git(repo, 'checkout', '-q', '-b', 'step-2');
    writeTenants(repo, { 'fraud-modelling.ts': null });
    const done = runScript(repo, 'main.ts');
    expect(done.code, done.stderr).toBe(0);
  }, 180_000);

  it('without Git, or without a main branch: the working tree dist/', () => {
    const repo = makeRepo({ 'fraud-modelling.ts': src('fraud-modelling') });
    repos.push(repo);
    expect(runScript(repo, 'main.ts').code).toBe(0);
    writeTenants(repo, { 'fraud.ts': src('fraud') });
    expect(readDeployed(repo)).toEqual({ tenants: new Map([['fraud-modelling', { name: 'fraud-modelling', decommissioned: false }]]), bundles: [{ tenant: 'fraud-modelling', cluster: undefined, decommissioned: false }], source: `${path.relative(process.cwd(), path.join(repo, 'dist'))}/ (working tree)` });
    const r = runScript(repo, 'main.ts');
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual([
      `tenants/fraud.ts: name: Invalid value: "fraud": tenant "fraud-modelling" (tenants/fraud-modelling.ts) is deployed and starts with "fraud"; ${P}; choose a name that is not a prefix of "fraud-modelling"`,
    ]);

    // A repository whose only branch is not main (nor master): nothing merged to compare with.
    git(repo, 'init', '-q', '-b', 'trunk');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'trunk');
    expect([...readDeployed(repo).tenants.keys()]).toEqual(['fraud-modelling']);
    expect(readDeployed(repo).source).toMatch(/ \(working tree\)$/);
  }, 60_000);
});
