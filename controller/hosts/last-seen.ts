import { put, type Store } from '../../common/store/index.js';

/**
 * When each host was last heard from, checkpointed so that it survives a
 * controller restart. Heartbeats only touch memory (liveness.ts); this small
 * record of its own is written at a coarse cadence (SEEN_CHECKPOINT_MS) and at
 * a clean shutdown, never per beat, and never by rewriting the host record
 * with its whole inventory. Liveness transitions store the time in the host
 * record as well (a session's end is one): the later of the two counts.
 */
export const HOST_SEEN = 'host-seen';

export interface SeenRecord {
  unixMs: number;
}

/** A crashed controller loses at most this much of a connected host's last-seen time. */
export const SEEN_CHECKPOINT_MS = 5 * 60_000;
/** Hosts per batch: a checkpoint of a large fleet is several small batches, not one huge one. */
const SEEN_BATCH = 500;

/** Every checkpointed last-seen time (one small record per known host). */
export async function loadLastSeen(store: Store): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for await (const { key, value } of store.scan<SeenRecord>(HOST_SEEN)) out.set(key, value.unixMs);
  return out;
}

/**
 * Remembers what was last written, so each checkpoint writes only the hosts
 * heard from since the previous one.
 */
export class SeenCheckpoint {
  private readonly written = new Map<string, number>();

  constructor(private readonly store: Store) {}

  /** Known at start (as loaded): not written again until it moves. */
  note(hostId: string, unixMs: number): void {
    this.written.set(hostId, unixMs);
  }

  forget(hostId: string): void {
    this.written.delete(hostId);
  }

  /** Writes the times that moved since the last checkpoint, in bounded batches. */
  async write(seen: Iterable<[hostId: string, unixMs: number]>): Promise<number> {
    const due = [...seen].filter(([id, ms]) => ms > (this.written.get(id) ?? 0));
    for (let i = 0; i < due.length; i += SEEN_BATCH) {
      const chunk = due.slice(i, i + SEEN_BATCH);
      await this.store.batch(chunk.map(([id, unixMs]) => put(HOST_SEEN, id, { unixMs } satisfies SeenRecord)));
      for (const [id, ms] of chunk) this.written.set(id, ms);
    }
    return due.length;
  }
}
