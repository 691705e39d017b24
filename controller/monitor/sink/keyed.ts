import type { MirrorEntry } from '../ports.js';

/** The item's key in the external store: vm id for a row, action id for an action. */
export const keyOf = (e: MirrorEntry): string => (e.item.kind === 'appliance' ? e.item.row.vmId : e.item.action.id);

/** Per kind, the entry with the highest seq of each key (one upsert may not touch a row twice). */
export function newestByKey(entries: MirrorEntry[]): { appliances: MirrorEntry[]; actions: MirrorEntry[] } {
  const rows = new Map<string, MirrorEntry>();
  const actions = new Map<string, MirrorEntry>();
  for (const e of entries) {
    const m = e.item.kind === 'appliance' ? rows : actions;
    const k = keyOf(e);
    const cur = m.get(k);
    if (!cur || cur.seq < e.seq) m.set(k, e);
  }
  return { appliances: [...rows.values()], actions: [...actions.values()] };
}
