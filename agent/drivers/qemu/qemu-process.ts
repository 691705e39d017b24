// A QEMU process as its instance watches it: the QMP and guest-channel
// connections (reconnected on demand), QMP events, the guest coming up (its
// config applied once), and how the process ended. What starts and stops it is
// the instance's (instance.ts).
import type { ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../../common/logger.js';
import { DriverError, type GuestEvent, type VmPhase, type VmSpec, type VmStatus } from '../driver.js';
import { GuestChannel } from './guest-channel.js';
import { exitReason, type Accel, type ExitStatus, type VmPaths } from './launch.js';
import { isAlive } from '../proc.js';
import { QmpClient } from './qmp.js';
import type { VmFence } from '../../fence/fence.js';

/** What an instance needs of its driver. */
export interface InstanceContext {
  log: Logger;
  binary: string;
  /** Liveness poll of adopted (not our child) QEMUs. */
  pollIntervalMs: number;
  fence?: VmFence;
  /** The process ended without being told to (crash, kill, guest poweroff). */
  exited: (id: string, reason: string) => void;
  /** Guest ready, or the process gone: the runner waits on this instead of polling. */
  changed: (id: string) => void;
  /** An `event` line of the guest agent (the app stopped on its own, ...). */
  guestEvent?: (id: string, e: GuestEvent) => void;
  /** The guest channel (re)connected (the messaging bus runs over it). */
  channel?: (id: string, ga: GuestChannel) => void;
}

export abstract class QemuProcess {
  readonly id: string;
  hostPort = 0;
  pid = 0;
  pidStartTime = '';
  phase: VmPhase = 'stopped';
  reason = '';
  guestReady = false;
  bootId?: string;
  /** Bumped on every launch/adoption: events of an earlier process are ignored. */
  protected gen = 0;
  protected child?: ChildProcess;
  protected poll?: NodeJS.Timeout;
  protected qmp?: QmpClient;
  protected ga?: GuestChannel;
  /** The driver asked the process to end (stop/destroy): its exit is no failure. */
  protected stopping = false;
  /** Last QMP SHUTDOWN event of the current process. */
  protected shutdown?: { guest: boolean; reason: string };
  protected readonly exitWaiters: Array<() => void> = [];
  /** Serialises the work done when the guest comes up. */
  protected upChain?: Promise<void>;

  constructor(
    protected readonly ctx: InstanceContext,
    public spec: VmSpec,
    readonly paths: VmPaths,
    public accel: Accel,
  ) {
    this.id = spec.id;
  }

  get running(): boolean {
    return this.pid > 0;
  }

  status(): VmStatus {
    return {
      phase: this.phase,
      reason: this.reason,
      guestReady: this.guestReady,
      hostPort: this.hostPort,
      pid: this.pid,
    };
  }

  protected attachQmp(qmp: QmpClient, gen: number): void {
    this.qmp = qmp;
    qmp.onEvent((ev) => {
      if (this.gen !== gen) return;
      this.ctx.log.debug({ vm_id: this.id, event: ev.event, data: JSON.stringify(ev.data) }, 'qmp event'); // QMP's keys are not ours
      switch (ev.event) {
        case 'STOP':
          if (this.phase === 'running') this.phase = 'suspended';
          break;
        case 'RESUME':
          if (this.phase === 'suspended') this.phase = 'running';
          break;
        case 'RESET':
          this.guestReady = false;
          break;
        case 'SHUTDOWN':
          this.shutdown = { guest: ev.data.guest === true, reason: String(ev.data.reason ?? '') };
          break;
      }
    });
    qmp.onClose(() => {
      if (this.qmp === qmp) this.qmp = undefined;
      // The monitor closing is the first sign of a QEMU that is not our child exiting.
      if (this.gen === gen && !this.child) {
        setTimeout(() => this.checkAlive(gen), 50).unref();
        setTimeout(() => this.checkAlive(gen), 250).unref();
      }
    });
  }

  protected attachGa(ga: GuestChannel, gen: number): void {
    this.ga = ga;
    ga.onReady((bootId) => {
      if (this.gen !== gen) return;
      this.bootId = bootId;
      void this.guestCameUp(ga, gen);
    });
    ga.onEvent((kind, detail) => {
      if (this.gen === gen) this.ctx.guestEvent?.(this.id, { kind, detail });
    });
    ga.onClose(() => {
      if (this.ga === ga) this.ga = undefined;
    });
    this.ctx.channel?.(this.id, ga);
  }

  /** Marks the guest ready if its agent answers a ping (when no `ready` line can be expected). */
  protected pingGuest(ga: GuestChannel, gen: number): void {
    if (this.guestReady) return;
    ga.request('ping', 10_000).then(
      () => {
        if (this.gen === gen && !this.guestReady) void this.guestCameUp(ga, gen);
      },
      () => {
        /* not up (yet): its `ready` line will come */
      },
    );
  }

  /** On `ready` (or a ping answered): applies spec.config once per VM, then guestReady. */
  protected guestCameUp(ga: GuestChannel, gen: number): Promise<void> {
    // One at a time: a `ready` and an answered ping may arrive together.
    const run = (this.upChain ?? Promise.resolve()).then(() => this.applyConfigAndMarkReady(ga, gen));
    this.upChain = run;
    return run;
  }

  protected async applyConfigAndMarkReady(ga: GuestChannel, gen: number): Promise<void> {
    if (this.gen !== gen) return;
    const marker = join(this.paths.dir, 'config-applied');
    const entries = Object.entries(this.spec.config ?? {});
    if (entries.length && !existsSync(marker)) {
      try {
        for (const [k, v] of entries) await ga.request(`config-set ${k} ${v}`, 5_000);
        // The appliance reads its config when it starts.
        await ga.request('app-stop', 10_000);
        await ga.request('app-start', 10_000);
        writeFileSync(marker, new Date().toISOString() + '\n');
      } catch (e) {
        if (this.gen !== gen) return;
        this.reason = `applying config failed: ${(e as Error).message}`;
        this.ctx.log.warn({ vm_id: this.id, err: e }, 'applying VM config failed');
      }
    }
    if (this.gen === gen && this.pid > 0) {
      this.guestReady = true;
      this.ctx.changed(this.id);
    }
  }

  protected checkAlive(gen: number): void {
    if (this.gen !== gen || this.pid <= 0 || this.child) return;
    if (!isAlive(this.pid, this.pidStartTime)) this.gone(gen, undefined);
  }

  /** The QEMU of generation `gen` is gone: `info` for our child, undefined when found by polling. */
  protected gone(gen: number, info: ExitStatus | undefined): void {
    if (this.gen !== gen || this.pid === 0) return;
    this.detach();
    this.ctx.fence?.release(this.id);
    this.pid = 0;
    this.guestReady = false;
    const waiters = this.exitWaiters.splice(0);
    if (this.stopping || this.phase === 'creating') {
      this.phase = 'stopped';
      if (this.stopping) this.reason = '';
    } else {
      this.phase = 'failed';
      this.reason = exitReason(this.shutdown, info, this.paths.log);
      this.ctx.log.error({ vm_id: this.id, reason: this.reason }, 'qemu VM exited unexpectedly');
      this.ctx.exited(this.id, this.reason);
    }
    this.ctx.changed(this.id);
    for (const w of waiters) w();
  }

  /** Drops watchers and connections without touching the process. */
  detach(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = undefined;
    if (this.child) {
      this.child.removeAllListeners('exit');
      this.child.removeAllListeners('error');
      this.child.on('error', () => {});
      this.child = undefined;
    }
    this.qmp?.close();
    this.qmp = undefined;
    this.ga?.close();
    this.ga = undefined;
  }

  protected waitGone(timeoutMs: number): Promise<boolean> {
    if (this.pid <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (v: boolean) => {
        clearTimeout(timer);
        clearInterval(poll);
        const i = this.exitWaiters.indexOf(waiter);
        if (i >= 0) this.exitWaiters.splice(i, 1);
        resolve(v);
      };
      const waiter = () => done(true);
      const timer = setTimeout(() => done(this.pid <= 0), timeoutMs);
      // Children report 'exit'; others are polled here more often than by the watcher.
      const gen = this.gen;
      const poll = setInterval(() => {
        this.checkAlive(gen);
        if (this.pid <= 0) done(true);
      }, 50);
      this.exitWaiters.push(waiter);
    });
  }

  /** The QMP connection, reconnecting if it dropped while QEMU still runs. */
  async qmpOf(): Promise<QmpClient> {
    if (this.qmp && !this.qmp.closed) return this.qmp;
    if (this.pid <= 0) throw new DriverError(`VM ${this.id} is not running`, 'FAILED');
    const gen = this.gen;
    const qmp = await QmpClient.connect(this.paths.qmp, { timeoutMs: 3_000 }).catch((e: Error) => {
      throw new DriverError(`VM ${this.id}: QMP unavailable: ${e.message}`, 'FAILED');
    });
    if (this.gen !== gen) {
      qmp.close();
      throw new DriverError(`VM ${this.id} restarted meanwhile`, 'FAILED');
    }
    this.attachQmp(qmp, gen);
    return qmp;
  }

  /** The guest channel, reconnecting if it dropped. */
  async gaOf(): Promise<GuestChannel> {
    if (this.ga && !this.ga.closed) return this.ga;
    const gen = this.gen;
    const ga = await GuestChannel.connect(this.paths.ga, { timeoutMs: 3_000 }).catch((e: Error) => {
      throw new DriverError(`VM ${this.id}: guest channel unavailable: ${e.message}`, 'FAILED');
    });
    if (this.gen !== gen) {
      ga.close();
      throw new DriverError(`VM ${this.id} restarted meanwhile`, 'FAILED');
    }
    this.attachGa(ga, gen);
    return ga;
  }
}

/** The instance of VM `id` in a driver's map, or NOT_FOUND naming the driver. */
export function knownVm<T extends QemuProcess>(vms: Map<string, T>, id: string, scheme: string): T {
  const vm = vms.get(id);
  if (!vm) throw new DriverError(`VM ${id} not known to the ${scheme} driver`, 'NOT_FOUND');
  return vm;
}

/** The guest channel of running VM `id` (qemu and libvirt), FAILED while it is suspended. */
export async function guestOf<T extends QemuProcess>(
  vms: Map<string, T>,
  id: string,
  scheme: string,
): Promise<GuestChannel> {
  const vm = runningVm(vms, id, scheme);
  if (vm.phase === 'suspended') throw new DriverError(`VM ${id} is suspended: its guest cannot answer`, 'FAILED');
  return vm.gaOf();
}

/** The instance of VM `id` with its QEMU running, else FAILED saying why not. */
export function runningVm<T extends QemuProcess>(vms: Map<string, T>, id: string, scheme: string): T {
  const vm = knownVm(vms, id, scheme);
  if (vm.pid <= 0)
    throw new DriverError(`VM ${id} is not running (${vm.phase}${vm.reason ? `: ${vm.reason}` : ''})`, 'FAILED');
  return vm;
}
