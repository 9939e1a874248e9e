/**
 * `npm run diff` separates what a tool upgrade changes in dist/ from what tenant files change. A
 * tool upgrade, seen from the diff, is a base whose committed dist/ differs from what the current
 * tool makes of the base's own tenant files: here the base's dist/ is hand-edited (older LimitRange
 * defaults, a NetworkPolicy without the kubeflow peer) and package-lock.json changes on the branch,
 * which is what makes the tool count as changed (lib/ itself is a symlink in fixture repositories).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffTrees, renderMarkdown, renderText, TOOL_SECTION_TITLE } from '../lib/diff';
import { DEFAULT_PLATFORM } from '../lib/platform';
import { synthesize } from '../lib/synth';
import type { TenantSpec } from '../lib/tenant';
import { resynthesizeBase, splitToolChanges, toolChanged } from '../lib/toolchange';
import { git, makeRepo, removeRepo, runScript, synthAndCommit, tenantSource, writeTenants } from './fixture-repo';
import { entry, validSpec } from './support/fixtures';

const alpha = validSpec({ name: 'alpha', labels: { team: 'a', 'cost-centre': 'cc-1', 'compliance-tier': 'pci' } });
const beta = validSpec({ name: 'beta', owner: { email: 'beta-lead@example.com' }, labels: { team: 'b', 'cost-centre': 'cc-2', 'compliance-tier': 'internal' } });
const alphaRaised: TenantSpec = { ...alpha, quota: { ...alpha.quota, cpu: '20' } };
const TOOL_TITLE = 'CHANGES FROM THE TOOL (lib/, platform code) — NOT FROM TENANT FILES';
const KUBEFLOW_PEER = '        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: kubeflow\n';

/** Replaces text in a file of the repo; throws when nothing changes (the fixture would be silently wrong). */
function editFile(repo: string, rel: string, from: string, to: string): void {
  const file = path.join(repo, rel);
  const text = fs.readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${rel}: no ${JSON.stringify(from)}`);
  fs.writeFileSync(file, text.replace(from, to));
}

/** Splits a text report into the tenant part and the tool part. */
function sections(stdout: string): { tenants: string; tool: string } {
  const i = stdout.indexOf(`\n${TOOL_TITLE}\n`);
  return i < 0 ? { tenants: stdout, tool: '' } : { tenants: stdout.slice(0, i), tool: stdout.slice(i) };
}

describe('npm run diff: tool changes apart from tenant changes', () => {
  let repo: string;
  beforeAll(() => {
    repo = makeRepo({ 'alpha.ts': tenantSource(alpha), 'beta.ts': tenantSource(beta) }, { gitInit: true });
    fs.writeFileSync(path.join(repo, 'package-lock.json'), '{ "lockfileVersion": 3, "tool": "v1" }\n');
    synthAndCommit(repo, 'two tenants, synthesized by the current tool');
    // What the previous tool version wrote: other default requests, one peer fewer.
    for (const t of ['alpha', 'beta']) {
      editFile(repo, `dist/tenants/${t}/LimitRange.tenant-limits.yaml`, 'cpu: "100m"', 'cpu: "50m"');
      editFile(repo, `dist/tenants/${t}/NetworkPolicy.tenant-isolation.yaml`, KUBEFLOW_PEER, '');
    }
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'dist/ as the old tool wrote it');
    git(repo, 'checkout', '-q', '-b', 'feature');
  }, 60_000);
  afterAll(() => removeRepo(repo));

  const upgradeTool = (): void => fs.writeFileSync(path.join(repo, 'package-lock.json'), '{ "lockfileVersion": 3, "tool": "v2" }\n');
  const restoreTool = (): void => void git(repo, 'checkout', '-q', '--', 'package-lock.json');

  it('the tool counts as changed when lib/, imports/ or package-lock.json differ from the base, committed or not', () => {
    expect(toolChanged(repo, 'main')).toBe(false);
    upgradeTool();
    expect(toolChanged(repo, 'main')).toBe(true);
    restoreTool();
    expect(toolChanged(repo, 'main')).toBe(false);
  });

  it('a base without dist/ is compared as it is, even when the tool changed', async () => {
    upgradeTool();
    try {
      const split = await splitToolChanges(repo, 'main', new Map());
      expect(split).toEqual({ before: new Map() });
    } finally {
      restoreTool();
    }
  });

  it('tool upgraded: the quota change is a tenant change, the LimitRange and NetworkPolicy changes are tool changes, each with its flags', () => {
    upgradeTool();
    writeTenants(repo, { 'alpha.ts': tenantSource(alphaRaised) });
    try {
      const r = runScript(repo, 'scripts/diff.ts');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const { tenants, tool } = sections(r.stdout);
      const lines = tenants.split('\n');
      expect(lines[2]).toBe(
        'note: the tool changed since the base: its 4 object change(s) are listed separately at the end; everything above comes from tenant files or platform.ts',
      );
      expect(lines[1]).toBe('1 tenant(s) changed; 0 added; 0 removed; 1 unchanged; objects: 0 added, 0 removed, 1 changed');
      expect(tenants).toContain('\nRISK FLAGS (1)\n  quota raised  alpha: requests.cpu: 10 → 20 (+10, +100%)\n');
      expect(tenants).toContain('\nalpha (changed)\n  ~ Profile alpha\n      spec.resourceQuotaSpec.hard["requests.cpu"]: "10" → "20"\n');
      expect(tenants).not.toContain('LimitRange');
      expect(tenants).not.toContain('isolation weakened');
      expect(tenants).toContain('1 tenant(s) unchanged: beta');

      expect(tool).toContain("(the base's dist/ → the base's tenant files synthesized by this version of the tool)");
      expect(tool).toContain('2 tenant(s) changed; 0 added; 0 removed; 0 unchanged; objects: 0 added, 0 removed, 4 changed');
      expect(tool).toMatch(/\nRISK FLAGS FROM THE TOOL \(2\)\n {2}isolation weakened {2}alpha: NetworkPolicy alpha\/tenant-isolation admits more: .*kubeflow.*\n {2}isolation weakened {2}beta: NetworkPolicy beta\/tenant-isolation admits more: .*kubeflow/);
      expect(tool).toContain('\nalpha (changed)\n  ~ LimitRange alpha/tenant-limits\n      spec.limits[1].defaultRequest.cpu: "50m" → "100m"\n  ~ NetworkPolicy alpha/tenant-isolation\n');
      expect(tool).toContain('\nbeta (changed)\n  ~ LimitRange beta/tenant-limits\n');
      expect(tool).not.toContain('quota raised');
      expect(tool).not.toContain('Profile');

      const m = runScript(repo, 'scripts/diff.ts', '--format', 'markdown');
      expect(m.code).toBe(0);
      const toolAt = m.stdout.indexOf(`### 🔧 ${TOOL_SECTION_TITLE}`);
      expect(toolAt).toBeGreaterThan(0);
      const [mdTenants, mdTool] = [m.stdout.slice(0, toolAt), m.stdout.slice(toolAt)];
      expect(mdTenants).toContain('> the tool changed since the base: its 4 object change(s)');
      expect(mdTenants).toContain('### ⚠️ Risk flags (1)');
      expect(mdTenants).toContain('| ⚠️ | quota raised | `alpha` | requests.cpu: 10 → 20 (+10, +100%) |');
      expect(mdTenants).not.toContain('isolation weakened');
      expect(mdTool).toContain('#### ⚠️ Risk flags from the tool (2)');
      expect(mdTool).toMatch(/\| ⚠️ \| isolation weakened \| `beta` \| NetworkPolicy beta\/tenant-isolation admits more/);
      expect(mdTool).toContain('<details><summary><b>alpha</b>: changed, 2 object(s)</summary>');
      expect(mdTool).not.toContain('quota raised');
    } finally {
      restoreTool();
      writeTenants(repo, { 'alpha.ts': tenantSource(alpha) });
    }
  }, 60_000);

  it('fast path: the tool did not change, nothing is re-synthesized, every change is in one report', () => {
    writeTenants(repo, { 'alpha.ts': tenantSource(alphaRaised) });
    try {
      const r = runScript(repo, 'scripts/diff.ts');
      expect(r.code).toBe(0);
      // Without a re-synth, the base's old LimitRange defaults show up among the changes.
      expect(r.stdout).not.toContain(TOOL_TITLE);
      expect(r.stdout).not.toContain('note:');
      expect(r.stdout).toContain('\nRISK FLAGS (3)\n');
      expect(r.stdout).toContain('quota raised        alpha: requests.cpu: 10 → 20 (+10, +100%)');
      expect(r.stdout).toMatch(/isolation weakened {2}beta: NetworkPolicy beta\/tenant-isolation admits more/);
      expect(r.stdout).toContain('  ~ LimitRange beta/tenant-limits\n');
    } finally {
      writeTenants(repo, { 'alpha.ts': tenantSource(alpha) });
    }
  }, 60_000);

  it('tool upgraded, same output for the base: one line says so, no tool section', () => {
    upgradeTool();
    try {
      // main~1 is the commit whose dist/ the current tool wrote.
      const r = runScript(repo, 'scripts/diff.ts', '--base', 'main~1');
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n')[2]).toBe(
        "note: the tool changed since the base, but produces the same dist/ for the base's tenant files: every change below comes from tenant files or platform.ts",
      );
      expect(r.stdout).toContain('\nno changes\n');
      expect(r.stdout).not.toContain(TOOL_TITLE);
    } finally {
      restoreTool();
    }
  }, 60_000);

  it('fallback: base tenant files this tool rejects are named in one line, and the report is combined', () => {
    // A base whose alpha.ts has a field the current tool no longer accepts.
    git(repo, 'checkout', '-q', '-b', 'old-field', 'main');
    writeTenants(repo, { 'alpha.ts': tenantSource({ ...alpha, retired: true } as TenantSpec) });
    git(repo, 'commit', '-q', '-am', 'a field the old tool accepted');
    git(repo, 'checkout', '-q', 'feature');
    upgradeTool();
    writeTenants(repo, { 'alpha.ts': tenantSource(alphaRaised) });
    try {
      const r = runScript(repo, 'scripts/diff.ts', '--base', 'old-field');
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n')[2]).toMatch(
        /^note: the tool changed since the base, but this version cannot synthesize the base's tenant files \(1 error\(s\); first: tenants\/alpha\.ts: retired: Unsupported value: "retired": unknown field; .*\): tool and tenant changes are shown together$/,
      );
      expect(r.stdout).not.toContain(TOOL_TITLE);
      expect(r.stdout).toContain('quota raised        alpha: requests.cpu: 10 → 20 (+10, +100%)');
      expect(r.stdout).toContain('  ~ LimitRange alpha/tenant-limits\n');
    } finally {
      restoreTool();
      writeTenants(repo, { 'alpha.ts': tenantSource(alpha) });
    }
  }, 60_000);
});

