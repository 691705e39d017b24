// What a host offers as features (issue 15), matched against classes' and
// manifests' required features. One rule, used by the analysis, the candidates
// and the planner's `features` constraint alike.
import type { HostRecord } from '../../model/index.js';
import { FEATURE_RE } from './catalog.js';

/** Features one host may offer at most (CPU flags are many; hostile inventories more). */
export const MAX_HOST_FEATURES = 512;
const TRUE_RE = /^(true|yes|1)$/i;

/**
 * Labels whose value is true/yes/1 (secure-os=true → secure-os), the names in a
 * `features` label (comma list), the inventory's CPU flags (lower-cased), and
 * `gpu` by label only: the inventory reports no GPUs (yet). Sorted, unique,
 * each a valid feature name, at most MAX_HOST_FEATURES.
 */
export function hostFeatures(host: Pick<HostRecord, 'labels' | 'inventory'>): string[] {
  const out = new Set<string>();
  const add = (f: string) => {
    const x = f.trim().toLowerCase();
    if (out.size < MAX_HOST_FEATURES && FEATURE_RE.test(x)) out.add(x);
  };
  for (const [k, v] of Object.entries(host.labels ?? {})) {
    if (k === 'features') String(v).split(',').slice(0, 64).forEach(add);
    else if (TRUE_RE.test(String(v))) add(k);
  }
  const flags = host.inventory?.cpu?.flags ?? [];
  for (let i = 0; i < flags.length && i < MAX_HOST_FEATURES * 4 && out.size < MAX_HOST_FEATURES; i++)
    if (typeof flags[i] === 'string') add(flags[i]!);
  return [...out].sort();
}
