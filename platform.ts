/**
 * Platform settings for this cluster: the one file the platform team edits for cluster-wide
 * facts. Every field is optional; see lib/platform.ts for each default.
 */
import { definePlatform } from './lib/platform';

export default definePlatform({
  identity: { header: 'kubeflow-userid', prefix: '', use: 'email' },
  gpu: {
    vendors: ['nvidia.com/gpu', 'amd.com/gpu', 'gpu.intel.com/i915'],
    mig: { 'A100-40GB': ['1g.5gb', '2g.10gb', '3g.20gb', '4g.20gb', '7g.40gb'] },
    timeSliced: ['nvidia.com/gpu.shared'],
  },
  requiredLabels: ['team', 'cost-centre', 'compliance-tier'],
});
