// QemuDriver (scheme 'qemu'): one QEMU process per VM, microvm machine, a
// qcow2 overlay on (a stored copy of) the image's data disk, QMP for control, a virtio-serial
// line protocol to the guest agent, user-mode networking with one host port
// forwarded to the appliance. Modelled on Nomad's drivers/qemu.
//
// Per VM, everything lives in <stateDir>/<id>/: overlay.qcow2, qmp.sock,
// ga.sock, serial.log, qemu.log, qemu.pid, base, config-applied. QEMU runs in its
// own session, so it survives an agent restart; recover() re-attaches. See README.md.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { silentLogger, type Logger } from '../../../common/logger.js';
import { DiskRejectedError } from '../../../common/disk-inspect.js';
import {
  DriverError,
  type Capabilities,
  type Driver,
  type ExitListener,
  type Fingerprint,
  type VmHandle,
  type VmPhase,
  type VmSpec,
  type VmStats,
  type VmStatus,
} from '../driver.js';
import { BaseStore, BASE_MARKER } from './bases.js';
import { GuestChannel } from './guest-channel.js';
import { IMAGE_NAME_RE, loadImage, missingImageFiles, qcow2VirtualSize, type GuestImage } from './image.js';
import { adoptOverlay, createOverlay, freePort, logTail, qemuArgs, spawnQemu, vmPaths, type Accel, type VmPaths } from './launch.js';
import { AccelProber, kvmUsable, qemuVersion, type AccelMode } from './probe.js';
import { CONFIG_KEY_RE, CONFIG_VALUE_MAX, MIN_MEMORY_MIB as SCHEME_MIN_MEMORY_MIB } from '../../../common/limits.js';
import { cmdlineOf, cpuSeconds, hostCpuKhz, isAlive, rssBytes, startTimeOf, uptimeSeconds } from '../proc.js';
import { QmpClient } from './qmp.js';
import type { VmFence } from '../../fence/fence.js';
import { MAX_SOCKET_PATH } from './unix.js';

export interface QemuDriverOptions {
  /** Per-VM directories and accel.json live here. */
  stateDir: string;
  /** Directory of image directories: spec.image 'nephele-guest' → <imageRoot>/nephele-guest. */
  imageRoot: string;
  log?: Logger;
  /** auto (default): probe KVM once by booting the guest, else TCG. */
  accel?: AccelMode;
  /** Default: qemu-system-x86_64 / qemu-img from PATH. */
  binary?: string;
  qemuImg?: string;
  /** How long the KVM probe guest gets to say ready (default 6000). */
  probeTimeoutMs?: number;
  /** Liveness poll of recovered (not our child) QEMUs (default 500). */
  pollIntervalMs?: number;
  /** Stops the VMs if the agent dies and does not come back in time (agent/fence). */
  fence?: VmFence;
}

/** Below this the guest kernel + initramfs do not come up (measured; common/limits.ts). */
export const MIN_MEMORY_MIB = SCHEME_MIN_MEMORY_MIB.qemu;
const VM_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const GiB = 1024 ** 3;

interface Vm {
  id: string;
  spec: VmSpec;
  paths: VmPaths;
  accel: Accel;
  hostPort: number;
  pid: number;
  pidStartTime: string;
  phase: VmPhase;
  reason: string;
  guestReady: boolean;
  bootId?: string;
  /** Bumped on every launch/adoption: events of an earlier process are ignored. */
  gen: number;
  child?: ChildProcess;
  poll?: NodeJS.Timeout;
  qmp?: QmpClient;
  ga?: GuestChannel;
  /** The driver asked the process to end (stop/destroy): its exit is no failure. */
  stopping: boolean;
  /** Last QMP SHUTDOWN event of the current process. */
  shutdown?: { guest: boolean; reason: string };
  exitWaiters: Array<() => void>;
  /** Serialises the work done when the guest comes up. */
  upChain?: Promise<void>;
}

