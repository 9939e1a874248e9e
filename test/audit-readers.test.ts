/**
 * Who reads which audit stream (issue 11, on issue 13's streams): `readers.json` and the nginx read
 * gateway `read-gateway.conf` of `dist/platform/audit/`, over the `audit` fixture (auditors directly
 * and through `groups/ledger-audit.ts`, a team-admin, the platform's readers) and over random orgs
 * (fast-check) against an oracle written from the declarations: nobody reads `kft-A` unless A's file
 * gives them `auditor`, directly or through a group. The gateway's `map` blocks are evaluated here
 * with nginx's documented matching rules (no nginx runs in CI); the access report and the review diff
 * read `readers.json`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import * as fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditReadersFile } from '../lib/access';
import { accessReport, renderAccessMarkdown } from '../lib/access';
import { AUDIT_FILES, readGatewayConf } from '../lib/constructs/audit';
import type { GroupSpec } from '../lib/declarations/contributors';
import { diffTrees } from '../lib/diff';
import type { GroupEntry } from '../lib/groups';
import { groupsByName } from '../lib/groups';
import { orgModel } from '../lib/model/tenant';
import { definePlatform } from '../lib/platform';
import type { PlatformSettings } from '../lib/platform';
import { loadKubeflowClusterRoles } from '../lib/rbac';
import { synthesize } from '../lib/synth';
import type { TenantSpec } from '../lib/tenant';
import { validateTenants } from '../lib/tenant';
import { fixtureInputs, fixtureRepo, runScript } from './fixture-repo';
import { entry, platformErrors, ROOT } from './support/fixtures';

// ------------------------------------------------------------- nginx map semantics, independently

/** The value of a double-quoted or bare nginx token, as nginx's config parser unescapes it. */
function nginxToken(raw: string): string {
  const body = raw.startsWith('"') ? raw.slice(1, -1) : raw;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\' && ['"', "'", '\\'].includes(body[i + 1]!)) out += body[++i];
    else out += body[i];
  }
  return out;
}

interface NginxMap {
  readonly source: string;
  readonly dflt: string;
  readonly entries: readonly [string, string][];
}

/** The `map` blocks of a config: source expression, variable, entries in order. */
function parseMaps(conf: string): Map<string, NginxMap> {
  const maps = new Map<string, NginxMap>();
  const re = /^map (\S+|"[^"]*") (\$\w+) \{\n([\s\S]*?)\n\}/gm;
  for (const m of conf.matchAll(re)) {
    const entries: [string, string][] = [];
    let dflt = '';
    for (const line of m[3]!.split('\n')) {
      const e = /^\s+("(?:[^"\\]|\\.)*"|\S+) (\S+);$/.exec(line);
      if (!e) throw new Error(`unparsed map line: ${line}`);
      if (e[1] === 'default') dflt = e[2]!;
      else entries.push([nginxToken(e[1]!), e[2]!]);
    }
    maps.set(m[2]!, { source: nginxToken(m[1]!), dflt, entries });
  }
  return maps;
}

/**
 * Evaluates `$var` as nginx does: the source with variables substituted; plain strings compared
 * ignoring case first, then regexes (`~` case-sensitive) in order, then the default.
 */
function evalVar(maps: Map<string, NginxMap>, name: string, headers: Record<string, string>): string {
  const m = maps.get(name);
  if (!m) throw new Error(`no map ${name}`);
  const value = m.source.replace(/\$(\w+)/g, (_, v: string) => (v.startsWith('http_') ? (headers[v.slice(5)] ?? '') : evalVar(maps, `$${v}`, headers)));
  const plain = m.entries.find(([k]) => !k.startsWith('~') && k.toLowerCase() === value.toLowerCase());
  if (plain) return plain[1];
  const rx = m.entries.find(([k]) => k.startsWith('~') && new RegExp(k.startsWith('~*') ? k.slice(2) : k.slice(1), k.startsWith('~*') ? 'i' : '').test(value));
  return rx ? rx[1] : m.dflt;
}

