// The monitor mirror's backlog (controller/monitor/sink): a failing sink loses
// nothing and, once it recovers, ends with every item exactly once; the JSON
// Lines sink is idempotent by key on replay; URLs and errors never show a password.
import t from 'tap';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { Backoff } from '../../agent/backoff.js';
import { MONITOR_MIRROR, type ActionRecord, type ApplianceRecord } from '../../controller/model/monitor.js';
import type { MirrorEntry, MirrorItem, MonitorMirror, MonitorSink } from '../../controller/monitor/ports.js';
import { openMonitorMirror } from '../../controller/monitor/sink/mirror.js';
import { mirrorMetrics } from '../../controller/monitor/sink/metrics.js';
import { newRegistry } from '../../common/metrics/registry.js';
import { JsonlSink, readJsonl } from '../../controller/monitor/sink/jsonl.js';
import { parseStoreUrl, redactError, redactUrl } from '../../controller/monitor/sink/url.js';
import { MemoryStore } from '../helpers/memory-store.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

const row = (vmId: string, appState: ApplianceRecord['appState'], at: number) =>
  ({ vmId, tenant: 't', setId: 's', hostId: 'h', appState, updatedUnixMs: at }) as ApplianceRecord;
const action = (id: string, outcome: ActionRecord['outcome']) =>
  ({ id, vmId: 'vm1', tenant: 't', setId: 's', kind: 'restart_app', outcome, createdUnixMs: 1 }) as ActionRecord;

/** A sink that keeps, per key, the highest seq (as the real ones do) and fails while `down`. */
class FakeSink implements MonitorSink {
  readonly name = 'fake';
  down = false;
  writes = 0;
  received = 0;
  opens = 0;
  readonly rows = new Map<string, MirrorEntry>();
  async open() {
    if (this.down) throw new Error('connect ECONNREFUSED');
    this.opens++;
  }
  async write(entries: MirrorEntry[]) {
    if (this.down) throw new Error('connection terminated');
    this.writes++;
    this.received += entries.length;
    for (const e of entries) {
      const k = e.item.kind === 'appliance' ? `a/${e.item.row.vmId}` : `x/${e.item.action.id}`;
      const cur = this.rows.get(k);
      if (!cur || cur.seq < e.seq) this.rows.set(k, e);
    }
  }
  async close() {}
}

async function write(store: MemoryStore, m: MonitorMirror, item: MirrorItem) {
  await store.batch(m.ops(item));
  m.kick();
}

const noJitter = () => new Backoff(100, 1_000, () => 1);

t.test('no store: ops() is empty and nothing is kept', async (t) => {
  const m = await openMonitorMirror({ store: new MemoryStore(), log: silentLogger });
  t.same(m.ops({ kind: 'appliance', row: row('vm1', 'running', 1) }), []);
  t.equal(await m.backlog(), 0);
});

t.test('sink down: backlog kept; back up: every item once, newest state per key, backlog empty', async (t) => {
  const store = new MemoryStore();
  const clock = new FakeClock();
  const sink = new FakeSink();
  sink.down = true;
  const m = await openMonitorMirror({ store, log: silentLogger, clock, sink, batchSize: 3, backoff: noJitter() });
  for (let i = 0; i < 10; i++) await write(store, m, { kind: 'appliance', row: row(`vm${i % 4}`, 'running', i) });
  await write(store, m, { kind: 'action', action: action('A1', 'pending') });
  await write(store, m, { kind: 'action', action: action('A1', 'done') });
  await waitFor(() => m.lastError() !== '', { message: 'the failure seen' });
  t.match(m.lastError(), /ECONNREFUSED/);
  t.equal(await m.backlog(), 12, 'nothing dropped while down');
  clock.advance(5_000);
  t.equal(sink.writes, 0, 'still down');
  sink.down = false;
  clock.advance(1_000);
  await waitFor(async () => (await m.backlog()) === 0, { message: 'backlog shipped' });
  t.equal(m.lastError(), '', 'healthy again');
  t.equal(sink.rows.size, 5, 'four appliances and one action');
  t.equal((sink.rows.get('a/vm1')?.item as { row: ApplianceRecord }).row.updatedUnixMs, 9, 'newest row of vm1');
  t.equal((sink.rows.get('x/A1')?.item as { action: ActionRecord }).action.outcome, 'done', 'finished action');
  t.ok(sink.writes >= 4, 'in batches of at most 3');
  t.equal(sink.received, 12, 'each entry shipped once after recovery');
  await m.close();
});

t.test('reopened over the same store (a controller restart): the backlog ships, numbering goes on', async (t) => {
  const store = new MemoryStore();
  const clock = new FakeClock();
  const sink = new FakeSink();
  sink.down = true;
  const m1 = await openMonitorMirror({ store, log: silentLogger, clock, sink, backoff: noJitter() });
  await write(store, m1, { kind: 'appliance', row: row('vm1', 'faulted', 1) });
  await write(store, m1, { kind: 'appliance', row: row('vm2', 'running', 1) });
  await m1.close();
  sink.down = false;
  const m2 = await openMonitorMirror({ store, log: silentLogger, clock, sink, backoff: noJitter() });
  await waitFor(async () => (await m2.backlog()) === 0, { message: 'old backlog shipped' });
  t.equal(sink.rows.size, 2);
  await write(store, m2, { kind: 'appliance', row: row('vm1', 'running', 2) });
  await waitFor(async () => (await m2.backlog()) === 0);
  await m2.close();
  // A third run starts from the stored high-water mark, so its first entry beats vm1's last.
  const m3 = await openMonitorMirror({ store, log: silentLogger, clock, sink, backoff: noJitter() });
  await write(store, m3, { kind: 'appliance', row: row('vm1', 'stopped', 3) });
  await waitFor(async () => (await m3.backlog()) === 0);
  t.equal((sink.rows.get('a/vm1')?.item as { row: ApplianceRecord }).row.appState, 'stopped', 'not shadowed');
  t.ok(await store.get(MONITOR_MIRROR, 'hwm'));
  await m3.close();
});

