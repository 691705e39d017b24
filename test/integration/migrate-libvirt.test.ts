// A qemu guest migrated to libvirt on another agent and back (MigrateAcrossSchemes
// through the CLI: `nephele vm migrate VM --scheme libvirt`), on a real libvirtd the
// test starts (test/helpers/libvirt.ts). What the guest wrote to its data disk at
// first boot (the appliance's configured title) is served after both moves, each
// target created from the moved disk (qcow2 on both sides: not converted); each move
// bumps the generation, and the host it left has no copy (no domain left defined).
// One guest.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, hostIdOf, joinToken, listHosts, ROOT, startAgent, startController, type Proc } from '../helpers/procs.js';
import { httpGet, vmApi, vmRoots, killWith } from '../helpers/vms.js';
import { buildGuestImage, haveQemu } from '../helpers/qemu.js';
import { haveLibvirt, libvirtOrSkip, startLibvirtd } from '../helpers/libvirt.js';

libvirtOrSkip('migrate-libvirt');

type Out = {
  vm: { hostId: string; generation: string; spec: { scheme: string } };
  fromHostId: string;
  fromScheme: string;
  diskConverted: boolean;
  seconds: number;
};

t.test('qemu to libvirt on another agent and back: the data disk survives both moves', async (t) => {
  t.ok(haveLibvirt && haveQemu, 'libvirt and QEMU are installed (.ci/run installs them)');
  if (!haveLibvirt || !haveQemu) return;
  buildGuestImage(t);
  const lv = await startLibvirtd();
  const ctl = await startController(tmpDir());
  const qdir = tmpDir('ngmq-');
  const ldir = tmpDir('ngml-');
  const image = ['--image-dir', join(ROOT, '.cache/guest'), '--guest-vcpus', '2'];
  const agents: Proc[] = [
    startAgent(ctl.address, qdir, {
      joinToken: await joinToken(ctl),
      name: 'q-host',
      args: ['--schemes', 'qemu', ...image],
    }),
    startAgent(ctl.address, ldir, {
      joinToken: await joinToken(ctl),
      name: 'l-host',
      args: ['--schemes', 'libvirt', '--libvirt-uri', lv.uri, ...image],
    }),
  ];
  const api = vmApi(ctl);
  t.teardown(async () => {
    api.close();
    for (const a of agents) await a.kill();
    await ctl.kill();
    for (const d of [qdir, ldir]) killWith(d);
    await lv.stop();
  });
  await waitFor(
    async () => {
      const hs = (await listHosts(ctl)).filter((h) => h.state === 'HOST_STATE_READY' && Number(h.free?.vcpus) > 0);
      return hs.some((h) => h.schemes.includes('qemu')) && hs.some((h) => h.schemes.includes('libvirt'));
    },
    { timeoutMs: 90_000, message: 'one agent offers qemu, the other libvirt' },
  ).catch((e) => {
    for (const a of agents) t.comment(a.output().slice(-2000));
    throw e;
  });
  const [qhost, lhost] = [hostIdOf(qdir), hostIdOf(ldir)];
  const domains = () => lv.virsh(['list', '--all', '--name']).stdout.trim().split('\n').filter(Boolean);

  const title = `written before the moves ${randomBytes(6).toString('hex')}`;
  const vm = await api.create(
    qhost,
    { scheme: 'qemu', vcpus: 1, memoryMib: 128, diskGib: 1, config: { title } },
    { name: 'wanderer' },
  );
  const healthy = (hostId: string) =>
    waitFor(
      async () => {
        const v = await api.get(vm.id);
        return v.hostId === hostId && v.state === 'VM_STATE_RUNNING' && v.guestReady ? v : undefined;
      },
      { timeoutMs: 90_000, message: 'guest healthy' },
    );
  const g0 = Number((await healthy(qhost)).generation);
  const page = async () =>
    (await waitFor(async () => (await httpGet((await api.get(vm.id)).hostPort)).body, { timeoutMs: 30_000 })) ?? '';
  t.match(await page(), title, 'the title is on its data disk (qemu)');
  const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir];

  // There: qemu on q-host -> libvirt on l-host.
  const there = await cli([...base, '--json', 'vm', 'migrate', 'wanderer', '--scheme', 'libvirt']);
  t.equal(there.code, 0, there.stderr);
  const o1 = JSON.parse(there.stdout) as Out;
  t.match(o1, { fromHostId: qhost, fromScheme: 'qemu', diskConverted: false });
  t.match(o1.vm, { hostId: lhost, spec: { scheme: 'libvirt' } });
  const onL = await healthy(lhost);
  t.equal(Number(onL.generation), g0 + 1, 'the move fenced the qemu copy');
  t.same(domains(), [`nephele-${vm.id}`], 'a libvirt domain for it');
  t.match(
    readFileSync(join(ldir, 'libvirt', vm.id, 'config-applied'), 'utf8'),
    /carried by the moved disk/,
    'the domain runs from the moved disk (its config not applied afresh)',
  );
  t.match(await page(), title, 'what it wrote to its data disk survived the move to libvirt');
  await waitFor(() => !existsSync(join(qdir, 'vms', vm.id)), { timeoutMs: 30_000, message: 'no copy on q-host' });

  // And back: libvirt on l-host -> qemu on q-host.
  const back = await cli([...base, '--json', 'vm', 'migrate', 'wanderer', '--scheme', 'qemu', '--host', 'q-host']);
  t.equal(back.code, 0, back.stderr);
  const o2 = JSON.parse(back.stdout) as Out;
  t.match(o2, { fromHostId: lhost, fromScheme: 'libvirt', diskConverted: false });
  const onQ = await healthy(qhost);
  t.equal(Number(onQ.generation), g0 + 2, 'the move back fenced the libvirt copy');
  t.equal(onQ.spec?.scheme, 'qemu');
  t.match(
    readFileSync(join(qdir, 'vms', vm.id, 'config-applied'), 'utf8'),
    /carried by the moved disk/,
    'back on qemu from the moved disk',
  );
  t.match(await page(), title, 'and survived the move back');
  await waitFor(() => domains().length === 0 && !existsSync(join(ldir, 'libvirt', vm.id)), {
    timeoutMs: 30_000,
    message: 'no domain and no files left on l-host',
  });
  t.equal(vmRoots(`nephele-${vm.id}`).length, 1, 'one QEMU for it');
});
