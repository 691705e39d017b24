import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resourcesOf } from '../../../common/limits.js';
import { DriverError, type VmHandle, type VmSpec } from '../driver.js';

// Memory and CPU limits for a process VM through cgroups (v2 unified, or v1
// memory + cpu hierarchies), when the host lets us write them.

/** Where cgroups are mounted (v2: the unified tree). */
export const CGROUP_ROOT = '/sys/fs/cgroup';

export type CgroupMode = 'v2' | 'v1' | 'none';

export function detectCgroups(root = '/sys/fs/cgroup'): CgroupMode {
  if (existsSync(join(root, 'cgroup.controllers')))
    return probe(() => mkdirSync(join(root, 'nephele'), { recursive: true })) ? 'v2' : 'none';
  if (existsSync(join(root, 'memory')) && existsSync(join(root, 'cpu'))) {
    return probe(() => {
      mkdirSync(join(root, 'memory', 'nephele'), { recursive: true });
      mkdirSync(join(root, 'cpu', 'nephele'), { recursive: true });
    })
      ? 'v1'
      : 'none';
  }
  return 'none';
}

function probe(fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}

/** Puts `pid` under limits; returns what was applied. Never throws. */
export function limit(
  mode: CgroupMode,
  id: string,
  pid: number,
  memoryBytes: number,
  vcpus: number,
  root = '/sys/fs/cgroup',
): string {
  return writeLimits(mode, id, memoryBytes, vcpus, root, pid);
}

/**
 * Sets the VM's memory and CPU limits; with `pid`, also moves it into the
 * cgroup. Without, a live resize: the running processes get the new limits
 * at once. Returns what was applied. Never throws.
 */
export function writeLimits(
  mode: CgroupMode,
  id: string,
  memoryBytes: number,
  vcpus: number,
  root = '/sys/fs/cgroup',
  pid?: number,
): string {
  const w = (f: string, v: string) => writeFileSync(f, v);
  try {
    if (mode === 'v2') {
      const d = join(root, 'nephele', id);
      mkdirSync(d, { recursive: true });
      w(join(d, 'memory.max'), String(memoryBytes));
      w(join(d, 'cpu.max'), `${vcpus * 100000} 100000`);
      if (pid) w(join(d, 'cgroup.procs'), String(pid));
      return 'cgroup2 memory+cpu';
    }
    if (mode === 'v1') {
      const m = join(root, 'memory', 'nephele', id);
      const c = join(root, 'cpu', 'nephele', id);
      mkdirSync(m, { recursive: true });
      mkdirSync(c, { recursive: true });
      w(join(m, 'memory.limit_in_bytes'), String(memoryBytes));
      w(join(c, 'cpu.cfs_period_us'), '100000');
      w(join(c, 'cpu.cfs_quota_us'), String(vcpus * 100000));
      if (pid) w(join(m, 'cgroup.procs'), String(pid));
      if (pid) w(join(c, 'cgroup.procs'), String(pid));
      return 'cgroup1 memory+cpu';
    }
  } catch (e) {
    return `none (${(e as Error).message.slice(0, 80)})`;
  }
  return 'none';
}

export function removeCgroup(mode: CgroupMode, id: string, root = '/sys/fs/cgroup'): void {
  const dirs =
    mode === 'v2'
      ? [join(root, 'nephele', id)]
      : mode === 'v1'
        ? [join(root, 'memory', 'nephele', id), join(root, 'cpu', 'nephele', id)]
        : [];
  for (const d of dirs) {
    // The kernel may report EBUSY for a moment after the last task exited.
    for (let i = 0; i < 5; i++) {
      try {
        rmdirSync(d);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EBUSY') break;
        const until = Date.now() + 20;
        while (Date.now() < until) {
          /* brief spin: destroy is rare */
        }
      }
    }
  }
}

/**
 * A running VM's handle at its new size, its cgroup's limits changed live (the
 * processes keep running); recorded in `dir`/handle.json (what recover() reads)
 * when given. A VM under no cgroup only records the size.
 */
export function resizedHandle(
  mode: CgroupMode,
  h: VmHandle,
  spec: VmSpec,
  o: { dir?: string; root?: string } = {},
): VmHandle {
  let limits = h.extra.limits ?? 'none';
  if (limits.startsWith('cgroup')) {
    limits = writeLimits(mode, h.id, resourcesOf(spec).memoryBytes, spec.vcpus, o.root ?? CGROUP_ROOT);
    if (!limits.startsWith('cgroup')) throw new DriverError(`could not change the cgroup limits: ${limits}`);
  }
  const next = {
    ...h,
    spec: { ...h.spec, vcpus: spec.vcpus, memoryMiB: spec.memoryMiB },
    extra: { ...h.extra, limits },
  };
  if (o.dir) writeFileSync(join(o.dir, 'handle.json'), JSON.stringify(next));
  return next;
}
