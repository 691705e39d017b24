import { existsSync } from 'node:fs';
import { readFile, rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ulid } from '../../common/ids.js';
import {
  LevelStore,
  META,
  StoreOpenError,
  levelErrorKind,
  levelReason,
  put,
  runMigrations,
  type Migration,
} from '../../common/store/index.js';
import type { Logger } from '../../common/logger.js';
import { storedEventSeq } from '../events/log.js';
import { TOKENS } from '../auth/tokens.js';
import { checkStore, refusalMessage, type StoreFacts } from './check.js';
import { isSentinel, readSentinel, STORE_ID_KEY } from './sentinel.js';

/** The controller cannot start; the message tells the operator why and what to do, and is printed as is. */
export class StartupError extends Error {
  constructor(
    message: string,
    readonly reason: 'in-use' | 'no-space' | 'store-lost' | 'no-installation' | 'other' = 'other',
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

export const PID_FILE = 'controller.pid';

export interface OpenedStore {
  store: LevelStore;
  storeId: string;
  initializedUnixMs: number;
  verdict: 'fresh' | 'adopt' | 'ok' | 'accept';
  /** What was lost, when the operator accepted it. */
  problem?: string;
  /** The sentinel's sequence when the loss was accepted. */
  sentinelSeq?: number;
  storeSeq: number;
}

interface StoreIdentity {
  id: string;
  initializedUnixMs: number;
}

/**
 * Opens the controller's store and checks it against its sentinel before
 * anything is written: a locked, full, corrupt or shrunken store stops the
 * start with a StartupError telling the operator what to do.
 */
export async function openControllerStore(
  dataDir: string,
  o: {
    acceptLoss: boolean;
    migrations: Migration[];
    log: Logger;
    purpose: string;
    now?: () => number;
    existingOnly?: boolean;
  },
): Promise<OpenedStore> {
  const path = join(dataDir, 'store');
  const now = o.now ?? Date.now;
  let repaired = false;
  let store = await openOrExplain(dataDir, path, o.acceptLoss, o.log);
  let facts: StoreFacts & { identity?: StoreIdentity };
  for (;;) {
    try {
      facts = await readFacts(store);
      break;
    } catch (e) {
      await store.close();
      if (levelErrorKind(e) !== 'corrupt') throw e;
      if (!o.acceptLoss || repaired)
        throw new StartupError(
          refusalMessage(`the store at ${path} is corrupt (${levelReason(e)})`, dataDir),
          'store-lost',
        );
      store = await repairAndOpen(path, e, o.log);
      repaired = true;
    }
  }
  const sentinel = await readSentinel(dataDir);
  const verdict = checkStore(sentinel, facts, {
    adminTokenExists: existsSync(join(dataDir, 'admin.token')),
    acceptLoss: o.acceptLoss,
  });
  if (verdict.action === 'refuse') {
    await store.close();
    throw new StartupError(refusalMessage(verdict.problem, dataDir), 'store-lost');
  }
  if (verdict.action === 'fresh' && o.existingOnly) {
    await store.close();
    throw new StartupError(
      `no controller installation in ${dataDir} (its store is empty and it has no store.sentinel)`,
      'no-installation',
    );
  }
  try {
    const ops = [];
    let identity = facts.identity;
    if (!identity) {
      identity = { id: ulid(now()), initializedUnixMs: now() };
      ops.push(put(META, STORE_ID_KEY, identity));
    }
    let sentinelSeq: number | undefined;
    if (verdict.action === 'accept') {
      sentinelSeq = isSentinel(sentinel) ? sentinel.eventSeq : undefined;
      o.log.warn(
        { problem: verdict.problem, store_seq: facts.eventSeq, sentinel_seq: sentinelSeq, data_dir: dataDir },
        'store loss accepted (--accept-store-loss): going on with what the store holds',
      );
      // Sequence numbers handed out before the loss are not handed out again: watchers resume correctly.
      if (sentinelSeq !== undefined && sentinelSeq > facts.eventSeq) {
        // Only the sequence moves on; the event log's other counters stay as they are.
        const cur = await store.get<Record<string, number>>(META, 'event_seq');
        ops.push(put(META, 'event_seq', { ...(cur?.value ?? {}), seq: sentinelSeq }));
      }
    }
    if (verdict.action === 'adopt')
      o.log.warn({ data_dir: dataDir }, 'no store sentinel: creating one from the store as it is');
    if (ops.length) await store.batch(ops);
    await runMigrations(store, o.migrations);
    // The pid file only makes a second controller's "in use" message name this one.
    await writeFile(join(dataDir, PID_FILE), `${process.pid} ${o.purpose}\n`, { mode: 0o600 }).catch((err) =>
      o.log.debug({ err, data_dir: dataDir }, 'pid file not written'),
    );
    return {
      store,
      storeId: identity.id,
      initializedUnixMs: identity.initializedUnixMs,
      verdict: verdict.action,
      ...(verdict.action === 'accept' ? { problem: verdict.problem, sentinelSeq } : {}),
      storeSeq: facts.eventSeq,
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/** Removes the pid file at a clean stop (only our own). */
export async function releasePidFile(dataDir: string): Promise<void> {
  const f = join(dataDir, PID_FILE);
  const text = await readFile(f, 'utf8').catch(() => '');
  if (text.split(' ')[0] === String(process.pid)) await rm(f, { force: true });
}

async function openOrExplain(dataDir: string, path: string, acceptLoss: boolean, log: Logger): Promise<LevelStore> {
  try {
    return await LevelStore.open(path);
  } catch (e) {
    if (!(e instanceof StoreOpenError)) throw e;
    switch (e.kind) {
      case 'locked': {
        const pid = (await readFile(join(dataDir, PID_FILE), 'utf8').catch(() => '')).trim();
        throw new StartupError(
          `data dir ${dataDir} is in use by another controller${pid ? ` (pid ${pid.replace(/\s.*/, '')}, ${pid.replace(/^\S+\s*/, '') || 'controller'})` : ''}: its store is locked. Stop that one first, or give this one another --data-dir.`,
          'in-use',
        );
      }
      case 'no-space': {
        // Only adds a number to the message below; without it the message still stands.
        const free = await statfs(dataDir)
          .then((s) => s.bavail * s.bsize)
          .catch(() => undefined);
        throw new StartupError(
          `cannot open the store at ${path}: the filesystem holding it is full (${levelReason(e.cause)}${free !== undefined ? `, ${free} bytes free` : ''}). LevelDB needs room to recover its log when it opens. Free space on that filesystem and start again; the store was not changed.`,
          'no-space',
        );
      }
      case 'corrupt':
        if (!acceptLoss)
          throw new StartupError(
            refusalMessage(`the store at ${path} is corrupt (${levelReason(e.cause)})`, dataDir),
            'store-lost',
          );
        return repairAndOpen(path, e.cause, log);
      case 'io':
      case 'other':
        throw new StartupError(e.message);
    }
  }
}

async function repairAndOpen(path: string, cause: unknown, log: Logger): Promise<LevelStore> {
  log.warn({ reason: levelReason(cause), path }, 'store corrupt: repairing it (--accept-store-loss)');
  await LevelStore.repair(path);
  try {
    return await LevelStore.open(path);
  } catch (e) {
    throw new StartupError(
      `the store at ${path} is corrupt and LevelDB's repair could not make it usable (${levelReason((e as Error).cause ?? e)}); restore it from a backup`,
      'store-lost',
    );
  }
}

async function readFacts(store: LevelStore): Promise<StoreFacts & { identity?: StoreIdentity }> {
  const identity = (await store.get<StoreIdentity>(META, STORE_ID_KEY))?.value;
  let hasTokens = false;
  for await (const _ of store.scan(TOKENS, { limit: 1 })) hasTokens = true;
  return { id: identity?.id, identity, eventSeq: await storedEventSeq(store), hasTokens };
}
