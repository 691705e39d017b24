// The agent's appliance monitor: polls each monitored VM per its MonitorSpec
// on one timer for all VMs (each VM at a fixed phase inside the jitter
// window), polls at once on events (VM status change, a failed probe: one
// re-poll, a guest event, a poll command), at most `concurrency` polls at a
// time, and sends only changed states up (the rest as marks) in batches.
import type { Clock, Timer } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { ObservedAppliance, UpdateSource } from '../../common/model/monitor.js';
import type { Driver, GuestEvent, VmPhase } from '../drivers/driver.js';
import { ReportBatcher, type Report } from './batch.js';
import { changed, judge, matchRogue, recordProbe, type ProbeHistory } from './evaluate.js';
import { runProbe } from './probes.js';
import { nextCron } from './cron.js';
import { compileRogue, nextDue, phaseOf, sameSpec, type CompiledRogue } from './spec.js';
import type { MonitorSpec } from '../../common/model/monitor.js';

export const DEFAULT_CONCURRENCY = 8;
const MAX_PROCESSES = 256;
const MAX_USERS = 64;
const TEXT_MAX = 512;

/** A VM as the runner knows it now (undefined: this host does not run it). */
export interface MonitoredVm {
  driver: Driver;
  phase: VmPhase;
  hostPort: number;
  generation: number;
}

export interface MonitorDeps {
  clock: Clock;
  log: Logger;
  vm(id: string): MonitoredVm | undefined;
  /** Sends one report up the session (dropped while disconnected: resendAll() follows a reconnect). */
  send(r: Report): void;
  /** Drivers whose guest events trigger polls. */
  drivers?: Driver[];
  concurrency?: number;
}

interface Entry {
  spec: MonitorSpec;
  rogue: CompiledRogue[];
  phaseMs: number;
  due: number;
  last?: ObservedAppliance;
  history: Map<string, ProbeHistory>;
  polls: number;
}

interface Request {
  source: UpdateSource;
  trigger: string;
  waiters: ((a: ObservedAppliance | undefined) => void)[];
}

/** Polls and probe time per VM since the usage meter last took them. */
export interface MonitorUsage {
  polls: number;
  probeSeconds: number;
}

const UNMONITORED: MonitorSpec = {
  enabled: true,
  intervalMs: 0,
  cron: '',
  jitterPct: 0,
  probes: [],
  thresholds: { failures: 0, windowS: 0 },
  rogue: [],
};

export class ApplianceMonitor {
  private readonly vms = new Map<string, Entry>();
  private readonly pending = new Map<string, Request>();
  private readonly queue: string[] = [];
  private readonly running = new Set<string>();
  private readonly usage = new Map<string, MonitorUsage>();
  private readonly batcher: ReportBatcher;
  private readonly unsubscribe: (() => void)[] = [];
  private timer?: Timer;
  private armedAt = Infinity;
  private stopped = false;
  /** Every poll run since start (metrics, tests). */
  pollsTotal = 0;

  constructor(private readonly d: MonitorDeps) {
    this.batcher = new ReportBatcher(d.clock, d.send);
    for (const drv of d.drivers ?? [])
      if (drv.onGuestEvent) this.unsubscribe.push(drv.onGuestEvent((id, e) => this.guestEvent(id, e)));
  }

  /** The monitored VMs and their specs (level-triggered: from each full desired state). */
  setSpecs(specs: Map<string, { spec: MonitorSpec; generation: number }>): void {
    const now = this.d.clock.now();
    for (const id of [...this.vms.keys()])
      if (!specs.has(id)) {
        this.vms.delete(id);
        this.batcher.drop(id);
      }
    for (const [id, { spec }] of specs) {
      const cur = this.vms.get(id);
      if (cur && sameSpec(cur.spec, spec)) continue;
      const rogue = compileRogue(spec.rogue, (name, why) =>
        this.d.log.warn({ vm_id: id, signature: name, reason: why }, 'rogue signature left out'),
      );
      const phaseMs = phaseOf(id, spec.intervalMs, spec.jitterPct);
      this.vms.set(id, {
        spec,
        rogue,
        phaseMs,
        due: dueAfter(spec, phaseMs, now),
        last: cur?.last,
        history: cur?.history ?? new Map(),
        polls: cur?.polls ?? 0,
      });
      // A VM newly monitored is polled at once: its row should not wait an interval.
      if (!cur) this.request(id, 'event', 'monitor-start');
    }
    this.arm();
  }

