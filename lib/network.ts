/**
 * Network and pod security: the checks of a tenant's `network` field and of the platform's egress
 * and Pod Security settings, and their resolution into the model (the egress openings of the
 * tenant's NetworkPolicy `tenant-egress`, and its Pod Security level).
 */
import type { EgressPort, EgressPortModel, EgressRule, EgressRuleModel, PodSecurityLevel, TenantNetworkSpec } from './declarations/network';
import { METADATA_ADDRESSES, POD_SECURITY_LABEL_PREFIX, POD_SECURITY_LEVELS } from './declarations/network';
import type { PlatformSettings } from './declarations/platform';
import type { TenantSpec } from './declarations/tenant';
import type { CheckContext, ErrorList } from './validation';
import { at, checkDnsLabel, checkObject, isLabelKey, isLabelValue, isPlainObject } from './validation';

export type { EgressPort, EgressPortModel, EgressRule, EgressRuleModel, PodSecurityLevel, TenantNetworkSpec } from './declarations/network';

const NETWORK_FIELDS = ['egress'] as const satisfies readonly (keyof TenantNetworkSpec)[];
const RULE_FIELDS = ['namespace', 'cidr', 'ports'] as const satisfies readonly (keyof EgressRule)[];
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;

/** The label whose value selects a tenant's Pod Security level (platform.ts `podSecurity.byComplianceTier`). */
export const COMPLIANCE_TIER_LABEL = 'compliance-tier';

/** An IP range: family, first address, prefix length. */
interface Cidr {
  readonly family: 4 | 6;
  readonly addr: bigint;
  readonly bits: number;
}

function parseIpv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((v, p) => (v << 8n) | BigInt(p), 0n);
}

function parseIpv6(s: string): bigint | undefined {
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...(halves.length === 2 ? Array<string>(missing).fill('0') : []), ...tail];
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  return v;
}

/** Parses `a.b.c.d/n` or an IPv6 range; undefined when malformed or when host bits are set. */
export function parseCidr(s: string): Cidr | undefined {
  const m = /^([^/]+)\/([0-9]{1,3})$/.exec(s);
  if (!m) return undefined;
  const family = m[1]!.includes(':') ? 6 : 4;
  const addr = family === 4 ? parseIpv4(m[1]!) : parseIpv6(m[1]!);
  const bits = Number(m[2]);
  const width = family === 4 ? 32 : 128;
  if (addr === undefined || bits > width) return undefined;
  const host = (1n << BigInt(width - bits)) - 1n;
  if ((addr & host) !== 0n) return undefined;
  return { family, addr, bits };
}

/** Whether range `inner` lies within range `outer` (same family). */
function within(inner: Cidr, outer: Cidr): boolean {
  if (inner.family !== outer.family || inner.bits < outer.bits) return false;
  const width = inner.family === 4 ? 32 : 128;
  const shift = BigInt(width - outer.bits);
  return inner.addr >> shift === outer.addr >> shift;
}

const METADATA = METADATA_ADDRESSES.map((m) => ({ text: m, cidr: parseCidr(m)! }));

/** The metadata addresses inside a valid range, which its ipBlock must list under `except`. */
export function metadataExcept(cidr: string): string[] {
  const c = parseCidr(cidr);
  return c ? METADATA.filter((m) => within(m.cidr, c) && !within(c, m.cidr)).map((m) => m.text) : [];
}

const portModel = (p: EgressPort): EgressPortModel => (typeof p === 'number' ? { port: p, protocol: 'TCP' } : { port: p.port, protocol: p.protocol });

function ruleModel(r: EgressRule): EgressRuleModel {
  const ports = r.ports?.map(portModel);
  const base: EgressRuleModel = r.namespace !== undefined ? { namespace: r.namespace } : { cidr: r.cidr!, ...(metadataExcept(r.cidr!).length ? { except: metadataExcept(r.cidr!) } : {}) };
  return ports && ports.length > 0 ? { ...base, ports } : base;
}

