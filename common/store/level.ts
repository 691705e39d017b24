import { statfs } from 'node:fs/promises';
import { Level } from 'level';
import { ConflictError } from '../errors.js';
import { levelErrorKind, StoreOpenError, StoreUnavailableError, unreadable } from './level-errors.js';
import { META, runMigrations } from './migrate.js';
import { Mutex } from './mutex.js';
import { rangeOf } from './range.js';
import { RawWriter } from './raw-batch.js';
import { ValueCache } from './value-cache.js';
import { KeyVersions, WrittenVersions } from './versions.js';
import type { Entry, Migration, Op, Precondition, ScanOptions, Store, Versioned } from './types.js';

export { META, SCHEMA_KEY, runMigrations } from './migrate.js';

interface Stored {
  v: number; // version
  d: unknown; // data
}

// The sublevel surface we use, typed for string keys and Stored values.
interface Sub {
  /** The sublevel's key prefix ("!name!"), as it writes keys to the root database. */
  readonly prefix: string;
  get(key: string): Promise<Stored | undefined>;
  getMany(keys: string[]): Promise<(Stored | undefined)[]>;
  iterator(range: Record<string, unknown>): {
    nextv(size: number): Promise<[string, Stored][]>;
    close(): Promise<void>;
  };
}

/** A scan's first read; later reads grow to SCAN_CHUNK_MAX. */
const SCAN_CHUNK_MIN = 16;
const SCAN_CHUNK_MAX = 1024;

const COLL_RE = /^[a-z][a-z0-9-]{0,62}$/;

/** Room LevelDB needs to reopen (recover its log into a table, start a new log and manifest). */
export const REOPEN_NEEDS_BYTES = 16 * 2 ** 20;

/** Keys whose versions the store remembers (~100 bytes each): the working set of a busy controller. */
const VERSION_CACHE_MAX = 200_000;
/** Characters of recently written records the store keeps to answer reads (~0.7 KB a VM record: ~45,000 VMs). */
const VALUE_CACHE_CHARS = 32 * 2 ** 20;

/** LevelDB implementation: one sublevel per collection, JSON values with a version. */

export class LevelStore implements Store {
  private readonly subs = new Map<string, Sub>();
  private readonly writeLock = new Mutex();
  /** Set by a write that failed with an I/O error; cleared by a successful reopen. */
  private failure: Error | undefined;
  private readonly failureListeners: ((cause: Error) => void)[] = [];
  private recoveries = 0;
  private nextRecovery = 0;
  /**
   * Versions as the last successful writes (and the reads under the write lock)
   * left them: a batch reads from LevelDB only the keys it does not find here.
   * Every write goes through this instance under the write lock, so an entry
   * is never stale; it is filled and used only under that lock, updated only
   * once a batch is written, bounded (emptied when full) and emptied on reopen.
   */
  private readonly versionCache = new KeyVersions();
  /** Stored JSON of records written lately, for reads (see ValueCache). */
  private readonly values: ValueCache;

  private constructor(
    private readonly db: Level<string, Stored>,
    private readonly path: string,
    private readonly versionCacheMax: number,
    valueCacheChars: number,
  ) {
    this.values = new ValueCache(valueCacheChars);
  }

  static async open(
    path: string,
    migrations: Migration[] = [],
    opts: { versionCacheMax?: number; valueCacheChars?: number } = {},
  ): Promise<LevelStore> {
    const db = new Level<string, Stored>(path, { valueEncoding: 'json' });
    try {
      await db.open();
    } catch (e) {
      throw new StoreOpenError(levelErrorKind(e) ?? 'other', path, e);
    }
    const store = new LevelStore(
      db,
      path,
      opts.versionCacheMax ?? VERSION_CACHE_MAX,
      opts.valueCacheChars ?? VALUE_CACHE_CHARS,
    );
    try {
      await runMigrations(store, migrations);
    } catch (e) {
      await db.close(); // release the lock so the caller (or a retry) can reopen
      throw e;
    }
    return store;
  }

  /** LevelDB's own repair: rebuilds the manifest from whatever tables and logs are readable. */
  static repair(path: string): Promise<void> {
    // `level` is classic-level on Node; its type omits the LevelDB-only statics.
    return (Level as unknown as { repair(p: string): Promise<void> }).repair(path);
  }

