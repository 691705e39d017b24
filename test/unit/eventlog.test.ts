// EventLog: atomic ops + events with dense sequence numbers, listing and
// filters, subscriptions, retention, and request_id records.
import t from 'tap';
import { join } from 'node:path';
import {
  EventLog,
  EVENTS,
  EVENTS_BY_CLASS,
  EVENTS_BY_TENANT,
  DEFAULT_RETENTION,
  MAX_SCAN,
  REQUESTS,
  classKey,
  indexEventClasses,
  requestKey,
  type Event,
  type Retention,
} from '../../controller/events/log.js';
import { waitFor } from '../helpers/wait.js';
import { callContext } from '../../controller/context.js';
import {
  LevelStore,
  put,
  at,
  absent,
  type Op,
  type Precondition,
  type Store,
  type ScanOptions,
} from '../../common/store/index.js';
import { ConflictError } from '../../common/errors.js';
import { FakeClock } from '../../common/clock.js';
import { seqKey } from '../../common/ids.js';
import { silentLogger } from '../../common/logger.js';
import { tmpDir } from '../helpers/tmp.js';

const HOUR = 3_600_000;

/** Records every batch the log issues and which keys are durable. */
class SpyStore implements Store {
  batches: { ops: Op[]; pre: Precondition[] }[] = [];
  durable = new Set<string>();
  constructor(readonly inner: Store) {}
  get<T>(c: string, k: string) {
    return this.inner.get<T>(c, k);
  }
  getMany<T>(c: string, k: string[]) {
    return this.inner.getMany<T>(c, k);
  }
  async batch(ops: Op[], pre: Precondition[] = []) {
    this.batches.push({ ops, pre });
    const r = await this.inner.batch(ops, pre);
    for (const o of ops) this.durable.add(`${o.coll}/${o.key}`);
    return r;
  }
  async batchGroup(changes: { ops: Op[]; pre: Precondition[] }[], finalize: (accepted: boolean[]) => Op[]) {
    let extra: Op[] = [];
    const r = await this.inner.batchGroup(changes, (accepted) => (extra = finalize(accepted)));
    const ops = [...changes.filter((_, i) => !(r[i] instanceof Error)).flatMap((c) => c.ops), ...extra];
    this.batches.push({ ops, pre: changes.flatMap((c) => c.pre) });
    for (const o of ops) this.durable.add(`${o.coll}/${o.key}`);
    return r;
  }
  scan<T>(c: string, o?: ScanOptions) {
    return this.inner.scan<T>(c, o);
  }
  last<T>(c: string, o?: ScanOptions) {
    return this.inner.last<T>(c, o);
  }
  close() {
    return this.inner.close();
  }
}

async function setup(
  t: { teardown(fn: () => unknown): void },
  retention?: Retention,
  path = join(tmpDir('nephele-events-'), 'db'),
) {
  const level = await LevelStore.open(path);
  const store = new SpyStore(level);
  const clock = new FakeClock();
  const log = await EventLog.open(store, clock, silentLogger, retention);
  t.teardown(async () => {
    log.stop();
    await level.close().catch(() => {});
  });
  return { store, level, clock, log, path };
}

async function allSeqs(store: Store): Promise<number[]> {
  const out: number[] = [];
  for await (const { value } of store.scan<Event>(EVENTS)) out.push(value.seq);
  return out;
}

const ev = (
  type: string,
  extra: Partial<{ hostId: string; audit: boolean; severity: 'info' | 'warning' | 'error'; actor: string }> = {},
) => ({ type, message: `${type} happened`, ...extra });