/** Whether the gateway admits a read of `orgId` by a request carrying these headers. */
function gatewayAllows(conf: string, platform: PlatformSettings, orgId: string | undefined, identity: string | undefined, groups?: string): boolean {
  const h = (name: string): string => name.toLowerCase().replace(/-/g, '_');
  const headers: Record<string, string> = {};
  if (orgId !== undefined) headers.x_scope_orgid = orgId;
  if (identity !== undefined) headers[h(platform.identity.header)] = `${platform.identity.prefix}${identity}`;
  if (groups !== undefined) headers[h(platform.audit.read.groupsHeader)] = groups;
  return evalVar(parseMaps(conf), '$kft_read_allowed', headers) === '1';
}

/** Whether a request path reaches Loki (the location regex) rather than the catch-all 403. */
function gatewayPasses(conf: string, path: string): boolean {
  const loc = /location ~ (\S+) \{/.exec(conf)![1]!;
  return new RegExp(loc).test(path);
}

// ------------------------------------------------------------------------ the audit fixture

let files: Map<string, string>;
let platform: PlatformSettings;
let specs: TenantSpec[];
let groups: GroupEntry[];
beforeAll(async () => {
  const inputs = await fixtureInputs('audit');
  platform = inputs.platform;
  specs = inputs.entries.map((e) => e.spec);
  groups = inputs.groups;
  files = new Map(synthesize(inputs.entries, platform, { groups }).files);
});

const readersOf = (f: ReadonlyMap<string, string>): AuditReadersFile & Record<string, unknown> => JSON.parse(f.get(AUDIT_FILES.readers)!) as AuditReadersFile & Record<string, unknown>;
const who = (r: AuditReadersFile, id: string): string[] => [...r.streams[id]!.users.map((u) => `${u.identity} (${u.via.join(', ')})`), ...r.streams[id]!.groups.map((g) => `group ${g.group}`)];

describe('readers.json', () => {
  it('validates against schemas/audit/readers.json (strict), which can fail', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/audit/readers.json'), 'utf8')) as object;
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    const r = readersOf(files);
    expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...r, streams: { ...r.streams, 'card-ledger': r.streams['kft-card-ledger'] } })).toBe(false);
    expect(validate({ ...r, streams: { 'kft-x': { tenant: 'x', decommissioned: false, users: [{ identity: 'a', header: 'a', via: [] }], groups: [] } } })).toBe(false);
  });

  it('each tenant stream is read by its auditors only (direct and through a group); team-admins and viewers are not readers', () => {
    const r = readersOf(files);
    expect(Object.keys(r.streams)).toEqual(['kft-_platform', 'kft-card-ledger', 'kft-churn-analytics', 'kft-open-data', 'kft-outreach']);
    expect(r).toMatchObject({ readerRole: 'auditor', identityHeader: 'kubeflow-userid', groupsHeader: 'kubeflow-groups', groupsMode: 'expand' });
    expect(who(r, 'kft-card-ledger')).toEqual(['audit1@example.com (group ledger-audit)', 'auditor@example.com (direct)', 'lead@example.com (group ledger-audit)']);
    // lead is team-admin by name here and auditor through the group: the auditor path counts.
    expect(who(r, 'kft-churn-analytics')).toEqual(['audit1@example.com (group ledger-audit)', 'lead@example.com (group ledger-audit)']);
    expect(who(r, 'kft-open-data')).toEqual([]);
    expect(who(r, 'kft-_platform')).toEqual(['platform-oncall@example.com (platform.ts audit.read.platformUsers)', 'group platform-sre']);
    expect(JSON.stringify(r)).not.toContain('ledger-dev@example.com'); // card-ledger's team-admin
    expect(JSON.stringify(r)).not.toContain('viewer@example.com');
  });

  it('the platform stream is read by nobody by default', () => {
    const p = definePlatform({ audit: { enabled: true } });
    const r = readersOf(synthesize(specs.map((s) => entry(s)), p, { groups }).files);
    expect(r.streams['kft-_platform']).toEqual({ tenant: null, decommissioned: false, users: [], groups: [] });
  });

  it('groups.mode bind: the group is a reader as a group (groups header), its members are not listed', () => {
    const p = definePlatform({ groups: { mode: 'bind', subjectPrefix: 'oidc:' }, audit: { enabled: true } });
    const r = readersOf(synthesize(specs.map((s) => entry(s)), p, { groups }).files);
    expect(r.streams['kft-card-ledger']).toEqual({
      tenant: 'card-ledger',
      decommissioned: false,
      users: [{ identity: 'auditor@example.com', header: 'auditor@example.com', via: ['direct'] }],
      groups: [{ group: 'ledger-audit', subject: 'oidc:ledger-audit' }],
    });
    const conf = synthesize(specs.map((s) => entry(s)), p, { groups }).files.get(AUDIT_FILES.readGateway)!;
    expect(gatewayAllows(conf, p, 'kft-card-ledger', 'someone@example.com', 'staff, ledger-audit')).toBe(true);
    expect(gatewayAllows(conf, p, 'kft-card-ledger', 'someone@example.com', 'ledger-audit-old')).toBe(false);
    expect(gatewayAllows(conf, p, 'kft-open-data', 'someone@example.com', 'ledger-audit')).toBe(false);
  });

  it('a decommissioned tenant\'s stream stays readable by its auditors (contributors lose every binding)', () => {
    const decom = specs.map((s) => (s.name === 'card-ledger' ? { ...s, decommissioned: true } : s));
    const out = synthesize(decom.map((s) => entry(s)), platform, { groups }).files;
    const r = readersOf(out);
    expect(r.streams['kft-card-ledger']).toMatchObject({ decommissioned: true });
    expect(who(r, 'kft-card-ledger')).toEqual(who(readersOf(files), 'kft-card-ledger'));
    expect([...out.keys()].filter((f) => f.startsWith('tenants/card-ledger/') && f.includes('auditor-example-com'))).toEqual([]);
  });

  it('platform.ts audit.read is checked (exact messages)', () => {
    const errors = platformErrors({ audit: { enabled: true, read: { groupsHeader: 'x groups', platformUsers: ['a b', 'ok@example.com', 'ok@example.com'], platformGroups: ['a,b'], port: 0 } } });
    expect(errors).toEqual([
      'platform.ts: audit.read.groupsHeader: Invalid value: "x groups": an HTTP header name (letters, digits and "-"), e.g. "kubeflow-groups"',
      'platform.ts: audit.read.port: Invalid value: 0: a TCP port, 1-65535',
      'platform.ts: audit.read.platformUsers[0]: Invalid value: "a b": an identity as the identity header carries it, without its prefix: non-empty, without spaces or control characters',
      'platform.ts: audit.read.platformUsers[2]: Duplicate value: "ok@example.com": already listed at audit.read.platformUsers[1]',
      'platform.ts: audit.read.platformGroups[0]: Invalid value: "a,b": a group as the groups header names it: non-empty, without spaces or control characters or commas (the groups header\'s separator)',
    ]);
  });
});

