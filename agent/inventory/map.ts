// Pure mapping from systeminformation results to the wire Inventory. No I/O,
// so it can be tested against recorded fixtures. The parts are built in the
// generated __Output shapes (every field present, plain numbers) so that an
// inventory decoded off the wire hashes the same as the one the agent built.
import type { Inventory } from '../../common/gen/nephele/v1/Inventory.js';
import type { CpuInfo__Output as CpuInfo } from '../../common/gen/nephele/v1/CpuInfo.js';
import type { DiskInfo__Output as DiskInfo } from '../../common/gen/nephele/v1/DiskInfo.js';
import type { FilesystemInfo__Output as FilesystemInfo } from '../../common/gen/nephele/v1/FilesystemInfo.js';
import type { NicInfo__Output as NicInfo } from '../../common/gen/nephele/v1/NicInfo.js';
import type { OsInfo__Output as OsInfo } from '../../common/gen/nephele/v1/OsInfo.js';
import type { SoftwareInfo__Output as SoftwareInfo } from '../../common/gen/nephele/v1/SoftwareInfo.js';
import type { HypervisorInfo } from '../../common/gen/nephele/v1/HypervisorInfo.js';
import type { Capacity__Output as Capacity } from '../../common/gen/nephele/v1/Capacity.js';
import type { Reserve } from './capacity.js';
import { computeHash } from './hash.js';
import { boundInventory } from '../../common/inventory-limits.js';
import type { Inventory__Output } from '../../common/gen/nephele/v1/Inventory.js';

export type { Reserve } from './capacity.js';

/** The subset of systeminformation results the mapping reads (field names as systeminformation spells them). */
export interface RawSi {
  cpu: {
    manufacturer: string;
    brand: string;
    vendor: string;
    speed: number;
    cores: number; // logical processors
    physicalCores: number;
    processors: number; // sockets
  };
  cpuFlags: string;
  mem: { total: number; available: number; swaptotal: number };
  diskLayout: Array<{ device: string; type: string; name: string; vendor: string; size: number }>;
  fsSize: Array<{ fs: string; type: string; size: number; available: number; mount: string }>;
  networkInterfaces: Array<{
    iface: string;
    ip4: string;
    ip6: string;
    mac: string;
    internal: boolean;
    virtual: boolean;
    operstate: string;
    speed: number | null;
  }>;
  osInfo: { platform: string; distro: string; release: string; kernel: string; arch: string; hostname: string };
  versions: Record<string, string | undefined>;
}

export interface MapOptions {
  schemes: string[];
  hypervisors: HypervisorInfo[];
  reserve: Reserve;
  now: number;
  /** Disk capacity to offer instead of the largest filesystem's size (e.g. the data dir's filesystem). */
  diskBytes?: number;
  /** Guest vCPUs to advertise instead of threads - reserve (may exceed the threads: overcommit). */
  guestVcpus?: number;
}

// Filesystems that hold no persistent guest data: memory-backed, image mounts, kernel views.
const PSEUDO_FS = new Set([
  'tmpfs',
  'devtmpfs',
  'ramfs',
  'overlay',
  'overlayfs',
  'squashfs',
  'aufs',
  'proc',
  'sysfs',
  'devfs',
  'devpts',
  'cgroup',
  'cgroup2',
  'nsfs',
  'efivarfs',
  'securityfs',
  'debugfs',
  'tracefs',
  'autofs',
  'fusectl',
  'mqueue',
  'hugetlbfs',
  'pstore',
  'bpf',
  'configfs',
  'binfmt_misc',
  'iso9660',
  'udf',
  'nullfs',
  'none',
]);
// FUSE helpers that present host state rather than storage.
const PSEUDO_FUSE = /^fuse\.(snapfuse|lxcfs|gvfsd-fuse|portal|squashfuse|appimage)/i;

export function isPseudoFs(type: string): boolean {
  const t = type.trim().toLowerCase();
  return t === '' || PSEUDO_FS.has(t) || PSEUDO_FUSE.test(t);
}

/** Non-negative finite number, else 0 (systeminformation reports -1, null or NaN for "unknown"). */
function nonNeg(v: number | null | undefined): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}
const int = (v: number | null | undefined): number => Math.floor(nonNeg(v));
const str = (v: string | null | undefined): string => (typeof v === 'string' ? v.trim() : '');
const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function mapCpu(raw: RawSi): CpuInfo {
  const flags = str(raw.cpuFlags)
    .split(/\s+/)
    .filter((f) => f !== '');
  const has = new Set(flags);
  const manufacturer = str(raw.cpu.manufacturer);
  const brand = str(raw.cpu.brand);
  return {
    vendor: str(raw.cpu.vendor),
    model: [manufacturer, brand].filter((s) => s !== '').join(' '),
    cores: int(raw.cpu.physicalCores),
    threads: int(raw.cpu.cores),
    sockets: int(raw.cpu.processors),
    speedGhz: nonNeg(raw.cpu.speed),
    flags,
    virtualization: has.has('vmx') ? 'vmx' : has.has('svm') ? 'svm' : '',
  };
}

