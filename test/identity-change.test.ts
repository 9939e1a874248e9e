/**
 * Identity changes (issue 11): an owner change is a BLOCKING diff flag listing the re-keying steps
 * in order, acknowledged only by an owner entry of acknowledgements.yaml; moving the platform from
 * e-mail to IdP subject changes every owner and blocks every tenant the same way.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, DiffReport } from '../lib/diff';
import { diffTrees, hasBlocking, ownerRekeySteps, parseAcks } from '../lib/diff';
import type { PlatformSettings } from '../lib/platform';
import { DEFAULT_PLATFORM, definePlatform } from '../lib/platform';
import { synthesize } from '../lib/synth';
import type { TenantSpec } from '../lib/tenant';
import { ValidationError } from '../lib/validation';
import { git, makeRepo, removeRepo, runScript, synthAndCommit, tenantSource, writeTenants } from './fixture-repo';
import { entry, validSpec } from './support/fixtures';

const alpha = validSpec({ name: 'alpha', owner: { email: 'lead@example.com', subject: 'sub-lead' }, contributors: [] });
const tree = (specs: TenantSpec[], platform: PlatformSettings = DEFAULT_PLATFORM): Map<string, string> => new Map(synthesize(specs.map((s) => entry(s)), platform).files);
const base = tree([alpha]);
const moved = tree([{ ...alpha, owner: { email: 'new-lead@example.com' } }]);
const owners = (r: DiffReport) => r.flags.filter((f) => f.kind === 'owner-changed');
const ack: Ack = { tenant: 'alpha', owner: { from: 'lead@example.com', to: 'new-lead@example.com' }, reason: 'lead moved teams (HR-7)' };

describe('owner change: a blocking flag with the re-keying steps', () => {
  it('blocks, names the controller message and lists the three steps in order', () => {
    const r = diffTrees(base, moved);
    expect(hasBlocking(r)).toBe(true);
    const [f] = owners(r);
    expect(f?.blocking).toBe(true);
    expect(f?.owner).toEqual({ from: 'lead@example.com', to: 'new-lead@example.com' });
    expect(f?.message).toContain('lead@example.com → new-lead@example.com; CI fails until the platform team acknowledges it in acknowledgements.yaml ({ tenant: alpha, owner: { from: lead@example.com, to: new-lead@example.com }, reason })');
    expect(f?.message).toContain('"namespace already exist, but not owned by profile creator new-lead@example.com"');
    const steps = ownerRekeySteps('alpha', 'new-lead@example.com');
    expect(steps.map((s) => s.split(' (')[0])).toEqual([
      'kubectl annotate namespace alpha owner=new-lead@example.com --overwrite',
      'merge, and let Argo CD sync the Profile',
      'kubectl delete rolebinding namespaceAdmin -n alpha && kubectl delete authorizationpolicy ns-owner-access-istio -n alpha',
    ]);
    // In that order in the message: annotation, then merge, then recreate.
    const at = steps.map((s) => f!.message.indexOf(s));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((x, y) => x - y)).toEqual(at);
  });

  it('an exactly matching owner acknowledgement makes it a flag with the reason; steps stay', () => {
    const r = diffTrees(base, moved, { acks: [ack] });
    expect(hasBlocking(r)).toBe(false);
    const [f] = owners(r);
    expect(f?.blocking).toBe(false);
    expect(f?.message).toContain('acknowledged in acknowledgements.yaml: lead moved teams (HR-7)');
    expect(f?.message).toContain('1) kubectl annotate namespace alpha owner=new-lead@example.com');
  });

  it('an acknowledgement for other owners does not match and is reported stale', () => {
    const other: Ack = { ...ack, owner: { from: 'lead@example.com', to: 'someone@example.com' } };
    const r = diffTrees(base, moved, { acks: [other] });
    expect(hasBlocking(r)).toBe(true);
    expect(r.flags.filter((f) => f.kind === 'stale-acknowledgement').map((f) => f.message)).toEqual([
      'acknowledgements.yaml[0] (owner: lead@example.com → someone@example.com) matches no owner change in this diff; remove it once its change is merged',
    ]);
    // A label acknowledgement never acknowledges an owner change, nor the reverse.
    const label: Ack = { tenant: 'alpha', label: 'owner', from: 'lead@example.com', to: 'new-lead@example.com', reason: 'x' };
    expect(hasBlocking(diffTrees(base, moved, { acks: [label] }))).toBe(true);
  });

  it('identity.use moving from e-mail to subject changes every owner: blocks like any owner change', () => {
    const bySubject = definePlatform({ identity: { use: 'subject' } });
    const r = diffTrees(base, tree([alpha], bySubject));
    const [f] = owners(r);
    expect(f?.blocking).toBe(true);
    expect(f?.owner).toEqual({ from: 'lead@example.com', to: 'sub-lead' });
  });

  it('the same owner (e-mail case kept) raises nothing', () => {
    expect(owners(diffTrees(base, tree([alpha])))).toEqual([]);
  });
});

describe('acknowledgements.yaml: owner entries', () => {
  it('parses { tenant, owner: { from, to }, reason } next to label entries', () => {
    expect(
      parseAcks('- { tenant: alpha, owner: { from: a@x.com, to: b@x.com }, reason: " handover " }\n- { tenant: beta, label: team, from: a, to: b, reason: r }\n'),
    ).toEqual([
      { tenant: 'alpha', owner: { from: 'a@x.com', to: 'b@x.com' }, reason: 'handover' },
      { tenant: 'beta', label: 'team', from: 'a', to: 'b', reason: 'r' },
    ]);
  });

  it('refuses malformed owner entries with every error at once', () => {
    let errs: string[] = [];
    try {
      parseAcks('- { tenant: alpha, owner: { from: a@x.com, by: me }, reason: "", label: x }\n- { tenant: beta, owner: b@x.com, reason: r }\n');
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      errs = e.errors.map(String);
    }
    expect(errs).toEqual([
      'acknowledgements.yaml: [0].label: Unsupported value: "label": unknown field of an owner acknowledgement; supported fields: tenant, owner, reason',
      'acknowledgements.yaml: [0].reason: Required value: why the platform team accepts the new owner, e.g. "lead moved to platform team (TICKET-123)"',
      'acknowledgements.yaml: [0].owner.by: Unsupported value: "by": supported fields: from, to',
      "acknowledgements.yaml: [0].owner.to: Required value: the owner's identity in the change (e-mail or IdP subject, as the diff shows it)",
      'acknowledgements.yaml: [1].owner: Invalid value: "b@x.com": must be { from: <old owner>, to: <new owner> }, the Profile owners (identities) before and after',
    ]);
  });
});

describe('npm run diff with an owner change, on a fixture repository', () => {
  let repo: string;
  beforeAll(() => {
    repo = makeRepo({ 'alpha.ts': tenantSource(alpha) }, { gitInit: true });
    synthAndCommit(repo, 'one tenant');
    git(repo, 'checkout', '-q', '-b', 'feature');
  }, 60_000);
  afterAll(() => removeRepo(repo));

  it('fails (exit 1) with the steps until the platform team acknowledges the owner change, then passes', () => {
    writeTenants(repo, { 'alpha.ts': tenantSource({ ...alpha, owner: { email: 'new-lead@example.com' } }) });
    const blocked = runScript(repo, 'scripts/diff.ts');
    expect(blocked.stderr).toBe('');
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toMatch(/\n {2}BLOCKING owner changed +alpha: lead@example.com → new-lead@example.com; CI fails until the platform team acknowledges it/);
    expect(blocked.stdout).toContain('1) kubectl annotate namespace alpha owner=new-lead@example.com --overwrite');

    fs.writeFileSync(path.join(repo, 'acknowledgements.yaml'), '- tenant: alpha\n  owner: { from: lead@example.com, to: new-lead@example.com }\n  reason: lead moved teams (HR-7)\n');
    const acked = runScript(repo, 'scripts/diff.ts');
    expect(acked.stderr).toBe('');
    expect(acked.code).toBe(0);
    expect(acked.stdout).not.toContain('BLOCKING');
    expect(acked.stdout).toContain('acknowledged in acknowledgements.yaml: lead moved teams (HR-7)');
  }, 120_000);
});
