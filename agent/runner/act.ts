// Performs the runner's decided actions (decide.ts) on one VM with its driver,
// records every phase change on disk and reports it durably.
import { rmSync } from 'node:fs';
import type { DesiredVm } from '../../common/grpc/convert.js';
import type { StatusReport } from '../../common/grpc/convert.js';
import type { VmState } from '../../common/model/enums.js';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import { put, del, type Store } from '../../common/store/index.js';
import { taskExitReason, type Driver, type VmSpec } from '../drivers/driver.js';
import { imageRefFromProto } from '../../common/grpc/convert.js';
import type { ImageRef } from '../../controller/model/image.js';
import { resizedReason, STALE_REASON, type Action, type LocalVm, type Phase } from './decide.js';

export const VMS = 'vms';

const STATE: Record<Phase | 'destroyed', VmState> = {
  creating: 'creating',
  running: 'running',
  suspended: 'suspended',
  stopped: 'stopped',
  failed: 'failed',
  destroyed: 'destroyed',
};

/** Between readiness checks of a driver that cannot notify (inspect() is a memory read: readiness is what users wait for). */
export const READY_POLL_MS = 20;

export interface ExecutorOptions {
  drivers: Map<string, Driver>;
  store: Store;
  log: Logger;
  clock: Clock;
  /** Durable report to the controller (the session's outbox). */
  report: (r: StatusReport) => Promise<void>;
  readyTimeoutMs?: number;
  stopTimeoutMs?: number;
  /** Cold moves: uploads a stopped VM's disk file under a transfer id (PutDisk); `flat`: a standalone copy (ExportVm). */
  exportDisk?: (transferId: string, path: string, flat: boolean) => Promise<void>;
  /** Cold moves: downloads a moved disk (GetDisk) to a local file and returns its path. */
  importDisk?: (transferId: string) => Promise<string>;
  /** Asks for another pass over every VM later (a failed disk export is retried). */
  retryLater: (ms: number) => void;
  /** Linked clones: the base image's file in the agent's image cache, fetched and verified first if needed. */
  ensureBase?: (ref: ImageRef) => Promise<string>;
}

/** Holds the agent's local VMs and changes them only by performing actions. */
export class Executor {
  readonly local = new Map<string, LocalVm>();
  readonly destroyedReported = new Set<string>();
  /** Creates held back by the owner gate, already reported as waiting (vm id -> generation). */
  readonly waitingReported = new Map<string, number>();

  constructor(private readonly o: ExecutorOptions) {}

  /** Performs `actions` in order on VM `id` (the caller holds the VM's lock). */
  async run(id: string, d: DesiredVm | undefined, actions: Action[]): Promise<void> {
    for (const a of actions) await this.perform(id, d, a);
  }

  private async perform(id: string, d: DesiredVm | undefined, a: Action): Promise<void> {
    const l = this.local.get(id);
    switch (a.kind) {
      case 'create':
        return this.create(d!);
      case 'holdCreate':
        return this.holdCreate(d!);
      case 'destroy':
        return this.destroy(d!, l);
      case 'removeStale':
        return this.removeStale(l!);
      default:
        break; // the rest act on the VM this host has
    }
    if (!l) throw new Error(`${a.kind}: vm not on this host`);
    const driver = this.driver(l.scheme);
    switch (a.kind) {
      case 'restart':
        return this.restart(d!, l, driver);
      case 'resume':
        await driver.resume(id);
        l.ownerSuspended = false;
        return this.set(l, 'running', a.reason, l.guestReady);
      case 'suspend':
        await driver.suspend(id);
        if (a.owner) l.ownerSuspended = true;
        return this.set(l, 'suspended', a.reason, l.guestReady);
      case 'hold':
        l.ownerSuspended = a.owner;
        return this.set(l, 'suspended', a.reason, l.guestReady);
      case 'reboot':
        l.rebootCount = d!.rebootCount;
        await driver.reboot(id);
        await this.set(l, 'creating', 'rebooting', false);
        return this.awaitReady(l, 'rebooted');
      case 'stop':
        await driver.stop(id, a.hard ? 0 : (this.o.stopTimeoutMs ?? 10_000));
        l.ownerSuspended = false;
        return this.set(l, 'stopped', a.reason, false);
      case 'exportDisk':
        return this.exportDisk(a.transferId, a.flat, l, driver);
      case 'setHidden':
        return this.setHidden(l, a.hidden, driver);
      case 'resize':
        return this.resize(d!, l, driver);
    }
  }

