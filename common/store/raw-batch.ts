// Writes below abstract-level: LevelStore encodes keys and values itself, so the
// native batch gets the same bytes without abstract-level's per-op work.

/** An op for the root database: key prefixed as the sublevel would, value JSON already. */
export type RawOp = { type: 'put'; key: string; value: string } | { type: 'del'; key: string };

/** The root database as classic-level implements it: `_chainedBatch` is abstract-level's private batch hook. */
interface RawDb {
  status: string;
  _chainedBatch(): RawBatch;
}

/** classic-level's native chained batch (close() detaches it from the database). */
interface RawBatch {
  _put(key: string, value: string): void;
  _del(key: string): void;
  _write(options: { sync: boolean }): Promise<void>;
  close(): Promise<void>;
}

/**
 * One LevelDB WriteBatch (all or nothing), filled op by op as the caller
 * encodes them: the native batch copies each key and value at once, so no op
 * object is built and nothing the batch holds stays on the JS heap while the
 * write is in flight (appends are never read back: their JSON is garbage as
 * soon as it is copied). abstract-level's public batch() clones each op,
 * checks and encodes it again and offers it to hooks and write events we do
 * not use (~8 µs an op); the native chained batch, filled op by op, costs half
 * the CPU of the native array form, which reads each op's fields back through
 * N-API property lookups (60,000 ops: 165 -> 82 ms). The native batch is made
 * at the first op (none: nothing is written); the open check is abstract-level's.
 */
export class RawWriter {
  private batch: RawBatch | undefined;

  constructor(private readonly db: unknown) {}

  /** Ops added so far. */
  size = 0;

  private native(): RawBatch {
    if (this.batch) return this.batch;
    const raw = this.db as RawDb;
    if (raw.status !== 'open')
      throw Object.assign(new Error('Database is not open'), { code: 'LEVEL_DATABASE_NOT_OPEN' });
    return (this.batch = raw._chainedBatch());
  }

  put(key: string, value: string): void {
    this.native()._put(key, value);
    this.size++;
  }

  del(key: string): void {
    this.native()._del(key);
    this.size++;
  }

  /** Writes what was added (nothing when nothing was), synced when asked, and releases the native batch. */
  async write(sync: boolean): Promise<void> {
    const batch = this.batch;
    if (!batch) return;
    this.batch = undefined;
    try {
      await batch._write({ sync });
    } finally {
      await batch.close();
    }
  }

  /** Drops what was added, unwritten. */
  async discard(): Promise<void> {
    const batch = this.batch;
    this.batch = undefined;
    await batch?.close();
  }
}

/** Writes `ops` as one LevelDB WriteBatch (all or nothing), synced when asked (see RawWriter). */
export async function writeRaw(db: unknown, ops: RawOp[], sync: boolean): Promise<void> {
  const w = new RawWriter(db);
  try {
    for (const op of ops) {
      if (op.type === 'put') w.put(op.key, op.value);
      else w.del(op.key);
    }
  } catch (e) {
    await w.discard();
    throw e;
  }
  await w.write(sync);
}
