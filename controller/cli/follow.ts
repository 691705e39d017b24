// `events tail -f`: a watch that outlives the controller going away. It
// reconnects with backoff and resumes after the last sequence it printed; it
// gives up only when the controller stays away past a limit, or on an answer
// that retrying cannot change.
import * as grpc from '@grpc/grpc-js';
import type { Event__Output as Event } from '../../common/gen/nephele/v1/Event.js';
import type { EventFilter } from '../../common/gen/nephele/v1/EventFilter.js';
import type { ListEventsResponse__Output } from '../../common/gen/nephele/v1/ListEventsResponse.js';
import { resumeSeqOf, statusName } from '../../common/grpc/status.js';
import { CliError, type AdminClient } from './client.js';

/** Answers that another try cannot change: the token, its role, or the request itself. */
const FINAL = new Set([
  grpc.status.PERMISSION_DENIED,
  grpc.status.UNAUTHENTICATED,
  grpc.status.INVALID_ARGUMENT,
  grpc.status.UNIMPLEMENTED,
]);

/** A watch ended: by the server (OK status), with a status, or with the seq to resume after. */
export type WatchEnd = { kind: 'ended'; code: number; details: string } | { kind: 'behind'; seq: number };

/** What to do after a watch ended (or a reconnect probe failed): a pure decision, so it is unit-tested. */
export function afterEnd(
  end: WatchEnd,
  awayMs: number,
  limitMs: number,
): 'resume' | 'reconnect' | { fail: string; code: number } {
  if (end.kind === 'behind') return 'resume';
  if (FINAL.has(end.code)) return { fail: end.details, code: end.code };
  if (awayMs >= limitMs)
    return { fail: `the controller stayed away for ${Math.round(awayMs / 1000)}s`, code: end.code };
  return 'reconnect';
}

/** Delay before reconnect attempt `n` (0-based): doubling from 250 ms up to 5 s, jittered by up to a quarter. */
export function reconnectDelay(n: number, random = Math.random): number {
  const cap = Math.min(5000, 250 * 2 ** Math.min(n, 10));
  return Math.round(cap * (0.75 + 0.25 * random()));
}

export interface FollowOptions {
  since: number;
  filter: EventFilter;
  /** How long the controller may stay away before the follow gives up. */
  reconnectMs: number;
  print(e: Event): void;
}

/** Runs `fn` with a client of its own (closed after): main.ts's withClient. */
export type Connect = <T>(fn: (c: AdminClient) => Promise<T>) => Promise<T>;

/**
 * Follows the log from `since` until SIGINT (resolves) or a failure that
 * retrying cannot fix (throws CliError). Every reconnect uses a fresh client:
 * a channel that failed through the outage would wait out its own growing
 * backoff (up to two minutes) before trying the controller again.
 */
export async function follow(connect: Connect, o: FollowOptions): Promise<void> {
  let addr = '';
  let last = o.since;
  let stream: grpc.ClientReadableStream<Event> | undefined;
  const stop = new AbortController();
  process.once('SIGINT', () => {
    stop.abort();
    stream?.cancel();
  });
  const print = (e: Event) => {
    last = Math.max(last, Number(e.seq));
    o.print(e);
  };
  const watch = (c: AdminClient) =>
    // Settled on 'close', once the events received before the status are printed.
    new Promise<WatchEnd>((resolve) => {
      addr = c.events.getChannel().getTarget().replace(/^dns:/, '');
      let end: WatchEnd = { kind: 'ended', code: grpc.status.OK, details: 'the controller ended the watch' };
      stream = c.events.WatchEvents({ sinceSeq: last, filter: o.filter }, c.metadata());
      stream.on('data', print);
      stream.on('error', (e: grpc.ServiceError) => {
        const seq = resumeSeqOf(e);
        end = seq === undefined ? { kind: 'ended', code: e.code, details: e.details } : { kind: 'behind', seq };
      });
      stream.on('close', () => resolve(end));
    });
  /** A cheap call that proves the controller is back (and still takes our token) before watching again. */
  const probe = async (c: AdminClient): Promise<WatchEnd | undefined> => {
    try {
      await c.call<ListEventsResponse__Output>((md, op, cb) =>
        c.events.ListEvents({ sinceSeq: last, pageSize: 1, filter: o.filter }, md, op, cb),
      );
      return undefined;
    } catch (e) {
      const err = e as grpc.ServiceError;
      return { kind: 'ended', code: err.code, details: err.details };
    }
  };

  let awaySince: number | undefined;
  let attempt = 0;
  let end = await connect(watch);
  while (!stop.signal.aborted) {
    const next = afterEnd(end, awaySince === undefined ? 0 : Date.now() - awaySince, o.reconnectMs);
    if (next === 'resume') {
      const seq = (end as { seq: number }).seq;
      // From the last one printed: the client library may have dropped a few sent before the status.
      last = Math.min(last, seq);
      process.stderr.write(`nephele: the watch fell behind; resuming after seq ${last}\n`);
      end = await connect(watch);
    } else if (next === 'reconnect') {
      if (awaySince === undefined) {
        awaySince = Date.now();
        const code = end.kind === 'ended' ? end.code : grpc.status.OK;
        const why =
          code === grpc.status.OK ? 'the controller ended the watch' : `lost the controller (${statusName(code)})`;
        process.stderr.write(`nephele: ${why}; reconnecting to ${addr}…\n`);
      }
      await sleep(reconnectDelay(attempt++), stop.signal);
      if (stop.signal.aborted) return;
      end = await connect(async (c) => {
        const failed = await probe(c);
        if (failed) return failed;
        awaySince = undefined;
        attempt = 0;
        process.stderr.write(`nephele: resumed after seq ${last}\n`);
        return watch(c);
      });
    } else {
      const what = FINAL.has(next.code) ? `${statusName(next.code)}: ${next.fail}` : `${next.fail}; giving up`;
      throw new CliError(`following ${addr}: ${what}`);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
