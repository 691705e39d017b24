// The messaging bus over a guest channel, for every driver whose VMs run the
// Nephele guest agent (qemu, libvirt): the guest's `bus pub` / `bus subs`
// lines go to the bus listeners, deliveries go to the guest as `bus-deliver`
// requests, one at a time per VM (the guest serves requests in order), from a
// bounded queue: a VM that does not keep up loses the overflow, counted.
import type { Logger } from '../../common/logger.js';
import type { BusDelivery, BusListener } from './driver.js';
import { deliveryCommand, parseGuestBusLine } from './bus-lines.js';
import type { GuestChannel } from './qemu/guest-channel.js';

/** Deliveries waiting per VM. */
const MAX_QUEUE = 256;
const DELIVER_TIMEOUT_MS = 10_000;

interface VmBus {
  ga: GuestChannel;
  queue: BusDelivery[];
  pumping: boolean;
  subscribed: boolean;
}

/** Adds a listener; returns its removal. */
export function listenOn<L>(set: Set<L>, l: L): () => void {
  set.add(l);
  return () => void set.delete(l);
}

export class GuestBus {
  private readonly listeners = new Set<BusListener>();
  private readonly vms = new Map<string, VmBus>();
  readonly stats = { dropped: 0, refused: 0 };

  constructor(private readonly log: () => Logger) {}

  listen(l: BusListener): () => void {
    return listenOn(this.listeners, l);
  }

  /** A VM's guest channel (re)connected: its bus lines count from now; asks the guest for its subscriptions. */
  attach(id: string, ga: GuestChannel): void {
    const vm: VmBus = { ga, queue: [], pumping: false, subscribed: false };
    this.vms.set(id, vm);
    ga.onBus((rest) => {
      if (this.vms.get(id) !== vm) return;
      const m = parseGuestBusLine(rest);
      if (m.kind === 'error') {
        if (++this.stats.refused % 100 === 1) this.log().warn({ vm_id: id, why: m.why }, 'guest bus line refused');
      } else if (m.kind === 'pub') for (const l of this.listeners) l.publish(id, m.topic, m.payload);
      else this.subscriptions(id, vm, m.topics);
    });
    ga.onClose(() => {
      if (this.vms.get(id) !== vm) return;
      this.vms.delete(id);
      if (vm.subscribed) for (const l of this.listeners) l.subscriptions(id, []);
    });
    // After an agent restart no `ready` may come (the guest did not see us go): ask. Before boot this just fails.
    ga.request('bus-subs', 5_000).then(
      (list) => {
        const m = parseGuestBusLine(`subs ${list || '-'}`);
        if (m.kind === 'subs' && this.vms.get(id) === vm) this.subscriptions(id, vm, m.topics);
      },
      () => {},
    );
  }

  deliver(id: string, d: BusDelivery): boolean {
    const vm = this.vms.get(id);
    if (!vm || vm.ga.closed) return false;
    if (vm.queue.length >= MAX_QUEUE) {
      this.stats.dropped++;
      return false;
    }
    vm.queue.push(d);
    if (!vm.pumping) void this.pump(id, vm);
    return true;
  }

  private subscriptions(id: string, vm: VmBus, topics: string[]): void {
    vm.subscribed = topics.length > 0;
    for (const l of this.listeners) l.subscriptions(id, topics);
  }

  private async pump(id: string, vm: VmBus): Promise<void> {
    vm.pumping = true;
    try {
      for (let d = vm.queue.shift(); d; d = vm.queue.shift()) {
        if (vm.ga.closed) break;
        await vm.ga.request(deliveryCommand(d), DELIVER_TIMEOUT_MS).catch((err: Error) => {
          if (++this.stats.dropped % 100 === 1)
            this.log().warn({ vm_id: id, err: err.message }, 'bus delivery to guest failed');
        });
      }
    } finally {
      vm.queue.length = 0;
      vm.pumping = false;
    }
  }
}
