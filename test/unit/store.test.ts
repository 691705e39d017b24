// LevelStore against a real LevelDB in a temp dir: versions, batches and their
// preconditions, scans, reopen, migrations.
import t from 'tap';
import { join } from 'node:path';
import {
  LevelStore,
  runMigrations,
  META,
  SCHEMA_KEY,
  put,
  putFresh,
  del,
  absent,
  at,
  type Migration,
  type Store,
  type ScanOptions,
} from '../../common/store/index.js';
import { ConflictError } from '../../common/errors.js';
import { tmpDir } from '../helpers/tmp.js';

const dbPath = () => join(tmpDir('nephele-store-'), 'db');

async function open(path = dbPath(), migrations: Migration[] = []): Promise<LevelStore> {
  return LevelStore.open(path, migrations);
}

async function keys(s: Store, coll: string, o?: ScanOptions): Promise<string[]> {
  const out: string[] = [];
  for await (const e of s.scan(coll, o)) out.push(e.key);
  return out;
}

async function schema(
  s: Store,
): Promise<{ version: number; history: { version: number; name: string }[] } | undefined> {
  return (await s.get<{ version: number; history: { version: number; name: string }[] }>(META, SCHEMA_KEY))?.value;
}

t.test('put/get versions, del, getMany', async (t) => {
  const s = await open();
  t.teardown(() => s.close());

  t.equal(await s.get('things', 'a'), undefined, 'absent key reads undefined');

  const w1 = await s.batch([put('things', 'a', { n: 1 })]);
  t.equal(w1.get('things/a'), 1, 'batch reports the new version');
  t.same(await s.get('things', 'a'), { value: { n: 1 }, version: 1 });

  const w2 = await s.batch([put('things', 'a', { n: 2 })]);
  t.equal(w2.get('things/a'), 2);
  t.same(await s.get('things', 'a'), { value: { n: 2 }, version: 2 }, 'second put bumps the version');

  await s.batch([put('things', 'b', 'bee'), put('things', 'c', [1, 2, 3])]);
  const many = await s.getMany<unknown>('things', ['c', 'nope', 'a', 'b']);
  t.same(
    many,
    [{ value: [1, 2, 3], version: 1 }, undefined, { value: { n: 2 }, version: 2 }, { value: 'bee', version: 1 }],
    'getMany keeps order, undefined for missing',
  );
  t.same(await s.getMany('things', []), []);

  const w3 = await s.batch([del('things', 'a')]);
  t.equal(w3.get('things/a'), 0, 'a delete reports version 0');
  t.equal(await s.get('things', 'a'), undefined, 'deleted');

  // A key that is deleted and written again starts from version 1: "absent" is version 0.
  await s.batch([put('things', 'a', 'again')], [absent('things', 'a')]);
  t.same(await s.get('things', 'a'), { value: 'again', version: 1 });

  // Collections are separate namespaces.
  t.equal(await s.get('other', 'b'), undefined);
  await s.batch([put('other', 'b', 'x')]);
  t.same(await s.get('things', 'b'), { value: 'bee', version: 1 });

  await t.rejects(s.batch([put('things', 'u', undefined)]), /undefined value/, 'undefined values are refused');
  await t.rejects(s.get('Bad Name', 'k'), /bad collection name/);
});

t.test('one batch writing the same key twice', async (t) => {
  const s = await open();
  t.teardown(() => s.close());
  await s.batch([put('c', 'k', 1)]);
  const w = await s.batch([put('c', 'k', 2), put('c', 'k', 3)]);
  t.equal(w.get('c/k'), 3);
  t.same(await s.get('c', 'k'), { value: 3, version: 3 }, 'last op wins');
});

