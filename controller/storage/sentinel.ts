import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../common/fs-atomic.js';
import { Mutex, type LevelStore } from '../../common/store/index.js';
import type { Clock, Timer } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';

// The sentinel lives beside the store, outside LevelDB: what LevelDB loses
// (a damaged log, a deleted or replaced directory) it keeps, so a start on a
// store that went backwards is noticed instead of served as a fresh install.

export const SENTINEL_FILE = 'store.sentinel';
/** meta/store_id: the identity the sentinel names. */
export const STORE_ID_KEY = 'store_id';

export interface Sentinel {
  format: 1;
  storeId: string;
  initializedUnixMs: number;
  /** A lower bound of the last event sequence the store holds durably. */
  eventSeq: number;
  updatedUnixMs: number;
}

export type SentinelState = Sentinel | undefined | { unreadable: string };

export function sentinelPath(dataDir: string): string {
  return join(dataDir, SENTINEL_FILE);
}

export async function readSentinel(dataDir: string): Promise<SentinelState> {
  let text: string;
  try {
    text = await readFile(sentinelPath(dataDir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { unreadable: (e as Error).message };
  }
  try {
    const s = JSON.parse(text) as Sentinel;
    if (s.format !== 1 || typeof s.storeId !== 'string' || !Number.isSafeInteger(s.eventSeq) || s.eventSeq < 0)
      throw new Error('unexpected content');
    return s;
  } catch (e) {
    return { unreadable: (e as Error).message };
  }
}

export function isSentinel(s: SentinelState): s is Sentinel {
  return s !== undefined && !('unreadable' in s);
}

/**
 * Keeps the sentinel's event sequence current, cheaply: every few seconds
 * (when events were written) and at shutdown. The store is synced first, so
 * the number written is never ahead of what the store holds on disk.
 */
export class SentinelKeeper {
  private written = -1;
  private timer?: Timer;
  private readonly lock = new Mutex();
  private warned = false;

  constructor(
    private readonly store: LevelStore,
    private readonly events: { lastSeq(): number },
    private readonly dataDir: string,
    private readonly identity: { storeId: string; initializedUnixMs: number },
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  start(everyMs = 5000): void {
    // flush logs its own failures; the next tick tries again.
    this.timer = this.clock.setInterval(() => void this.flush().catch(() => {}), everyMs);
  }

  stop(): void {
    this.timer?.cancel();
  }

  /** Writes the sentinel when the sequence moved (or always, with force). Failures are logged, not thrown. */
  flush(force = false): Promise<void> {
    return this.lock.run(async () => {
      const seq = this.events.lastSeq();
      if (!force && seq <= this.written) return;
      try {
        await this.store.sync();
        const s: Sentinel = { format: 1, ...this.identity, eventSeq: seq, updatedUnixMs: this.clock.now() };
        await writeFileAtomic(sentinelPath(this.dataDir), JSON.stringify(s) + '\n', { mode: 0o600 });
        this.written = seq;
        this.warned = false;
      } catch (err) {
        // A stale sentinel is still a lower bound: nothing is wrong until it can be written again.
        if (!this.warned) this.log.warn({ err, data_dir: this.dataDir }, 'store sentinel not updated');
        this.warned = true;
      }
    });
  }
}
