/**
 * Properties every synth result has, whatever the (valid) tenants and platform: they may run over
 * any org's own data (test/org.test.ts) and over generated orgs (test/acceptance.test.ts), because
 * none of them names a tenant, a person or a platform setting of the examples.
 */
import { isDecommissioned } from '../../lib/model/decommission';
import { DEFAULT_GRANTEE_SERVICE_ACCOUNTS, grantObjectName } from '../../lib/model/names';
import type { PlatformSettings } from '../../lib/platform';
import { identityOf } from '../../lib/model/identity';
import type { Manifest, SynthResult } from '../../lib/synth';
import type { TenantSpec } from '../../lib/tenant';
import type { TenantEntry } from '../../lib/validation';
import { validateManifest } from './schemas';

interface Subject {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** Schema errors of every emitted object, each prefixed by its file. */
export function schemaViolations(result: SynthResult): string[] {
  return result.objects.flatMap((o) => validateManifest(o.manifest).map((e) => `${o.file}: ${e}`));
}

/**
 * Isolation: each tenant folder holds only its Profile and objects of its own namespace; a
 * default-deny NetworkPolicy admitting only the namespace itself and the platform's namespaces;
 * STRICT mTLS; RoleBindings only for declared contributors (with the declared role, through the
 * platform's identity) and declared grantees; nothing cluster-wide but the Argo CD objects and the
 * in-cluster guards (Kyverno ValidatingPolicies, ValidatingAdmissionPolicies); a decommissioned tenant keeps no access at all. Returns every violation.
 */
export function isolationViolations(result: SynthResult, entries: readonly TenantEntry[], platform: PlatformSettings): string[] {
  const out: string[] = [];
  const specs = new Map(entries.map((e) => [e.spec.name, e.spec]));
  const byTenant = new Map<string, Manifest[]>();
  for (const { file, manifest } of result.objects) {
    const m = /^tenants\/([^/]+)\//.exec(file);
    if (!m) {
      if (!file.startsWith('cluster/')) out.push(`${file}: neither in a tenant folder nor in cluster/`);
      // Validating admission policies only refuse requests: they grant nothing.
      else if (!['AppProject', 'Application', 'ApplicationSet', 'ValidatingPolicy', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'].includes(manifest.kind)) {
        out.push(`${file}: unexpected cluster-level ${manifest.kind}`);
      }
      continue;
    }
    byTenant.set(m[1]!, [...(byTenant.get(m[1]!) ?? []), manifest]);
  }
  if ([...byTenant.keys()].sort().join() !== [...specs.keys()].sort().join()) out.push(`tenant folders ${[...byTenant.keys()].sort().join(', ')} != tenants ${[...specs.keys()].sort().join(', ')}`);
  for (const [t, own] of byTenant) {
    const spec = specs.get(t);
    if (!spec) continue;
    out.push(...tenantViolations(t, own, spec, platform));
  }
  return out;
}

function tenantViolations(t: string, own: readonly Manifest[], spec: TenantSpec, platform: PlatformSettings): string[] {
  const out: string[] = [];
  const where = (m: Manifest): string => `${t}: ${m.kind} ${m.metadata.name}`;
  for (const m of own) {
    if (m.kind === 'Profile' || m.kind === 'Namespace') {
      if (m.metadata.name !== t || m.metadata.namespace !== undefined) out.push(`${where(m)}: a tenant folder may hold only its own Profile and Namespace labels`);
    } else if (m.metadata.namespace !== t) out.push(`${where(m)}: in namespace ${String(m.metadata.namespace)}`);
    if (['ClusterRole', 'ClusterRoleBinding', 'ResourceQuota'].includes(m.kind)) out.push(`${where(m)}: never emitted`);
  }
  // The Namespace object only labels the controller's namespace with the tenant's Pod Security level.
  const nss = own.filter((m) => m.kind === 'Namespace');
  const tier = spec.labels['compliance-tier'];
  const level = (tier !== undefined ? platform.podSecurity.byComplianceTier[tier] : undefined) ?? platform.podSecurity.level;
  if (nss.length !== 1) out.push(`${t}: ${nss.length} Namespace objects, want 1`);
  for (const ns of nss) {
    if (Object.keys(ns).sort().join() !== 'apiVersion,kind,metadata' || ns.metadata.annotations?.['argocd.argoproj.io/sync-options'] !== 'Delete=false,Prune=false') out.push(`${where(ns)}: not a labels-only Namespace Argo CD never deletes`);
    if (ns.metadata.labels?.['pod-security.kubernetes.io/enforce'] !== level) out.push(`${where(ns)}: enforces ${String(ns.metadata.labels?.['pod-security.kubernetes.io/enforce'])}, want ${level}`);
  }
  const egress = own.filter((m) => m.kind === 'NetworkPolicy' && m.metadata.name === 'tenant-egress');
  if (egress.length !== 1) out.push(`${t}: ${egress.length} egress NetworkPolicies, want 1`);
  for (const np of egress) out.push(...egressViolations(where(np), np.spec as EgressSpec));
  const nps = own.filter((m) => m.kind === 'NetworkPolicy' && m.metadata.name !== 'tenant-egress');
  if (nps.length !== 1) out.push(`${t}: ${nps.length} ingress NetworkPolicies, want 1`);
  for (const np of nps) {
    const s = np.spec as { podSelector: object; policyTypes: string[]; ingress?: { from?: Record<string, unknown>[] }[] };
    if (JSON.stringify(s.podSelector) !== '{}' || JSON.stringify(s.policyTypes) !== '["Ingress"]') out.push(`${where(np)}: not a default-deny ingress policy for every pod`);
    for (const rule of s.ingress ?? []) {
      if (!rule.from || rule.from.length === 0) out.push(`${where(np)}: an ingress rule without "from" admits everyone`);
      for (const peer of rule.from ?? []) {
        const ns = (peer.namespaceSelector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels?.['kubernetes.io/metadata.name'];
        const ok = JSON.stringify(peer) === '{"podSelector":{}}' || (Object.keys(peer).length === 1 && ns !== undefined && platform.network.allowIngressFromNamespaces.includes(ns));
        if (!ok) out.push(`${where(np)}: admits ${JSON.stringify(peer)}`);
      }
    }
  }
  const pas = own.filter((m) => m.kind === 'PeerAuthentication').map((m) => JSON.stringify(m.spec));
  if (pas.join() !== '{"mtls":{"mode":"STRICT"}}') out.push(`${t}: PeerAuthentication ${pas.join() || 'missing'}, want one STRICT`);

  const retired = isDecommissioned(spec);
  const contributors = new Map<string, string>();
  if (!retired) for (const c of spec.contributors ?? []) contributors.set(identityOf(c.subject === undefined ? { email: c.user } : { email: c.user, subject: c.subject }, platform), `kubeflow-${c.role}`);
  const grantees = new Map<string, Set<string>>();
  if (!retired) {
    for (const g of spec.grants ?? []) {
      const sas = grantees.get(g.to) ?? new Set<string>();
      for (const sa of g.serviceAccounts ?? DEFAULT_GRANTEE_SERVICE_ACCOUNTS) sas.add(sa);
      grantees.set(g.to, sas);
    }
  }
  const seenUsers = new Set<string>();
  for (const rb of own.filter((m) => m.kind === 'RoleBinding')) {
    const roleRef = rb.roleRef as { kind: string; name: string };
    for (const s of (rb.subjects as Subject[] | undefined) ?? []) {
      if (s.kind === 'User') {
        seenUsers.add(s.name);
        if (contributors.get(s.name) !== roleRef.name || roleRef.kind !== 'ClusterRole') out.push(`${where(rb)}: User ${s.name} -> ${roleRef.kind} ${roleRef.name} is not a declared contributor role`);
      } else if (s.kind === 'ServiceAccount') {
        const from = s.namespace ?? t;
        if (from === t) out.push(`${where(rb)}: binds the tenant's own ServiceAccount ${s.name} (the Profile controller's job)`);
        else if (!grantees.get(from)?.has(s.name) || rb.metadata.name !== grantObjectName(from)) out.push(`${where(rb)}: ServiceAccount ${from}/${s.name} was granted nothing`);
      } else out.push(`${where(rb)}: ${s.kind} subject ${s.name}`);
    }
  }
  for (const who of contributors.keys()) if (!seenUsers.has(who)) out.push(`${t}: contributor ${who} has no RoleBinding`);
  for (const ap of own.filter((m) => m.kind === 'AuthorizationPolicy')) {
    const rules = (ap.spec as { rules?: { from?: { source?: { principals?: string[] } }[]; when?: { key: string; values: string[] }[] }[] }).rules ?? [];
    for (const r of rules) {
      const principals = r.from?.flatMap((f) => f.source?.principals ?? []) ?? [];
      if (principals.some((p) => p !== platform.istio.ingressGatewayPrincipal && p !== platform.istio.pipelineUiPrincipal)) out.push(`${where(ap)}: admits principals ${principals.join(', ')}`);
      const users = (r.when ?? []).filter((w) => w.key === `request.headers[${platform.identity.header}]`).flatMap((w) => w.values);
      if (users.length === 0) out.push(`${where(ap)}: no ${platform.identity.header} condition`);
      for (const u of users) if (!u.startsWith(platform.identity.prefix) || !contributors.has(u.slice(platform.identity.prefix.length))) out.push(`${where(ap)}: admits ${u}, not a contributor`);
    }
  }
  if (retired) {
    const left = own.filter((m) => ['SecretStore', 'ExternalSecret', 'PodDefault', 'Role', 'RoleBinding', 'AuthorizationPolicy'].includes(m.kind));
    for (const m of left) out.push(`${where(m)}: left in a decommissioned tenant`);
  }
  return out;
}

interface EgressSpec {
  podSelector: object;
  policyTypes: string[];
  egress?: { to?: { ipBlock?: { cidr: string; except?: string[] }; namespaceSelector?: object; podSelector?: object }[] }[];
}

/** IPv4 ranges that contain 169.254.169.254 (IPv6 ranges never do). */
function containsMetadataV4(cidr: string): boolean {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) return false;
  const ip = m.slice(1, 5).reduce((v, o) => v * 256 + Number(o), 0);
  const bits = Number(m[5]);
  const meta = ((169 * 256 + 254) * 256 + 169) * 256 + 254;
  const size = 2 ** (32 - bits);
  return Math.floor(ip / size) === Math.floor(meta / size);
}

/**
 * Egress: default-deny for every pod, every rule names its destinations, and no destination
 * reaches the cloud metadata address (a range that contains it excepts it).
 */
export function egressViolations(where: string, s: EgressSpec): string[] {
  const out: string[] = [];
  if (JSON.stringify(s.podSelector) !== '{}' || JSON.stringify(s.policyTypes) !== '["Egress"]') out.push(`${where}: not a default-deny egress policy for every pod`);
  for (const rule of s.egress ?? []) {
    if (!rule.to || rule.to.length === 0) out.push(`${where}: an egress rule without "to" allows every destination`);
    for (const peer of rule.to ?? []) {
      const b = peer.ipBlock;
      if (b && containsMetadataV4(b.cidr) && !(b.except ?? []).includes('169.254.169.254/32')) out.push(`${where}: ${b.cidr} reaches the metadata address 169.254.169.254`);
      if (b && (b.cidr.startsWith('fd00:ec2::') || b.cidr === '::/0') && !(b.except ?? []).includes('fd00:ec2::254/128')) out.push(`${where}: ${b.cidr} reaches the metadata address fd00:ec2::254`);
    }
  }
  return out;
}
