/** The auditors' access report over the example tenants of the fixture repository (module exercises 2 and 3). */
import { beforeAll, describe, expect, it } from 'vitest';
import type { NamespaceAccess } from '../lib/access';
import { accessReport, CAPABILITIES, renderAccessMarkdown } from '../lib/access';
import { DEFAULT_PLATFORM } from '../lib/platform';
import { can, canThroughWorkloads, loadKubeflowClusterRoles, rbacModel, serviceAccountUser } from '../lib/rbac';
import { synthesize } from '../lib/synth';
import { fixtureInputs } from './fixture-repo';
import { entry, validSpec } from './support/fixtures';

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
  it('alice administers alice-research; bob reads directly, and runs as default-editor through the KFP Viewers his view role creates', () => {
    expect(report.find((r) => r.namespace === 'alice-research')!.rows.map((r) => r.principal)).toEqual([
      'ServiceAccount alice-research/default-editor',
      'ServiceAccount alice-research/default-viewer',
      'User alice@example.com',
      'User bob@example.com',
    ]);
    expect(capabilitiesOf('alice-research', 'User alice@example.com')).toEqual(CAPABILITIES.map((c) => c.title));
    expect(capabilitiesOf('alice-research', 'User bob@example.com')).toEqual(CAPABILITIES.filter((c) => c.title !== 'grant access').map((c) => c.title));
    const bob = report.find((r) => r.namespace === 'alice-research')!.rows.find((r) => r.principal === 'User bob@example.com')!;
    // Directly (RBAC) he reads notebooks and models; everything else is default-editor's, reached by a Viewer's pod template.
    expect(CAPABILITIES.map((c, i) => (bob.can[i] ? `${c.title}: ${bob.as[i] ?? 'yes'}` : `${c.title}: -`))).toEqual(
      CAPABILITIES.map((c) => `${c.title}: ${c.title === 'grant access' ? '-' : c.title === 'read notebooks' || c.title === 'read models' ? 'yes' : 'default-editor'}`),
    );
    expect(bob.via).toEqual(['RoleBinding user-bob-example-com-clusterrole-view -> ClusterRole kubeflow-view', 'KFP Viewer creation as default-editor']);
  });

  it("payments-engineering's workloads read risk-modeling's models and nothing else", () => {
    expect(capabilitiesOf('risk-modeling', 'ServiceAccount payments-engineering/default-editor')).toEqual(['read models']);
  });

  it('no principal of one tenant appears in another tenant unless a grant names it (or its own namespace\'s default-editor, which it reaches by a workload there)', () => {
    for (const { namespace, rows } of report) {
      for (const r of rows) {
        const m = /^ServiceAccount ([^/]+)\//.exec(r.principal);
        if (m && m[1] !== namespace) {
          expect(
            r.via.every((v) => v.startsWith(`RoleBinding grant-to-${m[1]} `) || new RegExp(`^(workload|KFP Viewer) creation in ${m[1]} as default-editor(, then |$)`).test(v)),
            `${namespace}: ${r.principal}: ${r.via.join('; ')}`,
          ).toBe(true);
        }
      }
    }
  });

  it('renders one Markdown table per tenant', () => {
    const md = renderAccessMarkdown(report);
    expect(md).toContain('## risk-modeling');
    expect(md).toContain('| ServiceAccount payments-engineering/default-editor | - | - | yes | - | - | - | - | - | - | - | RoleBinding grant-to-payments-engineering -> Role grant-to-payments-engineering |');
  });
});