t.test('scan: order, prefix, bounds, limit, reverse, last', async (t) => {
  const s = await open();
  t.teardown(() => s.close());
  const all = ['a', 'b/1', 'b/2', 'b/3', 'b/10', 'ba', 'c/1', 'c/2', 'd'];
  // Written out of order on purpose.
  await s.batch([...all].reverse().map((k) => put('k', k, { k })));
  await s.batch([put('z', 'other', 1)]);

  t.same(await keys(s, 'k'), [...all].sort(), 'full scan is in key order and stays in its collection');
  const es: { key: string; value: unknown; version: number }[] = [];
  for await (const e of s.scan('k', { prefix: 'c/' })) es.push(e);
  t.same(
    es,
    [
      { key: 'c/1', value: { k: 'c/1' }, version: 1 },
      { key: 'c/2', value: { k: 'c/2' }, version: 1 },
    ],
    'entries carry value and version',
  );

  t.same(await keys(s, 'k', { prefix: 'b/' }), ['b/1', 'b/10', 'b/2', 'b/3'], 'prefix excludes "ba" and "a"');
  t.same(await keys(s, 'k', { prefix: 'b' }), ['b/1', 'b/10', 'b/2', 'b/3', 'ba']);
  t.same(await keys(s, 'k', { prefix: 'nope' }), []);
  t.same(await keys(s, 'k', { gt: 'b/2' }), ['b/3', 'ba', 'c/1', 'c/2', 'd'], 'gt is exclusive');
  t.same(await keys(s, 'k', { gte: 'b/2' }), ['b/2', 'b/3', 'ba', 'c/1', 'c/2', 'd'], 'gte is inclusive');
  t.same(await keys(s, 'k', { lt: 'b/2' }), ['a', 'b/1', 'b/10'], 'lt is exclusive');
  t.same(await keys(s, 'k', { lte: 'b/2' }), ['a', 'b/1', 'b/10', 'b/2'], 'lte is inclusive');
  t.same(await keys(s, 'k', { gt: 'a', lt: 'c/1' }), ['b/1', 'b/10', 'b/2', 'b/3', 'ba']);
  t.same(await keys(s, 'k', { limit: 3 }), ['a', 'b/1', 'b/10']);
  t.same(await keys(s, 'k', { reverse: true }), [...all].sort().reverse());
  t.same(await keys(s, 'k', { reverse: true, limit: 2 }), ['d', 'c/2']);
  t.same(await keys(s, 'k', { prefix: 'b/', reverse: true, limit: 2 }), ['b/3', 'b/2']);
  t.same(await keys(s, 'k', { prefix: 'b/', gt: 'b/10' }), ['b/2', 'b/3'], 'gt inside the prefix pages through it');
  t.same(await keys(s, 'k', { prefix: 'b/', lt: 'b/3' }), ['b/1', 'b/10', 'b/2']);
  const values: unknown[] = [];
  for await (const e of s.scan('k', { prefix: 'b/', gt: 'b/1', keys: false })) values.push([e.key, e.value, e.version]);
  t.same(
    values,
    [
      ['', { k: 'b/10' }, 1],
      ['', { k: 'b/2' }, 1],
      ['', { k: 'b/3' }, 1],
    ],
    'a values-only scan keeps its range, order and versions',
  );

  t.equal((await s.last('k'))?.key, 'd');
  t.same(await s.last('k', { prefix: 'b/' }), { key: 'b/3', value: { k: 'b/3' }, version: 1 });
  t.equal((await s.last('k', { lt: 'b' }))?.key, 'a');
  t.equal(await s.last('empty'), undefined);
  t.equal(await s.last('k', { prefix: 'q' }), undefined);

  // Zero-padded numeric keys (the event log's) sort numerically.
  await s.batch([1, 2, 9, 10, 11, 100].map((n) => put('n', String(n).padStart(16, '0'), n)));
  t.equal((await s.last<number>('n'))?.value, 100);
});

t.test('scan: explicit bounds only narrow the prefix range (types.ts/level.ts contract)', async (t) => {
  const s = await open();
  t.teardown(() => s.close());
  await s.batch(['a/1', 'a/2', 'b/1', 'b/2', 'c/1'].map((k) => put('k', k, 1)));
  // The comment in rangeOf says "Explicit bounds narrow the prefix range": a
  // bound outside the prefix must not pull in keys outside it.
  t.same(await keys(s, 'k', { prefix: 'b/', gt: 'a' }), ['b/1', 'b/2'], 'gt below the prefix does not widen the scan');
  t.same(await keys(s, 'k', { prefix: 'b/', lt: 'z' }), ['b/1', 'b/2'], 'lt above the prefix does not widen the scan');
});

