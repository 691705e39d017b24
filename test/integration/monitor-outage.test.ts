// The external appliance store through an outage, end to end (issue 14, "Done
// when": PostgreSQL stopped while actions happen → after it restarts every row
// appears exactly once; the controller restarted meanwhile loses nothing): a
// real controller with --monitor-store postgres://…, a real agent and process
// VMs; control actions by hand through the CLI while PostgreSQL is down, the
// controller restarted while it is still down, more actions; PostgreSQL back →
// the action log and the state table as `nephele --json monitor actions|ls`
// print them are in PostgreSQL, each row once, with its final state.
import t from 'tap';
import pg from 'pg';
import type { Appliance__Output as Appliance } from '../../common/gen/nephele/v1/Appliance.js';
import type { ControlAction__Output as Action } from '../../common/gen/nephele/v1/ControlAction.js';
import type { VmSet__Output as VmSet } from '../../common/gen/nephele/v1/VmSet.js';
import { postgresOrSkip, startPostgres } from '../helpers/postgres.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import {
  cli,
  FAST,
  joinToken,
  hostsReady,
  listHosts,
  startAgent,
  startController,
  type ControllerProc,
} from '../helpers/procs.js';

postgresOrSkip('monitor-outage');

t.test('PostgreSQL down while actions happen, controller restarted meanwhile: every row exactly once', async (t) => {
  const server = await startPostgres();
  t.teardown(() => server.teardown());
  const url = server.url();
  const dir = tmpDir();
  const args = [...FAST, '--monitor-store', url];
  let ctl: ControllerProc = await startController(dir, { args });
  const agent = startAgent(ctl.address, tmpDir(), { joinToken: await joinToken(ctl), args: ['--guest-vcpus', '8'] });
  t.teardown(async () => {
    await agent.kill();
    await ctl.kill();
  });
  await hostsReady(ctl);
  const run = (...a: string[]) => cli(['--controller', ctl.address, '--data-dir', dir, ...a]);
  const ok = async (...a: string[]) => {
    const r = await run(...a);
    t.equal(r.code, 0, `${a.join(' ')}: exit 0 ${r.stderr}`);
    return r.stdout;
  };
  const query = async <R>(sql: string): Promise<R[]> => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query(sql)).rows as R[];
    } finally {
      await c.end();
    }
  };

  const made = await ok(...'--json set create --name out --count 3 --scheme process --memory 32M --wait'.split(' '));
  const setId = (JSON.parse(made) as VmSet).id;
  await ok('monitor', 'policy', 'set', 'set:out', '--interval', '1s', '--probe', 'http:/');
  const table = async () => JSON.parse(await ok('--json', 'monitor', 'ls', '--set', setId)) as Appliance[];
  const vms = (
    await waitFor(async () => ((await table()).filter((a) => Number(a.polls) > 0).length === 3 ? table() : undefined), {
      message: 'three appliances polled',
    })
  ).map((a) => a.vmId);
  await waitFor(async () => (await query<{ n: number }>('SELECT count(*)::int AS n FROM appliances'))[0]!.n === 3, {
    message: 'the rows mirrored while PostgreSQL is up',
  });

  const taken: string[] = [];
  const act = async (vm: string, kind: string, ...extra: string[]) => {
    const a = JSON.parse(await ok('--json', 'monitor', 'act', vm, kind, ...extra)) as Action;
    t.equal(a.outcome, 'done', `${kind}: done ${a.detail}`);
    taken.push(a.id);
    return a;
  };
  const versionOf = async (vm: string, v: string) =>
    // Generous: under a loaded CI an update after a controller restart took over 15 s; the point here is exactly-once rows.
    waitFor(async () => (await table()).find((a) => a.vmId === vm && a.applianceVersion === v), {
      timeoutMs: 45_000,
      message: `${vm} at version ${v}`,
    });

  // Down: polls, restarts and an update by hand; the update changes the appliance's row.
  server.stop();
  for (const vm of vms) await act(vm, 'poll');
  await act(vms[0]!, 'restart-app', '--reason', 'outage test');
  await act(vms[1]!, 'update-app', '--app-version', '2.0');
  await versionOf(vms[1]!, '2.0');
  // The controller restarts while PostgreSQL is still down; the agent comes back to it.
  await ctl.stop();
  ctl = await startController(dir, { port: ctl.port, args });
  await waitFor(async () => (await listHosts(ctl)).some((h) => h.state === 'HOST_STATE_READY'), {
    timeoutMs: 30_000,
    message: 'the host back',
  });
  await act(vms[2]!, 'update-app', '--app-version', '3.0');
  await versionOf(vms[2]!, '3.0');
  await act(vms[0]!, 'restart-app');
  for (const vm of vms) await act(vm, 'poll');

  // A VM terminated by hand: the planner replaces it, a new appliance row; the old one is mirrored as removed.
  // (By hand, not by killing its app: a killed app may be restarted in place by the agent or the ladder.)
  await act(vms[2]!, 'terminate');
  const replaced = await waitFor(
    async () => {
      const rows = await table();
      return rows.find((a) => !vms.includes(a.vmId) && Number(a.polls) > 0) && rows;
    },
    { timeoutMs: 30_000, message: 'the replacement polled' },
  );
  t.notOk(
    replaced.some((a) => a.vmId === vms[2]),
    'the failed VM is out of the table',
  );

  // Back: the backlog replays; PostgreSQL holds what the CLI prints, each row once.
  server.start();
  const actions = JSON.parse(await ok('--json', 'monitor', 'actions', '--set', setId, '--limit', '1000')) as Action[];
  for (const id of taken)
    t.ok(
      actions.some((a) => a.id === id),
      `action ${id} in the log`,
    );
  type ActionRow = { id: string; kind: string; outcome: string; vm_id: string };
  const rows = await waitFor(
    async () => {
      const r = await query<ActionRow>('SELECT id, kind, outcome, vm_id FROM actions ORDER BY id');
      return r.length >= actions.length ? r : undefined;
    },
    { timeoutMs: 30_000, message: 'the action log replayed into PostgreSQL' },
  );
  const want = actions
    .map((a) => ({ id: a.id, kind: String(a.kind), outcome: String(a.outcome), vm_id: a.vmId }))
    .sort((a, b) => a.id.localeCompare(b.id));
  t.same(rows, want, 'every action once, with its outcome');
  t.equal(taken.length, 11, 'eleven actions by hand');

  // The state table: one row per appliance, the newest state (the updates taken during the outage).
  type ApplianceRow = { vm_id: string; app_state: string; version: string };
  const LIVE = `SELECT vm_id, app_state, "row"->>'applianceVersion' AS version FROM appliances WHERE removed_at IS NULL ORDER BY vm_id`;
  const ls = await table();
  const expected = ls
    .map((a) => ({ vm_id: a.vmId, app_state: String(a.appState), version: a.applianceVersion }))
    .sort((a, b) => a.vm_id.localeCompare(b.vm_id));
  const got = await waitFor(
    async () => {
      const r = await query<ApplianceRow>(LIVE);
      return JSON.stringify(r) === JSON.stringify(expected) ? r : undefined;
    },
    { timeoutMs: 30_000, message: 'the state table replayed into PostgreSQL' },
  ).catch(async (e: Error) => {
    t.same(await query(LIVE), expected);
    throw e;
  });
  t.same(got, expected, 'each appliance once, as `monitor ls` shows it');
  t.ok(
    got.some((r) => r.version === '2.0'),
    'the update taken before the restart',
  );
  // The failed VM's row: its last state (the update after the restart), marked removed, not a live row.
  t.same(
    await query(`SELECT vm_id, "row"->>'applianceVersion' AS version FROM appliances WHERE removed_at IS NOT NULL`),
    [{ vm_id: vms[2], version: '3.0' }],
    'the replaced VM: its last row, marked removed',
  );
  t.same(await query('SELECT count(*)::int AS n FROM appliances'), [{ n: 4 }], 'one row per appliance ever seen');
});
