/**
 * Golden trees: the whole `dist/` of every fixture repository, committed under test/golden/<name>/
 * and compared byte for byte with an in-process synth. A restructure of lib/ must leave them
 * identical; an intended output change shows up here as a reviewable diff of test/golden/.
 *
 * UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts rewrites them. Only for intended output
 * changes, reviewed in the PR together with the change that causes them.
 *
 * INPUTS.sha256 is left out: it hashes lib/, so it changes with every edit of the tool.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { readTree, writeDist } from '../lib/synth';
import { fixtureRepo, makeRepo, removeRepo, synthFixture, tenantSource } from './fixture-repo';
import { ROOT } from './support/fixtures';
import { generateOrg } from './support/gen-org';

const GOLDEN = path.join(ROOT, 'test/golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
/** Fixed: the golden org must be the same org on every run. */
const ORG_SEED = 20261127;

const repos: string[] = [];
afterAll(() => {
  for (const r of repos) removeRepo(r);
});

/** Fixture repositories by golden name; each returns a temporary repository. */
const FIXTURE_REPOS: Record<string, () => string> = {
  examples: () => fixtureRepo('examples'),
  audit: () => fixtureRepo('audit'),
  // Kueue queues: capacity flavors, teams, the seed's fraud team with user sub-quotas (issue 12).
  kueue: () => fixtureRepo('kueue'),
  roles: () => fixtureRepo('roles'),
  // A fleet of three clusters (issue 14, docs/fleet.md): dist/clusters/<c>/, org-wide platform/.
  fleet: () => fixtureRepo('fleet'),
  'gen-org': () => {
    const org = generateOrg(ORG_SEED, 12);
    return makeRepo({ ...org.tenantFiles }, { platform: org.platformSource });
  },
  // A decommissioned tenant that had every kind of object (contributors, grants with artifact
  // prefixes, credentials), and a grantee whose bucket policy must not list the revoked prefixes.
  decommissioned: () =>
    makeRepo({
      'ledger.ts': tenantSource({
        name: 'ledger',
        owner: { email: 'ledger-lead@example.com' },
        labels: { team: 'ledger', 'cost-centre': 'cc-9', 'compliance-tier': 'internal' },
        quota: { cpu: '8', memory: '32Gi' },
        contributors: [{ user: 'Eve@Example.com', role: 'edit' }],
        grants: [{ to: 'audit', resources: ['pipeline-runs'], verbs: ['get', 'list', 'readArtifact'], artifactPrefixes: ['exports/'] }],
        credentials: { s3: true, git: true, apiKeys: [{ name: 'openai' }] },
        decommissioned: true,
      }),
      'audit.ts': tenantSource({
        name: 'audit',
        owner: { email: 'audit-lead@example.com' },
        labels: { team: 'audit', 'cost-centre': 'cc-10', 'compliance-tier': 'pci' },
        credentials: { s3: true },
      }),
    }),
  // Artifact grants in both directions, several prefixes from one granter, a role grant.
  'artifact-grants': () =>
    makeRepo({
      'maker.ts': tenantSource({
        name: 'maker',
        owner: { email: 'maker@example.com' },
        labels: { team: 'maker', 'cost-centre': 'cc-1', 'compliance-tier': 'internal' },
        grants: [
          { to: 'taker', resources: ['pipeline-runs'], verbs: ['get', 'list', 'readArtifact'], artifactPrefixes: ['models/a', '/models/b/'] },
          { to: 'taker', resources: ['inferenceservices'], verbs: ['get'], artifactPrefixes: ['models/a'] },
          { to: 'other', role: 'view' },
        ],
        credentials: { s3: true },
      }),
      'taker.ts': tenantSource({
        name: 'taker',
        owner: { email: 'taker@example.com' },
        labels: { team: 'taker', 'cost-centre': 'cc-2', 'compliance-tier': 'internal' },
        grants: [{ to: 'maker', resources: ['pipeline-runs'], verbs: ['get', 'list', 'readArtifact'], artifactPrefixes: ['results'] }],
        credentials: { s3: { key: 'keys/s3' } },
      }),
      'other.ts': tenantSource({
        name: 'other',
        owner: { email: 'other@example.com' },
        labels: { team: 'other', 'cost-centre': 'cc-3', 'compliance-tier': 'internal' },
      }),
    }),
};

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: { clusterResourceWhitelist?: { group: string; kind: string }[]; namespaceResourceWhitelist?: { group: string; kind: string }[] };
}