t.test('commit writes ops and events in one batch, with dense seqs', async (t) => {
  const { store, log, clock } = await setup(t);
  t.equal(log.lastSeq(), 0);
  const versions = await log.commit({
    ops: [put('hosts', 'h1', { name: 'one' })],
    events: [
      ev('host.created', { hostId: 'h1' }),
      ev('host.ready', { hostId: 'h1', severity: 'warning', actor: 'me' }),
      ev('token.used', { audit: true }),
    ],
  });
  t.equal(store.batches.length, 1, 'exactly one store batch');
  t.same(
    store.batches[0]!.ops.map((o) => `${o.coll}/${o.key}`).sort(),
    [
      'hosts/h1',
      `events/${seqKey(1)}`,
      `events/${seqKey(2)}`,
      `events/${seqKey(3)}`,
      `${EVENTS_BY_CLASS}/${classKey('other', 1)}`,
      `${EVENTS_BY_CLASS}/${classKey('other', 2)}`,
      `${EVENTS_BY_CLASS}/${classKey('audit', 1)}`,
      'meta/event_seq',
    ].sort(),
    'ops, events, their retention index and the counters in that batch',
  );
  t.equal(versions.get('hosts/h1'), 1, 'returns the written versions');
  t.equal(log.lastSeq(), 3);
  t.same((await store.get('hosts', 'h1'))?.value, { name: 'one' });

  const { events, more } = await log.list(0, 100);
  t.equal(more, false);
  t.same(
    events.map((e) => e.seq),
    [1, 2, 3],
  );
  t.match(events[0], {
    seq: 1,
    type: 'host.created',
    hostId: 'h1',
    severity: 'info',
    audit: false,
    actor: '',
    timeUnixMs: clock.now(),
    message: 'host.created happened',
    attributes: {},
  });
  t.match(events[1], { seq: 2, severity: 'warning', actor: 'me' });
  t.match(events[2], { seq: 3, audit: true, hostId: '' });

  await log.append(ev('a'), ev('b'));
  await log.commit({ ops: [put('hosts', 'h2', {})] }); // no events: no seqs used
  await log.append(ev('c'));
  t.same(await allSeqs(store), [1, 2, 3, 4, 5, 6], 'dense across commits');
  t.equal(log.lastSeq(), 6);
});

t.test('a failed commit writes nothing and uses no sequence numbers', async (t) => {
  const { store, log } = await setup(t);
  await log.commit({ ops: [put('hosts', 'h1', { v: 1 })], events: [ev('one')] });
  const seen: number[] = [];
  log.subscribe((e) => seen.push(e.seq));

  const err = await log
    .commit({
      ops: [put('hosts', 'h1', { v: 2 }), put('groups', 'g', {})],
      preconditions: [at('hosts', 'h1', 7)],
      events: [ev('two'), ev('three')],
    })
    .catch((e: unknown) => e);
  t.type(err, ConflictError);
  t.same((await store.get('hosts', 'h1'))?.value, { v: 1 }, 'ops not written');
  t.equal(await store.get('groups', 'g'), undefined);
  t.same(await allSeqs(store), [1], 'events not written');
  t.equal(log.lastSeq(), 1, 'sequence not consumed');
  t.same(seen, [], 'watchers hear nothing');

  await log.commit({
    ops: [put('hosts', 'h1', { v: 3 })],
    preconditions: [at('hosts', 'h1', 1)],
    events: [ev('four')],
  });
  t.same(await allSeqs(store), [1, 2], 'next successful commit gets the next dense seq');
  t.same(seen, [2]);
  t.equal((await log.list(1, 10)).events[0]?.type, 'four');
});

t.test('concurrent commits: dense, unique, ordered seqs', async (t) => {
  const { store, log } = await setup(t);
  const seen: number[] = [];
  log.subscribe((e) => seen.push(e.seq));
  await Promise.allSettled(
    Array.from({ length: 30 }, (_, i) =>
      // Every third commit conflicts.
      log.commit({
        ops: [put('k', `k${i}`, i)],
        preconditions: i % 3 === 0 ? [at('k', 'nope', 5)] : [absent('k', `k${i}`)],
        events: [ev(`e${i}`), ev(`f${i}`)],
      }),
    ),
  );
  const seqs = await allSeqs(store);
  t.same(
    seqs,
    Array.from({ length: 40 }, (_, i) => i + 1),
    '20 successful commits × 2 events = seqs 1..40',
  );
  t.same(seen, seqs, 'watchers got them all, in order');
});

t.test('subscribers hear events only once durable, in order; unsubscribe', async (t) => {
  const { store, log } = await setup(t);
  const seen: Event[] = [];
  const notDurable: number[] = [];
  const unsub = log.subscribe((e) => {
    if (!store.durable.has(`${EVENTS}/${seqKey(e.seq)}`)) notDurable.push(e.seq);
    seen.push(e);
  });
  const p1 = log.append(ev('a'), ev('b'));
  const p2 = log.append(ev('c'));
  t.same(seen, [], 'nothing delivered before the write completes');
  await Promise.all([p1, p2]);
  t.same(
    seen.map((e) => [e.seq, e.type]),
    [
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ],
  );
  t.same(notDurable, [], 'every event was durable when delivered');

  const other: number[] = [];
  log.subscribe((e) => other.push(e.seq));
  unsub();
  await log.append(ev('d'));
  t.equal(seen.length, 3, 'unsubscribed watcher hears nothing more');
  t.same(other, [4], 'other watcher still hears');
});

