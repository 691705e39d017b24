import { rmSync } from 'node:fs';
import type { DesiredVm__Output as DesiredVm } from '../../common/gen/nephele/v1/DesiredVm.js';
import type { VmStatusReport } from '../../common/gen/nephele/v1/VmStatusReport.js';
import type { Capacity } from '../../common/gen/nephele/v1/Capacity.js';
import type { VmState } from '../../common/gen/nephele/v1/VmState.js';
import type { OwnerState__Output as OwnerState } from '../../common/gen/nephele/v1/OwnerState.js';
import type { Logger } from '../../common/logger.js';
import { Mutex, put, del, type Store } from '../../common/store/index.js';
import { isTask, taskExitReason, type Driver, type ExitInfo, type VmHandle, type VmSpec } from '../drivers/driver.js';
import { FENCED_REASON } from '../fence/lease.js';
import { resourcesOf } from '../../common/limits.js';

const VMS = 'vms';

type Phase = 'creating' | 'running' | 'suspended' | 'stopped' | 'failed';

/** What the agent keeps per VM, on disk, to converge and to re-attach after a restart. */
interface LocalVm {
  id: string;
  scheme: string;
  handle?: VmHandle;
  phase: Phase;
  reason: string;
  guestReady: boolean;
  /** Desired generation / reboot count already acted on. */
  generation: number;
  rebootCount: number;
  /** Suspended by the owner gate (not by the controller): resumed when the owner is idle again. */
  ownerSuspended?: boolean;
  /** A task VM whose task exited 0: not restarted unless a higher generation asks. */
  taskDone?: boolean;
  /** Transfer id this VM's disk was uploaded under (cold move, source side). */
  exported?: string;
}

/** The reason a VM removed from this host's desired state is reported with. */
export const STALE_REASON = 'stale copy removed: the vm was placed on another host';
export const OWNER_ACTIVE = 'owner active';
export const OWNER_IDLE = 'owner idle';

const STATE: Record<Phase | 'destroyed', VmState> = {
  creating: 'VM_STATE_CREATING',
  running: 'VM_STATE_RUNNING',
  suspended: 'VM_STATE_SUSPENDED',
  stopped: 'VM_STATE_STOPPED',
  failed: 'VM_STATE_FAILED',
  destroyed: 'VM_STATE_DESTROYED',
};

export interface RunnerOptions {
  drivers: Driver[];
  store: Store;
  log: Logger;
  /** Durable report to the controller (the session's outbox). */
  report: (r: Omit<VmStatusReport, 'seq'>) => Promise<void>;
  readyTimeoutMs?: number;
  stopTimeoutMs?: number;
  /** Cold moves: uploads a stopped VM's disk file under a transfer id (PutDisk). */
  exportDisk?: (transferId: string, path: string) => Promise<void>;
  /** Cold moves: downloads a moved disk (GetDisk) to a local file and returns its path. */
  importDisk?: (transferId: string) => Promise<string>;
  /** True (once) if the fence stopped this VM because the agent's lease ran out. */
  fenced?: (id: string) => boolean;
}

/**
 * Converges this host's VMs to the controller's desired state, one VM at a
 * time per VM (operations on different VMs run in parallel), and reports every
 * observed change durably. Level-triggered: the same desired state applied
 * twice does nothing the second time.
 */
export class Runner {
  private readonly drivers = new Map<string, Driver>();
  private readonly local = new Map<string, LocalVm>();
  private readonly locks = new Map<string, Mutex>();
  private desired = new Map<string, DesiredVm>();
  private readonly destroyedReported = new Set<string>();
  private readonly queued = new Set<string>();
  private readonly inflight = new Set<Promise<unknown>>();
  /**
   * Set by the first DesiredState after (re)start. Before it, a local VM missing
   * from `desired` says nothing (the controller has not spoken yet), so nothing
   * is removed; only the owner gate acts.
   */
  private haveDesired = false;
  /** Owner gate (ad-hoc hosts): while the owner is busy, guests are suspended and nothing new starts. */
  private owner: OwnerState = 'OWNER_STATE_UNSPECIFIED';
  /** Creates held back by the owner gate, already reported as waiting (vm id -> generation). */
  private readonly waitingReported = new Map<string, number>();

