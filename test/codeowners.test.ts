/**
 * Tenant `codeOwners` and the generated block of `.github/CODEOWNERS`: handle syntax, where the
 * block goes and what may follow it, synth writing it (only after a successful synth), check
 * failing on a stale block, and a tenant without codeOwners failing nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BEGIN_MARKER, END_MARKER, patternMatches, planCodeOwners, renderCodeOwners, shadowingRules } from '../lib/codeowners';
import { DEFAULT_PLATFORM } from '../lib/platform';
import { readTree } from '../lib/synth';
import type { TenantSpec } from '../lib/tenant';
import { validateTenants } from '../lib/tenant';
import { ValidationError } from '../lib/validation';
import { makeRepo, removeRepo, runScript, tenantSource, writeTenants } from './fixture-repo';
import { entry, validSpec } from './support/fixtures';

const errorsOf = (codeOwners: unknown): string[] => validateTenants([entry(validSpec({ codeOwners }))], DEFAULT_PLATFORM).map(String);
const NOT_OWNER = 'not a GitHub owner; write a user as "@user", a team as "@org/team", or an e-mail address such as "alice@example.com"';

describe('codeOwners: GitHub owner syntax', () => {
  it('accepts users, org teams and e-mail addresses', () => {
    expect(errorsOf(['@alice', '@example-org/ml-platform', '@org/team_1', 'alice@example.com'])).toEqual([]);
  });

  it('refuses a value that is not a list, an empty list, bad handles and duplicates, with the fix', () => {
    expect(errorsOf('@example-org/fraud')).toEqual(['tenants/fraud.ts: codeOwners: Invalid value: "@example-org/fraud": must be a list of owners, e.g. ["@example-org/fraud"]']);
    expect(errorsOf([])).toEqual([
      `tenants/fraud.ts: codeOwners: Invalid value: []: must name at least one owner, e.g. ["@example-org/fraud"]; omit the field to leave this file to the repository's default owners`,
    ]);
    expect(errorsOf(['example-org/fraud', '@-alice', '@org/team/sub', '@org/', 'alice@', 42, '@a b'])).toEqual([
      `tenants/fraud.ts: codeOwners[0]: Invalid value: "example-org/fraud": ${NOT_OWNER}`,
      `tenants/fraud.ts: codeOwners[1]: Invalid value: "@-alice": ${NOT_OWNER}`,
      `tenants/fraud.ts: codeOwners[2]: Invalid value: "@org/team/sub": ${NOT_OWNER}`,
      `tenants/fraud.ts: codeOwners[3]: Invalid value: "@org/": ${NOT_OWNER}`,
      `tenants/fraud.ts: codeOwners[4]: Invalid value: "alice@": ${NOT_OWNER}`,
      `tenants/fraud.ts: codeOwners[5]: Invalid value: 42: ${NOT_OWNER}`,
      `tenants/fraud.ts: codeOwners[6]: Invalid value: "@a b": ${NOT_OWNER}`,
    ]);
    expect(errorsOf(['@Example-Org/Fraud', '@example-org/fraud'])).toEqual([
      'tenants/fraud.ts: codeOwners[1]: Duplicate value: "@example-org/fraud": already listed at codeOwners[0]; list each owner once',
    ]);
  });
});

describe('the generated block', () => {
  const lines = ['/tenants/alpha.ts @org/alpha'];
  const file = '# header\n\n*       @org/platform\n\n/dist/  @org/platform\n/lib/   @org/platform\n';

  it('CODEOWNERS patterns: anchored, unanchored, folders, globs', () => {
    const f = 'tenants/alpha.ts';
    for (const [p, want] of [['*', true], ['/tenants/', true], ['tenants/', true], ['/tenants/*', true], ['*.ts', true], ['**/*.ts', true], ['/tenants/**', true], ['/dist/', false], ['/lib/', false], ['/tenants/beta.ts', false], ['alpha.ts', true], ['/alpha.ts', false]] as const) {
      expect(patternMatches(p, f), p).toBe(want);
    }
  });

  it('is inserted after the last line matching its files (the default `*`), so it wins over it and /dist/ still wins for dist/', () => {
    expect(renderCodeOwners(file, lines)).toBe(`# header\n\n*       @org/platform\n${BEGIN_MARKER}\n/tenants/alpha.ts @org/alpha\n${END_MARKER}\n\n/dist/  @org/platform\n/lib/   @org/platform\n`);
    // Without a matching line: at the end.
    expect(renderCodeOwners('/dist/ @org/platform\n', lines)).toBe(`/dist/ @org/platform\n${BEGIN_MARKER}\n/tenants/alpha.ts @org/alpha\n${END_MARKER}\n`);
  });

  it('is replaced in place, everything outside it untouched; no block and no owners leaves the file as it is', () => {
    const withBlock = `*  @org/platform\n\n# BEGIN kubeflow-tenants (old wording)\n/tenants/old.ts @org/old\n${END_MARKER}\n\n/dist/   @org/platform # keep\n`;
    expect(renderCodeOwners(withBlock, lines)).toBe(`*  @org/platform\n\n${BEGIN_MARKER}\n/tenants/alpha.ts @org/alpha\n${END_MARKER}\n\n/dist/   @org/platform # keep\n`);
    expect(renderCodeOwners(withBlock, [])).toBe(`*  @org/platform\n\n${BEGIN_MARKER}\n${END_MARKER}\n\n/dist/   @org/platform # keep\n`);
    expect(renderCodeOwners(file, [])).toBe(file);
  });

  it('rules after the block that match a tenant file are reported (the last matching pattern wins)', () => {
    const text = `* @org/platform\n${BEGIN_MARKER}\n/tenants/alpha.ts @org/alpha\n${END_MARKER}\n/dist/ @org/platform\n/tenants/ @org/platform\n`;
    expect(shadowingRules(text)).toEqual([
      '.github/CODEOWNERS:6: "/tenants/ @org/platform" comes after the generated block and also matches tenants/alpha.ts, so it overrides the codeOwners declared there (the last matching pattern wins); move it above the "# BEGIN kubeflow-tenants" line',
    ]);
  });

  it('broken markers are an error with the line', () => {
    const run = (): string => renderCodeOwners(`* @org/platform\n${BEGIN_MARKER}\n/tenants/alpha.ts @org/alpha\n`, lines);
    expect(run).toThrow(ValidationError);
    try {
      run();
    } catch (err) {
      expect((err as ValidationError).errors.map(String)).toEqual([
        `.github/CODEOWNERS: line 2: Invalid value: "${BEGIN_MARKER}": "# BEGIN kubeflow-tenants" without a "# END kubeflow-tenants" line after it; fix the markers by hand, then run \`npm run synth\``,
      ]);
    }
  });
});

describe('synth and check maintain .github/CODEOWNERS (fixture repositories)', () => {
  let repos: string[] = [];
  afterEach(() => {
    for (const r of repos) removeRepo(r);
    repos = [];
  });
  const alpha = validSpec({ name: 'alpha', codeOwners: ['@org/alpha'] });
  // beta declares no codeOwners and has no CODEOWNERS line: that must fail nothing.
  const beta = validSpec({ name: 'beta', owner: { email: 'beta-lead@example.com' } });
  const src = (s: TenantSpec): string => tenantSource(s);
  const OWNERS = '# ours\n*        @org/platform\n\n/dist/   @org/platform\n';
  const repoWith = (owners: string | undefined): string => {
    const repo = makeRepo({ 'alpha.ts': src(alpha), 'beta.ts': src(beta) });
    repos.push(repo);
    if (owners !== undefined) {
      fs.mkdirSync(path.join(repo, '.github'));
      fs.writeFileSync(path.join(repo, '.github/CODEOWNERS'), owners);
    }
    return repo;
  };
  const read = (repo: string): string => fs.readFileSync(path.join(repo, '.github/CODEOWNERS'), 'utf8');

  it('synth writes the block; check passes; a tenant without codeOwners fails nothing; a stale block fails check with the fix', () => {
    const repo = repoWith(OWNERS);
    const r = runScript(repo, 'main.ts');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(read(repo)).toBe(`# ours\n*        @org/platform\n${BEGIN_MARKER}\n/tenants/alpha.ts @org/alpha\n${END_MARKER}\n\n/dist/   @org/platform\n`);
    expect(runScript(repo, 'scripts/check.ts').code).toBe(0);
    // Synth again: nothing to update.
    expect(runScript(repo, 'main.ts').stdout).not.toContain('CODEOWNERS');

    writeTenants(repo, { 'beta.ts': src({ ...beta, codeOwners: ['@org/beta', 'beta-lead@example.com'] }) });
    const stale = runScript(repo, 'scripts/check.ts');
    expect(stale.code).toBe(1);
    // The tenant file changed too, so dist/INPUTS.sha256 is stale as well: both are reported.
    expect(stale.stderr.split('\n')[0]).toBe(
      '.github/CODEOWNERS: the generated block is out of date with the codeOwners of tenants/*.ts (missing "/tenants/beta.ts @org/beta beta-lead@example.com"); run `npm run synth` and commit .github/CODEOWNERS (never edit the block by hand)',
    );
    expect(stale.stderr).toContain('dist/ is older than its inputs (changed since the last synth: tenants/beta.ts)');
    expect(runScript(repo, 'main.ts').code).toBe(0);
    expect(read(repo)).toContain(`/tenants/alpha.ts @org/alpha\n/tenants/beta.ts @org/beta beta-lead@example.com\n${END_MARKER}\n`);
    expect(runScript(repo, 'scripts/check.ts').code).toBe(0);

    // A hand edit of the block, and a rule after it that would override it.
    fs.writeFileSync(path.join(repo, '.github/CODEOWNERS'), `${read(repo).replace('@org/alpha', '@org/mallory')}/tenants/ @org/platform\n`);
    const edited = runScript(repo, 'scripts/check.ts');
    expect(edited.code).toBe(1);
    expect(edited.stderr.split('\n').filter(Boolean)).toEqual([
      '.github/CODEOWNERS: the generated block is out of date with the codeOwners of tenants/*.ts (missing "/tenants/alpha.ts @org/alpha"; extra "/tenants/alpha.ts @org/mallory"); run `npm run synth` and commit .github/CODEOWNERS (never edit the block by hand)',
      '.github/CODEOWNERS:9: "/tenants/ @org/platform" comes after the generated block and also matches tenants/alpha.ts and 1 other tenant file(s), so it overrides the codeOwners declared there (the last matching pattern wins); move it above the "# BEGIN kubeflow-tenants" line',
    ]);
    // Synth restores the block, keeps the platform team's line, and warns about it.
    const fixed = runScript(repo, 'main.ts');
    expect(fixed.code).toBe(0);
    expect(fixed.stderr).toBe(`warning: ${edited.stderr.split('\n')[1]}\n`);
    expect(read(repo)).toBe(
      `# ours\n*        @org/platform\n${BEGIN_MARKER}\n/tenants/alpha.ts @org/alpha\n/tenants/beta.ts @org/beta beta-lead@example.com\n${END_MARKER}\n\n/dist/   @org/platform\n/tenants/ @org/platform\n`,
    );
  }, 120_000);

  it('a failed synth leaves .github/CODEOWNERS (and dist/) untouched', () => {
    const repo = repoWith(OWNERS);
    expect(runScript(repo, 'main.ts').code).toBe(0);
    const owners = read(repo);
    const dist = readTree(path.join(repo, 'dist'));
    writeTenants(repo, {
      'alpha.ts': src({ ...alpha, codeOwners: ['@org/alpha-new'] }),
      'beta.ts': src({ ...beta, codeOwners: ['not-a-handle'] }),
    });
    const r = runScript(repo, 'main.ts');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`tenants/beta.ts: codeOwners[0]: Invalid value: "not-a-handle": ${NOT_OWNER}`);
    expect(read(repo)).toBe(owners);
    expect(readTree(path.join(repo, 'dist'))).toEqual(dist);
    // The planned content was right: only the failure kept it from being written.
    expect(planCodeOwners(repo, [entry(alpha, 'tenants/alpha.ts')]).next).toBe(owners);

    // Valid tenants, but writing dist/ fails (its parent is a file): CODEOWNERS is written only after the swap.
    writeTenants(repo, { 'beta.ts': src(beta) });
    fs.writeFileSync(path.join(repo, 'blocker'), '');
    const w = runScript(repo, 'main.ts', '--out', 'blocker/dist');
    expect(w.code).toBe(2);
    expect(w.stderr).toContain('ENOTDIR');
    expect(read(repo)).toBe(owners);
    expect(runScript(repo, 'main.ts').code).toBe(0);
    expect(read(repo)).toContain('/tenants/alpha.ts @org/alpha-new\n');
  }, 60_000);

  it('without .github/CODEOWNERS synth says so and creates nothing; check passes', () => {
    const repo = repoWith(undefined);
    const r = runScript(repo, 'main.ts');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(
      'note: 1 tenant file(s) declare codeOwners, but .github/CODEOWNERS does not exist, so nobody is required to review them; create it with the repository\'s default owners (e.g. "* @example-org/ml-platform"), then run `npm run synth` again (synth does not create it: GitHub uses the first CODEOWNERS of .github/, the root and docs/, so a new one could replace existing rules)\n',
    );
    expect(fs.existsSync(path.join(repo, '.github'))).toBe(false);
    expect(runScript(repo, 'scripts/check.ts').code).toBe(0);
  }, 60_000);
});
