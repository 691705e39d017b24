// The in-memory vms-by-host index (controller/vms/host-vms.ts) must always
// answer what a scan of the store answers: built by one scan, kept in step by
// the store's write observer, commits during the scan winning, dropped after
// a failed write, off past its bound or without an observable store.
import t from 'tap';
import { join } from 'node:path';
import { del, LevelStore, put, type Op, type Store } from '../../common/store/index.js';
import { HostVms } from '../../controller/vms/host-vms.js';
import { MemoryStore } from '../helpers/memory-store.js';
import { tmpDir } from '../helpers/tmp.js';

const COLL = 'vms-by-host';

async function scanned(store: Store, host: string): Promise<string[]> {
  const out: string[] = [];
  for await (const { key } of store.scan(COLL, { prefix: `${host}/` })) out.push(key.slice(host.length + 1));
  return out;
}

t.test('built from the store, then kept in step with every committed write', async (t) => {
  const store = await LevelStore.open(join(tmpDir(), 'db'));
  t.teardown(() => store.close());
  await store.batch([put(COLL, 'h1/b', 1), put(COLL, 'h1/a', 1), put(COLL, 'h2/c', 1)]);
  const idx = new HostVms(store, COLL);
  t.same(await idx.ids('h1'), ['a', 'b'], 'in key order, as a scan lists them');
  t.same(await idx.ids('h2'), ['c']);
  t.same(await idx.ids('h3'), [], 'a host with none');
  await store.batch([del(COLL, 'h1/a'), put(COLL, 'h3/d', 1), put(COLL, 'h1/b', 1)]);
  t.same(await idx.ids('h1'), ['b'], 'a delete is seen');
  t.same(await idx.ids('h3'), ['d'], 'a put is seen');
  t.equal(idx.size, 3, 'a rewrite of a key is not counted twice');
  // Writes of other collections and failed batches change nothing.
  await store.batch([put('other', 'h1/x', 1)]);
  await t.rejects(store.batch([put(COLL, 'h1/z', 1)], [{ coll: 'other', key: 'h1/x', version: 7 }]));
  for (const h of ['h1', 'h2', 'h3']) t.same(await idx.ids(h), await scanned(store, h), `${h} as the store says`);
});

t.test('commits while the first scan runs keep their state', async (t) => {
  const store = await LevelStore.open(join(tmpDir(), 'db'));
  t.teardown(() => store.close());
  const ops: Op[] = [];
  for (let i = 0; i < 3000; i++) ops.push(put(COLL, `h${i % 7}/${String(i).padStart(5, '0')}`, 1));
  await store.batch(ops);
  const idx = new HostVms(store, COLL);
  const first = idx.ids('h0'); // the scan starts now and reads in chunks
  // Deletes and puts land while it reads, on keys it has and has not reached yet.
  const during = Promise.all([
    store.batch([del(COLL, 'h0/00000'), del(COLL, 'h0/02996'), put(COLL, 'h0/99999', 1)]),
    store.batch([del(COLL, 'h1/02997'), put(COLL, 'h1/00001x', 1)]),
  ]);
  await Promise.all([first, during]);
  for (let h = 0; h < 7; h++) t.same(await idx.ids(`h${h}`), await scanned(store, `h${h}`), `h${h} as the store says`);
});

t.test('past its bound it is off: callers read the store', async (t) => {
  const store = await LevelStore.open(join(tmpDir(), 'db'));
  t.teardown(() => store.close());
  await store.batch([put(COLL, 'h1/a', 1), put(COLL, 'h1/b', 1)]);
  const idx = new HostVms(store, COLL, 2);
  t.same(await idx.ids('h1'), ['a', 'b']);
  await store.batch([put(COLL, 'h1/c', 1)]);
  t.equal(await idx.ids('h1'), undefined, 'one past the bound: off');
  t.equal(idx.size, 0, 'nothing held');
  await store.batch([del(COLL, 'h1/c')]);
  t.equal(await idx.ids('h1'), undefined, 'off for good');
});

t.test('a failed write drops it; the next read rebuilds it from the store', async (t) => {
  // An observable store whose write failure the test raises (LevelStore raises it on an I/O error).
  const mem = new MemoryStore();
  const observers: ((ops: readonly Op[]) => void)[] = [];
  const failures: (() => void)[] = [];
  const store = Object.assign(Object.create(mem) as MemoryStore, {
    observeWrites: (fn: (ops: readonly Op[]) => void) => void observers.push(fn),
    onWriteFailure: (fn: () => void) => void failures.push(fn),
  });
  await mem.batch([put(COLL, 'h1/a', 1)]);
  const idx = new HostVms(store, COLL);
  t.same(await idx.ids('h1'), ['a']);
  // A batch that may or may not have landed: the index never saw it.
  await mem.batch([put(COLL, 'h1/b', 1)]);
  for (const f of failures) f();
  t.equal(idx.size, 0, 'dropped');
  t.same(await idx.ids('h1'), ['a', 'b'], 'rebuilt from the store');
});

t.test('a store without a write observer: no index', async (t) => {
  const idx = new HostVms(new MemoryStore(), COLL);
  t.equal(await idx.ids('h1'), undefined);
});
