// Gathers the inventory (expensive: runs at start and every few minutes) and
// samples load (cheap: runs on every heartbeat).
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import si from 'systeminformation';
import type { Inventory } from '../../common/gen/nephele/v1/Inventory.js';
import type { HostLoad__Output as HostLoad } from '../../common/gen/nephele/v1/HostLoad.js';
import type { HypervisorInfo } from '../../common/gen/nephele/v1/HypervisorInfo.js';
import type { Reserve } from './capacity.js';
import { detectHypervisors, withAccelerator, type QemuFingerprint } from './hypervisors.js';
import { readNics, readOs } from './host-net-os.js';
import { mapInventory, type RawSi } from './map.js';

// versions() spawns a process per tool and diskLayout() may run lsblk/smartctl;
// a wedged tool must not hold up the whole inventory.
const SLOW_CALL_TIMEOUT_MS = 20_000;

function bounded<T>(p: Promise<T>, fallback: T, ms = SLOW_CALL_TIMEOUT_MS): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    timer.unref();
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}

/**
 * The software a VM host's operator asks about (hypervisors are found apart, in
 * hypervisors.ts). systeminformation's default is ~40 programs, each run with
 * --version (java, gcc, npm, pip, …): 12 s of child processes at every agent
 * start on a busy host, for versions nobody places VMs by.
 */
export const SOFTWARE = 'kernel,openssl,systemOpenssl,node,v8,bash,docker,virtualbox';

/**
 * Call systeminformation and keep only the fields RawSi declares, so recorded
 * fixtures carry no serial numbers or other identifiers we never use.
 */
export async function recordRaw(): Promise<RawSi> {
  const [cpu, cpuFlags, mem, diskLayout, fsSize, nics, osInfo, versions] = await Promise.all([
    si.cpu(),
    bounded(si.cpuFlags(), ''),
    si.mem(),
    bounded(si.diskLayout(), []),
    bounded(si.fsSize(), []),
    bounded(readNics(), []),
    readOs(),
    bounded(si.versions(SOFTWARE), {}),
  ]);
  const versionMap: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(versions)) versionMap[k] = typeof v === 'string' ? v : undefined;
  return {
    cpu: {
      manufacturer: cpu.manufacturer,
      brand: cpu.brand,
      vendor: cpu.vendor,
      speed: cpu.speed,
      cores: cpu.cores,
      physicalCores: cpu.physicalCores,
      processors: cpu.processors,
    },
    cpuFlags,
    mem: { total: mem.total, available: mem.available, swaptotal: mem.swaptotal },
    diskLayout: diskLayout.map((d) => ({
      device: d.device,
      type: d.type,
      name: d.name,
      vendor: d.vendor,
      size: d.size,
    })),
    fsSize: fsSize.map((f) => ({ fs: f.fs, type: f.type, size: f.size, available: f.available, mount: f.mount })),
    networkInterfaces: nics,
    osInfo,
    versions: versionMap,
  };
}

/** MemAvailable (kB) from a /proc/meminfo text, in bytes; undefined when absent. */
export function parseMemAvailable(meminfo: string): number | undefined {
  const m = /^MemAvailable:\s+(\d+)\s*kB/m.exec(meminfo);
  return m ? Number(m[1]) * 1024 : undefined;
}

interface CpuTimes {
  idle: number;
  total: number;
}

function cpuTimes(): CpuTimes {
  let idle = 0;
  let total = 0;
  for (const c of os.cpus()) {
    const t = c.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return { idle, total };
}

export interface CollectorOptions {
  reserve: Reserve;
  schemes: string[];
  /** Disk capacity to offer instead of the largest filesystem's size. */
  diskBytes?: number;
  /** Seams for tests. */
  readRaw?: () => Promise<RawSi>;
  detect?: () => Promise<HypervisorInfo[]>;
  /** The QEMU driver's fingerprint, when it is in use: its accelerator goes into the inventory. */
  qemu?: QemuFingerprint;
  meminfoPath?: string;
  /** Advertise this many guest vCPUs instead of threads - reserve (like HTCondor's NUM_CPUS). */
  guestVcpus?: number;
  /**
   * Ad-hoc hosts: the owner monitor's last reading (it polls /proc on its own
   * schedule, so a heartbeat never rescans). idleMs undefined: no input device.
   */
  owner?: () => { cpuPct: number; idleMs: number | undefined };
}

export class InventoryCollector {
  private prevCpu: CpuTimes | undefined;
  // Set once /proc/meminfo turns out to be missing (non-Linux) so we stop trying.
  private noMeminfo = false;

  constructor(private readonly opts: CollectorOptions) {}

  async collect(): Promise<Inventory> {
    const [raw, hypervisors]: [RawSi, HypervisorInfo[]] = await Promise.all([
      (this.opts.readRaw ?? recordRaw)(),
      (this.opts.detect ?? detectHypervisors)(),
    ]);
    return mapInventory(raw, {
      schemes: this.opts.schemes,
      hypervisors: withAccelerator(hypervisors, this.opts.qemu),
      reserve: this.opts.reserve,
      now: Date.now(),
      ...(this.opts.diskBytes !== undefined ? { diskBytes: this.opts.diskBytes } : {}),
      ...(this.opts.guestVcpus !== undefined ? { guestVcpus: this.opts.guestVcpus } : {}),
    });
  }

  /**
   * Cheap per-heartbeat sample: node:os plus one small procfs read; no
   * systeminformation and no child processes. cpuPct covers the time since the
   * previous call (since boot on the first).
   */
  sample(): { load: HostLoad; memAvailableBytes: number } {
    const now = cpuTimes();
    const prev = this.prevCpu ?? { idle: 0, total: 0 };
    this.prevCpu = now;
    const dTotal = now.total - prev.total;
    const dIdle = now.idle - prev.idle;
    const cpuPct = dTotal > 0 ? Math.min(100, Math.max(0, (100 * (dTotal - dIdle)) / dTotal)) : 0;

    const memAvailableBytes = this.memAvailable();
    const owner = this.opts.owner?.();
    return {
      load: {
        load1: os.loadavg()[0] ?? 0,
        cpuPct,
        memoryAvailableBytes: memAvailableBytes,
        // 0 on dedicated hosts; on ad-hoc hosts without an input device the idle time is 0 (unknown).
        ownerCpuPct: owner?.cpuPct ?? 0,
        ownerIdleMs: owner?.idleMs ?? 0,
      },
      memAvailableBytes,
    };
  }

  // os.freemem() is MemFree, which ignores reclaimable page cache and so
  // understates what guests could get; MemAvailable is the kernel's estimate.
  private memAvailable(): number {
    if (!this.noMeminfo) {
      try {
        const v = parseMemAvailable(readFileSync(this.opts.meminfoPath ?? '/proc/meminfo', 'utf8'));
        if (v !== undefined) return v;
        this.noMeminfo = true; // pre-3.14 kernels have no MemAvailable
      } catch {
        this.noMeminfo = true;
      }
    }
    return os.freemem();
  }
}
