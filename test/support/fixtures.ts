/**
 * Shared test helpers: a valid tenant to mutate. The example tenants live in the fixture repository
 * test/fixtures/examples (`fixtureInputs('examples')` in test/fixture-repo.ts); nothing here reads
 * the repository's own tenants/ or platform.ts.
 */
import * as path from 'node:path';
import type { TenantSpec } from '../../lib/tenant';
import type { TenantEntry } from '../../lib/validation';
import { ROOT } from './schemas';

export { ROOT };

/** A valid tenant; tests override fields to make it invalid in exactly one way. */
export function validSpec(overrides: Record<string, unknown> = {}): TenantSpec {
  return {
    name: 'fraud',
    owner: { email: 'lead@example.com' },
    labels: { team: 'fraud', 'cost-centre': 'cc-1', 'compliance-tier': 'pci' },
    quota: { cpu: '10', memory: '40Gi', gpu: { 'nvidia.com/gpu': 2 } },
    limits: { pod: { max: { cpu: '4', memory: '16Gi', gpu: { 'nvidia.com/gpu': 1 } } } },
    contributors: [{ user: 'bob@example.com', role: 'view' }],
    ...overrides,
  } as TenantSpec;
}

export function entry(spec: unknown, file?: string): TenantEntry {
  const name = (spec as { name?: unknown }).name;
  return { file: file ?? `tenants/${typeof name === 'string' && name ? name : 'x'}.ts`, spec: spec as TenantSpec };
}

export const tsxBin = path.join(ROOT, 'node_modules/.bin/tsx');
