/**
 * Acceptance of issue 8 ("the tool's tests never depend on the org's data"), as a test: an org
 * repository unlike the examples (its own platform.ts with four GPU models, other labels, identity
 * header and prefix, reserved names; 30 generated tenants with grants, credentials, MIG and
 * time-sliced GPUs, a decommissioned tenant, mixed-case e-mails) is written into a temporary
 * folder from a printed seed, and the repository-level commands run there as processes (synth,
 * check, diff, access), plus the in-process invariants of test/support/invariants.ts.
 * Reproduce a failure with KFT_ORG_SEED=<seed>; write the org with `npm run gen:org`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformSettings } from '../lib/platform';
import type { SynthResult } from '../lib/synth';
import { readTree, synthesize } from '../lib/synth';
import type { TenantEntry } from '../lib/validation';
import { INPUTS_FILE } from '../lib/inputs-digest';
import { git, makeRepo, removeRepo, repoInputsOf, runScript, typeCheck } from './fixture-repo';
import { personEntries } from './support/fixtures';
import { generateOrg, orgSeed, tenantFileSource, writeOrg } from './support/gen-org';
import { isolationViolations, schemaViolations } from './support/invariants';

const SEED = orgSeed();
const org = generateOrg(SEED, 30);
console.log(`acceptance org: seed=${SEED} (reproduce: KFT_ORG_SEED=${SEED} npx vitest run test/acceptance.test.ts; write it: npm run gen:org -- --seed ${SEED} --out <dir>)`);

let dir: string;
beforeAll(() => {
  dir = makeRepo({}, { gitInit: true, platform: org.platformSource });
  writeOrg(dir, org);
});
afterAll(() => removeRepo(dir));

describe(`a generated 30-tenant org with its own platform.ts (seed ${SEED})`, () => {
  it('covers what a real org has: MIG and time-sliced GPUs, grants, S3 and registry credentials, a decommissioned tenant, mixed-case e-mails', () => {
    const gpuKeys = org.specs.flatMap((s) => Object.keys(s.quota?.gpu ?? {}));
    expect(gpuKeys.some((k) => k.startsWith('nvidia.com/mig-'))).toBe(true);
    expect(gpuKeys).toContain('nvidia.com/gpu.shared');
    expect(org.specs.some((s) => (s.grants ?? []).length > 0)).toBe(true);
    expect(org.specs.some((s) => (s.grants ?? []).some((g) => g.artifactPrefixes))).toBe(true);
    expect(org.specs.some((s) => s.credentials?.s3 === true)).toBe(true);
    expect(org.specs.some((s) => s.credentials?.registry !== undefined)).toBe(true);
    expect(org.specs.filter((s) => s.decommissioned === true)).toHaveLength(1);
    expect(org.specs.some((s) => [s.owner.email, ...personEntries(s).map((c) => c.user)].some((e) => e !== e.toLowerCase()))).toBe(true);
  });

  it('its tenant files and platform.ts type-check', async () => {
    const tc = await typeCheck(dir);
    expect(tc.output).toBe('');
    expect(tc.code).toBe(0);
  }, 180_000);

  it('`npm run synth` writes dist/, and `npm run check` finds it fresh', () => {
    const synth = runScript(dir, 'main.ts');
    expect(synth.stderr).toBe('');
    expect(synth.code).toBe(0);
    expect(synth.stdout).toMatch(/^synthesized 30 tenant\(s\), \d+ object\(s\) into dist\//);
    const check = runScript(dir, 'scripts/check.ts');
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/^dist\/ is up to date \(\d+ files match a fresh synth\)\n$/);
  });

  it('`npm run diff -- --base HEAD` after a commit: no change; then a contributor added to one tenant is reported', () => {
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'generated org');
    // The base is HEAD and nothing changed: the command says how to pick a base instead of an empty report.
    const same = runScript(dir, 'scripts/diff.ts', '--base', 'HEAD');
    expect(same.code).toBe(0);
    expect(same.stderr).toMatch(/^diff: nothing to compare: the base HEAD is HEAD itself/);
    expect(same.stdout).toBe('');
    const t = org.specs.find((s) => s.decommissioned !== true)!;
    const added = { ...t, contributors: [...(t.contributors ?? []), { user: 'New.Person@Corp.Example.com', role: 'edit' as const }] };
    fs.writeFileSync(path.join(dir, 'tenants', `${t.name}.ts`), tenantFileSource(added, SEED));
    try {
      const changed = runScript(dir, 'scripts/diff.ts', '--base', 'HEAD');
      expect(changed.stderr).toBe('');
      expect(changed.stdout).toContain('1 tenant(s) changed; 0 added; 0 removed; 29 unchanged');
      // E-mails compare case-insensitively: the flag names the lowercased identity.
      expect(changed.stdout).toMatch(new RegExp(`contributor added +${t.name}: new\\.person@corp\\.example\\.com as editor`));
    } finally {
      git(dir, 'checkout', '--', 'tenants');
    }
  });

  it('`npm run access` reports every tenant that keeps access, and the grantees', () => {
    const r = runScript(dir, 'scripts/access.ts');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const s of org.specs) expect(r.stdout).toContain(`## ${s.name}\n`);
    const granted = org.specs.flatMap((s) => (s.grants ?? []).map((g) => [s.name, g.to] as const));
    for (const [owner, to] of granted) expect(r.stdout, `${to} in ${owner}`).toMatch(new RegExp(`## ${owner}\\n[^#]*ServiceAccount ${to}/`));
  });

  describe('in process, from the written files', () => {
    let platform: PlatformSettings;
    let entries: TenantEntry[];
    let result: SynthResult;
    beforeAll(async () => {
      ({ platform, entries } = await repoInputsOf(dir));
      result = synthesize(entries, platform);
    });

    it('the platform is the generated one', () => {
      expect(platform.identity).toEqual({ header: 'x-auth-request-email', prefix: 'oidc:', use: 'email' });
      expect(platform.requiredLabels).toEqual(['owner-team', 'cost-center', 'data-classification', 'environment']);
      expect(Object.keys(platform.gpu.mig).sort()).toEqual(['A30-24GB', 'H100-80GB']);
    });

    it('every emitted object is valid against the vendored schemas', () => {
      expect(result.tenants).toBe(30);
      expect(schemaViolations(result)).toEqual([]);
    });

    it('every tenant is isolated, and the decommissioned one keeps no access', () => {
      expect(isolationViolations(result, entries, platform)).toEqual([]);
    });

    it('synth is deterministic: twice, in reverse order, and in process as by the CLI', () => {
      expect([...synthesize([...entries].reverse(), platform).files]).toEqual([...result.files]);
      // The CLI also records its inputs (dist/INPUTS.sha256, lib/inputs-digest.ts); every object file is the same.
      const cli = readTree(path.join(dir, 'dist'));
      expect(cli.delete(INPUTS_FILE)).toBe(true);
      expect(cli).toEqual(result.files);
    });
  });
});
