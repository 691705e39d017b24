import type { UsageRecord } from './model.js';

// Demand of an app (or a source set) from its metered records: at each metering
// instant, the VMs running then and their vCPUs and memory; the percentile of
// those over the window, and the peak VM count. Pure: decided here, acted on in
// backup-plan.ts.

/** What demand needs of a record (kept small: a window may hold many). */
export type Sample = Pick<
  UsageRecord,
  'startUnixMs' | 'endUnixMs' | 'vcpus' | 'memoryMib' | 'scheme' | 'vmClass' | 'app' | 'setId' | 'tenant' | 'userGroup'
>;

export interface VmShape {
  scheme: string;
  vcpus: number;
  memoryMib: number;
  vmClass: string;
}

export interface Demand {
  /** `app:<app>` or `set:<source set id>`. */
  key: string;
  app: string;
  sourceSetId: string;
  pVcpus: number;
  pMemoryMib: number;
  peakVms: number;
  vmCount: number;
  spec: VmShape;
  userGroup: string;
  tenant: string;
  /** Metering instants the percentile was taken over. */
  instants: number;
}

/** Nearest-rank percentile (p in (0, 100]): the smallest value with at least p % of values at or below it. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Concurrency at each metering instant (the distinct interval starts): the
 * records whose interval [start, end) covers it. A sweep over starts and ends,
 * ends first at equal times (an interval ending at t is not running at t).
 */
export function concurrency(samples: readonly Sample[]): { vms: number; vcpus: number; memoryMib: number }[] {
  type Ev = { t: number; d: 1 | -1; s: Sample };
  const evs: Ev[] = [];
  for (const s of samples) evs.push({ t: s.startUnixMs, d: 1, s }, { t: s.endUnixMs, d: -1, s });
  evs.sort((a, b) => a.t - b.t || a.d - b.d);
  const out: { vms: number; vcpus: number; memoryMib: number }[] = [];
  const now = { vms: 0, vcpus: 0, memoryMib: 0 };
  for (let i = 0; i < evs.length;) {
    const t = evs[i]!.t;
    let started = false;
    for (; i < evs.length && evs[i]!.t === t; i++) {
      const e = evs[i]!;
      now.vms += e.d;
      now.vcpus += e.d * e.s.vcpus;
      now.memoryMib += e.d * e.s.memoryMib;
      if (e.d === 1) started = true;
    }
    if (started) out.push({ ...now });
  }
  return out;
}

/** The most common shape by records; ties go to the larger one (a backup errs on the side of room). */
export function commonShape(samples: readonly Sample[]): VmShape {
  const counts = new Map<string, { shape: VmShape; n: number }>();
  for (const s of samples) {
    const k = `${s.scheme}/${s.vcpus}/${s.memoryMib}/${s.vmClass}`;
    const c = counts.get(k);
    if (c) c.n++;
    else
      counts.set(k, { shape: { scheme: s.scheme, vcpus: s.vcpus, memoryMib: s.memoryMib, vmClass: s.vmClass }, n: 1 });
  }
  let best: { shape: VmShape; n: number } | undefined;
  for (const c of counts.values()) {
    if (
      !best ||
      c.n > best.n ||
      (c.n === best.n && (c.shape.vcpus > best.shape.vcpus || c.shape.memoryMib > best.shape.memoryMib))
    )
      best = c;
  }
  return best!.shape;
}

/** ceil, forgiving the float noise of x × (1 + headroom) (5 × 1.2 is 6.000000000000001). */
export const ceilClean = (x: number): number => Math.ceil(Math.round(x * 1e9) / 1e9);

/** VMs of `spec` that carry the demand with headroom: ceil(max(vCPU ratio, memory ratio) × (1 + headroom)), at least 1. */
export function vmCountFor(pVcpus: number, pMemoryMib: number, spec: VmShape, headroom: number): number {
  return Math.max(1, ceilClean(Math.max(pVcpus / spec.vcpus, pMemoryMib / spec.memoryMib) * (1 + headroom)));
}

const most = (xs: string[]): string => {
  const n = new Map<string, number>();
  let best = '';
  for (const x of xs) {
    n.set(x, (n.get(x) ?? 0) + 1);
    if (n.get(x)! > (n.get(best) ?? 0)) best = x;
  }
  return best;
};

/** Demands per app (records without an app, or when `bySet`: per source set), sorted by key. */
export function demands(
  samples: readonly Sample[],
  o: { percentile: number; headroom: number; bySet: boolean },
): Demand[] {
  const groups = new Map<string, Sample[]>();
  for (const s of samples) {
    const key = !o.bySet && s.app ? `app:${s.app}` : `set:${s.setId}`;
    const g = groups.get(key);
    if (g) g.push(s);
    else groups.set(key, [s]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, g]) => {
      const at = concurrency(g);
      const pVcpus = percentile(
        at.map((x) => x.vcpus),
        o.percentile,
      );
      const pMemoryMib = percentile(
        at.map((x) => x.memoryMib),
        o.percentile,
      );
      const spec = commonShape(g);
      return {
        key,
        app: key.startsWith('app:') ? key.slice(4) : most(g.map((s) => s.app)),
        sourceSetId: key.startsWith('set:') ? key.slice(4) : '',
        pVcpus,
        pMemoryMib,
        peakVms: Math.max(0, ...at.map((x) => x.vms)),
        vmCount: vmCountFor(pVcpus, pMemoryMib, spec, o.headroom),
        spec,
        userGroup: most(g.map((s) => s.userGroup)),
        tenant: most(g.map((s) => s.tenant)),
        instants: at.length,
      };
    });
}
