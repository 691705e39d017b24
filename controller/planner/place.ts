// Filter then score, as Nova's filter scheduler and Nomad's stack do. A request's
// static filters (state, cordon, owner, SLA fit, scheme, group, labels, features) run once
// per request; for each VM the dynamic ones (capacity, affinity) run on a sample
// of the eligible hosts once the fleet is large (power-of-k choices), falling
// back to a full scan so a "does not fit" answer is never a sampling accident.
import { type Fleet, type Res, type Sla, type Slot, type StaticPass } from './fleet.js';

export type Strategy = 'binpack' | 'spread';
export type Affinity = 'none' | 'affinity' | 'anti';

export interface PlacementRequest {
  setId: string;
  sla: Sla;
  /** What one VM reserves. */
  res: Res;
  /** Acceptable schemes, best first. */
  schemes: string[];
  /** The VMs run tenant-supplied code (a `task`): only a scheme that isolates it may take them. */
  task?: boolean;
  group?: string;
  labels?: Record<string, string>;
  /** Features every host taking it must offer (reclassification: a manifest's required features). */
  features?: string[];
  affinity: Affinity;
  strategy: Strategy;
  /** Hosts not to use (already tried, or the host being drained). */
  exclude?: ReadonlySet<string>;
}

export interface PlannerConfig {
  /** Best-effort work may reserve up to capacity × this. */
  overcommit: number;
  /** Above this many eligible hosts, sample instead of scanning. */
  sampleThreshold: number;
  /** Hosts per sample round. */
  sampleK: number;
  sampleRounds: number;
}

export const DEFAULT_PLANNER: PlannerConfig = { overcommit: 2, sampleThreshold: 64, sampleK: 8, sampleRounds: 4 };

export interface Placement {
  hostId: string;
  scheme: string;
  score: number;
}

export interface PlanResult {
  placements: Placement[];
  unplaced: number;
  reasons: string[];
  /** Hosts whose score was computed. */
  considered: number;
}

/**
 * Schemes that run a task on the host itself and so need the host to isolate it
 * (a qemu guest gets the task as config inside its own VM).
 */
export const HOST_TASK_SCHEMES: readonly string[] = ['process'];

/** The host offers this scheme for the request: tenant code goes only where the scheme isolates it (fail closed on unknown). */
export function offers(s: Slot, r: PlacementRequest, scheme: string): boolean {
  if (!s.schemes.includes(scheme)) return false;
  return !(r.task && HOST_TASK_SCHEMES.includes(scheme) && s.isolation[scheme] !== 'full');
}

/** Why a host cannot take this request at all, or undefined when it may. */
export function staticReason(s: Slot, r: PlacementRequest): string | undefined {
  if (!s.ready) return 'not ready';
  if (s.cordoned) return 'cordoned';
  if (r.exclude?.has(s.id)) return 'already tried or being vacated';
  if (s.ownerBusy) return 'owner active';
  if (s.adhoc && r.sla === 'guaranteed' && !s.offersGuarantees) return 'ad-hoc host takes best-effort work only';
  if (!r.schemes.some((x) => offers(s, r, x))) {
    const unisolated = r.schemes.filter((x) => s.schemes.includes(x));
    return unisolated.length ? `${unisolated.join('/')} isolation unavailable` : `no ${r.schemes.join('/')} scheme`;
  }
  if (r.group && !s.groups.includes(r.group)) return `not in group ${r.group}`;
  if (r.labels) for (const k in r.labels) if (s.labels[k] !== r.labels[k]) return 'labels do not match';
  if (r.features) for (const f of r.features) if (!s.features.includes(f)) return `does not offer ${f}`;
  return undefined;
}

