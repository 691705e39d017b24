import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Vm__Output as Vm } from '../../common/gen/nephele/v1/Vm.js';
import type { Host__Output as Host } from '../../common/gen/nephele/v1/Host.js';
import type { AdminClient } from '../../controller/cli/client.js';
import { track, stopChild, tempDir, removeDir } from './children.js';
import { DIST, ROOT, createJoinToken, startController, waitHostReady } from './controller.js';
import { fig, median, type Figures } from './results.js';
import { children } from '../../agent/drivers/process/proc.js';
import { rssBytes } from '../../agent/drivers/proc.js';

// VM benchmarks: create -> guest ready through the controller against bare
// qemu-system-x86_64 with the same command line, and 200 process VMs on one agent.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function getVm(a: AdminClient, vmId: string): Promise<Vm> {
  return (await a.call<{ vm: Vm }>((md, o, cb) => a.vms.GetVm({ vmId }, md, o, cb as never))).vm;
}

export async function until<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(everyMs);
  }
}

export async function withAgent<T>(schemes: string, fn: (a: AdminClient, hostId: string, agentDir: string) => Promise<T>, agentArgs: string[] = []): Promise<T> {
  const cdir = tempDir('nephele-bench-vm-ctl-');
  const adir = tempDir('nbv-');
  const ctl = await startController(cdir, ['--rate-limit', '5000']);
  const admin = ctl.admin();
  const agent = track(spawn(process.execPath, [join(DIST, 'agent/main.js'), '--controller', ctl.address, '--data-dir', adir, '--name', 'bench-vm-agent', '--join-token', await createJoinToken(admin), '--schemes', schemes, '--image-dir', join(ROOT, '.cache/guest'), '--log-level', 'warn', ...agentArgs], { stdio: 'ignore' }));
  try {
    const host = await waitHostReady(admin, 'bench-vm-agent', 90_000);
    // Pinned VMs must fit the host's reported capacity: wait for the driver and the inventory.
    await until(async () => {
      const h = (await admin.call<{ host: Host }>((md, o, cb) => admin.hosts.GetHost({ hostId: host.id }, md, o, cb as never))).host;
      return h.schemes.includes(schemes.split(',')[0]!) && h.inventory ? true : undefined;
    }, 60_000, 'driver ready', 200);
    return await fn(admin, host.id, adir);
  } finally {
    admin.close();
    await stopChild(agent);
    await ctl.stop();
    // VMs outlive their agent by design; the bench cleans up after itself.
    spawnSync('pkill', ['-9', '-f', adir]);
    removeDir(cdir);
    removeDir(adir);
  }
}

