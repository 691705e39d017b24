// One API Subscribe stream: replay from the topic's ring (after_seq), then live
// messages. Every write respects the stream's backpressure, so memory per
// subscriber is bounded by its queue (BusLimits.subscriberBuffer) plus the
// stream's own small buffer; one that does not read while more messages arrive
// is ended with ABORTED and the seq to resume after (the WatchBehindError rule).
import type { BusMessage } from '../../../common/gen/nephele/v1/BusMessage.js';
import { SubscriberBehindError } from '../../../common/errors.js';
import { toStatus } from '../../../common/grpc/status.js';
import type { Logger } from '../../../common/logger.js';
import type { Bus } from './bus.js';
import { resumePlan, type BusMsg } from './core.js';
import { busMessageToProto } from '../../../common/grpc/convert-scheme.js';

export interface SubscribeStream {
  readonly destroyed: boolean;
  write(m: BusMessage): boolean;
  end(): void;
  emit(event: 'error', status: unknown): boolean;
  on(event: 'cancelled' | 'error', fn: () => void): unknown;
  once(event: 'drain' | 'close', fn: () => void): unknown;
  removeListener(event: 'drain', fn: () => void): unknown;
}

export interface SubscribeOptions {
  tenant: string;
  topic: string;
  afterSeq: number;
  buffer: number;
}

/** Resolves once the stream has closed; throws (before anything is written) when after_seq cannot be served. */
export function serveSubscribe(stream: SubscribeStream, bus: Bus, o: SubscribeOptions, log: Logger): Promise<void> {
  const queue: BusMsg[] = [];
  let closed = false;
  // Two waits, never confused: a new message must not end a wait for the client to drain.
  let wakeMsg: (() => void) | undefined;
  let wakeDrain: (() => void) | undefined;
  const poke = () => {
    const f = wakeMsg;
    wakeMsg = undefined;
    f?.();
  };
  const pokeDrain = () => {
    const f = wakeDrain;
    wakeDrain = undefined;
    f?.();
  };
  /** Every message up to this seq has been written. */
  let covered = o.afterSeq;
  let replayUpTo = 0;
  const sink = {
    offer(m: BusMsg) {
      if (closed || m.seq <= replayUpTo) return;
      if (queue.length >= o.buffer) {
        log.warn({ resume_seq: covered, buffer: o.buffer, topic: o.topic }, 'bus subscriber fell behind; ended');
        return finish(
          new SubscriberBehindError(covered, `subscriber fell behind (more than ${o.buffer} messages waiting)`),
        );
      }
      queue.push(m);
      poke();
    },
  };
  const { lastSeq, ring, detach } = bus.attach(o.tenant, o.topic, sink);
  let replay: BusMsg[] = [];
  try {
    if (resumePlan(o.afterSeq, lastSeq, ring.oldest()) === 'replay')
      replay = ring.after(o.afterSeq, lastSeq - o.afterSeq);
  } catch (e) {
    detach();
    throw e;
  }
  if (o.afterSeq === 0) covered = lastSeq;
  replayUpTo = lastSeq;

  function finish(err?: unknown): void {
    if (closed) return;
    closed = true;
    detach();
    queue.length = 0;
    replay = [];
    stream.removeListener('drain', pokeDrain);
    poke();
    pokeDrain();
    if (err === undefined) return stream.end();
    const st = toStatus(err);
    stream.emit('error', { code: st.code, details: st.details, metadata: st.metadata });
  }

  return new Promise<void>((resolveClosed) => {
    if (stream.destroyed) return (finish(), resolveClosed());
    stream.once('close', () => {
      finish();
      resolveClosed();
    });
    stream.on('cancelled', () => finish());
    stream.on('error', () => finish());
    const next = () => new Promise<void>((r) => (wakeMsg = r));
    const drained = () =>
      new Promise<void>((r) => {
        wakeDrain = r;
        stream.once('drain', pokeDrain);
      });
    const send = async (m: BusMsg) => {
      const more = stream.write(busMessageToProto(m));
      covered = m.seq;
      if (!more && !closed) await drained();
    };
    (async () => {
      for (const m of replay) {
        if (closed) return;
        await send(m);
      }
      replay = [];
      while (!closed) {
        const m = queue.shift();
        if (m) await send(m);
        else await next();
      }
    })().catch((err) => finish(err));
  });
}
