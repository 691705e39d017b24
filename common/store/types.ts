// The narrow store interface of DESIGN §5. Everything but common/store talks to
// this, never to LevelDB, so another backend (etcd) can sit behind it.

export interface Versioned<T> {
  value: T;
  /** Bumped by every write; 0 never appears on a stored record. */
  version: number;
}

/**
 * `fresh`: the writer knows the key was never written before (an append keyed by a
 * sequence number that only grows, like an event): its version is 1, and the store
 * need not read the key first.
 */
export type Op =
  { type: 'put'; coll: string; key: string; value: unknown; fresh?: true } | { type: 'del'; coll: string; key: string };

/** "key is at version V"; version 0 means "key is absent". */
export interface Precondition {
  coll: string;
  key: string;
  version: number;
}

export interface ScanOptions {
  prefix?: string;
  gt?: string;
  gte?: string;
  lt?: string;
  lte?: string;
  limit?: number;
  reverse?: boolean;
  /** false: the caller reads values only; entries may then carry '' as their key (LevelDB reads no keys into JS: half a long scan's cost). */
  keys?: false;
}

export interface Entry<T> {
  key: string;
  value: T;
  version: number;
}

export interface Store {
  get<T>(coll: string, key: string): Promise<Versioned<T> | undefined>;
  getMany<T>(coll: string, keys: string[]): Promise<(Versioned<T> | undefined)[]>;
  /**
   * Applies every op or none. Fails whole with ConflictError when a
   * precondition does not hold. Returns the new version of each written key
   * (`coll/key` → version).
   */
  batch(ops: Op[], preconditions?: Precondition[]): Promise<Map<string, number>>;
  /**
   * Group commit: checks each change's preconditions in turn (each sees the
   * ones accepted before it), asks `finalize` for ops that depend on which
   * were accepted (e.g. event records numbered densely), and writes all of it
   * in one atomic batch. A change whose precondition fails gets its
   * ConflictError and nothing of it is written.
   */
  batchGroup(
    changes: { ops: Op[]; pre: Precondition[] }[],
    finalize: (accepted: boolean[]) => Op[],
  ): Promise<(Map<string, number> | Error)[]>;
  scan<T>(coll: string, opts?: ScanOptions): AsyncIterable<Entry<T>>;
  /** Last entry of a collection in key order (or undefined). */
  last<T>(coll: string, opts?: ScanOptions): Promise<Entry<T> | undefined>;
  close(): Promise<void>;
}

export const put = (coll: string, key: string, value: unknown): Op => ({ type: 'put', coll, key, value });
/** A put of a key never written before (see Op.fresh): no version read. */
export const putFresh = (coll: string, key: string, value: unknown): Op => ({
  type: 'put',
  coll,
  key,
  value,
  fresh: true,
});
export const del = (coll: string, key: string): Op => ({ type: 'del', coll, key });
export const absent = (coll: string, key: string): Precondition => ({ coll, key, version: 0 });
export const at = (coll: string, key: string, version: number): Precondition => ({ coll, key, version });

export interface Migration {
  version: number;
  name: string;
  up(store: Store): Promise<void>;
}