t.test('list: sinceSeq, limit, filters, more', async (t) => {
  const { log } = await setup(t);
  await log.append(
    ev('host.created', { hostId: 'h1' }), // 1
    ev('host.ready', { hostId: 'h1' }), // 2
    ev('token.created', { audit: true }), // 3
    ev('host.created', { hostId: 'h2' }), // 4
    ev('host.down', { hostId: 'h1' }), // 5
    ev('token.revoked', { audit: true, hostId: 'h2' }), // 6
    ev('group.created'), // 7
  );
  const seqs = async (since: number, limit: number, f?: Parameters<EventLog['list']>[2]) => {
    const r = await log.list(since, limit, f);
    return { seqs: r.events.map((e) => e.seq), more: r.more };
  };
  t.same(await seqs(0, 100), { seqs: [1, 2, 3, 4, 5, 6, 7], more: false });
  t.same(await seqs(0, 3), { seqs: [1, 2, 3], more: true });
  t.same(await seqs(3, 3), { seqs: [4, 5, 6], more: true });
  t.same(await seqs(6, 3), { seqs: [7], more: false });
  t.same(await seqs(4, 3), { seqs: [5, 6, 7], more: false }, 'exactly limit left: more is false');
  t.same(await seqs(7, 3), { seqs: [], more: false });
  t.same(await seqs(100, 3), { seqs: [], more: false });

  t.same(await seqs(0, 100, { typePrefix: 'host.' }), { seqs: [1, 2, 4, 5], more: false });
  t.same(await seqs(0, 2, { typePrefix: 'host.' }), { seqs: [1, 2], more: true });
  t.same(await seqs(2, 2, { typePrefix: 'host.' }), { seqs: [4, 5], more: false }, 'no later match: more is false');
  t.same(await seqs(0, 100, { hostId: 'h1' }), { seqs: [1, 2, 5], more: false });
  t.same(await seqs(0, 100, { auditOnly: true }), { seqs: [3, 6], more: false });
  t.same(await seqs(0, 100, { auditOnly: true, hostId: 'h2' }), { seqs: [6], more: false });
  t.same(await seqs(0, 100, { typePrefix: 'token.', hostId: 'h1' }), { seqs: [], more: false });
  t.same(
    await seqs(0, 100, { typePrefix: '', hostId: '', auditOnly: false }),
    { seqs: [1, 2, 3, 4, 5, 6, 7], more: false },
    'empty filter fields match all',
  );
  t.same(await seqs(0, 100, null), { seqs: [1, 2, 3, 4, 5, 6, 7], more: false });
});

t.test('EventLog.open on an existing store resumes the sequence', async (t) => {
  const path = join(tmpDir('nephele-events-'), 'db');
  {
    const s = await LevelStore.open(path);
    const log = await EventLog.open(s, new FakeClock(), silentLogger);
    for (let i = 0; i < 12; i++) await log.append(ev(`e${i}`)); // crosses 9 → 10 (padded keys)
    await s.close();
  }
  const s = await LevelStore.open(path);
  t.teardown(() => s.close());
  const log = await EventLog.open(s, new FakeClock(), silentLogger);
  t.equal(log.lastSeq(), 12, 'resumes at the last stored seq');
  await log.append(ev('next'));
  t.same(
    await allSeqs(s),
    Array.from({ length: 13 }, (_, i) => i + 1),
  );
});

