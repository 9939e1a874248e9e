/**
 * Issue 10 §4 and §6: what a pod can do and where it can talk (Pod Security level per tenant,
 * default-deny egress with the openings a Kubeflow namespace needs, never the metadata address),
 * services outside the mesh capped at 0, and what the dashboard shows of contributors. Fixtures
 * only: the default platform and validSpec().
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { accessReport, renderAccessMarkdown } from '../lib/access';
import { namespaceLabelsFile, platformFileTenant } from '../lib/constructs/platform-files';
import { diffTrees } from '../lib/diff';
import { metadataExcept, parseCidr } from '../lib/network';
import { DEFAULT_PLATFORM, definePlatform, PlatformError } from '../lib/platform';
import { quotaHard } from '../lib/quota';
import { loadKubeflowClusterRoles } from '../lib/rbac';
import type { Manifest } from '../lib/synth';
import { synthesize } from '../lib/synth';
import type { TenantSpec } from '../lib/tenant';
import { validateTenants } from '../lib/tenant';
import { entry, ROOT, validSpec } from './support/fixtures';
import { egressViolations } from './support/invariants';
import { validateManifest } from './support/schemas';

const synth = (specs: TenantSpec[], platform = DEFAULT_PLATFORM) => synthesize(specs.map((s) => entry(s)), platform);
const objectOf = (objects: readonly { manifest: Manifest }[], kind: string, name: string): Manifest | undefined =>
  objects.map((o) => o.manifest).find((m) => m.kind === kind && m.metadata.name === name);
const errorsOf = (spec: TenantSpec, others: TenantSpec[] = []): string[] => validateTenants([spec, ...others].map((s) => entry(s)), DEFAULT_PLATFORM).map(String);

type Rule = { to?: Record<string, unknown>[]; ports?: { port: number; protocol: string }[] };
const egressRules = (objects: readonly { manifest: Manifest }[]): Rule[] => (objectOf(objects, 'NetworkPolicy', 'tenant-egress')?.spec as { egress: Rule[] }).egress;
const byName = (ns: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': ns } });

describe('egress: default-deny with the openings a Kubeflow namespace needs', () => {
  const { objects } = synth([validSpec()]);
  const np = objectOf(objects, 'NetworkPolicy', 'tenant-egress')!;

  it('is schema-valid, selects every pod and denies all other egress', () => {
    expect(validateManifest(np)).toEqual([]);
    expect(np.metadata.namespace).toBe('fraud');
    expect(np.spec).toMatchObject({ podSelector: {}, policyTypes: ['Egress'] });
    expect(egressViolations('fraud', np.spec as never)).toEqual([]);
  });

  it('opens exactly: own namespace, DNS on UDP and TCP 53, istio-system, kubeflow, the object store and Vault ports', () => {
    expect(egressRules(objects)).toEqual([
      { to: [{ podSelector: {} }] },
      {
        to: [{ namespaceSelector: byName('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'TCP' },
        ],
      },
      { to: [{ namespaceSelector: byName('istio-system') }] },
      { to: [{ namespaceSelector: byName('kubeflow') }] },
      { to: [{ namespaceSelector: byName('kubeflow') }], ports: [{ port: 9000, protocol: 'TCP' }] },
      { to: [{ namespaceSelector: byName('vault') }], ports: [{ port: 8200, protocol: 'TCP' }] },
    ]);
    expect(JSON.stringify(np)).not.toContain('169.254.169.254');
  });

  it('follows the platform settings: control-plane namespaces, object store, Vault, extra destinations', () => {
    const platform = definePlatform({
      network: { allowEgressToNamespaces: ['istio-system'], egress: [{ cidr: '10.0.0.10/32', ports: [6443] }] },
      objectStore: { egress: { cidr: '192.0.2.0/24', ports: [443] } },
      vault: { egress: { namespace: 'secrets', ports: [8200] } },
    });
    const rules = egressRules(synth([validSpec()], platform).objects);
    expect(rules.slice(2)).toEqual([
      { to: [{ namespaceSelector: byName('istio-system') }] },
      { to: [{ ipBlock: { cidr: '192.0.2.0/24' } }], ports: [{ port: 443, protocol: 'TCP' }] },
      { to: [{ namespaceSelector: byName('secrets') }], ports: [{ port: 8200, protocol: 'TCP' }] },
      { to: [{ ipBlock: { cidr: '10.0.0.10/32' } }], ports: [{ port: 6443, protocol: 'TCP' }] },
    ]);
  });

  it("adds the tenant's own destinations; a range containing the metadata address excepts it", () => {
    const spec = validSpec({
      network: {
        egress: [
          { cidr: '0.0.0.0/0', ports: [443] },
          { cidr: '169.254.0.0/16', ports: [{ port: 53, protocol: 'UDP' }] },
          { cidr: '::/0', ports: [443] },
          { cidr: '10.20.0.0/16', ports: [5432] },
          { namespace: 'feature-store' },
        ],
      },
    });
    expect(errorsOf(spec)).toEqual([]);
    const { objects: objs } = synth([spec]);
    expect(egressRules(objs).slice(6)).toEqual([
      { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }], ports: [{ port: 443, protocol: 'TCP' }] },
      { to: [{ ipBlock: { cidr: '169.254.0.0/16', except: ['169.254.169.254/32'] } }], ports: [{ port: 53, protocol: 'UDP' }] },
      { to: [{ ipBlock: { cidr: '::/0', except: ['fd00:ec2::254/128'] } }], ports: [{ port: 443, protocol: 'TCP' }] },
      { to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ port: 5432, protocol: 'TCP' }] },
      { to: [{ namespaceSelector: byName('feature-store') }] },
    ]);
    const np2 = objectOf(objs, 'NetworkPolicy', 'tenant-egress')!;
    expect(validateManifest(np2)).toEqual([]);
    expect(egressViolations('fraud', np2.spec as never)).toEqual([]);
  });

  it('the invariant catches a range that reaches the metadata address (it can fail)', () => {
    const leaky = { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '169.254.0.0/16' } }] }] };
    expect(egressViolations('x', leaky)).toEqual(['x: 169.254.0.0/16 reaches the metadata address 169.254.169.254']);
  });

  it('parses ranges strictly and finds the metadata address inside them', () => {
    expect(parseCidr('10.20.0.0/16')).toBeDefined();
    expect(parseCidr('10.20.1.0/16')).toBeUndefined(); // host bits
    expect(parseCidr('256.0.0.0/8')).toBeUndefined();
    expect(parseCidr('fd00:ec2::/32')).toBeDefined();
    expect(metadataExcept('169.254.169.0/24')).toEqual(['169.254.169.254/32']);
    expect(metadataExcept('169.254.170.0/24')).toEqual([]);
    expect(metadataExcept('fd00::/8')).toEqual(['fd00:ec2::254/128']);
  });
});

describe('egress: what a tenant may not declare', () => {
  const withEgress = (egress: unknown) => validSpec({ network: { egress } });
  const cases: [string, unknown, string][] = [
    [
      'the metadata address',
      [{ cidr: '169.254.169.254/32' }],
      'tenants/fraud.ts: network.egress[0].cidr: Forbidden: "169.254.169.254/32": is the cloud metadata address (169.254.169.254/32), which hands out the node\'s cloud credentials; it is never reachable from a tenant pod: remove this entry',
    ],
    [
      'the IPv6 metadata address',
      [{ cidr: 'fd00:ec2::254/128', ports: [80] }],
      'tenants/fraud.ts: network.egress[0].cidr: Forbidden: "fd00:ec2::254/128": is the cloud metadata address (fd00:ec2::254/128), which hands out the node\'s cloud credentials; it is never reachable from a tenant pod: remove this entry',
    ],
    ['host bits set', [{ cidr: '10.20.1.0/16' }], 'tenants/fraud.ts: network.egress[0].cidr: Invalid value: "10.20.1.0/16": not an IP range with its host bits zero; write e.g. "10.20.0.0/16" or "203.0.113.7/32"'],
    [
      'both namespace and cidr',
      [{ namespace: 'a', cidr: '10.0.0.0/8' }],
      'tenants/fraud.ts: network.egress[0]: Invalid value: {"namespace":"a","cidr":"10.0.0.0/8"}: needs exactly one of namespace and cidr, e.g. { cidr: "10.20.0.0/16", ports: [5432] } or { namespace: "feature-store", ports: [6379] }',
    ],
    ['port 0', [{ cidr: '10.0.0.0/8', ports: [0] }], 'tenants/fraud.ts: network.egress[0].ports[0]: Invalid value: 0: a port number from 1 to 65535 (a number alone is TCP; { port: 53, protocol: "UDP" } for UDP)'],
    ['unknown protocol', [{ cidr: '10.0.0.0/8', ports: [{ port: 53, protocol: 'ICMP' }] }], 'tenants/fraud.ts: network.egress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"'],
    ['not a list', { cidr: '10.0.0.0/8' }, 'tenants/fraud.ts: network.egress: Invalid value: {"cidr":"10.0.0.0/8"}: must be a list such as [{ cidr: "10.20.0.0/16", ports: [5432] }]'],
  ];
  it.each(cases)('%s', (_what, egress, message) => {
    expect(errorsOf(withEgress(egress))).toEqual([message]);
  });

  it("another tenant's namespace", () => {
    const other = validSpec({ name: 'risk', owner: { email: 'r@example.com' }, labels: { team: 'risk', 'cost-centre': 'cc-2', 'compliance-tier': 'internal' } });
    expect(errorsOf(withEgress([{ namespace: 'risk' }]), [other])).toEqual([
      'tenants/fraud.ts: network.egress[0].namespace: Forbidden: "risk": is another tenant\'s namespace, whose NetworkPolicy admits only its own pods and the platform\'s; tenants share data through grants and the object store (docs/grants-and-credentials.md), not pod to pod',
    ]);
  });

  it('an unknown field of network', () => {
    expect(errorsOf(validSpec({ network: { ingress: [] } })).join('\n')).toMatch(/^tenants\/fraud\.ts: network\.ingress: Unsupported value: "ingress": unknown field/);
  });

  it('platform.ts: the metadata address in network.egress, an unknown level, a bad version', () => {
    const thrown = (input: Parameters<typeof definePlatform>[0]): string[] => {
      try {
        definePlatform(input);
        return [];
      } catch (e) {
        return e instanceof PlatformError ? e.errors.map(String) : [String(e)];
      }
    };
    expect(thrown({ network: { egress: [{ cidr: '169.254.169.254/32' }] } })).toEqual([
      'platform.ts: network.egress[0].cidr: Forbidden: "169.254.169.254/32": is the cloud metadata address (169.254.169.254/32), which hands out the node\'s cloud credentials; it is never reachable from a tenant pod: remove this entry',
    ]);
    expect(thrown({ podSecurity: { level: 'strict' as never, version: '1.33' } })).toEqual([
      'platform.ts: podSecurity.level: Unsupported value: "strict": supported values: "privileged", "baseline", "restricted"',
      'platform.ts: podSecurity.version: Invalid value: "1.33": a Kubernetes minor such as "v1.33", or "latest"',
    ]);
    expect(thrown({ profileController: { namespaceLabels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } })).toEqual([
      'platform.ts: profileController.namespaceLabels["pod-security.kubernetes.io/enforce"]: Forbidden: "pod-security.kubernetes.io/enforce": Pod Security labels come from podSecurity (synth adds them to the file); remove this entry and set podSecurity.level',
    ]);
  });
});

describe('egress: property', () => {
  const octet = fc.integer({ min: 0, max: 255 });
  // Biased towards the link-local range, where the metadata address lives.
  const address = fc.oneof(fc.tuple(octet, octet, octet, octet), fc.tuple(fc.constant(169), fc.constant(254), octet, octet));
  const cidr = fc.tuple(address, fc.integer({ min: 0, max: 32 })).map(([[a, b, c, d], bits]) => {
    const ip = ((a * 256 + b) * 256 + c) * 256 + d;
    const size = 2 ** (32 - bits);
    const net = Math.floor(ip / size) * size;
    return `${[24, 16, 8, 0].map((s) => Math.floor(net / 2 ** s) % 256).join('.')}/${bits}`;
  });
  const rule = fc.record({ cidr, ports: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 3 }), { nil: undefined }) }, { requiredKeys: ['cidr'] });

  it("no generated tenant's egress reaches 169.254.169.254: synth refuses it or excepts it", () => {
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 5 }), (egress) => {
        const spec = validSpec({ network: { egress: egress.map((r) => (r.ports ? r : { cidr: r.cidr })) } });
        const errors = errorsOf(spec);
        const named = egress.some((r) => r.cidr === '169.254.169.254/32');
        expect(errors.length > 0).toBe(named);
        if (named) return;
        const np = objectOf(synth([spec]).objects, 'NetworkPolicy', 'tenant-egress')!;
        expect(egressViolations('fraud', np.spec as never)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('Pod Security level per tenant', () => {
  it('a labels-only Namespace per tenant: the platform level, or its tier entry; schema-valid, never deleted by Argo CD', () => {
    const internal = validSpec({ name: 'risk', owner: { email: 'r@example.com' }, labels: { team: 'risk', 'cost-centre': 'cc-2', 'compliance-tier': 'internal' }, contributors: [] });
    const { objects } = synth([validSpec(), internal]);
    const pci = objectOf(objects, 'Namespace', 'fraud')!;
    const other = objectOf(objects, 'Namespace', 'risk')!;
    expect(validateManifest(pci)).toEqual([]);
    expect(Object.keys(pci).sort()).toEqual(['apiVersion', 'kind', 'metadata']);
    expect(pci.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' });
    expect(other.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'baseline' });
    expect(pci.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'argocd.argoproj.io/sync-wave': '0' });
    expect(objects.find((o) => o.manifest.kind === 'Namespace')?.file).toBe('tenants/fraud/Namespace.fraud.yaml');
  });

  it('follows podSecurity: level, tiers, version', () => {
    const platform = definePlatform({ labels: { complianceTiers: ['sandbox', 'public', 'internal', 'confidential', 'pci'] }, podSecurity: { level: 'restricted', byComplianceTier: { sandbox: 'baseline' }, version: 'v1.33' } });
    const sandbox = validSpec({ labels: { team: 'fraud', 'cost-centre': 'cc-1', 'compliance-tier': 'sandbox' } });
    expect(objectOf(synth([sandbox], platform).objects, 'Namespace', 'fraud')!.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/enforce-version': 'v1.33',
    });
    expect(objectOf(synth([validSpec()], platform).objects, 'Namespace', 'fraud')!.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it("the tenant's AppProject allows its own Namespace object only", () => {
    const project = objectOf(synth([validSpec()]).objects, 'AppProject', 'tenant-fraud')!;
    expect((project.spec as { clusterResourceWhitelist: unknown[] }).clusterResourceWhitelist).toEqual([
      { group: '', kind: 'Namespace', name: 'fraud' },
      { group: 'kubeflow.org', kind: 'Profile', name: 'fraud' },
    ]);
  });

  it("the controller's labels file: the manifests' labels (the tier's copy) plus the platform level; not grouped with a tenant in the diff", () => {
    const { files } = synth([validSpec()]);
    const file = files.get('platform/profile-controller/namespace-labels.yaml')!;
    expect(file).toBe(namespaceLabelsFile(DEFAULT_PLATFORM));
    const manifests = yaml.load(fs.readFileSync(path.join(ROOT, 'test/cluster/namespace-labels.yaml'), 'utf8')) as Record<string, string>;
    expect(yaml.load(file)).toEqual({ ...manifests, 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'latest' });
    expect(platformFileTenant('platform/profile-controller/namespace-labels.yaml')).toBeUndefined();
    expect(platformFileTenant('platform/vault/fraud.hcl')).toBe('fraud');
  });
});

describe('services outside the mesh', () => {
  it('every quota caps LoadBalancer and NodePort Services at 0 unless the tenant asks', () => {
    expect(quotaHard(undefined, DEFAULT_PLATFORM)).toMatchObject({ 'services.loadbalancers': '0', 'services.nodeports': '0' });
    expect(quotaHard({ loadBalancers: 2, nodePorts: 1000 }, DEFAULT_PLATFORM)).toMatchObject({ 'services.loadbalancers': '2', 'services.nodeports': '1k' });
    expect(errorsOf(validSpec({ quota: { loadBalancers: -1 } }))).toEqual(['tenants/fraud.ts: quota.loadBalancers: Invalid value: -1: must be greater than or equal to 0']);
    expect(errorsOf(validSpec({ quota: { nodePorts: 1.5 } }))).toEqual(['tenants/fraud.ts: quota.nodePorts: Invalid value: 1.5: must be a whole number, e.g. 4']);
  });
});

describe('review flags', () => {
  const flagsOf = (before: TenantSpec, after: TenantSpec, pb = DEFAULT_PLATFORM, pa = DEFAULT_PLATFORM) =>
    diffTrees(synth([before], pb).files, synth([after], pa).files).flags.map((f) => `${f.kind}: ${f.message}`);

  it('a raise of loadBalancers or nodePorts is a quota raise', () => {
    expect(flagsOf(validSpec(), validSpec({ quota: { ...validSpec().quota, nodePorts: 2 } }))).toEqual(['quota-raised: services.nodeports: 0 → 2 (+2)']);
    expect(flagsOf(validSpec(), validSpec({ quota: { ...validSpec().quota, loadBalancers: 1 } }))).toEqual(['quota-raised: services.loadbalancers: 0 → 1 (+1)']);
  });

  it('a new egress destination weakens isolation; removing one does not', () => {
    const wider = validSpec({ network: { egress: [{ cidr: '10.20.0.0/16', ports: [5432] }] } });
    expect(flagsOf(validSpec(), wider)).toEqual([
      'isolation-weakened: NetworkPolicy fraud/tenant-egress allows more egress: {"ipBlock":{"cidr":"10.20.0.0/16"}} [{"port":5432,"protocol":"TCP"}]',
    ]);
    expect(flagsOf(wider, validSpec())).toEqual([]);
  });

  it('a lower Pod Security level weakens isolation; a higher one does not', () => {
    const internal = validSpec({ labels: { team: 'fraud', 'cost-centre': 'cc-1', 'compliance-tier': 'internal' } });
    // The tier label drives the level, so the tier change is flagged too (lib/diff/risk.ts label flags).
    const lowered = flagsOf(validSpec(), internal);
    expect(lowered[0]).toBe('isolation-weakened: Namespace fraud Pod Security restricted → baseline');
    expect(lowered.slice(1).map((f) => f.split(':')[0])).toEqual(['compliance-tier-lowered']);
    expect(flagsOf(internal, validSpec()).filter((f) => f.startsWith('isolation-weakened'))).toEqual([]);
  });
});

describe('npm run access: what the dashboard shows', () => {
  it('owner, edit contributors listed, view contributors not listed, ServiceAccounts not applicable', () => {
    const spec = validSpec({ contributors: [{ user: 'bob@example.com', role: 'view' }, { user: 'carol@example.com', role: 'edit' }] });
    const report = accessReport(synth([spec]).objects.map((o) => o.manifest), loadKubeflowClusterRoles());
    const rows = Object.fromEntries(report[0]!.rows.map((r) => [r.principal, r.dashboard]));
    expect(rows).toMatchObject({
      'User lead@example.com': 'owner',
      'User carol@example.com': 'listed',
      'User bob@example.com': 'not listed (view)',
      'ServiceAccount fraud/default-editor': '-',
    });
    const md = renderAccessMarkdown(report);
    expect(md).toContain('| dashboard | via |');
    expect(md).toMatch(/\| User bob@example\.com \|.*\| not listed \(view\) \| RoleBinding user-bob-example-com-clusterrole-view/);
  });
});
