import t from 'tap';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, joinToken, listHosts, startController } from '../helpers/procs.js';
import { fakeAgent } from '../helpers/fake-agent.js';
import { createProcessVm, readUsage } from '../helpers/usage-meter.js';
import { LevelStore } from '../../common/store/level.js';
import { USAGE_REFUSED, type RefusedBatch } from '../../controller/usage/refused.js';
import type { VmUsage } from '../../common/gen/nephele/v1/VmUsage.js';

// An agent whose clock runs an hour fast sends usage dated in the controller's
// future. The controller refuses it, but the batch is the agent's only copy
// (the next ack drops it from the outbox): it is kept aside with the reason,
// acked once, and `nephele events tail` shows the refusal.

t.test('future-dated usage: refused visibly, kept aside, acked once; later honest usage still lands', async (t) => {
  const ctl = await startController(tmpDir(), { env: { NEPHELE_LOG_LEVEL: 'debug' } });
  const a = await fakeAgent(ctl, { joinToken: await joinToken(ctl), name: 'fast-clock' });
  t.teardown(async () => {
    a.close();
    await ctl.kill();
  });
  await waitFor(async () => (await listHosts(ctl)).some((h) => h.state === 'HOST_STATE_READY' && h.inventory), {
    message: 'host ready',
  });
  const vm = await createProcessVm(ctl, a.hostId, 'skewed');
  t.equal(vm.code, 0, vm.stderr);
  const ahead = Date.now() + 3_600_000;
  const rec = (end: number): VmUsage => ({
    vmId: vm.id,
    startUnixMs: end - 60_000,
    endUnixMs: end,
    cpuSeconds: 2,
    memoryByteSeconds: 60 * 2 ** 20,
    diskReadBytes: 0,
    diskWriteBytes: 0,
    netRxBytes: 0,
    netTxBytes: 0,
    uptimeSeconds: 60,
    sources: { cpu: 'proc' },
    generation: 1,
  });
  const future = a.nextSeq();
  a.send({ usage: { seq: future, epoch: 'ab', records: [rec(ahead), rec(ahead + 60_000)], timeUnixMs: ahead } });
  await waitFor(() => a.acked() >= future, { message: 'the refused batch is acked (it is kept)' });
  const honest = a.nextSeq();
  a.send({ usage: { seq: honest, epoch: 'ab', records: [rec(Date.now())], timeUnixMs: Date.now() } });
  await waitFor(() => a.acked() >= honest, { message: 'the next batch acked' });

  const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir];
  const ev = await cli([...base, '--json', 'events', 'tail', '--type', 'usage.batch_refused']);
  t.equal(ev.code, 0, ev.stderr);
  t.equal(ev.stderr, '');
  const events = ev.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; hostId: string; attributes: Record<string, string> });
  t.equal(events.length, 1, 'one event for the one refused batch');
  t.match(events[0], {
    type: 'usage.batch_refused',
    hostId: a.hostId,
    attributes: { seq: String(future), records: '2', kept: 'true', reason: /end_unix_ms/ },
  });
  const text = await cli([...base, 'events', 'tail', '--type', 'usage.']);
  t.equal(text.code, 0, text.stderr);
  t.match(text.stdout, /usage\.batch_refused/, 'shown in the table too');

  await ctl.stop();
  const { raw } = await readUsage(ctl.dataDir);
  t.same(
    raw.map((r) => r.vmId),
    [vm.id],
    'the honest record stored',
  );
  const store = await LevelStore.open(join(ctl.dataDir, 'store'));
  const kept: RefusedBatch[] = [];
  try {
    for await (const { value } of store.scan<RefusedBatch>(USAGE_REFUSED)) kept.push(value);
  } finally {
    await store.close();
  }
  t.equal(kept.length, 1, 'the refused batch is kept');
  t.match(kept[0], { hostId: a.hostId, seq: future, epoch: 'ab', agentTimeUnixMs: ahead, reason: /end_unix_ms/ });
  t.same(
    kept[0]!.records!.map((r) => Number(r.endUnixMs)),
    [ahead, ahead + 60_000],
    'with its records as they came, times and all',
  );
});