t.test('EventLog.open on a store that lost its counters never reuses a retention index ordinal', async (t) => {
  const path = join(tmpDir('nephele-events-'), 'db');
  {
    const s = await LevelStore.open(path);
    const log = await EventLog.open(s, new FakeClock(), silentLogger);
    for (let i = 0; i < 5; i++) await log.append(ev(`e${i}`));
    // What an accepted store loss can leave: the index survives, the counters do not.
    await s.batch([{ type: 'del', coll: 'meta', key: 'event_seq' }]);
    await s.close();
  }
  const s = await LevelStore.open(path);
  t.teardown(() => s.close());
  const log = await EventLog.open(s, new FakeClock(), silentLogger);
  await log.append(ev('after'));
  const keys: string[] = [];
  for await (const { key } of s.scan(EVENTS_BY_CLASS, { prefix: 'other/' })) keys.push(key);
  t.equal(keys.length, 6, 'the five old index entries are all still there, beside the new one');
  t.equal(keys.at(-1), classKey('other', 6), 'the new event got the next ordinal');
});
t.test('prune: age, audit age, max count', async (t) => {
  const retention: Retention = {
    maxAgeMs: HOUR,
    auditMaxAgeMs: 10 * HOUR,
    maxCount: 1000,
    auditMaxCount: 1000,
    requestTtlMs: 24 * HOUR,
  };
  const { store, log, clock } = await setup(t, retention);
  await log.append(ev('old'), ev('old-audit', { audit: true })); // 1, 2 at t0
  clock.advance(30 * 60_000);
  await log.append(ev('mid')); // 3 at t0+30m
  clock.advance(31 * 60_000); // t0+61m: 1 is past maxAge, 3 is not
  await log.append(ev('new')); // 4

  t.equal(await log.prune(), 1, 'one deleted');
  t.same(await allSeqs(store), [2, 3, 4], 'old non-audit event deleted, audit kept');
  t.equal(await log.prune(), 0, 'idempotent');

  clock.advance(HOUR + 60_000); // t0+2h02: 3 and 4 are both past maxAgeMs
  t.equal(await log.prune(), 2);
  t.same(await allSeqs(store), [2], 'audit event outlives maxAgeMs');

  clock.advance(8 * HOUR); // t0+10h02: audit past auditMaxAgeMs
  t.equal(await log.prune(), 1);
  t.same(await allSeqs(store), [], 'audit event deleted after auditMaxAgeMs');
  t.equal(log.lastSeq(), 4, 'pruning does not rewind the sequence');
  await log.append(ev('after'));
  t.same(await allSeqs(store), [5]);
});

t.test('prune: audit event exactly at the age limit is kept', async (t) => {
  const { store, log, clock } = await setup(t, {
    maxAgeMs: HOUR,
    auditMaxAgeMs: 2 * HOUR,
    maxCount: 1000,
    auditMaxCount: 1000,
    requestTtlMs: HOUR,
  });
  await log.append(ev('a'), ev('b', { audit: true }));
  clock.advance(HOUR);
  await log.prune();
  t.same(await allSeqs(store), [1, 2], 'age == maxAgeMs is not older than maxAgeMs');
  clock.advance(1);
  await log.prune();
  t.same(await allSeqs(store), [2]);
});

t.test('prune: maxCount', async (t) => {
  const { store, log, clock } = await setup(t, {
    maxAgeMs: HOUR,
    auditMaxAgeMs: 10 * HOUR,
    maxCount: 3,
    auditMaxCount: 1000,
    requestTtlMs: HOUR,
  });
  for (let i = 1; i <= 8; i++) {
    await log.append(ev(`e${i}`, { audit: i === 2 }));
    clock.advance(1000);
  }
  const n = await log.prune();
  t.equal(n, 4, 'non-audit events beyond the newest 3 seqs deleted');
  t.same(await allSeqs(store), [2, 6, 7, 8], 'newest maxCount kept; audit events are not counted out');
  await log.append(ev('e9'));
  await log.prune();
  t.same(await allSeqs(store), [2, 7, 8, 9]);
});

t.test('prune: driven by startRetention on the clock; deletes old request records', async (t) => {
  const { store, log, clock } = await setup(t, {
    maxAgeMs: HOUR,
    auditMaxAgeMs: 10 * HOUR,
    maxCount: 1000,
    auditMaxCount: 1000,
    requestTtlMs: 2 * HOUR,
  });
  await callContext.run({ rpc: 'CreateThing', actor: 'a', peer: 'p', requestId: 'r1' }, () =>
    log.commit({ ref: 'x', events: [ev('made')] }),
  );
  t.ok(await store.get(REQUESTS, requestKey('a', 'CreateThing', 'r1')));
  log.startRetention(10 * 60_000);
  clock.advance(HOUR + 10 * 60_000);
  // The timer's prune is async: give it a moment.
  for (let i = 0; i < 50 && (await allSeqs(store)).length; i++) await new Promise((r) => setTimeout(r, 10));
  t.same(await allSeqs(store), [], 'event pruned by the timer');
  t.ok(await store.get(REQUESTS, requestKey('a', 'CreateThing', 'r1')), 'request record kept within its ttl');
  clock.advance(HOUR);
  for (let i = 0; i < 50 && (await store.get(REQUESTS, requestKey('a', 'CreateThing', 'r1'))); i++)
    await new Promise((r) => setTimeout(r, 10));
  t.equal(
    await store.get(REQUESTS, requestKey('a', 'CreateThing', 'r1')),
    undefined,
    'request record pruned after requestTtlMs',
  );
  log.stop();
});

