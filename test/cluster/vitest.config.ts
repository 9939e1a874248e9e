// Config of the real-cluster tier only (`npm run test:cluster` → test/cluster/run.sh, which starts
// the control plane and exports KFT_KUBECONFIG). The root config excludes test/cluster/**.
import { BaseSequencer } from 'vitest/node';
import type { TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * Files in name order (1-..., 2-..., ...): suites share one cluster and build on each other's state.
 * Vitest's default order follows cached durations and failures, which differs between machines.
 */
class NameOrder extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    // numeric prefixes in numeric order: 10-... after 9-...
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId, 'en', { numeric: true }));
  }
}

export default defineConfig({
  test: {
    include: ['test/cluster/**/*.cluster.test.ts'],
    // One cluster, shared state: files run one after the other, in name order (see sequencer).
    fileParallelism: false,
    sequence: { shuffle: false, sequencer: NameOrder },
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ['verbose'],
  },
});
