// The benefit simulation (pure): the window's hourly usage replayed on a
// candidate target — projected p95 of the target's vCPUs and memory, risk (the
// share of hours that would have crossed the headroom bar), cost now and on the
// target, moves — and the ranking: fitting first, then lower risk, then the
// bigger saving, then fewer moves.
import type { BenefitModel, CandidateModel, VmAnalysisModel } from '../../model/reclass.js';
import type { UsageSeries } from '../ports.js';
import type { Draft } from './candidates.js';

/** Hours in a month, for cost_delta_per_month. */
export const HOURS_PER_MONTH = 730;

/** Prices a size: Catalog.pricePerHour with the current rate card bound in. */
export interface Pricing {
  price(c: { name: string; vcpus: number; memoryMib: number; pricePerHour: number }): number;
  currency: string;
  rateCardVersion: number;
}

export interface Simulated extends CandidateModel {
  applicable: boolean;
  note: string;
}

const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

/**
 * Share of hours (in %) in which the VM's load plus `base` would have been above
 * `bar` % of the target's vCPUs or memory. No series: judged by the p95 alone.
 */
export function riskPct(
  s: UsageSeries | undefined,
  t: { vcpus: number; memoryMib: number },
  base: { cpu: number; memoryMib: number },
  bar: number,
  p95: { cpu: number; memoryMib: number },
): number {
  const n = s?.cpuVcpus.length ?? 0;
  if (!s || n === 0)
    return (p95.cpu + base.cpu) / t.vcpus > bar / 100 || (p95.memoryMib + base.memoryMib) / t.memoryMib > bar / 100
      ? 100
      : 0;
  const cpuBar = (t.vcpus * bar) / 100 - base.cpu;
  const memBar = (t.memoryMib * bar) / 100 - base.memoryMib;
  let over = 0;
  for (let h = 0; h < n; h++) if (s.cpuVcpus[h]! > cpuBar || s.memoryMib[h]! > memBar) over++;
  return (over / n) * 100;
}

/** The VM's own price per hour now: its class's (Catalog.pricePerHour), else the rate card's for its size. */
export const priceNow = (a: VmAnalysisModel, classPrice: number | undefined, p: Pricing): number =>
  classPrice ?? p.price({ name: a.vmClass, vcpus: a.vcpus, memoryMib: a.memoryMib, pricePerHour: 0 });

/**
 * One candidate replayed. `targetPrice`: the target class's price per hour (a
 * reassignment costs nothing more: the target already runs and the source goes).
 */
export function simulate(
  a: VmAnalysisModel,
  s: UsageSeries | undefined,
  d: Draft,
  o: { bar: number; nowPrice: number; targetPrice: number; pricing: Pricing },
): Simulated {
  const t = d.target;
  const p95 = { cpu: a.usage.cpuVcpus.p95, memoryMib: a.usage.memoryMib.p95 };
  const cpuPct = ((p95.cpu + d.baseCpu) / t.vcpus) * 100;
  const memPct = ((p95.memoryMib + d.baseMemoryMib) / t.memoryMib) * 100;
  const risk = riskPct(s, t, { cpu: d.baseCpu, memoryMib: d.baseMemoryMib }, o.bar, p95);
  const fits = cpuPct <= o.bar && memPct <= o.bar;
  const benefit: BenefitModel = {
    projectedCpuP95Pct: round(cpuPct),
    projectedMemoryP95Pct: round(memPct),
    headroomTargetPct: o.bar,
    riskPct: round(risk),
    costPerHourNow: o.nowPrice,
    costPerHourTarget: o.targetPrice,
    costDeltaPerMonth: (o.targetPrice - o.nowPrice) * HOURS_PER_MONTH,
    currency: o.pricing.currency,
    rateCardVersion: o.pricing.rateCardVersion,
    moves: d.moves,
    score: 0,
  };
  return {
    kind: d.kind,
    target: t,
    benefit,
    fits,
    explanation: explain(a, d, benefit, s?.cpuVcpus.length ?? a.usage.dataHours),
    applicable: d.applicable,
    note: d.note,
  };
}

const money = (v: number, cur: string) => `${v.toFixed(2)}${cur ? ' ' + cur : ''}`;

/** In words with the numbers, e.g. "resize to large (4 vCPUs, 8192 MiB): p95 cpu 3.60 vCPUs → 90% ...". */
export function explain(a: VmAnalysisModel, d: Draft, b: BenefitModel, hours: number): string {
  const t = d.target;
  const what =
    t.kind === 'vm'
      ? `reassign onto VM ${t.vmId}`
      : t.kind === 'peer_vm'
        ? `reassign onto peer ${t.peer}'s VM ${t.vmId} (${d.note})`
        : `${d.kind.replace('_', ' ')} to ${t.vmClass || 'its size'}${t.hostId && d.kind !== 'resize' ? ` on host ${t.hostId}` : ''}`;
  const delta = b.costDeltaPerMonth;
  return (
    `${what} (${t.vcpus} vCPUs, ${t.memoryMib} MiB): p95 cpu ${a.usage.cpuVcpus.p95.toFixed(2)} of ${a.vcpus} vCPUs now, ` +
    `projected ${b.projectedCpuP95Pct}% cpu and ${b.projectedMemoryP95Pct}% memory (bar ${b.headroomTargetPct}%); ` +
    `${b.riskPct}% of ${hours} h over the bar; cost ${money(b.costPerHourNow, '')} → ${money(b.costPerHourTarget, b.currency)}/h ` +
    `(${delta <= 0 ? '' : '+'}${money(delta, b.currency)}/month); ${b.moves} move(s)`
  );
}

/** Fitting first, then lower risk, then the bigger saving, then fewer moves; ties by target for a stable order. */
export function compare(x: Simulated, y: Simulated): number {
  return (
    Number(y.fits) - Number(x.fits) ||
    x.benefit.riskPct - y.benefit.riskPct ||
    x.benefit.costDeltaPerMonth - y.benefit.costDeltaPerMonth ||
    x.benefit.moves - y.benefit.moves ||
    Number(y.applicable) - Number(x.applicable) ||
    key(x).localeCompare(key(y))
  );
}

const key = (c: Simulated) => `${c.target.kind}/${c.target.vmClass}/${c.target.vmId}/${c.target.hostId}`;

/** Ranked, best first, with scores (n for the best down to 1). */
export function rank(cs: Simulated[]): Simulated[] {
  const out = [...cs].sort(compare);
  out.forEach((c, i) => (c.benefit.score = out.length - i));
  return out;
}
