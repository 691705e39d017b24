// The agent's side of fencing: keeps the lease (lease.ts), keeps one watcher
// (watcher.ts) running and re-adopts it after a restart, and tells it which
// process trees are guests. Drivers call guard() once a VM's process exists and
// release() once they stopped it on purpose.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { realClock, type Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import { cmdlineOf, isAlive, startTimeOf } from '../drivers/proc.js';
import { LeaseKeeper } from './lease.js';
import { spawnWatcher, WATCHER_NAME, WATCHER_VERSION } from './watcher.js';

/** What drivers see of the fence. */
export interface VmFence {
  /**
   * From now on the VM's process tree (rooted at pid, which started at
   * startTime) is stopped if the agent's lease runs out. `kill`: no SIGTERM
   * first (a process that ignores it anyway). Guarding again replaces the record.
   */
  guard(id: string, pid: number, startTime: string, how?: 'term' | 'kill'): void;
  /** The VM was stopped on purpose (or ended): nothing to fence any more. */
  release(id: string): void;
}

export interface FenceOptions {
  /** <data-dir>/fence */
  dir: string;
  fenceAfterMs: number;
  log: Logger;
  clock?: Clock;
  /** Boot clock in ms (default /proc/uptime): the clock the watcher reads. */
  uptimeMs?: () => number;
}

interface WatcherRecord {
  pid: number;
  startTime: string;
  version: string;
}

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function procUptimeMs(): number {
  return Math.round(Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000);
}

export class Fence implements VmFence {
  private readonly keeper: LeaseKeeper;
  private readonly log: Logger;
  private watcher?: WatcherRecord;
  private started = false;

  constructor(private readonly o: FenceOptions) {
    this.log = o.log.child({ component: 'fence' });
    for (const sub of ['', 'vms', 'fenced']) mkdirSync(join(o.dir, sub), { recursive: true, mode: 0o700 });
    this.keeper = new LeaseKeeper({
      fenceAfterMs: o.fenceAfterMs,
      replaceWindowMs: this.readWindow(),
      clock: o.clock ?? realClock,
      uptimeMs: o.uptimeMs ?? procUptimeMs,
      write: (line) => this.atomicWrite(join(o.dir, 'lease'), line),
      onRenew: () => this.started && this.ensureWatcher(),
      onLate: (gapMs, leaseMs) =>
        this.log.error(
          { gap_ms: gapMs, lease_ms: leaseMs },
          'fence lease renewed too late (the agent stalled): its guests may have been fenced',
        ),
      onClamp: (fenceAfterMs, leaseMs, windowMs) =>
        // Loud on purpose: the operator asked for a lease that would let a dead agent's guests run beside their copies.
        this.log.error(
          { fence_after_ms: fenceAfterMs, lease_ms: leaseMs, replace_window_ms: windowMs },
          "--fence-after is not comfortably below the controller's re-placement window (down-after + replace-after): fencing after half the window instead",
        ),
    });
  }

  /** Writes a fresh lease first (an old watcher must not fire during recovery), then adopts or starts the watcher. */
  start(): void {
    this.keeper.start();
    this.started = true;
    this.ensureWatcher();
    this.log.info(
      {
        lease_ms: this.keeper.leaseMs(),
        replace_window_ms: this.keeper.replaceWindowMs() ?? null,
        watcher_pid: this.watcher?.pid,
      },
      'fence lease held',
    );
  }

  leaseMs(): number {
    return this.keeper.leaseMs();
  }

  /** The controller's down-after + replace-after (Welcome); remembered for the next start. */
  setReplaceWindow(ms: number): void {
    if (!(ms > 0) || ms === this.keeper.replaceWindowMs()) return;
    this.keeper.setReplaceWindow(ms);
    this.atomicWrite(join(this.o.dir, 'window'), `${ms}\n`);
    this.log.info(
      { lease_ms: this.keeper.leaseMs(), replace_window_ms: ms },
      "fence lease set from the controller's re-placement window",
    );
  }

  guard(id: string, pid: number, startTime: string, how: 'term' | 'kill' = 'term'): void {
    if (!ID_RE.test(id) || !(pid > 0) || !/^\d+$/.test(startTime)) {
      this.log.error({ vm_id: id, pid, start_time: startTime }, 'vm not guarded: no valid pid and start time');
      return;
    }
    this.atomicWrite(join(this.o.dir, 'vms', id), `${pid} ${startTime} ${how}\n`);
    // A new process of the VM: an earlier fencing is history.
    rmSync(join(this.o.dir, 'fenced', id), { force: true });
  }

