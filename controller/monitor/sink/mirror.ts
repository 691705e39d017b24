// The durable backlog in front of the external appliance store (ports.MonitorMirror).
// Writers add ops(item) to the batch that stores a row or action, so the backlog
// entry exists iff the write does; one sender ships entries in sequence order,
// in bounded batches, and deletes them in one batch once the sink confirmed.
// While the sink is down it retries with backoff and the backlog stays in
// LevelDB, so a controller restart loses nothing (delivery is at-least-once; the
// sink's upserts keep the highest sequence per key, so nothing is duplicated).
import type { Logger } from '../../../common/logger.js';
import { realClock, type Clock, type Timer } from '../../../common/clock.js';
import { seqKey } from '../../../common/ids.js';
import { del, put, putFresh, type Op, type Store } from '../../../common/store/index.js';
import { Backoff } from '../../../agent/backoff.js';
import { MONITOR_MIRROR } from '../../model/monitor.js';
import type { MirrorEntry, MirrorItem, MonitorMirror, MonitorSink } from '../ports.js';
import { openSink } from './open.js';
import { redactUrl } from './url.js';

/** Entries shipped per sink write (one multi-row upsert per kind). */
export const MIRROR_BATCH = 500;
/** backlog() counts at most this many. */
export const BACKLOG_COUNT_MAX = 100_000;
const ENTRY = 'e/';
/** The highest sequence ever shipped: numbering survives an emptied backlog and a restart. */
const HWM = 'hwm';

export interface MirrorOptions {
  store: Store;
  /** --monitor-store (undefined/'' = no external store: a no-op mirror). */
  url?: string;
  log: Logger;
  clock?: Clock;
  /** Tests: a sink of their own instead of the URL's. */
  sink?: MonitorSink;
  batchSize?: number;
  /** Retry delays while the sink fails (default 200 ms doubling to 30 s, jittered). */
  backoff?: Backoff;
}

const noopMirror: MonitorMirror = {
  ops: () => [],
  kick: () => {},
  backlog: async () => 0,
  lastError: () => '',
  close: async () => {},
};

/** Opens the mirror and starts shipping whatever a previous run left in the backlog. */
export async function openMonitorMirror(o: MirrorOptions): Promise<MonitorMirror> {
  if (!o.sink && !o.url) return noopMirror;
  const sink = o.sink ?? openSink(o.url as string, o.log);
  const hwm = (await o.store.get<{ seq: number }>(MONITOR_MIRROR, HWM))?.value.seq ?? 0;
  const last = await o.store.last<MirrorEntry>(MONITOR_MIRROR, { prefix: ENTRY });
  const m = new Mirror(o, sink, Math.max(hwm, last?.value.seq ?? 0));
  o.log.info({ sink: sink.name, store_url: o.url ? redactUrl(o.url) : undefined }, 'monitor mirror open');
  m.kick();
  return m;
}

class Mirror implements MonitorMirror {
  private readonly clock: Clock;
  private readonly backoff: Backoff;
  private readonly batchSize: number;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private opened = false;
  private error = '';
  private timer: Timer | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly o: MirrorOptions,
    private readonly sink: MonitorSink,
    private seq: number,
  ) {
    this.clock = o.clock ?? realClock;
    this.backoff = o.backoff ?? new Backoff(200, 30_000);
    this.batchSize = Math.max(1, Math.min(o.batchSize ?? MIRROR_BATCH, MIRROR_BATCH));
  }

  ops(item: MirrorItem): Op[] {
    const seq = ++this.seq;
    const entry: MirrorEntry = { seq, item };
    return [putFresh(MONITOR_MIRROR, ENTRY + seqKey(seq), entry)];
  }

  kick(): void {
    if (this.closed) return;
    this.again = true;
    if (!this.running) this.running = this.run();
  }

  /** Counted by a scan, so it saturates at BACKLOG_COUNT_MAX (a long outage must not make a gauge scrape slow). */
  async backlog(): Promise<number> {
    let n = 0;
    for await (const _ of this.o.store.scan(MONITOR_MIRROR, { prefix: ENTRY, limit: BACKLOG_COUNT_MAX })) n++;
    return n;
  }

  lastError(): string {
    return this.error;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.timer?.cancel();
    this.wake?.();
    await this.running;
    await this.sink.close().catch(() => {});
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      this.again = false;
      let step: 'empty' | 'shipped' | 'failed';
      try {
        step = await this.step();
      } catch (e) {
        // The local store failed (read or delete): the entries stay and are shipped again later.
        this.o.log.error({ err_msg: e instanceof Error ? e.message : String(e) }, 'monitor mirror backlog unreadable');
        step = 'failed';
      }
      if (step === 'failed') await this.pause(this.backoff.next());
      else if (step === 'empty' && !this.again) break;
    }
    // Cleared in the same tick as the last look at `again`, so no kick falls between.
    this.running = undefined;
  }

  /** Ships the oldest batch and deletes it from the backlog once the sink confirmed. */
  private async step(): Promise<'empty' | 'shipped' | 'failed'> {
    const entries: MirrorEntry[] = [];
    const keys: string[] = [];
    for await (const e of this.o.store.scan<MirrorEntry>(MONITOR_MIRROR, { prefix: ENTRY, limit: this.batchSize })) {
      entries.push(e.value);
      keys.push(e.key);
    }
    if (entries.length === 0) return 'empty';
    if (!(await this.ship(entries))) return 'failed';
    const top = Math.max(...entries.map((e) => e.seq));
    const hwm = (await this.o.store.get<{ seq: number }>(MONITOR_MIRROR, HWM))?.value.seq ?? 0;
    await this.o.store.batch([
      ...keys.map((k) => del(MONITOR_MIRROR, k)),
      put(MONITOR_MIRROR, HWM, { seq: Math.max(top, hwm) }),
    ]);
    return 'shipped';
  }

  /** One sink write; false (error kept, logged once per new message) when it failed. */
  private async ship(entries: MirrorEntry[]): Promise<boolean> {
    try {
      if (!this.opened) await this.sink.open();
      this.opened = true;
      await this.sink.write(entries);
    } catch (e) {
      // Reopen next time: a sink that came back may have lost its connection or schema.
      this.opened = false;
      const msg = e instanceof Error ? e.message : String(e);
      if (msg !== this.error) this.o.log.warn({ sink: this.sink.name, err_msg: msg }, 'monitor store write failed');
      this.error = msg || 'write failed';
      return false;
    }
    if (this.error) this.o.log.info({ sink: this.sink.name }, 'monitor store writes again');
    this.error = '';
    this.backoff.reset();
    return true;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((r) => {
      if (this.closed) return r();
      this.wake = r;
      this.timer = this.clock.setTimeout(r, ms);
    });
  }
}
