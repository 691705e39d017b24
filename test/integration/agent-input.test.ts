// Findings 9, 12, 13 and 14 against a real controller, with agents that speak
// the real protocol but send what a hostile or broken agent would.
import t from 'tap';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { FAST, getHost, grpc, joinToken, listHosts, startController, type ControllerProc } from '../helpers/procs.js';
import { fakeAgent, fakeInventory } from '../helpers/fake-agent.js';
import { vmApi } from '../helpers/vms.js';
import { v1 } from '../../common/grpc/load.js';
import type { Event__Output as Event } from '../../common/gen/nephele/v1/Event.js';
import type { EventFilter } from '../../common/gen/nephele/v1/EventFilter.js';
import type { Host__Output as Host } from '../../common/gen/nephele/v1/Host.js';
import type { Inventory } from '../../common/gen/nephele/v1/Inventory.js';
import type { ListHostsRequest } from '../../common/gen/nephele/v1/ListHostsRequest.js';
import type { VmStatusReport } from '../../common/gen/nephele/v1/VmStatusReport.js';

const MiB = 2 ** 20;
const spec = { scheme: 'process', vcpus: 1, memoryMib: 32, diskGib: 1 };

async function events(ctl: ControllerProc, filter: EventFilter): Promise<Event[]> {
  const a = ctl.admin();
  try {
    const r = await a.call<{ events: Event[] }>((md, o, cb) =>
      a.events.ListEvents({ sinceSeq: 0, pageSize: 1000, filter }, md, o, cb as never),
    );
    return r.events;
  } finally {
    a.close();
  }
}

async function hostsCall(ctl: ControllerProc, req: ListHostsRequest): Promise<{ hosts: Host[]; bytes: number }> {
  const a = ctl.admin();
  try {
    const r = await a.call<{ hosts: Host[]; nextPageToken: string }>((md, o, cb) =>
      a.hosts.ListHosts(req, md, o, cb as never),
    );
    return {
      hosts: r.hosts,
      bytes: (v1().HostService.service.ListHosts.responseSerialize as (x: unknown) => Buffer)(r).length,
    };
  } finally {
    a.close();
  }
}

const vmStatus = (
  vmId: string,
  seq: number,
  state: VmStatusReport['state'],
  generation: number,
): { vmStatus: VmStatusReport } => ({
  vmStatus: {
    seq,
    vmId,
    state,
    reason: 'reported',
    generation,
    hostPort: 0,
    guestReady: false,
    timeUnixMs: Date.now(),
    taskDone: false,
  },
});

t.test('a report numbered 2^53-1 is refused and does not silence the host', async (t) => {
  const ctl = await startController(tmpDir());
  const a = await fakeAgent(ctl, { joinToken: await joinToken(ctl), name: 'liar' });
  const api = vmApi(ctl);
  t.teardown(async () => {
    api.close();
    a.close();
    await ctl.kill();
  });
  const vm = await api.create(a.hostId, spec);
  await api.waitState(vm.id, 'VM_STATE_RUNNING');
  const before = a.acked();

  a.send({
    event: {
      seq: 2 ** 53 - 1,
      timeUnixMs: Date.now(),
      type: 'forged',
      severity: 'info',
      message: 'from the far future',
      attributes: {},
    },
  });
  a.send(vmStatus(vm.id, 2 ** 53 - 2, 'VM_STATE_FAILED', 1));
  // An honest report after the forged ones still lands.
  a.send({
    event: {
      seq: a.nextSeq(),
      timeUnixMs: Date.now(),
      type: 'honest',
      severity: 'info',
      message: 'still here',
      attributes: {},
    },
  });
  a.send(vmStatus(vm.id, a.nextSeq(), 'VM_STATE_STOPPED', 1));
  await waitFor(async () => (await events(ctl, { typePrefix: 'agent.honest', hostId: a.hostId })).length === 1, {
    message: 'the honest event is stored',
  });
  await api.waitState(vm.id, 'VM_STATE_STOPPED');
  const refused = await waitFor(
    async () => (await events(ctl, { typePrefix: 'host.report_refused', hostId: a.hostId }))[0],
    { message: 'refusal event' },
  );
  t.match(refused.message, /jumps/, 'the event says why');
  t.equal(refused.severity, 'warning');
  t.same(await events(ctl, { typePrefix: 'agent.forged' }), [], 'the forged event was not stored');
  t.ok(a.acked() > before && a.acked() < 1000, `acks stay with the honest sequence (${a.acked()})`);
  t.match(ctl.output(), /agent report refused/, 'logged with a reason');
});

