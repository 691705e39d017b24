// LibvirtDriver (scheme 'libvirt'): each VM a persistent libvirt domain named
// nephele-<id>, rendered from the VmSpec (xml.ts) and driven through virsh
// (virsh.ts). The guest, its disk and its guest agent are the qemu driver's
// (same image, same overlay on a stored base, same line protocol), so the qemu
// driver's pieces are reused: validation, bases and disks, the accelerator
// probe, the guest channel, management and monitor commands.
//
// Per VM, <stateDir>/<id>/: overlay.qcow2, base, ga.sock, serial.log,
// domain.xml, config-applied, hidden. libvirtd owns the QEMU: it outlives an
// agent restart by construction; recover() re-attaches. See README.md.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../../../common/logger.js';
import { KeyedMutex } from '../../../common/store/index.js';
import {
  DriverError,
  type AppActionRequest,
  type ApplianceSample,
  type Capabilities,
  type ConfigApply,
  type Driver,
  type ExitListener,
  type Fingerprint,
  type GuestEvent,
  type VmHandle,
  type VmSpec,
  type VmStats,
  type VmStatus,
} from '../driver.js';
import type { VmFence } from '../../fence/fence.js';
import { BaseStore } from '../qemu/bases.js';
import { createVmDisk } from '../qemu/disk.js';
import type { GuestChannel } from '../qemu/guest-channel.js';
import { defaultImage, type GuestImage } from '../qemu/image.js';
import { vmPaths, type Accel } from '../qemu/launch.js';
import { configure, readManifestGuest, tokenHash, tokenPut, tokenRemove } from '../qemu/manage.js';
import { appActionGuest, execGuest, sampleGuest } from '../qemu/monitor.js';
import { AccelProber, qemuVersion, type AccelMode } from '../qemu/probe.js';
import { validateSpec, VM_ID_RE } from '../qemu/spec.js';
import { GuestDriverEvents } from '../qemu/events.js';
import { guestOf, knownVm, runningVm } from '../qemu/qemu-process.js';
import { LibvirtInstance } from './instance.js';
import { GuestBus } from '../guest-bus.js';
import { DEFAULT_LIBVIRT_URI, Virsh } from './virsh.js';

export interface LibvirtDriverOptions {
  /** Per-VM directories and base disks (its own: the qemu driver's base gc runs under the qemu driver's lock). */
  stateDir: string;
  /** Where the qemu driver keeps accel.json: its verdict is reused (no second KVM probe). Default stateDir. */
  accelDir?: string;
  imageRoot: string;
  /** libvirtd's URI (default qemu:///system). */
  uri?: string;
  log?: Logger;
  /** auto (default): the qemu driver's KVM boot probe (cached in the same accel.json), else TCG. */
  accel?: AccelMode;
  virsh?: string;
  /** Liveness poll of the domains' QEMUs (default 500). */
  pollIntervalMs?: number;
  fence?: VmFence;
}

const QEMU_BINARY = 'qemu-system-x86_64';

export class LibvirtDriver implements Driver {
  readonly scheme = 'libvirt';
  readonly virsh: Virsh;
  private readonly log: Logger;
  private readonly vms = new Map<string, LibvirtInstance>();
  private readonly locks = new KeyedMutex();
  private readonly events: GuestDriverEvents;
  private readonly prober: AccelProber;
  private readonly bases: BaseStore;
  private closed = false;

  constructor(private readonly o: LibvirtDriverOptions) {
    this.log = (o.log ?? silentLogger).child({ driver: 'libvirt' });
    this.events = new GuestDriverEvents(this.log);
    this.virsh = new Virsh(o.uri ?? DEFAULT_LIBVIRT_URI, o.virsh);
    this.bases = new BaseStore(o.stateDir);
    this.prober = new AccelProber({
      stateDir: o.accelDir ?? o.stateDir,
      binary: QEMU_BINARY,
      qemuImg: 'qemu-img',
      mode: o.accel ?? 'auto',
      log: this.log,
    });
  }

  capabilities(): Capabilities {
    return {
      suspend: true,
      reboot: true,
      guestChannel: true,
      captureDisk: false,
      cloneDisk: true,
      portForward: true,
      management: false,
    };
  }