export function mapDisks(raw: RawSi): DiskInfo[] {
  return raw.diskLayout
    .map((d) => ({
      device: str(d.device),
      type: str(d.type),
      model: str(d.name) || str(d.vendor),
      sizeBytes: int(d.size),
    }))
    .sort((a, b) => byString(a.device, b.device));
}

export function mapFilesystems(raw: RawSi): FilesystemInfo[] {
  return raw.fsSize
    .filter((f) => !isPseudoFs(str(f.type)))
    .map((f) => ({
      mount: str(f.mount),
      fsType: str(f.type),
      sizeBytes: int(f.size),
      availableBytes: int(f.available),
    }))
    .sort((a, b) => byString(a.mount, b.mount));
}

export function mapNics(raw: RawSi): NicInfo[] {
  return raw.networkInterfaces
    .filter((n) => str(n.iface) !== 'lo')
    .map((n) => ({
      name: str(n.iface),
      mac: str(n.mac),
      addresses: [str(n.ip4), str(n.ip6)].filter((a) => a !== ''),
      speedMbps: int(n.speed),
      virtual: n.virtual === true,
      operstate: str(n.operstate),
    }))
    .sort((a, b) => byString(a.name, b.name));
}

export function mapOs(raw: RawSi): OsInfo {
  const o = raw.osInfo;
  return {
    platform: str(o.platform),
    distro: str(o.distro),
    release: str(o.release),
    kernel: str(o.kernel),
    arch: str(o.arch),
    hostname: str(o.hostname),
  };
}

export function mapSoftware(raw: RawSi): SoftwareInfo[] {
  return Object.entries(raw.versions)
    .map(([name, version]) => ({ name, version: str(version) }))
    .filter((s) => s.version !== '')
    .sort((a, b) => byString(a.name, b.name));
}

/** reserved = reserve clamped to [0, total] per resource; guest = total - reserved. */
export function splitCapacity(total: Capacity, reserve: Reserve): { reserved: Capacity; guest: Capacity } {
  const clamp = (r: number, t: number): number => Math.min(t, int(r));
  const reserved = {
    vcpus: clamp(reserve.vcpus, total.vcpus),
    memoryBytes: clamp(reserve.memoryBytes, total.memoryBytes),
    diskBytes: clamp(reserve.diskBytes, total.diskBytes),
  };
  const guest = {
    vcpus: total.vcpus - reserved.vcpus,
    memoryBytes: total.memoryBytes - reserved.memoryBytes,
    diskBytes: total.diskBytes - reserved.diskBytes,
  };
  return { reserved, guest };
}

export function mapInventory(raw: RawSi, opts: MapOptions): Inventory {
  const cpu = mapCpu(raw);
  const filesystems = mapFilesystems(raw);
  // Size, not available bytes: the totals are hashed and must not move as files come and go.
  const largestFs = filesystems.reduce((max, f) => Math.max(max, f.sizeBytes), 0);
  const total: Capacity = {
    vcpus: cpu.threads,
    memoryBytes: int(raw.mem.total),
    diskBytes: opts.diskBytes !== undefined ? int(opts.diskBytes) : largestFs,
  };
  const { reserved, guest } = splitCapacity(total, opts.reserve);
  if (opts.guestVcpus !== undefined) {
    guest.vcpus = int(opts.guestVcpus);
    reserved.vcpus = Math.max(0, total.vcpus - guest.vcpus);
  }

  const full: Inventory__Output = {
    cpu,
    memory: {
      totalBytes: int(raw.mem.total),
      availableBytes: int(raw.mem.available),
      swapTotalBytes: int(raw.mem.swaptotal),
    },
    disks: mapDisks(raw),
    filesystems,
    nics: mapNics(raw),
    os: mapOs(raw),
    hypervisors: opts.hypervisors.map((h) => ({
      name: h.name ?? '',
      binary: h.binary ?? '',
      version: h.version ?? '',
      kvmDevice: h.kvmDevice ?? false,
      detail: h.detail ?? '',
      accelerator: h.accelerator ?? '',
      acceleratorReason: h.acceleratorReason ?? '',
    })),
    software: mapSoftware(raw),
    schemes: [...opts.schemes],
    total,
    reserved,
    guest,
    hash: '',
    collectedUnixMs: opts.now,
  };
  // The controller stores no more than the shared bounds; cut here so the hash covers what it keeps.
  const inv: Inventory = boundInventory(full).inv;
  inv.hash = computeHash(inv);
  return inv;
}
