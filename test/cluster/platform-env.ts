// Prints, as shell assignments for run.sh, the settings of the org's platform.ts the Profile
// controller must be started with: in a real cluster it runs with the same identity header, prefix
// and Istio principals as the org's platform.ts says, or owners could not reach their namespaces.
// Usage (from the repository root): eval "$(tsx test/cluster/platform-env.ts)"
import { loadPlatform } from '../../lib/synth';
import { ROOT } from './helpers';

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
const p = await loadPlatform(ROOT);
console.log(
  [
    `KFT_USERID_HEADER=${quote(p.identity.header)}`,
    `KFT_USERID_PREFIX=${quote(p.identity.prefix)}`,
    `KFT_INGRESS_PRINCIPAL=${quote(p.istio.ingressGatewayPrincipal)}`,
    `KFT_KFP_UI_PRINCIPAL=${quote(p.istio.pipelineUiPrincipal)}`,
  ].join('\n'),
);
