// The QEMU command line for one VM, its qcow2 overlay, its host port, and the
// detached spawn (VMs outlive an agent restart: the unit uses KillMode=process).
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync, renameSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DiskRejectedError, inspectQcow2 } from '../../../common/disk-inspect.js';
import { CONTROL_CHARS_RE } from '../../../common/validate.js';
import { DriverError } from '../driver.js';
import type { Logger } from '../../../common/logger.js';
import { cmdlineOf } from '../proc.js';

const execFileP = promisify(execFile);

export type Accel = 'kvm' | 'tcg';

export interface VmPaths {
  dir: string;
  overlay: string;
  qmp: string;
  ga: string;
  serial: string;
  log: string;
  pidfile: string;
  /** Exists while a capture has the VM paused (a restarted agent continues it). */
  capturePaused: string;
  /** Exists while the VM is hidden (a management instance); holds the port to forward again. */
  hidden: string;
}

export function vmPaths(dir: string): VmPaths {
  return {
    dir,
    overlay: join(dir, 'overlay.qcow2'),
    qmp: join(dir, 'qmp.sock'),
    ga: join(dir, 'ga.sock'),
    serial: join(dir, 'serial.log'),
    log: join(dir, 'qemu.log'),
    pidfile: join(dir, 'qemu.pid'),
    capturePaused: join(dir, 'capture-paused'),
    hidden: join(dir, 'hidden'),
  };
}

export interface LaunchOptions {
  /** -name nephele-<name>; also how a VM's QEMU is found in /proc/<pid>/cmdline. */
  name: string;
  accel: Accel;
  memoryMiB: number;
  vcpus: number;
  kernel: string;
  initrd: string;
  bootArgs: string;
  /** TCG only: host TSC in kHz (tsc_early_khz=); without it TCG boots hang calibrating. */
  tscKhz?: number;
  paths: VmPaths;
  /** 0: no port forward (probe guests). */
  hostPort: number;
  appliancePort: number;
  guestAgentPort: string;
  /** false: no QMP socket (probe guests). */
  qmp?: boolean;
}

/** Kernel command line: the image's boot args plus what the accelerator needs. */
export function kernelCmdline(o: Pick<LaunchOptions, 'bootArgs' | 'accel' | 'tscKhz'>): string {
  const args = o.bootArgs.trim().split(/\s+/).filter(Boolean);
  const has = (k: string) => args.some((a) => a === k || a.startsWith(`${k}=`));
  if (o.accel === 'tcg') {
    if (o.tscKhz && !has('tsc_early_khz')) args.push(`tsc_early_khz=${o.tscKhz}`);
    if (!has('mitigations')) args.push('mitigations=off');
  }
  return args.join(' ');
}

/**
 * A path QEMU takes as a plain argument (-kernel, -initrd, -pidfile, -serial
 * file:): refused if it holds control characters, which would reach QEMU's
 * logs, its monitor and /proc/<pid>/cmdline.
 */
export function plainPath(what: string, p: string): string {
  if (CONTROL_CHARS_RE.test(p))
    throw new DriverError(`${what} path ${JSON.stringify(p)} contains control characters`, 'INVALID_SPEC');
  return p;
}

/**
 * A value inside a QEMU option string (`key=value,key=value`): a comma in a
 * path would start a new option (`,file.driver=nbd`), so it is doubled, QEMU's
 * own escape.
 */
export function optValue(what: string, v: string): string {
  return plainPath(what, v).replaceAll(',', ',,');
}

export function qemuArgs(o: LaunchOptions): string[] {
  const p = o.paths;
  const net = o.hostPort > 0 ? `user,id=n0,hostfwd=tcp:127.0.0.1:${o.hostPort}-:${o.appliancePort}` : 'user,id=n0';
  const args = [
    '-name',
    `nephele-${optValue('name', o.name)}`,
    '-M',
    'microvm,x-option-roms=off,rtc=on',
    '-accel',
    o.accel === 'kvm' ? 'kvm' : 'tcg,tb-size=64',
    '-cpu',
    o.accel === 'kvm' ? 'host' : 'max',
    '-m',
    String(o.memoryMiB),
    '-smp',
    String(o.vcpus),
    '-nodefaults',
    '-no-user-config',
    '-nographic',
    '-kernel',
    plainPath('kernel', o.kernel),
    '-initrd',
    plainPath('initrd', o.initrd),
    '-append',
    kernelCmdline(o),
    '-serial',
    `file:${plainPath('serial log', p.serial)}`,
    // No -no-reboot: a guest reboot (or QMP system_reset) must restart the guest in place.
    '-drive',
    `id=d0,file=${optValue('overlay', p.overlay)},format=qcow2,if=none`,
    '-device',
    'virtio-blk-device,drive=d0',
    '-netdev',
    net,
    '-device',
    'virtio-net-device,netdev=n0',
    '-device',
    'virtio-serial-device',
    '-chardev',
    `socket,id=ga,path=${optValue('guest channel', p.ga)},server=on,wait=off`,
    '-device',
    `virtserialport,chardev=ga,name=${optValue('guest agent port', o.guestAgentPort)}`,
  ];
  if (o.qmp !== false) args.push('-qmp', `unix:${optValue('qmp socket', p.qmp)},server=on,wait=off`);
  args.push('-pidfile', plainPath('pidfile', p.pidfile));
  return args;
}

