// The agents' side of the bus: what hosts report over their sessions (a VM
// published, a VM's subscriptions), checked as hostile input — the VM must be
// on that host and running, its tenant is the VM record's, never the agent's
// word — and drops of deliveries to hosts that fell behind, reported as events.
import type { AgentMessage__Output } from '../../../common/gen/nephele/v1/AgentMessage.js';
import type { BusPublish__Output } from '../../../common/gen/nephele/v1/BusPublish.js';
import type { BusSubscription__Output } from '../../../common/gen/nephele/v1/BusSubscription.js';
import type { Clock, Timer } from '../../../common/clock.js';
import type { Logger } from '../../../common/logger.js';
import type { EventLog } from '../../events/log.js';
import type { VmRecord } from '../../model/vm.js';
import { RateLimiter } from '../../rpc/ratelimit.js';
import type { Bus } from './bus.js';
import { checkPayload, checkTopic, checkVmTopics, isResend, type BusLimits } from './core.js';

export interface VmFacts {
  tenant: string;
  hostId: string;
  state: string;
  scheme: string;
}

/** How the relay finds a VM (a store read), and hears of committed changes to keep its cache fresh. */
export interface VmSource {
  get(id: string): Promise<VmRecord | undefined>;
  onChange(fn: (vm: VmRecord) => void): void;
}

const CACHE_MAX = 10_000;
const CACHE_TTL_MS = 2_000;
const DROP_REPORT_MS = 1_000;
/** Publishes of one host waiting to be checked. */
const MAX_HOST_PENDING = 1024;

export class BusHosts {
  private readonly cache = new Map<string, { facts: VmFacts | undefined; at: number }>();
  private readonly lastLocal = new Map<string, number>();
  private readonly queues = new Map<string, { tail: Promise<void>; n: number }>();
  private readonly subs = new Map<string, string>(); // vm id → its topics, joined (audited on change)
  private readonly pubLimiter: RateLimiter;
  private readonly auditLimiter: RateLimiter;
  private readonly hostLimiter: RateLimiter;
  private readonly pendingDrops = new Map<string, { n: number; topics: Set<string>; tenant: string }>();
  private dropTimer?: Timer;
  readonly stats = { refused: 0, resends: 0, limited: 0 };

  constructor(
    private readonly bus: Bus,
    private readonly vms: VmSource,
    private readonly events: EventLog,
    private readonly clock: Clock,
    private readonly log: Logger,
    limits: BusLimits,
  ) {
    this.pubLimiter = new RateLimiter(limits.perVm, clock);
    this.auditLimiter = new RateLimiter({ perSec: 2, burst: 20 }, clock);
    this.hostLimiter = new RateLimiter({ perSec: limits.perVm.perSec * 4, burst: limits.perVm.burst * 4 }, clock);
    vms.onChange((vm) => {
      if (!this.cache.has(vm.id)) return;
      this.cache.set(vm.id, { facts: factsOf(vm), at: this.clock.now() });
      if (vm.state !== 'running') this.bus.dropVm(vm.id);
    });
    bus.onDrop = (hostId, vmIds, topic, tenant) => this.dropped(hostId, vmIds.length, topic, tenant);
  }

  relay(hostId: string, msg: AgentMessage__Output): void {
    // A host's bus messages in all (any VM ids, valid or not): each may cost a store read.
    if (!this.hostLimiter.take(hostId)) return void this.stats.limited++;
    const p = msg.busPublish ? this.publish(hostId, msg.busPublish) : this.subscriptions(hostId, msg.busSubscription!);
    p.catch((err) => this.log.error({ err, host_id: hostId }, 'bus report not applied'));
  }

  /**
   * A VM published through its host. Reports of one host are checked one after
   * another (a cache miss reads the store) so a VM's messages keep their order;
   * at most MAX_HOST_PENDING wait, more are dropped and counted. Never throws:
   * a refusal is logged and counted (the agent is not trusted).
   */
  publish(hostId: string, m: BusPublish__Output): Promise<void> {
    const q = this.queues.get(hostId) ?? { tail: Promise.resolve(), n: 0 };
    if (q.n >= MAX_HOST_PENDING) return Promise.resolve(void this.stats.limited++);
    q.n++;
    this.queues.set(hostId, q);
    q.tail = q.tail
      .then(() => this.publishOne(hostId, m))
      .finally(() => {
        if (--q.n === 0 && this.queues.get(hostId) === q) this.queues.delete(hostId);
      });
    return q.tail;
  }

