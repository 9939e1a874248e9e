// Exercise 2 of the module: the consumer of risk-modeling's InferenceServices.
import { tenant } from '../lib/tenant';

export default tenant({
  name: 'payments-engineering',
  owner: { email: 'payments-lead@example.com' },
  labels: { team: 'payments', 'cost-centre': 'cc-3002', 'compliance-tier': 'pci' },
  codeOwners: ['@example-org/payments'],
  quota: { cpu: '16', memory: '64Gi', storage: '200Gi', pods: 100 },
  contributors: [{ user: 'payments.dev@example.com', role: 'edit' }],
  // The S3 key also reads the model files risk-modeling shares (see tenants/risk-modeling.ts).
  credentials: { s3: true, registry: true },
});
