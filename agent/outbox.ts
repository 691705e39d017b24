import type { AgentEvent } from '../common/gen/nephele/v1/AgentEvent.js';
import type { AgentMessage } from '../common/gen/nephele/v1/AgentMessage.js';
import type { VmStatusReport } from '../common/gen/nephele/v1/VmStatusReport.js';

/** A VM state report waiting for its ack (events are stored as plain AgentEvents). */
interface VmEntry {
  seq: number;
  vmStatus: VmStatusReport;
}
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
    return this.append((seq) => ({ ...e, seq }));
  }

  async addVmStatus(r: Omit<VmStatusReport, 'seq'>): Promise<AgentMessage> {
    const e = await this.append<VmEntry>((seq) => ({ seq, vmStatus: { ...r, seq } }));
    return { vmStatus: e.vmStatus };
  }

  private append<T extends { seq?: unknown }>(make: (seq: number) => T): Promise<T> {
    return this.lock.run(async () => {
      const v = make(this.last + 1);
      await this.store.batch([put(OUTBOX, seqKey(this.last + 1), v), put(STATE, 'outbox', { lastSeq: this.last + 1 })]);
      this.last++;
      return v;
    });
  }

  /** Unacked entries after `after`, as the session messages that carry them. */
  async pendingMessages(after: number): Promise<{ seq: number; msg: AgentMessage }[]> {
    const out: { seq: number; msg: AgentMessage }[] = [];
    for await (const { value } of this.store.scan<AgentEvent | VmEntry>(OUTBOX, { gt: seqKey(after) })) {
      const seq = Number(value.seq);
      out.push({ seq, msg: 'vmStatus' in value ? { vmStatus: value.vmStatus } : { event: value } });
    }
    return out;
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