describe('rendering the tool section', () => {
  const tree = (specs: TenantSpec[]): Map<string, string> => new Map(synthesize(specs.map((s) => entry(s)), DEFAULT_PLATFORM).files);
  const base = tree([alpha, beta]);
  const tenantReport = diffTrees(base, tree([alphaRaised, beta]));
  // A tool that removed beta's mTLS and deletion protection: blocking-level weakening, from the tool.
  const weakened = new Map(base);
  weakened.delete('tenants/beta/PeerAuthentication.tenant-mtls-strict.yaml');
  const toolReport = diffTrees(base, weakened);

  it('text: deprecations and the tool section are labelled and come after the tenant changes', () => {
    const text = renderText(tenantReport, { tool: toolReport, note: 'n', deprecations: ['tenants/a.ts: quota.x: Deprecated: renamed to quota.y on 2026-11-27; the alias is removed after 2027-05-31: rename the field'] });
    const order = ['note: n', 'RISK FLAGS (1)', 'DEPRECATED FIELDS IN USE (1)', '  tenants/a.ts: quota.x: Deprecated:', 'alpha (changed)', TOOL_TITLE, 'RISK FLAGS FROM THE TOOL (1)', '  isolation weakened  beta: PeerAuthentication beta/tenant-mtls-strict removed'];
    const at = order.map((s) => text.indexOf(s));
    expect(at.every((i) => i >= 0), text).toBe(true);
    expect([...at].sort((x, y) => x - y)).toEqual(at);
    // Without the options the report is exactly the plain one.
    expect(renderText(tenantReport, { tool: undefined, deprecations: [] })).toBe(renderText(tenantReport));
    expect(renderMarkdown(tenantReport, { tool: undefined, deprecations: [] })).toBe(renderMarkdown(tenantReport));
  });

  it('a blocking flag from the tool is marked as the tool\'s, apart from the tenant flags', () => {
    const withoutBeta = new Map([...base].filter(([f]) => !f.startsWith('tenants/beta/') && !/^platform\/[^/]+\/beta\./.test(f)));
    const md = renderMarkdown(tenantReport, { tool: diffTrees(base, withoutBeta) });
    expect(md).toContain('#### ⚠️ Risk flags from the tool (1)');
    expect(md).toContain('| ⛔ | tenant removed | `beta` |');
    expect(md).toContain('**⛔ The tool upgrade must not be merged as it is: see the blocking flags above.**');
    expect(md).not.toContain('This change must not be merged');
    expect(renderText(tenantReport, { tool: diffTrees(base, withoutBeta) })).toMatch(/\nRISK FLAGS FROM THE TOOL \(1\)\n {2}BLOCKING tenant removed {2}beta: /);
  });

  it('markdown: the tool flags are kept even when the changes fill the comment', () => {
    const md = renderMarkdown(tenantReport, { tool: toolReport, deprecations: ['tenants/a.ts: q: Deprecated: `x`'] });
    expect(md).toContain("### ⚠️ Deprecated fields in use (1)\n\nThey still work; rename them before the date given (README \"Upgrading the tool\").\n\n- `tenants/a.ts: q: Deprecated: 'x'`");
    expect(md).toContain('| ⚠️ | isolation weakened | `beta` | PeerAuthentication beta/tenant-mtls-strict removed (mTLS STRICT) |');
    const many = Array.from({ length: 400 }, (_, i) => validSpec({ name: `t${String(i).padStart(3, '0')}x` }));
    const big = diffTrees(tree(many), tree(many.map((s) => ({ ...s, quota: { ...s.quota, cpu: '11' } }))));
    const full = renderMarkdown(big, { tool: toolReport });
    expect(full.length).toBeLessThan(65_536);
    expect(full).toContain('#### ⚠️ Risk flags from the tool (1)');
    expect(full).toContain('more changed group(s) not shown');
  }, 60_000);
});

describe('a base platform.ts this tool rejects', () => {
  it('is named by its first field error, once, in the same shape as tenant errors', async () => {
    const repo = makeRepo(
      { 'alpha.ts': tenantSource(alpha) },
      { gitInit: true, platform: "import { definePlatform } from './lib/platform';\n\nexport default definePlatform({ credentials: { refreshInterval: 'hourly' }, vault: { kvVersion: 'v3' as 'v2' } });\n" },
    );
    try {
      git(repo, 'add', '-A');
      git(repo, 'commit', '-q', '-m', 'base');
      expect(await resynthesizeBase(repo, 'HEAD')).toEqual({
        ok: false,
        reason: '2 error(s); first: platform.ts: credentials.refreshInterval: Invalid value: "hourly": not a Go duration; write e.g. "1h" or "15m"',
      });
    } finally {
      removeRepo(repo);
    }
  });
});
