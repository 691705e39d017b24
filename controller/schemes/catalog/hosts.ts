import type { Store } from '../../../common/store/index.js';
import type { HostRecord } from '../../model/host.js';
import { HOSTS } from '../../hosts/registry.js';

// Which hosts offer each scheme: a host's `schemes` are what its agent reported
// healthy in its fingerprint (drivers whose probe failed are left out by the agent).
// Only hosts that are ready and not revoked count. The scan is bounded; ids are
// capped per scheme (the count is not).

export const MAX_HOST_IDS = 100;
export const MAX_HOSTS_SCANNED = 20_000;

export interface Offering {
  ids: string[];
  count: number;
}

export async function offeringHosts(store: Store): Promise<Map<string, Offering>> {
  const out = new Map<string, Offering>();
  for await (const e of store.scan<HostRecord>(HOSTS, { limit: MAX_HOSTS_SCANNED })) {
    const h = e.value;
    if (h.revoked || h.state !== 'ready') continue;
    for (const s of h.schemes ?? []) {
      const o = out.get(s) ?? { ids: [], count: 0 };
      o.count++;
      if (o.ids.length < MAX_HOST_IDS) o.ids.push(h.id);
      out.set(s, o);
    }
  }
  return out;
}
