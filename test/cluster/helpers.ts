// Shared helpers of the real-cluster tier: kubectl against the throw-away API server that
// test/cluster/run.sh starts (KFT_KUBECONFIG), the org's bundle under dist/ (checked for
// invariants only), and the fixture repositories' bundles, synthesized into temporary dist/
// folders, which the scenario suites assert on.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import yaml from 'js-yaml';
import type { AccessQuestion } from '../../lib/rbac';
import { defaultGroups } from '../../lib/rbac';
import { synthesize, writeDist } from '../../lib/synth';
import { fixtureInputs } from '../fixture-repo';
import { prng } from '../support/gen-org';

export type { AccessQuestion };

export const ROOT = process.env.KFT_ROOT ?? process.cwd();
export const DIST = process.env.KFT_DIST ?? join(ROOT, 'dist');
export const CRDS = join(ROOT, 'crds');
const KUBECTL = process.env.KFT_KUBECTL ?? 'kubectl';
const KUBECONFIG = process.env.KFT_KUBECONFIG;

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    ownerReferences?: { kind: string; name: string; controller?: boolean }[];
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export interface Emitted {
  file: string; // path relative to dist/
  object: KubeObject;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function requireCluster(): void {
  if (!KUBECONFIG) {
    throw new Error('KFT_KUBECONFIG is not set: run the cluster tier through `npm run test:cluster` (test/cluster/run.sh)');
  }
}

/**
 * Runs kubectl against the test cluster (or, with `kubeconfig`, another control plane of the run:
 * the fleet suite's worker). Never throws; callers assert on the result.
 */
export function kubectl(args: string[], input?: string, kubeconfig: string | undefined = KUBECONFIG): Run {
  requireCluster();
  const r = spawnSync(KUBECTL, args, {
    input,
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: kubeconfig },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * kubectl without blocking the test worker: for calls that grow with the org (bulk apply, bulk
 * get), which can take longer than vitest's worker RPC deadline (60 s) on a large org.
 */
export function kubectlAsync(args: string[], input?: string, kubeconfig: string | undefined = KUBECONFIG): Promise<Run> {
  requireCluster();
  return new Promise((resolve, reject) => {
    const child = spawn(KUBECTL, args, { env: { ...process.env, KUBECONFIG: kubeconfig } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** kubectl that must succeed; returns stdout. */
export function kubectlOk(args: string[], input?: string, kubeconfig?: string): string {
  const r = kubectl(args, input, kubeconfig ?? KUBECONFIG);
  if (r.code !== 0) {
    throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  }
  return r.stdout;
}

export function getJson<T = KubeObject>(args: string[], kubeconfig?: string): T {
  return JSON.parse(kubectlOk([...args, '-o', 'json'], undefined, kubeconfig)) as T;
}

/** The server's copy of each given object (one kubectl call), keyed by kind/namespace/name. */
export async function getAll(objs: KubeObject[]): Promise<Map<string, KubeObject>> {
  const r = await kubectlAsync(['get', '-f', '-', '-o', 'json', '--ignore-not-found'], toYamlStream(objs));
  if (r.code !== 0) throw new Error(`kubectl get -f - failed (${r.code}):\n${r.stderr}`);
  // --ignore-not-found prints nothing at all when none exists
  if (r.stdout.trim() === '') return new Map();
  const out = JSON.parse(r.stdout) as { items?: KubeObject[] } & KubeObject;
  const items = out.kind === 'List' ? (out.items ?? []) : out.kind ? [out] : [];
  return new Map(items.map((o) => [objectKey(o), o]));
}

export const objectKey = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** Returns the object or undefined when it does not exist. */
export function getObject(kind: string, name: string, namespace?: string, kubeconfig?: string): KubeObject | undefined {
  const args = ['get', kind, name, '-o', 'json', ...(namespace ? ['-n', namespace] : [])];
  const r = kubectl(args, undefined, kubeconfig ?? KUBECONFIG);
  if (r.code !== 0) {
    if (/NotFound|not found/.test(r.stderr)) return undefined;
    throw new Error(`kubectl ${args.join(' ')} failed:\n${r.stderr}`);
  }
  return JSON.parse(r.stdout) as KubeObject;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? walk(p) : /\.ya?ml$/.test(n) ? [p] : [];
    });
}

/** Every object under a dist/ folder, the org's by default (one or more YAML documents per file). */
export function loadDist(dir: string = DIST): Emitted[] {
  const files = walk(dir);
  if (files.length === 0) throw new Error(`no YAML under ${dir}: run \`npm run synth\` first`);
  return files.flatMap((f) =>
    yaml
      .loadAll(readFileSync(f, 'utf8'))
      .filter((d): d is KubeObject => !!d && typeof d === 'object' && 'kind' in (d as object))
      .map((object) => ({ file: relative(dir, f), object })),
  );
}

/**
 * Fixture tenants are applied under these names (`fx-alice-research`): the org may have tenants of
 * the example names with other content (a fork starts with the examples), and one cluster holds
 * both. The fixture's cluster/ objects (ApplicationSet, Kyverno policies: singletons per org) are
 * not applied; the scenarios need only the tenant bundles.
 */
export const fx = (tenant: string): string => `fx-${tenant}`;

const fixtureDists = new Map<string, string>();

/**
 * The fixture repository `name` (test/fixtures/<name>) synthesized with its tenants renamed by
 * {@link fx} into a temporary dist/ folder; returns the folder's tenant objects.
 */
export async function loadFixtureDist(name = 'examples'): Promise<Emitted[]> {
  let dir = fixtureDists.get(name);
  if (!dir) {
    const { platform, entries, groups } = await fixtureInputs(name);
    const renamed = entries.map((e) => ({
      file: `tenants/${fx(e.spec.name)}.ts`,
      spec: { ...e.spec, name: fx(e.spec.name), ...(e.spec.grants ? { grants: e.spec.grants.map((g) => ({ ...g, to: fx(g.to) })) } : {}) },
    }));
    const files = new Map([...synthesize(renamed, platform, { groups }).files].filter(([f]) => f.startsWith('tenants/')));
    const parent = process.env.KFT_RUN_DIR ? join(process.env.KFT_RUN_DIR, `fixture-${name}-${process.pid}`) : mkdtempSync(join(tmpdir(), `kft-fixture-${name}-`));
    mkdirSync(parent, { recursive: true });
    dir = join(parent, 'dist');
    writeDist(dir, files);
    fixtureDists.set(name, dir);
  }
  return loadDist(dir);
}

/** Seed of this run's samples: run.sh sets one per run and prints it; KFT_CLUSTER_SEED repeats a run. */
export const SEED = Number(process.env.KFT_CLUSTER_SEED ?? 1);

/** At most `n` of `xs`, drawn with `seed` (all of them when there are no more than `n`), in input order. */
export function sampleOf<T>(xs: readonly T[], n: number, seed: number = SEED): T[] {
  if (xs.length <= n) return [...xs];
  const rnd = prng(seed);
  const idx = xs.map((_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, n).sort((a, b) => a - b).map((i) => xs[i]);
}

export const profiles = (objs: KubeObject[]): KubeObject[] => objs.filter((o) => o.kind === 'Profile');

/**
 * What Pod Security `restricted` asks of a pod, as a notebook image that runs as its own user
 * (jovyan, 1000) meets it: non-root, seccomp RuntimeDefault, and per container no privilege
 * escalation and every capability dropped. Admitted at every level.
 */
export const RESTRICTED_POD_SECURITY = { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } } as const;
export const RESTRICTED_CONTAINER_SECURITY = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } as const;

export function toYamlStream(objs: KubeObject[]): string {
  return objs.map((o) => '---\n' + yaml.dump(o, { noRefs: true, lineWidth: -1 })).join('');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls fn until it returns a truthy value or the timeout passes; returns the last value. */
export async function waitFor<T>(what: string, fn: () => T | undefined | false, timeoutMs = 60_000, everyMs = 300): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${String(last)}`);
    await sleep(everyMs);
  }
}

const FIELD_MANAGER = 'kubeflow-tenants';
const APPLY = ['apply', '--server-side', '--field-manager', FIELD_MANAGER, '--validate=strict', '-f', '-'];

export interface ApplyResult {
  dryRun: Run;
  apply: Run;
}

/**
 * Server-side dry run, then server-side apply, both with strict field validation; one call each.
 * Namespace objects (a tenant's Pod Security labels on the namespace the Profile controller made)
 * go in a second pair of calls with --force-conflicts, as Argo CD's server-side apply always
 * forces: the controller's create owns the labels-file value, the bundle takes its label over.
 */
export async function applyObjects(objs: KubeObject[], kubeconfig: string | undefined = KUBECONFIG): Promise<ApplyResult> {
  const namespaces = objs.filter((o) => o.kind === 'Namespace' && o.apiVersion === 'v1');
  const rest = objs.filter((o) => !namespaces.includes(o));
  const once = async (xs: KubeObject[], flags: string[]): Promise<ApplyResult> => {
    const stream = toYamlStream(xs);
    const dryRun = await kubectlAsync([...APPLY, ...flags, '--dry-run=server'], stream, kubeconfig);
    const apply = dryRun.code === 0 ? await kubectlAsync([...APPLY, ...flags], stream, kubeconfig) : { code: -1, stdout: '', stderr: 'skipped: dry run failed' };
    return { dryRun, apply };
  };
  const first = rest.length > 0 || namespaces.length === 0 ? await once(rest, []) : undefined;
  if (namespaces.length === 0) return first!;
  if (first && first.apply.code !== 0) return first;
  const second = await once(namespaces, ['--force-conflicts']);
  if (!first) return second;
  const join = (a: Run, b: Run): Run => ({ code: a.code !== 0 ? a.code : b.code, stdout: a.stdout + b.stdout, stderr: a.stderr + b.stderr });
  return { dryRun: join(first.dryRun, second.dryRun), apply: join(first.apply, second.apply) };
}

export interface DistApplied {
  clusterScoped: ApplyResult;
  namespaced: ApplyResult;
}

const applied = new Map<string, Promise<DistApplied>>();

/**
 * Applies the org's dist/ the way a GitOps tool with sync waves would: first what has no namespace
 * (the Profiles, any cluster-level object), then, once the Profile controller has created every
 * tenant namespace, the namespaced objects. Idempotent (server-side apply), memoised per file.
 * Bulk: two kubectl calls per phase (dry run, apply), whatever the number of tenants.
 */
export function applyDist(): Promise<DistApplied> {
  return applyOnce('dist', async () => loadDist().map((e) => e.object));
}

/**
 * Applies the fixture repository's tenant bundles (see {@link loadFixtureDist}) like
 * {@link applyDist}; refuses when the org has a tenant of a fixture tenant's name.
 */
export function applyFixture(name = 'examples'): Promise<DistApplied> {
  return applyOnce(`fixture-${name}`, async () => {
    const objs = (await loadFixtureDist(name)).map((e) => e.object);
    const org = new Set(profiles(loadDist().map((e) => e.object)).map((p) => p.metadata.name));
    const clash = profiles(objs).map((p) => p.metadata.name).filter((n) => org.has(n));
    if (clash.length > 0) throw new Error(`the org has tenants named like fixture tenants (${clash.join(', ')}); rename them, or change fx() in test/cluster/helpers.ts`);
    return objs;
  });
}

function applyOnce(key: string, load: () => Promise<KubeObject[]>): Promise<DistApplied> {
  let p = applied.get(key);
  if (p) return p;
  p = (async () => {
    const objs = await load();
    // Another test file of this run applied exactly these objects already: reuse its result.
    const marker = process.env.KFT_RUN_DIR ? join(process.env.KFT_RUN_DIR, `${key}-applied.json`) : undefined;
    const digest = createHash('sha256').update(toYamlStream(objs)).digest('hex');
    if (marker && existsSync(marker)) {
      const prev = JSON.parse(readFileSync(marker, 'utf8')) as { digest: string; result: DistApplied };
      if (prev.digest === digest) return prev.result;
    }
    const result = await applyDistNow(objs);
    if (marker && result.namespaced.apply.code === 0) writeFileSync(marker, JSON.stringify({ digest, result }));
    return result;
  })();
  applied.set(key, p);
  return p;
}

async function applyDistNow(objs: KubeObject[]): Promise<DistApplied> {
  {
    // A bundle's Namespace object only labels the namespace the Profile controller creates (sync
    // wave 0, after the Profiles): applied first it would create the namespace, which the
    // controller then refuses to adopt.
    const isNamespace = (o: KubeObject) => o.kind === 'Namespace' && o.apiVersion === 'v1';
    const clusterObjs = objs.filter((o) => !o.metadata.namespace && !isNamespace(o));
    const nsObjs = objs.filter((o) => o.metadata.namespace);
    const namespaceObjs = objs.filter(isNamespace);
    // Namespaces of the platform (e.g. argocd for AppProjects) exist before any tenant in a real
    // cluster: create the ones dist/ refers to that no Profile creates.
    const tenantNs = new Set(objs.filter((o) => o.kind === 'Profile').map((o) => o.metadata.name));
    const platformNs = [...new Set(nsObjs.map((o) => o.metadata.namespace as string))].filter((n) => !tenantNs.has(n));
    if (platformNs.length > 0) {
      kubectlOk(
        ['apply', '--server-side', '--field-manager', 'kft-cluster-test', '-f', '-'],
        toYamlStream(platformNs.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }))),
      );
    }
    const clusterScoped = await applyObjects(clusterObjs);
    if (clusterScoped.apply.code !== 0) return { clusterScoped, namespaced: clusterScoped };
    const namespaces = [...new Set(nsObjs.map((o) => o.metadata.namespace as string))];
    // One list call per poll, not one per namespace: the wait must not grow with the org.
    await waitFor(
      `${namespaces.length} namespaces (created by the Profile controller) and their default ServiceAccounts`,
      () => {
        const have = new Set(namespacesWithDefaultServiceAccount());
        return namespaces.every((n) => have.has(n));
      },
      90_000 + 200 * namespaces.length,
    );
    return { clusterScoped, namespaced: await applyObjects([...nsObjs, ...namespaceObjs]) };
  }
}

function namespacesWithDefaultServiceAccount(): string[] {
  const out = kubectlOk(['get', 'serviceaccounts', '-A', '--field-selector', 'metadata.name=default', '-o', 'jsonpath={range .items[*]}{.metadata.namespace}{"\\n"}{end}']);
  return out.split('\n').filter(Boolean);
}

/** Every object of the given resource in every namespace, in one call, keyed by namespace/name. */
export function listAll(resource: string): Map<string, KubeObject> {
  const items = getJson<{ items: KubeObject[] }>(['get', resource, '-A']).items;
  return new Map(items.map((o) => [`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
}

/** Successful reconciles per Profile so far (stand-in controller log), read once for all Profiles. */
export function reconcileCounts(): Map<string, number> {
  const p = process.env.KFT_PROFILE_CONTROLLER_LOG;
  const out = new Map<string, number>();
  if (!p || !existsSync(p)) return out;
  for (const m of readFileSync(p, 'utf8').matchAll(/reconciled profile=(\S+) /g)) out.set(m[1], (out.get(m[1]) ?? 0) + 1);
  return out;
}

/** The controller log line written after each successful reconcile (stand-in controller). */
export function reconcileCount(profile: string): number {
  const p = process.env.KFT_PROFILE_CONTROLLER_LOG;
  if (!p || !existsSync(p)) return 0;
  const re = new RegExp(`reconciled profile=${profile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `, 'g');
  return (readFileSync(p, 'utf8').match(re) ?? []).length;
}

/** The API server's answers, one SubjectAccessReview per question, all in one kubectl call. */
export function subjectAccessReviews(qs: AccessQuestion[]): boolean[] {
  if (qs.length === 0) return [];
  const list = {
    apiVersion: 'v1',
    kind: 'List',
    items: qs.map((q) => ({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: q.user,
        groups: q.groups ?? defaultGroups(q.user),
        resourceAttributes: { namespace: q.namespace, verb: q.verb, group: q.group, resource: q.resource },
      },
    })),
  };
  // one line per review, in order
  const out = kubectlOk(['create', '-f', '-', '-o', 'go-template={{.status.allowed}}{{"\\n"}}'], JSON.stringify(list));
  const answers = out.trim().split('\n');
  if (answers.length !== qs.length) throw new Error(`expected ${qs.length} SubjectAccessReview answers, got ${answers.length}`);
  return answers.map((a) => a === 'true');
}