  /** How many key versions the store remembers now (bounded by versionCacheMax). */
  get cachedVersions(): number {
    return this.versionCache.size;
  }

  /** How many records' stored JSON the store keeps for reads now. */
  get cachedValues(): number {
    return this.values.size;
  }

  /** Why writes are refused, while they are. */
  writeFailure(): Error | undefined {
    return this.failure;
  }

  /** Called once per write that fails with an I/O error (disk full, EIO). */
  onWriteFailure(fn: (cause: Error) => void): void {
    this.failureListeners.push(fn);
  }

  private readonly writeObservers: ((ops: readonly Op[], seconds: number) => void)[] = [];

  /** Called after every committed batch with its ops and its latency (lock wait included): metrics. */
  observeWrites(fn: (ops: readonly Op[], seconds: number) => void): void {
    this.writeObservers.push(fn);
  }

  /**
   * Closes and reopens LevelDB. After a failed write this is the only way
   * back: a write that fails half way can leave a torn record in LevelDB's
   * log, and the log writer's idea of its position no longer matches the
   * file, so later records could be lost on the next recovery. Writes are
   * refused until the log is recovered and a new one started, which is what
   * reopening does. Throws (and keeps refusing) when the reopen fails.
   */
  reopen(): Promise<void> {
    return this.writeLock.run(() => this.reopenLocked());
  }

  private async reopenLocked(): Promise<void> {
    await this.db.close();
    this.subs.clear(); // sublevels do not follow their parent through a reopen
    this.versionCache.clear();
    this.values.clear();
    try {
      await this.db.open();
    } catch (e) {
      this.failure = e as Error;
      throw e;
    }
    this.failure = undefined;
  }

  /**
   * After a failed write: reopens once the filesystem has room for it
   * (a reopen that fails closes the database for reads too), at most every
   * second, backing off when it fails for other reasons. True when writable.
   * Every batch tries it first, so any user of the store heals by itself.
   */
  recover(): Promise<boolean> {
    return this.writeLock.run(() => this.recoverLocked());
  }

  private async recoverLocked(): Promise<boolean> {
    if (!this.failure) return true;
    const now = Date.now();
    if (now < this.nextRecovery) return false;
    this.nextRecovery = now + 1000;
    // Free space unknown (statfs failed): treat it as no room; the next attempt asks again.
    const fs = await statfs(this.path).catch(() => undefined);
    if (!fs || fs.bavail * fs.bsize < Math.min(REOPEN_NEEDS_BYTES, (fs.blocks * fs.bsize) / 4)) return false;
    try {
      await this.reopenLocked();
    } catch {
      this.recoveries++;
      this.nextRecovery = now + Math.min(60_000, 1000 * 2 ** this.recoveries);
      return false;
    }
    this.recoveries = 0;
    return true;
  }

  /** Makes every write so far durable (fsync of LevelDB's log), by a synced write of a marker. */
  sync(): Promise<void> {
    return this.writeLock.run(async () => {
      await this.writable();
      const key = this.rawKey(META, 'synced');
      const w = new RawWriter(this.db);
      w.put(key, LevelStore.rawValue(1, { atUnixMs: Date.now() }));
      await this.write(w, true);
      this.values.delete(key); // written outside batchGroup: read it from LevelDB
    });
  }

  /** Under the write lock, before a batch reads versions: refuse early while the store cannot write. */
  private async writable(): Promise<void> {
    if (this.failure && !(await this.recoverLocked())) throw new StoreUnavailableError('write', this.failure);
  }

  private cacheVersion(coll: string, key: string, v: number): void {
    if (this.versionCache.size >= this.versionCacheMax && !this.versionCache.has(coll, key)) this.versionCache.clear();
    this.versionCache.set(coll, key, v);
  }

  /**
   * A record as the root database holds it: key prefixed as the sublevel would, value the JSON of
   * `{ v, d }` (without building the wrapper). A sublevel put's bytes without abstract-level's
   * per-op sublevel and encoding work (~5 µs an op, the largest cost of a 10,000-VM batch).
   */
  private rawKey(coll: string, key: string): string {
    return this.sub(coll).prefix + key;
  }

  private static rawValue(v: number, d: unknown): string {
    return `{"v":${v},"d":${JSON.stringify(d)}}`;
  }