describe('access through workloads: a grant that runs code is a grant of everything', () => {
  const payments = validSpec({ name: 'payments', owner: { email: 'p@example.com' }, contributors: [] });
  const fraud = validSpec({ grants: [{ to: 'payments', resources: ['pods'], verbs: ['create'], reviewedException: 'SEC-9: backfill jobs, approved by platform' }] });
  const objects = synthesize([entry(fraud), entry(payments)], DEFAULT_PLATFORM).objects.map((o) => o.manifest);
  const clusterRoles = loadKubeflowClusterRoles();
  const fraudRows = () => accessReport(objects, clusterRoles).find((r) => r.namespace === 'fraud')!.rows;
  const sa = serviceAccountUser('payments', 'default-editor');

  it('RBAC alone says payments cannot read fraud\'s secrets; through the pods it creates as default-editor, it can', () => {
    expect(can(objects, clusterRoles, { user: sa, verb: 'get', group: '', resource: 'secrets', namespace: 'fraud' })).toBe(false);
    expect(canThroughWorkloads(objects, clusterRoles, { user: sa, verb: 'get', group: '', resource: 'secrets', namespace: 'fraud' })).toBe(true);
    expect(canThroughWorkloads(objects, clusterRoles, { user: sa, verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'rolebindings', namespace: 'fraud' })).toBe(false);
  });

  it('renders the grantee with everything fraud\'s default-editor can do, and the way there', () => {
    const md = renderAccessMarkdown(accessReport(objects, clusterRoles));
    const rows = md.split('\n').filter((l) => l.startsWith('| ServiceAccount payments/default-editor |') || l.startsWith('| User p@example.com |'));
    expect(rows).toEqual([
      '| ServiceAccount payments/default-editor | as default-editor | as default-editor | as default-editor | as default-editor | as default-editor | as default-editor | as default-editor | - | - | - | RoleBinding grant-to-payments -> Role grant-to-payments<br>workload creation as default-editor |',
      // payments' owner creates workloads in payments, which run as payments/default-editor.
      '| User p@example.com | as default-editor | as default-editor | as default-editor | as default-editor | as default-editor | as default-editor | as default-editor | - | - | not listed | workload creation in payments as default-editor, then workload creation as default-editor |',
      // And in its own namespace, its own rows.
      '| ServiceAccount payments/default-editor | yes | yes | yes | yes | yes | yes | yes | - | - | - | RoleBinding default-editor -> ClusterRole kubeflow-edit |',
      '| User p@example.com | yes | yes | yes | yes | yes | yes | yes | yes | owner | owner | RoleBinding namespaceAdmin -> ClusterRole kubeflow-admin |',
    ]);
    expect(fraudRows().map((r) => r.principal)).toEqual([
      'ServiceAccount fraud/default-editor',
      'ServiceAccount fraud/default-viewer',
      'ServiceAccount payments/default-editor',
      // default-viewer's kubeflow-view creates KFP Viewers in payments, which run as payments/default-editor.
      'ServiceAccount payments/default-viewer',
      'User bob@example.com',
      'User lead@example.com',
      'User p@example.com',
    ]);
  });

  it('follows chains to a fixpoint: gamma runs pods in beta as beta/default-editor, which creates notebooks in alpha', () => {
    const spec = (name: string, grants: unknown[] = []) => validSpec({ name, owner: { email: `${name}@example.com` }, labels: { team: name, 'cost-centre': 'cc-1', 'compliance-tier': 'pci' }, contributors: [], grants });
    const chain = synthesize(
      [
        entry(spec('alpha', [{ to: 'beta', resources: ['notebooks'], verbs: ['create'], reviewedException: 'SEC-10: shared notebooks, approved' }])),
        entry(spec('beta', [{ to: 'gamma', resources: ['pods'], verbs: ['create'], reviewedException: 'SEC-11: batch jobs, approved' }])),
        entry(spec('gamma')),
      ],
      DEFAULT_PLATFORM,
    ).objects.map((o) => o.manifest);
    const gamma = serviceAccountUser('gamma', 'default-editor');
    expect(can(chain, clusterRoles, { user: gamma, verb: 'get', group: '', resource: 'secrets', namespace: 'alpha' })).toBe(false);
    expect(rbacModel(chain, clusterRoles).canThroughWorkloads({ user: gamma, verb: 'get', group: '', resource: 'secrets', namespace: 'alpha' })?.path).toEqual([
      { namespace: 'beta', as: serviceAccountUser('beta', 'default-editor'), by: { group: '', resource: 'pods', verb: 'create' } },
      { namespace: 'alpha', as: serviceAccountUser('alpha', 'default-editor'), by: { group: 'kubeflow.org', resource: 'notebooks', verb: 'create' } },
    ]);
    const alpha = accessReport(chain, clusterRoles).find((r) => r.namespace === 'alpha')!;
    const row = alpha.rows.find((r) => r.principal === 'ServiceAccount gamma/default-editor')!;
    expect(row.via).toEqual(['workload creation in beta as default-editor', 'workload creation in beta as default-editor, then workload creation as default-editor']);
    expect(row.as).toEqual(['default-editor', 'beta/default-editor', 'default-editor', 'default-editor', 'default-editor', 'default-editor', 'default-editor', undefined]);
    // Without the chain's first link, nothing of gamma reaches alpha.
    expect(accessReport(chain.filter((o) => o.metadata.name !== 'grant-to-gamma'), clusterRoles).find((r) => r.namespace === 'alpha')!.rows.map((r) => r.principal)).not.toContain(
      'ServiceAccount gamma/default-editor',
    );
  });

  it("the grantee's people read risk-modeling's models through payments-engineering's workloads, and nothing more", () => {
    expect(capabilitiesOf('risk-modeling', 'User payments-lead@example.com')).toEqual(['read models']);
    const row = report.find((r) => r.namespace === 'risk-modeling')!.rows.find((r) => r.principal === 'User payments-lead@example.com')!;
    expect(row.via).toEqual(['workload creation in payments-engineering as default-editor']);
  });
});