describe('read-gateway.conf', () => {
  const conf = (): string => files.get(AUDIT_FILES.readGateway)!;

  it('admits a stream\'s readers to that stream only', () => {
    const allows = (org: string | undefined, id: string | undefined, g?: string): boolean => gatewayAllows(conf(), platform, org, id, g);
    expect(allows('kft-card-ledger', 'auditor@example.com')).toBe(true);
    expect(allows('kft-card-ledger', 'audit1@example.com')).toBe(true);
    expect(allows('kft-churn-analytics', 'lead@example.com')).toBe(true);
    expect(allows('kft-churn-analytics', 'auditor@example.com')).toBe(false); // card-ledger's auditor only
    expect(allows('kft-card-ledger', 'ledger-dev@example.com')).toBe(false); // team-admin
    expect(allows('kft-card-ledger', 'ledger@example.com')).toBe(false); // owner
    expect(allows('kft-_platform', 'auditor@example.com')).toBe(false);
    expect(allows('kft-_platform', 'platform-oncall@example.com')).toBe(true);
    expect(allows('kft-_platform', 'anyone@example.com', 'a, platform-sre')).toBe(true);
    expect(allows('kft-card-ledger', 'anyone@example.com', 'platform-sre')).toBe(false);
  });

  it('refuses forged or ambiguous requests', () => {
    const allows = (org: string | undefined, id: string | undefined, g?: string): boolean => gatewayAllows(conf(), platform, org, id, g);
    expect(allows('kft-card-ledger|kft-outreach', 'auditor@example.com')).toBe(false); // Loki multi-tenant query
    expect(allows('KFT-CARD-LEDGER', 'auditor@example.com')).toBe(false);
    expect(allows('kft-card-ledger', 'Auditor@example.com')).toBe(false); // identities are case-sensitive
    expect(allows('kft-card-ledger', 'auditor@exampleXcom')).toBe(false); // "." is literal
    expect(allows('kft-card-ledger', undefined)).toBe(false);
    expect(allows(undefined, 'auditor@example.com')).toBe(false);
    expect(allows('kft-card-ledger:auditor@example.com', 'mallory@example.com')).toBe(false);
    expect(allows('kft-card-ledger', 'auditor@example.com.evil')).toBe(false);
  });

  it('passes the read API only, and sends the checked tenant id upstream', () => {
    for (const p of ['query', 'query_range', 'labels', 'label/job/values', 'series', 'tail', 'index/stats']) expect(gatewayPasses(conf(), `/loki/api/v1/${p}`), p).toBe(true);
    for (const p of ['/loki/api/v1/push', '/loki/api/v1/delete', '/loki/api/v1/label/a/b/values', '/api/prom/push', '/loki/api/v1/rules', '/config', '/loki/api/v1/query/../push']) expect(gatewayPasses(conf(), p), p).toBe(false);
    expect(conf()).toContain('proxy_set_header X-Scope-OrgID $http_x_scope_orgid;');
    expect(conf()).toContain('proxy_pass http://loki-gateway.loki.svc:80;');
    expect(conf()).toMatch(/limit_except GET POST \{\n\s+deny all;/);
  });

  it('the evaluator can fail: a reader added by hand is admitted, a known stream removed is not', () => {
    const added = conf().replace('    default 0;\n    "~^kft-_platform:platform', '    default 0;\n    "~^kft-outreach:mallory@example\\\\.com$" 1;\n    "~^kft-_platform:platform');
    expect(gatewayAllows(added, platform, 'kft-outreach', 'mallory@example.com')).toBe(true);
    expect(gatewayAllows(conf().replace('|kft-card-ledger', ''), platform, 'kft-card-ledger', 'auditor@example.com')).toBe(false);
  });
});

// ------------------------------------------------------------------------ the invariant, over random orgs

const PEOPLE = [
  { email: 'p0@example.com', subject: 'sub.0' },
  { email: 'p1@example.com', subject: 'sub"1' },
  { email: 'p2@example.com', subject: 'sub\\2' },
  { email: 'p3@example.com', subject: 'sub$3|x' },
  { email: 'p4@example.com', subject: 'SUB-4' },
  { email: 'p5@example.com', subject: 'sub-4' },
];
const ROLES = ['team-admin', 'editor', 'member', 'viewer', 'auditor', 'edit', 'view'] as const;
const GROUP_NAMES = ['g-a', 'g-b', 'g-c'];

describe('property: no reader of kft-A unless they hold auditor on A', () => {
  it('readers.json and the gateway agree with an oracle from the declarations (both identity sources, both group modes)', () => {
    const org = fc.record({
      use: fc.constantFrom('email' as const, 'subject' as const),
      mode: fc.constantFrom('expand' as const, 'bind' as const),
      prefix: fc.constantFrom('', 'accounts.example.com:'),
      groups: fc.tuple(...GROUP_NAMES.map(() => fc.subarray(PEOPLE.map((_, i) => i), { minLength: 1 }))),
      tenants: fc.array(
        fc.record({
          owner: fc.integer({ min: 0, max: PEOPLE.length - 1 }),
          people: fc.array(fc.tuple(fc.integer({ min: 0, max: PEOPLE.length - 1 }), fc.constantFrom(...ROLES)), { maxLength: 4 }),
          groups: fc.array(fc.tuple(fc.integer({ min: 0, max: GROUP_NAMES.length - 1 }), fc.constantFrom(...ROLES)), { maxLength: 3 }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    });
    let checked = 0;
    fc.assert(
      fc.property(org, (o) => {
        const p = definePlatform({ identity: { header: 'kubeflow-userid', prefix: o.prefix, use: o.use }, groups: { mode: o.mode, subjectPrefix: 'oidc:' }, audit: { enabled: true } });
        const groupSpecs: GroupSpec[] = GROUP_NAMES.map((name, i) => ({ name, members: o.groups[i]!.map((m) => PEOPLE[m]!) }));
        const groupMap = groupsByName(groupSpecs.map((spec) => ({ file: `groups/${spec.name}.ts`, spec })));
        const tenantSpecs = o.tenants.map(
          (t, i): TenantSpec =>
            ({
              name: `t${i}`,
              owner: PEOPLE[t.owner]!,
              labels: { team: `t${i}`, 'cost-centre': 'cc-1', 'compliance-tier': 'internal' },
              contributors: [
                ...[...new Map(t.people.map(([pi, role]) => [pi, role])).entries()].map(([pi, role]) => ({ user: PEOPLE[pi]!.email, subject: PEOPLE[pi]!.subject, role })),
                ...[...new Map(t.groups.map(([gi, role]) => [gi, role])).entries()].map(([gi, role]) => ({ group: GROUP_NAMES[gi]!, role })),
              ],
            }) as unknown as TenantSpec,
        );
        // Only valid declarations reach the model.
        fc.pre(validateTenants(tenantSpecs.map((s) => entry(s)), p, undefined, undefined, groupMap).length === 0);
        checked++;
        const model = orgModel(tenantSpecs, p, groupMap).audit;
        const conf = readGatewayConf(model, p);
        const idOf = (pi: number): string => (o.use === 'subject' ? PEOPLE[pi]!.subject : PEOPLE[pi]!.email);
        tenantSpecs.forEach((spec, ti) => {
          const t = o.tenants[ti]!;
          const owner = t.owner;
          // The oracle: explicit auditor entries; group auditor entries, expanded (owner skipped) or as groups.
          const explicit = new Set([...new Map(t.people.map(([pi, role]) => [pi, role])).entries()].filter(([pi, r]) => r === 'auditor' && pi !== owner).map(([pi]) => pi));
          const auditorGroups = [...new Map(t.groups.map(([gi, role]) => [gi, role])).entries()].filter(([, r]) => r === 'auditor').map(([gi]) => gi);
          const viaGroups = o.mode === 'expand' ? new Set(auditorGroups.flatMap((gi) => o.groups[gi]!).filter((pi) => pi !== owner)) : new Set<number>();
          const expected = [...new Set([...explicit, ...viaGroups])].map(idOf).sort();
          const r = model.readers.find((x) => x.tenant === spec.name)!;
          expect(r.users.map((u) => u.identity).sort(), spec.name).toEqual(expected);
          expect(r.groups.map((g) => g.group).sort()).toEqual(o.mode === 'bind' ? auditorGroups.map((gi) => GROUP_NAMES[gi]!).sort() : []);
          // The gateway, for every person, every stream, with and without their groups in the header.
          for (const [pi] of PEOPLE.entries()) {
            const memberOf = GROUP_NAMES.filter((_, gi) => o.groups[gi]!.includes(pi));
            const reads = expected.includes(idOf(pi));
            expect(gatewayAllows(conf, p, `kft-${spec.name}`, idOf(pi)), `${spec.name} ${idOf(pi)}`).toBe(reads);
            const byGroup = o.mode === 'bind' && auditorGroups.some((gi) => memberOf.includes(GROUP_NAMES[gi]!));
            expect(gatewayAllows(conf, p, `kft-${spec.name}`, idOf(pi), memberOf.join(',')), `${spec.name} ${idOf(pi)} groups`).toBe(reads || byGroup);
            expect(gatewayAllows(conf, p, 'kft-_platform', idOf(pi), memberOf.join(','))).toBe(false);
          }
        });
      }),
      { numRuns: 150, seed: 11 },
    );
    expect(checked).toBeGreaterThan(50);
  });
});

// ------------------------------------------------------------------------ the access report and the diff

describe('npm run access and npm run diff', () => {
  it('the access report shows the stream each principal reads', () => {
    const objects = synthesize(specs.map((s) => entry(s)), platform, { groups }).objects.map((o) => o.manifest);
    const report = accessReport(objects, loadKubeflowClusterRoles(), readersOf(files));
    const rows = report.find((r) => r.namespace === 'card-ledger')!.rows;
    expect(rows.find((r) => r.principal === 'User auditor@example.com')!.auditStream).toBe('kft-card-ledger');
    expect(rows.find((r) => r.principal === 'User audit1@example.com')!.auditStream).toBe('kft-card-ledger');
    expect(rows.find((r) => r.principal === 'User ledger-dev@example.com')!.auditStream).toBe('-');
    expect(report.find((r) => r.namespace === 'churn-analytics')!.rows.find((r) => r.principal === 'User lead@example.com')!.auditStream).toBe('kft-churn-analytics');
    const md = renderAccessMarkdown(report);
    expect(md).toContain('| role | dashboard | audit stream | via |');
    expect(md).toMatch(/\| User auditor@example\.com \|[^\n]*\| kft-card-ledger \| RoleBinding /);
    // Without readers (audit off) the table is unchanged.
    expect(renderAccessMarkdown(accessReport(objects, loadKubeflowClusterRoles()))).not.toContain('audit stream |');
  });

  it('scripts/access.ts (npm run access) reads the synthesized readers.json', () => {
    const r = runScript(fixtureRepo('audit'), 'scripts/access.ts');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\| User auditor@example\.com \|[^\n]*\| kft-card-ledger \| RoleBinding /);
    expect(r.stdout).toMatch(/\| User ledger-dev@example\.com \|[^\n]*\| - \| RoleBinding /);
  });

  it('a decommissioned tenant\'s auditors appear with no RBAC access and their stream', () => {
    const decom = specs.map((s) => (s.name === 'card-ledger' ? { ...s, decommissioned: true } : s));
    const out = synthesize(decom.map((s) => entry(s)), platform, { groups });
    const rows = accessReport(out.objects.map((o) => o.manifest), loadKubeflowClusterRoles(), readersOf(out.files)).find((r) => r.namespace === 'card-ledger')!.rows;
    const row = rows.find((r) => r.principal === 'User auditor@example.com')!;
    expect(row).toMatchObject({ auditStream: 'kft-card-ledger', via: ['audit stream reader (dist/platform/audit/readers.json)'] });
    expect(row.can.every((c) => !c)).toBe(true);
  });

  it('the diff flags a new reader of a tenant stream and of the platform stream, not a removed one', () => {
    const flags = (before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] =>
      diffTrees(before, after).flags.filter((f) => f.kind === 'audit-reader-added').map((f) => `${f.group}: ${f.message}`);
    const withAuditor = specs.map((s) => (s.name === 'outreach' ? { ...s, contributors: [{ user: 'new.auditor@example.com', role: 'auditor' }] } : s));
    const after = new Map(synthesize(withAuditor.map((s) => entry(s)), platform, { groups }).files);
    expect(flags(files, after)).toEqual([
      'outreach: new.auditor@example.com now reads kft-outreach (via direct) through the read gateway: outreach\'s audit trail, request bodies included at Request and RequestResponse',
    ]);
    expect(flags(after, files)).toEqual([]);
    const p2 = definePlatform({ audit: { ...platform.audit, read: { ...platform.audit.read, platformGroups: ['platform-sre', 'sec-ops'] } } });
    const after2 = new Map(synthesize(specs.map((s) => entry(s)), p2, { groups }).files);
    expect(flags(files, after2)).toEqual([
      '(other): group sec-ops now reads kft-_platform (as a group (groups header)) through the read gateway: the platform stream (every event of no tenant: cluster-scoped objects, system namespaces), request bodies included at Request and RequestResponse',
    ]);
  });
});
