import { randomBytes } from 'node:crypto';
import type { AgentEvent } from '../common/gen/nephele/v1/AgentEvent.js';
import type { AgentMessage } from '../common/gen/nephele/v1/AgentMessage.js';
import type { VmStatusReport } from '../common/gen/nephele/v1/VmStatusReport.js';
import type { OutboxEpoch } from '../common/gen/nephele/v1/OutboxEpoch.js';
import type { UsageBatch } from '../common/gen/nephele/v1/UsageBatch.js';

/** A VM state report waiting for its ack (events are stored as plain AgentEvents). */
interface VmEntry {
  seq: number;
  vmStatus: VmStatusReport;
}
import { seqKey } from '../common/ids.js';
import { del, Mutex, put, type Op, type Store } from '../common/store/index.js';

/** A batch of usage records waiting for its ack. */
interface UsageEntry {
  seq: number;
  usage: UsageBatch;
}

type Stored = AgentEvent | VmEntry | UsageEntry;
const seqOf = (v: Stored): number =>
  Number('vmStatus' in v ? v.vmStatus.seq : 'usage' in v ? v.usage.seq : (v as AgentEvent).seq);
const epochOf = (v: Stored): string =>
  ('vmStatus' in v ? v.vmStatus.epoch : 'usage' in v ? v.usage.epoch : (v as AgentEvent).epoch) ?? '';
/** The entry with another seq (renumbering), in whatever shape it is stored. */
const withSeq = (v: Stored, seq: number): Stored =>
  'vmStatus' in v
    ? { seq, vmStatus: { ...v.vmStatus, seq } }
    : 'usage' in v
      ? { seq, usage: { ...v.usage, seq } }
      : { ...v, seq };
const messageOf = (v: Stored): AgentMessage =>
  'vmStatus' in v ? { vmStatus: v.vmStatus } : 'usage' in v ? { usage: v.usage } : { event: v };

/**
 * Usage batches kept at most (the controller away for days): past it the oldest
 * are dropped, counted and logged. Events and VM reports are never dropped.
 * At the default interval (one batch a minute for up to 1,000 VMs) about four days.
 */
export const MAX_USAGE_BATCHES = 6_000;

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
  /** Usage batches among them (bounded: see MAX_USAGE_BATCHES). */
  private usageEntries = 0;
  /** Usage batches dropped to keep the bound, since start. */
  usageDropped = 0;
  private readonly lock = new Mutex();
  /** This run's epoch. */
  readonly epoch = randomBytes(8).toString('hex');
  private constructor(
    private readonly store: Store,
    private readonly maxUsage: number,
  ) {}

  static async open(store: Store, opts: { maxUsageBatches?: number } = {}): Promise<Outbox> {
    const o = new Outbox(store, opts.maxUsageBatches ?? MAX_USAGE_BATCHES);
    const s = await store.get<{ lastSeq: number }>(STATE, 'outbox');
    o.last = s?.value.lastSeq ?? 0;
    for await (const { value } of store.scan<Stored>(OUTBOX)) {
      o.entries++;
      if ('usage' in value) o.usageEntries++;
    }
    return o;
  }

  /**
   * Appends a usage batch with `also` (the meter's baselines) in the same
   * write, so a restarted agent neither loses nor repeats an interval. Past
   * the bound the oldest usage batches go; returns how many.
   */
  addUsage(records: UsageBatch['records'], also: Op[], now: number): Promise<{ msg: AgentMessage; dropped: number }> {
    return this.lock.run(async () => {
      const seq = this.last + 1;
      const usage: UsageBatch = { seq, epoch: this.epoch, records, timeUnixMs: now };
      const ops: Op[] = [put(OUTBOX, seqKey(seq), { seq, usage }), put(STATE, 'outbox', { lastSeq: seq }), ...also];
      const excess = this.usageEntries + 1 - this.maxUsage;
      let dropped = 0;
      if (excess > 0) {
        for await (const { key, value } of this.store.scan<Stored>(OUTBOX)) {
          if (!('usage' in value)) continue;
          ops.push(del(OUTBOX, key));
          if (++dropped >= excess) break;
        }
      }
      await this.store.batch(ops);
      this.last = seq;
      this.entries += 1 - dropped;
      this.usageEntries += 1 - dropped;
      this.usageDropped += dropped;
      return { msg: { usage }, dropped };
    });
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
      const droppedUsage: boolean[] = [];
      const keep: { key: string; value: Stored }[] = [];
      for await (const { key, value } of this.store.scan<Stored>(OUTBOX, { lte: seqKey(durable) })) {
        if (delivered(value)) {
          drop.push(del(OUTBOX, key));
          droppedUsage.push('usage' in value);
        } else keep.push({ key, value });
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
          ops.push(put(OUTBOX, seqKey(seq), withSeq(value, seq)));
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
      this.usageEntries -= drop.filter((_, i) => droppedUsage[i]).length;
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
    for await (const { value } of this.store.scan<Stored>(OUTBOX, { gt: seqKey(after), limit }))
      out.push({ seq: Number(value.seq), msg: messageOf(value) });
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
      let usage = 0;
      for await (const { key, value } of this.store.scan<Stored>(OUTBOX, { lte: seqKey(seq) })) {
        dels.push({ type: 'del' as const, coll: OUTBOX, key });
        if ('usage' in value) usage++;
      }
      if (dels.length) await this.store.batch(dels);
      this.entries -= dels.length;
      this.usageEntries -= usage;
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