/** Why a host that passed the static filters cannot take one more VM now. */
export function dynamicReason(s: Slot, r: PlacementRequest, fleet: Fleet, cfg: PlannerConfig): string | undefined {
  const c = s.capacity;
  const g = s.guaranteed;
  const need = r.res;
  if (r.sla === 'guaranteed') {
    // Guaranteed work counts only guaranteed reservations: best-effort work is what gets preempted.
    if (g.vcpus + need.vcpus > c.vcpus) return 'not enough vcpus';
    if (g.memoryBytes + need.memoryBytes > c.memoryBytes) return 'not enough memory';
    if (g.diskBytes + need.diskBytes > c.diskBytes) return 'not enough disk';
  } else {
    const b = s.bestEffort;
    const k = cfg.overcommit;
    if (g.vcpus + b.vcpus + need.vcpus > c.vcpus * k) return 'not enough vcpus';
    if (g.memoryBytes + b.memoryBytes + need.memoryBytes > c.memoryBytes * k) return 'not enough memory';
    if (g.diskBytes + b.diskBytes + need.diskBytes > c.diskBytes * k) return 'not enough disk';
  }
  const mine = s.sets.get(r.setId) ?? 0;
  if (r.affinity === 'anti' && mine > 0) return 'anti-affinity: holds a vm of the set';
  if (r.affinity === 'affinity' && mine === 0 && (fleet.setHolds.get(r.setId) ?? 0) > 0)
    return 'affinity: the set is on another host';
  return undefined;
}

/** Higher is better. Utilisation after placing, by strategy; then host load, SLA fit, scheme preference. */
export function score(s: Slot, r: PlacementRequest): { score: number; scheme: string } {
  const c = s.capacity;
  const used = (x: 'vcpus' | 'memoryBytes') => (s.guaranteed[x] + s.bestEffort[x] + r.res[x]) / (c[x] || 1);
  const util = Math.min(2, (used('vcpus') + used('memoryBytes')) / 2);
  let v = r.strategy === 'binpack' ? util : 1 - util;
  if (r.affinity === 'none' && r.strategy === 'spread') {
    // Nomad's job anti-affinity: a set spreads even when hosts are equally empty.
    // Each VM of the set already there costs more than host load can: load only breaks near-ties.
    v -= 0.05 * (s.sets.get(r.setId) ?? 0);
  }
  v -= 0.04 * Math.min(1, Math.max(0, s.loadPct) / 100);
  if (r.sla === 'guaranteed' ? !s.adhoc : s.adhoc) v += 0.1; // guarantees on servers, spare cycles on desktops
  let idx = 0;
  while (idx < r.schemes.length && !offers(s, r, r.schemes[idx]!)) idx++;
  v -= 0.3 * idx;
  return { score: v, scheme: r.schemes[idx] ?? '' };
}

/** Tallies reasons as "3 hosts: not enough memory", most common first. */
export function summarize(tally: Map<string, number>): string[] {
  return [...tally]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([why, n]) => `${n} host${n === 1 ? '' : 's'}: ${why}`);
}

const MAX_STATIC_PASSES = 256;
/** Numbers place() calls, for Slot.scoredIn. */
let calls = 0;

/**
 * The static filters over every host, remembered per request shape until a
 * host's facts change (fleet.factsGen): a fleet of 10,000 hosts is otherwise
 * filtered anew for every request, most of place()'s time. Requests with
 * exclusions (moves, one VM each) are filtered afresh: their reasons depend on them.
 */
function staticPass(fleet: Fleet, r: PlacementRequest): StaticPass {
  const key = r.exclude?.size
    ? undefined
    : JSON.stringify([r.sla, r.schemes, !!r.task, r.group ?? '', r.labels ?? {}, r.features ?? []]);
  const hit = key === undefined ? undefined : fleet.staticPasses.get(key);
  if (hit && hit.gen === fleet.factsGen) return hit;
  const tally = new Map<string, number>();
  const eligible: Slot[] = [];
  for (const s of fleet.slots.values()) {
    const why = staticReason(s, r);
    if (why) tally.set(why, (tally.get(why) ?? 0) + 1);
    else eligible.push(s);
  }
  const pass = { gen: fleet.factsGen, eligible, tally };
  if (key !== undefined) {
    if (fleet.staticPasses.size >= MAX_STATIC_PASSES) fleet.staticPasses.clear();
    fleet.staticPasses.set(key, pass);
  }
  return pass;
}

