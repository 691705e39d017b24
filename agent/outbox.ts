import { randomBytes } from 'node:crypto';
import type { AgentEvent } from '../common/gen/nephele/v1/AgentEvent.js';
import type { AgentMessage } from '../common/gen/nephele/v1/AgentMessage.js';
import type { VmStatusReport } from '../common/gen/nephele/v1/VmStatusReport.js';
import type { OutboxEpoch } from '../common/gen/nephele/v1/OutboxEpoch.js';

/** A VM state report waiting for its ack (events are stored as plain AgentEvents). */
interface VmEntry {
  seq: number;
  vmStatus: VmStatusReport;
}
import { seqKey } from '../common/ids.js';
import { del, Mutex, put, type Op, type Store } from '../common/store/index.js';

type Stored = AgentEvent | VmEntry;
const seqOf = (v: Stored): number => Number('vmStatus' in v ? v.vmStatus.seq : v.seq);
const epochOf = (v: Stored): string => ('vmStatus' in v ? v.vmStatus.epoch : v.epoch) ?? '';

/** What reconcile found (the session logs it and, when the outbox moved, emits an event). */
export interface Reconciled {
  /** Entries the controller already had: dropped. */
  delivered: number;
  /** Undelivered entries that had to move past the controller's sequence. */
  renumbered: number;
  /** Our last seq before it jumped to the controller's (state restored from a backup). */
  fastForwardedFrom?: number;
}

const OUTBOX = 'outbox';
const STATE = 'state';

/**
 * What the agent must not lose: events kept on disk, in sequence, until the
 * controller acknowledges them as durable. Sequence numbers never repeat.
 * Every entry carries the epoch of the run that wrote it (a fresh random id
 * per start), so an agent whose state came back from a backup can tell, from
 * the controller's epochs, what it already delivered (see reconcile).
 */
export class Outbox {
  private last = 0;
  /** Entries stored (counted once at open, then kept as they come and go): metrics. */
  private entries = 0;
  private readonly lock = new Mutex();
  /** This run's epoch. */
  readonly epoch = randomBytes(8).toString('hex');
  private constructor(private readonly store: Store) {}

  static async open(store: Store): Promise<Outbox> {
    const o = new Outbox(store);
    const s = await store.get<{ lastSeq: number }>(STATE, 'outbox');
    o.last = s?.value.lastSeq ?? 0;
    o.entries = await o.size();
    return o;
  }

  add(e: Omit<AgentEvent, 'seq' | 'epoch'>): Promise<AgentEvent> {
    return this.append((seq) => ({ ...e, seq, epoch: this.epoch }));
  }

  async addVmStatus(r: Omit<VmStatusReport, 'seq' | 'epoch'>): Promise<AgentMessage> {
    const e = await this.append<VmEntry>((seq) => ({ seq, vmStatus: { ...r, seq, epoch: this.epoch } }));
    return { vmStatus: e.vmStatus };
  }

  /** The highest seq handed out. */
  lastSeq(): number {
    return this.last;
  }

  /**
   * Squares the outbox with what the controller has stored (Welcome): its
   * highest stored seq `durable` and its recent epochs with the highest seq
   * stored from each. An entry is delivered when its epoch is listed at or
   * above its seq (without epochs, e.g. an older controller: when its seq is at
   * most `durable`); delivered entries are dropped. Normally the rest lie past
   * `durable` and nothing else happens. When this agent's state went back (a
   * restored backup), the controller is ahead: our next seqs jump past
   * `durable` (else it would take them for resends and drop them), and
   * undelivered entries at or below it are renumbered, in order, past it.
   */
  reconcile(durable: number, epochs: OutboxEpoch[]): Promise<Reconciled> {
    return this.lock.run(async () => {
      const stored = new Map(epochs.filter((e) => e.epoch).map((e) => [e.epoch!, Number(e.seq)]));
      const delivered = (v: Stored) => {
        const upTo = stored.get(epochOf(v));
        return stored.size && epochOf(v) ? upTo !== undefined && seqOf(v) <= upTo : seqOf(v) <= durable;
      };
      // A delivered entry lies at or below `durable` (the controller's highest):
      // normally only that range is read, as a plain ack would.
      const drop: Op[] = [];
      const keep: { key: string; value: Stored }[] = [];
      for await (const { key, value } of this.store.scan<Stored>(OUTBOX, { lte: seqKey(durable) })) {
        if (delivered(value)) drop.push(del(OUTBOX, key));
        else keep.push({ key, value });
      }
      const res: Reconciled = { delivered: drop.length, renumbered: 0 };
      const ops: Op[] = [...drop];
      if (keep.length) {
        // Undelivered entries at or below the controller's seq: they and all after them
        // (to keep their order) get fresh seqs past both ours and the controller's, no key reused.
        for await (const { key, value } of this.store.scan<Stored>(OUTBOX, { gt: seqKey(durable) }))
          keep.push({ key, value });
        let next = Math.max(this.last, durable);
        for (const { key, value } of keep) {
          const seq = ++next;
          ops.push(del(OUTBOX, key));
          ops.push(
            put(
              OUTBOX,
              seqKey(seq),
              'vmStatus' in value ? { seq, vmStatus: { ...value.vmStatus, seq } } : { ...value, seq },
            ),
          );
        }
        res.renumbered = keep.length;
        if (next > this.last) res.fastForwardedFrom = this.last;
        this.last = next;
      } else if (durable > this.last) {
        res.fastForwardedFrom = this.last;
        this.last = durable;
      }
      if (res.fastForwardedFrom !== undefined) ops.push(put(STATE, 'outbox', { lastSeq: this.last }));
      if (ops.length) await this.store.batch(ops);
      this.entries -= drop.length; // (renumbering moves entries, one for one)
      return res;
    });
  }

  private append<T extends { seq?: unknown }>(make: (seq: number) => T): Promise<T> {
    return this.lock.run(async () => {
      const v = make(this.last + 1);
      await this.store.batch([put(OUTBOX, seqKey(this.last + 1), v), put(STATE, 'outbox', { lastSeq: this.last + 1 })]);
      this.last++;
      this.entries++;
      return v;
    });
  }

  /** Unacked entries after `after` (at most `limit`), as the session messages that carry them. */
  async pendingMessages(after: number, limit = 1000): Promise<{ seq: number; msg: AgentMessage }[]> {
    const out: { seq: number; msg: AgentMessage }[] = [];
    for await (const { value } of this.store.scan<AgentEvent | VmEntry>(OUTBOX, { gt: seqKey(after), limit })) {
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
      for await (const { key } of this.store.scan(OUTBOX, { lte: seqKey(seq) }))
        dels.push({ type: 'del' as const, coll: OUTBOX, key });
      if (dels.length) await this.store.batch(dels);
      this.entries -= dels.length;
      return dels.length;
    });
  }

  /** Entries waiting for the controller's ack, without reading the store. */
  depth(): number {
    return this.entries;
  }

  async size(): Promise<number> {
    let n = 0;
    for await (const _ of this.store.scan(OUTBOX)) n++;
    return n;
  }
}
