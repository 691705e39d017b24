// Usage through the real CLI against a real controller (issue 12, items 2-5):
// records in the controller's store (written with the model's keys while it
// is down, as ingest writes them) are rolled up when it starts, then read with
// `usage query` (filters, group-by, granularity, pages); `usage rates set|show`
// keeps versions; a tenant-admin sees only its tenant; malformed input is
// INVALID_ARGUMENT naming the field; app/user_group on sets and VMs, inherited
// by the set's VMs, with the token's user group as the default.
import t from 'tap';
import { join } from 'node:path';
import { LevelStore, put, type Op } from '../../common/store/index.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, joinToken, listHosts, startController, startToExit, type ControllerProc } from '../helpers/procs.js';
import { fakeAgent } from '../helpers/fake-agent.js';
import { blockPuts } from '../helpers/usage-records.js';
import {
  dirtyKey,
  HOUR_MS,
  hourOf,
  rawKey,
  recordId,
  USAGE_DIRTY,
  USAGE_RAW,
  type UsageRecord,
} from '../../controller/usage/model.js';

const HOUR = hourOf(Date.now()) - 3 * HOUR_MS;

const VMS = [
  {
    vmId: '01JAAAAAAAAAAAAAAAAAAAAAA1',
    tenant: 'acme',
    app: 'shop',
    userGroup: 'ops',
    setId: '01JSSSSSSSSSSSSSSSSSSSSSS1',
  },
  { vmId: '01JAAAAAAAAAAAAAAAAAAAAAA2', tenant: 'acme', app: 'web', userGroup: 'dev', setId: '' },
  { vmId: '01JAAAAAAAAAAAAAAAAAAAAAA3', tenant: 'globex', app: 'shop', userGroup: 'ops', setId: '' },
];
const HOST = '01JHHHHHHHHHHHHHHHHHHHHHH1';
const PROCESS = ['--scheme', 'process', '--memory', '64'];

/** Ten one-minute records per VM in each of two hours; cpu_seconds = 1..10 (+100 for the second hour). */
function records(): UsageRecord[] {
  const out: UsageRecord[] = [];
  for (const vm of VMS)
    for (const h of [0, 1])
      for (let i = 0; i < 10; i++) {
        const startUnixMs = HOUR + h * HOUR_MS + i * 60_000;
        const base = { ...vm, hostId: HOST, startUnixMs };
        out.push({
          ...base,
          vmName: `vm-${vm.vmId.slice(-1)}`,
          scheme: 'process',
          vmClass: '1c-64m',
          sla: 'guaranteed',
          vcpus: 1,
          memoryMib: 64,
          id: recordId(base),
          endUnixMs: startUnixMs + 60_000,
          cpuSeconds: i + 1 + h * 100,
          memoryByteSeconds: 64 * 2 ** 20 * 60,
          diskReadBytes: 1000,
          diskWriteBytes: 2000,
          netRxBytes: 300,
          netTxBytes: 400,
          uptimeSeconds: 60,
          vcpuSeconds: 60,
          memoryMibSeconds: 64 * 60,
          records: 1,
          sources: { cpu: 'cgroup', net: 'none' },
          source: '',
        });
      }
  return out;
}

/**
 * As ingest writes them: records and their hours' dirty marks in one batch. The
 * first and last VM's as ingest stores them now (each hour's ten as one batch,
 * packed in a block: blocks.ts); the second's as before blocks, one entry each.
 */
async function seed(dir: string): Promise<void> {
  const store = await LevelStore.open(join(dir, 'store'));
  const ops: Op[] = [];
  let seq = 0;
  const recs = records();
  for (let i = 0; i < recs.length; i += 10) {
    const batch = recs.slice(i, i + 10);
    ops.push(...batch.map((r) => put(USAGE_DIRTY, dirtyKey(hourOf(r.startUnixMs)), 1)));
    if (batch[0]!.vmId === VMS[1]!.vmId) ops.push(...batch.map((r) => put(USAGE_RAW, rawKey(r), r)));
    else ops.push(...blockPuts(HOST, ++seq, batch));
  }
  await store.batch(ops);
  await store.close();
}