t.test('scan: prefix covers keys with any unicode character after it', async (t) => {
  const s = await open();
  t.teardown(() => s.close());
  await s.batch([put('k', 'p/a', 1), put('k', 'p/\u{1F600}', 2), put('k', 'q', 3)]);
  t.same(
    await keys(s, 'k', { prefix: 'p/' }),
    ['p/a', 'p/\u{1F600}'],
    'a key with a non-BMP character after the prefix is found',
  );
});

t.test('batch preconditions', async (t) => {
  const s = await open();
  t.teardown(() => s.close());
  await s.batch([put('hosts', 'h1', { v: 'one' }), put('groups', 'g1', { v: 'one' })]);
  await s.batch([put('hosts', 'h1', { v: 'two' })]); // h1 at version 2

  // Holding preconditions: the batch applies.
  const ok = await s.batch(
    [put('hosts', 'h1', { v: 'three' }), put('groups', 'g2', { v: 'new' })],
    [at('hosts', 'h1', 2), absent('groups', 'g2')],
  );
  t.same(Object.fromEntries(ok), { 'hosts/h1': 3, 'groups/g2': 1 });

  // A precondition on a key the batch does not write is still checked.
  const ok2 = await s.batch([put('hosts', 'h3', 1)], [at('groups', 'g1', 1)]);
  t.equal(ok2.get('hosts/h3'), 1);

  const snapshot = async () => ({
    h1: await s.get('hosts', 'h1'),
    h2: await s.get('hosts', 'h2'),
    g1: await s.get('groups', 'g1'),
    g2: await s.get('groups', 'g2'),
    g3: await s.get('groups', 'g3'),
  });
  const before = await snapshot();

  // Wrong version on one key: nothing in either collection is written.
  const ops = [
    put('hosts', 'h1', 'X'),
    put('hosts', 'h2', 'X'),
    put('groups', 'g1', 'X'),
    del('groups', 'g2'),
    put('groups', 'g3', 'X'),
  ];
  const e1 = await s.batch(ops, [absent('hosts', 'h2'), at('hosts', 'h1', 2)]).catch((e: unknown) => e);
  t.type(e1, ConflictError, 'stale version → ConflictError');
  t.equal((e1 as ConflictError).code, 'ABORTED');
  t.equal((e1 as ConflictError).key, 'hosts/h1', 'names the failing key');
  t.same(await snapshot(), before, 'a failed batch writes nothing, in any collection');

  // "absent" on an existing key.
  const e2 = await s.batch(ops, [at('hosts', 'h1', 3), absent('groups', 'g1')]).catch((e: unknown) => e);
  t.type(e2, ConflictError, 'absent on an existing key → ConflictError');
  t.equal((e2 as ConflictError).key, 'groups/g1');
  t.match((e2 as Error).message, /already exists/);
  t.same(await snapshot(), before, 'still nothing written');

  // A precondition on a deleted key: its version is 0 again.
  await s.batch([del('groups', 'g2')], [at('groups', 'g2', 1)]);
  await t.rejects(
    s.batch([put('groups', 'g2', 'x')], [at('groups', 'g2', 1)]),
    ConflictError,
    'the old version of a deleted key no longer holds',
  );
  await s.batch([put('groups', 'g2', 'back')], [absent('groups', 'g2')]);
  t.same(await s.get('groups', 'g2'), { value: 'back', version: 1 });

  // A conflict does not wedge the store's write lock.
  const w = await s.batch([put('hosts', 'h1', 'after')], [at('hosts', 'h1', 3)]);
  t.equal(w.get('hosts/h1'), 4);
});

