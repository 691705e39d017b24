import t from 'tap';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { cli, joinToken, listHosts, startController, type ControllerProc } from '../helpers/procs.js';
import { enrolAll } from '../helpers/sim-agent.js';
import { realClock, type Clock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { Outbox } from '../../agent/outbox.js';
import { AgentSession } from '../../agent/session.js';
import { UsageMeter } from '../../agent/usage/meter.js';
import { zeroStats } from '../../agent/drivers/driver.js';
import { InventoryCollector } from '../../agent/inventory/collect.js';
import type { RawSi } from '../../agent/inventory/map.js';
import { fakeAgent } from '../helpers/fake-agent.js';
import { createProcessVm, readUsage, seqsStored } from '../helpers/usage-meter.js';
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

t.test("an agent whose clock is an hour fast: its usage arrives in the controller's time, nothing lost", async (t) => {
  const ctl = await startController(tmpDir(), { env: { NEPHELE_LOG_LEVEL: 'debug' } });
  t.teardown(() => ctl.kill());
  const ca = readFileSync(join(ctl.dataDir, 'ca.pem'));
  const [id] = await enrolAll(ctl.address, ca, [await joinToken(ctl)], { hostname: () => 'fast' });
  const fast: Clock = { ...realClock, now: () => Date.now() + 3_600_000 };
  const store = await LevelStore.open(join(tmpDir(), 'state'));
  const outbox = await Outbox.open(store);
  const raw = JSON.parse(
    readFileSync(new URL('../../../test/fixtures/si/local.json', import.meta.url), 'utf8'),
  ) as RawSi;
  const reserve = { vcpus: 1, memoryBytes: 0, diskBytes: 0 };
  // The real agent session and meter, in-process so that their clock can be wrong.
  const session: AgentSession = new AgentSession({
    controller: ctl.address,
    hostId: id!.hostId,
    credentials: grpc.credentials.createSsl(ca, Buffer.from(id!.keyPem), Buffer.from(id!.certPem)),
    insecure: false,
    outbox,
    collector: new InventoryCollector({
      reserve,
      schemes: ['process'],
      readRaw: async () => raw,
      detect: async () => [],
      guestVcpus: 8,
    }),
    reserve,
    log: silentLogger,
    agentVersion: 'test',
    kind: 'dedicated',
    hostname: 'fast',
    inventoryIntervalMs: 600_000,
    schemes: () => ['process'],
    localClock: fast,
    onDesired: (vms) => {
      for (const v of vms.filter((v) => v.desired === 'running'))
        void session.reportVm({
          vmId: v.vmId,
          state: 'running',
          reason: 'running',
          generation: v.generation,
          hostPort: 0,
          guestReady: true,
          timeUnixMs: fast.now(),
          taskDone: false,
        });
    },
  });
  t.teardown(async () => {
    session.stop();
    await store.close();
  });
  await session.start();
  await waitFor(async () => (await listHosts(ctl)).some((h) => h.state === 'HOST_STATE_READY' && h.inventory), {
    message: 'host ready',
  });
  const vm = await createProcessVm(ctl, id!.hostId, 'on-fast-host');
  t.equal(vm.code, 0, vm.stderr);
  t.ok(Math.abs(session.time.offsetMs() + 3_600_000) < 5_000, `offset learned: ${session.time.offsetMs()} ms`);

  let cpu = 0;
  const meter = new UsageMeter({
    store,
    outbox,
    vms: () => [
      {
        id: vm.id,
        pid: 1,
        generation: 1,
        stats: async () => ({ ...zeroStats(), cpuSeconds: cpu, uptimeSeconds: 30 }),
      },
    ],
    flush: () => session.flushOutbox(),
    intervalMs: 3_600_000,
    log: silentLogger,
    clock: session.time,
    ready: () => session.time.synced(),
  });
  await meter.tick();
  const t0 = Date.now();
  cpu = 4;
  await waitFor(() => Date.now() > t0 + 5, { message: 'time moves on' });
  await meter.tick();
  await waitFor(async () => (await outbox.pendingMessages(0)).length === 0 && seqsStored(ctl).length >= 2, {
    message: 'both batches stored and acked',
  });
  t.equal(refusals(ctl), 0, 'nothing refused');
  await ctl.stop();
  const { raw: recs } = await readUsage(ctl.dataDir);
  const mine = recs.filter((r) => r.vmId === vm.id);
  const now = Date.now();
  t.ok(mine.length >= 2);
  t.ok(
    mine.every((r) => r.endUnixMs <= now && r.endUnixMs > now - 120_000),
    "every interval ends in the controller's recent past, not an hour ahead",
  );
  t.equal(
    mine.reduce((s, r) => s + r.cpuSeconds, 0),
    4,
    'all the CPU seconds',
  );
});

const refusals = (ctl: ControllerProc) =>
  ctl
    .stdout()
    .split('\n')
    .filter((l) => l.includes('"msg":"usage batch refused"')).length;
