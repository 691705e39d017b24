import t from 'tap';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { FAST, hostIdOf, joinToken, listHosts, startAgent, startController } from '../helpers/procs.js';
import { killWith } from '../helpers/vms.js';
import { fakeAgent } from '../helpers/fake-agent.js';
import { setApi } from '../helpers/sets.js';

// What a host refuses is re-placed elsewhere, up to --max-placement-attempts:
// a real agent beside hosts that fail every VM they are given (agents speaking
// the real protocol, so the refusal can be had on demand).

const spec = { scheme: 'process', vcpus: 1, memoryMib: 32, diskGib: 1 };
const refuse = () => ({ state: 'VM_STATE_FAILED' as const, reason: 'simulated: the host cannot start it' });

t.test('refused VMs are re-placed, up to the attempt limit', async (t) => {
  const ctl = await startController(tmpDir(), { args: [...FAST, '--max-placement-attempts', '4'] });
  const adir = tmpDir();
  const real = startAgent(ctl.address, adir, {
    joinToken: await joinToken(ctl),
    name: 'good',
    args: ['--schemes', 'process', '--guest-vcpus', '8', '--label', 'pool=a'],
  });
  const bad = [] as Awaited<ReturnType<typeof fakeAgent>>[];
  for (let i = 0; i < 5; i++)
    bad.push(
      await fakeAgent(ctl, {
        joinToken: await joinToken(ctl),
        name: `broken-${i}`,
        labels: i < 2 ? { broken: 'yes', pool: 'a' } : { broken: 'yes' },
        answer: refuse,
      }),
    );
  const api = setApi(ctl);
  t.teardown(async () => {
    api.close();
    for (const b of bad) b.close();
    await real.kill();
    await ctl.kill();
    killWith(adir);
  });
  await waitFor(
    async () =>
      (await listHosts(ctl)).filter((h) => h.state === 'HOST_STATE_READY' && (h.inventory?.guest?.vcpus ?? 0) === 8)
        .length === 6,
    { timeoutMs: 30_000, message: '6 hosts ready' },
  );
  const good = hostIdOf(adir);

  // Spread over pool a (the good host and two broken ones): what a broken host refuses ends on the good one.
  const { set } = await api.create({
    name: 'four',
    count: 4,
    spec,
    labels: { pool: 'a' },
    strategy: 'PLACEMENT_STRATEGY_SPREAD',
  });
  const first = await api.plan(set!.id);
  t.ok(
    first.rows.some((r) => r.hostId !== good),
    'some VMs first went to refusing hosts',
  );
  const done = await waitFor(
    async () => {
      const p = await api.plan(set!.id);
      return p.rows.every((r) => r.hostId === good && r.status === 'running') ? p : undefined;
    },
    { timeoutMs: 60_000, message: 'all four running on the good host' },
  );
  for (const r of done.rows) {
    const was = first.rows.find((x) => x.vmId === r.vmId)!;
    t.ok(was.hostId === good ? r.attempts === 1 : r.attempts >= 2, `${r.vmName}: ${r.attempts} placement(s)`);
  }

  // Only refusing hosts qualify (five of them): tried on four, once each, then left failed.
  const { set: doomed } = await api.create({ name: 'doomed', count: 1, spec, labels: { broken: 'yes' } });
  const vm = await waitFor(
    async () => {
      const v = (await api.vms()).find((x) => x.setId === doomed!.id);
      return v && v.placementAttempts === 4 && v.state === 'VM_STATE_FAILED' && v.stateReason.includes('simulated')
        ? v
        : undefined;
    },
    { timeoutMs: 60_000, message: 'four attempts, then failed' },
  );
  t.match(vm.stateReason, /simulated: the host cannot start it/, 'the last refusal is its reason');
  const ds = await api.waitSet(doomed!.id, (s) => s.state === 'VM_SET_STATE_PARTIAL', 'the set says it is partial');
  t.match(ds.reasons.join('; '), /doomed-1 failed on 4 hosts \(last: simulated: the host cannot start it\)/, 'and why');
  // A fifth attempt would be decided under the planner's one FIFO lock, queued before the dry run's
  // turn: once a dry run has answered, every decision on that last refusal has been made.
  await api.create({ name: 'barrier', count: 1, spec }, true);
  t.equal((await api.vms()).find((x) => x.id === vm.id)!.placementAttempts, 4, 'no fifth attempt (the limit is 4)');
  const tries = bad.map((b) => b.seen.filter((id) => id === vm.id).length);
  t.same([...tries].sort(), [0, 1, 1, 1, 1], `four different hosts tried once each, one never (${tries.join(',')})`);
});
