import type { DesiredVm } from '../../common/grpc/convert.js';
import type { Capacity } from '../../common/gen/nephele/v1/Capacity.js';
import type { OwnerState } from '../../common/model/enums.js';
import { realClock, type Clock } from '../../common/clock.js';
import { KeyedMutex } from '../../common/store/index.js';
import { isTask, type Driver, type ExitInfo, type VmStats } from '../drivers/driver.js';
import { FENCED_REASON } from '../fence/lease.js';
import { Executor, VMS, type ExecutorOptions } from './act.js';
import { decide, type LocalVm } from './decide.js';
import { resourcesOf } from '../../common/limits.js';

export { STALE_REASON, OWNER_ACTIVE, OWNER_IDLE } from './decide.js';

export interface RunnerOptions extends Omit<ExecutorOptions, 'drivers' | 'clock' | 'retryLater'> {
  drivers: Driver[];
  /** True (once) if the fence stopped this VM because the agent's lease ran out. */
  fenced?: (id: string) => boolean;
  clock?: Clock;
}

/**
 * Converges this host's VMs to the controller's desired state, one VM at a
 * time per VM (operations on different VMs run in parallel), and reports every
 * observed change durably. Level-triggered: the same desired state applied
 * twice does nothing the second time. Each pass decides (decide.ts, pure) and
 * then acts (act.ts).
 */
export class Runner {
  private readonly drivers = new Map<string, Driver>();
  private readonly exec: Executor;
  private readonly locks = new KeyedMutex();
  private readonly clock: Clock;
  private desired = new Map<string, DesiredVm>();
  private readonly queued = new Set<string>();
  private readonly inflight = new Set<Promise<unknown>>();
  /**
   * Set by the first DesiredState after (re)start. Before it, a local VM missing
   * from `desired` says nothing (the controller has not spoken yet), so nothing
   * is removed; only the owner gate acts.
   */
  private haveDesired = false;
  /** Owner gate (ad-hoc hosts): while the owner is busy, guests are suspended and nothing new starts. */
  private owner: OwnerState = 'none';
  /** Set by stopAll: the agent stops for good, no pass (re)starts a VM any more. */
  private closing = false;

  constructor(private readonly o: RunnerOptions) {
    this.clock = o.clock ?? realClock;
    for (const d of o.drivers) {
      this.drivers.set(d.scheme, d);
      d.onExit((id, reason, info) => void this.onExit(id, reason, info));
    }
    this.exec = new Executor({
      drivers: this.drivers,
      store: o.store,
      log: o.log,
      clock: this.clock,
      report: o.report,
      readyTimeoutMs: o.readyTimeoutMs,
      stopTimeoutMs: o.stopTimeoutMs,
      exportDisk: o.exportDisk,
      importDisk: o.importDisk,
      ensureBase: o.ensureBase,
      retryLater: (ms) => void this.clock.setTimeout(() => this.apply([...this.desired.values()]), ms),
    });
  }

  private get local(): Map<string, LocalVm> {
    return this.exec.local;
  }

  /** The console file of a VM this host runs (undefined for one it does not know). */
  consolePath(id: string): string | undefined {
    const l = this.local.get(id);
    return l && this.drivers.get(l.scheme)?.consolePath?.(id);
  }

  /**
   * The VM a management command acts on: its driver, the generation the
   * controller wants it at, its host port. Undefined unless it exists here.
   */
  commandVm(id: string): { driver: Driver; generation: number; hostPort: number } | undefined {
    const l = this.local.get(id);
    const driver = l && this.drivers.get(l.scheme);
    if (!l?.handle || !driver) return undefined;
    return { driver, generation: this.desired.get(id)?.generation ?? l.generation, hostPort: l.handle.hostPort };
  }

  /** The VM as the appliance monitor polls it (undefined unless it exists here). */
  monitorVm(id: string): { driver: Driver; phase: LocalVm['phase']; hostPort: number; generation: number } | undefined {
    const l = this.local.get(id);
    const driver = l && this.drivers.get(l.scheme);
    if (!l?.handle || !driver) return undefined;
    return { driver, phase: l.phase, hostPort: l.handle.hostPort, generation: l.generation };
  }

