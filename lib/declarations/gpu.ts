/**
 * GPU resource names a tenant file and platform.ts may use: the catalogue of vendor, MIG and
 * time-sliced resources and the types derived from it. Lookups over an inventory: lib/gpu.ts.
 */

/** Whole-device resources, per vendor device plugin. */
export const VENDOR_GPU_RESOURCES = ['nvidia.com/gpu', 'amd.com/gpu', 'gpu.intel.com/i915'] as const;
export type VendorGpuResource = (typeof VENDOR_GPU_RESOURCES)[number];

/**
 * MIG profiles per NVIDIA model, as the GPU operator's "mixed" strategy advertises them
 * (`nvidia.com/mig-<profile>`). Source: NVIDIA MIG user guide, supported profiles tables.
 */
export const MIG_PROFILES_BY_MODEL = {
  'A30-24GB': ['1g.6gb', '2g.12gb', '4g.24gb'],
  'A100-40GB': ['1g.5gb', '2g.10gb', '3g.20gb', '4g.20gb', '7g.40gb'],
  'A100-80GB': ['1g.10gb', '2g.20gb', '3g.40gb', '4g.40gb', '7g.80gb'],
  'H100-80GB': ['1g.10gb', '1g.20gb', '2g.20gb', '3g.40gb', '4g.40gb', '7g.80gb'],
  'H100-94GB': ['1g.12gb', '1g.24gb', '2g.24gb', '3g.47gb', '4g.47gb', '7g.94gb'],
  'H200-141GB': ['1g.18gb', '1g.35gb', '2g.35gb', '3g.71gb', '4g.71gb', '7g.141gb'],
} as const;
export type MigModel = keyof typeof MIG_PROFILES_BY_MODEL;
export type MigProfile = (typeof MIG_PROFILES_BY_MODEL)[MigModel][number];
export type MigResource = `nvidia.com/mig-${MigProfile}`;

/** Time-sliced (shared) GPUs as the NVIDIA device plugin names them with `renameByDefault: true`. */
export type TimeSlicedGpuResource = `${string}.shared`;

/** Every GPU resource a tenant file may name. The platform inventory narrows it at synth time. */
export type GpuResource = VendorGpuResource | MigResource | TimeSlicedGpuResource;

/** GPU counts by resource name, e.g. `{ 'nvidia.com/gpu': 8, 'nvidia.com/mig-1g.5gb': 4 }`. */
export type GpuCounts = { readonly [R in GpuResource]?: number };

/** The GPU resources that exist on a cluster, derived from the platform inventory. */
export interface GpuInventory {
  /** Whole-device resources that exist. */
  readonly vendors: readonly VendorGpuResource[];
  /** Partitioned NVIDIA models and the profiles they are sliced into. */
  readonly mig: Readonly<Partial<Record<MigModel, readonly MigProfile[]>>>;
  /** Time-sliced resources that exist (e.g. `nvidia.com/gpu.shared`). */
  readonly timeSliced: readonly string[];
}
