import t from 'tap';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { FAST, hostIdOf, joinToken, listHosts, startAgent, startController, type Proc } from '../helpers/procs.js';
import { processesWith, vmRoots, killWith } from '../helpers/vms.js';
import { byHost, setApi } from '../helpers/sets.js';

// An ad-hoc desktop and a dedicated server under the planner: guaranteed work
// never lands on the desktop, best-effort work does; when its owner becomes
// busy the guests are suspended and nothing new starts there; when the owner
// leaves they resume; when the owner stays busy past the grace the controller
// moves them to the server and the desktop's copies are removed.

const spec = { scheme: 'process', vcpus: 1, memoryMib: 32, diskGib: 1 };

t.test('ad-hoc owner policy with the planner: suspend, resume, no new work while busy, evacuate', async (t) => {
  const ctl = await startController(tmpDir(), { args: [...FAST, '--replace-after', '1s'] });
  const ddir = tmpDir();
  const adir = tmpDir();
  const dev = join(tmpDir(), 'event0');
  writeFileSync(dev, '');
  const touch = () => utimesSync(dev, new Date(), new Date());
  utimesSync(dev, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
  const agents: Proc[] = [
    startAgent(ctl.address, ddir, {
      joinToken: await joinToken(ctl),
      name: 'server',
      args: ['--schemes', 'process', '--guest-vcpus', '8'],
    }),
    startAgent(ctl.address, adir, {
      joinToken: await joinToken(ctl),
      name: 'desktop',
      args: [
        '--schemes',
        'process',
        '--guest-vcpus',
        '8',
        '--kind',
        'adhoc',
        '--owner-devices',
        dev,
        '--owner-busy-cpu',
        '0',
        '--owner-idle-after',
        '2s',
        '--owner-resume-after',
        '1s',
        '--owner-evacuate-after',
        '5s',
        '--owner-poll',
        '200ms',
      ],
    }),
  ];
  let typing: NodeJS.Timeout | undefined;
  const api = setApi(ctl);
  t.teardown(async () => {
    clearInterval(typing);
    api.close();
    for (const a of agents) await a.kill();
    await ctl.kill();
    for (const d of [ddir, adir]) killWith(d);
  });
  await waitFor(
    async () =>
      (await listHosts(ctl)).filter((h) => h.state === 'HOST_STATE_READY' && h.inventory?.guest?.vcpus === 8).length ===
      2,
    { timeoutMs: 30_000, message: 'both ready with their inventory' },
  );
  const server = hostIdOf(ddir);
  const desktop = hostIdOf(adir);
  await waitFor(async () => (await api.hosts()).find((h) => h.id === desktop)?.owner === 'OWNER_STATE_IDLE', {
    message: 'desktop owner idle',
  });

  const g = (await api.create({ name: 'paid', count: 3, spec, sla: 'SLA_GUARANTEED' })).set!;
  t.same(
    [...byHost(await api.plan(g.id)).keys()],
    [server],
    `guaranteed work only on the dedicated host ${g.reasons.join('; ')}`,
  );
  const be = (
    await api.create({ name: 'spare', count: 2, spec, sla: 'SLA_BEST_EFFORT', strategy: 'PLACEMENT_STRATEGY_SPREAD' })
  ).set!;
  await api.waitSet(be.id, (s) => s.running === 2, 'best-effort running');
  const rows = (await api.plan(be.id)).rows;
  t.ok(
    rows.every((r) => r.hostId === desktop),
    'best-effort work soaks up the desktop first',
  );

  // The owner sits down: guests suspended, the desktop takes nothing new.
  touch();
  typing = setInterval(touch, 100);
  await waitFor(async () => (await api.hosts()).find((h) => h.id === desktop)?.owner === 'OWNER_STATE_BUSY', {
    message: 'owner busy seen by the controller',
  });
  await waitFor(
    async () => {
      const vms = (await api.vms()).filter((v) => v.setId === be.id);
      return vms.every((v) => v.state === 'VM_STATE_SUSPENDED' && v.stateReason === 'owner active') ? vms : undefined;
    },
    { timeoutMs: 15_000, message: 'guests suspended for the owner' },
  );
  for (const r of rows)
    t.match(readFileSync(`/proc/${processesWith(r.vmId)[0]}/stat`, 'utf8'), /\) T /, `${r.vmName} is really stopped`);
  const late = (
    await api.create({ name: 'late', count: 1, spec, sla: 'SLA_BEST_EFFORT', strategy: 'PLACEMENT_STRATEGY_BINPACK' })
  ).set!;
  t.same(
    [...byHost(await api.plan(late.id)).keys()],
    [server],
    'new best-effort work goes elsewhere while the owner is busy',
  );

  // The owner leaves before the grace: the same guests resume.
  clearInterval(typing);
  await waitFor(
    async () => {
      const vms = (await api.vms()).filter((v) => v.setId === be.id);
      return vms.every((v) => v.state === 'VM_STATE_RUNNING') ? vms : undefined;
    },
    { timeoutMs: 20_000, message: 'guests resumed' },
  );
  t.ok(
    (await api.plan(be.id)).rows.every((r) => r.hostId === desktop && r.attempts === 1),
    'resumed in place, not moved',
  );

  // The owner stays: after the grace the controller moves the guests to the server.
  touch();
  typing = setInterval(touch, 100);
  await waitFor(async () => (await api.hosts()).find((h) => h.id === desktop)?.owner === 'OWNER_STATE_EVACUATE', {
    timeoutMs: 20_000,
    message: 'owner evacuate',
  });
  const moved = await waitFor(
    async () => {
      const p = await api.plan(be.id);
      return p.rows.every((r) => r.hostId === server && r.status === 'running') ? p : undefined;
    },
    { timeoutMs: 30_000, message: 'guests evacuated to the server' },
  );
  t.ok(
    moved.rows.every((r) => r.attempts === 2),
    'each guest placed a second time',
  );
  await waitFor(() => moved.rows.every((r) => vmRoots(r.vmId).length === 1), {
    timeoutMs: 20_000,
    message: 'the desktop copies removed',
  });
  t.equal((await api.hosts()).find((h) => h.id === desktop)?.vmCount, 0, 'nothing holds capacity on the desktop');
  clearInterval(typing);
});

