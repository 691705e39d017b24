// MigrateVm of a real qemu guest between two real agents, through the CLI
// (`nephele vm migrate VM --host H`): stopped, its overlay handed over, started on
// the target from the moved disk. What the guest wrote to its data disk before
// (the appliance's configured title, stored there at first boot) is what it serves
// after; a new generation fences the old copy, which its host removes; the
// controller drops its copy of the disk once the guest runs healthy there.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, hostIdOf, joinToken, listHosts, ROOT, startAgent, startController, type Proc } from '../helpers/procs.js';
import { httpGet, processesWith, vmApi, vmRoots, killWith } from '../helpers/vms.js';
import { buildGuestImage, haveQemu, qemuOrSkip } from '../helpers/qemu.js';

qemuOrSkip('migrate-qemu');

t.test('a qemu guest migrated to another host keeps its data disk', async (t) => {
  t.ok(haveQemu, 'QEMU is installed (.ci/run installs it)');
  if (!haveQemu) return;
  buildGuestImage(t);
  const ctl = await startController(tmpDir());
  const dirs = [tmpDir('ngm-'), tmpDir('ngm-')] as const;
  const agents: Proc[] = [];
  for (const [i, dir] of dirs.entries())
    agents.push(
      startAgent(ctl.address, dir, {
        joinToken: await joinToken(ctl),
        name: `host-${i}`,
        args: ['--schemes', 'qemu', '--image-dir', join(ROOT, '.cache/guest'), '--guest-vcpus', '2'],
      }),
    );
  const api = vmApi(ctl);
  t.teardown(async () => {
    api.close();
    for (const a of agents) await a.kill();
    await ctl.kill();
    for (const d of dirs) killWith(d);
  });
  await waitFor(
    async () =>
      (await listHosts(ctl)).filter(
        (h) => h.state === 'HOST_STATE_READY' && h.schemes.includes('qemu') && Number(h.free?.vcpus) > 0,
      ).length === 2,
    { timeoutMs: 60_000, message: 'both agents offer qemu' },
  );
  const [from, to] = dirs.map((d) => hostIdOf(d)) as [string, string];
  const title = `written before the move ${randomBytes(6).toString('hex')}`;
  const vm = await api.create(
    from,
    { scheme: 'qemu', vcpus: 1, memoryMib: 128, diskGib: 1, config: { title } },
    { name: 'mover' },
  );
  const up = await waitFor(
    async () => {
      const v = await api.get(vm.id);
      return v.state === 'VM_STATE_RUNNING' && v.guestReady ? v : undefined;
    },
    { timeoutMs: 90_000, message: 'guest up on the first host' },
  );
  t.match((await httpGet(up.hostPort)).body, title, 'the title is on its data disk');

  const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir];
  const r = await cli([...base, '--json', 'vm', 'migrate', 'mover', '--host', 'host-1']);
  t.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { vm: { hostId: string; generation: string }; fromHostId: string };
  t.equal(out.fromHostId, from);
  t.equal(out.vm.hostId, to, 'answered once it runs on the named host');
  const moved = await api.get(vm.id);
  t.equal(Number(moved.generation), Number(up.generation) + 1, 'a new generation fences the old copy');
  t.ok(moved.state === 'VM_STATE_RUNNING' && moved.guestReady, 'running healthy there');
  t.match(
    readFileSync(join(dirs[1], 'vms', vm.id, 'config-applied'), 'utf8'),
    /carried by the moved disk/,
    'created from the moved disk (its config not applied afresh)',
  );
  t.match((await httpGet(moved.hostPort)).body, title, 'what it wrote to its data disk survived the move');
  // Its QEMU runs under the host's data dir (the agent itself has that dir on its command line too).
  const qemus = (dir: string) => processesWith(`nephele-${vm.id}`).filter((p) => processesWith(dir).includes(p));
  await waitFor(() => !existsSync(join(dirs[0], 'vms', vm.id)) && qemus(dirs[0]).length === 0, {
    timeoutMs: 30_000,
    message: 'the old host has no copy left',
  });
  t.equal(vmRoots(`nephele-${vm.id}`).length, 1, 'one QEMU for it');
  t.equal(qemus(dirs[1]).length, 1, 'on the new host');
  t.same(readdirSync(join(ctl.dataDir, 'transfers')), [], 'the controller dropped its copy of the disk');
});
