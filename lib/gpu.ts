/**
 * GPU resource names. Tenant files name GPUs by the extended-resource name the device plugins
 * advertise; the platform inventory says which of them exist on this cluster.
 */
import type { GpuInventory, MigModel } from './declarations/gpu';
import { MIG_PROFILES_BY_MODEL } from './declarations/gpu';

// Declarations live in lib/declarations/ (no import cycles); re-exported so existing imports keep working.
export type { GpuCounts, GpuInventory, GpuResource, MigModel, MigProfile, MigResource, TimeSlicedGpuResource, VendorGpuResource } from './declarations/gpu';
export { MIG_PROFILES_BY_MODEL, VENDOR_GPU_RESOURCES } from './declarations/gpu';

export const MIG_PREFIX = 'nvidia.com/mig-';

export function isMigModel(model: string): model is MigModel {
  return Object.prototype.hasOwnProperty.call(MIG_PROFILES_BY_MODEL, model);
}

/** All resource names of an inventory, sorted. */
export function inventoryResources(inv: GpuInventory): string[] {
  const out = new Set<string>(inv.vendors);
  for (const profiles of Object.values(inv.mig)) for (const p of profiles ?? []) out.add(`${MIG_PREFIX}${p}`);
  for (const t of inv.timeSliced) out.add(t);
  return [...out].sort();
}

/**
 * Explains why `resource` is not in the inventory, with the valid choices, or returns undefined when
 * it is. The message names the partitioned models for MIG names, the vendors otherwise.
 */
export function explainUnknownGpu(resource: string, inv: GpuInventory): string | undefined {
  if (inventoryResources(inv).includes(resource)) return undefined;
  if (resource.startsWith(MIG_PREFIX)) {
    const models = Object.keys(inv.mig).sort();
    if (models.length === 0) return 'the platform has no MIG-partitioned GPU models; ask the platform team or use a whole GPU';
    const valid = [...new Set(models.flatMap((m) => [...(inv.mig[m as MigModel] ?? [])]))];
    return `not a MIG profile of ${models.join(' or ')}; valid: ${valid.join(', ')}`;
  }
  const valid = inventoryResources(inv).filter((r) => !r.startsWith(MIG_PREFIX));
  return `not a GPU resource of this platform; valid: ${valid.join(', ') || '(none)'}${inv.mig && Object.keys(inv.mig).length ? `, or nvidia.com/mig-<profile> of ${Object.keys(inv.mig).sort().join(', ')}` : ''}`;
}
