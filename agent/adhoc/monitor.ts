// Polls the owner probes, feeds the policy and tells the agent when the owner
// state changes. Created only on ad-hoc hosts: dedicated hosts never scan /proc.
import type { OwnerState } from '../../common/model/enums.js';
import { realClock, type Clock, type Timer } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { CpuSample } from './cpu.js';
import type { OwnerPhase, OwnerPolicy } from './policy.js';

/** The owner policy's phase is the host's owner state (the model's `none` is for dedicated hosts). */
const OWNER_STATE = { idle: 'idle', busy: 'busy', evacuate: 'evacuate' } as const satisfies Record<
  OwnerPhase,
  OwnerState
>;

export interface OwnerReading {
  state: OwnerState;
  phase: OwnerPhase;
  cpuPct: number;
  /** undefined: no watched input device on this host. */
  idleMs: number | undefined;
}

export interface OwnerChange extends OwnerReading {
  /** undefined for the first reading after the agent started. */
  from: OwnerPhase | undefined;
  reason: string;
  /** The busiest owner process in the last interval, when CPU was the cause. */
  top?: CpuSample['top'];
}

export interface OwnerMonitorOptions {
  policy: OwnerPolicy;
  cpu: { sample(): CpuSample };
  idle: { idleMs(): number | undefined };
  pollMs: number;
  log: Logger;
  clock?: Clock;
  onChange: (c: OwnerChange) => void;
}

export class OwnerMonitor {
  private timer?: Timer;
  private last: OwnerReading;

  constructor(private readonly o: OwnerMonitorOptions) {
    this.last = { state: OWNER_STATE[o.policy.state], phase: o.policy.state, cpuPct: 0, idleMs: undefined };
  }

  /** First reading now (so Hello carries a real state), then one every pollMs. */
  start(): void {
    const c = this.step(true);
    if (!c) this.o.onChange({ ...this.last, from: undefined, reason: 'owner policy started' });
    this.timer = (this.o.clock ?? realClock).setInterval(() => {
      try {
        this.poll();
      } catch (err) {
        this.o.log.warn({ err }, 'owner probe failed');
      }
    }, this.o.pollMs);
  }

  stop(): void {
    this.timer?.cancel();
  }

  current(): OwnerReading {
    return this.last;
  }

  /** One sample; returns (and announces) the change it caused, if any. */
  poll(): OwnerChange | undefined {
    return this.step(false);
  }

  private step(first: boolean): OwnerChange | undefined {
    const cpu = this.o.cpu.sample();
    const idleMs = this.o.idle.idleMs();
    const t = this.o.policy.observe({ cpuPct: cpu.cpuPct, idleMs });
    this.last = { state: OWNER_STATE[this.o.policy.state], phase: this.o.policy.state, cpuPct: cpu.cpuPct, idleMs };
    if (!t) return undefined;
    const change: OwnerChange = {
      ...this.last,
      from: first ? undefined : t.from,
      reason: t.reason,
      ...(cpu.top ? { top: cpu.top } : {}),
    };
    this.o.onChange(change);
    return change;
  }
}