  private driver(scheme: string): Driver {
    const d = this.o.drivers.get(scheme);
    if (!d) throw new Error(`no ${scheme} driver on this host`);
    return d;
  }

  /** Owner busy: a VM not created yet waits (the START expression). */
  private async holdCreate(d: DesiredVm): Promise<void> {
    this.waitingReported.set(d.vmId, d.generation);
    this.o.log.info({ vm_id: d.vmId }, 'create waits: the host owner is active');
    await this.o.report({
      vmId: d.vmId,
      state: 'pending',
      reason: 'waiting: the host owner is active',
      generation: d.generation,
      hostPort: 0,
      guestReady: false,
      timeUnixMs: this.o.clock.now(),
      taskDone: false,
    });
  }

  private async removeStale(l: LocalVm): Promise<void> {
    const driver = this.o.drivers.get(l.scheme);
    if (driver) {
      await driver.stop(l.id, this.o.stopTimeoutMs ?? 10_000);
      await driver.destroy(l.id);
    }
    this.local.delete(l.id);
    await this.o.store.batch([del(VMS, l.id)]);
    this.o.log.info({ vm_id: l.id, phase: l.phase }, 'stale vm copy removed');
    // The controller ignores this from a host that no longer owns the VM, but logs it.
    await this.o.report({
      vmId: l.id,
      state: 'destroyed',
      reason: STALE_REASON,
      generation: l.generation,
      hostPort: 0,
      guestReady: false,
      timeUnixMs: this.o.clock.now(),
      taskDone: false,
    });
  }

  /** The driver's spec; a linked clone's base is fetched into the image cache first. */
  private async specOf(d: DesiredVm): Promise<VmSpec> {
    const s = d.spec!;
    const spec: VmSpec = {
      id: d.vmId,
      name: d.name,
      vcpus: s.vcpus,
      memoryMiB: s.memoryMib,
      diskGiB: s.diskGib,
      image: s.image,
      appliancePort: s.appliancePort,
      config: s.config ?? {},
      hidden: !!d.hidden,
    };
    if (s.baseImage) {
      const ref = imageRefFromProto(s.baseImage);
      if (!ref) throw new Error('spec.base_image is malformed');
      if (!this.o.ensureBase) throw new Error('this agent keeps no image cache');
      const path = await this.o.ensureBase(ref);
      spec.base = { imageId: ref.imageId, sha256: ref.sha256, format: ref.format, bootImage: ref.bootImage, path };
    }
    return spec;
  }

  /** Management instances: the driver removes or restores the VM's port forwards; a failure is retried. */
  private async setHidden(l: LocalVm, hidden: boolean, driver: Driver): Promise<void> {
    try {
      if (!driver.setHidden) throw new Error(`the ${l.scheme} driver cannot hide vms`);
      await driver.setHidden(l.id, hidden);
      l.hidden = hidden;
      if (l.handle) l.handle.spec.hidden = hidden;
      await this.save(l);
      this.o.log.info({ vm_id: l.id, hidden }, hidden ? 'vm hidden' : 'vm unhidden');
    } catch (e) {
      this.o.log.warn({ vm_id: l.id, err: e, hidden }, 'could not change whether the vm is hidden; retrying');
      await this.set(l, l.phase, `${hidden ? 'hide' : 'unhide'} failed: ${(e as Error).message}`, l.guestReady);
      this.o.retryLater(5_000);
    }
  }