t.test('a write right after the sender went idle ships (no lost kick)', async (t) => {
  const store = new MemoryStore();
  const sink = new FakeSink();
  const m = await openMonitorMirror({ store, log: silentLogger, clock: new FakeClock(), sink });
  for (let i = 0; i < 5; i++) {
    await write(store, m, { kind: 'appliance', row: row('vm1', 'running', i) });
    await waitFor(async () => (await m.backlog()) === 0, { message: `write ${i} shipped` });
  }
  t.equal(sink.received, 5);
  await m.close();
});

t.test('the delete after a confirmed write fails: shipped again, rows unchanged (at-least-once)', async (t) => {
  const store = new MemoryStore();
  const clock = new FakeClock();
  const sink = new FakeSink();
  const realBatch = store.batch.bind(store);
  let failDeletes = 1;
  store.batch = async (ops, pre) => {
    if (ops.some((o) => o.type === 'del') && failDeletes-- > 0) throw new Error('disk I/O error');
    return realBatch(ops, pre);
  };
  const m = await openMonitorMirror({ store, log: silentLogger, clock, sink, backoff: noJitter() });
  await write(store, m, { kind: 'appliance', row: row('vm1', 'faulted', 1) });
  await waitFor(() => sink.received === 1, { message: 'first delivery' });
  t.equal(await m.backlog(), 1, 'kept: the delete failed');
  clock.advance(1_000);
  await waitFor(async () => (await m.backlog()) === 0, { message: 'redelivered and deleted' });
  t.equal(sink.received, 2, 'delivered twice');
  t.equal(sink.rows.size, 1, 'one row');
  await m.close();
});

t.test('a sink failing after a partial write: the replay is idempotent', async (t) => {
  const dir = tmpDir();
  const sink = new JsonlSink(dir);
  const entries: MirrorEntry[] = [
    { seq: 1, item: { kind: 'appliance', row: row('vm1', 'running', 1) } },
    { seq: 2, item: { kind: 'action', action: action('A1', 'pending') } },
    { seq: 3, item: { kind: 'appliance', row: row('vm1', 'faulted', 2) } },
  ];
  await sink.write(entries);
  await sink.write(entries); // the mirror replays a batch whose delete did not land
  await sink.write([{ seq: 4, item: { kind: 'action', action: action('A1', 'done') } }]);
  await sink.close();
  const rows = await readJsonl(dir, 'appliances');
  const acts = await readJsonl(dir, 'actions');
  t.equal(rows.size, 1);
  t.equal((rows.get('vm1')?.record as ApplianceRecord).appState, 'faulted');
  t.equal((acts.get('A1')?.record as ActionRecord).outcome, 'done');
});

t.test('gauges: backlog and health read on scrape', async (t) => {
  const store = new MemoryStore();
  const sink = new FakeSink();
  sink.down = true;
  const clock = new FakeClock();
  const m = await openMonitorMirror({ store, log: silentLogger, clock, sink, backoff: noJitter() });
  const registry = newRegistry();
  mirrorMetrics(registry, m);
  await write(store, m, { kind: 'appliance', row: row('vm1', 'faulted', 1) });
  await waitFor(() => m.lastError() !== '');
  const text = await registry.metrics();
  t.match(text, /^nephele_monitor_store_backlog 1$/m);
  t.match(text, /^nephele_monitor_store_healthy 0$/m);
  sink.down = false;
  clock.advance(1_000);
  await waitFor(async () => (await m.backlog()) === 0);
  t.match(await registry.metrics(), /^nephele_monitor_store_healthy 1$/m);
  await m.close();
});

t.test('store URLs: parsed, bad ones refused naming the flag, passwords redacted', async (t) => {
  t.same(parseStoreUrl('postgres://u:p@db/x'), { kind: 'postgres', url: 'postgres://u:p@db/x' });
  t.equal(parseStoreUrl('jsonl:/var/mon').kind, 'jsonl');
  t.throws(() => parseStoreUrl('mysql://u:s3cret@db/x'), /--monitor-store must be postgres:\/\/… or jsonl:<dir>/);
  try {
    parseStoreUrl('mysql://u:s3cret@db/x');
  } catch (e) {
    t.notMatch((e as Error).message, /s3cret/);
  }
  t.equal(redactUrl('postgres://u:s3cret@db/x'), 'postgres://u:***@db/x');
  t.equal(redactUrl('postgres://db/x?user=u&password=s3cret'), 'postgres://db/x?user=u&password=***');
  const url = 'postgres://u:s%20cr3t@db/x';
  t.notMatch(redactError(new Error(`cannot reach ${url} as u with s cr3t`), url), /cr3t/);
});
