// A set's counts (placed, confirmed, running, failed, tasks finished), kept in memory as its VMs
// change: GetVmSet is polled and the sweep retries waiting sets often, and a
// set may hold 10,000 VMs, so they are never counted from the store.
import type { VmRecord } from '../vms/registry.js';
import { live } from './sets.js';

/** What one member counts, as bits: a number per member instead of an object (10,000 live ones per set). */
const PLACED = 1;
const CONFIRMED = 2;
const RUNNING = 4;
const FAILED = 8;
const FINISHED = 16;
const MANAGED = 32;
type Counted = number;

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
  if (b & FINISHED) c.finished += k;
  if (b & MANAGED) c.managed += k;
  if (!(b & PLACED)) return;
  if (b & FAILED) c.failed += k;
  c.placed += k;
  if (b & CONFIRMED) c.confirmed += k;
  if (b & RUNNING) c.running += k;
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
    const next: Counted =
      (managed ? MANAGED : 0) |
      (placed ? PLACED : 0) |
      (vm.confirmedUnixMs > 0 ? CONFIRMED : 0) |
      (vm.state === 'running' ? RUNNING : 0) |
      (vm.state === 'failed' ? FAILED : 0) |
      (!held && vm.taskDone ? FINISHED : 0);
    const prev = m.members.get(vm.id);
    if (prev !== undefined) tally(m.totals, prev, -1);
    m.members.set(vm.id, next);
    tally(m.totals, next, 1);
  }

  /** A retired set counts nothing: keep nothing for it. */
  drop(setId: string): void {
    this.bySet.delete(setId);
  }
}
