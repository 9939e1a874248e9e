/**
 * `npm run can-i -- VERB TYPE[/NAME] -n NAMESPACE --as USER [--as-group GROUP]...` and
 * `npm run can-i -- --list -n NAMESPACE --as USER`: `kubectl auth can-i` answered offline from a
 * synth of the working tree (lib/can-i.ts; same output and exit codes). `--root <repo>` picks the repository.
 * In a fleet the answer is the namespace's home cluster's (`--cluster <name>` picks another, e.g. a burst worker).
 */
import * as path from 'node:path';
import { canI, parseCanI, resourceGroups } from '../lib/can-i';
import { runCommand, userErrorExitCode } from '../lib/cli';
import { synthRepo } from '../lib/pipeline/repo';
import { aggregateClusterRoles, kubernetesBootstrapRbac, loadKubeflowClusterRoles, rbacModel } from '../lib/rbac';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const r = argv.indexOf('--root');
  const root = path.resolve(r >= 0 && argv[r + 1] ? argv[r + 1]! : process.cwd());
  const rest = r >= 0 ? [...argv.slice(0, r), ...argv.slice(r + 2)] : argv;
  // In a fleet: `--cluster <name>`, else the cluster the namespace is homed on.
  const ci = rest.indexOf('--cluster');
  const clusterArg = ci >= 0 ? rest[ci + 1] : undefined;
  const parsed = parseCanI(ci >= 0 ? [...rest.slice(0, ci), ...rest.slice(ci + 2)] : rest);
  if ('error' in parsed) {
    console.error(`error: ${parsed.error}`);
    return 1;
  }
  try {
    const { result } = await synthRepo(root);
    let synthesized = result.objects;
    if (result.clusters) {
      const ns = parsed.args.namespace;
      const cluster = clusterArg !== undefined ? result.clusters.find((c) => c.name === clusterArg) : result.clusters.find((c) => c.tenants.includes(ns));
      if (!cluster) {
        const names = result.clusters.map((c) => c.name).join(', ');
        console.error(
          clusterArg !== undefined
            ? `error: --cluster: Not found: "${clusterArg}": no cluster of that name in platform.ts fleet.clusters; clusters: ${names}`
            : `error: a fleet (platform.ts fleet.clusters): namespace "${ns}" is no tenant's home, so its cluster is unknown; pass --cluster <name> (clusters: ${names})`,
        );
        return 1;
      }
      synthesized = result.objects.filter((o) => o.file.startsWith(`${cluster.dir}/`));
    }
    const objects = [...synthesized.map((o) => o.manifest), ...kubernetesBootstrapRbac()];
    const clusterRoles = loadKubeflowClusterRoles();
    const all = [...clusterRoles, ...objects.filter((o) => o.kind === 'ClusterRole')];
    const out = canI(rbacModel(objects, clusterRoles), parsed.args, resourceGroups([...aggregateClusterRoles(all).values()].flat()));
    for (const l of out.stdout) console.log(l);
    for (const l of out.stderr) console.error(l);
    return out.code;
  } catch (err) {
    return userErrorExitCode(err, 'no answer.');
  }
}

runCommand(main);
