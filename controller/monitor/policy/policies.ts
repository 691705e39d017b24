// Monitor policies per scope (fleet, tenant:<name>, set:<id>): in memory, the
// store the durable copy. The effective policy of a VM is its set's, else its
// tenant's, else the fleet's, else the defaults (whole policies, not merged
// field by field: an operator reads one policy and knows what runs).
import type { Clock } from '../../../common/clock.js';
import { ResourceExhaustedError } from '../../../common/errors.js';
import { put, Mutex, type Store } from '../../../common/store/index.js';
import type { MonitorSpec } from '../../../common/model/monitor.js';
import { MONITOR_POLICIES, type PolicyRecord } from '../../model/monitor.js';
import type { Policies } from '../ports.js';
import { defaultPolicy, validatePolicy } from './validate.js';

/** Scopes a policy may hold at most (bounds memory and the load scan). */
export const MAX_POLICIES = 10_000;

/**
 * The defaults as specFor reads them, built once and frozen: specFor runs for
 * every VM of every desired state pushed, and defaultPolicy() deep-clones its
 * ladders each call (4 % of the controller's CPU placing 10,000 VMs).
 */
const DEFAULTS: Readonly<PolicyRecord> = Object.freeze({
  ...defaultPolicy(),
  probes: Object.freeze([]) as unknown as PolicyRecord['probes'],
  rogue: Object.freeze([]) as unknown as PolicyRecord['rogue'],
  thresholds: Object.freeze(defaultPolicy().thresholds),
});

export class PolicyBook implements Policies {
  private readonly byScope = new Map<string, PolicyRecord>();
  private readonly listeners = new Set<(scope: string) => void>();
  private readonly mutex = new Mutex();
  /** Whether a VM may be polled at all (subscription active, row monitored); wired by the state factory. */
  gate: (vm: { setId: string; tenant: string; vmId: string }) => boolean = () => true;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async load(): Promise<void> {
    for await (const e of this.store.scan<PolicyRecord>(MONITOR_POLICIES, { limit: MAX_POLICIES }))
      this.byScope.set(e.key, e.value);
  }

  get(scope: string): PolicyRecord | undefined {
    return this.byScope.get(scope);
  }

  effective(setId: string, tenant: string): { policy: PolicyRecord; source: string } {
    const found = this.stored(setId, tenant);
    return found ?? { policy: defaultPolicy(), source: 'default' };
  }

  /** The policy an operator set for the VM's set, tenant or the fleet (in that order), if any. */
  private stored(setId: string, tenant: string): { policy: PolicyRecord; source: string } | undefined {
    if (this.byScope.size === 0) return undefined;
    for (const scope of [setId && `set:${setId}`, tenant && `tenant:${tenant}`, 'fleet']) {
      const p = scope ? this.byScope.get(scope) : undefined;
      if (p) return { policy: p, source: scope as string };
    }
    return undefined;
  }

  specFor(vm: { setId: string; tenant: string; vmId: string }): MonitorSpec {
    const p = this.stored(vm.setId, vm.tenant)?.policy ?? DEFAULTS;
    return {
      enabled: p.enabled && this.gate(vm),
      intervalMs: p.intervalS * 1000,
      cron: p.cron,
      jitterPct: p.jitterPct,
      probes: p.probes,
      thresholds: p.thresholds,
      rogue: p.rogue,
    };
  }

  /** Validates (INVALID_ARGUMENT naming the field), stores with the next version, tells the listeners. */
  async set(p: PolicyRecord): Promise<PolicyRecord> {
    const valid = validatePolicy(p);
    const saved = await this.mutex.run(async () => {
      const prev = this.byScope.get(valid.scope);
      if (!prev && this.byScope.size >= MAX_POLICIES) throw new ResourceExhaustedError('too many monitor policies');
      const rec = { ...valid, version: (prev?.version ?? 0) + 1, updatedUnixMs: this.clock.now() };
      await this.store.batch([put(MONITOR_POLICIES, rec.scope, rec)]);
      this.byScope.set(rec.scope, rec);
      return rec;
    });
    for (const l of this.listeners) l(saved.scope);
    return saved;
  }

  onChange(fn: (scope: string) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