  monitored(): string[] {
    return [...this.vms.keys()];
  }

  /** The VM's status changed (runner): poll it now. */
  statusChanged(id: string): void {
    if (this.vms.has(id)) this.request(id, 'event', 'vm-status');
  }

  /** A poll on request (AgentCommand.app poll); resolves with the state it read. */
  pollNow(id: string): Promise<ObservedAppliance | undefined> {
    return new Promise((resolve) => this.request(id, 'event', 'request', resolve));
  }

  /** After a reconnect: the controller gets every state again, in full. */
  resendAll(): void {
    for (const e of this.vms.values()) if (e.last) this.batcher.add(e.last, true);
  }

  /** Polls and probe seconds per VM since the last call (usage records carry them). */
  takeUsage(id: string): MonitorUsage | undefined {
    const u = this.usage.get(id);
    this.usage.delete(id);
    return u;
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.batcher.flush();
    for (const u of this.unsubscribe) u();
  }

  private guestEvent(id: string, e: GuestEvent): void {
    if (!this.vms.has(id)) return;
    this.d.log.info({ vm_id: id, kind: e.kind.slice(0, 32), detail: e.detail.slice(0, 256) }, 'guest event');
    if (e.kind === 'fault') this.request(id, 'event', 'guest-fault');
    else this.request(id, 'push', `guest-${e.kind.slice(0, 24)}`);
  }

  /** One timer for every VM, set for the earliest due poll. */
  private arm(): void {
    if (this.stopped) return;
    let first = Infinity;
    for (const e of this.vms.values()) first = Math.min(first, e.due);
    if (first === this.armedAt) return;
    this.timer?.cancel();
    this.armedAt = first;
    if (first === Infinity) return;
    this.timer = this.d.clock.setTimeout(() => this.tick(), Math.max(0, first - this.d.clock.now()));
  }

  private tick(): void {
    this.armedAt = Infinity;
    const now = this.d.clock.now();
    for (const [id, e] of this.vms)
      if (e.due <= now) {
        e.due = dueAfter(e.spec, e.phaseMs, now);
        this.request(id, 'poll', '');
      }
    this.arm();
  }

  private request(
    id: string,
    source: UpdateSource,
    trigger: string,
    waiter?: (a: ObservedAppliance | undefined) => void,
  ): void {
    if (this.stopped) return void waiter?.(undefined);
    const p = this.pending.get(id);
    if (p) {
      // One queued poll per VM answers every request made before it runs; an event outranks a schedule.
      if (p.source === 'poll') Object.assign(p, { source, trigger });
      if (waiter) p.waiters.push(waiter);
      return;
    }
    this.pending.set(id, { source, trigger, waiters: waiter ? [waiter] : [] });
    this.queue.push(id);
    this.pump();
  }

  private pump(): void {
    const max = this.d.concurrency ?? DEFAULT_CONCURRENCY;
    for (let i = 0; i < this.queue.length && this.running.size < max;) {
      const id = this.queue[i]!;
      // A VM's next poll waits for its running one (it must see what that one changed).
      if (this.running.has(id)) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      const req = this.pending.get(id)!;
      this.pending.delete(id);
      this.running.add(id);
      void this.poll(id, req)
        .catch((err) => {
          this.d.log.warn({ err, vm_id: id }, 'poll failed');
          return undefined;
        })
        .then((a) => {
          for (const w of req.waiters) w(a);
          this.running.delete(id);
          this.pump();
        });
    }
  }