  /** Healthy only when libvirtd answers (5 s) and a guest image is there; the accelerator is the qemu probe's. */
  async fingerprint(): Promise<Fingerprint> {
    const attributes: Record<string, string> = { uri: this.virsh.uri };
    const unhealthy = (detail: string) => ({ scheme: this.scheme, healthy: false, detail, attributes });
    let v: { libvirt: string; hypervisor: string };
    try {
      v = await this.virsh.version();
    } catch (e) {
      return unhealthy(`libvirtd at ${this.virsh.uri} does not answer: ${(e as Error).message}`);
    }
    Object.assign(attributes, { libvirt_version: v.libvirt, version: v.hypervisor });
    const image = defaultImage(this.o.imageRoot);
    if (!image) return unhealthy(`no complete guest image under ${this.o.imageRoot}`);
    const choice = await this.prober.choose(image, await qemuVersion(QEMU_BINARY));
    Object.assign(attributes, { accelerator: choice.accel, image: image.name });
    const detail = `libvirt ${v.libvirt} (QEMU ${v.hypervisor}) at ${this.virsh.uri}, ${choice.accel} (${choice.source})`;
    return { scheme: this.scheme, healthy: true, detail, attributes };
  }

  // ---------------------------------------------------------------- lifecycle

  async create(spec: VmSpec, opts: { importDisk?: string } = {}): Promise<VmHandle> {
    this.assertOpen();
    const image = validateSpec(spec, this.o.stateDir, this.o.imageRoot);
    return this.locked(spec.id, async () => {
      const dir = join(this.o.stateDir, spec.id);
      const paths = vmPaths(dir);
      if ((this.vms.get(spec.id)?.pid ?? 0) > 0 || existsSync(paths.overlay))
        throw new DriverError(`VM ${spec.id} already exists (start it, or destroy it first)`, 'FAILED');
      const accel = await this.accelFor(image);
      mkdirSync(dir, { recursive: true });
      try {
        await createVmDisk(this.bases, 'qemu-img', spec, image.dataDisk, paths, opts.importDisk);
        if (spec.hidden) writeFileSync(paths.hidden, '0\n');
        const vm = this.newVm(spec, accel);
        this.vms.set(spec.id, vm);
        await vm.launch(image, 0, !!spec.hidden);
        return vm.handle();
      } catch (e) {
        this.vms.delete(spec.id);
        await this.undefine(spec.id);
        rmSync(dir, { recursive: true, force: true });
        await this.gcBases();
        throw e;
      }
    });
  }

