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

// Binary multiples throughout ("2G" = 2 GiB, "2GB" too), as qemu and docker read them.
const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
  p: 2 ** 50,
};

const SIZE_RE = /^(\d+(?:\.\d+)?|\.\d+)\s*([kmgtp]?)(i?b)?$/i;

/**
 * Parse a byte size: "1024", "512M", "2G", "1.5GiB", "10 GB", "4096B".
 * Units are binary (K = 1024). Percentages, negatives and unknown units throw.
 */
export function parseSize(s: string): number {
  const text = String(s).trim();
  const m = SIZE_RE.exec(text);
  if (!m) {
    throw new Error(
      `invalid size ${JSON.stringify(s)}: expected a number of bytes or a number with a unit K, M, G, T or P (e.g. "512M", "1.5GiB")`,
    );
  }
  const [, num, prefix = '', suffix = ''] = m;
  // "iB" without a prefix ("10iB") is not a unit.
  if (prefix === '' && suffix.toLowerCase() === 'ib') {
    throw new Error(`invalid size ${JSON.stringify(s)}: unknown unit "${suffix}"`);
  }
  const mult = UNITS[prefix.toLowerCase()] ?? 1;
  const value = Number(num) * mult;
  if (mult === 1 && !Number.isInteger(value)) {
    throw new Error(`invalid size ${JSON.stringify(s)}: a plain byte count must be a whole number`);
  }
  if (!Number.isSafeInteger(Math.round(value))) {
    throw new Error(`invalid size ${JSON.stringify(s)}: too large`);
  }
  return Math.round(value);
}
