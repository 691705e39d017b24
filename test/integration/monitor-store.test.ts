// The external appliance store against a REAL PostgreSQL (issue 14): rows and
// actions mirrored; PostgreSQL stopped while items are written and the mirror
// (the controller) closed and reopened over the same LevelDB meanwhile → after
// PostgreSQL returns every row is there exactly once, with its newest state;
// the URL's password never shows in errors or logs.
import t from 'tap';
import pg from 'pg';
import { pino } from 'pino';
import { Backoff } from '../../agent/backoff.js';
import { LevelStore } from '../../common/store/index.js';
import type { ActionRecord, ApplianceRecord } from '../../controller/model/monitor.js';
import type { MirrorItem, MonitorMirror } from '../../controller/monitor/ports.js';
import { openMonitorMirror } from '../../controller/monitor/sink/mirror.js';
import { PostgresSink } from '../../controller/monitor/sink/postgres.js';
import { postgresOrSkip, startPostgres } from '../helpers/postgres.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

postgresOrSkip('monitor-store');

const PASSWORD = 'hunter2-secret';
const logLines: string[] = [];
const log = pino({ level: 'debug' }, { write: (s: string) => void logLines.push(s) });

const row = (vmId: string, appState: ApplianceRecord['appState'], at: number) =>
  ({ vmId, vmName: vmId, tenant: 't1', setId: 'set1', hostId: 'h1', appState, updatedUnixMs: at }) as ApplianceRecord;
const action = (id: string, vmId: string, outcome: ActionRecord['outcome']) =>
  ({ id, vmId, tenant: 't1', setId: 'set1', kind: 'restart_app', outcome, createdUnixMs: 1000 }) as ActionRecord;

t.test('PostgreSQL down while writing, controller restarted meanwhile: every row exactly once', async (t) => {
  const server = await startPostgres();
  t.teardown(() => server.teardown());
  const url = server.url(PASSWORD);
  const storeDir = tmpDir();
  let store = await LevelStore.open(storeDir);
  const open = () => openMonitorMirror({ store, url, log, backoff: new Backoff(50, 300) });
  let m: MonitorMirror = await open();
  const write = async (item: MirrorItem) => {
    await store.batch(m.ops(item));
    m.kick();
  };

  // Healthy: 20 appliances and 5 actions arrive.
  for (let i = 0; i < 20; i++) await write({ kind: 'appliance', row: row(`vm${i}`, 'running', 1) });
  for (let i = 0; i < 5; i++) await write({ kind: 'action', action: action(`A${i}`, `vm${i}`, 'pending') });
  await waitFor(async () => (await m.backlog()) === 0, { message: 'first items shipped' });
  const query = async (sql: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query(sql)).rows;
    } finally {
      await c.end();
    }
  };
  t.same(await query('SELECT count(*)::int AS n FROM appliances'), [{ n: 20 }]);
  t.same(
    await query('SELECT max(version) AS v FROM schema_version'),
    [{ v: 2 }],
    'schema created and migrated to version 2',
  );

  // Down: changes keep coming; the backlog holds them.
  server.stop();
  for (let i = 0; i < 10; i++) await write({ kind: 'appliance', row: row(`vm${i}`, 'faulted', 2) });
  for (let i = 0; i < 5; i++) await write({ kind: 'action', action: action(`A${i}`, `vm${i}`, 'done') });
  await waitFor(() => m.lastError() !== '', { message: 'the outage seen' });
  t.notMatch(m.lastError(), new RegExp(PASSWORD), 'no password in the error');
  t.equal(await m.backlog(), 15, 'kept durably');

  // The controller restarts while PostgreSQL is still down.
  await m.close();
  await store.close();
  store = await LevelStore.open(storeDir);
  m = await open();
  t.equal(await m.backlog(), 15, 'nothing lost across the restart');
  for (let i = 20; i < 25; i++) await write({ kind: 'appliance', row: row(`vm${i}`, 'stopped', 3) });
  for (let i = 5; i < 8; i++) await write({ kind: 'action', action: action(`A${i}`, `vm${i}`, 'failed') });
  await waitFor(() => m.lastError() !== '', { message: 'still down after the restart' });

  // Back: everything arrives, once.
  server.start();
  await waitFor(async () => (await m.backlog()) === 0, { timeoutMs: 30_000, message: 'backlog replayed' });
  t.equal(m.lastError(), '', 'healthy again');
  const states = await query('SELECT app_state, count(*)::int AS n FROM appliances GROUP BY 1 ORDER BY 1');
  t.same(states, [
    { app_state: 'faulted', n: 10 },
    { app_state: 'running', n: 10 },
    { app_state: 'stopped', n: 5 },
  ]);
  const acts = await query('SELECT outcome, count(*)::int AS n FROM actions GROUP BY 1 ORDER BY 1');
  t.same(acts, [
    { outcome: 'done', n: 5 },
    { outcome: 'failed', n: 3 },
  ]);
  const rowJson = await query(`SELECT "row"->>'appState' AS s FROM appliances WHERE vm_id = 'vm3'`);
  t.same(rowJson, [{ s: 'faulted' }], 'the stored record is the newest');

  // A late replay of an older entry changes nothing (idempotent keys, seq-guarded).
  const sink = new PostgresSink(url, log);
  await sink.open();
  await sink.write([{ seq: 1, item: { kind: 'appliance', row: row('vm3', 'running', 1) } }]);
  await sink.close();
  // Closed for good: a write after close (or one racing it) opens no new pool that nobody would end.
  await t.rejects(sink.write([{ seq: 2, item: { kind: 'appliance', row: row('vm3', 'running', 2) } }]), /closed/);
  const racing = new PostgresSink(url, log);
  const first = racing.open();
  await racing.close();
  await t.rejects(first, /closed/, 'an open racing close fails, no pool left behind');
  t.same(await query(`SELECT "row"->>'appState' AS s FROM appliances WHERE vm_id = 'vm3'`), [{ s: 'faulted' }]);
  t.same(await query('SELECT count(*)::int AS n FROM appliances'), [{ n: 25 }], 'one row per appliance');
  await m.close();
  await store.close();
  t.notMatch(logLines.join(''), new RegExp(PASSWORD), 'no password in any log line');
  t.match(logLines.join(''), /monitor store write failed/, 'the outage was logged');
});