  /** Writes a filled native batch; an I/O error marks the store failed. */
  private async write(w: RawWriter, sync = false): Promise<void> {
    try {
      await w.write(sync);
    } catch (e) {
      if (!levelErrorKind(e)) throw e;
      this.failure = e as Error;
      for (const fn of this.failureListeners) fn(this.failure);
      throw new StoreUnavailableError('write', e);
    }
  }

  /** Reads while the database is closed (a reopen that failed) or failing are UNAVAILABLE, not INTERNAL. */
  private async read<T>(p: () => Promise<T>): Promise<T> {
    try {
      return await p();
    } catch (e) {
      throw unreadable(e);
    }
  }

  private sub(coll: string): Sub {
    let s = this.subs.get(coll);
    if (!s) {
      if (!COLL_RE.test(coll)) throw new Error(`bad collection name ${coll}`);
      s = this.db.sublevel<string, Stored>(coll, { valueEncoding: 'json' }) as unknown as Sub;
      this.subs.set(coll, s);
    }
    return s;
  }

  async get<T>(coll: string, key: string): Promise<Versioned<T> | undefined> {
    const sub = this.sub(coll);
    const json = this.values.get(sub.prefix + key);
    const r = json !== undefined ? (JSON.parse(json) as Stored) : await this.read(() => sub.get(key));
    return r === undefined ? undefined : { value: r.d as T, version: r.v };
  }

  /** From the value cache where it has the key, the rest in one LevelDB read. */
  async getMany<T>(coll: string, keys: string[]): Promise<(Versioned<T> | undefined)[]> {
    if (keys.length === 0) return [];
    const sub = this.sub(coll);
    const rs: (Stored | undefined)[] = new Array<Stored | undefined>(keys.length);
    const missing: number[] = [];
    keys.forEach((k, i) => {
      const json = this.values.get(sub.prefix + k);
      if (json === undefined) missing.push(i);
      else rs[i] = JSON.parse(json) as Stored;
    });
    if (missing.length) {
      const read = await this.read(() => sub.getMany(missing.map((i) => keys[i]!)));
      missing.forEach((i, j) => (rs[i] = read[j]));
    }
    return rs.map((r) => (r === undefined ? undefined : { value: r.d as T, version: r.v }));
  }

  /**
   * Current versions of every key the lists' items name but fresh puts: from
   * the cache, the rest read in one getMany per collection. Under the write lock.
   */
  private async versionsOf(lists: readonly (readonly (Op | Precondition)[])[], into: KeyVersions): Promise<void> {
    let byColl: Map<string, Set<string>> | undefined;
    for (const items of lists)
      for (const x of items) {
        // A fresh put is version 1 by contract: neither read nor remembered.
        if (('fresh' in x && x.fresh) || into.has(x.coll, x.key)) continue;
        const cached = this.versionCache.get(x.coll, x.key);
        if (cached !== undefined) {
          into.set(x.coll, x.key, cached);
          continue;
        }
        byColl ??= new Map();
        let s = byColl.get(x.coll);
        if (!s) byColl.set(x.coll, (s = new Set()));
        s.add(x.key);
      }
    if (!byColl) return;
    await Promise.all(
      [...byColl].map(async ([coll, keys]) => {
        const list = [...keys];
        const rs = await this.read(() => this.sub(coll).getMany(list));
        list.forEach((k, i) => into.set(coll, k, rs[i]?.v ?? 0));
      }),
    );
  }

