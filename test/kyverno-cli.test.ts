/**
 * The Kyverno guard as Kyverno itself evaluates it: the v1.19.1 CLI (test/kyverno-cli, built by
 * `npm run build:tools`, never here) runs `kyverno apply <policies> --resource <file>` offline, one
 * admission request per case of the shared guard-case table (test/support/guard-cases.ts), which
 * synth validation (test/admission-guard.test.ts) and the API server's ValidatingAdmissionPolicy
 * (test/cluster/7-admission-guard.cluster.test.ts) answer too: all must give each case's outcome.
 *
 * The CLI's admission requests: CREATE (the default) has the resource as object and an empty
 * oldObject; a values file declaring `request.operation` makes it DELETE (the resource as oldObject)
 * or UPDATE (the resource as both object and oldObject). So an UPDATE that changes the object cannot
 * be posed: such cases are listed as skipped, with that reason, and evaluated with Kyverno's request
 * shape by cel-go instead (test/kyverno-cel.test.ts). Every request is made by a user, as a real one
 * is (the namespace rule reads request.userInfo.username): an ordinary administrator.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';
import * as yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardRules, NAMESPACE_GUARD_POLICY, PROFILE_GUARD_POLICY } from '../lib/constructs/admission-guard';
import type { PlatformSettings } from '../lib/platform';
import { synthesize } from '../lib/synth';
import type { TenantEntry } from '../lib/validation';
import { fixtureInputs } from './fixture-repo';
import { entry, validSpec } from './support/fixtures';
import type { GuardCase } from './support/guard-cases';
import { GUARD_CASES, GUARD_CASES_PLATFORM, GUARD_CASES_TENANTS } from './support/guard-cases';
import { toolBinary } from './support/tools';

type Json = Record<string, any>;
type Operation = GuardCase['operation'];

/** Who asks: not an identity of `guards.namespaceDeleters` (the cluster tier asks as its admin user too). */
const REQUEST_USER = 'kubernetes-admin';

/** Why the CLI cannot pose a case, or undefined when it can. */
function cannotPose(c: GuardCase): string | undefined {
  if (c.notInCluster) return `no in-cluster rule: ${c.notInCluster}`;
  if (c.operation === 'UPDATE' && !isDeepStrictEqual(c.object, c.oldObject)) {
    return 'an UPDATE that changes the object: the Kyverno CLI sends one resource as both object and oldObject (cel-go evaluates it with Kyverno\'s request shape, test/kyverno-cel.test.ts)';
  }
  return undefined;
}

/** Kyverno's decision on one request: the rules whose validations failed, by the names their messages start with. */
interface CliVerdict {
  readonly decision: 'allow' | 'deny';
  readonly rules: string[];
  readonly output: string;
}

const run = promisify(execFile);

/**
 * `kyverno apply` of the policy files on each request (two at a time: two cores), deprecation
 * warnings as errors. A policy error, or a request no policy matched (which would pass vacuously),
 * throws instead of answering.
 */