t.test('agent inventories are bounded; ListHosts is small by default and full on request', async (t) => {
  const ctl = await startController(tmpDir());
  const agents = [] as Awaited<ReturnType<typeof fakeAgent>>[];
  t.teardown(async () => {
    for (const a of agents) a.close();
    await ctl.kill();
  });
  // ~3.5 MiB each: a long software list, a NIC with 300 addresses, 2,000 CPU flags.
  const huge = (name: string): Inventory => ({
    ...fakeInventory(name),
    cpu: {
      vendor: 'v',
      model: 'Fake CPU',
      cores: 8,
      threads: 8,
      sockets: 1,
      speedGhz: 3,
      flags: Array.from({ length: 2000 }, (_, i) => `flag${i}`),
      virtualization: '',
    },
    nics: [
      {
        name: 'eth0',
        mac: 'aa:bb:cc:dd:ee:ff',
        addresses: Array.from({ length: 300 }, (_, i) => `10.9.${i >> 8}.${i & 255}`),
        speedMbps: 1000,
        virtual: false,
        operstate: 'up',
      },
    ],
    software: Array.from({ length: 30_000 }, (_, i) => ({
      name: `package-${i}-${'n'.repeat(40)}`,
      version: `1.${i}.0-${'v'.repeat(40)}`,
    })),
  });
  const addresses = Array.from({ length: 300 }, (_, i) => `10.8.${i >> 8}.${i & 255}`);
  for (let i = 0; i < 5; i++)
    agents.push(
      await fakeAgent(ctl, {
        joinToken: await joinToken(ctl),
        name: `big-${i}`,
        inventory: huge(`big-${i}`),
        hello: { addresses },
      }),
    );
  await waitFor(
    async () => (await listHosts(ctl)).filter((h) => h.inventory?.hash.startsWith('fake-big')).length === 5,
    { timeoutMs: 30_000, message: 'five inventories stored' },
  );

  const basic = await hostsCall(ctl, { pageSize: 1000 });
  t.equal(basic.hosts.length, 5, 'ListHosts works');
  t.ok(basic.bytes < 64 * 1024, `and is small by default (${basic.bytes} bytes for 5 hosts)`);
  for (const h of basic.hosts) {
    t.equal(h.inventory?.guest?.vcpus, 8, 'the summary keeps guest capacity');
    t.equal(h.inventory?.cpu?.model, 'Fake CPU', 'and the CPU model');
    t.same(
      [h.inventory?.software.length, h.inventory?.nics.length, h.inventory?.cpu?.flags.length],
      [0, 0, 0],
      'but not the lists',
    );
    t.ok(h.addresses.length <= 17, `300 addresses in Hello → ${h.addresses.length}`);
  }

  const full = await hostsCall(ctl, { pageSize: 25, view: 'HOST_VIEW_FULL' });
  t.equal(full.hosts.length, 5);
  t.ok(full.bytes < 1 * MiB, `view=full is bounded too (${full.bytes} bytes for 5 hosts)`);
  const inv = full.hosts[0]!.inventory!;
  t.same(
    [inv.software.length, inv.nics[0]!.addresses.length, inv.cpu!.flags.length],
    [128, 8, 256],
    'inventories cut to the limits',
  );
  const one = await getHost(ctl, agents[0]!.hostId);
  t.equal(one.inventory?.software.length, 128, 'GetHost is full by default');
  t.equal(
    (await getHost(ctl, agents[0]!.hostId, 'HOST_VIEW_BASIC')).inventory?.software.length,
    0,
    'or basic on request',
  );
  const tooMany = await hostsCall(ctl, { pageSize: 1000, view: 'HOST_VIEW_FULL' }).catch((e: grpc.ServiceError) => e);
  t.match(tooMany, { code: grpc.status.INVALID_ARGUMENT, details: /page_size/ }, 'full pages are smaller');
  const badView = await hostsCall(ctl, { view: 7 as never }).catch((e: grpc.ServiceError) => e);
  t.match(badView, { code: grpc.status.INVALID_ARGUMENT, details: /view/ });
});

t.test('absurd capacity is rejected and the previous inventory kept; heartbeats are clamped', async (t) => {
  const ctl = await startController(tmpDir());
  const a = await fakeAgent(ctl, { joinToken: await joinToken(ctl), name: 'boaster' });
  t.teardown(async () => {
    a.close();
    await ctl.kill();
  });
  await waitFor(async () => (await getHost(ctl, a.hostId)).inventory?.hash === 'fake-boaster', {
    message: 'first inventory stored',
  });
  const claim = { vcpus: 100_000, memoryBytes: 2 ** 50, diskBytes: 2 ** 40 };
  a.send({ inventory: { inventory: { ...fakeInventory('boaster'), total: claim, guest: claim, hash: 'absurd' } } });
  const ev = await waitFor(
    async () => (await events(ctl, { typePrefix: 'host.inventory_rejected', hostId: a.hostId }))[0],
    { message: 'rejection event' },
  );
  t.match(ev.message, /exceeds/, 'with a reason');
  const h = await getHost(ctl, a.hostId);
  t.equal(h.inventory?.hash, 'fake-boaster', 'the previous inventory is kept');
  t.equal(h.inventory?.guest?.vcpus, 8);

  a.pauseHeartbeats(); // its regular beats would overwrite the odd one at once
  a.send({
    heartbeat: {
      beat: 999,
      load: { load1: -3, cpuPct: Number.NaN, memoryAvailableBytes: 1 },
      free: { vcpus: 100_000, memoryBytes: 2 ** 50, diskBytes: 1 },
    },
  });
  const after = await waitFor(
    async () => {
      const x = await getHost(ctl, a.hostId);
      return x.free?.diskBytes === 1 ? x : undefined;
    },
    { message: 'the odd heartbeat seen' },
  );
  t.equal(after.free?.vcpus, 8, 'free capacity is clamped to the guest capacity');
  t.same([after.load?.load1, after.load?.cpuPct], [0, 0], 'negative and NaN load read as 0');
});

