import t from 'tap';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { hostIdOf, joinToken, listHosts, ROOT, startAgent, startController, type Proc } from '../helpers/procs.js';
import { httpGet, processesWith, suspendResumeReboot, vmApi, vmRoots, killWith } from '../helpers/vms.js';
import { buildGuestImage, haveQemu, qemuOrSkip } from '../helpers/qemu.js';

// A real QEMU guest (TCG here) through the controller: the whole lifecycle, an
// agent kill -9 with re-attach, and a QEMU kill -9. One guest for all of it.

qemuOrSkip('vm-qemu');

t.test('qemu VM lifecycle through the controller', async (t) => {
  t.ok(haveQemu, 'QEMU is installed (.ci/run installs it)');
  if (!haveQemu) return;
  buildGuestImage(t);
  const imageRoot = join(ROOT, '.cache/guest');

  const ctl = await startController(tmpDir());
  const adir = tmpDir('ngq-');
  const args = ['--schemes', 'qemu', '--image-dir', imageRoot];
  let agent: Proc = startAgent(ctl.address, adir, { joinToken: await joinToken(ctl), args });
  const api = vmApi(ctl);
  t.teardown(async () => {
    api.close();
    await agent.kill();
    await ctl.kill();
    killWith(adir);
  });
  await waitFor(async () => (await listHosts(ctl))[0]?.schemes.includes('qemu'), {
    timeoutMs: 60_000,
    message: 'agent offers qemu',
  }).catch((e) => {
    t.comment(agent.output().slice(-3000));
    throw e;
  });
  const hostId = hostIdOf(adir);

  const created = await api.create(hostId, {
    scheme: 'qemu',
    vcpus: 1,
    memoryMib: 128,
    diskGib: 1,
    config: { title: 'Hello from QEMU' },
  });
  let vm = await api.waitState(created.id, 'VM_STATE_RUNNING', 90_000);
  t.ok(vm.guestReady, 'guest agent ready');
  const page = await waitFor(async () => (await httpGet(vm.hostPort)).body, {
    timeoutMs: 30_000,
    message: 'appliance page',
  });
  t.match(page, /Hello from QEMU/, 'appliance page through the port forward, with the configured title');
  t.equal(vmRoots(`nephele-${vm.id}`).length, 1, 'one QEMU');

  vm = await suspendResumeReboot(t, api, vm);

  await api.act('StopVm', vm.id);
  await api.waitState(vm.id, 'VM_STATE_STOPPED', 60_000);
  t.equal(processesWith(`nephele-${vm.id}`).length, 0, 'no QEMU when stopped');
  t.ok(existsSync(join(adir, 'vms', vm.id, 'overlay.qcow2')), 'disk kept');
  await api.act('StartVm', vm.id);
  vm = await api.waitState(vm.id, 'VM_STATE_RUNNING', 90_000);
  t.match(
    await waitFor(async () => (await httpGet(vm.hostPort)).body, { timeoutMs: 30_000 }),
    /Hello from QEMU/,
    'serving again after start',
  );

  // kill -9 the agent: the VM keeps running and is re-attached, never started twice.
  const before = processesWith(`nephele-${vm.id}`);
  t.equal(before.length, 1);
  await agent.kill();
  agent = startAgent(ctl.address, adir, { args });
  await waitFor(() => /vm re-attached/.test(agent.output()), { timeoutMs: 60_000, message: 're-attached' });
  await waitFor(async () => (await listHosts(ctl))[0]?.peer, { timeoutMs: 30_000, message: 'agent back' });
  t.same(processesWith(`nephele-${vm.id}`), before, 'exactly the same one QEMU');
  t.equal((await api.get(vm.id)).state, 'VM_STATE_RUNNING', 'still running');

  // kill -9 QEMU: failed, with a reason.
  process.kill(before[0]!, 'SIGKILL');
  vm = await api.waitState(vm.id, 'VM_STATE_FAILED', 30_000);
  t.ok(vm.stateReason.length > 0, `failed with a reason (${vm.stateReason})`);

  await api.act('DestroyVm', vm.id);
  await api.waitState(vm.id, 'VM_STATE_DESTROYED', 30_000);
  t.equal(processesWith(`nephele-${vm.id}`).length, 0, 'no QEMU');
  t.notOk(existsSync(join(adir, 'vms', vm.id)), 'overlay, sockets and logs gone');
  t.notOk(readdirSync(join(adir, 'vms')).includes(vm.id));
});
