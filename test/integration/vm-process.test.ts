import t from 'tap';
import * as grpc from '@grpc/grpc-js';
import { tmpDir } from '../helpers/tmp.js';
import { statusOf as code } from '../helpers/status.js';
import { waitFor } from '../helpers/wait.js';
import {
  hostIdOf,
  joinToken,
  listHosts,
  startAgent,
  startController,
  type ControllerProc,
  type Proc,
} from '../helpers/procs.js';
import { reap } from '../helpers/reap.js';
import { httpGet, processesWith, vmApi, vmRoots, killWith } from '../helpers/vms.js';
import type { Event__Output as Event } from '../../common/gen/nephele/v1/Event.js';

// The VM lifecycle through the controller with the process driver: real
// controller, real agent, real supervised appliance processes.

const spec = { scheme: 'process', vcpus: 1, memoryMib: 64, diskGib: 1, config: { title: 'Hello from a process VM' } };

t.test('process VM lifecycle, agent restart, crash, and reports while the controller is away', async (t) => {
  const cdir = tmpDir();
  let ctl: ControllerProc = await startController(cdir);
  const adir = tmpDir();
  const agentArgs = ['--schemes', 'process'];
  let agent: Proc = startAgent(ctl.address, adir, { joinToken: await joinToken(ctl), args: agentArgs });
  t.teardown(async () => {
    await agent.kill();
    await ctl.kill();
    killWith(adir);
  });
  await waitFor(async () => (await listHosts(ctl))[0]?.schemes.includes('process'), {
    timeoutMs: 30_000,
    message: 'agent offers process',
  });
  const hostId = hostIdOf(adir);
  let api = vmApi(ctl);

  const created = await api.create(hostId, spec, { name: 'web-1' });
  t.equal(created.state, 'VM_STATE_PENDING', 'stored as pending');
  let vm = await api.waitState(created.id, 'VM_STATE_RUNNING');
  t.ok(vm.guestReady && vm.hostPort > 0, 'running, appliance ready, port forwarded');
  t.match((await httpGet(vm.hostPort)).body, /Hello from a process VM/, 'appliance serves its page');
  const pids = processesWith(vm.id);
  t.equal(pids.length, 1, 'exactly one appliance process');

  await api.act('SuspendVm', vm.id);
  await api.waitState(vm.id, 'VM_STATE_SUSPENDED');
  await t.rejects(httpGet(vm.hostPort, 300), 'suspended appliance does not answer');
  await api.act('ResumeVm', vm.id);
  vm = await api.waitState(vm.id, 'VM_STATE_RUNNING');
  t.equal((await httpGet(vm.hostPort)).status, 200, 'answers again after resume');

  await api.act('RebootVm', vm.id);
  await waitFor(async () => (await api.get(vm.id)).stateReason === 'rebooted', {
    timeoutMs: 30_000,
    message: 'rebooted',
  });
  vm = await api.waitState(vm.id, 'VM_STATE_RUNNING');
  t.notSame(processesWith(vm.id), pids, 'a new appliance process after reboot');
  t.match((await httpGet(vm.hostPort)).body, /Hello from a process VM/, 'config kept across reboot');

  await api.act('StopVm', vm.id);
  await api.waitState(vm.id, 'VM_STATE_STOPPED');
  t.equal(processesWith(vm.id).length, 0, 'no process when stopped');
  await api.act('StartVm', vm.id);
  vm = await api.waitState(vm.id, 'VM_STATE_RUNNING');
  t.equal(vmRoots(vm.id).length, 1, 'one process after start');

  // kill -9 the agent while the VM runs: it is re-attached, not started twice.
  const before = processesWith(vm.id);
  await agent.kill();
  agent = startAgent(ctl.address, adir, { args: agentArgs });
  await waitFor(() => /vm re-attached/.test(agent.output()), { timeoutMs: 30_000, message: 're-attached' });
  await waitFor(async () => (await listHosts(ctl))[0]?.peer, { timeoutMs: 30_000, message: 'agent back' });
  t.same(processesWith(vm.id), before, 'the same single process, re-attached');
  t.equal((await api.get(vm.id)).state, 'VM_STATE_RUNNING', 'still running');

  // A crash while the controller is away is reported once it is back, exactly once.
  const port = ctl.port;
  api.close();
  await ctl.stop();
  process.kill(before[0]!, 'SIGKILL');
  await waitFor(() => /"phase":"failed"/.test(agent.output()), { timeoutMs: 20_000, message: 'agent saw the crash' });
  ctl = await startController(cdir, { port });
  api = vmApi(ctl);
  vm = await api.waitState(vm.id, 'VM_STATE_FAILED', 30_000);
  t.match(vm.stateReason, /exit|kill|signal/i, `failed with a reason (${vm.stateReason})`);
  const a = ctl.admin();
  const evs = await a.call<{ events: Event[] }>((md, o, cb) =>
    a.events.ListEvents({ pageSize: 1000, filter: { typePrefix: 'vm.state_changed' } }, md, o, cb as never),
  );
  a.close();
  t.equal(
    evs.events.filter((e) => e.attributes.vm_id === vm.id && e.attributes.state === 'failed').length,
    1,
    'the failure is one event, not lost, not duplicated',
  );

  // A failed VM stays failed until asked; StartVm brings it back.
  await api.act('StartVm', vm.id);
  vm = await api.waitState(vm.id, 'VM_STATE_RUNNING');
  await api.act('DestroyVm', vm.id);
  vm = await api.waitState(vm.id, 'VM_STATE_DESTROYED');
  await waitFor(() => processesWith(vm.id).length === 0, { message: 'process gone' });
  t.pass('destroyed: process gone');
  const tenants = await ctl
    .admin()
    .call<{ tenants: { name: string; usage: { vms: number; vcpus: number } }[] }>((md, o, cb) =>
      ctl.admin().auth.ListTenants({}, md, o, cb as never),
    );
  t.same(tenants.tenants.find((x) => x.name === 'default')?.usage.vms, 0, 'quota released');
  api.close();
});

