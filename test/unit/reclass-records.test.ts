// Recommendation records: one batch writes the record, its indexes, the
// superseded open one and the history; listing pages newest first through the
// indexes and hides other tenants; update keeps the due index; get is scoped.
import t from 'tap';
import { ulid } from '../../common/ids.js';
import { RECOMMENDATIONS, type RecommendationRecord } from '../../controller/model/reclass.js';
import { emptyHistory } from '../../controller/reclass/recommend/noise.js';
import { RecStore, RECS_DUE } from '../../controller/reclass/recommend/records.js';
import { vmSpecHash } from '../../controller/reclass/spec-hash.js';
import { MemoryStore } from '../helpers/memory-store.js';
import { recommendation } from '../helpers/reclass-records.js';

const VM = ulid(1);
const SPEC = { scheme: 'process', vcpus: 2, memoryMib: 4096, diskGib: 1, image: 'x', appliancePort: 0, config: {} };

const rec = (id: string, o: Partial<RecommendationRecord> = {}): RecommendationRecord =>
  recommendation({ id, vmId: VM, setId: '', tenant: 'acme', vmSpecHash: vmSpecHash(SPEC), ...o });

t.test('a new recommendation supersedes the open one in the same batch; listing and scope', async (t) => {
  const store = new MemoryStore();
  const recs = new RecStore(store);
  const first = rec(ulid(1000));
  let w = recs.newOps(first, undefined, { next: emptyHistory(VM), version: 0 });
  await store.batch(w.ops, w.pre);
  const [prev] = await recs.ofVm(VM);
  const second = rec(ulid(2000));
  w = recs.newOps(second, prev, { next: { ...emptyHistory(VM), oomKillsAnswered: 1 }, version: 1 });
  await store.batch(w.ops, w.pre);
  t.equal((await recs.get(first.id, undefined)).rec.state, 'superseded');
  t.equal((await recs.history(VM)).h?.oomKillsAnswered, 1);
  // The same stale view again conflicts: nothing half-written.
  await t.rejects(store.batch(w.ops, w.pre), { code: 'ABORTED' });
  t.same(
    (await recs.list({ limit: 10, after: '' })).recs.map((r) => r.id),
    [second.id],
    'open and scheduled by default',
  );
  t.same(
    (await recs.list({ limit: 10, after: '', states: ['open', 'superseded'] })).recs.map((r) => r.id),
    [second.id, first.id],
    'newest first',
  );
  const p1 = await recs.list({ limit: 1, after: '', states: ['open', 'superseded'] });
  t.equal(p1.next, second.id);
  t.same(
    (await recs.list({ limit: 1, after: p1.next, states: ['superseded'] })).recs.map((r) => r.id),
    [first.id],
  );
  t.same((await recs.list({ tenant: 'other', limit: 10, after: '' })).recs, [], 'another tenant sees none');
  await t.rejects(recs.get(second.id, 'other'), { code: 'NOT_FOUND' });
  await t.rejects(recs.get('nope', undefined), { code: 'NOT_FOUND' });
});

t.test('update keeps the due index: scheduled records are due at their time, and only then', async (t) => {
  const store = new MemoryStore();
  const recs = new RecStore(store);
  const r = rec(ulid(1000));
  const w = recs.newOps(r, undefined, { next: emptyHistory(VM), version: 0 });
  await store.batch(w.ops, w.pre);
  const v = (await store.get(RECOMMENDATIONS, r.id))!.version;
  await recs.update({ ...r, state: 'scheduled', scheduledUnixMs: 5000 }, v);
  t.same(await recs.due(4999, 10), []);
  t.same(
    (await recs.due(5000, 10)).map((x) => x.id),
    [r.id],
  );
  await t.rejects(recs.update({ ...r, state: 'applying' }, v), { code: 'ABORTED' }, 'stale version');
  await recs.update({ ...r, state: 'applying' }, v + 1);
  t.same(await recs.due(10_000, 10), []);
  let keys = 0;
  for await (const _ of store.scan(RECS_DUE)) keys++;
  t.equal(keys, 0, 'the index entry went with the state');
});

t.test('spec hash changes with the size, not with the config', async (t) => {
  t.not(vmSpecHash(SPEC), vmSpecHash({ ...SPEC, vcpus: 4 }));
  t.equal(vmSpecHash(SPEC), vmSpecHash({ ...SPEC, config: { a: 'b' } }));
});
