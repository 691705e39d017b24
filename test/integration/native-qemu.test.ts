// virsh, xl, vmrun and qm vocabularies drive ONE real qemu guest through the
// real CLI and a real controller and agent: suspend, resume, shutdown and
// start, the verbs spread across the four tools, each answering in its style.
import t from 'tap';
import { cli, hostIdOf, startController } from '../helpers/procs.js';
import { buildGuestImage, haveQemu, qemuOrSkip, startQemuAgent } from '../helpers/qemu.js';
import { httpGet, vmApi } from '../helpers/vms.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

qemuOrSkip('native-qemu');
t.setTimeout(300_000);

t.test('one qemu guest through start/suspend/resume/shutdown in four vocabularies', async (t) => {
  t.ok(haveQemu, 'QEMU is installed (.ci/run installs it)');
  if (!buildGuestImage(t)) return;
  const t0 = Date.now();
  const ctl = await startController(tmpDir());
  t.teardown(() => ctl.kill());
  const dir = tmpDir('ngn-');
  await startQemuAgent(t, ctl, dir);
  const api = vmApi(ctl);
  t.teardown(() => api.close());
  const native = (...args: string[]) =>
    cli(['--controller', ctl.address, '--data-dir', ctl.dataDir, 'native', ...args]);
  const ok = async (args: string[], stdout: string | RegExp) => {
    const r = await native(...args);
    t.same([r.code, r.stderr], [0, ''], `${args.join(' ')}: exit 0`);
    if (typeof stdout === 'string') t.equal(r.stdout, stdout, `${args.join(' ')}: answer`);
    else t.match(r.stdout, stdout, `${args.join(' ')}: answer`);
  };
  const vm = await api.create(
    hostIdOf(dir),
    { scheme: 'qemu', vcpus: 1, memoryMib: 128, diskGib: 1 },
    { name: 'web-1' },
  );
  const up = await api.waitState(vm.id, 'VM_STATE_RUNNING', 120_000);
  t.comment(`guest up after ${Date.now() - t0} ms (controller, agent with its probe guest, first boot)`);
  const page = () => waitFor(async () => (await httpGet(up.hostPort)).body, { timeoutMs: 60_000, message: 'page' });
  await page();

  // virsh suspend → qm sees it paused; qm resume → the page answers again.
  await ok(['virsh', 'suspend', 'web-1'], "Domain 'web-1' suspended\n\n");
  await api.waitState(vm.id, 'VM_STATE_SUSPENDED');
  await Promise.all([
    ok(['qm', 'status', 'web-1', '--verbose'], /qmpstatus: paused\nstatus: running\n/),
    ok(
      ['virsh', 'dominfo', 'web-1'],
      /^Id: +\S+\nName: +web-1\n[^]*OS Type: +hvm\nState: +paused\nCPU\(s\): +1\nMax memory: +131072 KiB\n/,
    ),
  ]);
  await t.rejects(httpGet(up.hostPort, 500), 'a paused guest does not answer');
  await ok(['qm', 'resume', 'web-1'], '');
  await api.waitState(vm.id, 'VM_STATE_RUNNING');
  t.ok(await page(), 'serves its page after the resume');

  // xl shutdown: graceful.
  await ok(['xl', 'shutdown', 'web-1'], `Shutting down domain ${vm.id}\n`);
  const down = await api.waitState(vm.id, 'VM_STATE_STOPPED', 60_000);
  t.equal(down.stateReason, 'stopped as requested', 'a graceful stop');

  // vmrun start → running again; xl pause / virsh resume; qm shutdown.
  await ok(['vmrun', 'start', '/nephele/default/web-1.vmx', 'nogui'], '');
  const again = await api.waitState(vm.id, 'VM_STATE_RUNNING', 120_000);
  await ok(['xl', 'pause', 'web-1'], '');
  await api.waitState(vm.id, 'VM_STATE_SUSPENDED');
  await ok(['xl', 'list'], new RegExp(`\\nweb-1 +${vm.id} +128 +1 +--p--- +-\\n`));
  await ok(['virsh', 'resume', 'web-1'], "Domain 'web-1' resumed\n\n");
  await api.waitState(vm.id, 'VM_STATE_RUNNING');
  t.ok(await waitFor(async () => (await httpGet(again.hostPort)).body, { message: 'page after start' }));
  await ok(['qm', 'shutdown', vm.id], '');
  await api.waitState(vm.id, 'VM_STATE_STOPPED', 60_000);
  t.comment(`all done after ${Date.now() - t0} ms`);
  await ok(['virsh', 'list', '--all'], new RegExp(` - +web-1 +shut off\\n`));
});
