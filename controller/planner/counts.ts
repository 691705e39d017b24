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

type Totals = Required<Counts>;

const zero = (): Totals => ({ placed: 0, confirmed: 0, running: 0, failed: 0, finished: 0, managed: 0 });

/** Adds (k = 1) or takes back (k = -1) what one member counts. */
function tally(c: Totals, b: Counted, k: 1 | -1): void {
  if (b.finished) c.finished += k;
  if (b.managed) c.managed += k;
  if (!b.placed) return;
  if (b.failed) c.failed += k;
  c.placed += k;
  if (b.confirmed) c.confirmed += k;
  if (b.running) c.running += k;
}

export class SetCounts {
  /** Per set: what each member counts, and the totals kept with them (a poll of a 10,000-VM set reads no members). */
  private readonly bySet = new Map<string, { members: Map<string, Counted>; totals: Totals }>();

  of(setId: string): Counts {
    const t = this.bySet.get(setId)?.totals;
    return t ? { ...t } : zero();
  }

  /** Called with every committed change of a set's VM. */
  note(vm: VmRecord): void {
    if (!vm.setId) return;
    let m = this.bySet.get(vm.setId);
    if (!m) this.bySet.set(vm.setId, (m = { members: new Map(), totals: zero() }));
    const held = live(vm);
    const managed = held && !!vm.managed;
    const placed = held && !managed;
    const next: Counted = {
      managed,
      placed,
      confirmed: vm.confirmedUnixMs > 0,
      running: vm.state === 'running',
      failed: vm.state === 'failed',
      finished: !held && vm.taskDone,
    };
    const prev = m.members.get(vm.id);
    if (prev) tally(m.totals, prev, -1);
    m.members.set(vm.id, next);
    tally(m.totals, next, 1);
  }

  /** A retired set counts nothing: keep nothing for it. */
  drop(setId: string): void {
    this.bySet.delete(setId);
  }
}
