// QemuDriver (scheme 'qemu'): one QEMU process per VM, microvm machine, a
// qcow2 overlay on (a stored copy of) the image's data disk, QMP for control, a virtio-serial
// line protocol to the guest agent, user-mode networking with one host port
// forwarded to the appliance. Modelled on Nomad's drivers/qemu.
//
// Per VM, everything lives in <stateDir>/<id>/: overlay.qcow2, qmp.sock,
// ga.sock, serial.log, qemu.log, qemu.pid, base, config-applied. QEMU runs in its
// own session, so it survives an agent restart; recover() re-attaches. See README.md.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../../../common/logger.js';
import { KeyedMutex } from '../../../common/store/index.js';
import {
  DriverError,
  type CaptureResult,
  type ConfigApply,
  type Capabilities,
  type Driver,
  type ExitListener,
  type Fingerprint,
  type VmHandle,
  type VmSpec,
  type VmStats,
  type VmStatus,
  type ApplianceSample,
  type AppActionRequest,
  type GuestEvent,
} from '../driver.js';
import { BaseStore } from './bases.js';
import { createVmDisk } from './disk.js';
import type { GuestImage } from './image.js';
import { killStray, vmPaths, type Accel, type VmPaths } from './launch.js';
import { QemuInstance } from './instance.js';
import { guestOf, knownVm, runningVm } from './qemu-process.js';
import { captureInstance, continueIfCaptureLeftPaused } from './capture.js';
import { configure, readManifestGuest, tokenHash, tokenPut, tokenRemove } from './manage.js';
import type { GuestChannel } from './guest-channel.js';
import { GuestBus } from '../guest-bus.js';
import { appActionGuest, execGuest, sampleGuest } from './monitor.js';
import { qemuFingerprint, validateSpec, VM_ID_RE, which } from './spec.js';
import { AccelProber, qemuVersion, type AccelMode } from './probe.js';
import type { VmFence } from '../../fence/fence.js';
import { GuestDriverEvents } from './events.js';

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

export { MIN_MEMORY_MIB } from './spec.js';

export class QemuDriver implements Driver {
  readonly scheme = 'qemu';
  private readonly log: Logger;
  private readonly vms = new Map<string, QemuInstance>();
  private readonly locks = new KeyedMutex();
  private readonly events: GuestDriverEvents;
  private readonly prober: AccelProber;
  private readonly bases: BaseStore;
  private readonly binaryName: string;
  private readonly qemuImgName: string;
  private versionP?: Promise<string>;
  private closed = false;

  constructor(private readonly o: QemuDriverOptions) {
    this.log = (o.log ?? silentLogger).child({ driver: 'qemu' });
    this.events = new GuestDriverEvents(this.log);
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
    return {
      suspend: true,
      reboot: true,
      guestChannel: true,
      captureDisk: true,
      cloneDisk: true,
      portForward: true,
      management: true,
    };
  }

  // ---------------------------------------------------------------- fingerprint

  async fingerprint(): Promise<Fingerprint> {
    return qemuFingerprint({
      binary: this.binaryName,
      qemuImg: this.qemuImgName,
      imageRoot: this.o.imageRoot,
      accel: this.o.accel,
      version: () => this.version(),
      prober: this.prober,
    });
  }

  private version(): Promise<string> {
    if (!this.versionP) {
      this.versionP = qemuVersion(this.binaryName);
      this.versionP.catch(() => (this.versionP = undefined));
    }
    return this.versionP;
  }

  // ---------------------------------------------------------------- lifecycle

