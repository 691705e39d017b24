// Inventory hash: the agent resends its inventory only when this changes, so
// it must ignore values that move on an idle machine.
import { createHash } from 'node:crypto';
import type { Inventory } from '../../common/gen/nephele/v1/Inventory.js';

/**
 * A copy of `inv` with the volatile fields reset to their proto defaults:
 * memory and filesystem availability, the collection time, the hash itself and
 * the CPU speed (systeminformation falls back to the *current* clock frequency
 * when the model name carries no "@ x GHz", which moves with frequency scaling).
 */
export function stableView(inv: Inventory): Inventory {
  return {
    ...inv,
    cpu: inv.cpu ? { ...inv.cpu, speedGhz: 0 } : inv.cpu,
    memory: inv.memory ? { ...inv.memory, availableBytes: 0 } : inv.memory,
    filesystems: inv.filesystems?.map((f) => ({ ...f, availableBytes: 0 })),
    hash: '',
    collectedUnixMs: 0,
  };
}

/** JSON with object keys sorted recursively; undefined members are dropped like JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}

/** sha256 over the canonical JSON of the stable view; first 16 bytes, hex (32 chars). */
export function computeHash(inv: Inventory): string {
  return createHash('sha256')
    .update(canonicalJson(stableView(inv)))
    .digest('hex')
    .slice(0, 32);
}
