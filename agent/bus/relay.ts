// The agent's part of the messaging bus: what its VMs publish and subscribe to
// (through their drivers: guest channel, local socket) goes up the session;
// the controller's deliveries come down and go to each VM named. Nothing is
// durable here: a publish while the session is down is dropped (counted), and
// subscriptions are level, sent again in full after every reconnect.
import type { AgentMessage } from '../../common/gen/nephele/v1/AgentMessage.js';
import type { BusDeliver__Output } from '../../common/gen/nephele/v1/BusDeliver.js';
import type { Logger } from '../../common/logger.js';
import type { Driver } from '../drivers/driver.js';

/** VM ids one BusDeliver may name (a hostile or broken controller message must not loop on millions). */
const MAX_VM_IDS = 4096;

export class BusRelay {
  private readonly subs = new Map<string, string[]>();
  /** Per agent run, from the wall clock: a restarted agent's publishes stay above what the controller last saw. */
  private localSeq = Date.now() * 1000;
  readonly stats = { published: 0, notConnected: 0, delivered: 0, dropped: 0 };

  constructor(
    /** Sends on the live session; false when there is none. */
    private readonly send: (m: AgentMessage) => boolean,
    /** The driver of a VM on this host (undefined: not here). */
    private readonly driverOf: (id: string) => Driver | undefined,
    private readonly log: Logger,
  ) {}

  attach(drivers: Driver[]): void {
    for (const d of drivers)
      d.onBus?.({
        publish: (vmId, topic, payload) => {
          if (this.send({ busPublish: { vmId, topic, payload, localSeq: ++this.localSeq } })) this.stats.published++;
          else this.stats.notConnected++;
        },
        subscriptions: (vmId, topics) => {
          if (topics.length) this.subs.set(vmId, topics);
          else this.subs.delete(vmId);
          this.send({ busSubscription: { vmId, topics } });
        },
      });
  }

  /** A session was welcomed: every VM's subscriptions again (the controller forgot them when the last one ended). */
  established(): void {
    for (const [vmId, topics] of this.subs) this.send({ busSubscription: { vmId, topics } });
  }

  deliver(m: BusDeliver__Output): void {
    const d = {
      topic: m.topic,
      seq: Number(m.seq),
      payload: Buffer.from(m.payload ?? []),
      fromVmId: m.fromVmId,
      fromScheme: m.fromScheme,
      timeUnixMs: Number(m.timeUnixMs),
    };
    for (const id of m.vmIds.slice(0, MAX_VM_IDS)) {
      const ok = this.driverOf(id)?.busDeliver?.(id, d) ?? false;
      if (ok) this.stats.delivered++;
      else if (++this.stats.dropped % 1000 === 1)
        this.log.warn(
          { vm_id: id, dropped: this.stats.dropped },
          'bus delivery dropped (VM not here, stopped or not reading)',
        );
    }
  }
}