t.test(
  'sequence numbers are never reused, even after retention deletes every event and the log is reopened',
  async (t) => {
    const path = join(tmpDir('nephele-events-'), 'db');
    const clock = new FakeClock();
    const retention: Retention = {
      maxAgeMs: HOUR,
      auditMaxAgeMs: HOUR,
      maxCount: 1000,
      auditMaxCount: 1000,
      requestTtlMs: HOUR,
    };
    {
      const s = await LevelStore.open(path);
      const log = await EventLog.open(s, clock, silentLogger, retention);
      await log.append(ev('a'), ev('b'), ev('c'));
      clock.advance(2 * HOUR);
      await log.prune();
      t.same(await allSeqs(s), [], 'all events aged out');
      await s.close();
    }
    const s = await LevelStore.open(path);
    t.teardown(() => s.close());
    const log = await EventLog.open(s, clock, silentLogger, retention);
    // A watcher that saw seq 3 before the restart resumes with sinceSeq=3: a new
    // event numbered 1 would be invisible to it.
    t.equal(log.lastSeq(), 3, 'lastSeq after reopen is still 3');
    await log.append(ev('d'));
    t.same(
      (await log.list(3, 10)).events.map((e) => e.type),
      ['d'],
      'the next event is visible to a watcher resuming after seq 3',
    );
  },
);

t.test('ref + request_id: recorded once, a replay conflicts; actor from the call', async (t) => {
  const { store, log, clock } = await setup(t);
  const ctx = { rpc: 'X', actor: 'a', peer: 'p', requestId: 'r1' };
  await callContext.run({ ...ctx }, () =>
    log.commit({ ref: 'thing-1', ops: [put('things', 't1', { n: 1 })], events: [ev('thing.created')] }),
  );
  const rec = await store.get<{ ref: string; atUnixMs: number }>(REQUESTS, requestKey('a', 'X', 'r1'));
  t.same(rec?.value, { ref: 'thing-1', atUnixMs: clock.now(), bodyHash: '' }, 'requests record a/X/r1 written');
  t.equal(requestKey('a', 'X', 'r1'), 'a/X/r1', 'keyed by principal, RPC and request id');
  t.equal((await log.list(0, 10)).events[0]?.actor, 'a', 'actor defaults to the caller');
  t.equal(store.batches.length, 1, 'request record went in the same batch');

  // Another call (a replay that was not answered from the record) with the same id.
  const err = await callContext
    .run({ ...ctx }, () =>
      log.commit({ ref: 'thing-2', ops: [put('things', 't2', { n: 2 })], events: [ev('thing.created')] }),
    )
    .catch((e: unknown) => e);
  t.type(err, ConflictError, 'same request id again → ConflictError');
  t.equal(await store.get('things', 't2'), undefined, "the replay's ops are not written");
  t.equal(log.lastSeq(), 1, 'and it used no seq');
  t.same(
    (await store.get(REQUESTS, 'a/X/r1'))?.value,
    { ref: 'thing-1', atUnixMs: clock.now(), bodyHash: '' },
    'original record untouched',
  );

  // Same request id under another RPC or another principal, or no request id, or no ref: no conflict.
  await callContext.run({ ...ctx, rpc: 'Y' }, () => log.commit({ ref: 'y', events: [ev('y')] }));
  t.ok(await store.get(REQUESTS, 'a/Y/r1'));
  await callContext.run({ ...ctx, actor: 'b' }, () => log.commit({ ref: 'b', events: [ev('b')] }));
  t.ok(await store.get(REQUESTS, 'b/X/r1'));
  await callContext.run({ ...ctx, requestId: undefined }, () => log.commit({ ref: 'z', events: [ev('z')] }));
  await callContext.run(ctx, () => log.commit({ events: [ev('no-ref')] }));
  await log.commit({ ref: 'outside', events: [ev('outside')] });
  const reqKeys: string[] = [];
  for await (const e of store.scan(REQUESTS)) reqKeys.push(e.key);
  t.same(reqKeys, ['a/X/r1', 'a/Y/r1', 'b/X/r1'], 'only ref + request id makes a record');
  t.equal(log.lastSeq(), 6);
});

