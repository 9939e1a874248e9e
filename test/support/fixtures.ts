/**
 * Shared test helpers: a valid tenant to mutate. The example tenants live in the fixture repository
 * test/fixtures/examples (`fixtureInputs('examples')` in test/fixture-repo.ts); nothing here reads
 * the repository's own tenants/ or platform.ts.
 */
import * as path from 'node:path';
import type { ContributorRole, PersonContributorSpec } from '../../lib/declarations/contributors';
import { ROLES, roleName } from '../../lib/declarations/contributors';
import { KUBEFLOW_CLUSTER_ROLES } from '../../lib/declarations/kubeflow';
import { definePlatform, PlatformError } from '../../lib/platform';
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

/** The person entries of a tenant's contributors (group entries left out). */
export function personEntries(spec: TenantSpec): PersonContributorSpec[] {
  return (spec.contributors ?? []).filter((c): c is PersonContributorSpec => 'user' in c);
}

/** The ClusterRoles a role binds: its KFAM binding's, then its further ones (lib/declarations/contributors.ts ROLES). */
export function clusterRolesOfRole(role: ContributorRole): string[] {
  const r = ROLES[roleName(role)];
  return [...(r.kfam ? [KUBEFLOW_CLUSTER_ROLES[r.kfam]] : []), ...r.extraClusterRoles];
}

/** The errors `definePlatform` refuses `input` with, as printed; [] when it is valid. Any other exception is rethrown. */
export function platformErrors(input: Parameters<typeof definePlatform>[0]): string[] {
  try {
    definePlatform(input);
    return [];
  } catch (e) {
    if (e instanceof PlatformError) return e.errors.map(String);
    throw e;
  }
}
