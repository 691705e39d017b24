// The bus's router: per (tenant, topic) a gap-free seq and a ring of recent
// messages; deliveries to API subscribers (their own bounded queues) and to
// VMs through their hosts' sessions (dropped and counted when a host is behind).
//
// Durability: seq counters are persisted (group commit: a message is delivered
// and acknowledged only once a batch holding its topic's counter is written, so
// a seq is never handed out twice, also across a crash); message bodies live
// only in the in-memory rings. After a controller restart a topic continues
// after its last seq, and Subscribe(after_seq) older than what the ring holds
// answers FAILED_PRECONDITION.
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/logger.js';
import { put, type Store } from '../../../common/store/index.js';
import { ResourceExhaustedError } from '../../../common/errors.js';
import type { ControllerMessage } from '../../../common/gen/nephele/v1/ControllerMessage.js';
import { busMessageToProto } from '../../../common/grpc/convert-scheme.js';
import { hostHasRoom, Ring, type BusLimits, type BusMsg } from './core.js';

export const BUS_SEQ = 'bus-seq'; // `${tenant}/${topic}` → { seq }

/** An API subscription: offered every message of its topic in order; it decides what a full queue does. */
export interface BusSink {
  offer(m: BusMsg): void;
}

/** What the router needs of the hosts' sessions. */
export interface HostLink {
  /** Messages waiting on the host's session (undefined: no live session). */
  backlog(hostId: string): number | undefined;
  send(hostId: string, m: ControllerMessage): boolean;
}

interface TopicState {
  tenant: string;
  name: string;
  /** Last committed seq. */
  seq: number;
  /** Last seq handed out (committed or in the batch being written). */
  next: number;
  ring: Ring;
  pending: { m: BusMsg; resolve: (seq: number) => void; reject: (e: unknown) => void }[];
  sinks: Set<BusSink>;
  /** VM id → host id of VMs subscribed through their guest channel / local socket. */
  vms: Map<string, string>;
}

export interface TopicView {
  tenant: string;
  name: string;
  lastSeq: number;
  subscribers: number;
  vmIds: string[];
}

const key = (tenant: string, topic: string) => `${tenant}/${topic}`;

