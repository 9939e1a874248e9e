// Exercise 2 of the module: risk-modeling publishes InferenceServices that payments-engineering
// may read (the grant is declared here, by the owner of the models).
import { tenant } from '../lib/tenant';

export default tenant({
  name: 'risk-modeling',
  owner: { email: 'risk-lead@example.com' },
  labels: { team: 'risk', 'cost-centre': 'cc-2001', 'compliance-tier': 'internal' },
  codeOwners: ['@example-org/risk'],
  quota: { cpu: '32', memory: '128Gi', storage: '500Gi', gpu: { 'nvidia.com/gpu': 4 } },
  contributors: [{ user: 'quant@example.com', role: 'edit' }],
  grants: [
    // payments-engineering's workloads may look up the deployed models and read the exported
    // fraud-v3 model files; nothing else in this namespace.
    { to: 'payments-engineering', resources: ['inferenceservices'], verbs: ['get', 'list'], artifactPrefixes: ['models/fraud-v3'] },
  ],
  credentials: {
    s3: true,
    registry: true,
    git: true,
    apiKeys: [{ name: 'market-data' }],
  },
});
