// lib/capacity/types.ts
export type CapacityFlag = 'overcommitted' | 'contended-borrowing';
export interface CapacityAllocation { level: 'team' | 'tenant' | 'user'; name: string; team: string; tenant?: string; guaranteed: number; mayBorrow: number | null /* null = unlimited */; maximum: number | null /* null = unlimited */; lent: number; /** a burst guest's quota on a worker (docs/fleet.md): its home cluster; outside every team's cohort and budget */ burstGuestOf?: string; }
export interface CapacityCell { flavor: string; resource: string; unit: string /* 'GPU', 'cores', 'bytes', ... */; capacity: number; allocations: CapacityAllocation[] /* sorted team, tenant, user */; guaranteedTotal: number /* sum of tenant+user guaranteed */; free: number /* capacity - guaranteedTotal */; flags: CapacityFlag[]; }
export interface CapacityReport { cells: CapacityCell[] /* sorted by flavor, then resource */; }