  constructor(private readonly o: RunnerOptions) {
    for (const d of o.drivers) {
      this.drivers.set(d.scheme, d);
      d.onExit((id, reason, info) => void this.onExit(id, reason, info));
    }
  }

  schemes(): string[] {
    return [...this.drivers.keys()];
  }

  /** Guest resources held by VMs that exist on this host (running or not, their disk and reservation stay). */
  allocated(): Capacity {
    let vcpus = 0;
    let mem = 0;
    let disk = 0;
    for (const l of this.local.values()) {
      const s = l.handle?.spec;
      if (!s || l.phase === 'stopped' || l.phase === 'failed') continue;
      const r = resourcesOf(s);
      vcpus += r.vcpus;
      mem += r.memoryBytes;
      disk += r.diskBytes;
    }
    return { vcpus, memoryBytes: mem, diskBytes: disk };
  }

  count(): number {
    return this.local.size;
  }

  /** Roots of the guests' process trees (the owner CPU probe leaves them out). */
  guestPids(): number[] {
    return [...this.drivers.values()].flatMap((d) => d.guestPids?.() ?? []);
  }

  private ownerActive(): boolean {
    return this.owner === 'OWNER_STATE_BUSY' || this.owner === 'OWNER_STATE_EVACUATE';
  }

  /**
   * The owner policy's state changed: re-reconcile every VM (level-triggered:
   * each pass reads the newest desired state and the gate).
   */
  setOwner(state: OwnerState): void {
    if (state === this.owner) return;
    this.owner = state;
    this.requeue();
  }

  /** Re-attaches to VMs that outlived a previous agent process. */
  async start(): Promise<void> {
    for await (const { value } of this.o.store.scan<LocalVm>(VMS)) {
      const l = value;
      this.local.set(l.id, l);
      const driver = this.drivers.get(l.scheme);
      if (!l.handle || !driver || l.phase === 'stopped' || l.phase === 'failed') continue;
      const alive = await driver.recover(l.handle).catch(() => false);
      if (alive) {
        const st = await driver.inspect(l.id).catch(() => undefined);
        this.o.log.info({ vm_id: l.id, pid: l.handle.pid }, 'vm re-attached');
        if (st && st.phase !== l.phase) await this.set(l, st.phase, 'observed after agent restart', st.guestReady);
      } else if (this.o.fenced?.(l.id)) {
        this.o.log.warn({ vm_id: l.id }, 'vm was fenced while the agent was away');
        await this.set(l, 'failed', FENCED_REASON, false);
      } else if (isTask(l.handle.spec)) {
        // A task may simply have finished while the agent was away: its wrapper recorded how.
        const code = await driver.taskExit?.(l.handle).catch(() => undefined);
        await this.taskEnded(l, code);
      } else {
        await this.set(l, 'failed', 'not running when the agent restarted', false);
      }
    }
  }

  /** The controller's full desired state: converge every VM in it and every local one not in it. */
  apply(vms: DesiredVm[]): void {
    this.desired = new Map(vms.map((v) => [v.vmId, v]));
    this.haveDesired = true;
    for (const id of this.waitingReported.keys()) if (!this.desired.has(id)) this.waitingReported.delete(id);
    this.requeue();
  }

  private requeue(): void {
    for (const id of new Set([...this.desired.keys(), ...this.local.keys()])) {
      // One queued pass per VM is enough: it reads the newest desired state when it runs.
      if (this.queued.has(id)) continue;
      this.queued.add(id);
      const pass = this.lock(id)
        .run(() => {
          this.queued.delete(id);
          return this.reconcile(id);
        })
        .catch((err) => this.o.log.error({ err, vm_id: id }, 'reconcile failed'))
        .finally(() => this.inflight.delete(pass));
      this.inflight.add(pass);
    }
  }