// Evacuation with no room (issue 9, finding 15): the owner stays busy past the
// grace while the only other host is cordoned. The desktop is vacated anyway, as
// HTCondor's PREEMPT does: its guests are removed there and wait on no host,
// their set partial with the reason; uncordoning the server places the same
// VMs there.
t.test(
  'evacuation with no room: the desktop is vacated, the VMs wait, and are placed when capacity frees',
  async (t) => {
    const ctl = await startController(tmpDir(), { args: [...FAST, '--replace-after', '1s'] });
    const ddir = tmpDir();
    const adir = tmpDir();
    const dev = join(tmpDir(), 'event0');
    writeFileSync(dev, '');
    const touch = () => utimesSync(dev, new Date(), new Date());
    utimesSync(dev, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    const agents: Proc[] = [
      startAgent(ctl.address, ddir, {
        joinToken: await joinToken(ctl),
        name: 'server',
        args: ['--schemes', 'process', '--guest-vcpus', '8'],
      }),
      startAgent(ctl.address, adir, {
        joinToken: await joinToken(ctl),
        name: 'desktop',
        args: [
          '--schemes',
          'process',
          '--guest-vcpus',
          '8',
          '--kind',
          'adhoc',
          '--owner-devices',
          dev,
          '--owner-busy-cpu',
          '0',
          '--owner-idle-after',
          '30s',
          '--owner-resume-after',
          '1s',
          '--owner-evacuate-after',
          '3s',
          '--owner-poll',
          '200ms',
        ],
      }),
    ];
    let typing: NodeJS.Timeout | undefined;
    const api = setApi(ctl);
    const a = ctl.admin();
    t.teardown(async () => {
      clearInterval(typing);
      a.close();
      api.close();
      for (const ag of agents) await ag.kill();
      await ctl.kill();
      for (const d of [ddir, adir]) killWith(d);
    });
    await waitFor(
      async () =>
        (await listHosts(ctl)).filter((h) => h.state === 'HOST_STATE_READY' && h.inventory?.guest?.vcpus === 8)
          .length === 2,
      { timeoutMs: 90_000, message: 'both ready with their inventory' },
    );
    const server = hostIdOf(ddir);
    const desktop = hostIdOf(adir);
    await waitFor(async () => (await api.hosts()).find((h) => h.id === desktop)?.owner === 'OWNER_STATE_IDLE', {
      message: 'desktop owner idle',
    });
    await a.call((md, o, cb) => a.hosts.CordonHost({ hostId: server, reason: 'maintenance' }, md, o, cb as never));

    const be = (await api.create({ name: 'spare', count: 2, spec, sla: 'SLA_BEST_EFFORT' })).set!;
    await api.waitSet(be.id, (s) => s.running === 2, 'best-effort running on the desktop');
    const ids = (await api.plan(be.id)).rows.map((r) => r.vmId);
    t.ok(
      (await api.plan(be.id)).rows.every((r) => r.hostId === desktop),
      'both on the desktop (the server is cordoned)',
    );
    // Best-effort work of a batch-window set whose window will be over by then: its SLA says retire, not wait.
    const batch = (await api.create({ name: 'batch', count: 1, spec, sla: 'SLA_BEST_EFFORT', batchWindowS: 1 })).set!;
    await api.waitSet(batch.id, (s) => s.running === 1, 'the batch VM running on the desktop');
    const batchVm = (await api.plan(batch.id)).rows[0]!.vmId;

    // The owner sits down and stays: nothing can take the guests, the desktop is vacated anyway.
    touch();
    typing = setInterval(touch, 100);
    await waitFor(async () => (await api.hosts()).find((h) => h.id === desktop)?.owner === 'OWNER_STATE_EVACUATE', {
      timeoutMs: 20_000,
      message: 'owner evacuate',
    });
    const waiting = await waitFor(
      async () => {
        const vms = (await api.vms()).filter((v) => v.setId === be.id);
        return vms.length === 2 && vms.every((v) => v.hostId === '' && v.state === 'VM_STATE_PENDING')
          ? vms
          : undefined;
      },
      { timeoutMs: 20_000, message: 'both guests unplaced' },
    );
    for (const v of waiting)
      t.match(
        v.stateReason,
        /^unplaced: no host for evacuated VM .*; waiting for capacity$/,
        `${v.name} says why it waits`,
      );
    t.same(waiting.map((v) => v.id).sort(), [...ids].sort(), 'the same VMs, not new ones');
    await waitFor(() => ids.every((id) => processesWith(id).length === 0), {
      timeoutMs: 20_000,
      message: 'no guest process left on the desktop',
    });
    const partial = await api.get(be.id);
    t.equal(partial.state, 'VM_SET_STATE_PARTIAL', 'the set is partial');
    t.equal(partial.placed, 0);
    t.match(partial.reasons.join(' | '), /spare-1: no host for evacuated VM/, 'and says why');
    t.ok(
      (await api.plan(be.id)).rows.every((r) => r.status === 'unplaced'),
      'the plan shows them unplaced',
    );
    const evs = async () =>
      (
        await a.call<{
          events: { type: string; hostId: string; message: string; attributes: Record<string, string> }[];
        }>((md, o, cb) => a.events.ListEvents({ pageSize: 1000 }, md, o, cb as never))
      ).events;
    await waitFor(
      async () => (await evs()).filter((e) => e.type === 'vm.stale_copy_removed' && e.hostId === desktop).length === 2,
      { message: 'the desktop reported its copies removed' },
    );
    const e1 = await evs();
    t.ok(
      e1.some((e) => e.type === 'host.evacuated' && e.hostId === desktop && e.attributes.waiting === '2'),
      'host.evacuated: 2 waiting',
    );
    t.equal(
      e1.filter((e) => e.type === 'vm.unplaced' && e.attributes.set_id === be.id).length,
      2,
      'vm.unplaced for each',
    );
    t.ok(
      e1.some((e) => e.type === 'set.partially_placed' && e.attributes.set_id === be.id && e.attributes.waiting),
      'set.partially_placed',
    );
    const retired = await waitFor(
      async () => {
        const v = (await api.vms()).find((x) => x.id === batchVm);
        return v?.state === 'VM_STATE_DESTROYED' ? v : undefined;
      },
      { message: 'the batch VM retired' },
    );
    t.equal(retired.desired, 'DESIRED_VM_STATE_DESTROYED', 'retired by the controller');
    t.equal(processesWith(batchVm).length, 0, 'and gone from the desktop');
    // Released once each: the waiting VMs when they left, the retired one when the desktop reported it destroyed.
    const dh = await waitFor(
      async () => {
        const h = (await api.hosts()).find((x) => x.id === desktop)!;
        return h.vmCount === 0 ? h : undefined;
      },
      { message: 'nothing holds capacity on the desktop' },
    );
    t.equal(dh.allocated?.vcpus ?? 0, 0, 'no vCPU allocated there');
    t.equal(dh.allocated?.memoryBytes ?? 0, 0, 'no memory allocated there');
    const bs = await api.get(batch.id);
    t.equal(bs.state, 'VM_SET_STATE_PARTIAL');
    t.match(
      bs.reasons.join(' | '),
      /batch-1 retired: no host for evacuated VM, and its best-effort set's batch window is over/,
      'its set says why',
    );
    t.ok(
      e1.some(
        (e) =>
          e.type === 'vm.evacuation_retired' &&
          e.attributes.vm_id === batchVm &&
          /batch window is over/.test(e.message),
      ),
      'vm.evacuation_retired says why',
    );

    // Capacity frees (the server is uncordoned): the same VMs are placed there and run.
    await a.call((md, o, cb) => a.hosts.UncordonHost({ hostId: server }, md, o, cb as never));
    const placed = await api.waitSet(
      be.id,
      (s) => s.running === 2 && s.state === 'VM_SET_STATE_PLACED',
      'the waiting VMs placed and running',
      30_000,
    );
    t.same(placed.reasons, [], 'the set no longer gives a reason');
    const rows = (await api.plan(be.id)).rows;
    t.ok(
      rows.every((r) => r.hostId === server && r.status === 'running'),
      'both run on the server',
    );
    t.same(rows.map((r) => r.vmId).sort(), [...ids].sort(), 'still the same VMs');
    t.ok(
      ids.every((id) => vmRoots(id).length === 1),
      'one process each',
    );
    const e2 = await evs();
    t.equal(
      e2.filter((e) => e.type === 'vm.placed' && e.attributes.to_host === server).length,
      2,
      'vm.placed for each',
    );
    t.ok(
      e2.some((e) => e.type === 'set.placed' && e.attributes.set_id === be.id),
      'set.placed',
    );
    t.equal((await api.get(batch.id)).placed, 0, 'the retired batch VM was not replaced');
    t.equal((await api.vms()).filter((v) => v.setId === batch.id).length, 1, 'no new VM in the batch set');
    clearInterval(typing);
  },
);