const refusal = (r: { code: number | null; stdout: string; stderr: string }, code: string, field: string) =>
  r.code !== 0 && r.stdout === '' && r.stderr.includes(code) && r.stderr.includes(field);

t.test('usage query, rates and usage dimensions through the CLI', async (t) => {
  const dir = tmpDir();
  let ctl: ControllerProc = await startController(dir);
  const base = () => ['--controller', ctl.address, '--data-dir', dir];
  const run = (...args: string[]) => cli([...base(), ...args]);
  t.equal((await run('tenant', 'create', 'acme')).code, 0);
  t.equal((await run('tenant', 'create', 'globex')).code, 0);
  const tok = await run(
    '-q',
    'token',
    'create',
    '--api',
    '--role',
    'tenant-admin',
    '--tenant',
    'acme',
    '--user-group',
    'ops',
  );
  t.equal(tok.code, 0, tok.stderr);
  const asAcme = (...args: string[]) => cli([...base(), '--token', tok.stdout.trim(), ...args]);
  const ls = await run('token', 'ls');
  t.match(ls.stdout, /USER GROUP/);
  t.match(ls.stdout, /\bops\s*$/m, 'token ls shows the default user group');
  const badTok = await run('token', 'create', '--api', '--role', 'viewer', '--user-group', 'Not Valid');
  t.ok(refusal(badTok, 'INVALID_ARGUMENT', 'user_group'), badTok.stderr);

  // Records written while the controller is down; it rolls them up when it starts (catch-up).
  await ctl.stop();
  await seed(dir);
  ctl = await startController(dir);
  const agent = await fakeAgent(ctl, { joinToken: await joinToken(ctl), name: 'roomy' });
  t.teardown(async () => {
    agent.close();
    await ctl.kill();
  });

  const json = async (...args: string[]) => {
    const r = await run('--json', 'usage', 'query', ...args);
    t.equal(r.code, 0, r.stderr);
    t.equal(r.stderr, '', `usage query ${args.join(' ')}: nothing on stderr`);
    return JSON.parse(r.stdout) as Record<string, unknown>[];
  };
  // Hour rows appear once the startup rollup ran.
  await waitFor(async () => (await json('--granularity', 'hour')).length === 6, { message: 'hours rolled up' });

  const raw = await json('--granularity', 'raw', '--page-size', '7');
  t.equal(raw.length, 60, 'raw: every record, through pages of 7');
  t.equal(new Set(raw.map((r) => r.recordId)).size, 60);
  t.match(raw[0], { tenant: String, app: String, userGroup: String, sources: { cpu: 'cgroup' } });

  const byTenant = await json('--granularity', 'day', '--group-by', 'tenant');
  const cpu = (rows: Record<string, unknown>[], f: (r: Record<string, unknown>) => boolean) =>
    rows.filter(f).reduce((s, r) => s + Number(r.cpuSeconds), 0);
  // Per VM and hour: 55 (1..10), then 1055 (101..110).
  t.equal(
    cpu(byTenant, (r) => r.tenant === 'acme'),
    2 * (55 + 1055),
    'acme: two VMs, both hours',
  );
  t.equal(
    cpu(byTenant, (r) => r.tenant === 'globex'),
    55 + 1055,
  );
  t.ok(
    byTenant.every((r) => r.vmId === '' && r.app === ''),
    'grouped rows carry only the group-by dimensions',
  );

  const shopHours = await json('--granularity', 'hour', '--app', 'shop', '--group-by', 'app,user_group');
  t.same(
    shopHours.map((r) => [r.startUnixMs, r.app, r.userGroup, r.cpuSeconds, r.records]),
    [
      [HOUR, 'shop', 'ops', 110, 20],
      [HOUR + HOUR_MS, 'shop', 'ops', 2110, 20],
    ],
    'app filter, group-by app and user group, per hour',
  );
  const second = await json('--granularity', 'raw', '--from', String(HOUR + HOUR_MS), '--vm', VMS[1]!.vmId);
  t.equal(second.length, 10, 'time range and vm filter');
  t.equal(
    cpu(second, () => true),
    1055,
  );
  // A time range starting inside a block's hour: the block's earlier records are left out.
  const mid = await json('--granularity', 'raw', '--from', String(HOUR + HOUR_MS + 6 * 60_000), '--vm', VMS[0]!.vmId);
  t.same(
    mid.map((r) => Number(r.cpuSeconds)).sort((a, b) => a - b),
    [107, 108, 109, 110],
    'packed: from inside the hour',
  );

  const table = await run('usage', 'query', '--granularity', 'day', '--group-by', 'tenant');
  t.equal(table.code, 0, table.stderr);
  t.match(table.stdout, /^\s*START\s+TENANT\s+CPU-H\s+VCPU-H/m);
  t.match(table.stdout, /\bacme\b/);

  // A tenant-admin sees its own tenant only; naming another is refused.
  const mine = await asAcme('--json', 'usage', 'query', '--granularity', 'raw');
  t.equal(mine.code, 0, mine.stderr);
  const rows = JSON.parse(mine.stdout) as { tenant: string }[];
  t.equal(rows.length, 40);
  t.ok(
    rows.every((r) => r.tenant === 'acme'),
    'only acme rows',
  );
  const other = await asAcme('usage', 'query', '--tenant', 'globex');
  t.ok(refusal(other, 'INVALID_ARGUMENT', 'filter.tenant'), other.stderr);

  // Malformed filters and group-by: INVALID_ARGUMENT naming the field; granularity refused by the CLI.
  for (const [args, field] of [
    [['--group-by', 'color'], 'group_by[0]'],
    [['--app', 'Bad App'], 'filter.app'],
    [['--user-group', '-x'], 'filter.user_group'],
    [['--from', '2026-03-02T00:00:00Z', '--to', '2026-03-01T00:00:00Z'], 'filter.to_unix_ms'],
    [['--page-size', '5000'], 'page_size'],
  ] as const) {
    const r = await run('usage', 'query', ...args);
    t.ok(refusal(r, 'INVALID_ARGUMENT', field), `${args.join(' ')}: ${r.stderr}`);
  }
  const g = await run('usage', 'query', '--granularity', 'week');
  t.ok(g.code !== 0 && g.stderr.includes('--granularity'), g.stderr);
  const a = ctl.admin();
  const wire = await a
    .call((md, o, cb) => a.usage.QueryUsage({ granularity: 9 as never }, md, o, cb as never))
    .then(
      () => null,
      (e: { code?: number; details?: string }) => e,
    );
  a.close();
  t.match(wire, { code: 3, details: /granularity/ }, 'an unknown granularity on the wire: INVALID_ARGUMENT');

  // Rate cards: versions kept and readable.
  const none = await run('usage', 'rates', 'show');
  t.ok(refusal(none, 'NOT_FOUND', 'rate card'), none.stderr);
  const v1 = await run(
    '--json',
    'usage',
    'rates',
    'set',
    '--currency',
    'EUR',
    '--rate',
    'vcpu_hour=0.02,memory_gib_hour=0.005',
    '--rate',
    'class=gold,sla=guaranteed,vcpu_hour=0.05,network_gb=0.01',
  );
  t.equal(v1.code, 0, v1.stderr);
  t.match(JSON.parse(v1.stdout), { version: 1, currency: 'EUR', rates: [{ vcpuHour: 0.02 }, { vmClass: 'gold' }] });
  const v2 = await run('--json', 'usage', 'rates', 'set', '--currency', 'USD', '--rate', 'vcpu_hour=0.03');
  t.match(JSON.parse(v2.stdout), { version: 2, currency: 'USD' });
  const show = await run('usage', 'rates', 'show');
  t.equal(show.code, 0, show.stderr);
  t.match(show.stdout, /^rate card v2, USD/);
  t.match(show.stdout, /^\s*\*\s+\*\s+0\.03\b/m);
  const old = await asAcme('--json', 'usage', 'rates', 'show', '1');
  t.equal(old.code, 0, old.stderr);
  t.match(
    JSON.parse(old.stdout),
    { version: 1, currency: 'EUR' },
    'an old version stays readable (viewers and tenants read)',
  );
  const badCur = await run('usage', 'rates', 'set', '--currency', 'eur');
  t.ok(refusal(badCur, 'INVALID_ARGUMENT', 'card.currency'), badCur.stderr);
  const badPrice = await run('usage', 'rates', 'set', '--currency', 'EUR', '--rate', 'vcpu_hour=-1');
  t.ok(refusal(badPrice, 'INVALID_ARGUMENT', 'card.rates[0].vcpu_hour'), badPrice.stderr);
  const tenantSet = await asAcme('usage', 'rates', 'set', '--currency', 'EUR');
  t.ok(refusal(tenantSet, 'PERMISSION_DENIED', ''), tenantSet.stderr);

  // app/user_group: validated, inherited by the set's VMs; the token's user group is the default.
  await waitFor(async () => (await listHosts(ctl)).some((h) => h.state === 'HOST_STATE_READY' && h.inventory), {
    message: 'host ready',
  });
  const badApp = await asAcme('set', 'create', '--name', 'x', '--count', '1', ...PROCESS, '--app', 'A!');
  t.ok(refusal(badApp, 'INVALID_ARGUMENT', 'set.app'), badApp.stderr);
  const made = await asAcme('--json', 'set', 'create', '--name', 'shop', '--count', '2', ...PROCESS, '--app', 'shop');
  t.equal(made.code, 0, made.stderr);
  const setShow = await asAcme('set', 'show', 'shop');
  t.match(setShow.stdout, /^App:\s+shop$/m);
  t.match(setShow.stdout, /^User group:\s+ops$/m, "the token's user group by default");
  const setVms = (n: number) =>
    waitFor(
      async () => {
        const r = JSON.parse((await asAcme('--json', 'vm', 'ls')).stdout) as { app: string; userGroup: string }[];
        return r.length === n ? r.map((v) => `${v.app}/${v.userGroup}`) : undefined;
      },
      { message: `the set placed ${n} VMs` },
    );
  t.same(await setVms(2), ['shop/ops', 'shop/ops'], 'every VM of the set inherits app and user group');
  const scaled = await asAcme('set', 'scale', 'shop', '3');
  t.equal(scaled.code, 0, scaled.stderr);
  t.same(await setVms(3), ['shop/ops', 'shop/ops', 'shop/ops'], 'a VM the set adds when scaled up inherits them too');
  const one = await run('vm', 'create', '--name', 'solo', ...PROCESS, '--app', 'api', '--user-group', 'dev');
  t.equal(one.code, 0, one.stderr);
  const vmShow = await run('vm', 'show', 'solo');
  t.match(vmShow.stdout, /^App:\s+api$/m);
  t.match(vmShow.stdout, /^User group:\s+dev$/m);
  const badVm = await run('vm', 'create', ...PROCESS, '--user-group', 'UPPER');
  t.ok(refusal(badVm, 'INVALID_ARGUMENT', 'user_group'), badVm.stderr);
});

t.test('the controller refuses a malformed --usage-retention or --usage-rollup-cron, naming the flag', async (t) => {
  for (const [args, flag] of [
    [['--usage-retention', 'raw=7x'], '--usage-retention'],
    [['--usage-retention', 'raw=30d,hour=7d'], '--usage-retention hour'],
    [['--usage-rollup-cron', 'every minute'], '--usage-rollup-cron'],
  ] as const) {
    const r = await startToExit(tmpDir(), [...args]);
    t.not(r.code, 0, `${args.join(' ')}: refused`);
    t.match(r.out, flag, `${args.join(' ')}: names ${flag}`);
    t.notMatch(r.out, /controller ready/);
  }
});
