/**
 * `npm run can-i -- VERB TYPE[/NAME] -n NAMESPACE --as USER [--as-group GROUP]...` and
 * `npm run can-i -- --list -n NAMESPACE --as USER`: `kubectl auth can-i` answered offline from a
 * synth of the working tree (lib/can-i.ts; same output and exit codes). `--root <repo>` picks the repository.
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
  const parsed = parseCanI(r >= 0 ? [...argv.slice(0, r), ...argv.slice(r + 2)] : argv);
  if ('error' in parsed) {
    console.error(`error: ${parsed.error}`);
    return 1;
  }
  try {
    const objects = [...(await synthRepo(root)).result.objects.map((o) => o.manifest), ...kubernetesBootstrapRbac()];
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
