// Exercise 1 of the Kubeflow multi-tenancy module: 50 vCPU, 200Gi, 8 GPUs for the team;
// no single pod above 8 CPU / 32Gi / 1 GPU.
import { tenant } from '../lib/tenant';

export default tenant({
  name: 'fraud-modelling',
  owner: { email: 'fraud-lead@example.com' },
  labels: { team: 'fraud', 'cost-centre': 'cc-4711', 'compliance-tier': 'pci' },
  codeOwners: ['@example-org/fraud'], // reviewers of this file (.github/CODEOWNERS block)
  quota: {
    cpu: '50',
    memory: '200Gi',
    storage: '1Ti',
    persistentVolumeClaims: 20,
    gpu: { 'nvidia.com/gpu': 8 },
  },
  limits: {
    pod: { max: { cpu: '8', memory: '32Gi', gpu: { 'nvidia.com/gpu': 1 } } },
  },
  contributors: [
    { user: 'data.scientist@example.com', role: 'edit' },
    { user: 'auditor@example.com', role: 'view' },
  ],
  credentials: {
    s3: true,
    registry: { server: 'harbor.example.com' },
    git: { host: 'gitlab.example.com' },
    apiKeys: [{ name: 'openai' }, { name: 'feature-store', key: 'feature-store/api', env: 'FEAST_API_KEY' }],
    refreshInterval: '15m',
  },
});