  /** Resolves once every queued reconcile pass has run (tests; orderly shutdown). */
  async settled(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  private lock(id: string): Mutex {
    let m = this.locks.get(id);
    if (!m) this.locks.set(id, (m = new Mutex()));
    return m;
  }

  private async reconcile(id: string): Promise<void> {
    const d = this.desired.get(id);
    const l = this.local.get(id);
    if (!d) {
      if (!l) return;
      // Before the controller has spoken, absence means nothing: only the owner gate acts.
      if (!this.haveDesired) return this.gateOnly(l);
      // Not ours any more (re-placed while this host was away, or evacuated): this
      // copy must not run beside the new one, nor hold its disk and resources.
      return this.removeStale(l);
    }
    if (d.desired === 'DESIRED_VM_STATE_DESTROYED') return this.destroy(d, l);
    if (!l) return this.ownerActive() ? this.holdCreate(d) : this.create(d);
    const driver = this.driver(l.scheme);
    switch (d.desired) {
      case 'DESIRED_VM_STATE_RUNNING':
        // The owner's SUSPEND: nothing of the controller's RUNNING happens while they work.
        if (this.ownerActive()) return this.ownerSuspend(l);
        if (l.phase === 'suspended' && l.ownerSuspended) {
          await driver.resume(id);
          l.ownerSuspended = false;
          return this.set(l, 'running', OWNER_IDLE, l.guestReady);
        }
        if (l.phase === 'failed' && d.generation > l.generation) return this.restart(d, l);
        // A finished task stays finished; only a new generation (StartVm) runs it again.
        if (l.phase === 'stopped' && !(l.taskDone && d.generation <= l.generation)) return this.restart(d, l);
        if (l.phase === 'suspended') {
          await driver.resume(id);
          return this.set(l, 'running', 'resumed', l.guestReady);
        }
        if (l.phase === 'running' && d.rebootCount > l.rebootCount) {
          l.rebootCount = d.rebootCount;
          await driver.reboot(id);
          await this.set(l, 'creating', 'rebooting', false);
          return this.awaitReady(l, 'rebooted');
        }
        return;
      case 'DESIRED_VM_STATE_STOPPED':
        if (l.phase === 'running' || l.phase === 'suspended' || l.phase === 'creating') {
          await driver.stop(id, this.o.stopTimeoutMs ?? 10_000);
          l.ownerSuspended = false;
          await this.set(l, 'stopped', d.exportDisk ? 'stopped for a move' : 'stopped as requested', false);
        }
        if (d.exportDisk && l.exported !== d.exportDisk && (l.phase === 'stopped' || l.phase === 'failed')) return this.exportDisk(d, l, driver);
        return;
      case 'DESIRED_VM_STATE_SUSPENDED':
        if (l.phase === 'running') {
          await driver.suspend(id);
          return this.set(l, 'suspended', 'suspended as requested', l.guestReady);
        }
        if (l.phase === 'suspended' && l.ownerSuspended) {
          // The controller wants it suspended too: it stays so when the owner leaves.
          l.ownerSuspended = false;
          return this.set(l, 'suspended', 'suspended as requested', l.guestReady);
        }
        return;
      default:
        return;
    }
  }

  /** Owner busy and the controller wants the VM running: suspend it locally until the owner is idle. */
  private async ownerSuspend(l: LocalVm): Promise<void> {
    if (l.phase === 'running') {
      await this.driver(l.scheme).suspend(l.id);
      l.ownerSuspended = true;
      return this.set(l, 'suspended', OWNER_ACTIVE, l.guestReady);
    }
    if (l.phase === 'suspended' && !l.ownerSuspended) {
      // Suspended at the controller's word, now wanted running: the owner holds it from here.
      l.ownerSuspended = true;
      return this.set(l, 'suspended', OWNER_ACTIVE, l.guestReady);
    }
    // stopped / failed: not (re)started while the owner works; the gate re-queues it.
  }

  /** Owner busy: a VM not created yet waits (the START expression). Reported once per generation. */
  private async holdCreate(d: DesiredVm): Promise<void> {
    if (this.waitingReported.get(d.vmId) === d.generation) return;
    this.waitingReported.set(d.vmId, d.generation);
    this.o.log.info({ vm_id: d.vmId }, 'create waits: the host owner is active');
    await this.o.report({ vmId: d.vmId, state: 'VM_STATE_PENDING', reason: 'waiting: the host owner is active', generation: d.generation, hostPort: 0, guestReady: false, timeUnixMs: Date.now(), taskDone: false });
  }

  /** Before the first desired state: only suspend for / resume after the owner. */
  private async gateOnly(l: LocalVm): Promise<void> {
    if (this.ownerActive() && l.phase === 'running') return this.ownerSuspend(l);
    if (!this.ownerActive() && l.phase === 'suspended' && l.ownerSuspended) {
      await this.driver(l.scheme).resume(l.id);
      l.ownerSuspended = false;
      await this.set(l, 'running', OWNER_IDLE, l.guestReady);
    }
  }

  private async removeStale(l: LocalVm): Promise<void> {
    const driver = this.drivers.get(l.scheme);
    if (driver) {
      await driver.stop(l.id, this.o.stopTimeoutMs ?? 10_000);
      await driver.destroy(l.id);
    }
    this.local.delete(l.id);
    await this.o.store.batch([del(VMS, l.id)]);
    this.o.log.info({ vm_id: l.id, phase: l.phase }, 'stale vm copy removed');
    // The controller ignores this from a host that no longer owns the VM, but logs it.
    await this.o.report({ vmId: l.id, state: 'VM_STATE_DESTROYED', reason: STALE_REASON, generation: l.generation, hostPort: 0, guestReady: false, timeUnixMs: Date.now(), taskDone: false });
  }

  private driver(scheme: string): Driver {
    const d = this.drivers.get(scheme);
    if (!d) throw new Error(`no ${scheme} driver on this host`);
    return d;
  }

  private specOf(d: DesiredVm): VmSpec {
    const s = d.spec!;
    return { id: d.vmId, name: d.name, vcpus: s.vcpus, memoryMiB: s.memoryMib, diskGiB: s.diskGib, image: s.image, appliancePort: s.appliancePort, config: s.config ?? {} };
  }

  /** Cold move, source side: upload the stopped VM's disk; the controller re-places the VM when it has it. */
  private async exportDisk(d: DesiredVm, l: LocalVm, driver: Driver): Promise<void> {
    const path = driver.diskPath?.(l.id);
    try {
      if (!path || !this.o.exportDisk) throw new Error(`the ${l.scheme} driver cannot hand over its disk`);
      await this.o.exportDisk(d.exportDisk, path);
      l.exported = d.exportDisk;
      await this.save(l);
      this.o.log.info({ vm_id: l.id, transfer_id: d.exportDisk }, 'vm disk exported for a cold move');
    } catch (e) {
      this.o.log.warn({ vm_id: l.id, err: (e as Error).message }, 'disk export failed; retrying');
      await this.set(l, l.phase, `disk export failed: ${(e as Error).message}`, false);
      // Level-triggered: look again soon with whatever the desired state is then.
      setTimeout(() => this.apply([...this.desired.values()]), 5_000).unref?.();
    }
  }

  private async create(d: DesiredVm): Promise<void> {
    const scheme = d.spec?.scheme ?? '';
    const l: LocalVm = { id: d.vmId, scheme, phase: 'creating', reason: 'creating', guestReady: false, generation: d.generation, rebootCount: d.rebootCount };
    this.local.set(l.id, l);
    const driver = this.drivers.get(scheme);
    if (!driver) return this.set(l, 'failed', `this host has no ${scheme} driver`, false);
    await this.set(l, 'creating', d.importDisk ? 'creating from the moved disk' : 'creating', false);
    let importDisk: string | undefined;
    try {
      // A cold move brings the VM's disk along; it is never silently replaced by a fresh one.
      importDisk = d.importDisk ? await this.fetchDisk(d.importDisk) : undefined;
      l.handle = await driver.create(this.specOf(d), importDisk ? { importDisk } : undefined);
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

  private async restart(d: DesiredVm, l: LocalVm): Promise<void> {
    const driver = this.driver(l.scheme);
    l.generation = d.generation;
    l.rebootCount = d.rebootCount;
    l.taskDone = false;
    l.ownerSuspended = false;
    await this.set(l, 'creating', 'starting', false);
    try {
      l.handle = l.handle ? await driver.start(l.handle) : await driver.create(this.specOf(d));
    } catch (e) {
      return this.set(l, 'failed', `start failed: ${(e as Error).message}`, false);
    }
    await this.save(l);
    await this.awaitReady(l, 'started');
  }

  private async awaitReady(l: LocalVm, reason: string): Promise<void> {
    const driver = this.driver(l.scheme);
    const deadline = Date.now() + (this.o.readyTimeoutMs ?? 90_000);
    while (Date.now() < deadline) {
      if (l.phase !== 'creating') return; // failed or changed meanwhile
      const st = await driver.inspect(l.id).catch(() => undefined);
      if (st?.phase === 'failed') return this.set(l, 'failed', st.reason, false);
      // A task that finished before it was seen running: its exit (onExit) records how.
      if (st?.phase === 'stopped') return;
      if (st?.guestReady) {
        if (l.handle) l.handle.hostPort = st.hostPort || l.handle.hostPort;
        return this.set(l, 'running', reason, true);
      }
      // inspect() is a memory read for both drivers: poll tightly, readiness is what users wait for.
      await new Promise((r) => setTimeout(r, 20));
    }
    await this.set(l, 'failed', 'guest did not become ready in time', false);
  }

  private async destroy(d: DesiredVm, l: LocalVm | undefined): Promise<void> {
    if (l) {
      await this.drivers.get(l.scheme)?.destroy(l.id);
      this.local.delete(l.id);
      await this.o.store.batch([del(VMS, l.id)]);
    } else if (this.destroyedReported.has(d.vmId)) return;
    this.destroyedReported.add(d.vmId);
    await this.o.report({ vmId: d.vmId, state: 'VM_STATE_DESTROYED', reason: 'destroyed as requested', generation: d.generation, hostPort: 0, guestReady: false, timeUnixMs: Date.now(), taskDone: false });
  }

  private async onExit(id: string, reason: string, info?: ExitInfo): Promise<void> {
    await this.lock(id).run(async () => {
      const l = this.local.get(id);
      if (!l || l.phase === 'stopped' || l.phase === 'failed') return;
      // The lease ran out under a live agent (its event loop stalled longer than the lease).
      if (this.o.fenced?.(id)) return this.set(l, 'failed', FENCED_REASON, false);
      if (isTask(l.handle?.spec)) return this.taskEnded(l, info?.exitCode);
      await this.set(l, 'failed', reason, false);
    });
  }

  /** A task's end: exit 0 is STOPPED with task_done (the set may end on it); anything else FAILED. */
  private async taskEnded(l: LocalVm, exitCode: number | undefined): Promise<void> {
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
  private async set(l: LocalVm, phase: Phase, reason: string, guestReady: boolean): Promise<void> {
    if (l.phase === phase && l.reason === reason && l.guestReady === guestReady && phase !== 'creating') return;
    l.phase = phase;
    l.reason = reason;
    l.guestReady = guestReady;
    await this.save(l);
    this.o.log.info({ vm_id: l.id, phase, reason }, 'vm state');
    await this.o.report({
      vmId: l.id,
      state: STATE[phase],
      reason,
      generation: l.generation,
      hostPort: l.handle?.hostPort ?? 0,
      guestReady,
      timeUnixMs: Date.now(),
      taskDone: phase === 'stopped' && !!l.taskDone,
    });
  }
}