/**
 * Places `count` VMs of a request. Every placement is held in `fleet` at once
 * (later VMs see earlier ones); undo with `unplace` when the commit fails or
 * for a dry run. Stops at the first VM that fits nowhere: the rest are the same.
 */
export function place(
  fleet: Fleet,
  r: PlacementRequest,
  count: number,
  cfg: PlannerConfig = DEFAULT_PLANNER,
  rng: () => number = Math.random,
): PlanResult {
  const placements: Placement[] = [];
  const { eligible, tally: staticTally } = staticPass(fleet, r);
  let eligibleSet: Set<Slot> | undefined;
  const eligibleNow = (s: Slot) => (eligibleSet ??= new Set(eligible)).has(s);
  let considered = 0;
  const call = ++calls;
  const consider = (s: Slot, best: { s?: Slot; score: number; scheme: string }) => {
    if (s.scoredIn !== call) {
      s.scoredIn = call;
      considered++;
    }
    if (dynamicReason(s, r, fleet, cfg)) return;
    const sc = score(s, r);
    if (sc.score > best.score || (sc.score === best.score && best.s && s.id < best.s.id)) {
      best.s = s;
      best.score = sc.score;
      best.scheme = sc.scheme;
    }
  };
  for (let i = 0; i < count; i++) {
    const best: { s?: Slot; score: number; scheme: string } = { score: -Infinity, scheme: '' };
    const colocated = r.affinity === 'affinity' && (fleet.setHolds.get(r.setId) ?? 0) > 0;
    if (r.affinity === 'affinity' && !colocated && count - i > 1) {
      // The first VM of an affinity set goes where all of them fit, if any host can take them all.
      const whole: PlacementRequest = {
        ...r,
        res: {
          vcpus: r.res.vcpus * (count - i),
          memoryBytes: r.res.memoryBytes * (count - i),
          diskBytes: r.res.diskBytes * (count - i),
        },
      };
      for (const s of eligible) {
        if (dynamicReason(s, whole, fleet, cfg)) continue;
        consider(s, best);
      }
    }
    if (!colocated && eligible.length > cfg.sampleThreshold) {
      for (let round = 0; round < cfg.sampleRounds && !best.s; round++) {
        for (let k = 0; k < cfg.sampleK; k++) consider(eligible[Math.floor(rng() * eligible.length)]!, best);
      }
    }
    // A colocated affinity set fits only where it already is (dynamicReason): look there before the full scan.
    if (colocated) for (const s of fleet.setHosts.get(r.setId) ?? []) if (eligibleNow(s)) consider(s, best);
    if (!best.s) for (const s of eligible) consider(s, best);
    if (!best.s) {
      const tally = new Map(staticTally);
      for (const s of eligible) {
        const why = dynamicReason(s, r, fleet, cfg) ?? 'no better host';
        tally.set(why, (tally.get(why) ?? 0) + 1);
      }
      const reasons = fleet.slots.size === 0 ? ['no hosts in the fleet'] : summarize(tally);
      return { placements, unplaced: count - i, reasons, considered };
    }
    fleet.hold({ hostId: best.s.id, setId: r.setId, sla: r.sla, res: r.res });
    placements.push({ hostId: best.s.id, scheme: best.scheme, score: best.score });
  }
  return { placements, unplaced: 0, reasons: [], considered };
}

/** Gives back what `place` held (dry runs, failed commits). */
export function unplace(fleet: Fleet, r: PlacementRequest, placements: Placement[]): void {
  for (const p of placements) fleet.release({ hostId: p.hostId, setId: r.setId, sla: r.sla, res: r.res });
}
