// Capacity arithmetic and size parsing; pure, no I/O.
import type { Long } from '@grpc/proto-loader';
import type { Capacity } from '../../common/gen/nephele/v1/Capacity.js';

/** Host resources kept back for the host itself (and its owner, on desktops). */
export interface Reserve {
  vcpus: number;
  memoryBytes: number;
  diskBytes: number;
}

/** The generated input types allow uint64 as number | string | Long; read any of them as a number. */
export function toNumber(v: number | string | Long | null | undefined): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v === '' ? 0 : Number(v);
  return v.toNumber();
}

/**
 * Guest capacity still free: guest - allocated per resource, floored at 0.
 * Memory is further capped by what the host really has available minus the
 * reserve, because on an ad-hoc desktop the owner may be using memory that
 * the static guest figure assumes is ours.
 */
export function freeCapacity(
  guest: Capacity,
  allocated: Capacity,
  memAvailableBytes: number,
  reserveMemBytes: number,
): Capacity {
  const sub = (a: number, b: number): number => Math.max(0, a - b);
  const memByAllocation = sub(toNumber(guest.memoryBytes), toNumber(allocated.memoryBytes));
  const memByHost = sub(memAvailableBytes, reserveMemBytes);
  return {
    vcpus: sub(guest.vcpus ?? 0, allocated.vcpus ?? 0),
    memoryBytes: Math.min(memByAllocation, memByHost),
    diskBytes: sub(toNumber(guest.diskBytes), toNumber(allocated.diskBytes)),
  };
}

// Size parsing is shared with the CLI, so it lives in common/.
export { parseSize } from '../../common/size.js';
