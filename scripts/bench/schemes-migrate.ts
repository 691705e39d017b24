import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Vm__Output as Vm } from '../../common/gen/nephele/v1/Vm.js';
import type { Host__Output as Host } from '../../common/gen/nephele/v1/Host.js';
import type { MigrateAcrossSchemesResponse__Output as AcrossRes } from '../../common/gen/nephele/v1/MigrateAcrossSchemesResponse.js';
import type { AdminClient } from '../../controller/cli/client.js';
import { track, stopChild, tempDir, removeDir } from './children.js';
import { DIST, ROOT, createJoinToken, startController, waitHostReady } from './controller.js';
import { fig, median, type Figures } from './results.js';
import { bareBoot, ensureGuestImage, getVm, qemuCmdline, until } from './vms.js';

// schemes.migrate_s: one cold migration of a qemu guest to another agent offering the
// target scheme (BENCH_MIGRATE_SCHEME, default qemu: MigrateVm; any other scheme:
// MigrateAcrossSchemes), from the call to the guest running healthy there, beside
// qemu.bare_boot_ms (a bare qemu-system-x86_64 boot of the same command line) in the same run.

const scheme = () => process.env.BENCH_MIGRATE_SCHEME ?? 'qemu';
const runs = () => Math.max(1, Number(process.env.BENCH_MIGRATE_RUNS ?? 3));

function agent(address: string, dir: string, name: string, token: string, schemes: string): ChildProcess {
  const args = [join(DIST, 'agent/main.js'), '--controller', address, '--data-dir', dir, '--name', name, '--join-token', token];
  args.push('--schemes', schemes, '--image-dir', join(ROOT, '.cache/guest'), '--log-level', 'warn', '--guest-vcpus', '2');
  // A libvirt target talks to the libvirtd named here (default: the agent's, qemu:///system).
  if (schemes.includes('libvirt') && process.env.BENCH_LIBVIRT_URI) args.push('--libvirt-uri', process.env.BENCH_LIBVIRT_URI);
  return track(spawn(process.execPath, args, { stdio: 'ignore' }));
}

async function offering(a: AdminClient, name: string, s: string): Promise<string> {
  const host = await waitHostReady(a, name, 90_000);
  await until(async () => {
    const h = (await a.call<{ host: Host }>((md, o, cb) => a.hosts.GetHost({ hostId: host.id }, md, o, cb as never))).host;
    return h.schemes.includes(s) && Number(h.free?.vcpus) > 0 ? true : undefined;
  }, 90_000, `${name} offers ${s}`, 200);
  return host.id;
}

/** One migration of `vmId` to `hostId` under `to`; resolves with the seconds it took, call to healthy. */
async function migrate(a: AdminClient, vmId: string, hostId: string, to: string, from: string): Promise<number> {
  const deadline = { deadline: Date.now() + 10 * 60_000 };
  const t0 = performance.now();
  if (to === from) await a.call((md, _o, cb) => a.vms.MigrateVm({ vmId, targetHostId: hostId }, md, deadline, cb));
  else await a.call<AcrossRes>((md, _o, cb) => a.schemes.MigrateAcrossSchemes({ vmId, targetScheme: to, targetHostId: hostId }, md, deadline, cb));
  return (performance.now() - t0) / 1000;
}

export async function runSchemesMigrate(): Promise<Figures> {
  ensureGuestImage();
  const to = scheme();
  const cdir = tempDir('nephele-bench-mig-ctl-');
  const dirs = [tempDir('nbm-'), tempDir('nbm-')];
  const ctl = await startController(cdir, ['--rate-limit', '5000']);
  const a = ctl.admin();
  const agents = [
    agent(ctl.address, dirs[0]!, 'bench-mig-src', await createJoinToken(a), 'qemu'),
    agent(ctl.address, dirs[1]!, 'bench-mig-dst', await createJoinToken(a), to === 'qemu' ? 'qemu' : `qemu,${to}`),
  ];
  try {
    const src = await offering(a, 'bench-mig-src', 'qemu');
    const dst = await offering(a, 'bench-mig-dst', to);
    const spec = { scheme: 'qemu', vcpus: 1, memoryMib: 128, diskGib: 1, config: { title: 'migrated' } };
    const vm = (await a.call<{ vm: Vm }>((md, o, cb) => a.vms.CreateVm({ hostId: src, spec }, md, o, cb as never))).vm;
    const healthy = async () => {
      const v = await getVm(a, vm.id);
      return v.state === 'VM_STATE_RUNNING' && v.guestReady ? v : undefined;
    };
    await until(healthy, 120_000, 'guest ready', 20);
    const cmdline = qemuCmdline(vm.id);
    const ours: number[] = [];
    for (let i = 0; i < runs(); i++) {
      ours.push(await migrate(a, vm.id, dst, to, 'qemu'));
      process.stdout.write(`  migration ${i + 1}: qemu -> ${to} in ${ours.at(-1)!.toFixed(2)} s\n`);
      // Back again, unmeasured, for the next run.
      if (i + 1 < runs()) await migrate(a, vm.id, src, 'qemu', to);
    }
    const bare: number[] = [];
    for (let i = 0; i < 3; i++) bare.push(await bareBoot(cmdline, join(dirs[0]!, 'vms', vm.id)));
    process.stdout.write(`  bare qemu boot: ${bare.map((b) => b.toFixed(0)).join(', ')} ms\n`);
    return {
      'schemes.migrate_s': fig(median(ours), 's', 2),
      'qemu.bare_boot_ms': fig(median(bare), 'ms', 0),
    };
  } finally {
    a.close();
    for (const g of agents) await stopChild(g);
    await ctl.stop();
    for (const d of dirs) spawnSync('pkill', ['-9', '-f', d!]);
    removeDir(cdir);
    for (const d of dirs) removeDir(d!);
  }
}