t.test(
  'ref + request_id: work that inherited the call (a timer armed in it) commits without re-recording it',
  async (t) => {
    const { store, log } = await setup(t);
    const ctx = { rpc: 'VmService.CreateVmSet', actor: 'tok', peer: 'p', requestId: 'r1', requestHash: 'h' };
    // A plain timer armed inside the call keeps its async context, as a set's start timer did.
    const later = await callContext.run(ctx, async () => {
      await log.commit({ ref: 'set-1', events: [ev('set.created')] });
      return new Promise<unknown>((resolve) =>
        setTimeout(() => void log.commit({ ref: 'set-1', events: [ev('set.started')] }).then(resolve, resolve), 1),
      );
    });
    t.notOk(later instanceof Error, `the later commit succeeds (${String(later)})`);
    t.same(
      (await log.list(0, 10)).events.map((e) => e.type),
      ['set.created', 'set.started'],
      'both changes written',
    );
    t.same(
      (await store.get(REQUESTS, requestKey('tok', 'VmService.CreateVmSet', 'r1')))?.value,
      { ref: 'set-1', atUnixMs: (await log.list(0, 1)).events[0]!.timeUnixMs, bodyHash: 'h' },
      'the request record is the first change, written once',
    );
  },
);

t.test('ref: concurrent commits with the same request id: exactly one succeeds', async (t) => {
  const { store, log } = await setup(t);
  const ctx = { rpc: 'X', actor: 'a', peer: 'p', requestId: 'same' };
  const rs = await Promise.allSettled(
    Array.from({ length: 10 }, (_, i) =>
      callContext.run({ ...ctx }, () =>
        log.commit({ ref: `r${i}`, ops: [put('things', `t${i}`, i)], events: [ev('e')] }),
      ),
    ),
  );
  t.equal(rs.filter((r) => r.status === 'fulfilled').length, 1);
  let n = 0;
  for await (const _ of store.scan('things')) n++;
  t.equal(n, 1);
  t.same(await allSeqs(store), [1]);
});

t.test('concurrent commits are group-committed with the same outcome as one by one', async (t) => {
  const { store, log } = await setup(t);
  const v1 = (await log.commit({ ops: [put('hosts', 'h', { n: 0 })] })).get('hosts/h')!;
  const before = store.batches.length;
  // 20 writers race for the same record at the same version: exactly one may win.
  const racers = Array.from({ length: 20 }, (_, i) =>
    log
      .commit({
        ops: [put('hosts', 'h', { n: i + 1 })],
        preconditions: [at('hosts', 'h', v1)],
        events: [ev(`race.${i}`)],
      })
      .then(
        (v) => ({ ok: true as const, v }),
        (e: unknown) => ({ ok: false as const, code: (e as { code?: string }).code }),
      ),
  );
  // ... and 20 independent writers, each with its own record.
  const independents = Array.from({ length: 20 }, (_, i) =>
    log.commit({
      ops: [put('hosts', `x${i}`, { i })],
      preconditions: [absent('hosts', `x${i}`)],
      events: [ev(`ind.${i}`)],
    }),
  );
  const results = await Promise.all(racers);
  const versions = await Promise.all(independents);
  const winners = results.filter((r) => r.ok);
  t.equal(winners.length, 1, 'exactly one racer wins');
  t.ok(
    results.filter((r) => !r.ok).every((r) => !r.ok && r.code === 'ABORTED'),
    'the others fail with ABORTED',
  );
  t.equal((winners[0] as { v: Map<string, number> }).v.get('hosts/h'), v1 + 1, 'the winner sees its own version');
  t.ok(
    versions.every((v, i) => v.get(`hosts/x${i}`) === 1),
    'every independent write landed, at version 1',
  );
  t.ok(
    store.batches.length - before < 41,
    `written in ${store.batches.length - before} batches for 40 commits (grouped)`,
  );
  const seqs = await allSeqs(store);
  t.same(
    seqs,
    Array.from({ length: seqs.length }, (_, i) => i + 1),
    'event sequence stays dense (no gaps for the losers)',
  );
  t.equal(seqs.length, 21, 'one event per successful commit');
  t.equal(log.lastSeq(), 21);
  const stored = await store.get<{ n: number }>('hosts', 'h');
  t.equal(stored!.version, v1 + 1, 'the record was written once');
});