  /** A stopped VM's overlay (for a cold move: the base is content-addressed on every host). */
  diskPath(id: string): string | undefined {
    const p = vmPaths(join(this.o.stateDir, id)).overlay;
    return (this.vms.get(id)?.pid ?? 0) <= 0 && existsSync(p) ? p : undefined;
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
      // A domain of this VM that runs without us knowing it must not run twice on one overlay.
      await this.destroyDomain(handle.id);
      vm ??= this.newVm(handle.spec, 'tcg');
      vm.spec = handle.spec;
      vm.accel = await this.accelFor(image);
      this.vms.set(handle.id, vm);
      await vm.launch(image, handle.hostPort, existsSync(paths.hidden));
      return vm.handle();
    });
  }

  async recover(handle: VmHandle): Promise<boolean> {
    this.assertOpen();
    return this.locked(handle.id, async () => {
      const vm = this.vms.get(handle.id);
      if (vm && vm.pid > 0) return true;
      if (await this.adopt(handle)) return true;
      const paths = vmPaths(join(this.o.stateDir, handle.id));
      if (existsSync(paths.overlay)) {
        const v = this.vms.get(handle.id) ?? this.newVm(handle.spec, (handle.extra.accel as Accel) ?? 'tcg');
        v.hostPort = handle.hostPort;
        v.reason = 'not running after agent restart';
        this.vms.set(handle.id, v);
      }
      return false;
    });
  }

  stop(id: string, timeoutMs: number): Promise<void> {
    return this.locked(id, () => this.stopLocked(id, timeoutMs));
  }

  async destroy(id: string): Promise<void> {
    if (!VM_ID_RE.test(id)) throw new DriverError(`bad VM id ${JSON.stringify(id)}`, 'INVALID_SPEC');
    await this.locked(id, async () => {
      await this.stopLocked(id, this.vms.get(id)?.guestReady ? 2_000 : 0);
      await this.undefine(id);
      rmSync(join(this.o.stateDir, id), { recursive: true, force: true });
      this.vms.delete(id);
      this.o.fence?.release(id);
      await this.gcBases();
    });
  }

  suspend(id: string): Promise<void> {
    return this.locked(id, () => this.running(id).suspend());
  }

  resume(id: string): Promise<void> {
    return this.locked(id, () => this.running(id).resume());
  }

  reboot(id: string): Promise<void> {
    return this.locked(id, () => this.running(id).reset());
  }

  async inspect(id: string): Promise<VmStatus> {
    return this.known(id).status();
  }

  stats(id: string): Promise<VmStats> {
    return this.known(id).stats();
  }

  /** One request over the guest channel: the same line protocol as the qemu driver's. */
  async guestRequest(id: string, command: string, timeoutMs = 5_000): Promise<string> {
    if (/[\r\n]/.test(command)) throw new DriverError('guest command must be one line', 'INVALID_SPEC');
    const ga = await guestOf(this.vms, id, this.scheme);
    try {
      return await ga.request(command, timeoutMs);
    } catch (e) {
      throw new DriverError(`VM ${id}: ${(e as Error).message}`, 'FAILED');
    }
  }

  // ---- what the guest agent carries, as the qemu driver (manage.ts, monitor.ts), under the VM's lock ----
  readonly tokenPut = (id: string, token: string) => this.withGuest(id, (ga) => tokenPut(ga, token));
  readonly tokenHash = (id: string) => this.withGuest(id, tokenHash);
  readonly tokenRemove = (id: string) => this.withGuest(id, tokenRemove);
  readonly configure = (id: string, change: ConfigApply) => this.withGuest(id, (ga) => configure(ga, change));
  readonly monitorSample = (id: string): Promise<ApplianceSample> => this.withGuest(id, sampleGuest);
  readonly guestExec = (id: string, argv: string[], timeoutMs: number) =>
    this.withGuest(id, (ga) => execGuest(ga, argv, timeoutMs));
  readonly appAction = (id: string, a: AppActionRequest) => this.withGuest(id, (ga) => appActionGuest(ga, a));
  readonly readManifest = (id: string) => this.withGuest(id, readManifestGuest);
  // The messaging bus over the same guest agent as qemu's (agent/drivers/guest-bus.ts).
  private readonly bus = new GuestBus(() => this.log);
  readonly onBus: Driver['onBus'] = (l) => this.bus.listen(l);
  readonly busDeliver: Driver['busDeliver'] = (id, d) => this.bus.deliver(id, d);

  readonly onGuestEvent = (l: (id: string, e: GuestEvent) => void) => this.events.onGuestEvent(l);
  readonly onExit = (l: ExitListener) => this.events.onExit(l);
  readonly onStatusChange = (l: (id: string) => void) => this.events.onStatusChange(l);

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
    if (this.closed) throw new DriverError('libvirt driver is closed', 'FAILED');
  }

  private async accelFor(image: GuestImage): Promise<Accel> {
    return (await this.prober.choose(image, await qemuVersion(QEMU_BINARY))).accel;
  }

  private newVm(spec: VmSpec, accel: Accel): LibvirtInstance {
    return new LibvirtInstance(
      {
        log: this.log,
        binary: QEMU_BINARY,
        virsh: this.virsh,
        pollIntervalMs: this.o.pollIntervalMs ?? 500,
        fence: this.o.fence,
        ...this.events.callbacks(),
        channel: (id, ga) => this.bus.attach(id, ga),
      },
      spec,
      vmPaths(join(this.o.stateDir, spec.id)),
      accel,
    );
  }

  private locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(id, fn);
  }

  private known(id: string): LibvirtInstance {
    return knownVm(this.vms, id, this.scheme);
  }

  private running(id: string): LibvirtInstance {
    return runningVm(this.vms, id, this.scheme);
  }

  private withGuest<T>(id: string, fn: (ga: GuestChannel) => Promise<T>): Promise<T> {
    return this.locked(id, async () => fn(await guestOf(this.vms, id, this.scheme)));
  }

  private async adopt(handle: VmHandle): Promise<boolean> {
    if (!(handle.pid > 0) || !handle.pidStartTime) return false;
    const vm = this.vms.get(handle.id) ?? this.newVm(handle.spec, (handle.extra.accel as Accel) ?? 'tcg');
    this.vms.set(handle.id, vm);
    return vm.adopt(handle);
  }

  private async stopLocked(id: string, timeoutMs: number): Promise<void> {
    const vm = this.vms.get(id);
    if (!vm || vm.pid <= 0) {
      await this.destroyDomain(id);
      if (vm && vm.phase !== 'failed') vm.phase = 'stopped';
      return;
    }
    await vm.stop(timeoutMs);
  }

  /** Stops a domain of this VM we do not track (no recover() adopted it). */
  private async destroyDomain(id: string): Promise<void> {
    const name = `nephele-${id}`;
    const st = await this.virsh.domstate(name);
    if (!st || st.state === 'shut off') return;
    this.log.warn({ vm_id: id, state: st.state }, 'destroying a domain of this VM that was not tracked');
    await this.virsh.run(['destroy', name], 10_000).catch((e: Error) => {
      if (!/not running/i.test(e.message)) throw e;
    });
  }

  private async undefine(id: string): Promise<void> {
    await this.destroyDomain(id);
    await this.virsh.run(['undefine', `nephele-${id}`]).catch((e: Error) => {
      if (!/failed to get domain|Domain not found/i.test(e.message)) throw e;
    });
  }

  private async gcBases(): Promise<void> {
    await this.bases.exclusive(async () => {
      const removed = this.bases.gc();
      if (removed.length) this.log.info({ removed }, 'removed unused base disks');
    });
  }
}