  async create(spec: VmSpec, opts: { importDisk?: string } = {}): Promise<VmHandle> {
    this.assertOpen();
    const image = validateSpec(spec, this.o.stateDir, this.o.imageRoot);
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
        await createVmDisk(this.bases, this.qemuImg(), spec, image.dataDisk, paths, opts.importDisk);
        if (spec.hidden) writeFileSync(paths.hidden, '0\n');
        const vm = this.newVm(spec, paths, accel);
        this.vms.set(spec.id, vm);
        await vm.launch(image, 0);
        return vm.handle();
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

  consolePath(id: string): string | undefined {
    const p = vmPaths(join(this.o.stateDir, id)).serial;
    return existsSync(p) ? p : undefined;
  }

  async start(handle: VmHandle): Promise<VmHandle> {
    this.assertOpen();
    const image = validateSpec(handle.spec, this.o.stateDir, this.o.imageRoot);
    return this.locked(handle.id, async () => {
      let vm = this.vms.get(handle.id);
      if (vm && vm.pid > 0) return vm.handle();
      if (!vm && (await this.adopt(handle))) return this.vms.get(handle.id)!.handle();
      const paths = vmPaths(join(this.o.stateDir, handle.id));
      if (!existsSync(paths.overlay))
        throw new DriverError(`VM ${handle.id} has no disk (${paths.overlay})`, 'NOT_FOUND');
      // A QEMU of this VM we do not know about (no recover() was called) must not run twice on one overlay.
      await this.killStray(handle.id, paths);
      vm ??= this.newVm(handle.spec, paths, 'tcg');
      vm.spec = handle.spec;
      vm.accel = await this.accelFor(image);
      this.vms.set(handle.id, vm);
      await vm.launch(image, handle.hostPort);
      return vm.handle();
    });
  }

  async recover(handle: VmHandle): Promise<boolean> {
    this.assertOpen();
    return this.locked(handle.id, async () => {
      const vm = this.vms.get(handle.id);
      if (vm && vm.pid > 0) return true;
      if (await this.adopt(handle)) {
        await continueIfCaptureLeftPaused(this.vms.get(handle.id)!, this.log);
        return true;
      }
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
      await (await vm.qmpOf()).execute('stop');
      vm.phase = 'suspended';
    });
  }

  async resume(id: string): Promise<void> {
    await this.locked(id, async () => {
      const vm = this.running(id);
      if (vm.phase === 'running') return;
      await (await vm.qmpOf()).execute('cont');
      vm.phase = 'running';
      // Recovered while paused, the guest could not answer then; ask again.
      vm.pingAgain();
    });
  }

  async reboot(id: string): Promise<void> {
    await this.locked(id, async () => {
      const vm = this.running(id);
      vm.guestReady = false;
      await (await vm.qmpOf()).execute('system_reset');
    });
  }

  async inspect(id: string): Promise<VmStatus> {
    return this.known(id).status();
  }

  async stats(id: string): Promise<VmStats> {
    return this.known(id).stats();
  }

  async guestRequest(id: string, command: string, timeoutMs = 5_000): Promise<string> {
    const vm = this.running(id);
    if (/[\r\n]/.test(command)) throw new DriverError('guest command must be one line', 'INVALID_SPEC');
    if (vm.phase === 'suspended') throw new DriverError(`VM ${id} is suspended: its guest cannot answer`, 'FAILED');
    const ga = await vm.gaOf();
    try {
      return await ga.request(command, timeoutMs);
    } catch (e) {
      throw new DriverError(`VM ${id}: ${(e as Error).message}`, 'FAILED');
    }
  }

  // ---------------------------------------------------------------- management (manage.ts, capture.ts)

  tokenPut(id: string, token: string): Promise<void> {
    return this.withGuest(id, (ga) => tokenPut(ga, token));
  }

  tokenHash(id: string): Promise<string> {
    return this.withGuest(id, tokenHash);
  }

  tokenRemove(id: string): Promise<void> {
    return this.withGuest(id, tokenRemove);
  }

  configure(id: string, change: ConfigApply): Promise<void> {
    return this.withGuest(id, (ga) => configure(ga, change));
  }

  capture(id: string, out: string): Promise<CaptureResult> {
    return this.locked(id, () => captureInstance(this.running(id), this.qemuImg(), out, this.log));
  }

  setHidden(id: string, hidden: boolean): Promise<void> {
    return this.locked(id, () => this.known(id).setHidden(hidden));
  }

  /** One management operation on the running VM's guest channel, under the VM's lock. */
  private withGuest<T>(id: string, fn: (ga: GuestChannel) => Promise<T>): Promise<T> {
    return this.locked(id, async () => fn(await guestOf(this.vms, id, this.scheme)));
  }

  // ---- the appliance monitor (monitor.ts): over the guest channel, under the VM's lock ----
  readonly monitorSample = (id: string): Promise<ApplianceSample> => this.withGuest(id, sampleGuest);
  readonly guestExec = (id: string, argv: string[], timeoutMs: number) =>
    this.withGuest(id, (ga) => execGuest(ga, argv, timeoutMs));
  readonly appAction = (id: string, a: AppActionRequest) => this.withGuest(id, (ga) => appActionGuest(ga, a));
  readonly readManifest = (id: string) => this.withGuest(id, readManifestGuest);
  private readonly bus = new GuestBus(() => this.log);
  readonly onBus: Driver['onBus'] = (l) => this.bus.listen(l);
  readonly busDeliver: Driver['busDeliver'] = (id, d) => this.bus.deliver(id, d);

  /** `event` lines of the guest agents (its watcher: the app stopped without being told to). */
  onGuestEvent(listener: (id: string, e: GuestEvent) => void): () => void {
    return this.events.onGuestEvent(listener);
  }

  /** Boot id from the guest agent's last `ready` line (changes on every guest boot). */
  bootIdOf(id: string): string | undefined {
    return this.vms.get(id)?.bootId;
  }

  /** One raw QMP command on the VM's monitor (diagnostics and tests; not part of Driver). */
  async qmpCommand<T = unknown>(id: string, command: string, args?: Record<string, unknown>): Promise<T> {
    return (await this.running(id).qmpOf()).execute<T>(command, args);
  }

  onExit(listener: ExitListener): void {
    this.events.onExit(listener);
  }

  /** Guest ready (its agent's `ready` line, config applied) or QEMU gone. */
  onStatusChange(listener: (id: string) => void): () => void {
    return this.events.onStatusChange(listener);
  }

  /** The QEMU processes (vCPU threads and device emulation all live in them). */
  guestPids(): number[] {
    return [...this.vms.values()].filter((vm) => vm.pid > 0).map((vm) => vm.pid);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const vm of this.vms.values()) vm.detach();
    this.events.clear();
  }

