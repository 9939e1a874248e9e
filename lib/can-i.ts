/**
 * `npm run can-i`: `kubectl auth can-i`, answered offline from a synth of the working tree, the
 * vendored Kubeflow ClusterRoles, what the Profile controller creates for each Profile and the
 * cluster's bootstrap `system:basic-user` (lib/rbac.ts). Same arguments, output and exit codes as
 * kubectl for what it models: `yes` exit 0, `no` exit 1, an error exit 1 with `error: ...`;
 * `--as-group` requires `--as` (as the API server's impersonation does); `--list` lists the rules.
 *
 * Offline differences, all refused with an error rather than guessed: `--as` is required (there is
 * no current user), non-resource URLs (`/logs`) are not modelled, and resource types are resolved
 * from the plural names the vendored roles use (no short names or singulars). Beyond kubectl, a
 * `no` that workloads turn into a yes says so on stderr (lib/rbac.ts `canThroughWorkloads`).
 */
import type { PolicyRule, RbacModel } from './rbac';

/** Parsed arguments of one `can-i` call. */
export interface CanIArgs {
  readonly list: boolean;
  readonly quiet: boolean;
  readonly noHeaders: boolean;
  readonly verb?: string;
  /** As written: `pods`, `deployments.apps`, `jobs.batch/bar`. */
  readonly target?: string;
  readonly subresource?: string;
  /** `''` with `-A`. @default 'default' */
  readonly namespace: string;
  readonly as: string;
  readonly asGroups: readonly string[];
}

/** What the command prints and exits with. */
export interface CanIOutput {
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
  readonly code: number;
}

const fail = (message: string): CanIOutput => ({ stdout: [], stderr: [`error: ${message}`], code: 1 });

const USAGE = 'usage: npm run can-i -- VERB TYPE[.GROUP][/NAME] -n NAMESPACE --as USER [--as-group GROUP]... [--subresource SUB] [-q] | --list -n NAMESPACE --as USER';

/** Parses kubectl's flags: `--flag value` and `--flag=value`, `-n`, `-A`, `-q`. */
export function parseCanI(argv: readonly string[]): { args: CanIArgs } | { error: string } {
  const positional: string[] = [];
  let list = false;
  let quiet = false;
  let noHeaders = false;
  let namespace: string | undefined;
  let all = false;
  let as: string | undefined;
  let subresource: string | undefined;
  const asGroups: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const flag = a.startsWith('-') && eq > 0 ? a.slice(0, eq) : a;
    const inline = a.startsWith('-') && eq > 0 ? a.slice(eq + 1) : undefined;
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--list':
        list = inline === undefined || inline === 'true';
        break;
      case '-q':
      case '--quiet':
        quiet = true;
        break;
      case '--no-headers':
        noHeaders = true;
        break;
      case '-A':
      case '--all-namespaces':
        all = true;
        break;
      case '-n':
      case '--namespace':
        namespace = value();
        if (namespace === undefined) return { error: `flag needs an argument: ${flag}` };
        break;
      case '--as':
        as = value();
        if (as === undefined) return { error: 'flag needs an argument: --as' };
        break;
      case '--as-group': {
        const g = value();
        if (g === undefined) return { error: 'flag needs an argument: --as-group' };
        asGroups.push(g);
        break;
      }
      case '--subresource':
        subresource = value();
        if (subresource === undefined) return { error: 'flag needs an argument: --subresource' };
        break;
      default:
        if (a.startsWith('-') && a !== '-') return { error: `unknown flag: ${a}\n${USAGE}` };
        positional.push(a);
    }
  }
  // The API server refuses groups without a user to impersonate; kubectl's client refuses first.
  if (asGroups.length > 0 && as === undefined) return { error: 'requesting uid, groups or user-extra without impersonating a user: --as-group requires --as' };
  if (as === undefined) return { error: `--as USER is required: offline there is no current user to ask for\n${USAGE}` };
  if (list) {
    if (positional.length > 0) return { error: `--list takes no VERB or TYPE\n${USAGE}` };
  } else if (positional.length < 2) {
    return { error: `you must specify two arguments: verb resource or verb resource/resourceName.\n${USAGE}` };
  } else if (positional.length > 2) return { error: `too many arguments: ${positional.join(' ')}\n${USAGE}` };
  if (all && namespace !== undefined) return { error: 'give either -n NAMESPACE or -A, not both' };
  return {
    args: {
      list,
      quiet,
      noHeaders,
      ...(positional[0] !== undefined ? { verb: positional[0] } : {}),
      ...(positional[1] !== undefined ? { target: positional[1] } : {}),
      ...(subresource !== undefined ? { subresource } : {}),
      namespace: all ? '' : (namespace ?? 'default'),
      as,
      asGroups,
    },
  };
}

/**
 * Which API group a plural resource belongs to, from the rules of the given roles (the vendored
 * Kubeflow ClusterRoles and this tool's): the core group if it has it, else the only group that
 * does; undefined when unknown or ambiguous.
 */
