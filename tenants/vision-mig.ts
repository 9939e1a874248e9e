// A team on MIG slices of A100-40GB GPUs: many small notebooks, a few large training slices.
import { tenant } from '../lib/tenant';

export default tenant({
  name: 'vision-mig',
  owner: { email: 'vision-lead@example.com' },
  labels: { team: 'vision', 'cost-centre': 'cc-5005', 'compliance-tier': 'internal' },
  codeOwners: ['@example-org/vision'],
  quota: {
    cpu: '24',
    memory: '96Gi',
    gpu: { 'nvidia.com/mig-1g.5gb': 8, 'nvidia.com/mig-3g.20gb': 2 },
  },
  limits: {
    pod: { max: { cpu: '6', memory: '24Gi', gpu: { 'nvidia.com/mig-1g.5gb': 1, 'nvidia.com/mig-3g.20gb': 1 } } },
    container: { defaultRequest: { cpu: '250m', memory: '512Mi' } },
  },
  contributors: [
    { user: 'Jane.Doe+ml@Example.com', role: 'edit' },
    { user: 'cv.intern@example.com', role: 'view' },
  ],
});