function which(cmd: string): string | undefined {
  if (cmd.includes('/')) return existsSync(cmd) ? cmd : undefined;
  for (const d of (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter)) {
    const p = join(d, cmd);
    if (d && existsSync(p)) return p;
  }
  return undefined;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class QemuDriver implements Driver {
  readonly scheme = 'qemu';
  private readonly log: Logger;
  private readonly vms = new Map<string, Vm>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly listeners = new Set<ExitListener>();
  private readonly prober: AccelProber;
  private readonly bases: BaseStore;
  private readonly binaryName: string;
  private readonly qemuImgName: string;
  private versionP?: Promise<string>;
  private closed = false;

  constructor(private readonly o: QemuDriverOptions) {
    this.log = (o.log ?? silentLogger).child({ driver: 'qemu' });
    this.binaryName = o.binary ?? 'qemu-system-x86_64';
    this.qemuImgName = o.qemuImg ?? 'qemu-img';
    this.bases = new BaseStore(o.stateDir);
    this.prober = new AccelProber({
      stateDir: o.stateDir,
      binary: this.binaryName,
      qemuImg: this.qemuImgName,
      mode: o.accel ?? 'auto',
      log: this.log,
      probeTimeoutMs: o.probeTimeoutMs,
    });
  }

  capabilities(): Capabilities {
    return { suspend: true, reboot: true, guestChannel: true, captureDisk: false, cloneDisk: false, portForward: true };
  }

  // ---------------------------------------------------------------- fingerprint

  async fingerprint(): Promise<Fingerprint> {
    const binary = which(this.binaryName);
    const attributes: Record<string, string> = { binary: binary ?? '' };
    if (!binary) return { scheme: 'qemu', healthy: false, detail: `${this.binaryName} not found in PATH`, attributes };
    if (!which(this.qemuImgName)) return { scheme: 'qemu', healthy: false, detail: `${this.qemuImgName} not found in PATH`, attributes };
    let version: string;
    try {
      version = await this.version();
    } catch (e) {
      return { scheme: 'qemu', healthy: false, detail: (e as Error).message, attributes };
    }
    attributes.version = version;
    const image = this.defaultImage();
    if (!image) {
      attributes.accelerator = this.o.accel && this.o.accel !== 'auto' ? this.o.accel : 'tcg';
      return { scheme: 'qemu', healthy: false, detail: `no complete guest image under ${this.o.imageRoot}`, attributes };
    }
    const choice = await this.prober.choose(image, version);
    attributes.accelerator = choice.accel;
    attributes.image = image.name;
    attributes.kvmDevice = kvmUsable() ? 'usable' : 'absent';
    return { scheme: 'qemu', healthy: true, detail: `QEMU ${version}, ${choice.accel} (${choice.source}: ${choice.detail}), image ${image.name}`, attributes };
  }

  private version(): Promise<string> {
    if (!this.versionP) {
      this.versionP = qemuVersion(this.binaryName);
      this.versionP.catch(() => (this.versionP = undefined));
    }
    return this.versionP;
  }

  /** 'nephele-guest' if complete, else the first complete image directory. */
  private defaultImage(): GuestImage | undefined {
    const names = ['nephele-guest'];
    try {
      for (const d of readdirNames(this.o.imageRoot)) if (!names.includes(d)) names.push(d);
    } catch {
      return undefined;
    }
    for (const n of names) {
      if (!IMAGE_NAME_RE.test(n) || missingImageFiles(join(this.o.imageRoot, n)).length) continue;
      try {
        return loadImage(this.o.imageRoot, n);
      } catch {
        /* next */
      }
    }
    return undefined;
  }

  // ---------------------------------------------------------------- lifecycle

  async create(spec: VmSpec, opts: { importDisk?: string } = {}): Promise<VmHandle> {
    this.assertOpen();
    const image = this.validate(spec);
    return this.locked(spec.id, async () => {
      const existing = this.vms.get(spec.id);
      const dir = join(this.o.stateDir, spec.id);
      const paths = vmPaths(dir);
      if ((existing && existing.pid > 0) || existsSync(paths.overlay)) {
        throw new DriverError(`VM ${spec.id} already exists (start it, or destroy it first)`, 'FAILED');
      }
      const accel = await this.accelFor(image);
      mkdirSync(dir, { recursive: true });
      try {
        await this.bases.exclusive(async () => {
          const base = await this.bases.ensure(image.dataDisk);
          const baseSize = qcow2VirtualSize(base.path);
          const want = Math.round(spec.diskGiB * GiB);
          if (opts.importDisk) {
            // Cold move: the VM's own disk, config included (so it is not applied again).
            // It comes from another host: inspected before QEMU ever opens it.
            try {
              await adoptOverlay(this.qemuImg(), opts.importDisk, base, paths.overlay, Math.max(baseSize, want));
            } catch (e) {
              if (e instanceof DiskRejectedError) throw new DriverError(`the moved disk was refused: ${e.reasons.join('; ')}`, 'INVALID_SPEC');
              throw e;
            }
            writeFileSync(join(dir, 'config-applied'), 'carried by the moved disk\n');
          } else {
            await createOverlay(this.qemuImg(), base.path, paths.overlay, want > baseSize ? want : undefined);
          }
          writeFileSync(join(dir, BASE_MARKER), base.sha256 + '\n');
        });
        const vm = this.newVm(spec, paths, accel);
        this.vms.set(spec.id, vm);
        await this.launch(vm, image, 0);
        return this.handleOf(vm);
      } catch (e) {
        this.vms.delete(spec.id);
        rmSync(dir, { recursive: true, force: true });
        await this.gcBases();
        throw e;
      }
    });
  }

  /** A stopped VM's overlay (its own blocks only; the base is content-addressed on every host). */
  diskPath(id: string): string | undefined {
    const vm = this.vms.get(id);
    const p = vmPaths(join(this.o.stateDir, id)).overlay;
    return (!vm || vm.pid <= 0) && existsSync(p) ? p : undefined;
  }

  async start(handle: VmHandle): Promise<VmHandle> {
    this.assertOpen();
    const image = this.validate(handle.spec);
    return this.locked(handle.id, async () => {
      let vm = this.vms.get(handle.id);
      if (vm && vm.pid > 0) return this.handleOf(vm);
      if (!vm && (await this.adopt(handle))) return this.handleOf(this.vms.get(handle.id)!);
      const paths = vmPaths(join(this.o.stateDir, handle.id));
      if (!existsSync(paths.overlay)) throw new DriverError(`VM ${handle.id} has no disk (${paths.overlay})`, 'NOT_FOUND');
      // A QEMU of this VM we do not know about (no recover() was called) must not run twice on one overlay.
      await this.killStray(handle.id, paths);
      vm ??= this.newVm(handle.spec, paths, 'tcg');
      vm.spec = handle.spec;
      vm.accel = await this.accelFor(image);
      this.vms.set(handle.id, vm);
      await this.launch(vm, image, handle.hostPort);
      return this.handleOf(vm);
    });
  }

  async recover(handle: VmHandle): Promise<boolean> {
    this.assertOpen();
    return this.locked(handle.id, async () => {
      const vm = this.vms.get(handle.id);
      if (vm && vm.pid > 0) return true;
      if (await this.adopt(handle)) return true;
      // Not running: remember it as stopped so inspect/start/destroy work.
      const paths = vmPaths(join(this.o.stateDir, handle.id));
      if (!vm && existsSync(paths.overlay)) {
        const v = this.newVm(handle.spec, paths, (handle.extra.accel as Accel) ?? 'tcg');
        v.hostPort = handle.hostPort;
        v.reason = 'not running after agent restart';
        this.vms.set(handle.id, v);
      }
      return false;
    });
  }

  async stop(id: string, timeoutMs: number): Promise<void> {
    return this.locked(id, () => this.stopLocked(id, timeoutMs));
  }

  async destroy(id: string): Promise<void> {
    if (!VM_ID_RE.test(id)) throw new DriverError(`bad VM id ${JSON.stringify(id)}`, 'INVALID_SPEC');
    await this.locked(id, async () => {
      // The disk goes away anyway: a short graceful stop, none while the guest agent is not up.
      await this.stopLocked(id, this.vms.get(id)?.guestReady ? 2_000 : 0);
      const dir = join(this.o.stateDir, id);
      await this.killStray(id, vmPaths(dir));
      rmSync(dir, { recursive: true, force: true });
      this.vms.delete(id);
      this.o.fence?.release(id);
      await this.gcBases();
    });
  }

  private async gcBases(): Promise<void> {
    await this.bases.exclusive(async () => {
      const removed = this.bases.gc();
      if (removed.length) this.log.info({ removed }, 'removed unused base disks');
    });
  }

  async suspend(id: string): Promise<void> {
    await this.locked(id, async () => {
      const vm = this.running(id);
      if (vm.phase === 'suspended') return;
      await (await this.qmpOf(vm)).execute('stop');
      vm.phase = 'suspended';
    });
  }

  async resume(id: string): Promise<void> {
    await this.locked(id, async () => {
      const vm = this.running(id);
      if (vm.phase === 'running') return;
      await (await this.qmpOf(vm)).execute('cont');
      vm.phase = 'running';
      // Recovered while paused, the guest could not answer then; ask again.
      if (!vm.guestReady && vm.ga && !vm.ga.closed) this.pingGuest(vm, vm.ga, vm.gen);
    });
  }

  async reboot(id: string): Promise<void> {
    await this.locked(id, async () => {
      const vm = this.running(id);
      vm.guestReady = false;
      await (await this.qmpOf(vm)).execute('system_reset');
    });
  }

  async inspect(id: string): Promise<VmStatus> {
    const vm = this.vms.get(id);
    if (!vm) throw new DriverError(`VM ${id} not known to the qemu driver`, 'NOT_FOUND');
    return { phase: vm.phase, reason: vm.reason, guestReady: vm.guestReady, hostPort: vm.hostPort, pid: vm.pid };
  }

  async stats(id: string): Promise<VmStats> {
    const vm = this.vms.get(id);
    if (!vm) throw new DriverError(`VM ${id} not known to the qemu driver`, 'NOT_FOUND');
    const s: VmStats = { cpuSeconds: 0, memoryBytes: 0, diskReadBytes: 0, diskWriteBytes: 0, netRxBytes: 0, netTxBytes: 0, uptimeSeconds: 0 };
    if (vm.pid <= 0) return s;
    s.cpuSeconds = cpuSeconds(vm.pid);
    s.memoryBytes = rssBytes(vm.pid);
    s.uptimeSeconds = uptimeSeconds(vm.pid);
    // User-mode networking (slirp) keeps no byte counters QEMU could report, so
    // net bytes stay 0 (a tap/bridge netdev would have them in the host's /proc/net/dev).
    try {
      const qmp = await this.qmpOf(vm);
      const blocks = await qmp.execute<Array<{ device?: string; stats?: { rd_bytes?: number; wr_bytes?: number } }>>('query-blockstats', undefined, 2_000);
      const d0 = blocks.find((b) => b.device === 'd0') ?? blocks[0];
      s.diskReadBytes = d0?.stats?.rd_bytes ?? 0;
      s.diskWriteBytes = d0?.stats?.wr_bytes ?? 0;
    } catch (e) {
      this.log.debug({ vm_id: id, err: (e as Error).message }, 'query-blockstats failed');
    }
    return s;
  }

  async guestRequest(id: string, command: string, timeoutMs = 5_000): Promise<string> {
    const vm = this.running(id);
    if (/[\r\n]/.test(command)) throw new DriverError('guest command must be one line', 'INVALID_SPEC');
    if (vm.phase === 'suspended') throw new DriverError(`VM ${id} is suspended: its guest cannot answer`, 'FAILED');
    const ga = await this.gaOf(vm);
    try {
      return await ga.request(command, timeoutMs);
    } catch (e) {
      throw new DriverError(`VM ${id}: ${(e as Error).message}`, 'FAILED');
    }
  }

  /** Boot id from the guest agent's last `ready` line (changes on every guest boot). */
  bootIdOf(id: string): string | undefined {
    return this.vms.get(id)?.bootId;
  }

  /** One raw QMP command on the VM's monitor (diagnostics and tests; not part of Driver). */
  async qmpCommand<T = unknown>(id: string, command: string, args?: Record<string, unknown>): Promise<T> {
    return (await this.qmpOf(this.running(id))).execute<T>(command, args);
  }

  onExit(listener: ExitListener): void {
    this.listeners.add(listener);
  }

  /** The QEMU processes (vCPU threads and device emulation all live in them). */
  guestPids(): number[] {
    return [...this.vms.values()].filter((vm) => vm.pid > 0).map((vm) => vm.pid);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const vm of this.vms.values()) this.detach(vm);
    this.listeners.clear();
  }

  // ---------------------------------------------------------------- internals

  private assertOpen(): void {
    if (this.closed) throw new DriverError('qemu driver is closed', 'FAILED');
  }

  private qemuImg(): string {
    return this.qemuImgName;
  }

  private validate(spec: VmSpec): GuestImage {
    const bad = (what: string) => {
      throw new DriverError(`invalid VM spec: ${what}`, 'INVALID_SPEC');
    };
    if (!VM_ID_RE.test(spec.id ?? '')) bad(`id ${JSON.stringify(spec.id)} (1-64 of [A-Za-z0-9_-])`);
    if (!Number.isInteger(spec.vcpus) || spec.vcpus < 1 || spec.vcpus > 64) bad(`vcpus ${spec.vcpus} (1-64)`);
    if (!Number.isInteger(spec.memoryMiB) || spec.memoryMiB < MIN_MEMORY_MIB) bad(`memoryMiB ${spec.memoryMiB} (at least ${MIN_MEMORY_MIB} MiB)`);
    if (!(spec.diskGiB >= 0) || spec.diskGiB > 16_384) bad(`diskGiB ${spec.diskGiB}`);
    if (!Number.isInteger(spec.appliancePort) || spec.appliancePort < 1 || spec.appliancePort > 65535) bad(`appliancePort ${spec.appliancePort}`);
    for (const [k, v] of Object.entries(spec.config ?? {})) {
      if (!CONFIG_KEY_RE.test(k)) bad(`config key ${JSON.stringify(k)} (${CONFIG_KEY_RE.source.slice(1, -1)})`);
      if (typeof v !== 'string' || /[\r\n]/.test(v) || v.length > CONFIG_VALUE_MAX) bad(`config ${k}: value must be one line`);
    }
    const sock = join(this.o.stateDir, spec.id, 'qmp.sock');
    if (Buffer.byteLength(sock) > MAX_SOCKET_PATH) bad(`state dir too deep for unix sockets (${sock})`);
    const image = loadImage(this.o.imageRoot, spec.image);
    const min = Number(image.manifest.minMemoryMiB);
    if (Number.isFinite(min) && spec.memoryMiB < min) bad(`memoryMiB ${spec.memoryMiB} (image ${image.name} needs ${min} MiB)`);
    return image;
  }

  private async accelFor(image: GuestImage): Promise<Accel> {
    if (!which(this.binaryName)) throw new DriverError(`${this.binaryName} not found in PATH`, 'UNSUPPORTED');
    const choice = await this.prober.choose(image, await this.version());
    return choice.accel;
  }

  private newVm(spec: VmSpec, paths: VmPaths, accel: Accel): Vm {
    return {
      id: spec.id,
      spec,
      paths,
      accel,
      hostPort: 0,
      pid: 0,
      pidStartTime: '',
      phase: 'stopped',
      reason: '',
      guestReady: false,
      gen: 0,
      stopping: false,
      exitWaiters: [],
    };
  }

  private handleOf(vm: Vm): VmHandle {
    return {
      id: vm.id,
      scheme: 'qemu',
      spec: vm.spec,
      pid: vm.pid,
      pidStartTime: vm.pidStartTime,
      hostPort: vm.hostPort,
      extra: { dir: vm.paths.dir, overlay: vm.paths.overlay, qmp: vm.paths.qmp, ga: vm.paths.ga, accel: vm.accel },
    };
  }

  /** Serialises the operations on one VM id. */
  private locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(id, tail);
    void tail.then(() => {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    });
    return run;
  }

  private running(id: string): Vm {
    const vm = this.vms.get(id);
    if (!vm) throw new DriverError(`VM ${id} not known to the qemu driver`, 'NOT_FOUND');
    if (vm.pid <= 0) throw new DriverError(`VM ${id} is not running (${vm.phase}${vm.reason ? `: ${vm.reason}` : ''})`, 'FAILED');
    return vm;
  }

  /** Spawns QEMU for `vm`, waits until QMP answers (QEMU fully initialised), connects the guest channel. */
  private async launch(vm: Vm, image: GuestImage, preferredPort: number): Promise<void> {
    const tscKhz = vm.accel === 'tcg' ? hostCpuKhz() : undefined;
    if (vm.accel === 'tcg' && !tscKhz) this.log.warn({ vm_id: vm.id }, "no 'cpu MHz' in /proc/cpuinfo: booting under TCG without tsc_early_khz may hang");
    for (let attempt = 1; ; attempt++) {
      vm.hostPort = await freePort(attempt === 1 ? preferredPort : 0);
      for (const f of [vm.paths.qmp, vm.paths.ga, vm.paths.pidfile]) rmSync(f, { force: true });
      const args = qemuArgs({
        name: vm.id,
        accel: vm.accel,
        memoryMiB: vm.spec.memoryMiB,
        vcpus: vm.spec.vcpus,
        kernel: image.kernel,
        initrd: image.initrd,
        bootArgs: image.manifest.bootArgs,
        tscKhz,
        paths: vm.paths,
        hostPort: vm.hostPort,
        appliancePort: vm.spec.appliancePort,
        guestAgentPort: image.manifest.guestAgentPort,
      });
      const gen = ++vm.gen;
      vm.stopping = false;
      vm.shutdown = undefined;
      vm.guestReady = false;
      vm.bootId = undefined;
      vm.reason = '';
      vm.phase = 'creating';
      const logStart = fileSize(vm.paths.log);
      const child = spawnQemu(this.binaryName, args, vm.paths.log);
      let exitInfo: { code: number | null; signal: NodeJS.Signals | null; error?: Error } | undefined;
      child.once('error', (e) => {
        exitInfo = { code: null, signal: null, error: e };
        this.gone(vm, gen, exitInfo);
      });
      child.once('exit', (code, signal) => {
        exitInfo = { code, signal };
        this.gone(vm, gen, exitInfo);
      });
      const t0 = Date.now();
      vm.child = child;
      vm.pid = child.pid ?? 0;
      vm.pidStartTime = (vm.pid && startTimeOf(vm.pid)) || '';
      // Guarded from its first moment: QEMU runs for seconds before QMP answers.
      if (vm.pidStartTime) this.o.fence?.guard(vm.id, vm.pid, vm.pidStartTime);
      try {
        const qmp = await QmpClient.connect(vm.paths.qmp, { timeoutMs: 15_000, alive: () => !exitInfo });
        if (exitInfo || vm.gen !== gen) {
          qmp.close();
          throw new Error('qemu exited during start');
        }
        this.attachQmp(vm, qmp, gen);
        const ga = await GuestChannel.connect(vm.paths.ga, { timeoutMs: 5_000, alive: () => !exitInfo });
        this.attachGa(vm, ga, gen);
        if (!vm.pidStartTime) {
          vm.pidStartTime = startTimeOf(vm.pid) ?? '';
          this.o.fence?.guard(vm.id, vm.pid, vm.pidStartTime);
        }
        vm.phase = 'running';
        this.log.info({ vm_id: vm.id, pid: vm.pid, accel: vm.accel, host_port: vm.hostPort, ms: Date.now() - t0 }, 'qemu started');
        return;
      } catch (e) {
        // Wait briefly for the exit so the log has QEMU's own error.
        if (!exitInfo && vm.pid > 0) {
          vm.stopping = true;
          try {
            process.kill(vm.pid, 'SIGKILL');
          } catch {
            /* gone */
          }
        }
        await this.waitGone(vm, 3_000);
        const tail = logTail(vm.paths.log, 3, logStart);
        vm.phase = 'stopped';
        if (attempt < 3 && /hostfwd|host forwarding|Address already in use/i.test(tail)) {
          this.log.warn({ vm_id: vm.id, host_port: vm.hostPort }, 'host port taken, retrying with another');
          continue;
        }
        const why = exitInfo?.error ? exitInfo.error.message : tail || (e as Error).message;
        throw new DriverError(`VM ${vm.id}: qemu did not start: ${why}`, 'FAILED');
      }
    }
  }

  /** Adopts a running QEMU of `handle` (after an agent restart): true if it runs and is ours. */
  private async adopt(handle: VmHandle): Promise<boolean> {
    const paths = vmPaths(join(this.o.stateDir, handle.id));
    const pid = handle.pid;
    if (!(pid > 0) || !handle.pidStartTime || !isAlive(pid, handle.pidStartTime)) return false;
    if (!cmdlineOf(pid).includes(`nephele-${handle.id}`)) return false;
    const vm = this.vms.get(handle.id) ?? this.newVm(handle.spec, paths, (handle.extra.accel as Accel) ?? 'tcg');
    vm.spec = handle.spec;
    vm.pid = pid;
    vm.pidStartTime = handle.pidStartTime;
    vm.hostPort = handle.hostPort;
    vm.child = undefined;
    vm.stopping = false;
    vm.shutdown = undefined;
    vm.guestReady = false;
    vm.reason = '';
    vm.phase = 'running';
    const gen = ++vm.gen;
    this.vms.set(handle.id, vm);
    this.o.fence?.guard(vm.id, pid, handle.pidStartTime);
    vm.poll = setInterval(() => this.checkAlive(vm, gen), this.o.pollIntervalMs ?? 500);
    vm.poll.unref();
    try {
      const qmp = await QmpClient.connect(paths.qmp, { timeoutMs: 3_000, alive: () => isAlive(pid, handle.pidStartTime) });
      this.attachQmp(vm, qmp, gen);
      const st = await qmp.execute<{ status: string; running: boolean }>('query-status');
      vm.phase = st.running ? 'running' : st.status === 'paused' ? 'suspended' : 'running';
    } catch (e) {
      vm.reason = `recovered without QMP: ${(e as Error).message}`;
      this.log.warn({ vm_id: vm.id, err: (e as Error).message }, 'recover: QMP not reachable');
    }
    try {
      // The guest agent re-announces `ready` when it notices a new host connection,
      // but a reconnect right after the old driver let go can go unnoticed: a ping decides.
      const ga = await GuestChannel.connect(paths.ga, { timeoutMs: 3_000, alive: () => isAlive(pid, handle.pidStartTime) });
      this.attachGa(vm, ga, gen);
      this.pingGuest(vm, ga, gen);
    } catch (e) {
      this.log.warn({ vm_id: vm.id, err: (e as Error).message }, 'recover: guest channel not reachable');
    }
    this.checkAlive(vm, gen);
    if (vm.gen !== gen || vm.pid === 0) return false;
    this.log.info({ vm_id: vm.id, pid, phase: vm.phase }, 'qemu VM recovered');
    return true;
  }

  private attachQmp(vm: Vm, qmp: QmpClient, gen: number): void {
    vm.qmp = qmp;
    qmp.onEvent((ev) => {
      if (vm.gen !== gen) return;
      this.log.debug({ vm_id: vm.id, event: ev.event, data: ev.data }, 'qmp event');
      switch (ev.event) {
        case 'STOP':
          if (vm.phase === 'running') vm.phase = 'suspended';
          break;
        case 'RESUME':
          if (vm.phase === 'suspended') vm.phase = 'running';
          break;
        case 'RESET':
          vm.guestReady = false;
          break;
        case 'SHUTDOWN':
          vm.shutdown = { guest: ev.data.guest === true, reason: String(ev.data.reason ?? '') };
          break;
      }
    });
    qmp.onClose(() => {
      if (vm.qmp === qmp) vm.qmp = undefined;
      // The monitor closing is the first sign of a QEMU that is not our child exiting.
      if (vm.gen === gen && !vm.child) {
        setTimeout(() => this.checkAlive(vm, gen), 50).unref();
        setTimeout(() => this.checkAlive(vm, gen), 250).unref();
      }
    });
  }

  private attachGa(vm: Vm, ga: GuestChannel, gen: number): void {
    vm.ga = ga;
    ga.onReady((bootId) => {
      if (vm.gen !== gen) return;
      vm.bootId = bootId;
      void this.guestCameUp(vm, ga, gen);
    });
    ga.onClose(() => {
      if (vm.ga === ga) vm.ga = undefined;
    });
  }

  /** Marks the guest ready if its agent answers a ping (when no `ready` line can be expected). */
  private pingGuest(vm: Vm, ga: GuestChannel, gen: number): void {
    if (vm.guestReady) return;
    ga.request('ping', 10_000).then(
      () => {
        if (vm.gen === gen && !vm.guestReady) void this.guestCameUp(vm, ga, gen);
      },
      () => {
        /* not up (yet): its `ready` line will come */
      },
    );
  }

  /** On `ready` (or a ping answered): applies spec.config once per VM, then guestReady. */
  private guestCameUp(vm: Vm, ga: GuestChannel, gen: number): Promise<void> {
    // One at a time: a `ready` and an answered ping may arrive together.
    const run = (vm.upChain ?? Promise.resolve()).then(() => this.applyConfigAndMarkReady(vm, ga, gen));
    vm.upChain = run;
    return run;
  }

  private async applyConfigAndMarkReady(vm: Vm, ga: GuestChannel, gen: number): Promise<void> {
    if (vm.gen !== gen) return;
    const marker = join(vm.paths.dir, 'config-applied');
    const entries = Object.entries(vm.spec.config ?? {});
    if (entries.length && !existsSync(marker)) {
      try {
        for (const [k, v] of entries) await ga.request(`config-set ${k} ${v}`, 5_000);
        // The appliance reads its config when it starts.
        await ga.request('app-stop', 10_000);
        await ga.request('app-start', 10_000);
        writeFileSync(marker, new Date().toISOString() + '\n');
      } catch (e) {
        if (vm.gen !== gen) return;
        vm.reason = `applying config failed: ${(e as Error).message}`;
        this.log.warn({ vm_id: vm.id, err: (e as Error).message }, 'applying VM config failed');
      }
    }
    if (vm.gen === gen && vm.pid > 0) vm.guestReady = true;
  }

  private checkAlive(vm: Vm, gen: number): void {
    if (vm.gen !== gen || vm.pid <= 0 || vm.child) return;
    if (!isAlive(vm.pid, vm.pidStartTime)) this.gone(vm, gen, undefined);
  }

  /** The QEMU of generation `gen` is gone: `info` for our child, undefined when found by polling. */
  private gone(vm: Vm, gen: number, info: { code: number | null; signal: NodeJS.Signals | null; error?: Error } | undefined): void {
    if (vm.gen !== gen || vm.pid === 0) return;
    this.detach(vm);
    this.o.fence?.release(vm.id);
    vm.pid = 0;
    vm.guestReady = false;
    const waiters = vm.exitWaiters.splice(0);
    if (vm.stopping || vm.phase === 'creating') {
      vm.phase = 'stopped';
      if (vm.stopping) vm.reason = '';
    } else {
      vm.phase = 'failed';
      vm.reason = this.exitReason(vm, info);
      this.log.warn({ vm_id: vm.id, reason: vm.reason }, 'qemu VM exited unexpectedly');
      for (const l of [...this.listeners]) {
        try {
          l(vm.id, vm.reason);
        } catch (e) {
          this.log.error({ err: (e as Error).message }, 'exit listener threw');
        }
      }
    }
    for (const w of waiters) w();
  }

  private exitReason(vm: Vm, info: { code: number | null; signal: NodeJS.Signals | null; error?: Error } | undefined): string {
    if (vm.shutdown?.guest) return 'guest powered off';
    if (vm.shutdown?.reason === 'host-qmp-quit') return 'qemu quit on a QMP command not sent by this driver';
    if (info?.error) return `qemu failed: ${info.error.message}`;
    if (info?.signal) return `qemu exited unexpectedly (${info.signal})`;
    if (vm.shutdown?.reason === 'host-signal') return 'qemu exited unexpectedly (terminated by a signal)';
    if (info) {
      const tail = logTail(vm.paths.log, 1);
      return `qemu exited unexpectedly (exit code ${info.code})${tail ? `: ${tail}` : ''}`;
    }
    return 'qemu exited unexpectedly (killed or crashed: no SHUTDOWN event; exit status unknown for a recovered process)';
  }

  /** Drops watchers and connections of a VM without touching its process. */
  private detach(vm: Vm): void {
    if (vm.poll) clearInterval(vm.poll);
    vm.poll = undefined;
    if (vm.child) {
      vm.child.removeAllListeners('exit');
      vm.child.removeAllListeners('error');
      vm.child.on('error', () => {});
      vm.child = undefined;
    }
    vm.qmp?.close();
    vm.qmp = undefined;
    vm.ga?.close();
    vm.ga = undefined;
  }

  private waitGone(vm: Vm, timeoutMs: number): Promise<boolean> {
    if (vm.pid <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (v: boolean) => {
        clearTimeout(timer);
        clearInterval(poll);
        const i = vm.exitWaiters.indexOf(waiter);
        if (i >= 0) vm.exitWaiters.splice(i, 1);
        resolve(v);
      };
      const waiter = () => done(true);
      const timer = setTimeout(() => done(vm.pid <= 0), timeoutMs);
      // Children report 'exit'; others are polled here more often than by the watcher.
      const gen = vm.gen;
      const poll = setInterval(() => {
        this.checkAlive(vm, gen);
        if (vm.pid <= 0) done(true);
      }, 50);
      vm.exitWaiters.push(waiter);
    });
  }

  private async stopLocked(id: string, timeoutMs: number): Promise<void> {
    const vm = this.vms.get(id);
    const paths = vmPaths(join(this.o.stateDir, id));
    if (!vm || vm.pid <= 0) {
      await this.killStray(id, paths);
      if (vm && vm.phase !== 'failed') vm.phase = 'stopped';
      return;
    }
    vm.stopping = true;
    const deadline = Date.now() + Math.max(0, timeoutMs);
    try {
      const qmp = await this.qmpOf(vm).catch(() => undefined);
      if (vm.phase === 'suspended') await qmp?.execute('cont', undefined, 1_000).catch(() => undefined);
      let asked = false;
      if (vm.guestReady && vm.ga && !vm.ga.closed) {
        // The agent answers `ok` and then powers off (-f): QEMU exits on the guest's poweroff.
        asked = await vm.ga.request('poweroff', Math.min(2_000, Math.max(100, timeoutMs))).then(
          () => true,
          () => false,
        );
      }
      if (!asked) await qmp?.execute('system_powerdown', undefined, 1_000).catch(() => undefined);
      if (await this.waitGone(vm, Math.max(0, deadline - Date.now()))) return;
      this.log.warn({ vm_id: id, timeout_ms: timeoutMs }, 'guest did not power off in time: quitting qemu');
      await (await this.qmpOf(vm).catch(() => undefined))?.execute('quit', undefined, 1_000).catch(() => undefined);
      if (await this.waitGone(vm, 2_000)) return;
      this.log.warn({ vm_id: id }, 'qemu did not quit: SIGKILL');
      if (vm.pid > 0 && isAlive(vm.pid, vm.pidStartTime)) process.kill(vm.pid, 'SIGKILL');
      if (!(await this.waitGone(vm, 5_000))) throw new DriverError(`VM ${id}: qemu (pid ${vm.pid}) survived SIGKILL`, 'FAILED');
    } finally {
      if (vm.pid <= 0) {
        vm.phase = vm.phase === 'failed' ? 'failed' : 'stopped';
      }
    }
  }

  /** Kills a QEMU of VM `id` that this driver does not track (per its pidfile and name). */
  private async killStray(id: string, paths: VmPaths): Promise<void> {
    let pid: number;
    try {
      pid = Number(readFileSync(paths.pidfile, 'utf8').trim());
    } catch {
      return;
    }
    const tracked = this.vms.get(id);
    if (!(pid > 0) || (tracked && tracked.pid === pid)) return;
    if (!cmdlineOf(pid).includes(`nephele-${id}`)) return;
    this.log.warn({ vm_id: id, pid }, 'killing a qemu of this VM that was not tracked');
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    for (let i = 0; i < 250 && cmdlineOf(pid).includes(`nephele-${id}`); i++) await sleep(20);
  }

  /** The VM's QMP connection, reconnecting if it dropped while QEMU still runs. */
  private async qmpOf(vm: Vm): Promise<QmpClient> {
    if (vm.qmp && !vm.qmp.closed) return vm.qmp;
    if (vm.pid <= 0) throw new DriverError(`VM ${vm.id} is not running`, 'FAILED');
    const gen = vm.gen;
    const qmp = await QmpClient.connect(vm.paths.qmp, { timeoutMs: 3_000 }).catch((e: Error) => {
      throw new DriverError(`VM ${vm.id}: QMP unavailable: ${e.message}`, 'FAILED');
    });
    if (vm.gen !== gen) {
      qmp.close();
      throw new DriverError(`VM ${vm.id} restarted meanwhile`, 'FAILED');
    }
    this.attachQmp(vm, qmp, gen);
    return qmp;
  }

  private async gaOf(vm: Vm): Promise<GuestChannel> {
    if (vm.ga && !vm.ga.closed) return vm.ga;
    const gen = vm.gen;
    const ga = await GuestChannel.connect(vm.paths.ga, { timeoutMs: 3_000 }).catch((e: Error) => {
      throw new DriverError(`VM ${vm.id}: guest channel unavailable: ${e.message}`, 'FAILED');
    });
    if (vm.gen !== gen) {
      ga.close();
      throw new DriverError(`VM ${vm.id} restarted meanwhile`, 'FAILED');
    }
    this.attachGa(vm, ga, gen);
    return ga;
  }
}

function readdirNames(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
