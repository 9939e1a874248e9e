// Prints, as shell assignments for run.sh, the settings of the org's platform.ts the Profile
// controller must be started with: in a real cluster it runs with the same identity header, prefix
// and Istio principals as the org's platform.ts says, or owners could not reach their namespaces.
// It also writes the controller's namespace-labels file as synth emits it for the org
// (dist/platform/profile-controller/namespace-labels.yaml) to the path given as its argument.
// Usage (from the repository root): eval "$(tsx test/cluster/platform-env.ts <labels file>)"
import { writeFileSync } from 'node:fs';
import { namespaceLabelsFile } from '../../lib/constructs/platform-files';
import { loadPlatform } from '../../lib/synth';
import { ROOT } from './helpers';

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
const p = await loadPlatform(ROOT);
const labelsFile = process.argv[2];
if (labelsFile) writeFileSync(labelsFile, namespaceLabelsFile(p));
console.log(
  [
    `KFT_USERID_HEADER=${quote(p.identity.header)}`,
    `KFT_USERID_PREFIX=${quote(p.identity.prefix)}`,
    `KFT_INGRESS_PRINCIPAL=${quote(p.istio.ingressGatewayPrincipal)}`,
    `KFT_KFP_UI_PRINCIPAL=${quote(p.istio.pipelineUiPrincipal)}`,
  ].join('\n'),
);