t.test('concurrent batches with the same precondition: exactly one wins', async (t) => {
  const s = await open();
  t.teardown(() => s.close());
  await s.batch([put('tok', 't', { used: '' })]);
  const N = 20;
  const rs = await Promise.allSettled(
    Array.from({ length: N }, (_, i) =>
      s.batch([put('tok', 't', { used: `h${i}` }), put('hosts', `h${i}`, { i })], [at('tok', 't', 1)]),
    ),
  );
  const won = rs.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
  t.equal(won.length, 1, 'exactly one batch succeeds');
  t.ok(
    rs.every((r) => r.status === 'fulfilled' || r.reason instanceof ConflictError),
    'the others fail with ConflictError',
  );
  const winner = won[0]!;
  t.same(await s.get('tok', 't'), { value: { used: `h${winner}` }, version: 2 });
  t.same(await keys(s, 'hosts'), [`h${winner}`], "losers' other ops were not written");

  // Same with "absent" (create-if-missing).
  const rs2 = await Promise.allSettled(
    Array.from({ length: N }, (_, i) => s.batch([put('names', 'n', i)], [absent('names', 'n')])),
  );
  t.equal(rs2.filter((r) => r.status === 'fulfilled').length, 1);
  t.equal((await s.get('names', 'n'))?.version, 1);
});

t.test('data survives close and reopen', async (t) => {
  const path = dbPath();
  const s1 = await open(path);
  await s1.batch([put('a', 'k1', { deep: { x: [1, 'two', null, true] } }), put('a', 'k2', 'v')]);
  await s1.batch([put('a', 'k2', 'v2')]);
  await s1.batch([put('b', 'gone', 1)]);
  await s1.batch([del('b', 'gone')]);
  await s1.close();

  const s2 = await open(path);
  t.teardown(() => s2.close());
  t.same(await s2.get('a', 'k1'), { value: { deep: { x: [1, 'two', null, true] } }, version: 1 });
  t.same(await s2.get('a', 'k2'), { value: 'v2', version: 2 }, 'versions survive too');
  t.equal(await s2.get('b', 'gone'), undefined);
  const w = await s2.batch([put('a', 'k2', 'v3')], [at('a', 'k2', 2)]);
  t.equal(w.get('a/k2'), 3, 'versioning continues after reopen');
});

t.test('runMigrations: once each, in order, recorded, not rerun on reopen', async (t) => {
  const path = dbPath();
  const ran: number[] = [];
  const mk = (version: number): Migration => ({
    version,
    name: `m${version}`,
    async up(store) {
      ran.push(version);
      // Each migration sees the previous ones applied.
      const prev = await store.get<number[]>('mig', 'trail');
      await store.batch([put('mig', 'trail', [...(prev?.value ?? []), version])]);
    },
  });
  // Given out of order on purpose.
  const s1 = await open(path, [mk(3), mk(1), mk(2)]);
  t.same(ran, [1, 2, 3], 'ran once each, in version order');
  t.same((await s1.get('mig', 'trail'))?.value, [1, 2, 3]);
  const sc = await schema(s1);
  t.equal(sc?.version, 3, 'schema version recorded in meta');
  t.same(
    sc?.history.map((h) => [h.version, h.name]),
    [
      [1, 'm1'],
      [2, 'm2'],
      [3, 'm3'],
    ],
  );
  t.equal(await runMigrations(s1, [mk(1), mk(2), mk(3)]), 3, 'running again is a no-op returning the version');
  t.same(ran, [1, 2, 3]);
  await s1.close();

  const s2 = await open(path, [mk(1), mk(2), mk(3), mk(4)]);
  t.same(ran, [1, 2, 3, 4], 'reopen runs only the new migration');
  t.equal((await schema(s2))?.version, 4);
  t.same((await s2.get('mig', 'trail'))?.value, [1, 2, 3, 4]);
  await s2.close();

  const s3 = await open(path, [mk(1), mk(2), mk(3), mk(4)]);
  t.same(ran, [1, 2, 3, 4], 'nothing reruns');
  t.equal((await schema(s3))?.history.length, 4);
  await s3.close();
});

