import { statfs } from 'node:fs/promises';
import { ResourceExhaustedError } from '../../common/errors.js';
import { parseSize } from '../../common/size.js';
import { levelReason, type LevelStore } from '../../common/store/index.js';
import type { Clock, Timer } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { CallContext } from '../context.js';
import type { EventLog } from '../events/log.js';

// Watches the filesystem under the data dir and the store's writes:
// - a space alarm (etcd's NOSPACE is the model) before the disk is full: new
//   mutating work is refused while deletions and agent reports go on, so the
//   reserve is there for what frees space;
// - after a failed write, the store is reopened once there is room again
//   (LevelStore.recover), and health says so meanwhile.
// Either one makes the controller NOT_SERVING until it is over.

export type MinFree = { bytes: number } | { percent: number };

/** `--min-free-disk`: a size ("1G", "512M", "0" = no alarm) or a share of the filesystem ("5%"). */
export function parseMinFree(s: string): MinFree {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(s);
  if (m) {
    const percent = Number(m[1]);
    if (percent >= 100) throw new Error(`--min-free-disk ${s}: a percentage must be below 100`);
    return { percent };
  }
  return { bytes: parseSize(s) };
}

export function minFreeBytes(m: MinFree, totalBytes: number): number {
  return 'bytes' in m ? m.bytes : Math.ceil((totalBytes * m.percent) / 100);
}

/** RPCs that free space or must work in an emergency; every other mutating RPC waits out the alarm. */
const ALLOWED_IN_ALARM = /\.(Delete|Destroy|Revoke)[A-Za-z]*$/;

export interface SpaceState {
  freeBytes: number;
  totalBytes: number;
}

/** The alarm with hysteresis: raised below the minimum, cleared only a tenth above it, so it does not flap. */
export function alarmAfter(raised: boolean, s: SpaceState, min: MinFree): boolean {
  const need = minFreeBytes(min, s.totalBytes);
  if (need === 0) return false;
  return raised ? s.freeBytes < need + Math.ceil(need / 10) : s.freeBytes < need;
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

export class StoreMonitor {
  private alarm = false;
  private space: SpaceState = { freeBytes: Infinity, totalBytes: 0 };
  private timer?: Timer;
  private running?: Promise<void>;
  private failedAt = 0;
  private failedCause = '';
  private loggedCause = '';
  private serving: boolean | undefined;

  constructor(
    private readonly store: LevelStore,
    private readonly events: EventLog,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly o: { dir: string; minFree: MinFree; everyMs: number; onServing: (serving: boolean) => void },
  ) {
    const failed = (cause: Error) => {
      if (this.failedAt) return;
      this.failedAt = this.clock.now();
      this.failedCause = this.loggedCause = levelReason(cause);
      this.log.error(
        { err: cause, data_dir: this.o.dir },
        'controller cannot write its store: writes are refused until it can',
      );
      this.publish();
    };
    store.onWriteFailure(failed);
    const already = store.writeFailure(); // a write that failed while the controller was starting
    if (already) failed(already);
    events.setAdmission((call) => this.admit(call));
  }

  /** Checks once (so a start on a nearly full disk begins in alarm), then every `everyMs`. */
  async start(): Promise<void> {
    await this.check();
    this.timer = this.clock.setInterval(() => void this.check(), this.o.everyMs);
  }

  /** Stops probing; waits for a probe in flight, so no reopen races the store's close. */
  async stop(): Promise<void> {
    this.timer?.cancel();
    await this.running;
  }

  inAlarm(): boolean {
    return this.alarm;
  }

  /** The refusal for a change made by an RPC during the space alarm (agent reports and internal work have no call). */
  admit(call: CallContext | undefined): Error | undefined {
    if (!this.alarm || !call || ALLOWED_IN_ALARM.test(call.rpc)) return undefined;
    return this.alarmError();
  }

  alarmError(): Error {
    const need = minFreeBytes(this.o.minFree, this.space.totalBytes);
    return new ResourceExhaustedError(
      `store space alarm: the controller's data dir has ${mib(this.space.freeBytes)} free, below --min-free-disk ${mib(need)}; only deletions, destroys and revocations are accepted until space is freed`,
    );
  }

  /** One probe; overlapping timer ticks share it. */
  check(): Promise<void> {
    this.running ??= this.probe().finally(() => (this.running = undefined));
    return this.running;
  }

  private async probe(): Promise<void> {
    try {
      const s = await statfs(this.o.dir);
      this.space = { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
    } catch (err) {
      this.log.warn({ err, data_dir: this.o.dir }, 'cannot read free space of the data dir');
      return;
    }
    const alarm = alarmAfter(this.alarm, this.space, this.o.minFree);
    if (alarm !== this.alarm) {
      this.alarm = alarm;
      const attributes = {
        free_bytes: String(this.space.freeBytes),
        min_free_bytes: String(minFreeBytes(this.o.minFree, this.space.totalBytes)),
      };
      if (alarm)
        this.log.error(
          { attributes, data_dir: this.o.dir },
          'store space alarm raised: new mutating work is refused until space is freed',
        );
      else this.log.info({ attributes, data_dir: this.o.dir }, 'store space alarm cleared');
      // The reserve is there for writes like this one; if even it fails, the log line stands.
      await this.events
        .append(
          alarm
            ? {
                type: 'store.space_alarm',
                severity: 'error',
                message: 'store space alarm raised: free space below --min-free-disk, new mutating work refused',
                attributes,
              }
            : { type: 'store.space_alarm_cleared', message: 'store space alarm cleared', attributes },
        )
        .catch((err) => this.log.debug({ err, data_dir: this.o.dir }, 'store space alarm event not written'));
    }
    if (this.failedAt) await this.recover();
    this.publish();
  }

  private async recover(): Promise<void> {
    // The store reopens itself once there is room (and backs off when that fails for other reasons).
    if (!(await this.store.recover())) {
      const cause = levelReason(this.store.writeFailure());
      if (cause !== this.loggedCause)
        this.log.error({ err: this.store.writeFailure(), data_dir: this.o.dir }, 'store still cannot write; retrying');
      this.loggedCause = cause;
      return;
    }
    const attributes = { cause: this.failedCause, unwritable_ms: String(this.clock.now() - this.failedAt) };
    this.failedAt = 0;
    this.log.info({ attributes, data_dir: this.o.dir }, 'controller can write its store again');
    await this.events
      .append({
        type: 'store.writable',
        severity: 'warning',
        message: 'controller can write its store again after a failed write',
        attributes,
      })
      .catch((err) => this.log.debug({ err, data_dir: this.o.dir }, 'store writable event not written'));
  }

  private publish(): void {
    const serving = !this.alarm && !this.failedAt;
    if (serving === this.serving) return;
    this.serving = serving;
    this.o.onServing(serving);
  }
}