/**
 * A qcow2 overlay backed by the image's data disk (absolute path, so the VM
 * dir may move only together with the image root). The overlay's virtual size
 * is max(base, sizeBytes): growing only the virtual size costs nothing, and the
 * guest decides whether to grow its filesystem into it.
 */
export async function createOverlay(qemuImg: string, base: string, overlay: string, sizeBytes?: number): Promise<void> {
  const args = ['create', '-q', '-f', 'qcow2', '-b', base, '-F', 'qcow2', overlay];
  if (sizeBytes && sizeBytes > 0) args.push(String(sizeBytes));
  await execFileP(qemuImg, args, { timeout: 30_000 });
}

/**
 * Takes over a qcow2 overlay another host exported (cold move). The file is
 * untrusted: it is inspected (common/disk-inspect: our header parse, then
 * qemu-img with the format fixed) before anything opens it, and refused unless
 * it is a plain qcow2 whose only backing is the same base content (bases are
 * named by their sha256) and whose virtual size fits `maxVirtualBytes`. Then it
 * is pointed at this host's copy of that base without rewriting any data, and
 * inspected again to confirm the chain is exactly overlay → our base.
 */
export async function adoptOverlay(
  qemuImg: string,
  imported: string,
  base: { path: string; sha256: string },
  overlay: string,
  maxVirtualBytes: number,
): Promise<void> {
  // Our own base: a plain qcow2 with no backing of its own (so the chain ends there).
  await inspectQcow2(base.path, { maxVirtualBytes: Number.MAX_SAFE_INTEGER }, { qemuImg });
  const expect = { baseSha256: base.sha256, maxVirtualBytes };
  const h = await inspectQcow2(imported, expect, { qemuImg });
  renameSync(imported, overlay);
  if (!h.backing) return;
  await execFileP(qemuImg, ['rebase', '-u', '-f', 'qcow2', '-F', 'qcow2', '-b', base.path, overlay], {
    timeout: 30_000,
  });
  const after = await inspectQcow2(overlay, expect, { qemuImg });
  if (after.backing !== base.path)
    throw new DiskRejectedError([
      `after the rebase it is backed by ${JSON.stringify(after.backing)}, not ${base.path}`,
    ]);
}

/** A free port on 127.0.0.1: `preferred` if it can be bound, else one the kernel picks. */
export async function freePort(preferred = 0): Promise<number> {
  const tryBind = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.unref();
      srv.once('error', reject);
      srv.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
        const got = (srv.address() as { port: number }).port;
        srv.close(() => resolve(got));
      });
    });
  if (preferred > 0) {
    try {
      return await tryBind(preferred);
    } catch {
      /* taken: pick another */
    }
  }
  return tryBind(0);
}

/**
 * Starts QEMU in its own session (setsid), stdout/stderr appended to the
 * VM's qemu.log, not holding the agent's event loop: the VM keeps running when
 * the agent exits or restarts.
 */
export function spawnQemu(
  binary: string,
  args: string[],
  logFile: string,
  opts: { detached?: boolean } = {},
): ChildProcess {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(binary, args, { detached: opts.detached ?? true, stdio: ['ignore', fd, fd] });
    child.unref();
    return child;
  } finally {
    closeSync(fd);
  }
}

/** Last lines of a log file (from byte `from` on), for error messages. */
export function logTail(file: string, lines = 5, from = 0): string {
  try {
    return readFileSync(file).subarray(from).toString('utf8').trim().split('\n').slice(-lines).join(' | ');
  } catch {
    return '';
  }
}

export type ExitStatus = { code: number | null; signal: NodeJS.Signals | null; error?: Error };

/** Why a QEMU ended that was not told to: its last SHUTDOWN event, its exit status (own child), its log. */
export function exitReason(
  shutdown: { guest: boolean; reason: string } | undefined,
  info: ExitStatus | undefined,
  logFile: string,
): string {
  if (shutdown?.guest) return 'guest powered off';
  if (shutdown?.reason === 'host-qmp-quit') return 'qemu quit on a QMP command not sent by this driver';
  if (info?.error) return `qemu failed: ${info.error.message}`;
  if (info?.signal) return `qemu exited unexpectedly (${info.signal})`;
  if (shutdown?.reason === 'host-signal') return 'qemu exited unexpectedly (terminated by a signal)';
  if (info) {
    const tail = logTail(logFile, 1);
    return `qemu exited unexpectedly (exit code ${info.code})${tail ? `: ${tail}` : ''}`;
  }
  return 'qemu exited unexpectedly (killed or crashed: no SHUTDOWN event; exit status unknown for a recovered process)';
}

/** Whether `pid` is a QEMU of VM `id` (its -name), not a reused pid. */
export function isOurQemu(pid: number, id: string): boolean {
  return cmdlineOf(pid).includes(`nephele-${id}`);
}

/** Kills a QEMU of VM `id` that the driver does not track (per its pidfile and name). */
export async function killStray(
  id: string,
  paths: VmPaths,
  trackedPid: number | undefined,
  log: Logger,
): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(paths.pidfile, 'utf8').trim());
  } catch {
    return;
  }
  if (!(pid > 0) || trackedPid === pid) return;
  if (!isOurQemu(pid, id)) return;
  log.warn({ vm_id: id, pid }, 'killing a qemu of this VM that was not tracked');
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
  for (let i = 0; i < 250 && isOurQemu(pid, id); i++) await new Promise((r) => setTimeout(r, 20));
}

export function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