  private async publishOne(hostId: string, m: BusPublish__Output): Promise<void> {
    try {
      const vm = await this.runningOn(hostId, m.vmId);
      const topic = checkTopic('bus_publish.topic', m.topic);
      const payload = checkPayload('bus_publish.payload', m.payload);
      const local = Number(m.localSeq);
      if (isResend(this.lastLocal.get(m.vmId), local)) return void this.stats.resends++;
      if (!this.pubLimiter.take(m.vmId)) return void this.stats.limited++;
      this.lastLocal.set(m.vmId, local);
      if (this.lastLocal.size > CACHE_MAX) this.lastLocal.delete(this.lastLocal.keys().next().value!);
      // Ordered now (the seq is taken synchronously); its commit is not waited for here.
      this.bus
        .publish(vm.tenant, topic, payload, { vmId: m.vmId, scheme: vm.scheme })
        .catch((err) => this.refused(hostId, m.vmId, 'publish', err));
    } catch (err) {
      this.refused(hostId, m.vmId, 'publish', err);
    }
  }

  /** A VM's whole subscription list (level). */
  async subscriptions(hostId: string, m: BusSubscription__Output): Promise<void> {
    try {
      const topics = checkVmTopics(m.topics);
      // Even an empty list must name a VM of this host: it becomes an audit event.
      const vm = await this.facts(m.vmId);
      if (!vm || vm.hostId !== hostId) throw new Error('the VM is not on this host');
      if (!topics.length) this.bus.dropVm(m.vmId);
      else if (vm.state !== 'running') throw new Error(`the VM is ${vm.state}, not running`);
      else this.bus.setVmTopics(vm.tenant, m.vmId, hostId, topics);
      const joined = topics.sort().join(',');
      if ((this.subs.get(m.vmId) ?? '') === joined) return;
      if (this.subs.size >= CACHE_MAX) this.subs.clear();
      this.subs.set(m.vmId, joined);
      if (!this.auditLimiter.take(m.vmId)) return;
      await this.events.append({
        type: 'bus_vm_subscriptions',
        message: topics.length ? 'VM subscribed to bus topics' : 'VM unsubscribed from all bus topics',
        hostId,
        audit: true,
        tenant: vm.tenant,
        attributes: { vm_id: m.vmId, topics: joined.slice(0, 256) },
      });
    } catch (err) {
      this.refused(hostId, m.vmId, 'subscription', err);
    }
  }

  /** The host's session ended: its VMs' subscriptions go (the agent sends them again on reconnect). */
  closed(hostId: string): void {
    this.bus.dropHost(hostId);
  }

  stop(): void {
    this.dropTimer?.cancel();
  }

  private async runningOn(hostId: string, vmId: string): Promise<VmFacts> {
    const f = await this.facts(vmId);
    if (!f || f.hostId !== hostId) throw new Error('the VM is not on this host');
    if (f.state !== 'running') throw new Error(`the VM is ${f.state}, not running`);
    return f;
  }

  private async facts(vmId: string): Promise<VmFacts | undefined> {
    const c = this.cache.get(vmId);
    const now = this.clock.now();
    if (c && now - c.at < CACHE_TTL_MS) return c.facts;
    const vm = typeof vmId === 'string' && /^[0-9A-Z]{26}$/.test(vmId) ? await this.vms.get(vmId) : undefined;
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    const facts = vm && factsOf(vm);
    this.cache.set(vmId, { facts, at: now });
    return facts;
  }

  private refused(hostId: string, vmId: string, what: string, err: unknown): void {
    // Logged at 1, 2, 4, 8, ... refusals: a hostile agent cannot flood the log.
    if (++this.stats.refused & (this.stats.refused - 1)) return;
    this.log.warn(
      { host_id: hostId, vm_id: String(vmId).slice(0, 64), err: (err as Error).message },
      `bus ${what} refused`,
    );
  }

  /** Drops are counted and reported once a second per host (an event each, not one per message). */
  private dropped(hostId: string, n: number, topic: string, tenant: string): void {
    const p = this.pendingDrops.get(hostId) ?? { n: 0, topics: new Set<string>(), tenant };
    p.n += n;
    if (p.topics.size < 8) p.topics.add(topic);
    this.pendingDrops.set(hostId, p);
    this.dropTimer ??= this.clock.setTimeout(() => this.reportDrops(), DROP_REPORT_MS);
  }

  private reportDrops(): void {
    this.dropTimer = undefined;
    const all = [...this.pendingDrops];
    this.pendingDrops.clear();
    const events = all.map(([hostId, p]) => ({
      type: 'bus_deliveries_dropped',
      message: 'bus deliveries to VMs dropped: their host fell behind',
      severity: 'warning' as const,
      hostId,
      tenant: p.tenant,
      attributes: { dropped: String(p.n), topics: [...p.topics].join(',') },
    }));
    for (const [hostId, p] of all) this.log.warn({ host_id: hostId, dropped: p.n }, 'bus deliveries dropped');
    if (events.length)
      this.events.append(...events).catch((err) => this.log.error({ err }, 'bus drop event not written'));
  }
}

function factsOf(vm: VmRecord): VmFacts {
  return { tenant: vm.tenant, hostId: vm.hostId, state: vm.state, scheme: vm.spec.scheme };
}
