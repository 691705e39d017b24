// The image store's files: content-addressed blobs <data-dir>/images/<sha256>,
// kept while an image record names them (IMAGES_BY_SHA), and uploads staged in
// <data-dir>/images/staging until they are checked and registered. A blob is
// moved into place before its record is written, so a crash in between leaves
// an orphan blob (swept at start), never a record without its blob.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../common/errors.js';
import { KeyedMutex, type Store } from '../../common/store/index.js';
import { IMAGES_BY_SHA } from '../model/image.js';

export const SHA256_RE = /^[0-9a-f]{64}$/;

export class ImageBlobs {
  readonly dir: string;
  readonly staging: string;
  /** Per sha256: adopting a blob and removing an unused one never interleave. */
  readonly lock = new KeyedMutex();

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'images');
    this.staging = join(this.dir, 'staging');
    mkdirSync(this.staging, { recursive: true, mode: 0o700 });
  }

  path(sha256: string): string {
    if (!SHA256_RE.test(sha256)) throw new InvalidArgumentError('sha256', 'is not a sha256 (64 lowercase hex digits)');
    return join(this.dir, sha256);
  }

  has(sha256: string): boolean {
    return SHA256_RE.test(sha256) && existsSync(this.path(sha256));
  }

  /** Where an upload is received (`name` is a ULID we made). */
  stagePath(name: string): string {
    return join(this.staging, name);
  }

  /** Moves a checked, staged file into its content address (an identical blob already there wins). */
  adopt(staged: string, sha256: string): void {
    const dest = this.path(sha256);
    if (existsSync(dest)) rmSync(staged, { force: true });
    else renameSync(staged, dest);
  }

  /** Removes a blob no image record names any more (call under `lock` for its sha). */
  async dropIfUnused(store: Store, sha256: string): Promise<void> {
    for await (const _ of store.scan(IMAGES_BY_SHA, { prefix: `${sha256}\x00`, limit: 1 })) return;
    rmSync(this.path(sha256), { force: true });
  }

  /** At start: every staged file is from a transfer that died with the last run; blobs nothing names go too. */
  async sweep(store: Store): Promise<{ staged: number; orphans: number }> {
    let staged = 0;
    for (const f of readdirSync(this.staging)) {
      rmSync(join(this.staging, f), { force: true, recursive: true });
      staged++;
    }
    const named = new Set<string>();
    for await (const { key } of store.scan(IMAGES_BY_SHA)) named.add(key.slice(0, key.indexOf('\x00')));
    let orphans = 0;
    for (const f of readdirSync(this.dir)) {
      if (f === 'staging' || named.has(f)) continue;
      rmSync(join(this.dir, f), { force: true, recursive: true });
      orphans++;
    }
    return { staged, orphans };
  }
}