t.test('VM reports are fenced by host and generation', async (t) => {
  const ctl = await startController(tmpDir(), { args: FAST });
  const [a, b, c] = [
    await fakeAgent(ctl, { joinToken: await joinToken(ctl), name: 'host-a' }),
    await fakeAgent(ctl, { joinToken: await joinToken(ctl), name: 'host-b' }),
    await fakeAgent(ctl, { joinToken: await joinToken(ctl), name: 'host-c' }),
  ];
  const api = vmApi(ctl);
  const admin = ctl.admin();
  t.teardown(async () => {
    api.close();
    admin.close();
    for (const x of [a, b, c]) x.close();
    await ctl.kill();
  });
  const stale = () => events(ctl, { typePrefix: 'vm.stale_copy_removed', tenant: 'default' });
  /** Sends a report and waits until the controller has dealt with it (acked). */
  const report = async (agent: typeof a, vmId: string, state: VmStatusReport['state'], generation: number) => {
    const seq = agent.nextSeq();
    agent.send(vmStatus(vmId, seq, state, generation));
    await waitFor(() => agent.acked() >= seq, { message: 'report acked' });
  };
  const vm = await api.create(a.hostId, spec);
  await api.waitState(vm.id, 'VM_STATE_RUNNING');

  // Host C never held the VM: its word about it goes nowhere near the tenant.
  await report(c, vm.id, 'VM_STATE_DESTROYED', 1);
  await report(c, vm.id, 'VM_STATE_STOPPED', 1);
  t.same(await stale(), [], 'no vm.stale_copy_removed in the tenant log for a host that never held the vm');
  t.equal((await api.get(vm.id)).state, 'VM_STATE_RUNNING', 'the vm is untouched');
  t.match(ctl.output(), /vm report ignored/, 'logged under the host');

  // StartVm bumps the generation on the same host; a DESTROYED of generation 1 is a stale copy.
  await api.act('StartVm', vm.id);
  await waitFor(() => a.answered.get(vm.id) === 2, { message: 'generation 2 answered' });
  await waitFor(async () => (await api.get(vm.id)).confirmedUnixMs > 0 && (await api.get(vm.id)).generation === 2, {
    message: 'generation 2 confirmed',
  });
  await report(a, vm.id, 'VM_STATE_DESTROYED', 1);
  const now = await api.get(vm.id);
  t.same(
    [now.state, now.generation, now.hostId],
    ['VM_STATE_RUNNING', 2, a.hostId],
    "an old generation's DESTROYED does not end the vm",
  );
  const onA = await admin.call<{ vms: { id: string }[] }>((md, o, cb) =>
    admin.vms.ListVms({ hostId: a.hostId, pageSize: 100 }, md, o, cb as never),
  );
  t.ok(
    onA.vms.some((v) => v.id === vm.id),
    'nor release it from its host',
  );

  // Moved to B (C cordoned): A is a former host, its stale copy's end is the tenant's news.
  await admin.call((md, o, cb) => admin.hosts.CordonHost({ hostId: c.hostId, reason: 'test' }, md, o, cb as never));
  await admin.call((md, o, cb) => admin.hosts.DrainHost({ hostId: a.hostId, reason: 'test' }, md, o, cb as never));
  await waitFor(async () => (await api.get(vm.id)).hostId === b.hostId, { message: 'moved to B' });
  await api.waitState(vm.id, 'VM_STATE_RUNNING');
  await report(a, vm.id, 'VM_STATE_DESTROYED', 2);
  const evs = await waitFor(
    async () => {
      const e = await stale();
      return e.some((x) => x.hostId === a.hostId && x.attributes.generation === '2') ? e : undefined;
    },
    { message: 'stale copy on the former host recorded' },
  );
  t.ok(
    evs.every((e) => e.hostId === a.hostId),
    'only from host A, which held the vm',
  );
  t.same(
    [(await api.get(vm.id)).state, (await api.get(vm.id)).hostId],
    ['VM_STATE_RUNNING', b.hostId],
    'the vm runs on B',
  );
  await report(c, vm.id, 'VM_STATE_DESTROYED', 3);
  t.notOk(
    (await stale()).some((e) => e.hostId === c.hostId),
    'host C still writes nothing to the tenant',
  );
});