t.test('bad VM requests get clear errors naming the field', async (t) => {
  const ctl = await startController(tmpDir());
  const adir = tmpDir();
  const agent = startAgent(ctl.address, adir, { joinToken: await joinToken(ctl), args: ['--schemes', 'process'] });
  t.teardown(async () => {
    await agent.kill();
    await ctl.kill();
    reap(adir); // the VM it created runs on after the agent's kill -9 below
  });
  await waitFor(async () => (await listHosts(ctl))[0]?.state === 'HOST_STATE_READY', {
    timeoutMs: 30_000,
    message: 'ready',
  });
  const hostId = hostIdOf(adir);
  const api = vmApi(ctl);
  t.teardown(() => api.close());
  const cases: [string, Record<string, unknown>, string, number, RegExp][] = [
    ['0 vcpus', { ...spec, vcpus: 0 }, hostId, grpc.status.INVALID_ARGUMENT, /^spec\.vcpus:/],
    [
      'qemu memory under the guest minimum',
      { ...spec, scheme: 'qemu', memoryMib: 32 },
      hostId,
      grpc.status.INVALID_ARGUMENT,
      /^spec\.memory_mib: under the qemu guest minimum of 96 MiB/,
    ],
    ['unknown scheme', { ...spec, scheme: 'vmware' }, hostId, grpc.status.INVALID_ARGUMENT, /^spec\.scheme:/],
    ['bad config key', { ...spec, config: { 'Bad Key': 'x' } }, hostId, grpc.status.INVALID_ARGUMENT, /^spec\.config:/],
    [
      'scheme the host lacks',
      { ...spec, scheme: 'qemu', memoryMib: 128 },
      hostId,
      grpc.status.FAILED_PRECONDITION,
      /^spec\.scheme: the host does not offer qemu/,
    ],
    ['unknown host', spec, '01M80JYKTWP1XVJK659V3Z4PP3', grpc.status.NOT_FOUND, /host not found/],
    ['malformed host id', spec, 'nope', grpc.status.INVALID_ARGUMENT, /^host_id:/],
  ];
  for (const [name, s, h, want, msg] of cases) {
    const r = await code(api.create(h, s as never));
    t.equal(r.code, want, `${name}: ${grpc.status[want]}`);
    t.match(r.details, msg, `${name}: ${r.details}`);
  }
  // Another tenant's VM is NOT_FOUND, exactly like a missing one.
  const admin = ctl.admin();
  await admin.call((md, o, cb) => admin.auth.CreateTenant({ name: 'other' }, md, o, cb));
  const other = await admin.call<{ secret: string }>((md, o, cb) =>
    admin.auth.CreateToken({ kind: 'TOKEN_KIND_API', role: 'tenant-admin', tenant: 'other' }, md, o, cb as never),
  );
  admin.close();
  const mine = await api.create(hostId, spec);
  const { AdminClient } = await import('../../controller/cli/client.js');
  const o = new AdminClient({ controller: ctl.address, dataDir: ctl.dataDir, token: other.secret });
  const foreign = await code(o.call((md, op, cb) => o.vms.GetVm({ vmId: mine.id }, md, op, cb)));
  const missing = await code(o.call((md, op, cb) => o.vms.GetVm({ vmId: '01M80JYKTWP1XVJK659V3Z4PP3' }, md, op, cb)));
  const stop = await code(o.call((md, op, cb) => o.vms.StopVm({ vmId: mine.id }, md, op, cb)));
  o.close();
  t.equal(foreign.code, grpc.status.NOT_FOUND, "another tenant's VM: NOT_FOUND");
  t.same(foreign, missing, 'indistinguishable from a missing one');
  t.equal(stop.code, grpc.status.NOT_FOUND, 'and cannot be stopped');
  // A down host refuses new VMs.
  await agent.kill();
  await waitFor(async () => (await listHosts(ctl))[0]?.state !== 'HOST_STATE_READY', { message: 'host not ready' });
  const down = await code(api.create(hostId, spec));
  t.equal(down.code, grpc.status.FAILED_PRECONDITION);
  t.match(down.details, /^host_id: the host is (unreachable|down)/);
});