async function applyWithKyvernoCli(
  policyFiles: readonly string[],
  requests: readonly { readonly label: string; readonly operation: Operation; readonly resources: readonly Json[] }[],
  ruleNames: readonly string[],
): Promise<CliVerdict[]> {
  const bin = toolBinary('kyverno-cli');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kft-kyverno-cli-'));
  try {
    const user = path.join(dir, 'user.yaml');
    fs.writeFileSync(user, yaml.dump({ apiVersion: 'cli.kyverno.io/v1alpha1', kind: 'UserInfo', userInfo: { username: REQUEST_USER } }));
    const values = (op: Operation): string => {
      const f = path.join(dir, `values-${op}.yaml`);
      fs.writeFileSync(f, yaml.dump({ apiVersion: 'cli.kyverno.io/v1alpha1', kind: 'Values', globalValues: { 'request.operation': op } }));
      return f;
    };
    const valueFiles = { CREATE: values('CREATE'), UPDATE: values('UPDATE'), DELETE: values('DELETE') };
    const one = async (req: (typeof requests)[number], i: number): Promise<CliVerdict> => {
      const resource = path.join(dir, `request-${i}.yaml`);
      fs.writeFileSync(resource, req.resources.map((r) => yaml.dump(r)).join('---\n'));
      const args = ['apply', ...policyFiles, '--resource', resource, '--values-file', valueFiles[req.operation], '--userinfo', user, '--remove-color', '--warnings-as-errors'];
      // Exit 1 on a violation and on an error: the summary line tells them apart.
      const r = await run(bin, args, { encoding: 'utf8', maxBuffer: 1 << 24 }).catch((e: { stdout?: string; stderr?: string; code?: number }) => ({
        stdout: e.stdout ?? '',
        stderr: `${e.stderr ?? ''} (exit ${String(e.code)})`,
      }));
      const output = `${r.stdout}\n${r.stderr}`;
      const summary = /pass: (\d+), fail: (\d+), warn: (\d+), error: (\d+), skip: (\d+)/.exec(r.stdout);
      if (!summary) throw new Error(`${req.label}: no result summary from kyverno apply:\n${output}`);
      const [pass, fail, warn, error] = summary.slice(1).map(Number) as [number, number, number, number];
      if (error > 0 || warn > 0) throw new Error(`${req.label}: policy errors or warnings:\n${output}`);
      if (pass + fail !== req.resources.length) throw new Error(`${req.label}: ${pass + fail} results for ${req.resources.length} resources (a policy did not match):\n${output}`);
      return { decision: fail > 0 ? 'deny' : 'allow', rules: ruleNames.filter((n) => r.stdout.includes(` ${n}: `)), output };
    };
    const out: CliVerdict[] = new Array(requests.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const i = next++;
        out[i] = await one(requests[i]!, i);
      }
    };
    await Promise.all([worker(), worker()]);
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The guard's ValidatingPolicy files exactly as synth writes them to dist/cluster/, copied to `dir`. */
function policyFiles(entries: readonly TenantEntry[], platform: PlatformSettings, dir: string): string[] {
  const result = synthesize(entries, platform);
  return [...result.files]
    .filter(([f]) => /^cluster\/ValidatingPolicy\.[^/]+\.yaml$/.test(f))
    .map(([f, content]) => {
      const file = path.join(dir, path.basename(f));
      fs.writeFileSync(file, content);
      return file;
    });
}

/** The one resource the CLI is given for a case: the object, or on DELETE the stored object. */
const resourceOf = (c: GuardCase): Json => (c.operation === 'DELETE' ? c.oldObject! : c.object!) as unknown as Json;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kft-kyverno-policies-'));
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('guard cases: the Kyverno ValidatingPolicy through the Kyverno v1.19.1 CLI', () => {
  const ruleNames = guardRules(GUARD_CASES_PLATFORM).map((r) => r.name);
  const posed = GUARD_CASES.filter((c) => cannotPose(c) === undefined);
  let verdicts: Map<string, CliVerdict>;
  beforeAll(async () => {
    // The same org and platform as the cluster tier's guard suite.
    const files = policyFiles(GUARD_CASES_TENANTS.map((n) => entry(validSpec({ name: n }), `tenants/${n}.ts`)), GUARD_CASES_PLATFORM, fs.mkdtempSync(path.join(dir, 'cases-')));
    expect(files.map((f) => path.basename(f)).sort()).toEqual([`ValidatingPolicy.${NAMESPACE_GUARD_POLICY}.yaml`, `ValidatingPolicy.${PROFILE_GUARD_POLICY}.yaml`]);
    const out = await applyWithKyvernoCli(
      files,
      posed.map((c) => ({ label: c.name, operation: c.operation, resources: [resourceOf(c)] })),
      ruleNames,
    );
    verdicts = new Map(posed.map((c, i) => [c.name, out[i]!]));
  }, 300_000);

  it.each(posed.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const v = verdicts.get(c.name)!;
    expect(v.decision, v.output).toBe(c.expect);
    // Refused by exactly the rule the table names.
    expect(v.rules, v.output).toEqual(c.expect === 'deny' ? [c.rule] : []);
  });

  for (const c of GUARD_CASES.filter((x) => cannotPose(x) !== undefined)) {
    it.skip(`${c.name} (not posed: ${cannotPose(c)!})`, () => {});
  }

  it('poses every case but the UPDATEs that change the object, with both outcomes for each operation', () => {
    const skipped = GUARD_CASES.filter((c) => cannotPose(c) !== undefined && !c.notInCluster);
    expect(skipped.every((c) => c.operation === 'UPDATE')).toBe(true);
    expect(posed.length).toBeGreaterThan(GUARD_CASES.length * 0.7);
    for (const op of ['CREATE', 'DELETE'] as const) expect(new Set(posed.filter((c) => c.operation === op).map((c) => c.expect)), op).toEqual(new Set(['allow', 'deny']));
    // The Profile controller's reconcile PUT, unchanged, is posed.
    expect(posed.filter((c) => c.operation === 'UPDATE').length).toBeGreaterThan(0);
    // Every rule refuses at least one posed case.
    expect([...new Set(posed.map((c) => c.rule).filter(Boolean))].sort()).toEqual([...ruleNames].sort());
  });
});

describe("the examples fixture's dist through the Kyverno CLI", () => {
  it("admits every Profile of the fixture's dist, created and PUT back unchanged, with the fixture's own policies", async () => {
    const { entries, platform } = await fixtureInputs('examples');
    const files = policyFiles(entries, platform, fs.mkdtempSync(path.join(dir, 'examples-')));
    expect(files.length).toBe(2);
    const profiles = synthesize(entries, platform).objects.filter((o) => o.manifest.kind === 'Profile').map((o) => o.manifest as Json);
    expect(profiles.length).toBeGreaterThan(3);
    const ruleNames = guardRules(platform).map((r) => r.name);
    const out = await applyWithKyvernoCli(
      files,
      (['CREATE', 'UPDATE'] as const).map((operation) => ({ label: `${operation} the fixture's Profiles`, operation, resources: profiles })),
      ruleNames,
    );
    for (const v of out) expect(v.decision, v.output).toBe('allow');
  }, 120_000);
});
