import t from 'tap';
import { join } from 'node:path';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Event__Output as Event } from '../../common/gen/nephele/v1/Event.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { hostIdOf, joinToken, listHosts, ROOT, startAgent, startController, type Proc } from '../helpers/procs.js';
import { httpGet, processesWith, vmRoots, killWith } from '../helpers/vms.js';
import { setApi } from '../helpers/sets.js';
import { buildGuestImage, haveQemu, qemuOrSkip } from '../helpers/qemu.js';

// A qemu set through the planner, on two qemu hosts: placed where qemu fits,
// then one host is drained and its guest is cold-moved with its disk copied
// (stopped, overlay uploaded to the controller, downloaded by the target,
// rebased onto the target's copy of the same base, started there).

qemuOrSkip('planner-qemu');

t.test('a qemu set: placement by scheme preference, drain with a cold move of the disk', async (t) => {
  t.ok(haveQemu, 'QEMU is installed (.ci/run installs it)');
  if (!haveQemu) return;
  buildGuestImage(t);
  const ctl = await startController(tmpDir());
  const qdir = tmpDir('ngq-');
  const pdir = tmpDir();
  const agents: Proc[] = [
    startAgent(ctl.address, qdir, {
      joinToken: await joinToken(ctl),
      name: 'kvm-host',
      args: ['--schemes', 'qemu', '--image-dir', join(ROOT, '.cache/guest'), '--guest-vcpus', '1'],
    }),
    startAgent(ctl.address, pdir, {
      joinToken: await joinToken(ctl),
      name: 'big-host',
      args: ['--schemes', 'qemu,process', '--image-dir', join(ROOT, '.cache/guest'), '--guest-vcpus', '4'],
    }),
  ];
  const api = setApi(ctl);
  t.teardown(async () => {
    api.close();
    for (const a of agents) await a.kill();
    await ctl.kill();
    for (const d of [qdir, pdir]) killWith(d);
  });
  await waitFor(
    async () =>
      (await listHosts(ctl)).filter(
        (h) => h.state === 'HOST_STATE_READY' && h.schemes.length > 0 && (h.inventory?.guest?.vcpus ?? 0) > 0,
      ).length === 2,
    { timeoutMs: 60_000, message: 'both agents ready' },
  );
  const qhost = hostIdOf(qdir);
  const { set } = await api.create({
    name: 'pair',
    count: 2,
    spec: { scheme: '', vcpus: 1, memoryMib: 128, diskGib: 1, config: { title: 'Hello from a set' } },
    schemePreference: ['qemu', 'process'],
    sla: 'SLA_GUARANTEED',
    strategy: 'PLACEMENT_STRATEGY_BINPACK',
  });
  t.equal(set!.placed, 2, 'both placed');
  await api.waitSet(set!.id, (s) => s.running === 2, 'both running', 120_000);
  const plan = await api.plan(set!.id);
  const q = plan.rows.find((r) => r.hostId === qhost);
  const other = plan.rows.find((r) => r.hostId !== qhost);
  t.equal(q?.scheme, 'qemu', 'a qemu guest on the small qemu host (binpack fills it first)');
  t.equal(other?.scheme, 'qemu', 'the preferred scheme on the other host too');
  const vms = await api.vms();
  for (const vm of vms.filter((v) => v.setId === set!.id)) {
    t.match(
      await waitFor(async () => (await httpGet(vm.hostPort)).body, { timeoutMs: 30_000, message: 'page' }),
      /Hello from a set/,
      `${vm.name} serves the configured page`,
    );
  }
  t.equal(vmRoots(`nephele-${q!.vmId}`).length, 1, 'one QEMU process for it');

  // Drain the small host: its guest is stopped, its disk copied, and it starts on the other host.
  const res = await api.drain(qhost);
  t.equal(res.vmsMoved, 1, 'the drain moves the guest');
  const moved = await waitFor(
    async () => {
      const v = (await api.vms()).find((x) => x.id === q!.vmId);
      return v && v.hostId !== qhost && v.state === 'VM_STATE_RUNNING' ? v : undefined;
    },
    { timeoutMs: 120_000, message: 'guest running on the other host' },
  );
  t.equal(moved.generation, 2, 'a new generation fences the old copy');
  t.equal(moved.placementAttempts, 2, 'placed a second time');
  const marker = join(pdir, 'vms', moved.id, 'config-applied');
  t.match(
    readFileSync(marker, 'utf8'),
    /carried by the moved disk/,
    'the target used the moved disk (config not applied afresh)',
  );
  t.match(
    await waitFor(async () => (await httpGet(moved.hostPort)).body, {
      timeoutMs: 30_000,
      message: 'page after the move',
    }),
    /Hello from a set/,
    'the appliance serves the title stored on the moved disk',
  );
  await waitFor(() => vmRoots(`nephele-${q!.vmId}`).length === 1 && !existsSync(join(qdir, 'vms', moved.id)), {
    timeoutMs: 30_000,
    message: 'the old copy removed',
  });
  t.same(
    readdirSync(join(ctl.dataDir, 'transfers')),
    [],
    'the controller dropped its copy of the disk once the guest ran',
  );
  const a = ctl.admin();
  const evs = (
    await a.call<{ events: Event[] }>((md, o, cb) =>
      a.events.ListEvents({ pageSize: 1000, filter: { typePrefix: 'vm.' } }, md, o, cb as never),
    )
  ).events;
  a.close();
  t.ok(
    evs.some((e) => e.type === 'vm.move_started' && e.attributes.vm_id === moved.id),
    'the move is in the event log',
  );
  await api.del(set!.id);
  await api.waitSet(set!.id, (s) => s.state === 'VM_SET_STATE_RETIRED', 'retired', 60_000);
  t.equal(processesWith(`nephele-${q!.vmId}`).length, 0, 'QEMU gone');
  t.equal(processesWith(`nephele-${other!.vmId}`).length, 0, 'both QEMUs gone');
  t.ok(
    (await api.hosts()).every((h) => h.vmCount === 0),
    'capacity back on both hosts',
  );
});
