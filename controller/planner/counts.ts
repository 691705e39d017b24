// A set's counts (placed, confirmed, running), kept in memory as its VMs
// change: GetVmSet is polled and the sweep retries waiting sets often, and a
// set may hold 10,000 VMs, so they are never counted from the store.
import type { VmRecord } from '../vms/registry.js';
import { live } from './sets.js';

interface Counted {
  placed: boolean;
  confirmed: boolean;
  running: boolean;
}

export interface Counts {
  placed: number;
  confirmed: number;
  running: number;
}

export class SetCounts {
  private readonly bySet = new Map<string, Map<string, Counted>>();

  of(setId: string): Counts {
    const c = { placed: 0, confirmed: 0, running: 0 };
    for (const b of this.bySet.get(setId)?.values() ?? []) {
      if (!b.placed) continue;
      c.placed++;
      if (b.confirmed) c.confirmed++;
      if (b.running) c.running++;
    }
    return c;
  }

  /** Called with every committed change of a set's VM. */
  note(vm: VmRecord): void {
    if (!vm.setId) return;
    let m = this.bySet.get(vm.setId);
    if (!m) this.bySet.set(vm.setId, (m = new Map()));
    m.set(vm.id, { placed: live(vm), confirmed: vm.confirmedUnixMs > 0, running: vm.state === 'running' });
  }

  /** A retired set counts nothing: keep nothing for it. */
  drop(setId: string): void {
    this.bySet.delete(setId);
  }
}