  /** Cold move, source side: upload the stopped VM's disk; the controller re-places the VM when it has it. */
  private async exportDisk(transferId: string, flat: boolean, l: LocalVm, driver: Driver): Promise<void> {
    const path = driver.diskPath?.(l.id);
    try {
      if (!path || !this.o.exportDisk) throw new Error(`the ${l.scheme} driver cannot hand over its disk`);
      await this.o.exportDisk(transferId, path, flat);
      l.exported = transferId;
      await this.save(l);
      this.o.log.info({ vm_id: l.id, transfer_id: transferId }, 'vm disk exported for a cold move');
    } catch (e) {
      this.o.log.warn({ vm_id: l.id, err: e }, 'disk export failed; retrying');
      await this.set(l, l.phase, `disk export failed: ${(e as Error).message}`, false);
      // Level-triggered: look again soon with whatever the desired state is then.
      this.o.retryLater(5_000);
    }
  }

  private async create(d: DesiredVm): Promise<void> {
    const scheme = d.spec?.scheme ?? '';
    const l: LocalVm = {
      id: d.vmId,
      scheme,
      phase: 'creating',
      reason: 'creating',
      guestReady: false,
      generation: d.generation,
      rebootCount: d.rebootCount,
    };
    this.local.set(l.id, l);
    const driver = this.o.drivers.get(scheme);
    if (!driver) return this.set(l, 'failed', `this host has no ${scheme} driver`, false);
    await this.set(l, 'creating', d.importDisk ? 'creating from the moved disk' : 'creating', false);
    let importDisk: string | undefined;
    try {
      // A cold move brings the VM's disk along; it is never silently replaced by a fresh one.
      importDisk = d.importDisk ? await this.fetchDisk(d.importDisk) : undefined;
      // A base not cached yet may take a while to arrive: say so rather than look stuck.
      if (d.spec?.baseImage) await this.set(l, 'creating', 'fetching the base image', false);
      const spec = await this.specOf(d);
      l.handle = await driver.create(spec, importDisk ? { importDisk } : undefined);
      l.hidden = !!spec.hidden;
    } catch (e) {
      return this.set(l, 'failed', `create failed: ${(e as Error).message}`, false);
    } finally {
      if (importDisk) rmSync(importDisk, { force: true }); // moved into place on success
    }
    await this.save(l);
    await this.awaitReady(l, 'guest ready');
  }

  private async fetchDisk(transferId: string): Promise<string> {
    if (!this.o.importDisk) throw new Error('this agent cannot fetch moved disks');
    return this.o.importDisk(transferId);
  }

  /**
   * New vcpus/memory: live where the driver can (process: cgroup limits), else
   * stopped and started at the new size (qemu: -smp/-m). Reported with
   * resizedReason once done; a failed live resize is retried, the VM untouched.
   */
  private async resize(d: DesiredVm, l: LocalVm, driver: Driver): Promise<void> {
    const spec: VmSpec = { ...l.handle!.spec, vcpus: d.spec!.vcpus, memoryMiB: d.spec!.memoryMib };
    const done = resizedReason(spec.vcpus, spec.memoryMiB);
    if (driver.resize) {
      try {
        l.handle = await driver.resize(l.handle!, spec);
      } catch (e) {
        this.o.log.warn({ vm_id: l.id, err: e }, 'live resize failed; retrying');
        this.o.retryLater(5_000);
        return this.set(l, l.phase, `resize failed: ${(e as Error).message}`, l.guestReady);
      }
      await this.save(l);
      this.o.log.info({ vm_id: l.id, vcpus: spec.vcpus, memory_mib: spec.memoryMiB }, 'vm resized live');
      return this.set(l, 'running', done, l.guestReady);
    }
    await this.set(l, 'creating', 'restarting at a new size', false);
    try {
      await driver.stop(l.id, this.o.stopTimeoutMs ?? 10_000);
      l.handle = await driver.start({ ...l.handle!, spec });
    } catch (e) {
      return this.set(l, 'failed', `resize failed: ${(e as Error).message}`, false);
    }
    await this.save(l);
    await this.awaitReady(l, done);
  }

  private async restart(d: DesiredVm, l: LocalVm, driver: Driver): Promise<void> {
    l.generation = d.generation;
    l.rebootCount = d.rebootCount;
    l.taskDone = false;
    l.ownerSuspended = false;
    await this.set(l, 'creating', 'starting', false);
    try {
      // Started with the forwards the controller wants now (a management instance stays hidden).
      if (l.handle) l.handle.spec.hidden = !!d.hidden;
      // A stopped VM resized meanwhile starts at its new size.
      if (l.handle && d.spec) Object.assign(l.handle.spec, { vcpus: d.spec.vcpus, memoryMiB: d.spec.memoryMib });
      l.handle = l.handle ? await driver.start(l.handle) : await driver.create(await this.specOf(d));
      l.hidden = !!d.hidden;
    } catch (e) {
      return this.set(l, 'failed', `start failed: ${(e as Error).message}`, false);
    }
    await this.save(l);
    await this.awaitReady(l, 'started');
  }

