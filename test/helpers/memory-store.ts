// An in-memory Store for unit tests of pure-ish logic (the planner harness):
// the same contract as LevelStore — versions bumped per write and restarted
// after a delete, preconditions checked atomically with the write, batchGroup
// accepting changes one by one, JSON values (a read never aliases a write),
// ordered scans with prefix/gt/gte/lt/lte/limit/reverse.
import { ConflictError } from '../../common/errors.js';
import type { Entry, Op, Precondition, ScanOptions, Store, Versioned } from '../../common/store/index.js';

interface Stored {
  v: number;
  d: string; // JSON, so callers never share objects with the store
}

export class MemoryStore implements Store {
  private readonly colls = new Map<string, Map<string, Stored>>();
  /** Batches written (tests count round trips). */
  writes = 0;

  private coll(c: string): Map<string, Stored> {
    let m = this.colls.get(c);
    if (!m) this.colls.set(c, (m = new Map()));
    return m;
  }

  async get<T>(coll: string, key: string): Promise<Versioned<T> | undefined> {
    const r = this.colls.get(coll)?.get(key);
    return r ? { value: JSON.parse(r.d) as T, version: r.v } : undefined;
  }

  async getMany<T>(coll: string, keys: string[]): Promise<(Versioned<T> | undefined)[]> {
    return Promise.all(keys.map((k) => this.get<T>(coll, k)));
  }

  private version(p: { coll: string; key: string }, pending: Map<string, number>): number {
    return pending.get(`${p.coll}/${p.key}`) ?? this.colls.get(p.coll)?.get(p.key)?.v ?? 0;
  }

  private conflict(p: Precondition, have: number): ConflictError {
    return new ConflictError(
      `${p.coll}/${p.key}`,
      p.version === 0
        ? `${p.coll} record already exists`
        : `${p.coll} record changed concurrently (version ${have}, expected ${p.version})`,
    );
  }

  /** Stages ops on top of `pending` versions; returns what each key's version becomes. */
  private stage(ops: Op[], pending: Map<string, number>, staged: { op: Op; v: number }[]): Map<string, number> {
    const out = new Map<string, number>();
    for (const op of ops) {
      const id = `${op.coll}/${op.key}`;
      if (op.type === 'put' && op.value === undefined) throw new Error(`undefined value for ${id}`);
      const v = op.type === 'del' ? 0 : this.version(op, pending) + 1;
      pending.set(id, v);
      out.set(id, v);
      staged.push({ op, v });
    }
    return out;
  }

  private apply(staged: { op: Op; v: number }[]): void {
    if (staged.length) this.writes++;
    for (const { op, v } of staged) {
      if (op.type === 'del') this.coll(op.coll).delete(op.key);
      else this.coll(op.coll).set(op.key, { v, d: JSON.stringify(op.value) });
    }
  }

  async batch(ops: Op[], preconditions: Precondition[] = []): Promise<Map<string, number>> {
    const pending = new Map<string, number>();
    for (const p of preconditions) {
      const have = this.version(p, pending);
      if (have !== p.version) throw this.conflict(p, have);
    }
    const staged: { op: Op; v: number }[] = [];
    const out = this.stage(ops, pending, staged);
    this.apply(staged);
    return out;
  }

  async batchGroup(
    changes: { ops: Op[]; pre: Precondition[] }[],
    finalize: (accepted: boolean[]) => Op[],
  ): Promise<(Map<string, number> | Error)[]> {
    const pending = new Map<string, number>();
    const staged: { op: Op; v: number }[] = [];
    const results: (Map<string, number> | Error)[] = [];
    const accepted: boolean[] = [];
    for (const c of changes) {
      const bad = c.pre.find((p) => this.version(p, pending) !== p.version);
      if (bad) {
        results.push(this.conflict(bad, this.version(bad, pending)));
        accepted.push(false);
        continue;
      }
      results.push(this.stage(c.ops, pending, staged));
      accepted.push(true);
    }
    this.stage(finalize(accepted), pending, staged);
    this.apply(staged);
    return results;
  }

  async *scan<T>(coll: string, o: ScanOptions = {}): AsyncIterable<Entry<T>> {
    const inRange = (k: string) =>
      (o.prefix === undefined || k.startsWith(o.prefix)) &&
      (o.gt === undefined || k > o.gt) &&
      (o.gte === undefined || k >= o.gte) &&
      (o.lt === undefined || k < o.lt) &&
      (o.lte === undefined || k <= o.lte);
    const keys = [...(this.colls.get(coll)?.keys() ?? [])].filter(inRange).sort();
    if (o.reverse) keys.reverse();
    let n = 0;
    for (const key of keys) {
      if (o.limit !== undefined && o.limit >= 0 && n++ >= o.limit) return;
      const r = this.colls.get(coll)?.get(key);
      if (r) yield { key, value: JSON.parse(r.d) as T, version: r.v };
    }
  }

  async last<T>(coll: string, opts: ScanOptions = {}): Promise<Entry<T> | undefined> {
    for await (const e of this.scan<T>(coll, { ...opts, reverse: true, limit: 1 })) return e;
    return undefined;
  }

  async close(): Promise<void> {}
}