describe('personal Kueue queues in the access report (the kueue fixture, username prefix oidc:)', () => {
  let kq: NamespaceAccess[];
  let md: string;
  beforeAll(async () => {
    const { platform, entries } = await fixtureInputs('kueue');
    kq = accessReport(synthesize(entries, platform).objects.map((o) => o.manifest), loadKubeflowClusterRoles());
    md = renderAccessMarkdown(kq);
  });
  const row = (ns: string, principal: string) => kq.find((r) => r.namespace === ns)!.rows.find((r) => r.principal === principal)!;

  it("shows each person's personal queue, on their Kubeflow identity (as the API server username) and on that username's row", () => {
    expect(row('fraud-modelling', 'User alice@example.com').personalQueue).toBe('user-alice-example-com (as oidc:alice@example.com)');
    expect(row('fraud-modelling', 'User oidc:alice@example.com').personalQueue).toBe('user-alice-example-com');
    expect(row('fraud-modelling', 'User oidc:bob@example.com').personalQueue).toBe('user-bob-example-com');
    // the owner has no personal queue, nor do people in a tenant without user queues
    expect(row('fraud-modelling', 'User fraud-lead@example.com').personalQueue).toBe('-');
    expect(row('vision', 'User vision-lead@example.com').personalQueue).toBe('-');
  });

  it("the prefixed username's row says whose access it mirrors and has exactly that access", () => {
    const prefixed = row('fraud-modelling', 'User oidc:alice@example.com');
    expect(prefixed.role).toBe('API server username of alice@example.com');
    expect(prefixed.can).toEqual(row('fraud-modelling', 'User alice@example.com').can);
    expect(prefixed.via).toEqual(['RoleBinding user-oidc-alice-example-com-clusterrole-kubeflow-edit -> ClusterRole kubeflow-edit']);
    expect(prefixed.dashboard).toBe('not listed');
  });

  it('renders the personal queue column only where a repository has personal queues', () => {
    expect(md).toContain('| role | personal queue | dashboard | via |');
    expect(md).toMatch(/\| User alice@example\.com \|[^\n]*\| editor \(direct\) \| user-alice-example-com \(as oidc:alice@example\.com\) \| listed \|/);
    expect(renderAccessMarkdown(report)).not.toContain('personal queue');
  });
});
