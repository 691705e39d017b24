// Bounds on a host inventory, shared by the agent (it never sends more) and the
// controller (it never stores more, whatever an agent sends). Lists and strings
// past a bound are cut, not refused: the rest of the inventory stays useful.
import type { Inventory__Output as Inventory } from './gen/nephele/v1/Inventory.js';

export const INVENTORY_LIMITS = {
  /** Vendor, model, device names, OS fields, versions. */
  text: 128,
  /** Mount points, binaries, hypervisor details. */
  path: 256,
  cpuFlags: 256,
  cpuFlagLength: 32,
  disks: 32,
  filesystems: 32,
  nics: 32,
  addressesPerNic: 8,
  /** An IPv6 address with prefix and zone fits. */
  address: 64,
  hypervisors: 8,
  software: 128,
  softwareText: 64,
  schemes: 16,
  scheme: 32,
  hash: 64,
} as const;

const L = INVENTORY_LIMITS;
const cut = (s: unknown, n: number): string => (typeof s === 'string' ? s.slice(0, n) : '');

/** What was cut, by field path (for the controller's log and event). */
export interface Bounded {
  inv: Inventory;
  truncated: string[];
}

/**
 * A copy of `inv` with every list and string within INVENTORY_LIMITS. Numbers
 * are left alone (plausibility is the controller's check, not a length).
 */
export function boundInventory(inv: Inventory): Bounded {
  const truncated = new Set<string>();
  const list = <T>(name: string, xs: T[] | undefined, n: number): T[] => {
    const a = Array.isArray(xs) ? xs : [];
    if (a.length > n) truncated.add(name);
    return a.slice(0, n);
  };
  const str = (name: string, s: unknown, n: number): string => {
    if (typeof s === 'string' && s.length > n) truncated.add(name);
    return cut(s, n);
  };
  const cpu = inv.cpu
    ? {
        ...inv.cpu,
        vendor: str('cpu.vendor', inv.cpu.vendor, L.text),
        model: str('cpu.model', inv.cpu.model, L.text),
        flags: list('cpu.flags', inv.cpu.flags, L.cpuFlags).map((f) => str('cpu.flags', f, L.cpuFlagLength)),
        virtualization: str('cpu.virtualization', inv.cpu.virtualization, 8),
      }
    : inv.cpu;
  const os = inv.os
    ? {
        platform: str('os', inv.os.platform, L.text),
        distro: str('os', inv.os.distro, L.text),
        release: str('os', inv.os.release, L.text),
        kernel: str('os', inv.os.kernel, L.text),
        arch: str('os', inv.os.arch, L.text),
        hostname: str('os', inv.os.hostname, L.text),
      }
    : inv.os;
  const out: Inventory = {
    ...inv,
    cpu,
    os,
    disks: list('disks', inv.disks, L.disks).map((d) => ({
      ...d,
      device: str('disks', d.device, L.text),
      type: str('disks', d.type, L.text),
      model: str('disks', d.model, L.text),
    })),
    filesystems: list('filesystems', inv.filesystems, L.filesystems).map((f) => ({
      ...f,
      mount: str('filesystems', f.mount, L.path),
      fsType: str('filesystems', f.fsType, L.text),
    })),
    nics: list('nics', inv.nics, L.nics).map((n) => ({
      ...n,
      name: str('nics', n.name, L.text),
      mac: str('nics', n.mac, L.text),
      addresses: list('nics.addresses', n.addresses, L.addressesPerNic).map((a) => str('nics.addresses', a, L.address)),
      operstate: str('nics', n.operstate, L.text),
    })),
    hypervisors: list('hypervisors', inv.hypervisors, L.hypervisors).map((h) => ({
      ...h,
      name: str('hypervisors', h.name, L.text),
      binary: str('hypervisors', h.binary, L.path),
      version: str('hypervisors', h.version, L.text),
      detail: str('hypervisors', h.detail, L.path),
    })),
    software: list('software', inv.software, L.software).map((s) => ({
      name: str('software', s.name, L.softwareText),
      version: str('software', s.version, L.softwareText),
    })),
    schemes: list('schemes', inv.schemes, L.schemes).map((s) => str('schemes', s, L.scheme)),
    hash: str('hash', inv.hash, L.hash),
  };
  return { inv: out, truncated: [...truncated] };
}
