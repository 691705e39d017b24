// The agent's image cache (agent/images/cache.ts) with a fake fetcher and a fake
// clock: fetched once per sha256 (concurrent asks share one fetch), verified,
// LRU eviction under the size that never touches a base in use, bounded fetches.
import t from 'tap';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { ImageCache, MAX_CONCURRENT_FETCHES, type ImageFetcher } from '../../agent/images/cache.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const blob = (c: string, n = 100) => Buffer.alloc(n, c);

/** Serves blobs by sha256; counts fetches; `gate` holds fetches until released. */
function fakeFetcher(blobs: Buffer[], o: { lie?: boolean; gate?: Promise<void> } = {}) {
  const bySha = new Map(blobs.map((b) => [sha(b), b]));
  const state = { fetches: [] as string[], running: 0, maxRunning: 0 };
  const fetch: ImageFetcher = async (s, dest, maxBytes) => {
    state.fetches.push(s);
    state.running++;
    state.maxRunning = Math.max(state.maxRunning, state.running);
    try {
      await o.gate;
      const b = bySha.get(s);
      if (!b) throw new Error('no such image');
      if (b.length > maxBytes) throw new Error('too large');
      writeFileSync(dest, b);
      return o.lie ? sha(Buffer.from('other')) : sha(b);
    } finally {
      state.running--;
    }
  };
  return { fetch, state };
}

function cache(dir: string, fetch: ImageFetcher, o: { max?: number; inUse?: Set<string>; clock?: FakeClock } = {}) {
  const c = new ImageCache({
    dir,
    maxBytes: o.max ?? 1000,
    fetch,
    inUse: () => o.inUse ?? new Set(),
    log: silentLogger,
    clock: o.clock ?? new FakeClock(),
  });
  c.init();
  return c;
}

t.test('fetched once per sha256; concurrent asks share the fetch', async (t) => {
  const dir = tmpDir();
  const a = blob('a');
  const f = fakeFetcher([a]);
  const c = cache(dir, f.fetch);
  const ref = { sha256: sha(a), sizeBytes: a.length };
  const [p1, p2] = await Promise.all([c.ensure(ref), c.ensure(ref)]);
  t.equal(p1, join(dir, sha(a)));
  t.equal(p2, p1);
  t.equal(await c.ensure(ref), p1, 'cached');
  t.same(f.state.fetches, [sha(a)], 'one fetch');
  t.equal(c.usedBytes(), 100);
  rmSync(p1); // removed by hand: fetched again, not handed out missing
  t.equal(await c.ensure(ref), p1);
  t.ok(existsSync(p1));
  t.equal(f.state.fetches.length, 2);
});

t.test('a fetch whose content does not match its sha256 is refused and not kept', async (t) => {
  const dir = tmpDir();
  const a = blob('a');
  const c = cache(dir, fakeFetcher([a], { lie: true }).fetch);
  await t.rejects(c.ensure({ sha256: sha(a), sizeBytes: 100 }), /does not match its sha256/);
  t.notOk(existsSync(join(dir, sha(a))));
  t.notOk(c.has(sha(a)));
  await t.rejects(c.ensure({ sha256: 'nope', sizeBytes: 1 }), /malformed/);
  await t.rejects(c.ensure({ sha256: sha(blob('z', 2000)), sizeBytes: 2000 }), /larger than the image cache/);
});

t.test('a failed fetch is retried by the next ensure', async (t) => {
  const dir = tmpDir();
  const a = blob('a');
  const f = fakeFetcher([]);
  const c = cache(dir, f.fetch);
  await t.rejects(c.ensure({ sha256: sha(a), sizeBytes: 100 }), /no such image/);
  const g = fakeFetcher([a]);
  const c2 = cache(dir, g.fetch);
  t.ok(await c2.ensure({ sha256: sha(a), sizeBytes: 100 }));
});

