// A batch's result map (WrittenVersions) is built only when read: every way of
// reading it must see exactly what an eagerly filled Map would.
import t from 'tap';
import { join } from 'node:path';
import { WrittenVersions } from '../../common/store/versions.js';
import { LevelStore, put, putFresh, del } from '../../common/store/index.js';
import { tmpDir } from '../helpers/tmp.js';

const filled = () => {
  const w = new WrittenVersions();
  w.note('vms', 'a', 1);
  w.note('vms-by-host', 'h/a', 1);
  w.note('vms', 'a', 2); // the same key again: the later version wins
  w.note('hosts', 'h', 0);
  return w;
};
const want = new Map([
  ['vms/a', 2],
  ['vms-by-host/h/a', 1],
  ['hosts/h', 0],
]);

t.test('every read fills it first', async (t) => {
  t.equal(filled().get('vms/a'), 2, 'get');
  t.equal(filled().has('hosts/h'), true, 'has');
  t.equal(filled().has('vms/b'), false, 'has (absent)');
  t.equal(filled().size, 3, 'size');
  t.same([...filled()], [...want], 'iterator, in first-written order');
  t.same([...filled().entries()], [...want.entries()], 'entries');
  t.same([...filled().keys()], [...want.keys()], 'keys');
  t.same([...filled().values()], [...want.values()], 'values');
  const seen: [string, number][] = [];
  filled().forEach((v, k) => seen.push([k, v]));
  t.same(seen, [...want], 'forEach');
  t.same(filled(), want, 'compares equal to the plain Map');
  t.ok(filled() instanceof Map, 'is a Map');
});

t.test('writes after notes keep both', async (t) => {
  const w = filled();
  w.set('x/y', 7);
  t.equal(w.size, 4);
  t.equal(w.get('vms/a'), 2);
  t.ok(w.delete('vms/a'));
  t.equal(w.get('vms/a'), undefined);
  w.note('vms', 'c', 5); // after it was read: straight in
  t.equal(w.get('vms/c'), 5);
  w.clear();
  t.equal(w.size, 0);
});

t.test('LevelStore batch results: the version of every key written', async (t) => {
  const s = await LevelStore.open(join(tmpDir('nephele-wv-'), 'db'));
  t.teardown(() => s.close());
  await s.batch([put('c', 'k1', 1), put('c', 'k2', 1)]);
  const v = await s.batch([put('c', 'k1', 2), putFresh('e', '0001', 'x'), del('c', 'k2')]);
  t.same(
    v,
    new Map([
      ['c/k1', 2],
      ['e/0001', 1],
      ['c/k2', 0],
    ]),
  );
  const [ok, refused] = await s.batchGroup(
    [
      { ops: [put('c', 'k1', 3)], pre: [{ coll: 'c', key: 'k1', version: 2 }] },
      { ops: [put('c', 'k3', 3)], pre: [{ coll: 'c', key: 'k1', version: 2 }] },
    ],
    () => [put('meta', 'm', 1)],
  );
  t.same(ok, new Map([['c/k1', 3]]), 'the accepted change: its own keys only');
  t.type(refused, Error, 'the refused one');
});
