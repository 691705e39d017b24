// Percentiles of one series by the NEAREST-RANK method: the p-th percentile of
// n samples is the k-th smallest, k = ceil(p/100 x n) (at least 1). Always a
// sample that occurred (no interpolation), so "p95 cpu 1.98" is an hour that
// happened. Found with quickselect instead of a sort: the analysis runs over
// 100k VMs x 720 hours, where a sort per VM is the cost that matters.
import type { Percentiles } from '../../../common/model/reclass.js';

export const ZERO_PERCENTILES: Percentiles = { p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };

/** 0-based index of the nearest-rank p-th percentile among n samples (n >= 1). */
export const rankIndex = (p: number, n: number): number => Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1));

/**
 * Rearranges a[lo..hi] so a[k] holds the value it would hold sorted, everything
 * left of k is <= it and everything right of it >= it (Hoare partition,
 * median-of-three pivot: sorted or constant input stays linear).
 */
export function quickselect(a: Float64Array, k: number, lo = 0, hi = a.length - 1): number {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    const x = a[lo]!;
    const y = a[mid]!;
    const z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k]!;
}

let scratch = new Float64Array(1024);

/**
 * p50/p95/p99/max/mean of `values` (left untouched; NaN-free). Each select
 * starts where the previous one ended: after selecting rank k, everything
 * right of k is >= it, so the higher ranks are found in that tail only.
 */
export function percentilesOf(values: Float64Array): Percentiles {
  const n = values.length;
  if (n === 0) return { ...ZERO_PERCENTILES };
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2));
  const a = scratch.subarray(0, n);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[i] = values[i]!; // copy and sum in one pass
  const k50 = rankIndex(50, n);
  const k95 = rankIndex(95, n);
  const k99 = rankIndex(99, n);
  const p50 = quickselect(a, k50, 0, n - 1);
  const p95 = quickselect(a, k95, k50, n - 1);
  const p99 = quickselect(a, k99, k95, n - 1);
  let max = p99;
  for (let i = k99 + 1; i < n; i++) if (a[i]! > max) max = a[i]!;
  return { p50, p95, p99, max, mean: sum / n };
}
