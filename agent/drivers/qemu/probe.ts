// Accelerator choice. /dev/kvm existing is not enough: on some hosts it is a
// paravirtual KVM that cannot boot a stock kernel. So, once per (QEMU version,
// kernel), boot the real guest under KVM and wait briefly for the guest agent's
// `ready`; if it comes, KVM works, otherwise use TCG. The verdict is cached in
// <stateDir>/accel.json so later agent starts skip the probe.
import { execFile } from 'node:child_process';
import {
  accessSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../../../common/logger.js';
import { GuestChannel } from './guest-channel.js';
import type { GuestImage } from './image.js';
import { fileSha256 } from './image.js';
import { createOverlay, qemuArgs, spawnQemu, vmPaths, logTail, type Accel } from './launch.js';

const execFileP = promisify(execFile);

export type AccelMode = 'auto' | Accel;

export interface AccelChoice {
  accel: Accel;
  /** forced: by configuration; no-kvm: /dev/kvm unusable; cache: accel.json; probe: booted just now. */
  source: 'forced' | 'no-kvm' | 'cache' | 'probe';
  detail: string;
}

interface CacheEntry {
  accel: Accel;
  detail: string;
  probedAt: string;
}

/** "7.2.22" from `qemu-system-x86_64 --version`. */
export async function qemuVersion(binary: string): Promise<string> {
  const { stdout } = await execFileP(binary, ['--version'], { timeout: 10_000 });
  const m = /version (\S+)/.exec(stdout);
  if (!m) throw new Error(`cannot parse ${binary} --version: ${stdout.split('\n')[0]}`);
  return m[1]!;
}

export function kvmUsable(dev = '/dev/kvm'): boolean {
  try {
    accessSync(dev, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export interface ProberOptions {
  stateDir: string;
  binary: string;
  qemuImg: string;
  mode: AccelMode;
  log: Logger;
  /** How long the KVM probe guest gets to say ready (default 6 s). */
  probeTimeoutMs?: number;
  /** Only for the TCG verdict's detail; the probe itself runs under KVM. */
  kvmDevice?: string;
}

export class AccelProber {
  private readonly inflight = new Map<string, Promise<AccelChoice>>();

  constructor(private readonly o: ProberOptions) {}

  get cacheFile(): string {
    return join(this.o.stateDir, 'accel.json');
  }

  async choose(image: GuestImage, version: string): Promise<AccelChoice> {
    if (this.o.mode !== 'auto')
      return { accel: this.o.mode, source: 'forced', detail: `accelerator forced to ${this.o.mode}` };
    if (!kvmUsable(this.o.kvmDevice))
      return {
        accel: 'tcg',
        source: 'no-kvm',
        detail: `${this.o.kvmDevice ?? '/dev/kvm'} missing or not read/writable`,
      };
    const key = `${version}|${await fileSha256(image.kernel)}`;
    let p = this.inflight.get(key);
    if (!p) {
      p = this.lookupOrProbe(key, image);
      this.inflight.set(key, p);
      p.catch(() => this.inflight.delete(key));
    }
    return p;
  }

  private readCache(): Record<string, CacheEntry> {
    try {
      return JSON.parse(readFileSync(this.cacheFile, 'utf8')) as Record<string, CacheEntry>;
    } catch {
      return {};
    }
  }

  private async lookupOrProbe(key: string, image: GuestImage): Promise<AccelChoice> {
    const hit = this.readCache()[key];
    if (hit && (hit.accel === 'kvm' || hit.accel === 'tcg'))
      return { accel: hit.accel, source: 'cache', detail: hit.detail };
    const r = await this.bootProbe(image);
    const cache = this.readCache();
    cache[key] = { accel: r.accel, detail: r.detail, probedAt: new Date().toISOString() };
    mkdirSync(this.o.stateDir, { recursive: true });
    const tmp = `${this.cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(cache, null, 2) + '\n');
    renameSync(tmp, this.cacheFile);
    return { ...r, source: 'probe' };
  }

  /** Boots the guest under KVM and waits for its agent's ready line. */
  private async bootProbe(image: GuestImage): Promise<{ accel: Accel; detail: string }> {
    const timeoutMs = this.o.probeTimeoutMs ?? 6_000;
    mkdirSync(this.o.stateDir, { recursive: true });
    const dir = mkdtempSync(join(this.o.stateDir, '.probe-'));
    const paths = vmPaths(dir);
    const t0 = Date.now();
    let child: ReturnType<typeof spawnQemu> | undefined;
    let ga: GuestChannel | undefined;
    let killOnExit: (() => void) | undefined;
    try {
      await createOverlay(this.o.qemuImg, image.dataDisk, paths.overlay);
      const args = qemuArgs({
        name: `probe-${dir.slice(-6)}`,
        accel: 'kvm',
        memoryMiB: 128,
        vcpus: 1,
        kernel: image.kernel,
        initrd: image.initrd,
        bootArgs: image.manifest.bootArgs,
        paths,
        hostPort: 0,
        appliancePort: image.manifest.appliancePort,
        guestAgentPort: image.manifest.guestAgentPort,
        qmp: false,
      });
      // Not detached: a probe guest must never outlive us.
      child = spawnQemu(this.o.binary, args, paths.log, { detached: false });
      const c = child;
      // Not even an agent that exits mid-probe may leave a probe guest behind.
      killOnExit = () => c.kill('SIGKILL');
      process.once('exit', killOnExit);
      let exited = false;
      const exit = new Promise<string>((resolve) => {
        c.once('exit', (code, sig) => ((exited = true), resolve(`qemu exited (${sig ?? `code ${code}`})`)));
        c.once('error', (e) => ((exited = true), resolve(`qemu did not start: ${e.message}`)));
      });
      ga = await GuestChannel.connect(paths.ga, { timeoutMs, alive: () => !exited });
      const verdict = await Promise.race([
        ga.waitReady(Math.max(1, timeoutMs - (Date.now() - t0))).then(
          () => ({ ok: true, why: '' }),
          (e: Error) => ({ ok: false, why: e.message }),
        ),
        exit.then((why) => ({ ok: false, why })),
      ]);
      const ms = Date.now() - t0;
      if (verdict.ok) {
        this.o.log.info({ ms }, 'qemu probe: guest booted under KVM');
        return { accel: 'kvm', detail: `probe guest booted under KVM in ${ms} ms` };
      }
      const tail = logTail(paths.log, 2);
      this.o.log.warn({ ms, why: verdict.why, qemu_log: tail }, 'qemu probe: guest did not boot under KVM, using TCG');
      return {
        accel: 'tcg',
        detail: `probe guest did not boot under KVM (${verdict.why}${tail ? `; ${tail}` : ''}); using TCG`,
      };
    } catch (e) {
      return { accel: 'tcg', detail: `KVM probe failed (${(e as Error).message}); using TCG` };
    } finally {
      ga?.close();
      if (child && child.exitCode === null && child.signalCode === null) {
        const c = child;
        const gone = new Promise((r) => c.once('exit', r));
        c.kill('SIGKILL');
        await Promise.race([gone, new Promise((r) => setTimeout(r, 3_000))]);
      }
      if (killOnExit) process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
