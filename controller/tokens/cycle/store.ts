// Update cycles as stored: the record (CYCLES) and its indexes, written in the
// record's own batches. Every step change is one write, so a restarted
// controller finds the cycle exactly where it stopped.
import { NotFoundError } from '../../../common/errors.js';
import { ULID_RE } from '../../../common/ids.js';
import { absent, at, del, put, type Op, type Precondition, type Store } from '../../../common/store/index.js';
import type { NewEvent } from '../../events/log.js';
import {
  CYCLES,
  CYCLES_BY_SET,
  IMAGES,
  MGMT_TOKENS,
  indexKey,
  type CycleRecord,
  type ImageRecord,
  type ManagementRecord,
} from '../../model/index.js';

/** Cycles still running (resumed at start-up without scanning every cycle ever run). */
export const CYCLES_RUNNING = 'update-cycles-running'; // cycle id → ''
/** A tenant's cycles (ListUpdateCycles without a set). */
export const CYCLES_BY_TENANT = 'update-cycles-by-tenant'; // `${tenant}\x00${cycleId}`

export interface Commit {
  commit(change: {
    ops?: Op[];
    preconditions?: Precondition[];
    events?: NewEvent[];
    ref?: string;
  }): Promise<Map<string, number>>;
}

/** A new cycle with its indexes, in one batch; `ref` makes a repeated request_id replay it. */
export async function insertCycle(events: Commit, c: CycleRecord, ev: NewEvent): Promise<number> {
  const v = await events.commit({
    ops: [
      put(CYCLES, c.id, c),
      put(CYCLES_BY_SET, indexKey(c.setId, c.id), ''),
      put(CYCLES_BY_TENANT, indexKey(c.tenant, c.id), ''),
      put(CYCLES_RUNNING, c.id, ''),
    ],
    preconditions: [absent(CYCLES, c.id)],
    events: [ev],
    ref: c.id,
  });
  return v.get(`${CYCLES}/${c.id}`)!;
}

/** Writes the cycle over `version`; a finished one leaves the running index in the same batch. */
export async function saveCycle(events: Commit, c: CycleRecord, version: number, ev: NewEvent[]): Promise<number> {
  const ops = [put(CYCLES, c.id, c)];
  if (c.state !== 'running') ops.push(del(CYCLES_RUNNING, c.id));
  const v = await events.commit({ ops, preconditions: [at(CYCLES, c.id, version)], events: ev });
  return v.get(`${CYCLES}/${c.id}`)!;
}

export async function loadCycle(
  store: Store,
  id: string,
  scope: string | undefined,
): Promise<{ cycle: CycleRecord; version: number }> {
  const r = ULID_RE.test(id) ? await store.get<CycleRecord>(CYCLES, id) : undefined;
  if (!r || (scope !== undefined && r.value.tenant !== scope)) throw new NotFoundError('cycle');
  return { cycle: r.value, version: r.version };
}

/** Ids of the cycles still running. */
export async function runningCycles(store: Store): Promise<string[]> {
  const ids: string[] = [];
  for await (const { key } of store.scan(CYCLES_RUNNING)) ids.push(key);
  return ids;
}

/** One page of cycle ids from an index under `owner` (a set or a tenant), oldest first. */
export async function cyclePage(
  store: Store,
  coll: string,
  owner: string | undefined,
  after: string | undefined,
  limit: number,
): Promise<{ ids: string[]; more: boolean }> {
  const prefix = owner === undefined ? '' : `${owner}\x00`;
  const ids: string[] = [];
  const opts = { prefix, limit: limit + 1, ...(after ? { gt: prefix + after } : {}) };
  for await (const { key } of store.scan(coll, opts)) ids.push(key.slice(prefix.length));
  return { ids: ids.slice(0, limit), more: ids.length > limit };
}

/** Cycles shown in a set's configuration table, at most. */
export const TABLE_CYCLES = 32;

/**
 * A set's update history, oldest first: the cycle that made it (found through
 * its image's management token) and the cycles run on it (at most TABLE_CYCLES).
 */
export async function cyclesOfSet(
  store: Store,
  setId: string,
  imageId: string,
): Promise<{ cycle: CycleRecord; version: number }[]> {
  const ids: string[] = [];
  if (imageId) {
    const image = (await store.get<ImageRecord>(IMAGES, imageId))?.value;
    const token = image?.tokenId ? (await store.get<ManagementRecord>(MGMT_TOKENS, image.tokenId))?.value : undefined;
    if (token?.cycleId) ids.push(token.cycleId);
  }
  ids.push(...(await cyclePage(store, CYCLES_BY_SET, setId, undefined, TABLE_CYCLES)).ids);
  const found = await store.getMany<CycleRecord>(CYCLES, ids.slice(0, TABLE_CYCLES));
  return found.flatMap((r) =>
    r && (r.value.setId === setId || r.value.newSetId === setId) ? [{ cycle: r.value, version: r.version }] : [],
  );
}
