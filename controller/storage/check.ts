import { isSentinel, type SentinelState } from './sentinel.js';

// Whether the controller may start on the store it found: a pure decision
// over the sentinel and a few facts read from the store.

export interface StoreFacts {
  /** meta/store_id, when the store has one. */
  id?: string;
  /** Last event sequence the store holds. */
  eventSeq: number;
  hasTokens: boolean;
}

export type Verdict =
  /** Nothing here yet: initialise the store and the sentinel, write the bootstrap admin token. */
  | { action: 'fresh' }
  /** A store from before sentinels (or whose sentinel was deleted): write one from the store. */
  | { action: 'adopt' }
  | { action: 'ok' }
  | { action: 'refuse'; problem: string }
  /** The store lost data and the operator said to go on with what is left. */
  | { action: 'accept'; problem: string };

export function isEmpty(f: StoreFacts): boolean {
  return !f.id && f.eventSeq === 0 && !f.hasTokens;
}

export function checkStore(
  sentinel: SentinelState,
  f: StoreFacts,
  o: { adminTokenExists: boolean; acceptLoss: boolean },
): Verdict {
  const problem = problemOf(sentinel, f, o.adminTokenExists);
  if (problem === undefined) {
    if (sentinel === undefined) return isEmpty(f) ? { action: 'fresh' } : { action: 'adopt' };
    return { action: 'ok' };
  }
  return o.acceptLoss ? { action: 'accept', problem } : { action: 'refuse', problem };
}

function problemOf(sentinel: SentinelState, f: StoreFacts, adminTokenExists: boolean): string | undefined {
  if (sentinel === undefined) {
    // admin.token is written only after the store was initialised: with it, this is no fresh install.
    if (isEmpty(f) && adminTokenExists)
      return 'the store is empty and there is no store.sentinel, but admin.token exists: this installation lost its store';
    return undefined;
  }
  if (!isSentinel(sentinel)) return `store.sentinel cannot be read (${sentinel.unreadable})`;
  const was = `the sentinel records store ${sentinel.storeId}, initialised ${new Date(sentinel.initializedUnixMs).toISOString()}, holding events up to ${sentinel.eventSeq}`;
  if (!f.id) return `the store is ${isEmpty(f) ? 'empty' : 'missing its identity (meta/store_id)'}, but ${was}`;
  if (f.id !== sentinel.storeId) return `the store is ${f.id}, another one than ${was}`;
  if (f.eventSeq < sentinel.eventSeq)
    return `the store is behind its sentinel: it holds events up to ${f.eventSeq}, but ${was}`;
  return undefined;
}

/** What the operator reads when the controller refuses to start. */
export function refusalMessage(problem: string, dataDir: string): string {
  return [
    `refusing to start: ${problem}.`,
    `The store in ${dataDir}/store has lost data (a damaged LevelDB, a deleted or replaced store directory, or a restore from an older backup). Starting on it would serve a fleet that forgot hosts, tenants, VMs and tokens.`,
    `To recover: restore ${dataDir}/store (and ${dataDir}/store.sentinel with it) from a backup and start again.`,
    `To accept the loss and go on with what the store still holds (a damaged LevelDB is repaired first): start once with --accept-store-loss; the sentinel is then re-initialised.`,
    `The controller wrote nothing: admin.token and the store's records are as they were.`,
  ].join('\n');
}
