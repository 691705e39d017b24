import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VmStats } from '../driver.js';
import { CGROUP_ROOT } from './cgroup.js';
import { CLK_TCK, readStat, rssBytes, uptimeSeconds } from '../proc.js';
import { ioBytes, treeOf } from './proc.js';

// A process VM's counters for metering: from its cgroup (v2) when it has one,
// else from /proc over its whole process tree. Every counter says its source.

/** CPU seconds of a process tree: each live process's own time plus that of the children it reaped. */
export function treeCpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const p of pids) {
    const s = readStat(p);
    if (s) ticks += s.utime + s.stime + s.cutime + s.cstime;
  }
  return ticks / CLK_TCK;
}

function readOr(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** cgroup v2 figures (undefined where the controller is not enabled for the group). */
export function cgroupV2(dir: string): {
  cpuSeconds?: number;
  memoryBytes?: number;
  read?: number;
  write?: number;
  oomKills?: number;
  throttledSeconds?: number;
} {
  const cpuStat = readOr(join(dir, 'cpu.stat')) ?? '';
  const cpu = /^usage_usec (\d+)/m.exec(cpuStat);
  // Pressure: CPU time refused by the quota (cpu.max), processes killed for memory (memory.max).
  const throttled = /^throttled_usec (\d+)/m.exec(cpuStat);
  const oom = /^oom_kill (\d+)/m.exec(readOr(join(dir, 'memory.events')) ?? '');
  const mem = readOr(join(dir, 'memory.current'));
  const io = readOr(join(dir, 'io.stat'));
  let read: number | undefined;
  let write: number | undefined;
  if (io !== undefined) {
    read = write = 0;
    for (const m of io.matchAll(/rbytes=(\d+) wbytes=(\d+)/g)) {
      read += Number(m[1]);
      write += Number(m[2]);
    }
  }
  return {
    cpuSeconds: cpu ? Number(cpu[1]) / 1e6 : undefined,
    memoryBytes: mem !== undefined && /^\d+/.test(mem) ? Number.parseInt(mem, 10) : undefined,
    read,
    write,
    oomKills: oom ? Number(oom[1]) : undefined,
    throttledSeconds: throttled ? Number(throttled[1]) / 1e6 : undefined,
  };
}

/** A VM's cgroup directories: the v2 group, or the v1 cpu and memory groups. */
export type CgroupDirs = { v2: string } | { cpu: string; memory: string };

/** Where the VM's cgroup is, by what cgroup.ts `limit` applied ('cgroup2 ...', 'cgroup1 ...', 'none ...'). */
export function cgroupOf(id: string, limits: string, root = CGROUP_ROOT): CgroupDirs | undefined {
  if (limits.startsWith('cgroup2')) return { v2: join(root, 'nephele', id) };
  if (limits.startsWith('cgroup1'))
    return { cpu: join(root, 'cpu', 'nephele', id), memory: join(root, 'memory', 'nephele', id) };
  return undefined;
}

/** cgroup v1 pressure only (its cpu and memory figures stay with /proc, as before): cpu.stat throttled_time (ns), memory.oom_control oom_kill. */
export function cgroupV1Pressure(cpuDir: string, memoryDir: string): { oomKills?: number; throttledSeconds?: number } {
  const throttled = /^throttled_time (\d+)/m.exec(readOr(join(cpuDir, 'cpu.stat')) ?? '');
  const oom = /^oom_kill (\d+)/m.exec(readOr(join(memoryDir, 'memory.oom_control')) ?? '');
  return {
    oomKills: oom ? Number(oom[1]) : undefined,
    throttledSeconds: throttled ? Number(throttled[1]) / 1e9 : undefined,
  };
}

/** The VM's counters now. `dirs`: its cgroup, if it was put in one. */
export function processVmStats(pid: number, dirs?: CgroupDirs): VmStats {
  const tree = treeOf(pid).slice(0, 4096);
  const cg: ReturnType<typeof cgroupV2> = !dirs
    ? {}
    : 'v2' in dirs
      ? cgroupV2(dirs.v2)
      : cgroupV1Pressure(dirs.cpu, dirs.memory);
  let read = 0;
  let write = 0;
  if (cg.read === undefined)
    for (const p of tree) {
      const io = ioBytes(p);
      read += io.read;
      write += io.write;
    }
  const rss = cg.memoryBytes ?? tree.reduce((n, p) => n + rssBytes(p), 0);
  return {
    cpuSeconds: cg.cpuSeconds ?? treeCpuSeconds(tree),
    uptimeSeconds: uptimeSeconds(pid),
    memoryBytes: rss,
    diskReadBytes: cg.read ?? read,
    diskWriteBytes: cg.write ?? write,
    netRxBytes: 0,
    netTxBytes: 0,
    ...(cg.oomKills !== undefined ? { oomKills: cg.oomKills } : {}),
    ...(cg.throttledSeconds !== undefined ? { throttledSeconds: cg.throttledSeconds } : {}),
    sources: {
      cpu: cg.cpuSeconds !== undefined ? 'cgroup' : 'proc',
      memory: cg.memoryBytes !== undefined ? 'cgroup' : 'proc',
      disk: cg.read !== undefined ? 'cgroup' : 'proc-io',
      // A process VM shares the host's network (a task has none of its own to count): nothing to read.
      net: 'none',
    },
  };
}
