/**
 * Labels the platform owns (issue 10 §2): reserved label keys refused with their pattern (every
 * default family), the compliance tier restricted to the platform's ordered list, the label
 * settings' own checks, and the diff: every Profile label change flagged, a team change or a
 * lowered tier blocking until `acknowledgements.yaml` acknowledges it, stale acknowledgements
 * reported; through `scripts/diff.ts` in a Git fixture repository too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiffReport, LabelAck } from '../lib/diff';
import { diffTrees, hasBlocking, parseAcks } from '../lib/diff';
import type { PlatformSettings } from '../lib/platform';
import { DEFAULT_PLATFORM, DEFAULT_RESERVED_LABELS, definePlatform, reservedLabelPattern } from '../lib/platform';
import { synthesize } from '../lib/synth';
import type { TenantSpec } from '../lib/tenant';
import { validateTenants } from '../lib/tenant';
import { ValidationError } from '../lib/validation';
import { git, makeRepo, removeRepo, runScript, synthAndCommit, tenantSource, writeTenants } from './fixture-repo';
import { entry, platformErrors, validSpec } from './support/fixtures';

const LABELS = { team: 'fraud', 'cost-centre': 'cc-1', 'compliance-tier': 'pci' };
const errorsOf = (labels: Record<string, string>, platform: PlatformSettings = DEFAULT_PLATFORM): string[] =>
  validateTenants([entry(validSpec({ labels }))], platform).map(String);
const forbidden = (key: string, pattern: string): string =>
  `tenants/fraud.ts: labels[${JSON.stringify(key)}]: Forbidden: ${JSON.stringify(key)}: matches "${pattern}", reserved for the platform (platform.ts labels.reserved): such keys steer isolation, admission or the platform's own bookkeeping, and only the platform sets them; remove the label (keys under your own prefix, e.g. "example.com/<name>", are free to use)`;

describe('reserved label keys', () => {
  it('the message, written out once', () => {
    expect(errorsOf({ ...LABELS, 'istio-injection': 'disabled' })).toEqual([
      'tenants/fraud.ts: labels["istio-injection"]: Forbidden: "istio-injection": matches "istio-injection", reserved for the platform (platform.ts labels.reserved): such keys steer isolation, admission or the platform\'s own bookkeeping, and only the platform sets them; remove the label (keys under your own prefix, e.g. "example.com/<name>", are free to use)',
    ]);
  });

  // Every default pattern, each by a key it reserves; the message names the first (narrowest) match.
  const families: [key: string, pattern: string][] = [
    ['istio-injection', 'istio-injection'],
    ['app.kubernetes.io/managed-by', 'app.kubernetes.io/managed-by'],
    ['app.kubernetes.io/part-of', 'app.kubernetes.io/part-of'],
    ['istio.io/rev', 'istio.io/*'],
    ['sidecar.istio.io/inject', '*.istio.io/*'],
    ['pod-security.kubernetes.io/enforce', 'pod-security.kubernetes.io/*'],
    ['kubernetes.io/metadata.name', 'kubernetes.io/*'],
    ['topology.kubernetes.io/zone', '*.kubernetes.io/*'],
    ['app.kubernetes.io/name', '*.kubernetes.io/*'],
    ['k8s.io/owner', 'k8s.io/*'],
    ['node.k8s.io/pool', '*.k8s.io/*'],
    ['kubeflow.org/profile', 'kubeflow.org/*'],
    ['katib.kubeflow.org/metrics-collector-injection', '*.kubeflow.org/*'],
    ['serving.kubeflow.org/inferenceservice', '*.kubeflow.org/*'],
    ['kubeflow-tenants/tenant', 'kubeflow-tenants/*'],
  ];
  it('covers every default pattern', () => {
    expect(new Set(families.map(([, p]) => p))).toEqual(new Set(DEFAULT_RESERVED_LABELS));
  });
  it.each(families)('%s is refused as %s', (key, pattern) => {
    expect(errorsOf({ ...LABELS, [key]: 'enabled' })).toEqual([forbidden(key, pattern)]);
  });

  it('keys that only look alike are free', () => {
    const free = ['example.com/istio-injection', 'istio-injection-x', 'myistio.io/rev', 'notkubernetes.io/x', 'kubernetes.iox/y', 'kubeflow.organization/x', 'kubeflow-tenantsx/y', 'k8s.io.example.com/z'];
    for (const k of free) expect(reservedLabelPattern(k, DEFAULT_RESERVED_LABELS), k).toBeUndefined();
    expect(errorsOf({ ...LABELS, ...Object.fromEntries(free.map((k) => [k, 'v'])) })).toEqual([]);
  });

  it('all at once, with the other label errors', () => {
    expect(errorsOf({ ...LABELS, 'istio-injection': 'disabled', 'pod-security.kubernetes.io/enforce': 'privileged', 'cost-centre': 'cc 1' })).toEqual([
      'tenants/fraud.ts: labels["cost-centre"]: Invalid value: "cc 1": a label value must be at most 63 characters: alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric',
      forbidden('istio-injection', 'istio-injection'),
      forbidden('pod-security.kubernetes.io/enforce', 'pod-security.kubernetes.io/*'),
    ]);
  });

  it('the platform replaces the list: its own patterns are refused, dropped ones allowed', () => {
    const platform = definePlatform({ labels: { reserved: ['istio-injection', 'example.com/*'] } });
    expect(errorsOf({ ...LABELS, 'example.com/cost': 'x', 'app.kubernetes.io/name': 'x' }, platform)).toEqual([forbidden('example.com/cost', 'example.com/*')]);
  });
});

describe('compliance tier', () => {
  it('is one of the platform tiers', () => {
    expect(errorsOf({ ...LABELS, 'compliance-tier': 'secret' })).toEqual([
      'tenants/fraud.ts: labels["compliance-tier"]: Unsupported value: "secret": supported values: "public", "internal", "confidential", "pci" (platform.ts labels.complianceTiers, lowest to highest)',
    ]);
    for (const t of ['public', 'internal', 'confidential', 'pci']) expect(errorsOf({ ...LABELS, 'compliance-tier': t })).toEqual([]);
  });

  it('follows the configured key and tiers; the required labels keep working', () => {
    const platform = definePlatform({ requiredLabels: ['team', 'data-class'], labels: { complianceTier: 'data-class', complianceTiers: ['open', 'closed'] } });
    expect(errorsOf({ team: 'fraud', 'data-class': 'closed', 'compliance-tier': 'anything' }, platform)).toEqual([]);
    expect(errorsOf({ team: 'fraud', 'data-class': 'pci' }, platform)).toEqual([
      'tenants/fraud.ts: labels["data-class"]: Unsupported value: "pci": supported values: "open", "closed" (platform.ts labels.complianceTiers, lowest to highest)',
    ]);
    expect(errorsOf({ team: 'fraud' }, platform)).toEqual([
      'tenants/fraud.ts: labels["data-class"]: Required value: every tenant must carry the "data-class" label (platform.ts requiredLabels)',
    ]);
  });
});

describe('label settings', () => {
  const refused = platformErrors;
  it('the defaults are documented values', () => {
    expect(DEFAULT_PLATFORM.labels).toEqual({ reserved: DEFAULT_RESERVED_LABELS, team: 'team', complianceTier: 'compliance-tier', complianceTiers: ['public', 'internal', 'confidential', 'pci'] });
  });
  it.each([
    [
      'a pattern with other characters',
      { labels: { reserved: ['istio injection'] } },
      ['platform.ts: labels.reserved[0]: Invalid value: "istio injection": a label key pattern: letters, digits, ".", "-", "_", "/", and "*" for any run of characters, e.g. "example.com/*"'],
    ],
    [
      'a required label that is reserved',
      { requiredLabels: ['team', 'kubernetes.io/owner'] },
      ['platform.ts: requiredLabels[1]: Invalid value: "kubernetes.io/owner": matches the reserved label pattern "kubernetes.io/*" (labels.reserved), so no tenant could set it; remove the pattern or use another key'],
    ],
    [
      'a team key that is reserved',
      { labels: { team: 'app.kubernetes.io/part-of' } },
      ['platform.ts: labels.team: Invalid value: "app.kubernetes.io/part-of": matches the reserved label pattern "app.kubernetes.io/part-of" (labels.reserved), so no tenant could set it; remove the pattern or use another key'],
    ],
    ['a tier key that is not a label key', { labels: { complianceTier: 'tier!' } }, ['platform.ts: labels.complianceTier: Invalid value: "tier!": not a label key: an optional DNS-subdomain prefix and "/", then at most 63 alphanumerics, "-", "_" or "."']],
    [
      'tiers listed twice',
      { labels: { complianceTiers: ['low', 'high', 'low'] } },
      ['platform.ts: labels.complianceTiers[2]: Duplicate value: "low": already listed at labels.complianceTiers[0]; each tier once, lowest to highest'],
    ],
    ['no tiers', { labels: { complianceTiers: [] } }, ['platform.ts: labels.complianceTiers: Required value: the compliance tiers, lowest to highest, e.g. ["public", "internal", "confidential", "pci"]']],
  ] as const)('%s', (_title, input, messages) => {
    expect(refused(input as Parameters<typeof definePlatform>[0])).toEqual(messages);
  });
});

const alpha = validSpec({ name: 'alpha', labels: { team: 'a', 'cost-centre': 'cc-1', 'compliance-tier': 'pci' } });
const beta = validSpec({ name: 'beta', owner: { email: 'beta-lead@example.com' }, labels: { team: 'b', 'cost-centre': 'cc-2', 'compliance-tier': 'internal' } });
const tree = (specs: TenantSpec[], platform: PlatformSettings = DEFAULT_PLATFORM): Map<string, string> => new Map(synthesize(specs.map((s) => entry(s)), platform).files);
const base = tree([alpha, beta]);
const withLabels = (a: Record<string, string>, b: Record<string, string> = beta.labels): Map<string, string> =>
  tree([{ ...alpha, labels: a }, { ...beta, labels: b }]);
const flags = (r: DiffReport): string[] => r.flags.map((f) => `${f.blocking ? 'BLOCKING ' : ''}${f.kind} ${f.group}: ${f.message}`);
const ACK_HINT = 'CI fails until the platform team acknowledges it in acknowledgements.yaml (docs/gitops.md "Platform labels and acknowledgements")';
const TIERS = 'tiers lowest to highest: public, internal, confidential, pci; audit level and placement follow the tier';
const TEAM = 'quota budget, audit level and placement follow the team';
const lowered: LabelAck = { tenant: 'alpha', label: 'compliance-tier', from: 'pci', to: 'internal', reason: 'card data moved to payments (SEC-1)' };

describe('diff: Profile label flags', () => {
  it('any other label change is listed: added, removed, changed, a tier raised', () => {
    const { 'cost-centre': _cc, ...rest } = alpha.labels;
    const r = diffTrees(base, withLabels({ ...rest, 'cost-centre': 'cc-9', 'example.com/app': 'fraud' }, { ...beta.labels, 'compliance-tier': 'pci' }));
    expect(flags(r)).toEqual(['label-changed alpha: cost-centre: cc-1 → cc-9', 'label-changed alpha: example.com/app: (none) → fraud', 'label-changed beta: compliance-tier: internal → pci']);
    expect(hasBlocking(r)).toBe(false);
    const back = diffTrees(withLabels({ ...alpha.labels, 'example.com/app': 'fraud' }), base);
    expect(flags(back)).toEqual(['label-changed alpha: example.com/app: fraud → (none)']);
  });

  it('a lowered compliance tier blocks', () => {
    const r = diffTrees(base, withLabels({ ...alpha.labels, 'compliance-tier': 'internal' }));
    // pci runs at Pod Security restricted, internal at the platform's baseline: flagged too.
    expect(flags(r)).toEqual(['isolation-weakened alpha: Namespace alpha Pod Security restricted → baseline', `BLOCKING compliance-tier-lowered alpha: compliance-tier: pci → internal (${TIERS}); ${ACK_HINT}`]);
    expect(hasBlocking(r)).toBe(true);
  });

  it('a tier the list cannot order counts as lowered', () => {
    const edited = new Map(base).set('tenants/alpha/Profile.alpha.yaml', base.get('tenants/alpha/Profile.alpha.yaml')!.replace('compliance-tier: pci', 'compliance-tier: top'));
    expect(flags(diffTrees(base, edited))).toEqual([`BLOCKING compliance-tier-lowered alpha: compliance-tier: pci → top (${TIERS}); ${ACK_HINT}`]);
    expect(flags(diffTrees(edited, base))).toEqual([`BLOCKING compliance-tier-lowered alpha: compliance-tier: top → pci (${TIERS}); ${ACK_HINT}`]);
  });

  it('moving a tenant to another team blocks', () => {
    const r = diffTrees(base, withLabels({ ...alpha.labels, team: 'b' }));
    expect(flags(r)).toEqual([`BLOCKING team-changed alpha: team: a → b (${TEAM}); ${ACK_HINT}`]);
  });

  it('an acknowledged change is flagged with the reason, not blocking', () => {
    const r = diffTrees(base, withLabels({ ...alpha.labels, 'compliance-tier': 'internal' }), { acks: [lowered] });
    expect(flags(r)).toEqual(['isolation-weakened alpha: Namespace alpha Pod Security restricted → baseline', `compliance-tier-lowered alpha: compliance-tier: pci → internal (${TIERS}); acknowledged in acknowledgements.yaml: card data moved to payments (SEC-1)`]);
    expect(hasBlocking(r)).toBe(false);
  });

  it('an acknowledgement must match exactly; one matching nothing is a stale note', () => {
    const other: LabelAck = { ...lowered, to: 'public' };
    const r = diffTrees(base, withLabels({ ...alpha.labels, 'compliance-tier': 'internal' }), { acks: [other] });
    expect(flags(r)).toEqual([
      'isolation-weakened alpha: Namespace alpha Pod Security restricted → baseline',
      `BLOCKING compliance-tier-lowered alpha: compliance-tier: pci → internal (${TIERS}); ${ACK_HINT}`,
      'stale-acknowledgement alpha: acknowledgements.yaml[0] (compliance-tier: pci → public) matches no label change in this diff; remove it once its change is merged',
    ]);
    const none = diffTrees(base, base, { acks: [lowered] });
    expect(flags(none)).toEqual(['stale-acknowledgement alpha: acknowledgements.yaml[0] (compliance-tier: pci → internal) matches no label change in this diff; remove it once its change is merged']);
    expect(hasBlocking(none)).toBe(false);
  });

  it('the team and tier keys and the tier order come from the platform', () => {
    const platform = definePlatform({ requiredLabels: ['squad'], labels: { team: 'squad', complianceTier: 'data-class', complianceTiers: ['open', 'closed'] } });
    const t = (squad: string, cls: string): Map<string, string> => tree([{ ...alpha, labels: { squad, 'data-class': cls } }], platform);
    const ctx = { labels: platform.labels };
    expect(flags(diffTrees(t('a', 'closed'), t('b', 'open'), ctx))).toEqual([
      'BLOCKING compliance-tier-lowered alpha: data-class: closed → open (tiers lowest to highest: open, closed; audit level and placement follow the tier); ' + ACK_HINT,
      'BLOCKING team-changed alpha: squad: a → b (quota budget, audit level and placement follow the team); ' + ACK_HINT,
    ]);
    expect(flags(diffTrees(t('a', 'open'), t('a', 'closed'), ctx))).toEqual(['label-changed alpha: data-class: open → closed']);
  });

  it('a new tenant raises no label flag (tenant added says it all)', () => {
    expect(diffTrees(tree([beta]), base).flags.map((f) => f.kind)).not.toContain('label-changed');
  });
});

describe('acknowledgements.yaml', () => {
  it('parses entries; null means the label is absent; comments only is empty', () => {
    expect(parseAcks('# nothing yet\n')).toEqual([]);
    expect(parseAcks('- { tenant: alpha, label: team, from: a, to: null, reason: " merged into b " }\n')).toEqual([{ tenant: 'alpha', label: 'team', from: 'a', to: null, reason: 'merged into b' }]);
  });
  it('refuses bad entries with every error at once', () => {
    let errs: string[] = [];
    try {
      parseAcks('- { tenant: alpha, label: team, from: a, reason: "" , by: me }\n- 3\n');
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      errs = e.errors.map(String);
    }
    expect(errs).toEqual([
      'acknowledgements.yaml: [0].by: Unsupported value: "by": unknown field; supported fields: tenant, label, from, to, reason',
      'acknowledgements.yaml: [0].reason: Required value: why the platform team accepts the change, e.g. "PCI scope moved to payments (TICKET-123)"',
      "acknowledgements.yaml: [0].to: Required value: the label's value after the change, or null when it is absent",
      'acknowledgements.yaml: [1]: Invalid value: 3: must be an entry { tenant, label, from, to, reason }',
    ]);
  });
});

describe('npm run diff with label changes, on a fixture repository', () => {
  let repo: string;
  beforeAll(() => {
    repo = makeRepo({ 'alpha.ts': tenantSource(alpha), 'beta.ts': tenantSource(beta) }, { gitInit: true });
    synthAndCommit(repo, 'two tenants');
    git(repo, 'checkout', '-q', '-b', 'feature');
  }, 60_000);
  afterAll(() => removeRepo(repo));
  const acks = (text: string | null): void => {
    const f = path.join(repo, 'acknowledgements.yaml');
    if (text === null) fs.rmSync(f, { force: true });
    else fs.writeFileSync(f, text);
  };

  it('a lowered tier fails until acknowledged; the acknowledgement reason is shown; a stale one is a note', () => {
    writeTenants(repo, { 'alpha.ts': tenantSource({ ...alpha, labels: { ...alpha.labels, 'compliance-tier': 'internal' } }) });
    const blocked = runScript(repo, 'scripts/diff.ts');
    expect(blocked.stderr).toBe('');
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toMatch(/\n {2}BLOCKING compliance tier lowered +alpha: compliance-tier: pci → internal \(/);

    acks(
      '# owned by the platform team\n' +
        '- tenant: alpha\n  label: compliance-tier\n  from: pci\n  to: internal\n  reason: card data moved to payments (SEC-1)\n' +
        '- tenant: beta\n  label: team\n  from: b\n  to: c\n  reason: reorg\n',
    );
    const acked = runScript(repo, 'scripts/diff.ts');
    expect(acked.stderr).toBe('');
    expect(acked.code).toBe(0);
    expect(acked.stdout).not.toContain('BLOCKING');
    expect(acked.stdout).toMatch(/\n {2}compliance tier lowered +alpha: compliance-tier: pci → internal \(.*\); acknowledged in acknowledgements\.yaml: card data moved to payments \(SEC-1\)\n/);
    expect(acked.stdout).toMatch(/\n {2}stale acknowledgement +beta: acknowledgements\.yaml\[1\] \(team: b → c\) matches no label change in this diff/);
    const md = runScript(repo, 'scripts/diff.ts', '--format', 'markdown');
    expect(md.stdout).toContain('| ⚠️ | compliance tier lowered | `alpha` |');
    expect(md.stdout).not.toContain('⛔');
  }, 120_000);

  it('a team change blocks; a broken acknowledgements file is reported like tenant errors', () => {
    writeTenants(repo, { 'alpha.ts': tenantSource({ ...alpha, labels: { ...alpha.labels, team: 'b' } }) });
    acks(null);
    const blocked = runScript(repo, 'scripts/diff.ts');
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toMatch(/\n {2}BLOCKING team changed +alpha: team: a → b \(/);

    acks('- tenant: alpha\n  label: team\n  from: a\n  to: b\n');
    const broken = runScript(repo, 'scripts/diff.ts');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('acknowledgements.yaml: [0].reason: Required value: why the platform team accepts the change');
    acks(null);
    writeTenants(repo, { 'alpha.ts': tenantSource(alpha) });
  }, 120_000);
});
