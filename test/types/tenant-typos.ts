/**
 * Compile-time test, run by `npm test` (tsc): each line below is a mistake a team lead could make,
 * and TypeScript must reject it in the editor. If any stops being an error, tsc reports the
 * `@ts-expect-error` as unused and the test command fails.
 */
import { tenant } from '../../lib/tenant';

const base = {
  name: 'typos',
  owner: { email: 'lead@example.com' },
  labels: { team: 't', 'cost-centre': 'c', 'compliance-tier': 'i' },
} as const;

// @ts-expect-error misspelled top-level field
tenant({ ...base, quotas: { cpu: '1' } });
// @ts-expect-error misspelled quota field
tenant({ ...base, quota: { cpus: '1' } });
// @ts-expect-error unknown GPU resource
tenant({ ...base, quota: { gpu: { 'nvidia.com/gpus': 1 } } });
// @ts-expect-error MIG profile that no NVIDIA model has
tenant({ ...base, quota: { gpu: { 'nvidia.com/mig-3g.20': 1 } } });
// @ts-expect-error unknown contributor role
tenant({ ...base, contributors: [{ user: 'bob@example.com', role: 'admin' }] });
// @ts-expect-error owner without e-mail
tenant({ ...base, owner: { subject: 'abc' } });
// @ts-expect-error GPU count as a string
tenant({ ...base, quota: { gpu: { 'nvidia.com/gpu': '2' } } });

// And the correct forms compile.
tenant({ ...base, quota: { cpu: 8, memory: '32Gi', gpu: { 'nvidia.com/mig-1g.5gb': 2, 'nvidia.com/gpu.shared': 1 } } });
tenant({ ...base, contributors: [{ user: 'bob@example.com', role: 'view' }] });
