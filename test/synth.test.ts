/**
 * The example tenants' output (fixture repository test/fixtures/examples), field by field, and the pipeline's guarantees: nothing the Profile
 * controller owns, determinism, and an atomic dist/.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { kfamBindingName } from '../lib/model/identity';
import type { PlatformSettings } from '../lib/platform';
import type { Manifest, SynthResult } from '../lib/synth';
import { readTree, synthesize, writeDist } from '../lib/synth';
import type { TenantEntry } from '../lib/validation';
import { fixtureInputs, fixtureRepo } from './fixture-repo';
import { ROOT, tsxBin } from './support/fixtures';

let platform: PlatformSettings;
let entries: TenantEntry[];
let result: SynthResult;

beforeAll(async () => {
  ({ platform, entries } = await fixtureInputs('examples'));
  result = synthesize(entries, platform);
});

const objectsOf = (tenant: string): Manifest[] => result.objects.filter((o) => o.file.startsWith(`tenants/${tenant}/`)).map((o) => o.manifest);
const find = (tenant: string, kind: string, name: string): Manifest => {
  const m = objectsOf(tenant).find((o) => o.kind === kind && o.metadata.name === name);
  if (!m) throw new Error(`${tenant}: no ${kind} ${name}`);
  return m;
};

describe('KFAM binding names', () => {
  it.each([
    ['lalith.vaka@zq.msds.kp.org', 'edit', 'user-lalith-vaka-zq-msds-kp-org-clusterrole-edit'], // KFAM's own test vector
    ['Jane.Doe+ml@Example.com', 'edit', 'user-jane-doe-ml-example-com-clusterrole-edit'], // runs collapse
    ['bob@example.com', 'view', 'user-bob-example-com-clusterrole-view'],
    ['a..b__c@x.io', 'view', 'user-a-b-c-x-io-clusterrole-view'],
  ] as const)('%s (%s) -> %s', (email, role, name) => {
    expect(kfamBindingName(email, role)).toBe(name);
  });
});

describe('fraud-modelling (exercise 1: 50 vCPU, 200Gi, 8 GPUs; no pod above 8 CPU / 32Gi / 1 GPU)', () => {
  it('Profile carries owner, labels and the quota with requests.-prefixed GPU keys', () => {
    const p = find('fraud-modelling', 'Profile', 'fraud-modelling');
    expect(p.apiVersion).toBe('kubeflow.org/v1');
    expect(p.metadata.namespace).toBeUndefined();
    expect(p.metadata.labels).toMatchObject({ team: 'fraud', 'cost-centre': 'cc-4711', 'compliance-tier': 'pci' });
    const spec = p.spec as { owner: unknown; resourceQuotaSpec: { hard: Record<string, string> } };
    expect(spec.owner).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'fraud-lead@example.com' });
    expect(spec.resourceQuotaSpec.hard).toEqual({
      persistentvolumeclaims: '20',
      'requests.amd.com/gpu': '0',
      'requests.cpu': '50',
      'requests.gpu.intel.com/i915': '0',
      'requests.memory': '200Gi',
      'requests.nvidia.com/gpu': '8',
      'requests.nvidia.com/gpu.shared': '0',
      'requests.nvidia.com/mig-1g.5gb': '0',
      'requests.nvidia.com/mig-2g.10gb': '0',
      'requests.nvidia.com/mig-3g.20gb': '0',
      'requests.nvidia.com/mig-4g.20gb': '0',
      'requests.nvidia.com/mig-7g.40gb': '0',
      'requests.storage': '1Ti',
      'services.loadbalancers': '0',
      'services.nodeports': '0',
    });
  });

  it('LimitRange caps a pod at 8 CPU / 32Gi / 1 GPU and defaults requests', () => {
    const lr = find('fraud-modelling', 'LimitRange', 'tenant-limits');
    expect(lr.metadata.namespace).toBe('fraud-modelling');
    expect(lr.spec).toEqual({
      limits: [
        { type: 'Pod', max: { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': '1' } },
        {
          type: 'Container',
          max: { cpu: '8', memory: '32Gi' },
          default: { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': '0' },
          defaultRequest: { cpu: '100m', memory: '256Mi', 'nvidia.com/gpu': '0' },
        },
      ],
    });
  });
});

describe('alice-research (exercise 3: alice owns it, bob reads)', () => {
  it('bob is a view contributor as KFAM makes him, except that his policy does not admit the ingress gateway (a viewer cannot drive a notebook server)', () => {
    const name = 'user-bob-example-com-clusterrole-view';
    const rb = find('alice-research', 'RoleBinding', name);
    expect(rb.metadata).toMatchObject({ name, namespace: 'alice-research', annotations: { role: 'view', user: 'bob@example.com' } });
    expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubeflow-view' });
    expect(rb.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob@example.com' }]);
    const ap = find('alice-research', 'AuthorizationPolicy', name);
    expect(ap.metadata).toMatchObject({ name, namespace: 'alice-research', annotations: { role: 'view', user: 'bob@example.com' } });
    expect(ap.spec).toEqual({
      rules: [
        {
          from: [{ source: { principals: ['cluster.local/ns/kubeflow/sa/ml-pipeline-ui'] } }],
          when: [{ key: 'request.headers[kubeflow-userid]', values: ['bob@example.com'] }],
        },
      ],
    });
  });

  it('the owner is alice, and a time-sliced GPU quota is honoured', () => {
    const p = find('alice-research', 'Profile', 'alice-research');
    const spec = p.spec as { owner: { name: string }; resourceQuotaSpec: { hard: Record<string, string> } };
    expect(spec.owner.name).toBe('alice@example.com');
    expect(spec.resourceQuotaSpec.hard['requests.nvidia.com/gpu.shared']).toBe('2');
    expect(spec.resourceQuotaSpec.hard['requests.nvidia.com/gpu']).toBe('0');
  });

  it('is isolated: default-deny ingress admitting itself, the gateway and the control plane; STRICT mTLS', () => {
    expect(find('alice-research', 'NetworkPolicy', 'tenant-isolation').spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [
            { podSelector: {} },
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } } },
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kubeflow' } } },
          ],
        },
      ],
    });
    expect(find('alice-research', 'PeerAuthentication', 'tenant-mtls-strict').spec).toEqual({ mtls: { mode: 'STRICT' } });
  });
});

describe('vision-mig (MIG slices)', () => {
  it('quota and per-pod caps name the MIG resources', () => {
    const hard = (find('vision-mig', 'Profile', 'vision-mig').spec as { resourceQuotaSpec: { hard: Record<string, string> } }).resourceQuotaSpec.hard;
    expect(hard['requests.nvidia.com/mig-1g.5gb']).toBe('8');
    expect(hard['requests.nvidia.com/mig-3g.20gb']).toBe('2');
    expect(hard['requests.nvidia.com/mig-7g.40gb']).toBe('0');
    const lr = find('vision-mig', 'LimitRange', 'tenant-limits').spec as { limits: { type: string; max: Record<string, string>; defaultRequest?: Record<string, string> }[] };
    expect(lr.limits[0]!.max).toEqual({ cpu: '6', memory: '24Gi', 'nvidia.com/mig-1g.5gb': '1', 'nvidia.com/mig-3g.20gb': '1' });
    expect(lr.limits[1]!.defaultRequest).toEqual({ cpu: '250m', memory: '512Mi', 'nvidia.com/mig-1g.5gb': '0', 'nvidia.com/mig-3g.20gb': '0' });
  });

  it('contributors are sorted by binding name, whatever the declaration order', () => {
    const names = objectsOf('vision-mig').filter((o) => o.kind === 'RoleBinding' && o.metadata.name.startsWith('user-')).map((o) => o.metadata.name);
    expect(names).toEqual(['user-cv-intern-example-com-clusterrole-view', 'user-jane-doe-ml-example-com-clusterrole-edit']);
  });
});

describe('what is never emitted', () => {
  it('nothing the Profile controller owns', () => {
    const controllerOwned = new Set(['namespaceAdmin', 'default-editor', 'default-viewer', 'ns-owner-access-istio', 'kf-resource-quota']);
    for (const { file, manifest } of result.objects) {
      // A Namespace object only labels the tenant's namespace (Pod Security); the controller creates it.
      if (manifest.kind === 'Namespace') expect([file, Object.keys(manifest).sort()]).toEqual([`tenants/${manifest.metadata.name}/Namespace.${manifest.metadata.name}.yaml`, ['apiVersion', 'kind', 'metadata']]);
      expect(manifest.kind).not.toBe('ClusterRoleBinding');
      if (manifest.kind !== 'ServiceAccount') expect(controllerOwned.has(manifest.metadata.name)).toBe(false);
      if (manifest.kind === 'ResourceQuota') throw new Error('the quota belongs in the Profile');
    }
  });

  it('every object has an explicit name, and namespaced ones the tenant namespace', () => {
    for (const { file, manifest } of result.objects) {
      expect(manifest.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
      const m = /^tenants\/([^/]+)\//.exec(file);
      if (m && manifest.kind !== 'Profile' && manifest.kind !== 'Namespace') expect(manifest.metadata.namespace).toBe(m[1]);
    }
  });
});

describe('determinism', () => {
  it('synth twice is byte-identical, and input order does not matter', () => {
    const again = synthesize([...entries].reverse(), platform);
    expect([...again.files.entries()]).toEqual([...result.files.entries()]);
  });
});

describe('atomic dist/', () => {
  const makeRepo = (): string => fixtureRepo('examples', { only: ['alice-research.ts'] });
  const synthCli = (dir: string) => spawnSync(tsxBin, [path.join(ROOT, 'main.ts'), '--root', dir], { cwd: dir, encoding: 'utf8' });

  it('a failed synth exits 1 with every error, no stack trace, and leaves dist/ untouched', () => {
    const dir = makeRepo();
    try {
      const ok = synthCli(dir);
      expect(ok.stderr).toBe('');
      expect(ok.status).toBe(0);
      const before = readTree(path.join(dir, 'dist'));
      expect(before.size).toBeGreaterThan(0);
      fs.writeFileSync(
        path.join(dir, 'tenants/broken.ts'),
        `import { tenant } from '../lib/tenant';\nexport default tenant({ name: 'Broken', owner: { email: 'x' }, labels: { team: 't', 'cost-centre': 'c', 'compliance-tier': 'internal' }, quota: { cpu: '-1' } });\n`,
      );
      const bad = synthCli(dir);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain('tenants/broken.ts: name: Invalid value: "Broken"');
      expect(bad.stderr).toContain('tenants/broken.ts: owner.email: Invalid value: "x"');
      expect(bad.stderr).toContain('tenants/broken.ts: quota.cpu: Invalid value: "-1"');
      expect(bad.stderr).toContain('3 error(s); dist/ left unchanged.');
      expect(bad.stderr).not.toMatch(/\n\s+at /);
      expect(readTree(path.join(dir, 'dist'))).toEqual(before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a tenant file that does not load is reported by name, not as a crash', () => {
    const dir = makeRepo();
    try {
      fs.writeFileSync(path.join(dir, 'tenants/typo.ts'), `export default {{ name: 'x' };\n`);
      const bad = synthCli(dir);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain('tenants/typo.ts:1:17: (file): Invalid value: "typo.ts": cannot be loaded: Expected identifier but found "{"\n');
      expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a re-synth that changes nothing leaves dist/ alone; any difference replaces it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kft-same-'));
    try {
      const out = path.join(dir, 'dist');
      const files = new Map([['tenants/a/x.yaml', 'a: 1\n'], ['cluster/y.yaml', 'b: 2\n']]);
      writeDist(out, files);
      const inode = fs.statSync(out).ino;
      writeDist(out, files);
      expect(fs.statSync(out).ino).toBe(inode); // not rebuilt
      fs.writeFileSync(path.join(out, 'stray.yaml'), 'c: 3\n');
      writeDist(out, files);
      expect(fs.statSync(out).ino).not.toBe(inode);
      expect(readTree(out)).toEqual(new Map([['cluster/y.yaml', 'b: 2\n'], ['tenants/a/x.yaml', 'a: 1\n']]));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a write that fails half-way leaves the previous dist/ in place', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kft-write-'));
    try {
      const out = path.join(dir, 'dist');
      writeDist(out, new Map([['tenants/a/x.yaml', 'a: 1\n']]));
      // A file and a folder of one name cannot both be written: the write fails after starting.
      expect(() => writeDist(out, new Map([['tenants/b', 'x'], ['tenants/b/y.yaml', 'b: 2\n']]))).toThrow();
      expect(readTree(out)).toEqual(new Map([['tenants/a/x.yaml', 'a: 1\n']]));
      expect(fs.readdirSync(dir)).toEqual(['dist']); // no temporary folder left behind
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
