import type { Event__Output as Event } from '../../common/gen/nephele/v1/Event.js';
import type { EventFilter__Output as EventFilter } from '../../common/gen/nephele/v1/EventFilter.js';
import { ResourceExhaustedError, WatchBehindError } from '../../common/errors.js';
import { toStatus } from '../../common/grpc/status.js';
import type { Logger } from '../../common/logger.js';
import { matches, type EventLog } from './log.js';

export interface WatchLimits {
  /** Open watches per API token. */
  perToken: number;
  /** Open watches in all. */
  total: number;
  /** Live events a watcher may have waiting for its client; one more and it is ended (told where to resume). */
  buffer: number;
}

export const DEFAULT_WATCH_LIMITS: WatchLimits = { perToken: 16, total: 256, buffer: 1000 };

/** Events per replay page: one bounded store read, its iterator closed before we wait on the client. */
const PAGE = 256;

/** Counts open watches per token and in all. */
export class WatchSlots {
  private readonly byToken = new Map<string, number>();
  private total = 0;
  constructor(private readonly limits: WatchLimits) {}

  /** Takes a slot (RESOURCE_EXHAUSTED when none is free); the returned function gives it back, once. */
  acquire(tokenId: string): () => void {
    const mine = this.byToken.get(tokenId) ?? 0;
    if (mine >= this.limits.perToken)
      throw new ResourceExhaustedError(
        `too many open watches for this token (at most ${this.limits.perToken}); close one first`,
      );
    if (this.total >= this.limits.total)
      throw new ResourceExhaustedError(
        `too many open watches on this controller (at most ${this.limits.total}); retry later`,
      );
    this.byToken.set(tokenId, mine + 1);
    this.total++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.total--;
      const n = (this.byToken.get(tokenId) ?? 1) - 1;
      if (n > 0) this.byToken.set(tokenId, n);
      else this.byToken.delete(tokenId);
    };
  }
}

/** What a watch uses of its server stream (a grpc-js ServerWritableStream). */
export interface WatchStream {
  readonly destroyed: boolean;
  write(e: Event): boolean;
  end(): void;
  emit(event: 'error', status: unknown): boolean;
  on(event: 'cancelled' | 'error', fn: () => void): unknown;
  once(event: 'drain' | 'close', fn: () => void): unknown;
  removeListener(event: 'drain', fn: () => void): unknown;
}

export interface WatchOptions {
  since: number;
  filter: Partial<EventFilter>;
  buffer: number;
}

/**
 * Serves one watch: subscribes, replays (since, head] from the store page by
 * page, then sends live events. Every write respects the stream's
 * backpressure, so memory per watcher is bounded by one page plus `buffer`
 * live events; a watcher whose client does not read while more than `buffer`
 * matching events arrive is ended with ABORTED and the seq to resume after
 * (the Kubernetes watch-cache rule). Resolves once the stream has closed.
 */
export function serveWatch(stream: WatchStream, log: EventLog, o: WatchOptions, logger: Logger): Promise<void> {
  return new Promise<void>((resolveClosed) => {
    if (stream.destroyed) return resolveClosed(); // cancelled before we got here: no 'close' will come
    let closed = false;
    let replaying = true;
    /** Every matching event up to this seq has been written to the stream. */
    let covered = o.since;
    const queue: Event[] = [];
    let onDrain: (() => void) | undefined;
    let onEvent: (() => void) | undefined;
    const wakeDrain = () => {
      const f = onDrain;
      onDrain = undefined;
      f?.();
    };
    const wakeEvent = () => {
      const f = onEvent;
      onEvent = undefined;
      f?.();
    };
    const drained = () =>
      new Promise<void>((r) => {
        onDrain = r;
        stream.once('drain', wakeDrain);
      });
    const nextEvent = () => new Promise<void>((r) => (onEvent = r));

    const finish = (err?: unknown) => {
      if (closed) return;
      closed = true;
      unsubscribe();
      untrack();
      queue.length = 0;
      stream.removeListener('drain', wakeDrain);
      wakeDrain();
      wakeEvent();
      if (err === undefined) return stream.end();
      const st = toStatus(err);
      stream.emit('error', { code: st.code, details: st.details, metadata: st.metadata });
    };

    // Subscribed before the head is read, synchronously: no event falls between replay and live.
    const unsubscribe = log.subscribe((e) => {
      if (closed || e.seq <= o.since) return;
      if (!matches(e, o.filter)) {
        if (!replaying && queue.length === 0) covered = e.seq;
        return;
      }
      if (queue.length >= o.buffer) {
        logger.warn({ resume_seq: covered, buffer: o.buffer }, 'watcher fell behind; ended');
        return finish(new WatchBehindError(covered, `watcher fell behind (more than ${o.buffer} events waiting)`));
      }
      queue.push(e);
      wakeEvent();
    });
    const untrack = log.trackBacklog(() => queue.length);
    const head = log.lastSeq();

    stream.once('close', () => {
      finish();
      resolveClosed();
    });
    stream.on('cancelled', () => finish());
    stream.on('error', () => finish());

    const send = async (e: Event) => {
      const more = stream.write(e);
      covered = e.seq;
      if (!more && !closed) await drained();
    };
    (async () => {
      while (!closed && covered < head) {
        const page = await log.list(covered, PAGE, o.filter, head);
        for (const e of page.events) {
          if (closed) return;
          await send(e);
        }
        if (!closed) covered = page.more ? page.next : head;
      }
      replaying = false;
      while (!closed) {
        const e = queue.shift();
        if (e) await send(e);
        else await nextEvent();
      }
    })().catch((err) => finish(err));
  });
}