  // ---------------------------------------------------------------- internals

  private assertOpen(): void {
    if (this.closed) throw new DriverError('qemu driver is closed', 'FAILED');
  }

  private qemuImg(): string {
    return this.qemuImgName;
  }

  private async accelFor(image: GuestImage): Promise<Accel> {
    if (!which(this.binaryName)) throw new DriverError(`${this.binaryName} not found in PATH`, 'UNSUPPORTED');
    const choice = await this.prober.choose(image, await this.version());
    return choice.accel;
  }

  private newVm(spec: VmSpec, paths: VmPaths, accel: Accel): QemuInstance {
    return new QemuInstance(
      {
        log: this.log,
        binary: this.binaryName,
        pollIntervalMs: this.o.pollIntervalMs ?? 500,
        fence: this.o.fence,
        ...this.events.callbacks(),
        channel: (id, ga) => this.bus.attach(id, ga),
      },
      spec,
      paths,
      accel,
    );
  }

  /** Serialises the operations on one VM id. */
  private locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(id, fn);
  }

  private known(id: string): QemuInstance {
    return knownVm(this.vms, id, this.scheme);
  }

  private running(id: string): QemuInstance {
    return runningVm(this.vms, id, this.scheme);
  }

  /** Adopts a running QEMU of `handle` (after an agent restart): true if it runs and is ours. */
  private async adopt(handle: VmHandle): Promise<boolean> {
    if (!QemuInstance.adoptable(handle)) return false;
    const vm =
      this.vms.get(handle.id) ??
      this.newVm(handle.spec, vmPaths(join(this.o.stateDir, handle.id)), (handle.extra.accel as Accel) ?? 'tcg');
    this.vms.set(handle.id, vm);
    return vm.adopt(handle);
  }

  private async stopLocked(id: string, timeoutMs: number): Promise<void> {
    const vm = this.vms.get(id);
    if (!vm || vm.pid <= 0) {
      await this.killStray(id, vmPaths(join(this.o.stateDir, id)));
      if (vm && vm.phase !== 'failed') vm.phase = 'stopped';
      return;
    }
    await vm.stop(timeoutMs);
  }

  private killStray(id: string, paths: VmPaths): Promise<void> {
    return killStray(id, paths, this.vms.get(id)?.pid, this.log);
  }
}
