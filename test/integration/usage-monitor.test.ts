// The monitor dimension of usage (issue 14), through the real CLI against a
// real controller: an agent's usage carrying appliance polls and probe seconds
// is stored, queried, priced by a rate card with monitoring rates, and
// exported (CSV, FOCUS); a bad counter is refused naming its field.
//
// Before: the counters were dropped at ingest and the rate card had no monitoring rates.
import t from 'tap';
import { parse } from 'csv-parse/sync';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, joinToken, listHosts, startController } from '../helpers/procs.js';
import { fakeAgent } from '../helpers/fake-agent.js';
import { createProcessVm } from '../helpers/usage-meter.js';
import { wireUsage } from '../helpers/usage-records.js';
import type { VmUsage } from '../../common/gen/nephele/v1/VmUsage.js';

t.test('polls and probe seconds: stored, queried, priced and exported', async (t) => {
  const ctl = await startController(tmpDir());
  const a = await fakeAgent(ctl, { joinToken: await joinToken(ctl), name: 'mon' });
  t.teardown(async () => {
    a.close();
    await ctl.kill();
  });
  await waitFor(async () => (await listHosts(ctl)).some((h) => h.state === 'HOST_STATE_READY' && h.inventory), {
    message: 'host ready',
  });
  const vm = await createProcessVm(ctl, a.hostId, 'watched');
  t.equal(vm.code, 0, vm.stderr);
  const end = Date.now();
  const rec = (over: { monitorPolls?: number } = {}): VmUsage =>
    wireUsage({ vmId: vm.id, endUnixMs: end, monitorPolls: 4000, monitorProbeSeconds: 36, ...over });
  const bad = a.nextSeq();
  a.send({ usage: { seq: bad, epoch: 'ab', records: [rec({ monitorPolls: 10_000_000 })], timeUnixMs: end } });
  await waitFor(() => a.acked() >= bad, { message: 'the bad batch answered' });
  const good = a.nextSeq();
  a.send({ usage: { seq: good, epoch: 'ab', records: [rec()], timeUnixMs: end } });
  await waitFor(() => a.acked() >= good, { message: 'the batch stored' });

  const run = (...args: string[]) => cli(['--controller', ctl.address, '--data-dir', ctl.dataDir, ...args]);
  const refused = await run('--json', 'events', 'tail', '--type', 'usage.batch_refused');
  t.equal(refused.code, 0, refused.stderr);
  t.match(refused.stdout, /monitor_polls/, 'the refusal names the field');

  const q = await run('--json', 'usage', 'query', '--granularity', 'raw', '--vm', vm.id);
  t.equal(q.code, 0, q.stderr);
  t.equal(q.stderr, '');
  const rows = JSON.parse(q.stdout) as { monitorPolls: number; monitorProbeSeconds: number }[];
  t.same(
    rows.map((r) => [Number(r.monitorPolls), r.monitorProbeSeconds]),
    [[4000, 36]],
    'one record, its monitor counters',
  );

  const set = await run(
    ...'usage rates set --currency EUR --rate monitor_k_polls=0.5,monitor_probe_hour=10,monitor_action=0.2'.split(' '),
  );
  t.equal(set.code, 0, set.stderr);
  const show = await run('usage', 'rates', 'show');
  t.equal(show.code, 0, show.stderr);
  t.match(show.stdout, /1K POLLS +PROBE-HOUR +ACTION/);
  t.match(show.stdout, /0\.5 +10 +0\.2/);
  const badRate = await run('usage', 'rates', 'set', '--currency', 'EUR', '--rate', 'monitor_action=-1');
  t.not(badRate.code, 0);
  t.match(badRate.stderr, /card\.rates\[0\]\.monitor_action/);
  t.equal(badRate.stdout, '');

  const csv = await run('usage', 'export', '--format', 'csv', '--vm', vm.id);
  t.equal(csv.code, 0, csv.stderr);
  const lines = parse(csv.stdout, { columns: true }) as Record<string, string>[];
  t.equal(lines.length, 1);
  t.same([lines[0]!.monitor_polls, lines[0]!.monitor_probe_seconds], ['4000', '36']);
  t.equal(Number(lines[0]!.cost_monitor), 4 * 0.5 + 0.01 * 10, 'priced: 4 x 1,000 polls and 0.01 probe-hours');
  const focus = await run('usage', 'export', '--format', 'focus', '--vm', vm.id);
  t.equal(focus.code, 0, focus.stderr);
  const comps = (parse(focus.stdout, { columns: true }) as Record<string, string>[]).map((r) => r.x_Component);
  t.same(comps, ['vcpu', 'memory', 'disk-io', 'network', 'monitor-polls', 'monitor-probes']);
});