t.test('a failing migration leaves the schema at the last successful one', async (t) => {
  const s = await open();
  t.teardown(() => s.close());
  const ran: string[] = [];
  const ms: Migration[] = [
    { version: 1, name: 'one', up: async () => void ran.push('one') },
    { version: 2, name: 'two', up: async () => void ran.push('two') },
    {
      version: 3,
      name: 'boom',
      up: async () => {
        ran.push('boom');
        throw new Error('migration 3 failed');
      },
    },
    { version: 4, name: 'four', up: async () => void ran.push('four') },
  ];
  await t.rejects(runMigrations(s, ms), /migration 3 failed/);
  t.same(ran, ['one', 'two', 'boom'], 'stops at the failure');
  t.equal((await schema(s))?.version, 2, 'version is the last successful migration');

  // Fixed migration 3: the run resumes from there.
  ms[2] = { version: 3, name: 'three', up: async () => void ran.push('three') };
  t.equal(await runMigrations(s, ms), 4);
  t.same(ran, ['one', 'two', 'boom', 'three', 'four']);
  t.same(
    (await schema(s))?.history.map((h) => h.name),
    ['one', 'two', 'three', 'four'],
  );
});

t.test('LevelStore.open with a failing migration does not keep the database locked', async (t) => {
  const path = dbPath();
  const bad: Migration = {
    version: 1,
    name: 'bad',
    up: async () => {
      throw new Error('nope');
    },
  };
  await t.rejects(LevelStore.open(path, [bad]), /nope/);
  // A caller that fixes the problem (or just inspects the db) must be able to open it again.
  const s = await LevelStore.open(path).catch((e: unknown) => e);
  t.type(s, LevelStore, 'reopen after a failed open works');
  if (s instanceof LevelStore) {
    t.equal(await schema(s), undefined, 'no schema version recorded');
    await s.close();
  }
});

t.test('version cache: versions and preconditions stay exact, fresh puts, bounded, across reopen', async (t) => {
  const path = dbPath();
  const s = await LevelStore.open(path, [], { versionCacheMax: 4 });
  t.teardown(() => s.close());
  // Written, then rewritten twice: the cached version is what the next batch checks against.
  t.equal((await s.batch([put('c', 'a', 1)], [absent('c', 'a')])).get('c/a'), 1);
  t.equal((await s.batch([put('c', 'a', 2)], [at('c', 'a', 1)])).get('c/a'), 2);
  await t.rejects(s.batch([put('c', 'a', 3)], [at('c', 'a', 1)]), ConflictError, 'a stale precondition still fails');
  t.equal((await s.get('c', 'a'))?.version, 2, 'nothing written by the refused batch');
  t.equal((await s.batch([put('c', 'a', 3)], [at('c', 'a', 2)])).get('c/a'), 3);
  await s.batch([del('c', 'a')]);
  t.equal((await s.batch([put('c', 'a', 4)], [absent('c', 'a')])).get('c/a'), 1, 'a deleted key starts again at 1');
  // A fresh put is version 1 without a read; a refused group member leaves the cache as it was.
  const [ok, refused] = await s.batchGroup(
    [
      { ops: [putFresh('log', '0001', 'x')], pre: [] },
      { ops: [put('c', 'a', 5)], pre: [at('c', 'a', 9)] },
    ],
    () => [],
  );
  t.equal((ok as Map<string, number>).get('log/0001'), 1);
  t.type(refused, ConflictError);
  t.equal((await s.batch([put('c', 'a', 6)], [at('c', 'a', 1)])).get('c/a'), 2, 'the refused change did not count');
  // Bounded: more keys than the cache holds, versions still exact.
  for (let i = 0; i < 10; i++) await s.batch([put('many', String(i), i)]);
  t.ok(s.cachedVersions <= 4, `at most versionCacheMax entries (${s.cachedVersions})`);
  for (let i = 0; i < 10; i++)
    t.equal((await s.batch([put('many', String(i), -i)], [at('many', String(i), 1)])).get(`many/${i}`), 2);
  await s.reopen();
  t.equal(s.cachedVersions, 0, 'emptied on reopen');
  t.equal((await s.batch([put('c', 'a', 7)], [at('c', 'a', 2)])).get('c/a'), 3, 'read again after the reopen');
});