/** The command line the driver started VM `vmId`'s QEMU with. */
export function qemuCmdline(vmId: string): string[] {
  const pid = spawnSync('pgrep', ['-f', `nephele-${vmId}`], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

/** Boots the same command line as the driver did, fresh overlay, until the guest agent says ready. */
export async function bareBoot(cmdline: string[], vmDir: string): Promise<number> {
  const dir = tempDir('nbq-');
  try {
    const args = cmdline.slice(1).map((a) => a.split(vmDir).join(dir));
    // A fresh overlay on the image's base disk, as the driver makes one (its own base copy
    // went with the destroyed VM).
    const base = join(ROOT, '.cache/guest/nephele-guest/data.qcow2');
    spawnSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', base, '-F', 'qcow2', join(dir, 'overlay.qcow2')]);
    const hp = args.findIndex((a) => a.startsWith('user,'));
    if (hp >= 0) args[hp] = args[hp]!.replace(/hostfwd=tcp:127\.0\.0\.1:\d+-/, 'hostfwd=tcp:127.0.0.1:0-');
    const t0 = performance.now();
    const q = track(spawn(cmdline[0]!, args, { stdio: 'ignore' }));
    const ms = await until(
      () =>
        new Promise<number | undefined>((resolve) => {
          const s = connect(join(dir, 'ga.sock'));
          let buf = '';
          s.on('data', (d) => {
            buf += d;
            if (/^ready /m.test(buf)) {
              s.destroy();
              resolve(performance.now() - t0);
            }
          });
          s.on('error', () => resolve(undefined));
          s.on('close', () => resolve(undefined));
        }),
      60_000,
      'bare guest ready',
      10,
    );
    await stopChild(q, 1000);
    return ms;
  } finally {
    removeDir(dir);
  }
}

/** Builds the guest image unless it is up to date (its inputs hashed: a changed guest agent rebuilds it). */
export function ensureGuestImage(): void {
  const build = spawnSync('bash', [join(ROOT, 'scripts/make-guest-image.sh')], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('guest image build failed');
}

export async function runQemu(): Promise<Figures> {
  ensureGuestImage();
  return withAgent('qemu', async (a, hostId, adir) => {
    const ours: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const vm = (await a.call<{ vm: Vm }>((md, o, cb) => a.vms.CreateVm({ hostId, spec: { scheme: 'qemu', vcpus: 1, memoryMib: 128, diskGib: 1 } }, md, o, cb as never))).vm;
      await until(async () => ((await getVm(a, vm.id)).state === 'VM_STATE_RUNNING' ? true : undefined), 90_000, 'vm running', 10);
      ours.push(performance.now() - t0);
      // The bare run reuses this VM's exact command line.
      const cmdline = qemuCmdline(vm.id);
      await a.call((md, o, cb) => a.vms.DestroyVm({ vmId: vm.id }, md, o, cb));
      await until(async () => ((await getVm(a, vm.id)).state === 'VM_STATE_DESTROYED' ? true : undefined), 60_000, 'destroyed', 50);
      bare.push(await bareBoot(cmdline, join(adir, 'vms', vm.id)).catch(async () => bareBoot(cmdline, join(adir, 'vms', vm.id))));
      process.stdout.write(`  qemu run ${i + 1}: controller ${ours.at(-1)!.toFixed(0)} ms, bare ${bare.at(-1)!.toFixed(0)} ms\n`);
    }
    return {
      'qemu.create_to_ready_ms': fig(median(ours), 'ms', 0),
      'qemu.bare_boot_ms': fig(median(bare), 'ms', 0),
      'qemu.ready_ratio': fig(median(ours) / median(bare), 'x', 3),
    };
  });
}

export async function runProcess200(): Promise<Figures> {
  const n = Number(process.env.BENCH_PROCESS_VMS ?? 200);
  // Every VM reserves its vCPU: the host advertises enough of them (best-effort pins may overcommit ×2).
  return withAgent('process', async (a, hostId, adir) => {
    const t0 = performance.now();
    const ids = await Promise.all(
      Array.from({ length: n }, async () =>
        (await a.call<{ vm: Vm }>((md, o, cb) => a.vms.CreateVm({ hostId, spec: { scheme: 'process', vcpus: 1, memoryMib: 16, diskGib: 1 } }, md, o, cb as never))).vm.id,
      ),
    );
    const want = new Set(ids);
    await until(async () => {
      const r = await a.call<{ vms: Vm[] }>((md, o, cb) => a.vms.ListVms({ pageSize: 1000, hostId }, md, o, cb as never));
      return r.vms.filter((v) => want.has(v.id) && v.state === 'VM_STATE_RUNNING').length === n ? true : undefined;
    }, 120_000, `${n} process VMs running`, 50);
    const secs = (performance.now() - t0) / 1000;
    process.stdout.write(`  ${n} process VMs running after ${secs.toFixed(2)} s\n`);
    const fence = await fenceCost(adir, n);
    return { 'process.create_200_all_running_s': fig(secs, 's', 2), 'process.vms': fig(n, 'VMs', 0), ...fence };
  }, ['--guest-vcpus', String(n)]);
}

/**
 * What fencing costs beside N guarded VMs: the one watcher shell of the host and
 * its `sleep`, peak RSS over 3 s (and per guarded VM).
 */
async function fenceCost(adir: string, n: number): Promise<Figures> {
  const { pid } = JSON.parse(readFileSync(join(adir, 'fence', 'watcher.json'), 'utf8')) as { pid: number };
  const guarded = readdirSync(join(adir, 'fence', 'vms')).length;
  let peak = 0;
  for (let i = 0; i < 30; i++) {
    peak = Math.max(peak, [pid, ...children(pid)].reduce((sum, p) => sum + rssBytes(p), 0));
    await new Promise((r) => setTimeout(r, 100));
  }
  const kb = peak / 1024;
  process.stdout.write(`  fence: one watcher for ${guarded} guarded VMs, ${kb.toFixed(0)} KiB peak RSS (${(kb / Math.max(1, n)).toFixed(1)} KiB per VM)\n`);
  return { 'fence.watcher_rss_kib': fig(kb, 'KiB', 0), 'fence.rss_per_vm_kib': fig(kb / Math.max(1, n), 'KiB', 1), 'fence.guarded_vms': fig(guarded, 'VMs', 0) };
}