t.test('group commit inside the store (LevelStore.batchGroup): same outcomes', async (t) => {
  const level = await LevelStore.open(join(tmpDir('nephele-events-'), 'db'));
  const log = await EventLog.open(level, new FakeClock(), silentLogger);
  t.teardown(async () => {
    log.stop();
    await level.close();
  });
  const v1 = (await log.commit({ ops: [put('hosts', 'h', { n: 0 })] })).get('hosts/h')!;
  const racers = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      log
        .commit({
          ops: [put('hosts', 'h', { n: i + 1 })],
          preconditions: [at('hosts', 'h', v1)],
          events: [ev(`race.${i}`)],
        })
        .then(
          () => 'ok',
          (e: unknown) => (e as { code?: string }).code,
        ),
    ).concat(
      Array.from({ length: 20 }, (_, i) =>
        log
          .commit({
            ops: [put('hosts', `x${i}`, { i })],
            preconditions: [absent('hosts', `x${i}`)],
            events: [ev(`ind.${i}`)],
          })
          .then((v) => (v.get(`hosts/x${i}`) === 1 ? 'ok' : 'bad-version')),
      ),
    ),
  );
  t.equal(racers.slice(0, 20).filter((r) => r === 'ok').length, 1, 'one racer wins');
  t.ok(
    racers
      .slice(0, 20)
      .filter((r) => r !== 'ok')
      .every((r) => r === 'ABORTED'),
    'the others are ABORTED',
  );
  t.ok(
    racers.slice(20).every((r) => r === 'ok'),
    'independent writes land at version 1',
  );
  const seqs = await allSeqs(level);
  t.same(
    seqs,
    Array.from({ length: 21 }, (_, i) => i + 1),
    'dense event sequence, one event per success',
  );
  t.equal((await level.get<{ seq: number }>('meta', 'event_seq'))!.value.seq, 21, 'the sequence is kept in meta');
  t.equal((await level.get('hosts', 'h'))!.version, v1 + 1, 'the contested record was written once');
});

t.test('list reads at most MAX_SCAN entries per page, matching or not, and says where to go on', async (t) => {
  const { log } = await setup(t);
  for (let i = 0; i < MAX_SCAN + 500; i += 500) await log.append(...Array.from({ length: 500 }, () => ev('noise')));
  await log.append(ev('wanted.one'));
  const first = await log.list(0, 10, { typePrefix: 'wanted.' });
  t.same(first, { events: [], more: true, next: MAX_SCAN }, 'an empty page that goes on after the last entry read');
  const second = await log.list(first.next, 10, { typePrefix: 'wanted.' });
  t.same(
    second.events.map((e) => e.type),
    ['wanted.one'],
  );
  t.equal(second.more, false);
  const upTo = await log.list(0, 1000, null, 5);
  t.same(
    upTo.events.map((e) => e.seq),
    [1, 2, 3, 4, 5],
    'upTo bounds the range',
  );
});

t.test(
  'prune: audit events have their own cap; --event-max bounds the others; tenant index entries go too',
  async (t) => {
    const { store, log } = await setup(t, {
      maxAgeMs: HOUR,
      auditMaxAgeMs: 10 * HOUR,
      maxCount: 3,
      auditMaxCount: 2,
      requestTtlMs: HOUR,
    });
    for (let i = 1; i <= 10; i++) await log.append({ ...ev(`e${i}`, { audit: i % 2 === 0 }), tenant: 'acme' });
    await log.prune();
    t.same(await allSeqs(store), [5, 7, 8, 9, 10], 'the newest 3 non-audit (5, 7, 9) and the newest 2 audit (8, 10)');
    const tenantKeys: string[] = [];
    for await (const { key } of store.scan(EVENTS_BY_TENANT)) tenantKeys.push(key);
    t.same(
      tenantKeys,
      [5, 7, 8, 9, 10].map((n) => `acme/${seqKey(n)}`),
      'the tenant index follows',
    );
    const classKeys: string[] = [];
    for await (const { key } of store.scan(EVENTS_BY_CLASS)) classKeys.push(key);
    t.same(
      classKeys,
      [classKey('audit', 4), classKey('audit', 5), classKey('other', 3), classKey('other', 4), classKey('other', 5)],
      'and the retention index',
    );
    t.same(
      (await log.list(0, 100, { tenant: 'acme' })).events.map((e) => e.seq),
      [5, 7, 8, 9, 10],
      'tenant listing still consistent',
    );
  },
);

