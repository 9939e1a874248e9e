// Config of the real-cluster tier only (`npm run test:cluster` → test/cluster/run.sh, which starts
// the control plane and exports KFT_KUBECONFIG). The root config excludes test/cluster/**.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/cluster/**/*.cluster.test.ts'],
    // One cluster, shared state: files run one after the other, in name order (see sequencer).
    fileParallelism: false,
    sequence: { shuffle: false },
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ['verbose'],
  },
});