/**
 * Objects of `dist/tenants/<t>/` not allowed by AppProject `tenant-<t>`, and of `dist/cluster/`
 * not allowed by the platform AppProject (the one syncing cluster/), as `file: group/kind`.
 */
function unwhitelisted(files: ReadonlyMap<string, string>): string[] {
  // Argo CD syncs tenants/ and cluster/ only; platform/ holds files such as the controller's labels file.
  const objs = [...files].filter(([f]) => f.endsWith('.yaml') && !f.startsWith('platform/')).map(([f, c]) => [f, yaml.load(c) as Obj] as const);
  const projects = new Map(objs.filter(([, o]) => o.kind === 'AppProject').map(([, o]) => [o.metadata.name, o]));
  const group = (o: Obj): string => (o.apiVersion.includes('/') ? o.apiVersion.split('/')[0]! : '');
  const out: string[] = [];
  for (const [f, o] of objs) {
    const tenant = /^tenants\/([^/]+)\//.exec(f)?.[1];
    const project = projects.get(tenant === undefined ? 'kubeflow-tenants' : `tenant-${tenant}`);
    const list = o.metadata.namespace === undefined ? project?.spec?.clusterResourceWhitelist : project?.spec?.namespaceResourceWhitelist;
    if (!list?.some((k) => k.group === group(o) && k.kind === o.kind)) out.push(`${f}: ${group(o)}/${o.kind}`);
  }
  return out;
}

/** dist/ of a repository as synth writes it (the commands' pipeline), minus INPUTS.sha256. */
async function synthTree(repo: string): Promise<Map<string, string>> {
  return new Map((await synthFixture(repo)).result.files);
}

describe('golden dist/ trees (test/golden/<fixture>/)', () => {
  it.each(Object.keys(FIXTURE_REPOS))('%s is byte-identical to a fresh synth', async (name) => {
    const repo = FIXTURE_REPOS[name]!();
    repos.push(repo);
    const fresh = await synthTree(repo);
    const dir = path.join(GOLDEN, name);
    if (UPDATE) {
      fs.mkdirSync(GOLDEN, { recursive: true });
      writeDist(dir, fresh);
    }
    const golden = readTree(dir);
    const missing = [...fresh.keys()].filter((f) => !golden.has(f));
    const extra = [...golden.keys()].filter((f) => !fresh.has(f));
    const changed = [...fresh.keys()].filter((f) => golden.has(f) && golden.get(f) !== fresh.get(f));
    const report = [
      ...changed.map((f) => `  changed: ${f}`),
      ...missing.map((f) => `  new (not in golden): ${f}`),
      ...extra.map((f) => `  gone (only in golden): ${f}`),
    ];
    expect(
      report,
      `test/golden/${name}/ differs from a fresh synth in ${report.length} file(s):\n${report.join('\n')}\n` +
        'If (and only if) the output change is intended, rewrite with UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts and review the diff of test/golden/ in the PR.',
    ).toEqual([]);
    // A golden tree that is empty would compare equal to a broken synth that writes nothing.
    expect(fresh.size).toBeGreaterThan(0);
    // Argo CD syncs tenants/* and cluster/: anything there but a manifest would break the sync.
    // Every other file goes to platform/, which nothing syncs.
    // A fleet: the same per cluster under clusters/<c>/ (its platform files in clusters/<c>/platform/), Argo CD's own objects in argocd/.
    const misplaced = [...fresh.keys()].filter((f) => (/^(clusters\/[^/]+\/)?platform\//.test(f) ? false : !/^((clusters\/[^/]+\/)?(tenants\/[^/]+|cluster)|argocd)\/[^/]+\.yaml$/.test(f)));
    expect(misplaced, 'files Argo CD would try to apply that are not manifests').toEqual([]);
    // The fleet's AppProjects are in argocd/ (lib/constructs/fleet-delivery.ts, tested with the delivery).
    if (name !== 'fleet') expect(unwhitelisted(fresh), 'objects whose AppProject does not allow their kind (Argo CD would refuse the sync)').toEqual([]);
    else expect([...fresh.keys()].filter((f) => /^(tenants|cluster)\//.test(f)), 'a fleet writes nothing to the single-cluster folders').toEqual([]);
  });
});