  batchGroup(
    changes: { ops: Op[]; pre: Precondition[] }[],
    finalize: (accepted: boolean[]) => Op[],
  ): Promise<(Map<string, number> | Error)[]> {
    const started = performance.now();
    const written: Op[] | undefined = this.writeObservers.length ? [] : undefined;
    return this.writeLock.run(async () => {
      await this.writable();
      const current = new KeyVersions();
      const lists: (Op | Precondition)[][] = [];
      for (const c of changes) lists.push(c.ops, c.pre);
      await this.versionsOf(lists, current);
      const results: (Map<string, number> | Error)[] = [];
      const accepted: boolean[] = [];
      // Ops go into the native batch as they are encoded (see RawWriter).
      const out = new RawWriter(this.db);
      // For the value cache once written: root key and JSON (null: deleted). Appends are rarely read: not kept.
      const cacheKeys: string[] = [];
      const cacheValues: (string | null)[] = [];
      const apply = (op: Op, versions: WrittenVersions | undefined) => {
        written?.push(op);
        if (op.type === 'del') {
          current.set(op.coll, op.key, 0);
          versions?.note(op.coll, op.key, 0);
          const key = this.rawKey(op.coll, op.key);
          out.del(key);
          cacheKeys.push(key);
          cacheValues.push(null);
          return;
        }
        if (op.value === undefined) throw new Error(`undefined value for ${op.coll}/${op.key}`);
        const v = (current.get(op.coll, op.key) ?? 0) + 1;
        // Appends (events) are never rewritten: their versions would only crowd the cache.
        if (!op.fresh) current.set(op.coll, op.key, v);
        versions?.note(op.coll, op.key, v);
        const key = this.rawKey(op.coll, op.key);
        const value = LevelStore.rawValue(v, op.value);
        out.put(key, value);
        if (!op.fresh) {
          cacheKeys.push(key);
          cacheValues.push(value);
        }
      };
      try {
        for (const c of changes) {
          const bad = c.pre.find((p) => (current.get(p.coll, p.key) ?? 0) !== p.version);
          if (bad) {
            const have = current.get(bad.coll, bad.key) ?? 0;
            results.push(
              new ConflictError(
                `${bad.coll}/${bad.key}`,
                bad.version === 0
                  ? `${bad.coll} record already exists`
                  : `${bad.coll} record changed concurrently (version ${have}, expected ${bad.version})`,
              ),
            );
            accepted.push(false);
            continue;
          }
          const versions = new WrittenVersions();
          for (const op of c.ops) apply(op, versions);
          results.push(versions);
          accepted.push(true);
        }
        const extra = finalize(accepted);
        await this.versionsOf([extra], current);
        for (const op of extra) apply(op, undefined);
      } catch (e) {
        await out.discard(); // nothing of it was written
        throw e;
      }
      if (out.size) {
        try {
          await this.write(out);
        } catch (e) {
          // What this batch would have written is unknown now.
          this.versionCache.clear();
          this.values.clear();
          throw e;
        }
      }
      for (let i = 0; i < cacheKeys.length; i++) {
        const value = cacheValues[i]!;
        if (value === null) this.values.delete(cacheKeys[i]!);
        else this.values.set(cacheKeys[i]!, value);
      }
      // Written or read under the lock: every version here is the store's now.
      current.forEach((coll, key, v) => this.cacheVersion(coll, key, v));
      if (written?.length) for (const fn of this.writeObservers) fn(written, (performance.now() - started) / 1000);
      return results;
    });
  }

  /** One change: a group of one, so the version check and the write are atomic under the write lock. */
  async batch(ops: Op[], preconditions: Precondition[] = []): Promise<Map<string, number>> {
    const [r] = await this.batchGroup([{ ops, pre: preconditions }], () => []);
    if (r instanceof Error) throw r;
    return r!;
  }

  async *scan<T>(coll: string, opts: ScanOptions = {}): AsyncIterable<Entry<T>> {
    let it: ReturnType<Sub['iterator']>;
    try {
      it = this.sub(coll).iterator(opts.keys === false ? { ...rangeOf(opts), keys: false } : rangeOf(opts));
    } catch (e) {
      throw unreadable(e);
    }
    try {
      // Entries a chunk at a time, chunks growing: one native read covers a short
      // prefix (a host's VMs), and a consumer that stops early leaves little read ahead.
      for (let size = SCAN_CHUNK_MIN; ; size = Math.min(size * 4, SCAN_CHUNK_MAX)) {
        let chunk: [string, Stored][];
        try {
          chunk = await it.nextv(size);
        } catch (e) {
          throw unreadable(e);
        }
        if (!chunk.length) return;
        for (const [key, r] of chunk) yield { key: key ?? '', value: r.d as T, version: r.v };
      }
    } finally {
      // Closing the iterator of a failed or closed database: the scan's own result or error is what counts.
      await it.close().catch(() => {});
    }
  }

  async last<T>(coll: string, opts: ScanOptions = {}): Promise<Entry<T> | undefined> {
    for await (const e of this.scan<T>(coll, { ...opts, reverse: true, limit: 1 })) return e;
    return undefined;
  }

  async close(): Promise<void> {
    await this.writeLock.run(async () => {
      this.values.clear(); // reads of a closed store fail, as they do without the cache
      await this.db.close();
    });
  }
}
