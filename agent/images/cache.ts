// The agent's image cache: bases of linked clones (TokenService images), fetched
// once by sha256 from the controller, verified while streaming, kept at
// <dir>/<sha256>. Least recently used bases go when the cache would exceed its
// size; a base a local (or desired) VM uses is never evicted.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../common/logger.js';
import { realClock, type Clock } from '../../common/clock.js';
import { Backoff } from '../backoff.js';

export const SHA256_RE = /^[0-9a-f]{64}$/;
/** Distinct images fetched at once (each holds a stream and a file open). */
export const MAX_CONCURRENT_FETCHES = 2;
/** Tries of one fetch while the controller is unreachable (its restart): about a minute in all. */
export const FETCH_ATTEMPTS = 8;
/** gRPC UNAVAILABLE: the connection to the controller dropped or is not up (yet). */
const UNAVAILABLE = 14;

/**
 * Downloads image `sha256` to `dest` (at most `maxBytes`), checking the stream's
 * own checksum; resolves with the sha256 of what was written.
 */
export type ImageFetcher = (sha256: string, dest: string, maxBytes: number) => Promise<string>;

export interface ImageCacheOptions {
  dir: string;
  maxBytes: number;
  fetch: ImageFetcher;
  /** sha256s of the bases VMs on this host use or are about to use: never evicted. */
  inUse: () => Set<string>;
  log: Logger;
  clock?: Clock;
}

interface Entry {
  sizeBytes: number;
  lastUsed: number;
}

export class ImageCacheError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageCacheError';
  }
}

export class ImageCache {
  private readonly entries = new Map<string, Entry>();
  private readonly fetching = new Map<string, Promise<string>>();
  /** Bytes promised to fetches under way (counted against the size before they land). */
  private reserved = 0;
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly clock: Clock;

  constructor(private readonly o: ImageCacheOptions) {
    this.clock = o.clock ?? realClock;
  }

  /** Reads what an earlier agent left: complete bases stay (by mtime = last use), partial downloads go. */
  init(): void {
    mkdirSync(this.o.dir, { recursive: true, mode: 0o700 });
    for (const name of readdirSync(this.o.dir)) {
      const p = join(this.o.dir, name);
      if (name.endsWith('.part') && SHA256_RE.test(name.slice(0, -5))) {
        rmSync(p, { force: true });
        continue;
      }
      // The directory may also hold shipped images (directories by name): only sha256 files are ours.
      if (!SHA256_RE.test(name)) continue;
      const st = statSync(p);
      if (st.isFile()) this.entries.set(name, { sizeBytes: st.size, lastUsed: st.mtimeMs });
    }
  }

  usedBytes(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.sizeBytes;
    return n;
  }

  has(sha256: string): boolean {
    return this.entries.has(sha256);
  }

  path(sha256: string): string {
    return join(this.o.dir, sha256);
  }

  /** The base's file, fetched and verified first if it is not cached; one fetch per sha256 at a time. */
  async ensure(ref: { sha256: string; sizeBytes: number }): Promise<string> {
    const sha = ref.sha256;
    if (!SHA256_RE.test(sha)) throw new ImageCacheError('base image sha256 is malformed');
    const e = this.entries.get(sha);
    // Removed underneath us (by hand): fetched again rather than handed to a driver as a missing file.
    if (e && !existsSync(this.path(sha))) this.entries.delete(sha);
    else if (e) {
      this.touch(sha, e);
      return this.path(sha);
    }
    let p = this.fetching.get(sha);
    if (!p) {
      p = this.fetchOne(sha, ref.sizeBytes).finally(() => this.fetching.delete(sha));
      this.fetching.set(sha, p);
    }
    return p;
  }

  private touch(sha: string, e: Entry): void {
    e.lastUsed = this.clock.now();
    // The file's mtime carries the order across agent restarts.
    const t = new Date(e.lastUsed);
    try {
      utimesSync(this.path(sha), t, t);
    } catch {
      // gone underneath us: the next ensure fetches it again
    }
  }

  private async fetchOne(sha: string, sizeBytes: number): Promise<string> {
    const need = sizeBytes > 0 ? sizeBytes : 0;
    if (need > this.o.maxBytes)
      throw new ImageCacheError(`base image of ${need} bytes is larger than the image cache (${this.o.maxBytes})`);
    await this.slot();
    try {
      this.evictFor(need, sha);
      this.reserved += need;
      const dest = this.path(sha);
      try {
        // At most the announced size (or the whole cache when none was announced).
        const got = await this.fetchRetrying(sha, dest, need || this.o.maxBytes);
        if (got !== sha) {
          rmSync(dest, { force: true });
          throw new ImageCacheError('fetched base image does not match its sha256');
        }
      } finally {
        this.reserved -= need;
      }
      const st = statSync(dest);
      const e = { sizeBytes: st.size, lastUsed: this.clock.now() };
      this.entries.set(sha, e);
      this.touch(sha, e);
      this.o.log.info({ sha256: sha, size_bytes: st.size, cache_bytes: this.usedBytes() }, 'base image cached');
      return dest;
    } finally {
      this.release();
    }
  }

  /**
   * A fetch cut by a lost controller connection (a controller restart) is tried again
   * after a backoff, so the clone waiting for it is delayed rather than failed for good.
   */
  private async fetchRetrying(sha: string, dest: string, maxBytes: number): Promise<string> {
    const backoff = new Backoff(1000, 15_000);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.o.fetch(sha, dest, maxBytes);
      } catch (e) {
        if ((e as { code?: unknown }).code !== UNAVAILABLE || attempt >= FETCH_ATTEMPTS) throw e;
        const waitMs = backoff.next();
        this.o.log.warn({ sha256: sha, attempt, wait_ms: waitMs, err: e }, 'base image fetch cut off; trying again');
        await new Promise((r) => setTimeout(r, waitMs));
      }
    }
  }

  /**
   * Removes least recently used bases no VM uses until `need` more bytes fit.
   * In-use bases are needed: when they alone fill the cache it runs over (logged).
   */
  evictFor(need: number, keep?: string): void {
    const inUse = this.o.inUse();
    const victims = [...this.entries.entries()]
      .filter(([sha]) => sha !== keep && !inUse.has(sha))
      .sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    let used = this.usedBytes() + this.reserved;
    for (const [sha, e] of victims) {
      if (used + need <= this.o.maxBytes) break;
      rmSync(this.path(sha), { force: true });
      this.entries.delete(sha);
      used -= e.sizeBytes;
      this.o.log.info({ sha256: sha, size_bytes: e.sizeBytes }, 'base image evicted');
    }
    if (used + need > this.o.maxBytes)
      this.o.log.warn(
        { cache_bytes: used, need_bytes: need, max_bytes: this.o.maxBytes },
        'image cache over its size: the bases in it are in use',
      );
  }

  private async slot(): Promise<void> {
    while (this.active >= MAX_CONCURRENT_FETCHES) await new Promise<void>((r) => this.waiters.push(r));
    this.active++;
  }

  private release(): void {
    this.active--;
    this.waiters.shift()?.();
  }
}