t.test('LRU eviction under the size never evicts a base in use', async (t) => {
  const dir = tmpDir();
  const clock = new FakeClock();
  const [a, b, c3, d] = ['a', 'b', 'c', 'd'].map((x) => blob(x));
  const inUse = new Set<string>();
  const c = cache(dir, fakeFetcher([a!, b!, c3!, d!]).fetch, { max: 300, inUse, clock });
  const ref = (x: Buffer) => ({ sha256: sha(x), sizeBytes: x.length });
  for (const x of [a!, b!, c3!]) {
    await c.ensure(ref(x));
    clock.advance(1000);
  }
  await c.ensure(ref(a!)); // a is the most recently used now: b, c, a
  clock.advance(1000);
  inUse.add(sha(b!)); // b is the oldest but a VM uses it
  await c.ensure(ref(d!));
  t.ok(c.has(sha(a!)), 'recently used kept');
  t.ok(c.has(sha(b!)), 'in use kept although least recently used');
  t.notOk(c.has(sha(c3!)), 'least recently used unused base evicted');
  t.notOk(existsSync(join(dir, sha(c3!))), 'its file is gone');
  t.ok(c.has(sha(d!)));
  t.equal(c.usedBytes(), 300);

  // Everything in use: the cache runs over rather than pull a base from under a VM.
  for (const x of [a!, b!, d!]) inUse.add(sha(x));
  await c.ensure(ref(c3!));
  t.equal(c.usedBytes(), 400);
});

t.test('a restarted agent keeps complete bases in their order and drops partial ones', async (t) => {
  const dir = tmpDir();
  const clock = new FakeClock();
  const [a, b] = [blob('a'), blob('b')];
  const c = cache(dir, fakeFetcher([a, b]).fetch, { max: 200, clock });
  await c.ensure({ sha256: sha(a), sizeBytes: 100 });
  clock.advance(5000);
  await c.ensure({ sha256: sha(b), sizeBytes: 100 });
  writeFileSync(join(dir, `${sha(blob('x'))}.part`), 'half');
  mkdirSync(join(dir, 'nephele-guest')); // a shipped image beside the cache: not ours
  writeFileSync(join(dir, 'README'), 'x');
  const again = cache(dir, fakeFetcher([blob('n')]).fetch, { max: 200, clock });
  t.equal(again.usedBytes(), 200);
  t.notOk(
    readdirSync(dir).some((n) => n.endsWith('.part')),
    'partial download removed',
  );
  await again.ensure({ sha256: sha(blob('n')), sizeBytes: 100 });
  t.notOk(again.has(sha(a)), 'the older one (by its file time) went');
  t.ok(again.has(sha(b)));
  t.ok(existsSync(join(dir, 'nephele-guest')) && existsSync(join(dir, 'README')), 'other files untouched');
});

t.test('distinct fetches are bounded', async (t) => {
  const dir = tmpDir();
  const blobs = ['a', 'b', 'c', 'd'].map((x) => blob(x));
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const f = fakeFetcher(blobs, { gate });
  const c = cache(dir, f.fetch);
  const all = Promise.all(blobs.map((b) => c.ensure({ sha256: sha(b), sizeBytes: 100 })));
  await waitFor(() => f.state.running === MAX_CONCURRENT_FETCHES);
  t.equal(f.state.fetches.length, MAX_CONCURRENT_FETCHES, 'the rest wait');
  open();
  await all;
  t.equal(f.state.maxRunning, MAX_CONCURRENT_FETCHES);
  t.equal(f.state.fetches.length, 4);
});

t.test('a fetch cut off by a lost controller (UNAVAILABLE) is tried again; other errors are not', async (t) => {
  const b = blob('r');
  const { fetch } = fakeFetcher([b]);
  let calls = 0;
  const flaky: ImageFetcher = async (s, dest, max) => {
    if (++calls === 1) throw Object.assign(new Error('14 UNAVAILABLE: Connection dropped'), { code: 14 });
    return fetch(s, dest, max);
  };
  const dir = tmpDir();
  t.equal(await cache(dir, flaky).ensure({ sha256: sha(b), sizeBytes: b.length }), join(dir, sha(b)), 'cached');
  t.equal(calls, 2, 'fetched a second time after UNAVAILABLE');
  let other = 0;
  const broken: ImageFetcher = async () => {
    other++;
    throw Object.assign(new Error('not found'), { code: 5 });
  };
  await t.rejects(cache(tmpDir(), broken).ensure({ sha256: sha(b), sizeBytes: b.length }), /not found/);
  t.equal(other, 1, 'NOT_FOUND is not tried again');
});
