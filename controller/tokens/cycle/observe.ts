// What an update cycle reads of the world before each decision: the two sets
// (through the CycleSets seam: the planner and its records), and the
// management tokens made for the cycle (their records in the store).
import type { Store } from '../../../common/store/index.js';
import { MGMT_BY_SET, MGMT_TOKENS, SETS_BY_IMAGE, type CycleRecord, type ManagementRecord } from '../../model/index.js';
import type { SetRecord, VmRecord } from '../../model/index.js';
import type { Planner } from '../../planner/planner.js';
import { SETS, vmsOfSet } from '../../planner/sets.js';
import type { VmRegistry } from '../../vms/registry.js';
import type { Observations } from './decide.js';

/** The planner's operations an update cycle uses (tests use an in-memory fake). */
export interface CycleSets {
  /** The set's record, or undefined when it does not exist. */
  get(setId: string): Promise<SetRecord | undefined>;
  /** Its members (bounded by the set's count and the planner's limits). */
  members(setId: string): Promise<VmRecord[]>;
  scale(setId: string, count: number, scope: string): Promise<void>;
  retire(setId: string, why: string, scope: string): Promise<void>;
  /**
   * Destroys a member so its set puts a fresh one in its place (the planner replaces a member lost
   * by hand): a management instance reconfigured by a reverted cycle must not serve the changes.
   */
  replace(vmId: string, why: string): Promise<void>;
  /** Sets cloned from the image (SETS_BY_IMAGE), at most `limit`. */
  clonedFrom(imageId: string, limit: number): Promise<string[]>;
}

/** The real seam: the planner for changes, its records for reads. */
export function plannerSets(
  store: Store,
  planner: Pick<Planner, 'scale' | 'retire'>,
  vms: Pick<VmRegistry, 'setDesired'>,
): CycleSets {
  return {
    get: async (id) => (await store.get<SetRecord>(SETS, id))?.value,
    members: async (id) => (await vmsOfSet(store, id)).map((r) => r.vm),
    scale: async (id, count, scope) => void (await planner.scale(id, count, scope)),
    retire: async (id, why, scope) => void (await planner.retire(id, why, scope)),
    replace: async (vmId, why) =>
      void (await vms.setDesired(
        vmId,
        undefined,
        (vm) => (vm.desired === 'destroyed' ? undefined : { desired: 'destroyed' }),
        (vm) => ({
          type: 'vm.destroy_requested',
          message: `vm destroyed: ${why}`,
          tenant: vm.tenant,
          attributes: { vm_id: vm.id, set_id: vm.setId },
        }),
      )),
    clonedFrom: async (imageId, limit) => {
      const prefix = `${imageId}\x00`;
      const out: string[] = [];
      for await (const { key } of store.scan(SETS_BY_IMAGE, { prefix, limit })) out.push(key.slice(prefix.length));
      return out;
    },
  };
}

/** Tokens of one set looked at when the cycle's own token id was never recorded (begin interrupted). */
const TOKEN_SCAN = 64;

/** A live token made for this cycle: its recorded one, or one begun for it whose id was never recorded. */
export async function liveTokenOf(store: Store, c: CycleRecord): Promise<string> {
  if (c.tokenId) return (await store.get<ManagementRecord>(MGMT_TOKENS, c.tokenId))?.value.live ? c.tokenId : '';
  const prefix = `${c.setId}\x00`;
  const ids: string[] = [];
  // Newest first: a cycle's token is one of the set's last ones (ULIDs sort by time).
  for await (const { key } of store.scan(MGMT_BY_SET, { prefix, reverse: true, limit: TOKEN_SCAN }))
    ids.push(key.slice(prefix.length));
  const recs = await store.getMany<ManagementRecord>(MGMT_TOKENS, ids);
  return recs.find((r) => r?.value.live && r.value.cycleId === c.id)?.value.tokenId ?? '';
}

export interface Seen {
  obs: Observations;
  prior?: SetRecord;
}

/** Everything decide() needs, read fresh. `memory`: what only this process knows (token, probes). */
export async function observe(
  store: Store,
  sets: CycleSets,
  c: CycleRecord,
  memory: { haveToken: boolean; probedOk: ReadonlySet<string> },
): Promise<Seen> {
  const seeSet = async (id: string) => {
    const set = id ? await sets.get(id) : undefined;
    return set && { set, seen: { state: set.state, count: set.count, members: await sets.members(id) } };
  };
  const prior = await seeSet(c.setId);
  const newSetId = c.newSetId || (c.imageId ? ((await sets.clonedFrom(c.imageId, 1))[0] ?? '') : '');
  const fresh = await seeSet(newSetId);
  return {
    prior: prior?.set,
    obs: {
      prior: prior?.seen,
      newSetId,
      newSet: fresh?.seen,
      liveTokenId: await liveTokenOf(store, c),
      haveToken: memory.haveToken,
      probedOk: memory.probedOk,
    },
  };
}
