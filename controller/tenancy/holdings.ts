// What a tenant still holds: a tenant is deleted (Tenants.remove) only when
// nothing refers to it any more: no VM that is not destroyed, no set that is
// not retired, no API token that still works, no reserved quota.
import type { Store } from '../../common/store/index.js';
import type { SetRecord, TokenRecord, VmRecord } from '../model/index.js';
import { VMS, VMS_BY_TENANT } from '../vms/registry.js';
import { SETS, SETS_BY_TENANT } from '../planner/sets.js';
import { TOKENS, TOKENS_BY_TENANT } from '../auth/tokens.js';
import type { Tenant } from './tenants.js';

/** Index entries read per kind; past it the count reads "N+" (the answer is no anyway). */
export const HOLDINGS_SCAN_MAX = 10_000;

export interface Holdings {
  vms: number;
  sets: number;
  tokens: number;
  /** Some count stopped at HOLDINGS_SCAN_MAX. */
  more: boolean;
}

async function countLive<T>(
  store: Store,
  index: string,
  coll: string,
  tenant: string,
  live: (v: T) => boolean,
): Promise<{ n: number; more: boolean }> {
  const prefix = `${tenant}/`;
  let n = 0;
  let scanned = 0;
  for await (const { key } of store.scan(index, { prefix })) {
    if (++scanned > HOLDINGS_SCAN_MAX) return { n, more: true };
    const r = await store.get<T>(coll, key.slice(prefix.length));
    if (r && live(r.value)) n++;
  }
  return { n, more: false };
}

export async function holdings(store: Store, tenant: string, now: number): Promise<Holdings> {
  const vms = await countLive<VmRecord>(store, VMS_BY_TENANT, VMS, tenant, (v) => v.state !== 'destroyed');
  const sets = await countLive<SetRecord>(store, SETS_BY_TENANT, SETS, tenant, (s) => s.state !== 'retired');
  const tokens = await countLive<TokenRecord>(
    store,
    TOKENS_BY_TENANT,
    TOKENS,
    tenant,
    (t) => !t.revoked && !(t.expiresUnixMs && t.expiresUnixMs <= now),
  );
  return { vms: vms.n, sets: sets.n, tokens: tokens.n, more: vms.more || sets.more || tokens.more };
}

/** What stops the delete, in words; '' when nothing does. Pure. */
export function remaining(h: Holdings, t: Tenant): string {
  const plus = h.more ? '+' : '';
  const parts = [
    h.vms ? `${h.vms}${plus} vm(s) not destroyed` : '',
    h.sets ? `${h.sets}${plus} set(s) not retired` : '',
    h.tokens ? `${h.tokens}${plus} API token(s) not revoked` : '',
    t.usage.vcpus || t.usage.memoryBytes || t.usage.vms || t.usage.images ? 'reserved quota' : '',
  ].filter(Boolean);
  return parts.join(', ');
}

/** What keeps `t` from being deleted, in words ('' = nothing): for Tenants.remove. */
export async function whatRemains(store: Store, t: Tenant, now: number): Promise<string> {
  return remaining(await holdings(store, t.name, now), t);
}
