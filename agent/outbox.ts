import type { AgentEvent } from '../common/gen/nephele/v1/AgentEvent.js';
import { seqKey } from '../common/ids.js';
import { Mutex, put, type Store } from '../common/store/index.js';

const OUTBOX = 'outbox';
const STATE = 'state';

/**
 * What the agent must not lose: events kept on disk, in sequence, until the
 * controller acknowledges them as durable. Sequence numbers never repeat.
 */
export class Outbox {
  private last = 0;
  private readonly lock = new Mutex();
  private constructor(private readonly store: Store) {}

  static async open(store: Store): Promise<Outbox> {
    const o = new Outbox(store);
    const s = await store.get<{ lastSeq: number }>(STATE, 'outbox');
    o.last = s?.value.lastSeq ?? 0;
    return o;
  }

  add(e: Omit<AgentEvent, 'seq'>): Promise<AgentEvent> {
    return this.lock.run(async () => {
      const ev: AgentEvent = { ...e, seq: this.last + 1 };
      await this.store.batch([put(OUTBOX, seqKey(ev.seq as number), ev), put(STATE, 'outbox', { lastSeq: this.last + 1 })]);
      this.last++;
      return ev;
    });
  }

  async pending(after: number): Promise<AgentEvent[]> {
    const out: AgentEvent[] = [];
    for await (const { value } of this.store.scan<AgentEvent>(OUTBOX, { gt: seqKey(after) })) out.push(value);
    return out;
  }

  /** Drops everything up to and including `seq`. */
  ack(seq: number): Promise<number> {
    return this.lock.run(async () => {
      const dels = [];
      for await (const { key } of this.store.scan(OUTBOX, { lte: seqKey(seq) })) dels.push({ type: 'del' as const, coll: OUTBOX, key });
      if (dels.length) await this.store.batch(dels);
      return dels.length;
    });
  }

  async size(): Promise<number> {
    let n = 0;
    for await (const _ of this.store.scan(OUTBOX)) n++;
    return n;
  }
}
