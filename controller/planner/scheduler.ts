// Time for sets: scheduled starts, batch-window ends and expiries run on exact
// timers (through the Clock, so unit tests use a fake one); a one-second sweep
// (on the Clock too) retries sets waiting in their batch window when capacity was freed and moves
// the guaranteed VMs of hosts that stayed down past the grace. Everything is
// rebuilt from the store when the controller starts.
import type { Clock, Timer } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { Store } from '../../common/store/index.js';
import type { Planner } from './planner.js';
import { SETS, type SetRecord } from './sets.js';

type Kind = 'start' | 'window' | 'expire';

interface Due {
  at: number;
  kind: Kind;
}

/** setTimeout cannot wait longer than 2^31-1 ms: longer waits re-arm. */
const MAX_WAIT = 2 ** 31 - 1;
const RETRY_MS = 5_000;
/** How often the sweep looks for freed capacity and long-down hosts. */
export const SWEEP_MS = 1_000;

/** What a set waits for next, if anything. */
export function nextDue(s: SetRecord): Due | undefined {
  const due: Due[] = [];
  if (s.state === 'retiring' || s.state === 'retired') return undefined;
  if (s.state === 'scheduled') due.push({ at: s.request.startAtUnixMs, kind: 'start' });
  if (s.state === 'waiting' && s.windowEndsUnixMs) due.push({ at: s.windowEndsUnixMs, kind: 'window' });
  if (s.expiresUnixMs) due.push({ at: s.expiresUnixMs, kind: 'expire' });
  return due.sort((a, b) => a.at - b.at)[0];
}

export class SetScheduler {
  private readonly timers = new Map<string, Timer>();
  private readonly waiting = new Set<string>();
  private sweepTimer?: Timer;
  private sweeping = false;
  private stopped = false;

  constructor(
    private readonly planner: Planner,
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    planner.watchSets((s) => this.track(s));
  }

  /** Re-arms every set's timers from the store (or from the sets the planner just read from it). */
  async start(opts: { sweep?: boolean; sets?: SetRecord[] } = {}): Promise<void> {
    if (opts.sets) for (const s of opts.sets) this.track(s);
    else for await (const { value } of this.store.scan<SetRecord>(SETS)) this.track(value);
    // A fixed period, not a cron expression: a sweep still running when the next is due is skipped (sweep() says so).
    if (opts.sweep !== false) this.sweepTimer = this.clock.setInterval(() => void this.sweep(), SWEEP_MS);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.sweepTimer?.cancel();
  }

  /** Armed timers (tests). */
  pending(): string[] {
    return [...this.timers.keys()];
  }

  track(s: SetRecord): void {
    if (this.stopped) return;
    this.timers.get(s.id)?.cancel();
    this.timers.delete(s.id);
    // Like Nomad's blocked evaluations: a set short of capacity is retried when capacity frees,
    // until its batch window (if it has one) is over.
    if (s.state === 'waiting' || (s.state === 'partial' && !s.windowEndsUnixMs)) this.waiting.add(s.id);
    else this.waiting.delete(s.id);
    const due = nextDue(s);
    if (!due) return;
    const wait = Math.max(0, due.at - this.clock.now());
    this.timers.set(
      s.id,
      this.clock.setTimeout(
        () => {
          this.timers.delete(s.id);
          if (wait > MAX_WAIT) return void this.reload(s.id);
          void this.fire(s.id, due.kind);
        },
        Math.min(wait, MAX_WAIT),
      ),
    );
  }

  private async reload(id: string, afterFiring = false): Promise<void> {
    const r = await this.store.get<SetRecord>(SETS, id);
    if (!r) return;
    const due = nextDue(r.value);
    // Still due right after firing (the action failed): try again later, never in a tight loop.
    if (afterFiring && due && due.at <= this.clock.now()) return this.retryLater(r.value, due.kind);
    this.track(r.value);
  }

  private retryLater(s: SetRecord, kind: Kind): void {
    this.timers.get(s.id)?.cancel();
    this.timers.set(
      s.id,
      this.clock.setTimeout(() => {
        this.timers.delete(s.id);
        void this.fire(s.id, kind);
      }, RETRY_MS),
    );
  }

  private async fire(id: string, kind: Kind): Promise<void> {
    try {
      if (kind === 'expire') await this.planner.retire(id, 'its duration ended');
      else await this.planner.startOrRetry(id);
    } catch (err) {
      this.log.error({ err, set_id: id, kind }, 'scheduled set action failed');
    }
    await this.reload(id, true).catch((err: unknown) =>
      this.log.debug({ err, set_id: id }, 'set not reloaded after its scheduled action'),
    );
  }

  /** Batch-window retries and evacuated VMs waiting for a host (only when capacity was freed or hosts changed), and down-host re-placement. */
  async sweep(): Promise<void> {
    if (this.sweeping || this.stopped) return;
    this.sweeping = true;
    try {
      await this.planner.replaceFromDownHosts();
      if ((this.waiting.size || this.planner.hasWaitingVms()) && this.planner.freedSinceLastLook()) {
        // Evacuated VMs waiting for a host first: they are their sets' own, placed before any new VM.
        await this.planner.placeWaiting();
        for (const id of [...this.waiting]) await this.fire(id, 'start');
      }
    } catch (err) {
      this.log.error({ err }, 'planner sweep failed');
    } finally {
      this.sweeping = false;
    }
  }
}