  /** Runs `fn` under the VM's lock: no reconcile pass (stop, destroy, hide) runs meanwhile. */
  withVm<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(id, fn);
  }

  /** sha256s of the base images this host's VMs (existing or desired) are cloned from: kept in the image cache. */
  baseShas(): Set<string> {
    const out = new Set<string>();
    for (const l of this.local.values()) if (l.handle?.spec.base) out.add(l.handle.spec.base.sha256);
    for (const d of this.desired.values()) if (d.spec?.baseImage?.sha256) out.add(d.spec.baseImage.sha256);
    return out;
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

  /** This host's VMs by phase (metrics). */
  phases(): Map<string, number> {
    const m = new Map<string, number>();
    for (const l of this.local.values()) m.set(l.phase, (m.get(l.phase) ?? 0) + 1);
    return m;
  }

  /** VMs with a live process, for the usage meter: their counters read through their driver. */
  metered(): { id: string; pid: number; generation: number; stats: () => Promise<VmStats> }[] {
    const out = [];
    for (const l of this.local.values()) {
      const d = this.drivers.get(l.scheme);
      const pid = l.handle?.pid ?? 0;
      if (!d || pid <= 0 || (l.phase !== 'running' && l.phase !== 'suspended')) continue;
      out.push({ id: l.id, pid, generation: l.generation, stats: () => d.stats(l.id) });
    }
    return out;
  }

  /** Roots of the guests' process trees (the owner CPU probe leaves them out). */
  guestPids(): number[] {
    return [...this.drivers.values()].flatMap((d) => d.guestPids?.() ?? []);
  }

  private ownerActive(): boolean {
    return this.owner === 'busy' || this.owner === 'evacuate';
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
        // Re-attached but not inspectable: the next report from the driver says its phase.
        const st = await driver.inspect(l.id).catch(() => undefined);
        this.o.log.info({ vm_id: l.id, pid: l.handle.pid }, 'vm re-attached');
        // A management instance stays hidden across an agent restart, whatever the driver re-attached.
        if (l.hidden)
          await driver
            .setHidden?.(l.id, true)
            .catch((err) => this.o.log.warn({ err, vm_id: l.id }, 'could not re-hide vm'));
        if (st && st.phase !== l.phase) await this.exec.set(l, st.phase, 'observed after agent restart', st.guestReady);
      } else if (this.o.fenced?.(l.id)) {
        this.o.log.warn({ vm_id: l.id }, 'vm was fenced while the agent was away');
        await this.exec.set(l, 'failed', FENCED_REASON, false);
      } else if (isTask(l.handle.spec)) {
        // A task may simply have finished while the agent was away: its wrapper recorded how.
        // No readable exit record: taskEnded treats an unknown code as a failed task.
        const code = await driver.taskExit?.(l.handle).catch(() => undefined);
        await this.exec.taskEnded(l, code);
      } else {
        await this.exec.set(l, 'failed', 'not running when the agent restarted', false);
      }
    }
  }

  /** The controller's full desired state: converge every VM in it and every local one not in it. */
  apply(vms: DesiredVm[]): void {
    this.desired = new Map(vms.map((v) => [v.vmId, v]));
    this.haveDesired = true;
    for (const id of this.exec.waitingReported.keys()) if (!this.desired.has(id)) this.exec.waitingReported.delete(id);
    this.requeue();
  }

  private requeue(): void {
    if (this.closing) return;
    for (const id of new Set([...this.desired.keys(), ...this.local.keys()])) {
      // One queued pass per VM is enough: it reads the newest desired state when it runs.
      if (this.queued.has(id)) continue;
      this.queued.add(id);
      const pass = this.locks
        .run(id, () => {
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

  /**
   * Stops every VM of this host, in parallel, each through its driver (a
   * graceful stop, then a kill after the stop timeout), and reports them
   * stopped: the agent stops for good (--stop-vms-on-exit). What is queued
   * finishes first; nothing is started again by this runner. A VM stopped
   * here is started again by the next agent, since the controller still wants
   * it running. Returns how many were stopped.
   */
  async stopAll(reason: string): Promise<number> {
    this.closing = true;
    await this.settled();
    let stopped = 0;
    await Promise.all(
      [...this.local.keys()].map((id) =>
        this.locks
          .run(id, async () => {
            const l = this.local.get(id);
            if (!l?.handle || l.phase === 'stopped' || l.phase === 'failed') return;
            await this.exec.run(id, this.desired.get(id), [{ kind: 'stop', reason }]);
            stopped++;
          })
          .catch((err) => this.o.log.error({ err, vm_id: id }, 'could not stop vm at agent exit')),
      ),
    );
    return stopped;
  }

  private async reconcile(id: string): Promise<void> {
    if (this.closing) return;
    const desired = this.desired.get(id);
    const actions = decide({
      desired,
      local: this.local.get(id),
      haveDesired: this.haveDesired,
      ownerBusy: this.ownerActive(),
      waitingReported: this.exec.waitingReported.get(id),
      destroyedReported: this.exec.destroyedReported.has(id),
    });
    await this.exec.run(id, desired, actions);
  }

  private async onExit(id: string, reason: string, info?: ExitInfo): Promise<void> {
    await this.locks.run(id, async () => {
      const l = this.local.get(id);
      if (!l || l.phase === 'stopped' || l.phase === 'failed') return;
      // The lease ran out under a live agent (its event loop stalled longer than the lease).
      if (this.o.fenced?.(id)) return this.exec.set(l, 'failed', FENCED_REASON, false);
      if (isTask(l.handle?.spec)) return this.exec.taskEnded(l, info?.exitCode);
      await this.exec.set(l, 'failed', reason, false);
    });
  }
}
