import t from 'tap';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { joinToken, listHosts, startController } from '../helpers/procs.js';
import { fakeAgent } from '../helpers/fake-agent.js';
import { createProcessVm, readUsage, seqsStored } from '../helpers/usage-meter.js';
import { ulid } from '../../common/ids.js';
import type { VmUsage } from '../../common/gen/nephele/v1/VmUsage.js';

// Agent input is hostile: usage batches that lie (NaN, negative, huge, too many
// records, VMs of another host) are refused or dropped without storing
// anything of them, and the session goes on.

t.test('hostile usage batches are refused, foreign VMs dropped, the session survives', async (t) => {
  const ctl = await startController(tmpDir(), { env: { NEPHELE_LOG_LEVEL: 'debug' } });
  const token = await joinToken(ctl);
  const a = await fakeAgent(ctl, { joinToken: token, name: 'liar' });
  const b = await fakeAgent(ctl, { joinToken: await joinToken(ctl), name: 'other' });
  t.teardown(async () => {
    a.close();
    b.close();
    await ctl.kill();
  });
  await waitFor(
    async () => (await listHosts(ctl)).filter((h) => h.state === 'HOST_STATE_READY' && h.inventory).length === 2,
    {
      message: 'hosts ready',
    },
  );
  const create = async (host: string, name: string) => {
    const r = await createProcessVm(ctl, host, name);
    t.equal(r.code, 0, r.stderr);
    return r.id;
  };
  const mine = await create(a.hostId, 'mine');
  const theirs = await create(b.hostId, 'theirs');

  const now = Date.now();
  const rec = (o: Partial<VmUsage> = {}): VmUsage => ({
    vmId: mine,
    startUnixMs: now - 60_000,
    endUnixMs: now,
    cpuSeconds: 1,
    memoryByteSeconds: 60 * 2 ** 20,
    diskReadBytes: 1,
    diskWriteBytes: 2,
    netRxBytes: 0,
    netTxBytes: 0,
    uptimeSeconds: 60,
    sources: { cpu: 'proc' },
    generation: 1,
    ...o,
  });
  const batch = (records: VmUsage[]) => {
    const seq = a.nextSeq();
    a.send({ usage: { seq, epoch: 'ab', records, timeUnixMs: now } });
    return seq;
  };
  const hostile: [string, VmUsage[]][] = [
    ['NaN cpu', [rec({ cpuSeconds: NaN })]],
    ['negative memory', [rec({ memoryByteSeconds: -1 })]],
    ['infinite cpu', [rec({ cpuSeconds: Infinity })]],
    ['more CPU than any host has', [rec({ cpuSeconds: 1e12 })]],
    ['uptime past the interval', [rec({ uptimeSeconds: 3600 })]],
    ['an interval in the future', [rec({ startUnixMs: now + 3_600_000, endUnixMs: now + 3_660_000 })]],
    ['an interval that ends before it starts', [rec({ startUnixMs: now, endUnixMs: now - 1 })]],
    ['not a VM id', [rec({ vmId: '../../etc' })]],
    ['a hostile source', [rec({ sources: { cpu: 'x'.repeat(500) } })]],
    ['1,001 records', Array.from({ length: 1001 }, (_, i) => rec({ startUnixMs: now - 120_000 + i, endUnixMs: now }))],
  ];
  for (const [, records] of hostile) batch(records);
  const refused = () =>
    ctl
      .stdout()
      .split('\n')
      .filter((l) => l.includes('"msg":"usage batch refused"'));
  await waitFor(() => refused().length === hostile.length, { message: 'every hostile batch refused' });
  t.match(refused()[0], /usage\.records\[0\]\.cpu_seconds/, 'the refusal names the field');
  t.match(refused().at(-1), /usage\.records/, 'too many records: named');

  // A VM of another host, and one that does not exist: dropped, the rest of the batch stored.
  const good = batch([rec(), rec({ vmId: theirs }), rec({ vmId: ulid() })]);
  await waitFor(() => a.acked() >= good, { message: 'the honest batch acked on the same session' });
  t.same(seqsStored(ctl), [good], 'only the honest batch stored');
  t.match(ctl.stdout(), /"dropped":2,"msg":"usage of vms the host does not run dropped"/, 'foreign records counted');

  // The same interval again under a new seq (and one overlapping it): acked, not stored, not billed twice.
  const overlapLogged = (p: typeof ctl) =>
    /"dropped":2,"msg":"usage overlapping what the host reported before dropped"/.test(p.stdout());
  const replay = batch([rec(), rec({ startUnixMs: now - 30_000, endUnixMs: now, uptimeSeconds: 30 })]);
  await waitFor(() => a.acked() >= replay && overlapLogged(ctl), { message: 'the replay acked, its overlap logged' });
  t.same(seqsStored(ctl), [good], 'the replay stored nothing');
  // The next interval of the VM is stored as usual.
  const next = batch([rec({ startUnixMs: now, endUnixMs: now + 60_000 })]);
  await waitFor(() => a.acked() >= next, { message: 'the next interval acked' });
  t.same(seqsStored(ctl), [good, next], 'the contiguous interval stored');

  // Durable: after a controller restart the same replay is still dropped.
  const dataDir = ctl.dataDir;
  await ctl.stop();
  const ctl2 = await startController(dataDir, { port: ctl.port, env: { NEPHELE_LOG_LEVEL: 'debug' } });
  t.teardown(() => ctl2.kill());
  t.equal(await a.reconnect(ctl2.address), 'open', 'the host back on the restarted controller');
  const again = a.nextSeq();
  a.send({
    usage: {
      seq: again,
      epoch: 'ab',
      records: [rec(), rec({ startUnixMs: now, endUnixMs: now + 60_000 })],
      timeUnixMs: now,
    },
  });
  await waitFor(() => a.acked() >= again && overlapLogged(ctl2), {
    message: 'the replay after the restart acked, its overlap logged',
  });
  t.same(seqsStored(ctl2), [], 'nothing of it stored');
  await ctl2.stop();

  const { raw } = await readUsage(dataDir);
  t.same(
    raw.map((r) => [r.vmId, r.hostId, r.vmName, r.startUnixMs]),
    [
      [mine, a.hostId, 'mine', now - 60_000],
      [mine, a.hostId, 'mine', now],
    ],
    "each interval stored once: the reporting host's own VM, named by the controller",
  );
});
