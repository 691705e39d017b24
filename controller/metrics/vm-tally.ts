// VMs by state, by scheme, and waiting for a host, for the metrics gauges.
// Maintained incrementally from the VM records the store commits (every
// writer of a VM record goes through the store, so no path can be missed and
// nothing drifts); a scrape reads a few small maps and never scans the store.
// Destroyed VMs are not held (their records are history, and may be many).
import { VM_STATES, type VmState } from '../../common/model/enums.js';
import type { Op } from '../../common/store/index.js';
import type { VmRecord } from '../model/index.js';
import { SCHEMES } from '../vms/spec.js';
import { VMS, VMS_BY_HOST } from '../vms/registry.js';
import { waitsForHost } from '../planner/sets.js';

/** What one VM adds to the counts. */
interface Tallied {
  state: VmState;
  scheme: string;
  unplaced: boolean;
}

const STATES = new Set<string>(VM_STATES);
const KNOWN_SCHEMES = new Set<string>(SCHEMES);

/** Label values come from a closed list: a stored oddity reads "other", never a new series. */
function tallyOf(vm: VmRecord | undefined): Tallied | undefined {
  if (!vm || typeof vm !== 'object' || vm.state === 'destroyed') return undefined;
  const scheme = vm.spec?.scheme ?? '';
  return {
    state: STATES.has(vm.state) ? vm.state : ('other' as VmState),
    scheme: KNOWN_SCHEMES.has(scheme) ? scheme : 'other',
    unplaced: waitsForHost(vm),
  };
}

function bump(m: Map<string, number>, k: string, by: number): void {
  const n = (m.get(k) ?? 0) + by;
  if (n) m.set(k, n);
  else m.delete(k);
}

export class VmTally {
  private readonly vms = new Map<string, Tallied>();
  private readonly byState = new Map<string, number>();
  private readonly byScheme = new Map<string, number>();
  private unplacedCount = 0;
  /** VMs assigned to a host since start (first placements, re-placements and moves). */
  placements = 0;
  /** Ids a commit touched while the initial load ran: the load must not overwrite them with older records. */
  private touched: Set<string> | undefined = new Set();

  /** Every committed batch of the store. */
  committed(ops: readonly Op[]): void {
    for (const op of ops) {
      if (op.coll === VMS) {
        this.touched?.add(op.key);
        this.set(op.key, op.type === 'put' ? tallyOf(op.value as VmRecord) : undefined);
      } else if (op.coll === VMS_BY_HOST && op.type === 'put') this.placements++;
    }
  }

  /** The records stored at start (one scan, once); commits seen meanwhile win. */
  load(id: string, vm: VmRecord): void {
    if (!this.touched?.has(id)) this.set(id, tallyOf(vm));
  }

  loaded(): void {
    this.touched = undefined;
  }

  private set(id: string, next: Tallied | undefined): void {
    const prev = this.vms.get(id);
    if (prev) {
      bump(this.byState, prev.state, -1);
      bump(this.byScheme, prev.scheme, -1);
      if (prev.unplaced) this.unplacedCount--;
    }
    if (next) {
      bump(this.byState, next.state, 1);
      bump(this.byScheme, next.scheme, 1);
      if (next.unplaced) this.unplacedCount++;
      this.vms.set(id, next);
    } else this.vms.delete(id);
  }

  /** Every state reads (0 included), so a state that empties shows 0 rather than vanishing. */
  states(): [{ state: string }, number][] {
    const keys = new Set([...VM_STATES.filter((s) => s !== 'destroyed'), ...this.byState.keys()]);
    return [...keys].map((state) => [{ state }, this.byState.get(state) ?? 0]);
  }

  schemes(): [{ scheme: string }, number][] {
    const keys = new Set([...SCHEMES, ...this.byScheme.keys()]);
    return [...keys].map((scheme) => [{ scheme }, this.byScheme.get(scheme) ?? 0]);
  }

  unplaced(): number {
    return this.unplacedCount;
  }
}
