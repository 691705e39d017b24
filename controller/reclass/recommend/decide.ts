// What to recommend for one VM (pure): its candidates simulated and ranked,
// filtered by anti-noise, the best checked against the tenant's quota. The
// caller reads everything first and writes the outcome after (decide, then act).
import type { Quota } from '../../tenancy/tenants.js';
import type { ClassRecord, RecommendationRecord, ReclassHistory, VmAnalysisModel } from '../../model/reclass.js';
import type { UsageSeries } from '../ports.js';
import {
  biggestHost,
  candidates,
  customDraft,
  withinManifest,
  type HostView,
  type PeerOffer,
  type PoolVm,
} from './candidates.js';
import { clearsDeadBand, inCoolDown, pressure, sameTarget, type Change } from './noise.js';
import { priceNow, rank, riskPct, simulate, type Pricing, type Simulated } from './simulate.js';

export interface DecideInput {
  a: VmAnalysisModel;
  series: UsageSeries | undefined;
  hosts: HostView[];
  classes: ClassRecord[];
  pool: PoolVm[];
  peers: PeerOffer[];
  /** Headroom bar, % (0, 100). */
  bar: number;
  pricing: Pricing;
  history: ReclassHistory;
  /** Size changes applied to the VM (history and applied recommendations), newest last. */
  changes: Change[];
  /** The VM's current open or scheduled recommendation. */
  open?: RecommendationRecord;
  /** The tenant's quota and what it holds; undefined = no quota known (nothing to check). */
  tenant?: { quota: Quota; usage: Quota };
  now: number;
}

export type Decision =
  | { outcome: 'insufficient' }
  | { outcome: 'none'; why: string; history: ReclassHistory }
  | { outcome: 'unchanged'; recId: string; history: ReclassHistory }
  | {
      outcome: 'recommend';
      best: Simulated;
      /** Best first, at most MAX_CANDIDATES. */
      ranked: Simulated[];
      applicable: boolean;
      reason: string;
      history: ReclassHistory;
    };

export const MAX_CANDIDATES = 10;
const MIB = 1024 * 1024;

/** Why applying would exceed the tenant's quota ('' = it fits), in the words admission uses. */
export function quotaReason(
  t: { quota: Quota; usage: Quota } | undefined,
  s: Pick<Simulated, 'kind' | 'target'>,
  vm: { vcpus: number; memoryMib: number },
): string {
  if (!t || s.kind === 'reassign') return '';
  // A resize or move changes the size in place; a new VM holds both until the old one is retired.
  const whole = s.kind === 'new_vm';
  const demand = {
    vcpus: whole ? s.target.vcpus : Math.max(0, s.target.vcpus - vm.vcpus),
    memoryBytes: (whole ? s.target.memoryMib : Math.max(0, s.target.memoryMib - vm.memoryMib)) * MIB,
    vms: whole ? 1 : 0,
  };
  for (const [k, name] of [
    ['vcpus', 'vcpus'],
    ['memoryBytes', 'memory_bytes'],
    ['vms', 'vms'],
  ] as const) {
    const limit = t.quota[k];
    if (limit > 0 && demand[k] > 0 && t.usage[k] + demand[k] > limit)
      return `quota ${name} exceeded: ${demand[k]} requested, ${Math.max(0, limit - t.usage[k])} of ${limit} left`;
  }
  return '';
}

export function decide(i: DecideInput): Decision {
  const { a, bar } = i;
  if (!a.usage.sufficient) return { outcome: 'insufficient' };
  const biggest = biggestHost(i.hosts);
  const p = pressure(
    a,
    a.usage,
    i.history,
    { vcpus: i.classes.map((c) => c.vcpus), memoryMib: i.classes.map((c) => c.memoryMib) },
    biggest,
    i.now,
  );
  const cin = { ...i, minVcpus: p.minVcpus, minMemoryMib: p.minMemoryMib };
  const prices = new Map(i.classes.map((c) => [c.name, i.pricing.price(c)]));
  const nowPrice = priceNow(a, prices.get(a.vmClass), i.pricing);
  const sim = (d: ReturnType<typeof candidates>[number]) =>
    simulate(a, i.series, d, {
      bar,
      nowPrice,
      pricing: i.pricing,
      targetPrice:
        d.target.kind === 'vm'
          ? 0
          : d.target.kind === 'peer_vm'
            ? (i.peers.find((o) => o.peer === d.target.peer && o.vmId === d.target.vmId)?.pricePerHour ?? 0)
            : (prices.get(d.target.vmClass) ??
              i.pricing.price({
                name: d.target.vmClass,
                vcpus: d.target.vcpus,
                memoryMib: d.target.memoryMib,
                pricePerHour: 0,
              })),
    });
  let sims = candidates(cin).map(sim);
  if (!sims.some((s) => s.fits && s.applicable)) {
    const c = customDraft(cin);
    if (c) sims.push(sim(c));
  }
  // Where the VM stands now: the bar, its host's features, the manifest, new pressure.
  const host = i.hosts.find((h) => h.id === a.hostId);
  const required = a.manifest?.requiredFeatures ?? [];
  const needs: string[] = [];
  if (!host || !required.every((f) => host.features.includes(f))) needs.push('missing feature');
  if ((a.usage.cpuVcpus.p95 / a.vcpus) * 100 > bar || (a.usage.memoryMib.p95 / a.memoryMib) * 100 > bar)
    needs.push('above the bar');
  if (!withinManifest(a.manifest, a)) needs.push('outside the manifest');
  if (p.oom || p.throttled) needs.push('pressure');
  const pressured = p.oom || p.throttled;
  sims = sims.filter((s) => pressured || !inCoolDown(s.target, i.changes, i.now));
  if (needs.length) {
    const fitting = sims.filter((s) => s.fits);
    // Nothing fits (e.g. bounded by the biggest host): a step that lowers the risk still helps.
    const p95 = { cpu: a.usage.cpuVcpus.p95, memoryMib: a.usage.memoryMib.p95 };
    const riskNow = riskPct(i.series, a, { cpu: 0, memoryMib: 0 }, bar, p95);
    sims = fitting.length
      ? fitting
      : sims.filter(
          (s) => s.benefit.riskPct < riskNow || (needs[0] === 'missing feature' && s.benefit.riskPct <= riskNow),
        );
  } else {
    sims = sims.filter((s) => s.fits && s.benefit.costDeltaPerMonth < 0 && clearsDeadBand(s, a, bar));
  }
  const ranked = rank(sims).slice(0, MAX_CANDIDATES);
  const best = ranked[0];
  if (!best) return { outcome: 'none', why: needs.length ? `${needs.join(', ')}: no target` : 'fits', history: p.next };
  if (i.open && i.open.kind === best.kind && sameTarget(i.open.target, best.target))
    return { outcome: 'unchanged', recId: i.open.id, history: p.next };
  const quota = best.applicable ? quotaReason(i.tenant, best, a) : '';
  return {
    outcome: 'recommend',
    best,
    ranked,
    applicable: best.applicable && !quota,
    reason: best.applicable ? quota : best.note,
    history: p.next,
  };
}