export class Bus {
  private readonly topics = new Map<string, TopicState>();
  private readonly dirty = new Set<TopicState>();
  private committing?: Promise<void>;
  /** Deliveries to VMs dropped because their host was behind, per host (reported as events by the relay). */
  readonly drops = new Map<string, number>();
  readonly stats = { published: 0, delivered: 0, dropped: 0 };
  /** Told when a host's session was too far behind for a delivery (once per drop). */
  onDrop?: (hostId: string, vmIds: string[], topic: string, tenant: string) => void;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly limits: BusLimits,
    private readonly hosts: HostLink,
  ) {}

  /** Loads the persisted counters (at most maxTopics: more are never written). */
  async start(): Promise<void> {
    for await (const e of this.store.scan<{ seq: number }>(BUS_SEQ, { limit: this.limits.maxTopics })) {
      const i = e.key.indexOf('/');
      const t = this.state(e.key.slice(0, i), e.key.slice(i + 1), true)!;
      t.seq = t.next = e.value.seq;
    }
  }

  /** Orders a message on the tenant's topic; resolves with its seq once the counter is durable. */
  publish(tenant: string, topic: string, payload: Buffer, from: { vmId: string; scheme: string }): Promise<number> {
    const t = this.state(tenant, topic, true);
    if (!t) throw new ResourceExhaustedError(`too many topics on this controller (at most ${this.limits.maxTopics})`);
    const m: BusMsg = {
      topic,
      seq: ++t.next,
      payload,
      fromVmId: from.vmId,
      fromScheme: from.scheme,
      timeUnixMs: this.clock.now(),
    };
    this.stats.published++;
    return new Promise<number>((resolve, reject) => {
      t.pending.push({ m, resolve, reject });
      this.dirty.add(t);
      this.kick();
    });
  }

  /** Adds an API subscriber; returns the topic's last seq and ring at that moment (no message falls between). */
  attach(tenant: string, topic: string, sink: BusSink): { lastSeq: number; ring: Ring; detach: () => void } {
    const t = this.state(tenant, topic, true);
    if (!t) throw new ResourceExhaustedError(`too many topics on this controller (at most ${this.limits.maxTopics})`);
    t.sinks.add(sink);
    return { lastSeq: t.seq, ring: t.ring, detach: () => t.sinks.delete(sink) };
  }

  /** A VM's whole subscription list (level): replaces what it had. */
  setVmTopics(tenant: string, vmId: string, hostId: string, topics: string[]): void {
    this.dropVm(vmId);
    for (const name of topics) this.state(tenant, name, true)?.vms.set(vmId, hostId);
  }

  /** The VM no longer subscribes to anything (it stopped, moved, or its host's session ended). */
  dropVm(vmId: string): void {
    for (const t of this.topics.values()) t.vms.delete(vmId);
  }

  /** Forgets every VM subscription of a host (its session ended; the agent sends them again on reconnect). */
  dropHost(hostId: string): void {
    for (const t of this.topics.values()) for (const [vm, h] of t.vms) if (h === hostId) t.vms.delete(vm);
  }

  /** VM ids subscribed to a topic (tests, ListTopics). */
  list(tenant: string | undefined, after: string, limit: number): { topics: TopicView[]; more: boolean } {
    const keys = [...this.topics.keys()]
      .filter((k) => (tenant === undefined || k.startsWith(`${tenant}/`)) && k > after)
      .sort();
    const topics = keys.slice(0, limit).map((k) => {
      const t = this.topics.get(k)!;
      return {
        tenant: t.tenant,
        name: t.name,
        lastSeq: t.seq,
        subscribers: t.sinks.size + t.vms.size,
        vmIds: [...t.vms.keys()].sort(),
      };
    });
    return { topics, more: keys.length > limit };
  }

  /** Waits for the batch being written (shutdown). */
  async flush(): Promise<void> {
    while (this.committing) await this.committing;
  }

  private state(tenant: string, name: string, create: boolean): TopicState | undefined {
    const k = key(tenant, name);
    let t = this.topics.get(k);
    if (!t && create && this.topics.size < this.limits.maxTopics) {
      t = { tenant, name, seq: 0, next: 0, ring: new Ring(this.limits), pending: [], sinks: new Set(), vms: new Map() };
      this.topics.set(k, t);
    }
    return t;
  }

  private kick(): void {
    if (this.committing) return;
    this.committing = this.commit().finally(() => {
      this.committing = undefined;
      if (this.dirty.size) this.kick();
    });
  }

  /** One batch: every dirty topic's counter, then its messages go out in seq order. */
  private async commit(): Promise<void> {
    const batch = [...this.dirty].map((t) => ({ t, items: t.pending.splice(0) }));
    this.dirty.clear();
    try {
      await this.store.batch(
        batch.map(({ t, items }) => put(BUS_SEQ, key(t.tenant, t.name), { seq: items.at(-1)!.m.seq })),
      );
    } catch (err) {
      this.log.error({ err }, 'bus counters not written; publishes refused');
      for (const { t, items } of batch) {
        // Nothing of this topic after the committed seq may go out: its later publishes fail too.
        const later = t.pending.splice(0);
        this.dirty.delete(t);
        t.next = t.seq;
        for (const p of [...items, ...later]) p.reject(err);
      }
      return;
    }
    for (const { t, items } of batch) {
      for (const p of items) {
        t.seq = p.m.seq;
        t.ring.push(p.m);
        this.deliver(t, p.m);
        p.resolve(p.m.seq);
      }
    }
  }

  private deliver(t: TopicState, m: BusMsg): void {
    for (const s of [...t.sinks]) s.offer(m);
    if (!t.vms.size) return;
    const byHost = new Map<string, string[]>();
    for (const [vm, host] of t.vms) byHost.set(host, [...(byHost.get(host) ?? []), vm]);
    for (const [hostId, vmIds] of byHost) {
      const backlog = this.hosts.backlog(hostId);
      if (backlog === undefined) continue; // no session: the host re-subscribes when it is back
      if (!hostHasRoom(backlog, this.limits)) {
        this.stats.dropped += vmIds.length;
        this.drops.set(hostId, (this.drops.get(hostId) ?? 0) + vmIds.length);
        this.onDrop?.(hostId, vmIds, t.name, t.tenant);
        continue;
      }
      const sent = this.hosts.send(hostId, { busDeliver: { vmIds, ...busMessageToProto(m) } });
      if (sent) this.stats.delivered += vmIds.length;
    }
  }
}