  /**
   * Waits until the guest is ready, the VM failed, or the deadline passed. Woken
   * by the driver's status notification where it has one, else polled.
   */
  private async awaitReady(l: LocalVm, reason: string): Promise<void> {
    const driver = this.driver(l.scheme);
    const clock = this.o.clock;
    const deadline = clock.now() + (this.o.readyTimeoutMs ?? 90_000);
    let wake: (() => void) | undefined;
    let changed = false;
    // Subscribed before the first look, so a change between look and wait is not lost.
    const off = driver.onStatusChange?.((id) => {
      if (id !== l.id) return;
      changed = true;
      wake?.();
    });
    try {
      while (clock.now() < deadline) {
        if (l.phase !== 'creating') return; // failed or changed meanwhile
        changed = false;
        // An inspect that fails is no verdict: keep waiting for readiness until the deadline.
        const st = await driver.inspect(l.id).catch(() => undefined);
        if (st?.phase === 'failed') return this.set(l, 'failed', st.reason, false);
        // A task that finished before it was seen running: its exit (onExit) records how.
        if (st?.phase === 'stopped') return;
        if (st?.guestReady) {
          if (l.handle) l.handle.hostPort = st.hostPort || l.handle.hostPort;
          return this.set(l, 'running', reason, true);
        }
        if (changed) continue;
        await new Promise<void>((resolve) => {
          const timer = clock.setTimeout(() => resolve(), off ? Math.max(0, deadline - clock.now()) : READY_POLL_MS);
          wake = () => (timer.cancel(), resolve());
        });
        wake = undefined;
      }
    } finally {
      off?.();
    }
    await this.set(l, 'failed', 'guest did not become ready in time', false);
  }

  private async destroy(d: DesiredVm, l: LocalVm | undefined): Promise<void> {
    if (l) {
      await this.o.drivers.get(l.scheme)?.destroy(l.id);
      this.local.delete(l.id);
      await this.o.store.batch([del(VMS, l.id)]);
    }
    this.destroyedReported.add(d.vmId);
    await this.o.report({
      vmId: d.vmId,
      state: 'destroyed',
      reason: 'destroyed as requested',
      generation: d.generation,
      hostPort: 0,
      guestReady: false,
      timeUnixMs: this.o.clock.now(),
      taskDone: false,
    });
  }

  /** A task's end: exit 0 is STOPPED with task_done (the set may end on it); anything else FAILED. */
  async taskEnded(l: LocalVm, exitCode: number | undefined): Promise<void> {
    l.ownerSuspended = false;
    if (exitCode === 0) {
      l.taskDone = true;
      return this.set(l, 'stopped', taskExitReason(0), false);
    }
    await this.set(l, 'failed', taskExitReason(exitCode), false);
  }

  private async save(l: LocalVm): Promise<void> {
    await this.o.store.batch([put(VMS, l.id, l)]);
  }

  /** Records a phase change on disk and reports it (only when something changed). */
  async set(l: LocalVm, phase: Phase, reason: string, guestReady: boolean): Promise<void> {
    if (l.phase === phase && l.reason === reason && l.guestReady === guestReady && phase !== 'creating') return;
    l.phase = phase;
    l.reason = reason;
    l.guestReady = guestReady;
    await this.save(l);
    this.o.log[phase === 'failed' ? 'error' : 'info']({ vm_id: l.id, phase, reason }, 'vm state');
    await this.o.report({
      vmId: l.id,
      state: STATE[phase],
      reason,
      generation: l.generation,
      hostPort: l.handle?.hostPort ?? 0,
      guestReady,
      timeUnixMs: this.o.clock.now(),
      taskDone: phase === 'stopped' && !!l.taskDone,
    });
  }
}