/**
 * Where the tenant's pods may connect, besides their own namespace: DNS, the platform's namespaces,
 * the object store, Vault, the platform's extra destinations, then the tenant's own; duplicates
 * and openings to the tenant's own namespace (always open) dropped. Input must be valid.
 */
export function resolveEgress(spec: Pick<TenantSpec, 'name' | 'network'>, platform: PlatformSettings): EgressRuleModel[] {
  const { network, objectStore, vault } = platform;
  const all: EgressRuleModel[] = [
    { namespace: network.dns.namespace, podLabels: network.dns.podLabels, ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] },
    ...network.allowEgressToNamespaces.map((namespace) => ({ namespace })),
    ruleModel(objectStore.egress),
    ruleModel(vault.egress),
    ...network.egress.map(ruleModel),
    ...(spec.network?.egress ?? []).map(ruleModel),
  ];
  const seen = new Set<string>();
  return all.filter((r) => {
    const key = JSON.stringify(r);
    if (r.namespace === spec.name || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The tenant's Pod Security level: its compliance tier's entry, or the platform's level. */
export function podSecurityLevel(labels: Readonly<Record<string, string>>, platform: PlatformSettings): PodSecurityLevel {
  const tier = labels[COMPLIANCE_TIER_LABEL];
  return (tier !== undefined ? platform.podSecurity.byComplianceTier[tier] : undefined) ?? platform.podSecurity.level;
}

/**
 * Checks one egress rule at `path`. `tenants` (tenant checks only): names a destination namespace
 * may not be, because the other tenant's ingress policy refuses it anyway.
 */
export function checkEgressRule(errs: ErrorList, path: string, r: unknown, tenants?: { self: string; names: ReadonlySet<string> }): void {
  if (!checkObject(errs, path, r, RULE_FIELDS)) return;
  const example = 'e.g. { cidr: "10.20.0.0/16", ports: [5432] } or { namespace: "feature-store", ports: [6379] }';
  if ((r.namespace === undefined) === (r.cidr === undefined)) {
    errs.invalid(path, r, `needs exactly one of namespace and cidr, ${example}`);
  } else if (r.namespace !== undefined) {
    const p = at.field(path, 'namespace');
    if (checkDnsLabel(errs, p, r.namespace) && tenants && r.namespace !== tenants.self && tenants.names.has(r.namespace)) {
      errs.add(p, 'Forbidden', r.namespace, `is another tenant's namespace, whose NetworkPolicy admits only its own pods and the platform's; tenants share data through grants and the object store (docs/grants-and-credentials.md), not pod to pod`);
    }
  } else {
    const p = at.field(path, 'cidr');
    const c = typeof r.cidr === 'string' ? parseCidr(r.cidr) : undefined;
    if (!c) {
      errs.invalid(p, r.cidr, 'not an IP range with its host bits zero; write e.g. "10.20.0.0/16" or "203.0.113.7/32"');
    } else {
      const named = METADATA.find((m) => within(c, m.cidr));
      if (named) errs.add(p, 'Forbidden', r.cidr, `is the cloud metadata address (${named.text}), which hands out the node's cloud credentials; it is never reachable from a tenant pod: remove this entry`);
    }
  }
  if (r.ports === undefined) return;
  const pp = at.field(path, 'ports');
  if (!Array.isArray(r.ports) || r.ports.length === 0) {
    errs.invalid(pp, r.ports, 'a non-empty list of ports, e.g. [443] or [{ port: 53, protocol: "UDP" }]; leave it out for every port');
    return;
  }
  r.ports.forEach((port: unknown, i) => {
    const p = at.index(pp, i);
    const n = isPlainObject(port) ? port.port : port;
    if (isPlainObject(port)) {
      checkObject(errs, p, port, ['port', 'protocol']);
      if (!(PROTOCOLS as readonly unknown[]).includes(port.protocol)) errs.add(at.field(p, 'protocol'), 'Unsupported value', port.protocol, 'supported values: "TCP", "UDP", "SCTP"');
    }
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
      errs.invalid(isPlainObject(port) ? at.field(p, 'port') : p, n, 'a port number from 1 to 65535 (a number alone is TCP; { port: 53, protocol: "UDP" } for UDP)');
    }
  });
}

/** Checks `network` of one tenant. */
export function checkNetwork(errs: ErrorList, spec: TenantSpec, ctx: CheckContext): void {
  const network = spec.network as unknown;
  if (network === undefined) return;
  if (!checkObject(errs, 'network', network, NETWORK_FIELDS)) return;
  const egress = network.egress;
  if (egress === undefined) return;
  if (!Array.isArray(egress)) {
    errs.invalid('network.egress', egress, 'must be a list such as [{ cidr: "10.20.0.0/16", ports: [5432] }]');
    return;
  }
  const tenants = { self: spec.name, names: new Set(ctx.tenants.keys()) };
  egress.forEach((r: unknown, i) => checkEgressRule(errs, at.index('network.egress', i), r, tenants));
}

/** Checks the platform's egress and Pod Security settings (reported against platform.ts). */
export function checkNetworkSettings(errs: ErrorList, p: PlatformSettings): void {
  const { network } = p;
  network.allowEgressToNamespaces.forEach((n, i) => checkDnsLabel(errs, at.index('network.allowEgressToNamespaces', i), n));
  if (checkObject(errs, 'network.dns', network.dns, ['namespace', 'podLabels'])) {
    checkDnsLabel(errs, 'network.dns.namespace', network.dns.namespace);
    checkLabels(errs, 'network.dns.podLabels', network.dns.podLabels);
  }
  if (!Array.isArray(network.egress)) errs.invalid('network.egress', network.egress, 'must be a list such as [{ cidr: "10.0.0.1/32", ports: [6443] }]');
  else network.egress.forEach((r, i) => checkEgressRule(errs, at.index('network.egress', i), r));
  checkEgressRule(errs, 'objectStore.egress', p.objectStore.egress);
  checkEgressRule(errs, 'vault.egress', p.vault.egress);
  const levels = POD_SECURITY_LEVELS as readonly unknown[];
  const supported = `supported values: ${POD_SECURITY_LEVELS.map((l) => `"${l}"`).join(', ')}`;
  if (!levels.includes(p.podSecurity.level)) errs.add('podSecurity.level', 'Unsupported value', p.podSecurity.level, supported);
  for (const [tier, level] of Object.entries(p.podSecurity.byComplianceTier ?? {})) {
    if (!levels.includes(level)) errs.add(at.key('podSecurity.byComplianceTier', tier), 'Unsupported value', level, supported);
  }
  if (!/^(latest|v1\.[0-9]+)$/.test(String(p.podSecurity.version))) {
    errs.invalid('podSecurity.version', p.podSecurity.version, 'a Kubernetes minor such as "v1.33", or "latest"');
  }
  if (checkLabels(errs, 'profileController.namespaceLabels', p.profileController.namespaceLabels)) {
    for (const k of Object.keys(p.profileController.namespaceLabels)) {
      if (k.startsWith(POD_SECURITY_LABEL_PREFIX)) {
        errs.add(at.key('profileController.namespaceLabels', k), 'Forbidden', k, 'Pod Security labels come from podSecurity (synth adds them to the file); remove this entry and set podSecurity.level');
      }
    }
  }
}

function checkLabels(errs: ErrorList, path: string, labels: unknown): boolean {
  if (!isPlainObject(labels)) {
    errs.invalid(path, labels, 'must map label keys to values, e.g. { "k8s-app": "kube-dns" }');
    return false;
  }
  let ok = true;
  for (const [k, v] of Object.entries(labels)) {
    if (!isLabelKey(k)) {
      errs.invalid(at.key(path, k), k, 'not a label key; write e.g. "app.kubernetes.io/part-of"');
      ok = false;
    } else if (typeof v !== 'string' || !isLabelValue(v)) {
      errs.invalid(at.key(path, k), v, 'not a label value: at most 63 letters, digits, "-", "_" or "."');
      ok = false;
    }
  }
  return ok;
}
