/**
 * Argo CD, offline: what the ApplicationSet controller generates from a Git directories generator
 * over a set of files, and whether an AppProject admits a destination or an object. Argo CD cannot
 * run in the tests, so delivery is checked on these (test/argocd-fleet.test.ts).
 *
 * Mirrors Argo CD (v3, applicationset/generators/git.go, pkg/apis/application/v1alpha1): the
 * repository's directories are matched with Go's `path.Match` against each `directories[].path`
 * (`exclude: true` removes a match); with `goTemplate` each match gives the parameter `path`
 * (`path`, `basename`, `basenameNormalized`, `segments`); the template is rendered string by string
 * with Go's text/template, `missingkey=error` failing on an absent key. Project destinations match
 * by server or name (glob) and namespace (glob), `!` patterns deny. Anything this emulation does
 * not cover (other generators, template functions, pipelines) throws instead of guessing.
 */

type Json = Record<string, any>;

/** Every directory of a repository holding `files` (paths from the repository root), hidden ones left out. */
export function gitDirectories(files: Iterable<string>): string[] {
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.split('/');
    for (let i = 1; i < parts.length; i++) {
      if (parts[i - 1]!.startsWith('.')) break;
      dirs.add(parts.slice(0, i).join('/'));
    }
  }
  return [...dirs].sort();
}

