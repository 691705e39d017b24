import { at, put, type Entry, type Op, type Precondition, type Store } from '../../common/store/index.js';
import { HOST_ACKS, type AckRecord } from './acks.js';
import { HOSTS } from './registry.js';

/** Host records migrated per batch. */
const PAGE = 100;

/** A host record as versions before migration 5 stored it. */
type LegacyHost = Record<string, unknown> & { durableSeq?: number; outboxEpochs?: AckRecord['outboxEpochs'] };

/**
 * Migration 5: each host record's `durableSeq` and `outboxEpochs` move to its
 * own ack record (acks.ts), a page of hosts per batch. A host already moved has
 * neither field, so a run cut short is simply run again.
 */
export async function splitHostAcks(store: Store): Promise<void> {
  let page: Entry<LegacyHost>[] = [];
  const flush = async () => {
    const ops: Op[] = [];
    const pre: Precondition[] = [];
    for (const { key, value, version } of page) {
      const { durableSeq, outboxEpochs, ...rest } = value;
      const ack: AckRecord = { durableSeq: durableSeq ?? 0, outboxEpochs: outboxEpochs ?? [] };
      ops.push(put(HOSTS, key, rest), put(HOST_ACKS, key, ack));
      pre.push(at(HOSTS, key, version));
    }
    if (ops.length) await store.batch(ops, pre);
    page = [];
  };
  for await (const e of store.scan<LegacyHost>(HOSTS)) {
    if (!('durableSeq' in e.value) && !('outboxEpochs' in e.value)) continue;
    page.push(e);
    if (page.length === PAGE) await flush();
  }
  await flush();
}
