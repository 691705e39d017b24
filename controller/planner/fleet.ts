// The planner's in-memory view of the fleet: what each host offers and what is
// reserved on it. The reservations themselves are the VM records in the store
// (written atomically with the set and the quota); this ledger is their sum per
// host, rebuilt from the store at start and moved only after a commit succeeded,
// so it is released exactly once per VM.

import type { Sla } from '../../common/model/enums.js';
export type { Sla };

export interface Res {
  vcpus: number;
  memoryBytes: number;
  diskBytes: number;
}

export const zeroRes = (): Res => ({ vcpus: 0, memoryBytes: 0, diskBytes: 0 });

export interface Slot {
  id: string;
  name: string;
  adhoc: boolean;
  offersGuarantees: boolean;
  /** Placeable at all: ready, not cordoned, not revoked, owner idle. Reasons say why not. */
  ready: boolean;
  cordoned: boolean;
  /** Owner policy says no new guests (HTCondor START is false). */
  ownerBusy: boolean;
  schemes: string[];
  /** Per scheme, whether its driver isolates tenant code ('full' | 'none'; absent: unknown, i.e. none). */
  isolation: Record<string, string>;
  groups: string[];
  labels: Record<string, string>;
  /** What it offers as features (labels, CPU flags, gpu: the catalog's HostFeatures rule); a request's `features` must be among them. */
  features: string[];
  capacity: Res;
  /** Reserved by guaranteed VMs (never above capacity). */
  guaranteed: Res;
  /** Reserved by best-effort VMs (with guaranteed, at most capacity × the overcommit ratio). */
  bestEffort: Res;
  vms: number;
  /** VMs per set on this host (affinity, anti-affinity, spreading a set). */
  sets: Map<string, number>;
  /** 0..100, from the latest heartbeat. */
  loadPct: number;
  /** The last place() call that scored this host (counts each host once without a per-call set). */
  scoredIn: number;
}

/** The hosts that pass a request shape's static filters, and why the others do not (reason → hosts). */
export interface StaticPass {
  gen: number;
  eligible: Slot[];
  tally: Map<string, number>;
}

/** One reservation: what a VM holds on a host. */
export interface Hold {
  hostId: string;
  setId: string;
  sla: Sla;
  res: Res;
}

export function newSlot(id: string, p: Partial<Slot> = {}): Slot {
  return {
    id,
    name: p.name ?? id,
    adhoc: p.adhoc ?? false,
    offersGuarantees: p.offersGuarantees ?? false,
    ready: p.ready ?? true,
    cordoned: p.cordoned ?? false,
    ownerBusy: p.ownerBusy ?? false,
    schemes: p.schemes ?? ['process'],
    isolation: p.isolation ?? {},
    groups: p.groups ?? [],
    labels: p.labels ?? {},
    features: p.features ?? [],
    capacity: p.capacity ?? zeroRes(),
    guaranteed: zeroRes(),
    bestEffort: zeroRes(),
    vms: 0,
    sets: new Map(),
    loadPct: p.loadPct ?? 0,
    scoredIn: 0,
  };
}

function addRes(a: Res, b: Res, sign: 1 | -1): void {
  a.vcpus += sign * b.vcpus;
  a.memoryBytes += sign * b.memoryBytes;
  a.diskBytes += sign * b.diskBytes;
}

export class Fleet {
  readonly slots = new Map<string, Slot>();
  /** Holding VMs per set, across hosts. */
  readonly setHolds = new Map<string, number>();
  /** Hosts holding a VM of the set (an affinity set's next VM may go only there). */
  readonly setHosts = new Map<string, Set<Slot>>();
  /** Bumped whenever capacity is freed (waiting sets retry). */
  freedGen = 0;
  /**
   * Bumped whenever a host's static facts change. Those change only through
   * upsert(): place() keeps its static filter pass per request shape until then.
   */
  factsGen = 0;
  /** place()'s static passes by request shape (bounded: cleared when full). */
  readonly staticPasses = new Map<string, StaticPass>();

  slot(id: string): Slot | undefined {
    return this.slots.get(id);
  }

  /** Adds or refreshes a host's static facts; its reservations stay. */
  upsert(
    id: string,
    facts: Partial<Omit<Slot, 'id' | 'guaranteed' | 'bestEffort' | 'vms' | 'sets' | 'scoredIn'>>,
  ): Slot {
    let s = this.slots.get(id);
    if (!s) this.slots.set(id, (s = newSlot(id, facts)));
    else Object.assign(s, facts);
    this.factsGen++;
    return s;
  }

  hold(h: Hold): void {
    const s = this.slots.get(h.hostId) ?? this.upsert(h.hostId, { ready: false });
    addRes(h.sla === 'guaranteed' ? s.guaranteed : s.bestEffort, h.res, 1);
    s.vms++;
    if (h.setId) {
      const n = s.sets.get(h.setId) ?? 0;
      s.sets.set(h.setId, n + 1);
      this.setHolds.set(h.setId, (this.setHolds.get(h.setId) ?? 0) + 1);
      if (n === 0) {
        let hs = this.setHosts.get(h.setId);
        if (!hs) this.setHosts.set(h.setId, (hs = new Set()));
        hs.add(s);
      }
    }
  }

  release(h: Hold): void {
    const s = this.slots.get(h.hostId);
    if (!s) return;
    addRes(h.sla === 'guaranteed' ? s.guaranteed : s.bestEffort, h.res, -1);
    s.vms--;
    if (h.setId) {
      const n = (s.sets.get(h.setId) ?? 0) - 1;
      if (n > 0) s.sets.set(h.setId, n);
      else {
        s.sets.delete(h.setId);
        const hs = this.setHosts.get(h.setId);
        hs?.delete(s);
        if (hs?.size === 0) this.setHosts.delete(h.setId);
      }
      const t = (this.setHolds.get(h.setId) ?? 0) - 1;
      if (t > 0) this.setHolds.set(h.setId, t);
      else this.setHolds.delete(h.setId);
    }
    this.freedGen++;
  }

  /** Sum of every reservation (zero once every VM has ended). */
  totals(): { guaranteed: Res; bestEffort: Res; vms: number } {
    const g = zeroRes();
    const b = zeroRes();
    let vms = 0;
    for (const s of this.slots.values()) {
      addRes(g, s.guaranteed, 1);
      addRes(b, s.bestEffort, 1);
      vms += s.vms;
    }
    return { guaranteed: g, bestEffort: b, vms };
  }
}