/** Go's `path.Match`: `*` any run of non-`/` characters, `?` one, `[...]` a class, `\` escapes. */
export function goPathMatch(pattern: string, name: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\') {
      i++;
      if (i >= pattern.length) throw new Error(`bad pattern ${pattern}`);
      re += escapeRe(pattern[i]!);
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw new Error(`bad pattern ${pattern}`);
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('^')) cls = `^${cls.slice(1)}`;
      re += `(?!/)[${cls.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else re += escapeRe(c);
  }
  return new RegExp(`${re}$`).test(name);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Argo CD's `utils.SanitizeName`: lower case, runs of characters other than [a-z0-9-] to `-`, trimmed. */
function sanitizeName(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 253);
}

/**
 * Go text/template over `params`, for the actions ApplicationSet templates here use: field chains
 * (`{{.path.basename}}`, with optional spaces). With `missingkey=error` an absent key throws (as
 * the controller does: no Application is generated); without it Go prints `<no value>`.
 */
export function renderGoTemplate(s: string, params: Json, options: readonly string[]): string {
  const strict = options.includes('missingkey=error');
  return s.replace(/\{\{(.*?)\}\}/g, (_, action: string) => {
    const expr = action.trim();
    if (!/^(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(expr)) throw new Error(`template action {{${action}}} is not a field chain; this emulation does not evaluate it`);
    let v: unknown = params;
    for (const key of expr.slice(1).split('.')) {
      if (typeof v !== 'object' || v === null || !(key in (v as Json))) {
        if (strict) throw new Error(`template: executing "${s}": map has no entry for key "${key}"`);
        return '<no value>';
      }
      v = (v as Json)[key];
    }
    if (typeof v === 'object') throw new Error(`{{${action}}} is not a string`);
    return String(v);
  });
}

function renderDeep(v: unknown, params: Json, options: readonly string[]): unknown {
  if (typeof v === 'string') return renderGoTemplate(v, params, options);
  if (Array.isArray(v)) return v.map((x) => renderDeep(x, params, options));
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [renderGoTemplate(k, params, options), renderDeep(x, params, options)]));
  return v;
}

/** An Application an ApplicationSet generates, with the folder it came from. */
export interface GeneratedApplication {
  readonly appset: string;
  /** The generator's `path.path`: the folder synced. */
  readonly folder: string;
  readonly manifest: Json;
}

/** The Applications `appset` generates over a repository holding `files` (paths from the repository root). */
export function expandApplicationSet(appset: Json, files: Iterable<string>): GeneratedApplication[] {
  const spec = appset.spec as Json;
  if (spec.goTemplate !== true) throw new Error(`${appset.metadata.name}: only goTemplate ApplicationSets are emulated`);
  const options: string[] = spec.goTemplateOptions ?? [];
  const dirs = gitDirectories(files);
  const out: GeneratedApplication[] = [];
  for (const gen of spec.generators as Json[]) {
    const keys = Object.keys(gen);
    if (keys.length !== 1 || keys[0] !== 'git' || !gen.git.directories) throw new Error(`${appset.metadata.name}: only the Git directories generator is emulated, got ${keys.join(',')}`);
    if (gen.git.pathParamPrefix || gen.git.values || gen.template) throw new Error(`${appset.metadata.name}: pathParamPrefix, values and per-generator templates are not emulated`);
    const items = gen.git.directories as { path: string; exclude?: boolean }[];
    for (const dir of dirs) {
      const included = items.some((i) => !i.exclude && goPathMatch(i.path, dir));
      const excluded = items.some((i) => i.exclude === true && goPathMatch(i.path, dir));
      if (!included || excluded) continue;
      const base = dir.slice(dir.lastIndexOf('/') + 1);
      const params = { path: { path: dir, basename: base, basenameNormalized: sanitizeName(base), segments: dir.split('/') } };
      const t = spec.template as Json;
      const manifest = {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { ...(renderDeep(t.metadata, params, options) as Json), namespace: appset.metadata.namespace },
        spec: renderDeep(t.spec, params, options) as Json,
      };
      out.push({ appset: appset.metadata.name, folder: dir, manifest });
    }
  }
  return out;
}

/** Argo CD's `glob.Match` without separators (`*` crosses everything), with `!` deny patterns where allowed. */
export function argoGlobMatch(pattern: string | undefined, value: string, allowNegation: boolean): boolean {
  const p = pattern ?? '';
  if (allowNegation && p.startsWith('!')) return !argoGlobMatch(p.slice(1), value, false);
  if (p === '*') return true;
  if (/[[{]/.test(p)) throw new Error(`glob ${p}: classes and alternatives are not emulated`);
  const re = p
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : escapeRe(c)))
    .join('');
  return new RegExp(`^${re}$`, 's').test(value);
}

/** An Application destination. */
export interface Destination {
  readonly server?: string;
  readonly name?: string;
  readonly namespace?: string;
}

/** Whether `project` admits `dst` (Argo CD's AppProject.isDestinationMatched; no project-scoped clusters). */
export function destinationPermitted(project: Json, dst: Destination): boolean {
  let any = false;
  let denied = false;
  for (const item of (project.spec.destinations ?? []) as Destination[]) {
    const nameOk = dst.name !== undefined && dst.name !== '' && argoGlobMatch(item.name, dst.name, true);
    const serverOk = dst.server !== undefined && dst.server !== '' && argoGlobMatch(item.server, dst.server, true);
    const nsOk = argoGlobMatch(item.namespace, dst.namespace ?? '', true);
    if ((nameOk || serverOk) && nsOk) any = true;
    else if ((!nameOk && isDeny(item.name)) || (!serverOk && isDeny(item.server)) || (!nsOk && isDeny(item.namespace))) denied = true;
  }
  return any && !denied;
}

const isDeny = (p: string | undefined): boolean => p?.startsWith('!') ?? false;

/**
 * Whether `project` lets an Application delivering to `cluster` apply `object`: its kind in the
 * namespaced or cluster-scoped whitelist (a `name` entry admits that object only), and a namespaced
 * object's namespace among the destinations. Namespaced means `metadata.namespace` is set (every
 * namespaced object synth writes names its namespace).
 */
export function objectPermitted(project: Json, cluster: Destination, object: Json): boolean {
  const [group, kind] = [object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '', object.kind];
  const ns: string | undefined = object.metadata.namespace;
  const kindIn = (list: Json[] | undefined, name?: string): boolean =>
    (list ?? []).some((e) => argoGlobMatch(e.group, group, false) && argoGlobMatch(e.kind, kind, false) && (e.name === undefined || e.name === name));
  if (ns === undefined) return kindIn(project.spec.clusterResourceWhitelist, object.metadata.name);
  return kindIn(project.spec.namespaceResourceWhitelist) && destinationPermitted(project, { ...cluster, namespace: ns });
}

/** Where each tenant's bundles must be, and where each cluster is. */
export interface Placement {
  /** Destination (server or name) of every cluster by name. */
  readonly clusters: ReadonlyMap<string, Destination>;
  /** Argo CD's own destination (`fleet.argocd`) and namespace. */
  readonly argocd: Destination;
  readonly argocdNamespace: string;
  /** Per tenant: its home, its burst workers, the cluster it migrates away from. */
  readonly tenants: ReadonlyMap<string, { readonly home: string; readonly workers: readonly string[]; readonly migratingFrom?: string }>;
}

const sameCluster = (a: Destination, b: Destination): boolean => (a.server ?? '') === (b.server ?? '') && (a.name ?? '') === (b.name ?? '');
const show = (d: Destination): string => `${d.server ?? `name ${d.name}`}/${d.namespace ?? ''}`;

/**
 * Checks a fleet's delivery as Argo CD would see it: `argocd` the objects of `dist/argocd/`, `files`
 * the whole `dist/` (path -> parsed objects of that file, paths relative to `dist/`). Returns every
 * problem found; [] when delivery matches the placement.
 */
export function checkFleetDelivery(argocd: readonly Json[], files: ReadonlyMap<string, readonly Json[]>, placement: Placement): string[] {
  const problems: string[] = [];
  const repoFiles = [...files.keys()].map((f) => `dist/${f}`);
  const projects = new Map(argocd.filter((o) => o.kind === 'AppProject').map((o) => [o.metadata.name as string, o]));
  const apps: { manifest: Json; folder: string | undefined }[] = argocd.filter((o) => o.kind === 'Application').map((o) => ({ manifest: o, folder: undefined }));
  for (const a of argocd.filter((o) => o.kind === 'ApplicationSet')) {
    try {
      for (const g of expandApplicationSet(a, repoFiles)) apps.push({ manifest: g.manifest, folder: g.folder });
    } catch (e) {
      problems.push(`ApplicationSet ${a.metadata.name}: ${(e as Error).message}`);
    }
  }
  for (const o of argocd) if (o.metadata.namespace !== placement.argocdNamespace) problems.push(`${o.kind} ${o.metadata.name} is not in Argo CD's namespace`);

  // Names are unique in Argo CD's namespace.
  const names = new Map<string, number>();
  for (const a of apps) names.set(a.manifest.metadata.name, (names.get(a.manifest.metadata.name) ?? 0) + 1);
  for (const [n, count] of names) if (count > 1) problems.push(`Application ${n} is generated ${count} times`);

  // Every Application: its project exists and admits its destination; the objects of its folder are admitted.
  const clusterOf = (d: Destination): string | undefined => [...placement.clusters].find(([, c]) => sameCluster(c, d))?.[0];
  for (const { manifest: app } of apps) {
    const dst = app.spec.destination as Destination;
    const project = projects.get(app.spec.project);
    if (!project) {
      problems.push(`Application ${app.metadata.name}: no AppProject ${app.spec.project}`);
      continue;
    }
    if (!destinationPermitted(project, dst)) problems.push(`Application ${app.metadata.name}: project ${app.spec.project} does not admit ${show(dst)}`);
    const folder = String(app.spec.source.path).replace(/^dist\//, '');
    for (const [f, objs] of files) {
      if (f.slice(0, f.lastIndexOf('/')) !== folder) continue;
      for (const o of objs) if (!objectPermitted(project, dst, o)) problems.push(`Application ${app.metadata.name}: project ${app.spec.project} refuses ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name} (${f})`);
    }
  }

  // Each bundle folder: exactly one Application, to its own cluster, into its tenant's namespace; only placed bundles.
  const bundleFolders = new Set(repoFiles.map((f) => /^dist\/clusters\/([^/]+)\/tenants\/([^/]+)\//.exec(f)?.[0]?.slice(0, -1)).filter((x): x is string => x !== undefined));
  for (const folder of [...bundleFolders].sort()) {
    const [, , c, , t] = folder.split('/') as [string, string, string, string, string];
    const p = placement.tenants.get(t);
    if (!p) problems.push(`${folder}: no tenant ${t}`);
    else if (p.home !== c && !p.workers.includes(c) && p.migratingFrom !== c) problems.push(`${folder}: ${t} is not placed on ${c}`);
    const generated = apps.filter((a) => a.folder === folder);
    if (generated.length !== 1) problems.push(`${folder}: ${generated.length} Applications`);
    for (const { manifest: app } of generated) {
      const dst = app.spec.destination as Destination;
      if (clusterOf(dst) !== c || dst.namespace !== t) problems.push(`${folder}: Application ${app.metadata.name} delivers to ${show(dst)}, not to ${c}/${t}`);
    }
  }
  for (const a of apps) {
    if (a.folder !== undefined && !bundleFolders.has(a.folder)) problems.push(`Application ${a.manifest.metadata.name} from ${a.folder}, which is not a bundle folder`);
  }
  for (const [t, p] of placement.tenants) {
    for (const c of [p.home, ...p.workers, ...(p.migratingFrom ? [p.migratingFrom] : [])]) {
      if (!bundleFolders.has(`dist/clusters/${c}/tenants/${t}`)) problems.push(`tenant ${t}: no bundle on ${c}`);
    }
  }

  // Tenant projects admit namespace <t> on exactly its clusters, and nothing else probed.
  const tenantNames = [...placement.tenants.keys()];
  for (const [t, p] of placement.tenants) {
    const project = projects.get(`tenant-${t}`);
    if (!project) {
      problems.push(`tenant ${t}: no AppProject tenant-${t}`);
      continue;
    }
    const on = new Set([p.home, ...p.workers, ...(p.migratingFrom ? [p.migratingFrom] : [])]);
    const probes = [t, ...tenantNames.filter((x) => x !== t), 'default', 'kube-system', placement.argocdNamespace, `${t}-x`, `x-${t}`];
    for (const [c, d] of placement.clusters) {
      for (const ns of probes) {
        const admitted = destinationPermitted(project, { ...d, namespace: ns });
        const expected = ns === t && on.has(c);
        if (admitted !== expected) problems.push(`AppProject tenant-${t} ${admitted ? 'admits' : 'refuses'} ${c}/${ns}`);
      }
    }
    for (const ns of probes) if (destinationPermitted(project, { ...placement.argocd, namespace: ns }) && ![...placement.clusters.values()].some((d) => sameCluster(d, placement.argocd))) problems.push(`AppProject tenant-${t} admits the Argo CD cluster`);
  }

  // Platform Applications: one per cluster syncing its cluster folder to it, and the bootstrap.
  for (const [c, d] of placement.clusters) {
    const path = `dist/clusters/${c}/cluster`;
    const found = apps.filter((a) => a.folder === undefined && a.manifest.spec.source.path === path);
    if (found.length !== 1 || !sameCluster(found[0]!.manifest.spec.destination, d)) problems.push(`cluster ${c}: ${found.length} platform Applications of ${path} delivering to ${show(d)}`);
  }
  const boot = apps.filter((a) => a.folder === undefined && a.manifest.spec.source.path === 'dist/argocd');
  if (boot.length !== 1 || !sameCluster(boot[0]!.manifest.spec.destination, placement.argocd) || boot[0]!.manifest.spec.destination.namespace !== placement.argocdNamespace) {
    problems.push(`bootstrap: ${boot.length} Applications of dist/argocd to Argo CD's own namespace`);
  }
  return problems;
}
