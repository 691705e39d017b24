import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Logger } from '../../../common/logger.js';
import { DriverError } from '../driver.js';
import { detectCgroups, type CgroupMode } from './cgroup.js';
import { parseUid, pickUid, probeIsolation, usedUids, vmPaths, type UidRange } from './sandbox.js';

// What this host offers process VMs (probed once, for real), and each VM's uid.

/** Whether this host can sandbox tenant code. */
export interface Isolation {
  full: boolean;
  reason: string;
}

export interface HostProbe {
  /** busybox httpd when the host has busybox (a few hundred KiB a VM), else the Node appliance. */
  busybox?: string;
  unshare: boolean;
  cgroups: CgroupMode;
  isolation: Isolation;
}

export async function probeHost(stateDir: string, uids: UidRange, log: Logger): Promise<HostProbe> {
  const bb = spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim();
  const busybox =
    bb && spawnSync(bb, ['httpd', '--help'], { encoding: 'utf8' }).stderr.includes('httpd') ? bb : undefined;
  const unshare =
    spawnSync('unshare', ['--pid', '--fork', '--mount-proc', '--ipc', '--uts', 'true'], { timeout: 5000 }).status === 0;
  const cgroups = detectCgroups();
  // Really try it: a sandboxed probe reports from the inside what it can see and do.
  const uid = pickUid(usedUids(stateDir), uids);
  const r =
    uid === undefined
      ? { ok: false as const, reason: 'no free uid in the VM uid range' }
      : await probeIsolation(stateDir, uid);
  if (!r.ok) log.warn({ reason: r.reason }, 'process isolation unavailable: this host refuses tasks (tenant code)');
  return {
    busybox,
    unshare,
    cgroups,
    isolation: r.ok ? { full: true, reason: '' } : { full: false, reason: r.reason },
  };
}

/** A VM's uid: the one it recorded, else the lowest no other VM on this host holds. */
export function vmUid(stateDir: string, dir: string, id: string, uids: UidRange): number {
  const file = vmPaths(dir).uid;
  let recorded: string | undefined;
  try {
    recorded = readFileSync(file, 'utf8');
  } catch {
    /* a new VM */
  }
  const have = parseUid(recorded);
  if (have !== undefined) return have;
  // No await from the scan to the write: two creates cannot pick the same uid.
  const uid = pickUid(usedUids(stateDir, id), uids);
  if (uid === undefined) throw new DriverError('no free uid left in the VM uid range (--process-uids)');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(file, `${uid}\n`, { mode: 0o600 });
  return uid;
}
