import type { DesiredVm__Output as DesiredVm } from '../../common/gen/nephele/v1/DesiredVm.js';
import type { VmStatusReport } from '../../common/gen/nephele/v1/VmStatusReport.js';
import type { Capacity } from '../../common/gen/nephele/v1/Capacity.js';
import type { VmState } from '../../common/gen/nephele/v1/VmState.js';
import type { Logger } from '../../common/logger.js';
import { Mutex, put, del, type Store } from '../../common/store/index.js';
import type { Driver, VmHandle, VmSpec } from '../drivers/driver.js';

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
}

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

  constructor(private readonly o: RunnerOptions) {
    for (const d of o.drivers) {
      this.drivers.set(d.scheme, d);
      d.onExit((id, reason) => void this.onExit(id, reason));
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
      vcpus += s.vcpus;
      mem += s.memoryMiB * 1048576;
      disk += s.diskGiB * 1073741824;
    }
    return { vcpus, memoryBytes: mem, diskBytes: disk };
  }

  count(): number {
    return this.local.size;
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
      } else {
        await this.set(l, 'failed', 'not running when the agent restarted', false);
      }
    }
  }

  /** The controller's full desired state: converge every VM in it and every local one not in it. */
  apply(vms: DesiredVm[]): void {
    this.desired = new Map(vms.map((v) => [v.vmId, v]));
    for (const id of new Set([...this.desired.keys(), ...this.local.keys()])) {
      // One queued pass per VM is enough: it reads the newest desired state when it runs.
      if (this.queued.has(id)) continue;
      this.queued.add(id);
      void this.lock(id)
        .run(() => {
          this.queued.delete(id);
          return this.reconcile(id);
        })
        .catch((err) => this.o.log.error({ err, vm_id: id }, 'reconcile failed'));
    }
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
      // Not ours any more (e.g. re-placed while this host was away): fence it.
      if (l && (l.phase === 'running' || l.phase === 'suspended' || l.phase === 'creating')) {
        await this.driver(l.scheme).stop(id, this.o.stopTimeoutMs ?? 10_000);
        await this.set(l, 'stopped', 'not in this host\'s desired state', false);
      }
      return;
    }
    if (d.desired === 'DESIRED_VM_STATE_DESTROYED') return this.destroy(d, l);
    if (!l) return this.create(d);
    const driver = this.driver(l.scheme);
    switch (d.desired) {
      case 'DESIRED_VM_STATE_RUNNING':
        if (l.phase === 'failed' && d.generation > l.generation) return this.restart(d, l);
        if (l.phase === 'stopped') return this.restart(d, l);
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
          return this.set(l, 'stopped', 'stopped as requested', false);
        }
        return;
      case 'DESIRED_VM_STATE_SUSPENDED':
        if (l.phase === 'running') {
          await driver.suspend(id);
          return this.set(l, 'suspended', 'suspended as requested', l.guestReady);
        }
        return;
      default:
        return;
    }
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

  private async create(d: DesiredVm): Promise<void> {
    const scheme = d.spec?.scheme ?? '';
    const l: LocalVm = { id: d.vmId, scheme, phase: 'creating', reason: 'creating', guestReady: false, generation: d.generation, rebootCount: d.rebootCount };
    this.local.set(l.id, l);
    const driver = this.drivers.get(scheme);
    if (!driver) return this.set(l, 'failed', `this host has no ${scheme} driver`, false);
    await this.set(l, 'creating', 'creating', false);
    try {
      l.handle = await driver.create(this.specOf(d));
    } catch (e) {
      return this.set(l, 'failed', `create failed: ${(e as Error).message}`, false);
    }
    await this.save(l);
    await this.awaitReady(l, 'guest ready');
  }

  private async restart(d: DesiredVm, l: LocalVm): Promise<void> {
    const driver = this.driver(l.scheme);
    l.generation = d.generation;
    l.rebootCount = d.rebootCount;
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
    await this.o.report({ vmId: d.vmId, state: 'VM_STATE_DESTROYED', reason: 'destroyed as requested', generation: d.generation, hostPort: 0, guestReady: false, timeUnixMs: Date.now() });
  }

  private async onExit(id: string, reason: string): Promise<void> {
    await this.lock(id).run(async () => {
      const l = this.local.get(id);
      if (l && l.phase !== 'stopped' && l.phase !== 'failed') await this.set(l, 'failed', reason, false);
    });
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
    await this.o.report({ vmId: l.id, state: STATE[phase], reason, generation: l.generation, hostPort: l.handle?.hostPort ?? 0, guestReady, timeUnixMs: Date.now() });
  }
}
