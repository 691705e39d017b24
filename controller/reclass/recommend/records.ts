// Recommendation records: the record and its two indexes (by VM, by tenant)
// written in one batch with the VM's previous open recommendation superseded
// and its anti-noise history; the Recommendations port (get, update, due) and
// the bounded listing.
import { NotFoundError } from '../../../common/errors.js';
import { ULID_RE } from '../../../common/ids.js';
import { at, absent, del, put, type Op, type Precondition, type Store } from '../../../common/store/index.js';
import type { RecommendationState } from '../../../common/model/reclass.js';
import {
  RECLASS_HISTORY,
  RECOMMENDATIONS,
  RECS_BY_TENANT,
  RECS_BY_VM,
  type RecommendationRecord,
  type ReclassHistory,
} from '../../model/reclass.js';
import { pad13 } from '../../usage/model.js';
import type { Recommendations, Scope } from '../ports.js';

/** `${pad13(scheduledUnixMs)}\x00${recId}`: scheduled recommendations by due time (kept by update()). */
export const RECS_DUE = 'reclass-recs-due';

/** Open and scheduled: what a VM's next recommendation supersedes, and what a listing shows by default. */
export const LIVE: RecommendationState[] = ['open', 'scheduled'];

const vmKey = (r: Pick<RecommendationRecord, 'vmId' | 'id'>) => `${r.vmId}\x00${r.id}`;
const tenantKey = (r: Pick<RecommendationRecord, 'tenant' | 'id'>) => `${r.tenant}\x00${r.id}`;
const dueKey = (r: RecommendationRecord) => `${pad13(r.scheduledUnixMs)}\x00${r.id}`;

export interface ListFilter {
  tenant?: string;
  setId?: string;
  vmId?: string;
  /** undefined: open and scheduled. */
  states?: RecommendationState[];
  limit: number;
  /** The id to continue after (newest first), '' from the newest. */
  after: string;
}

export class RecStore implements Recommendations {
  constructor(private readonly store: Store) {}

  async get(id: string, scope: Scope): Promise<{ rec: RecommendationRecord; version: number }> {
    const r = ULID_RE.test(id) ? await this.store.get<RecommendationRecord>(RECOMMENDATIONS, id) : undefined;
    if (!r || (scope !== undefined && r.value.tenant !== scope)) throw new NotFoundError('recommendation');
    return { rec: r.value, version: r.version };
  }

  async update(next: RecommendationRecord, version: number): Promise<void> {
    const cur = await this.store.get<RecommendationRecord>(RECOMMENDATIONS, next.id);
    const ops: Op[] = [put(RECOMMENDATIONS, next.id, next)];
    // The due index follows the state: only scheduled records are in it, under their time.
    if (cur?.value.state === 'scheduled') ops.push(del(RECS_DUE, dueKey(cur.value)));
    if (next.state === 'scheduled') ops.push(put(RECS_DUE, dueKey(next), 1));
    await this.store.batch(ops, [at(RECOMMENDATIONS, next.id, version)]);
  }

  async due(nowUnixMs: number, limit: number): Promise<RecommendationRecord[]> {
    const out: RecommendationRecord[] = [];
    for await (const { key } of this.store.scan(RECS_DUE, { lte: `${pad13(nowUnixMs)}\x00\xff`, limit })) {
      const r = await this.store.get<RecommendationRecord>(RECOMMENDATIONS, key.slice(key.indexOf('\x00') + 1));
      if (r?.value.state === 'scheduled' && r.value.scheduledUnixMs <= nowUnixMs) out.push(r.value);
    }
    return out;
  }

  /** The VM's newest recommendations (at most `limit`), newest first. */
  async ofVm(vmId: string, limit = 16): Promise<{ rec: RecommendationRecord; version: number }[]> {
    const keys: string[] = [];
    for await (const { key } of this.store.scan(RECS_BY_VM, { prefix: `${vmId}\x00`, reverse: true, limit }))
      keys.push(key.slice(vmId.length + 1));
    const got = await this.store.getMany<RecommendationRecord>(RECOMMENDATIONS, keys);
    return got.flatMap((r) => (r ? [{ rec: r.value, version: r.version }] : []));
  }

  async history(vmId: string): Promise<{ h?: ReclassHistory; version: number }> {
    const r = await this.store.get<ReclassHistory>(RECLASS_HISTORY, vmId);
    return { h: r?.value, version: r?.version ?? 0 };
  }

  /**
   * The ops of a new recommendation: the record, its indexes, the VM's previous
   * open one superseded (at its version), and the VM's history (at its version).
   */
  newOps(
    rec: RecommendationRecord,
    prev: { rec: RecommendationRecord; version: number } | undefined,
    h: { next: ReclassHistory; version: number },
  ): { ops: Op[]; pre: Precondition[] } {
    const ops: Op[] = [
      put(RECOMMENDATIONS, rec.id, rec),
      put(RECS_BY_VM, vmKey(rec), 1),
      put(RECS_BY_TENANT, tenantKey(rec), 1),
      put(RECLASS_HISTORY, rec.vmId, h.next),
    ];
    const pre: Precondition[] = [absent(RECOMMENDATIONS, rec.id), at(RECLASS_HISTORY, rec.vmId, h.version)];
    if (prev) {
      const sup = { ...prev.rec, state: 'superseded' as const, stateReason: `superseded by ${rec.id}` };
      ops.push(put(RECOMMENDATIONS, prev.rec.id, { ...sup, updatedUnixMs: rec.createdUnixMs }));
      if (prev.rec.state === 'scheduled') ops.push(del(RECS_DUE, dueKey(prev.rec)));
      pre.push(at(RECOMMENDATIONS, prev.rec.id, prev.version));
    }
    return { ops, pre };
  }

  /**
   * One page, newest first, through the most selective index; at most
   * `limit * 10` keys read, so a sparse filter answers a short page with a
   * token rather than scanning everything.
   */
  async list(f: ListFilter): Promise<{ recs: RecommendationRecord[]; next: string }> {
    const [coll, prefix] = f.vmId
      ? [RECS_BY_VM, `${f.vmId}\x00`]
      : f.tenant !== undefined
        ? [RECS_BY_TENANT, `${f.tenant}\x00`]
        : [RECOMMENDATIONS, ''];
    const states = f.states ?? LIVE;
    const out: RecommendationRecord[] = [];
    let scanned = 0;
    let last = '';
    const range = f.after ? { prefix, lt: prefix + f.after } : { prefix };
    for await (const { key } of this.store.scan(coll, { ...range, reverse: true })) {
      if (out.length === f.limit || scanned === f.limit * 10) return { recs: out, next: last };
      scanned++;
      last = key.slice(prefix.length);
      const r = await this.store.get<RecommendationRecord>(RECOMMENDATIONS, last);
      if (!r) continue;
      const v = r.value;
      if (f.tenant !== undefined && v.tenant !== f.tenant) continue;
      if ((f.setId && v.setId !== f.setId) || (f.vmId && v.vmId !== f.vmId) || !states.includes(v.state)) continue;
      out.push(v);
    }
    return { recs: out, next: '' };
  }
}
