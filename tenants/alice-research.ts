// Exercise 3 of the module: a personal research profile; bob may look but not touch.
import { tenant } from '../lib/tenant';

export default tenant({
  name: 'alice-research',
  owner: { email: 'alice@example.com' },
  labels: { team: 'research', 'cost-centre': 'cc-9000', 'compliance-tier': 'internal' },
  codeOwners: ['@example-org/research'],
  quota: { cpu: '8', memory: '32Gi', gpu: { 'nvidia.com/gpu.shared': 2 } },
  contributors: [{ user: 'bob@example.com', role: 'view' }],
});
