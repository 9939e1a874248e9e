/**
 * Compile-time test (tsc, part of `npm test`): grant and credential mistakes TypeScript must
 * reject in the editor; an unused `@ts-expect-error` fails the build if one stops being an error.
 */
import { tenant } from '../../lib/tenant';

const base = {
  name: 'typos',
  owner: { email: 'lead@example.com' },
  labels: { team: 't', 'cost-centre': 'c', 'compliance-tier': 'i' },
} as const;

// @ts-expect-error misspelled catalogue resource
tenant({ ...base, grants: [{ to: 'other', resources: ['inferenceservice'], verbs: ['get'] }] });
// @ts-expect-error a resource with its API group is not a catalogue name
tenant({ ...base, grants: [{ to: 'other', resources: ['inferenceservices.serving.kserve.io'], verbs: ['get'] }] });
// @ts-expect-error escalating verb
tenant({ ...base, grants: [{ to: 'other', resources: ['notebooks'], verbs: ['escalate'] }] });
// @ts-expect-error wildcard verb
tenant({ ...base, grants: [{ to: 'other', resources: ['notebooks'], verbs: ['*'] }] });
// @ts-expect-error namespace-wide admin is not a grant role
tenant({ ...base, grants: [{ to: 'other', role: 'admin' }] });
// @ts-expect-error misspelled grant field
tenant({ ...base, grants: [{ to: 'other', resources: ['notebooks'], verbs: ['get'], serviceAccount: ['x'] }] });
// @ts-expect-error misspelled field of a reviewed exception
tenant({ ...base, grants: [{ to: 'other', role: 'edit', reviewedException: { reason: 'SEC-1: pairing, approved', expiry: '2027-01-31' } }] });
// @ts-expect-error a reviewed exception needs its reason
tenant({ ...base, grants: [{ to: 'other', role: 'edit', reviewedException: { expires: '2027-01-31' } }] });
// @ts-expect-error misspelled credential
tenant({ ...base, credentials: { s3: true, docker: true } });
// @ts-expect-error API key without a name
tenant({ ...base, credentials: { apiKeys: [{ env: 'X_API_KEY' }] } });

// And the correct forms compile.
tenant({ ...base, grants: [{ to: 'other', resources: ['inferenceservices', 'pipeline-runs'], verbs: ['get', 'list'], artifactPrefixes: ['models/v1'] }] });
tenant({ ...base, grants: [{ to: 'other', role: 'view', serviceAccounts: ['default-editor', 'pipeline-runner'] }] });
tenant({ ...base, grants: [{ to: 'other', resources: ['pods/exec'], verbs: ['create'], reviewedException: { reason: 'SEC-1: pairing, approved', expires: '2027-01-31' } }] });
tenant({ ...base, credentials: { s3: true, registry: { server: 'harbor.example.com' }, git: true, apiKeys: [{ name: 'openai' }], refreshInterval: '30m' } });