export function resourceGroups(rules: readonly PolicyRule[]): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const r of rules) {
    for (const res of r.resources ?? []) {
      if (res === '*' || res.startsWith('*/')) continue;
      const base = res.split('/')[0]!;
      for (const g of r.apiGroups ?? []) if (g !== '*') out.set(base, (out.get(base) ?? new Set()).add(g));
    }
  }
  return new Map([...out].map(([k, v]) => [k, [...v].sort()]));
}

/** Resolves `TYPE[.GROUP][/NAME]` and `--subresource` to a question's group, resource and name. */
export function resolveTarget(target: string, subresource: string | undefined, groups: ReadonlyMap<string, readonly string[]>): { group: string; resource: string; name?: string } | { error: string } {
  if (target.startsWith('/')) return { error: `non-resource URLs (${target}) are not modelled offline; ask the cluster: kubectl auth can-i ... ${target}` };
  const slash = target.indexOf('/');
  const type = slash < 0 ? target : target.slice(0, slash);
  const name = slash < 0 ? undefined : target.slice(slash + 1);
  const dot = type.indexOf('.');
  let resource = dot < 0 ? type : type.slice(0, dot);
  let group: string;
  if (dot >= 0) group = type.slice(dot + 1);
  else if (resource === '*') group = '*';
  else {
    const known = groups.get(resource) ?? [];
    if (known.includes('')) group = '';
    else if (known.length === 1) group = known[0]!;
    else if (known.length > 1) return { error: `"${resource}" exists in several API groups (${known.join(', ')}); write it with its group, e.g. ${resource}.${known[0]}` };
    else return { error: `the resource type "${resource}" is not known offline (plural names only, e.g. pods, notebooks, inferenceservices); write it with its group, e.g. ${resource}.example.com` };
  }
  if (subresource) resource = `${resource}/${subresource}`;
  return { group, resource, ...(name ? { name } : {}) };
}

const ruleResources = (r: PolicyRule): string[] => (r.resources ?? []).map((res) => ((r.apiGroups ?? []).filter((g) => g !== '').length > 0 ? (r.apiGroups ?? []).map((g) => (g === '' ? res : `${res}.${g}`)) : [res])).flat();

/** Answers one call: the question, or the `--list` table. */
export function canI(model: RbacModel, args: CanIArgs, groups: ReadonlyMap<string, readonly string[]>): CanIOutput {
  const principal = args.asGroups.length > 0 ? { user: args.as, groups: args.asGroups } : { user: args.as };
  if (args.list) {
    const rows = new Map<string, { res: string; names: string; verbs: Set<string> }>();
    for (const { rule } of model.rulesFor(principal, args.namespace)) {
      for (const res of ruleResources(rule)) {
        const names = `[${(rule.resourceNames ?? []).join(' ')}]`;
        const key = `${res}\u0000${names}`;
        const row = rows.get(key) ?? { res, names, verbs: new Set<string>() };
        for (const v of rule.verbs) row.verbs.add(v);
        rows.set(key, row);
      }
    }
    const table = [...rows.values()].sort((a, b) => (a.res < b.res ? -1 : a.res > b.res ? 1 : a.names < b.names ? -1 : 1)).map((r) => [r.res, '[]', r.names, `[${[...r.verbs].sort().join(' ')}]`]);
    const all = [...(args.noHeaders ? [] : [['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs']]), ...table];
    const widths = [0, 1, 2].map((i) => Math.max(0, ...all.map((r) => r[i]!.length)));
    const stdout = all.map((r) => r.map((c, i) => (i < 3 ? c.padEnd(widths[i]! + 3) : c)).join('').trimEnd());
    const reached = model.reach(principal).filter((r) => r.path.length > 0 && r.path.at(-1)!.namespace === args.namespace);
    const stderr = reached.length > 0 ? [`note: through the workloads it can create, ${args.as} also acts as ${[...new Set(reached.map((r) => r.identity.user))].join(', ')} here (npm run access shows what that adds)`] : [];
    return { stdout, stderr, code: 0 };
  }
  const t = resolveTarget(args.target!, args.subresource, groups);
  if ('error' in t) return fail(t.error);
  const q = { ...principal, verb: args.verb!, group: t.group, resource: t.resource, namespace: args.namespace, ...(t.name ? { name: t.name } : {}) };
  const yes = model.can(q);
  const out: string[] = args.quiet ? [] : [yes ? 'yes' : 'no'];
  const err: string[] = [];
  if (!yes && !args.quiet) {
    const via = model.canThroughWorkloads(q);
    if (via) err.push(`note: RBAC says no, but ${args.as} can create workloads that run as ${via.identity.user}, which may (${via.path.map((s) => `in ${s.namespace} as ${s.as}${s.by.what ? ` through a ${s.by.what}` : ''}`).join(', then ')})`);
  }
  return { stdout: out, stderr: err, code: yes ? 0 : 1 };
}
