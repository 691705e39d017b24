// The in-memory Store of the planner harness keeps LevelStore's contract:
// versions, preconditions, atomic batches, group commits and ordered scans.
import t from 'tap';
import { ConflictError } from '../../common/errors.js';
import { absent, at, del, put } from '../../common/store/index.js';
import { MemoryStore } from '../helpers/memory-store.js';

t.test('versions, preconditions and all-or-nothing batches', async (t) => {
  const s = new MemoryStore();
  const w = await s.batch([put('c', 'a', { n: 1 }), put('c', 'b', { n: 2 })], [absent('c', 'a')]);
  t.same(
    [...w],
    [
      ['c/a', 1],
      ['c/b', 1],
    ],
  );
  const a = await s.get<{ n: number }>('c', 'a');
  a!.value.n = 99;
  t.same((await s.get('c', 'a'))!.value, { n: 1 }, 'a read never aliases the stored value');
  await t.rejects(
    s.batch([put('c', 'b', { n: 3 })], [at('c', 'a', 2)]),
    ConflictError,
    'a stale version fails the batch',
  );
  t.same((await s.get('c', 'b'))!.value, { n: 2 }, 'and nothing of it is written');
  await s.batch([put('c', 'a', { n: 2 })], [at('c', 'a', 1)]);
  t.equal((await s.get('c', 'a'))!.version, 2);
  await s.batch([del('c', 'a'), put('c', 'a', { n: 3 })]);
  t.equal((await s.get('c', 'a'))!.version, 1, 'a delete restarts the versions');
  t.same(
    (await s.getMany('c', ['b', 'x'])).map((r) => r?.version),
    [1, undefined],
  );
});

t.test('batchGroup accepts changes one by one and finalizes with what was accepted', async (t) => {
  const s = new MemoryStore();
  const r = await s.batchGroup(
    [
      { ops: [put('c', 'k', 1)], pre: [absent('c', 'k')] },
      { ops: [put('c', 'k', 2)], pre: [absent('c', 'k')] },
      { ops: [put('c', 'j', 3)], pre: [] },
    ],
    (accepted) => [put('meta', 'n', accepted.filter(Boolean).length)],
  );
  t.ok(r[0] instanceof Map);
  t.ok(r[1] instanceof ConflictError, 'the second sees the first');
  t.ok(r[2] instanceof Map);
  t.equal((await s.get('c', 'k'))!.value, 1);
  t.equal((await s.get('meta', 'n'))!.value, 2);
  t.equal(s.writes, 1, 'one write');
});

t.test('scans are ordered and bounded', async (t) => {
  const s = new MemoryStore();
  await s.batch(['a/1', 'a/2', 'a/3', 'b/1'].map((k) => put('c', k, k)));
  const keys = async (o: Parameters<MemoryStore['scan']>[1]) => {
    const out: string[] = [];
    for await (const e of s.scan('c', o)) out.push(e.key);
    return out;
  };
  t.same(await keys({ prefix: 'a/' }), ['a/1', 'a/2', 'a/3']);
  t.same(await keys({ prefix: 'a/', gt: 'a/1', limit: 1 }), ['a/2']);
  t.same(await keys({ reverse: true, limit: 2 }), ['b/1', 'a/3']);
  t.same(await keys({ gte: 'a/2', lt: 'b/1' }), ['a/2', 'a/3']);
  t.equal((await s.last('c', { prefix: 'a/' }))!.key, 'a/3');
});