  private async poll(id: string, req: Request): Promise<ObservedAppliance | undefined> {
    const vm = this.d.vm(id);
    if (!vm) return undefined;
    const entry = this.vms.get(id);
    const spec = entry?.spec ?? UNMONITORED;
    const now = () => this.d.clock.now();
    let sample: Awaited<ReturnType<NonNullable<Driver['monitorSample']>>> | undefined;
    let sampleError = '';
    if (vm.phase === 'running' && vm.driver.monitorSample)
      sample = await vm.driver.monitorSample(id).catch((e: Error) => {
        // A guest agent older than the monitor (a host not yet given the new guest image) does not
        // know `mon`: that is no fault of the app; its VM phase and the probes judge it instead.
        if (!/unknown command/.test(String(e.message))) sampleError = `monitor sample failed: ${e.message ?? e}`;
        return undefined;
      });
    const history = entry?.history ?? new Map<string, ProbeHistory>();
    const probes = [];
    let probeMs = 0;
    if (vm.phase === 'running')
      for (const p of spec.probes) {
        const o = await runProbe(p, { id, driver: vm.driver, hostPort: vm.hostPort }, this.d.clock);
        probeMs += o.latencyMs;
        const r = recordProbe(history.get(p.name), o, now(), spec.thresholds.windowS);
        history.set(p.name, r.history);
        probes.push(r.result);
      }
    const processes = (sample?.processes ?? []).slice(0, MAX_PROCESSES).map((p) => ({
      pid: p.pid,
      name: String(p.name).slice(0, 64),
      cmdline: String(p.cmdline).slice(0, TEXT_MAX),
      exeSha256: String(p.exeSha256).slice(0, 64),
    }));
    // Without a sample the driver's own view stands: the VM running is the app running.
    const app = sample ? sample.app : vm.phase === 'running' && !sampleError ? 'running' : undefined;
    let { appState, fault } = judge(vm.phase, app, probes, spec.thresholds);
    if (sampleError && vm.phase === 'running') [appState, fault] = ['faulted', sampleError.slice(0, 256)];
    const polls = (entry?.polls ?? 0) + 1;
    if (entry) entry.polls = polls;
    this.pollsTotal++;
    const u = this.usage.get(id) ?? { polls: 0, probeSeconds: 0 };
    this.usage.set(id, { polls: u.polls + 1, probeSeconds: u.probeSeconds + probeMs / 1000 });
    const a: ObservedAppliance = {
      vmId: id,
      applianceVersion: String(sample?.applianceVersion ?? '').slice(0, 64),
      configHash: String(sample?.configHash ?? '').slice(0, 64),
      appState,
      fault,
      processes,
      rogue: matchRogue(processes, entry?.rogue ?? []),
      io: sample?.io ?? { diskReadBytes: 0, diskWriteBytes: 0, netRxBytes: 0, netTxBytes: 0 },
      probes,
      licence: sample?.licence ?? { licenceId: '', seatsInUse: 0, seats: 0, expiresUnixMs: 0 },
      users: (sample?.users ?? []).slice(0, MAX_USERS).map((x) => String(x).slice(0, 64)),
      timeUnixMs: now(),
      source: req.source,
      trigger: req.trigger,
      polls,
      generation: vm.generation,
    };
    // A VM that stopped being monitored meanwhile sends nothing.
    if (entry && this.vms.get(id) === entry) {
      const isChange = changed(entry.last, a);
      if (isChange) entry.last = a;
      this.batcher.add(a, isChange);
      // What an event or a push found goes up at once (a fault is what the controller acts on);
      // scheduled polls keep batching.
      if (isChange && req.source !== 'poll') this.batcher.flush();
      // A failed probe is checked again at once (once: the re-poll's own failure waits for the schedule).
      if (probes.some((p) => !p.ok) && req.trigger !== 'probe-failed') this.request(id, 'event', 'probe-failed');
    }
    return a;
  }
}

/** The VM's next scheduled poll: its cron's next firing or the interval grid, plus its phase. */
function dueAfter(spec: MonitorSpec, phaseMs: number, now: number): number {
  if (!spec.cron) return nextDue(now, spec.intervalMs, phaseMs);
  // A cron that does not parse (or never fires) polls on the interval rather than never.
  let at: number | undefined;
  try {
    at = nextCron(spec.cron, now - phaseMs);
  } catch {
    at = undefined;
  }
  return at === undefined ? nextDue(now, spec.intervalMs, phaseMs) : at + phaseMs;
}
