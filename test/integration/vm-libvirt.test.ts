import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { hostIdOf, joinToken, listHosts, ROOT, startAgent, startController, type Proc } from '../helpers/procs.js';
import { httpGet, processesWith, suspendResumeReboot, vmApi, vmRoots, killWith } from '../helpers/vms.js';
import { buildGuestImage, haveQemu } from '../helpers/qemu.js';
import { haveLibvirt, libvirtOrSkip, startLibvirtd, validateDomainXml } from '../helpers/libvirt.js';

// A real guest as a libvirt domain on a real libvirtd (started by the test, in
// its own mount namespace), through the controller: the whole lifecycle, and an
// agent kill -9 with re-attach (the domain keeps running, the same QEMU). One guest.

libvirtOrSkip('vm-libvirt');

t.test('libvirt VM lifecycle through the controller', async (t) => {
  t.ok(haveLibvirt && haveQemu, 'libvirt and QEMU are installed (.ci/run installs them)');
  if (!haveLibvirt || !haveQemu) return;
  buildGuestImage(t);
  // Side by side: libvirtd takes seconds to answer.
  const [lv, ctl] = await Promise.all([startLibvirtd(), startController(tmpDir())]);
  const adir = tmpDir('ngl-');
  const args = ['--schemes', 'libvirt', '--libvirt-uri', lv.uri, '--image-dir', join(ROOT, '.cache/guest')];
  let agent: Proc = startAgent(ctl.address, adir, { joinToken: await joinToken(ctl), args });
  const api = vmApi(ctl);
  t.teardown(async () => {
    api.close();
    await agent.kill();
    await ctl.kill();
    killWith(adir);
    await lv.stop();
  });
  await waitFor(async () => (await listHosts(ctl))[0]?.schemes.includes('libvirt'), {
    timeoutMs: 60_000,
    message: 'agent offers libvirt',
  }).catch((e) => {
    t.comment(agent.output().slice(-3000));
    throw e;
  });
  const hostId = hostIdOf(adir);
  const domains = () => lv.virsh(['list', '--all', '--name']).stdout.trim().split('\n').filter(Boolean);
  const domstate = (name: string) => lv.virsh(['domstate', name]).stdout.trim();

  const created = await api.create(hostId, {
    scheme: 'libvirt',
    vcpus: 1,
    memoryMib: 128,
    diskGib: 1,
    config: { title: 'Hello from libvirt' },
  });
  let vm = await api.waitState(created.id, 'VM_STATE_RUNNING', 90_000);
  const dom = `nephele-${vm.id}`;
  t.ok(vm.guestReady, 'guest agent ready over the virtio-serial channel');
  const page = await waitFor(async () => (await httpGet(vm.hostPort)).body, {
    timeoutMs: 30_000,
    message: 'appliance page',
  });
  t.match(page, /Hello from libvirt/, 'appliance page through the port forward, with the configured title');
  t.same(domains(), [dom], 'one domain, named after the VM');
  t.equal(domstate(dom), 'running', 'libvirt says running');
  t.equal(vmRoots(dom).length, 1, 'one QEMU');
  const written = readFileSync(join(adir, 'libvirt', vm.id, 'domain.xml'), 'utf8');
  t.equal(validateDomainXml(written), '', 'virt-xml-validate accepts the domain XML the driver defined');

  vm = await suspendResumeReboot(t, api, vm, () => t.equal(domstate(dom), 'paused', 'libvirt says paused'));

  await api.act('StopVm', vm.id);
  await api.waitState(vm.id, 'VM_STATE_STOPPED', 60_000);
  t.equal(processesWith(dom).length, 0, 'no QEMU when stopped');
  t.equal(domstate(dom), 'shut off', 'the domain stays defined, shut off');
  t.ok(existsSync(join(adir, 'libvirt', vm.id, 'overlay.qcow2')), 'disk kept');
  await api.act('StartVm', vm.id);
  vm = await api.waitState(vm.id, 'VM_STATE_RUNNING', 90_000);
  t.match(
    await waitFor(async () => (await httpGet(vm.hostPort)).body, { timeoutMs: 30_000 }),
    /Hello from libvirt/,
    'serving again after start (config applied once, kept on the disk)',
  );

  // kill -9 the agent: the domain keeps running and is re-attached, never started twice.
  const before = processesWith(dom);
  t.equal(before.length, 1);
  await agent.kill();
  t.equal(domstate(dom), 'running', 'the domain runs on without the agent');
  agent = startAgent(ctl.address, adir, { args });
  await waitFor(() => /vm re-attached/.test(agent.output()), { timeoutMs: 60_000, message: 're-attached' });
  await waitFor(async () => (await listHosts(ctl))[0]?.peer, { timeoutMs: 30_000, message: 'agent back' });
  t.same(processesWith(dom), before, 'exactly the same one QEMU');
  vm = await api.waitState(vm.id, 'VM_STATE_RUNNING');
  t.ok(vm.guestReady, 'guest ready after the re-attach (the guest channel reconnected)');
  t.equal((await httpGet(vm.hostPort, 5000)).status, 200, 'still serving');

  await api.act('DestroyVm', vm.id);
  await api.waitState(vm.id, 'VM_STATE_DESTROYED', 30_000);
  t.equal(processesWith(dom).length, 0, 'no QEMU');
  t.same(domains(), [], 'no domain left (undefined)');
  t.notOk(existsSync(join(adir, 'libvirt', vm.id)), 'overlay, sockets and logs gone');
});
