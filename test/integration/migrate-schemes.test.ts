// MigrateAcrossSchemes orchestration through the real controller and the real CLI
// (`nephele vm migrate VM --scheme libvirt`), with agents speaking the real protocol
// (fake-agent): the source offers qemu and hands its disk over (PutDisk), the target
// offers libvirt and downloads the moved disk (GetDisk). The target refuses first (and
// another target host goes away with the VM):
// rolled back, the VM runs on its source again at a consistent generation; then it
// accepts: host and scheme changed together, the same disk bytes arrived there.
import t from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ListEventsResponse__Output } from '../../common/gen/nephele/v1/ListEventsResponse.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, hostsReady, joinToken, startController, type ControllerProc } from '../helpers/procs.js';
import { fakeAgent, fakeInventory } from '../helpers/fake-agent.js';
import { vmApi } from '../helpers/vms.js';

async function eventsOf(ctl: ControllerProc, type: string) {
  const a = ctl.admin();
  try {
    const r = await a.call<ListEventsResponse__Output>((md, o, cb) =>
      a.events.ListEvents({ sinceSeq: 0, pageSize: 1000, filter: { typePrefix: type } }, md, o, cb),
    );
    return r.events;
  } finally {
    a.close();
  }
}

t.test(
  'qemu to libvirt: a refusal and a vanished target roll back to the source; then it moves, disk and all',
  async (t) => {
    const ctl = await startController(tmpDir());
    const disk = join(tmpDir(), 'overlay.qcow2');
    writeFileSync(disk, randomBytes(3 * 256 * 1024 + 17)); // several chunks, the last one short
    const withScheme = (name: string, scheme: string) => ({
      inventory: { ...fakeInventory(name), schemes: [scheme] },
      hello: { schemes: [scheme] },
    });
    const src = await fakeAgent(ctl, {
      joinToken: await joinToken(ctl),
      name: 'src',
      disk,
      ...withScheme('src', 'qemu'),
    });
    let refuse = true;
    const dst = await fakeAgent(ctl, {
      joinToken: await joinToken(ctl),
      name: 'dst',
      fetchDisks: true,
      disk, // hands it back on the way home
      answer: () =>
        refuse
          ? { state: 'VM_STATE_FAILED', reason: 'simulated: libvirtd refused the domain' }
          : { state: 'VM_STATE_RUNNING', reason: 'running' },
      ...withScheme('dst', 'libvirt'),
    });
    const api = vmApi(ctl);
    t.teardown(async () => {
      api.close();
      src.close();
      dst.close();
      await ctl.kill();
    });
    const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir];
    const vm = await api.create(src.hostId, { scheme: 'qemu', vcpus: 1, memoryMib: 256, diskGib: 1 }, { name: 'web' });
    await waitFor(async () => (await api.get(vm.id)).state === 'VM_STATE_RUNNING', { message: 'running on src' });
    const g0 = Number(vm.generation);

    // Not every pair can go: a process has no disk image to carry a qemu disk over to.
    const nope = await cli([...base, 'vm', 'migrate', 'web', '--scheme', 'process']);
    t.equal(nope.code, 1);
    t.match(nope.stderr, /FAILED_PRECONDITION: cannot migrate qemu to process: a qemu vm runs from a disk image/);
    t.equal(nope.stdout, '');

    // Never where it is: the current host as the target is refused, naming the field.
    const a = ctl.admin();
    t.teardown(() => a.close());
    await t.rejects(
      a.call((md, o, cb) => a.vms.MigrateVm({ vmId: vm.id, targetHostId: src.hostId }, md, o, cb)),
      { code: 3, details: /target_host_id: is the host the vm runs on now/ },
    );

    // The target refuses: rolled back, on the source again, never re-placed anywhere else.
    const rolled = await cli([...base, 'vm', 'migrate', 'web', '--scheme', 'libvirt']);
    t.equal(rolled.code, 1, rolled.stdout);
    t.match(rolled.stderr, /FAILED_PRECONDITION: migration rolled back: the target host could not run it: simulated/);
    t.equal(rolled.stdout, '');
    const back = await waitFor(
      async () => {
        const v = await api.get(vm.id);
        return v.state === 'VM_STATE_RUNNING' && v.hostId === src.hostId ? v : undefined;
      },
      { message: 'running on src again' },
    );
    t.equal(Number(back.generation), g0 + 2, 'there (+1) and back (+2): each copy fenced by its generation');
    t.equal(back.spec?.scheme, 'qemu', 'its scheme back too');
    t.equal(dst.answered.get(vm.id), g0 + 1, 'the target saw only the migration generation');
    t.equal((await eventsOf(ctl, 'vm.migrate_rolled_back')).length, 1);

    // The target host goes away with it (no answer, its session gone): rolled back again.
    const gone = await fakeAgent(ctl, {
      joinToken: await joinToken(ctl),
      name: 'gone',
      answer: () => void setImmediate(() => gone.close()),
      ...withScheme('gone', 'libvirt'),
    });
    t.teardown(() => gone.close());
    await hostsReady(ctl, 3); // its inventory in: the planner knows its room (else "not enough vcpus")
    await t.rejects(
      a.call((md, o, cb) =>
        a.schemes.MigrateAcrossSchemes({ vmId: vm.id, targetScheme: 'libvirt', targetHostId: gone.hostId }, md, o, cb),
      ),
      { code: 9, details: /migration rolled back: the target host went away/ },
    );
    const home = await waitFor(
      async () => {
        const v = await api.get(vm.id);
        return v.state === 'VM_STATE_RUNNING' && v.hostId === src.hostId ? v : undefined;
      },
      { message: 'running on src again' },
    );
    t.equal(Number(home.generation), g0 + 4, 'there and back once more');

    // Now it accepts: host and scheme change together, the disk arrives byte for byte.
    refuse = false;
    const ok = await cli([...base, '--json', 'vm', 'migrate', 'web', '--scheme', 'libvirt', '--host', 'dst']);
    t.equal(ok.code, 0, ok.stderr);
    const out = JSON.parse(ok.stdout) as {
      vm: { hostId: string; generation: string; spec: { scheme: string } };
      fromHostId: string;
      fromScheme: string;
      diskConverted: boolean;
      seconds: number;
    };
    t.match(out, { fromHostId: src.hostId, fromScheme: 'qemu', diskConverted: false });
    t.match(out.vm, { hostId: dst.hostId, spec: { scheme: 'libvirt' } });
    t.ok(out.seconds > 0 && out.seconds < 60, `took ${out.seconds} s`);
    const now = await api.get(vm.id);
    t.equal(Number(now.generation), g0 + 5);
    t.match(now, { hostId: dst.hostId, state: 'VM_STATE_RUNNING', spec: { scheme: 'libvirt' } });
    const want = createHash('sha256').update(readFileSync(disk)).digest('hex');
    t.equal(dst.imported.get(vm.id), want, 'the moved disk arrived whole (qcow2 both sides: not converted)');
    t.equal((await eventsOf(ctl, 'vm.migrate_finished')).length, 1);
    t.equal((await eventsOf(ctl, 'vm.migrate_started')).length, 3);
    const audit = (await eventsOf(ctl, 'audit.call')).filter(
      (e) => e.attributes?.rpc === 'SchemeService.MigrateAcrossSchemes',
    );
    t.ok(audit.length >= 2, 'both calls audited');

    // A human's view of the same: where it went and how long it took.
    const human = await cli([...base, 'vm', 'migrate', 'web', '--scheme', 'qemu', '--host', 'src']);
    t.equal(human.code, 0, human.stderr);
    t.match(human.stdout, /from:\s+\S+ \(libvirt\)/);
    t.match(human.stdout, /to:\s+src \S+ \(qemu\)/);
    t.match(human.stdout, /took:\s+\d+\.\d s/);

    // A retried call (same request_id) answers with the vm, never a second migration.
    const across = (requestId: string) =>
      a.call<{ vm: { hostId: string; generation: string } }>((md, o, cb) =>
        a.schemes.MigrateAcrossSchemes({ vmId: vm.id, targetScheme: 'libvirt', requestId }, md, o, cb as never),
      );
    const first = await across('mig-1');
    const again = await across('mig-1');
    t.equal(first.vm.hostId, dst.hostId);
    t.same(again.vm, first.vm, 'the replay answers with the vm as it is');
    t.equal((await eventsOf(ctl, 'vm.migrate_started')).length, 5, 'no second migration');
  },
);