t.test(
  'retention keeps up with more than 1,000 events/s (real LevelDB): the stored count stays bounded while writing',
  async (t) => {
    const N = 2000;
    const { level, log, clock } = await setup(t, { ...DEFAULT_RETENTION, maxCount: N, auditMaxCount: N });
    // The tick is on the fake clock and never fires here: only the count trigger runs retention.
    log.startRetention(10 * 60_000);
    const count = async () => {
      let n = 0;
      for await (const _ of level.scan(EVENTS)) n++;
      return n;
    };
    let written = 0;
    let writing = true;
    const t0 = performance.now();
    const writers = Array.from({ length: 4 }, async (_, w) => {
      while (performance.now() - t0 < 5000) {
        await log.append(...Array.from({ length: 10 }, (__, i) => ev(`w${w}`, { audit: i % 3 === 0 })));
        written += 10;
      }
    });
    let max = 0;
    const sampler = (async () => {
      while (writing) {
        max = Math.max(max, await count());
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await Promise.all(writers);
    writing = false;
    await sampler;
    const seconds = (performance.now() - t0) / 1000;
    const rate = written / seconds;
    t.ok(rate > 1000, `writing at ${Math.round(rate)} events/s for ${seconds.toFixed(1)} s (${written} events)`);
    t.ok(
      max <= 2 * 2 * N,
      `stored events stayed within ${2 * 2 * N} while writing (max seen ${max}; caps ${N} audit + ${N} other)`,
    );
    // Between runs the count may pass a cap by what one trigger lets through; the next tick trims that.
    clock.advance(10 * 60_000);
    const settled = await waitFor(
      async () => {
        const n = await count();
        return n <= 2 * N ? n : undefined;
      },
      { message: 'retention caught up' },
    );
    t.ok(settled <= 2 * N, `and within the caps after the next tick (${settled})`);
    log.stop();
  },
);

t.test('migration: events written before the retention index are indexed, then pruned like the rest', async (t) => {
  const path = join(tmpDir('nephele-events-'), 'db');
  const level = await LevelStore.open(path);
  t.teardown(() => level.close());
  const clock = new FakeClock();
  // The old layout: events and their tenant index, the counter in meta, no retention index.
  const old = (seq: number, audit: boolean): Event => ({
    seq,
    timeUnixMs: clock.now(),
    type: 'old',
    severity: 'info',
    message: 'm',
    hostId: '',
    actor: '',
    audit,
    attributes: {},
    tenant: seq % 2 ? 'acme' : '',
  });
  await level.batch([
    ...[1, 2, 3, 4, 5].flatMap((n) => [
      put(EVENTS, seqKey(n), old(n, n === 3)),
      ...(n % 2 ? [put(EVENTS_BY_TENANT, `acme/${seqKey(n)}`, 1)] : []),
    ]),
    put('meta', 'event_seq', { seq: 5 }),
  ]);
  await indexEventClasses(level);
  await indexEventClasses(level); // idempotent
  const log = await EventLog.open(level, clock, silentLogger, {
    maxAgeMs: HOUR,
    auditMaxAgeMs: 10 * HOUR,
    maxCount: 2,
    auditMaxCount: 1,
    requestTtlMs: HOUR,
  });
  await log.append(ev('new'), ev('new-audit', { audit: true }));
  await log.prune();
  t.same(
    await allSeqs(level),
    [5, 6, 7],
    'old and new events share the caps: the newest 2 others (5, 6) and the newest audit (7)',
  );
  const tenantKeys: string[] = [];
  for await (const { key } of level.scan(EVENTS_BY_TENANT)) tenantKeys.push(key);
  t.same(tenantKeys, [`acme/${seqKey(5)}`], 'their tenant index entries went with them');
});
