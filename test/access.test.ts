/** The auditors' access report over the example tenants of the fixture repository (module exercises 2 and 3). */
import { beforeAll, describe, expect, it } from 'vitest';
import type { NamespaceAccess } from '../lib/access';
import { accessReport, CAPABILITIES, renderAccessMarkdown } from '../lib/access';
import { loadKubeflowClusterRoles } from '../lib/rbac';
import { synthesize } from '../lib/synth';
import { fixtureInputs } from './fixture-repo';

let report: NamespaceAccess[];
beforeAll(async () => {
  const { platform, entries } = await fixtureInputs('examples');
  report = accessReport(synthesize(entries, platform).objects.map((o) => o.manifest), loadKubeflowClusterRoles());
});

const capabilitiesOf = (ns: string, principal: string): string[] => {
  const row = report.find((r) => r.namespace === ns)!.rows.find((r) => r.principal === principal);
  if (!row) throw new Error(`${principal} has no access to ${ns}`);
  return CAPABILITIES.filter((_, i) => row.can[i]).map((c) => c.title);
};

describe('access report', () => {
  it('alice administers alice-research; bob only reads', () => {
    expect(report.find((r) => r.namespace === 'alice-research')!.rows.map((r) => r.principal)).toEqual([
      'ServiceAccount alice-research/default-editor',
      'ServiceAccount alice-research/default-viewer',
      'User alice@example.com',
      'User bob@example.com',
    ]);
    expect(capabilitiesOf('alice-research', 'User alice@example.com')).toEqual(CAPABILITIES.map((c) => c.title));
    expect(capabilitiesOf('alice-research', 'User bob@example.com')).toEqual(['read notebooks', 'read models']);
  });

  it("payments-engineering's workloads read risk-modeling's models and nothing else", () => {
    expect(capabilitiesOf('risk-modeling', 'ServiceAccount payments-engineering/default-editor')).toEqual(['read models']);
  });

  it('no principal of one tenant appears in another tenant unless a grant names it', () => {
    for (const { namespace, rows } of report) {
      for (const r of rows) {
        const m = /^ServiceAccount ([^/]+)\//.exec(r.principal);
        if (m && m[1] !== namespace) expect(r.via.every((v) => v.startsWith(`RoleBinding grant-to-${m[1]} `)), `${namespace}: ${r.principal}`).toBe(true);
      }
    }
  });

  it('renders one Markdown table per tenant', () => {
    const md = renderAccessMarkdown(report);
    expect(md).toContain('## risk-modeling');
    expect(md).toContain('| ServiceAccount payments-engineering/default-editor | - | - | yes | - | - | - | - | - | - | RoleBinding grant-to-payments-engineering -> Role grant-to-payments-engineering |');
  });
});