  release(id: string): void {
    if (ID_RE.test(id)) rmSync(join(this.o.dir, 'vms', id), { force: true });
  }

  /** True once if the watcher stopped this VM (its fencing is then reported, and forgotten with its guard). */
  takeFenced(id: string): boolean {
    if (!ID_RE.test(id)) return false;
    const f = join(this.o.dir, 'fenced', id);
    if (!existsSync(f)) return false;
    rmSync(f, { force: true });
    const g = this.readGuard(id);
    if (g && !isAlive(g.pid, g.startTime)) this.release(id);
    return true;
  }

  private readGuard(id: string): { pid: number; startTime: string } | undefined {
    try {
      const [pid, startTime] = readFileSync(join(this.o.dir, 'vms', id), 'utf8')
        .trim()
        .split(' ');
      return { pid: Number(pid), startTime: startTime ?? '' };
    } catch {
      return undefined;
    }
  }

  /** VM ids with a guard record (tests, diagnostics). */
  guarded(): string[] {
    return readdirSync(join(this.o.dir, 'vms')).filter((n) => ID_RE.test(n));
  }

  watcherPid(): number {
    return this.watcher?.pid ?? 0;
  }

  /**
   * Agent shutdown. graceful (SIGTERM): a last lease as long as is safe, so a
   * restart or upgrade keeps the guests; the watcher stays to enforce it.
   */
  stop(opts: { graceful: boolean }): void {
    this.started = false;
    this.keeper.stop(opts);
    if (opts.graceful)
      this.log.info({ lease_ms: this.keeper.leaseMs() }, 'fence lease extended for a deliberate shutdown');
  }

  /**
   * The agent stops for good and no VM is guarded any more (all stopped): the
   * watcher has nothing left to fence and ends too, so a stopped host runs
   * nothing of ours. The next agent starts a new one. Returns whether it ended.
   */
  endIfIdle(): boolean {
    if (this.guarded().length) return false;
    const w = this.watcher ?? this.readWatcher();
    if (w && this.isOurs(w)) {
      try {
        process.kill(w.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    rmSync(join(this.o.dir, 'watcher.json'), { force: true });
    this.watcher = undefined;
    return true;
  }

  /** Adopts the recorded watcher if it still runs this version, else starts one (before ending an old one: no gap). */
  private ensureWatcher(): void {
    const cur = this.watcher ?? this.readWatcher();
    if (cur && this.isOurs(cur) && cur.version === WATCHER_VERSION) {
      this.watcher = cur;
      return;
    }
    if (this.watcher)
      this.log.warn({ watcher_pid: this.watcher.pid }, 'fence watcher is not running: starting a new one');
    const pid = spawnWatcher(this.o.dir);
    const startTime = startTimeOf(pid) ?? '';
    if (!pid || !startTime) {
      this.log.error({}, 'fence watcher did not start: guests are not fenced');
      this.watcher = undefined;
      return;
    }
    this.watcher = { pid, startTime, version: WATCHER_VERSION };
    this.atomicWrite(join(this.o.dir, 'watcher.json'), JSON.stringify(this.watcher));
    if (cur && this.isOurs(cur)) {
      // An older agent's watcher: the new one already guards the same files.
      try {
        process.kill(cur.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      this.log.info({ watcher_pid: cur.pid, version: cur.version }, 'older fence watcher replaced');
    }
  }

  /** The process is a watcher of this fence dir (never a reused pid). */
  private isOurs(w: WatcherRecord): boolean {
    if (!isAlive(w.pid, w.startTime)) return false;
    const cmd = cmdlineOf(w.pid);
    return cmd.includes(WATCHER_NAME) && cmd.includes(this.o.dir);
  }

  private readWatcher(): WatcherRecord | undefined {
    try {
      const w = JSON.parse(readFileSync(join(this.o.dir, 'watcher.json'), 'utf8')) as WatcherRecord;
      return Number.isInteger(w.pid) && typeof w.startTime === 'string' ? w : undefined;
    } catch {
      return undefined;
    }
  }

  private readWindow(): number | undefined {
    try {
      const n = Number(readFileSync(join(this.o.dir, 'window'), 'utf8').trim());
      return Number.isFinite(n) && n > 0 ? n : undefined;
    } catch {
      return undefined;
    }
  }

  /** Temp file and rename: the watcher reads either the old or the new content, never half. */
  private atomicWrite(path: string, content: string): void {
    const dir = path.slice(0, path.lastIndexOf('/'));
    const tmp = join(dir, `.${path.slice(dir.length + 1)}.tmp`);
    writeFileSync(tmp, content, { mode: 0o600 });
    renameSync(tmp, path);
  }
}
