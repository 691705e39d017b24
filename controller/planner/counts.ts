// A set's counts (placed, confirmed, running, failed, tasks finished), kept in memory as its VMs
// change: GetVmSet is polled and the sweep retries waiting sets often, and a
// set may hold 10,000 VMs, so they are never counted from the store.
import type { VmRecord } from '../vms/registry.js';
import { live } from './sets.js';

interface Counted {
  placed: boolean;
  confirmed: boolean;
  running: boolean;
  failed: boolean;
  finished: boolean;
  managed: boolean;
}

export interface Counts {
  placed: number;
  confirmed: number;
  running: number;
  /** Placed members whose host reports them failed. */
  failed: number;
  /** Members retired because their task is done (end-on-task sets): not missing, not replaced. */
  finished: number;
  /** Members that are management instances: hidden, out of the counts above, still the set's (not replaced). */
  managed?: number;
}

export class SetCounts {
  private readonly bySet = new Map<string, Map<string, Counted>>();

  of(setId: string): Counts {
    const c = { placed: 0, confirmed: 0, running: 0, failed: 0, finished: 0, managed: 0 };
    for (const b of this.bySet.get(setId)?.values() ?? []) {
      if (b.finished) c.finished++;
      if (b.managed) c.managed++;
      if (!b.placed) continue;
      if (b.failed) c.failed++;
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
    const held = live(vm);
    const managed = held && !!vm.managed;
    const placed = held && !managed;
    m.set(vm.id, {
      managed,
      placed,
      confirmed: vm.confirmedUnixMs > 0,
      running: vm.state === 'running',
      failed: vm.state === 'failed',
      finished: !held && vm.taskDone,
    });
  }

  /** A retired set counts nothing: keep nothing for it. */
  drop(setId: string): void {
    this.bySet.delete(setId);
  }
}