t.test(
  'batches write the bytes a sublevel put writes (readable by a plain sublevel, and the other way round)',
  async (t) => {
    const path = dbPath();
    const s = await open(path);
    await s.batch([put('vms', 'a', { x: 1 })]);
    await s.close();
    const { Level } = await import('level');
    const raw = new Level<string, unknown>(path, { valueEncoding: 'json' });
    const sub = raw.sublevel<string, unknown>('vms', { valueEncoding: 'json' });
    t.same(await sub.get('a'), { v: 1, d: { x: 1 } }, 'a sublevel reads what the store wrote');
    await sub.put('b', { v: 4, d: { y: 2 } });
    await raw.close();
    const again = await open(path);
    t.teardown(() => again.close());
    t.same(await again.get('vms', 'b'), { value: { y: 2 }, version: 4 }, 'the store reads what a sublevel wrote');
    t.equal((await again.batch([put('vms', 'b', { y: 3 })], [at('vms', 'b', 4)])).get('vms/b'), 5);
  },
);

t.test('value cache: reads see every write, never a shared object, bounded, emptied on reopen and close', async (t) => {
  const path = dbPath();
  const s = await LevelStore.open(path, [], { valueCacheChars: 200 });
  // Written: read back from the cache, as LevelDB holds it.
  await s.batch([put('vms', 'a', { state: 'pending' }), put('vms', 'b', { state: 'pending' })]);
  t.equal(s.cachedValues, 2, 'written records are kept for reads');
  const [a1] = await s.getMany<{ state: string }>('vms', ['a']);
  t.same(a1, { value: { state: 'pending' }, version: 1 });
  a1!.value.state = 'mutated by a caller';
  t.same(
    (await s.get('vms', 'a'))?.value,
    { state: 'pending' },
    'a caller changing what it read changes nothing stored',
  );
  // A report read version 1; an operator's change lands first: the report's write is fenced.
  await s.batch([put('vms', 'a', { state: 'pending', desired: 'stopped' })], [at('vms', 'a', 1)]);
  await t.rejects(
    s.batch([put('vms', 'a', { state: 'running' })], [at('vms', 'a', 1)]),
    ConflictError,
    'a change made from the record read before the operator’s is refused',
  );
  t.same(
    await s.get('vms', 'a'),
    { value: { state: 'pending', desired: 'stopped' }, version: 2 },
    'the operator’s change',
  );
  // Refused group members leave nothing in the cache; deletes leave it.
  const [, refused] = await s.batchGroup(
    [
      { ops: [put('vms', 'c', 1)], pre: [] },
      { ops: [put('vms', 'b', 'never')], pre: [at('vms', 'b', 7)] },
    ],
    () => [],
  );
  t.type(refused, ConflictError);
  t.same((await s.get('vms', 'b'))?.value, { state: 'pending' }, 'the refused change is not read back');
  await s.batch([del('vms', 'b')]);
  t.equal(await s.get('vms', 'b'), undefined, 'a deleted record is gone');
  t.same(await s.getMany('vms', ['b', 'c', 'a']).then((r) => r.map((x) => x?.version)), [undefined, 1, 2]);
  // Appends are not kept (rarely read back), but read as written.
  await s.batch([putFresh('log', '1', 'x')]);
  t.same(await s.get('log', '1'), { value: 'x', version: 1 });
  // Bounded: more than it holds; every record still reads right (from LevelDB).
  for (let i = 0; i < 20; i++) await s.batch([put('many', String(i), { i, pad: 'x'.repeat(20) })]);
  t.ok(s.cachedValues < 10, `bounded by characters (${s.cachedValues} kept)`);
  const many = await s.getMany<{ i: number }>('many', [...Array(20).keys()].map(String));
  t.same(
    many.map((r) => r?.value.i),
    [...Array(20).keys()],
    'cached and uncached records read together',
  );
  await s.reopen();
  t.equal(s.cachedValues, 0, 'emptied on reopen');
  t.same((await s.get('vms', 'a'))?.version, 2, 'read from LevelDB after the reopen');
  await s.batch([put('vms', 'a', 3)], [at('vms', 'a', 2)]);
  await s.close();
  t.equal(s.cachedValues, 0, 'emptied on close');
  await t.rejects(s.get('vms', 'a'), /cannot read its store/, 'a closed store does not answer from the cache');
});
