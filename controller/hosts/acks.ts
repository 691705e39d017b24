import { at, put, type Op, type Precondition, type Store } from '../../common/store/index.js';
import { noteEpoch, type OutboxEpochs } from './outbox-epochs.js';

/**
 * How far each host's agent reports are stored: a small record of its own, so
 * storing a report (and acknowledging it) does not rewrite the host record with
 * its whole inventory. Absent until the host's first stored report.
 */
export const HOST_ACKS = 'host-acks';

export interface AckRecord {
  /** Highest agent report seq (event or VM state) stored. */
  durableSeq: number;
  /** The agent's last outbox epochs with the highest seq stored from each (oldest first; see outbox-epochs.ts). */
  outboxEpochs: OutboxEpochs;
}

/** A host's ack record as read, with its store version (0: none stored yet). */
export interface Acked {
  rec: AckRecord;
  version: number;
}

/** The write that stores reports (in seq order) as durable, fenced on the record read, and the record it leaves. */
export interface AckWrite {
  ops: Op[];
  pre: Precondition[];
  next: Acked;
}

export class HostAcks {
  constructor(private readonly store: Store) {}

  async get(hostId: string): Promise<Acked> {
    const r = await this.store.get<AckRecord>(HOST_ACKS, hostId);
    return r ? { rec: r.value, version: r.version } : { rec: { durableSeq: 0, outboxEpochs: [] }, version: 0 };
  }
}

export function ackWrite(hostId: string, cur: Acked, reports: { seq: number; epoch?: string }[]): AckWrite {
  let outboxEpochs = cur.rec.outboxEpochs;
  for (const r of reports) outboxEpochs = noteEpoch(outboxEpochs, r.epoch, r.seq);
  const rec: AckRecord = { durableSeq: reports.at(-1)?.seq ?? cur.rec.durableSeq, outboxEpochs };
  // Every write bumps the version by one; a wrong guess only costs a re-read on the next report.
  return {
    ops: [put(HOST_ACKS, hostId, rec)],
    pre: [at(HOST_ACKS, hostId, cur.version)],
    next: { rec, version: cur.version + 1 },
  };
}
