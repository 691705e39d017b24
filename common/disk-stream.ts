// Streaming a disk file as DiskChunk messages (cold moves): the sender tags each
// chunk with its offset and the last one with the sha256 of the whole file; the
// receiver checks order, size and hash and only then moves the file into place.
// Used by the agent (upload, download) and the controller (relay).
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import type { DiskChunk } from './gen/nephele/v1/DiskChunk.js';

export const DISK_CHUNK_BYTES = 256 * 1024;
/** The largest chunk a receiver takes (DiskChunk.data: at most 1 MiB); images stream at this size. */
export const MAX_DISK_CHUNK_BYTES = 1024 * 1024;

/** The file at `path` as chunks; a last chunk is always sent (an empty file is one empty chunk). */
export async function* diskChunks(
  path: string,
  transferId: string,
  chunkBytes = DISK_CHUNK_BYTES,
): AsyncIterable<DiskChunk> {
  const size = statSync(path).size;
  const sha = createHash('sha256');
  let offset = 0;
  for await (const buf of createReadStream(path, { highWaterMark: chunkBytes })) {
    const data = buf as Buffer;
    sha.update(data);
    const last = offset + data.length === size;
    yield { transferId, data, offset, last, sha256: last ? sha.digest('hex') : '' };
    offset += data.length;
  }
  if (size === 0) yield { transferId, data: Buffer.alloc(0), offset: 0, last: true, sha256: sha.digest('hex') };
}

/** Writes chunks to `<dest>.part`, checking them; once the last one is in, the whole file is durable at `dest`. */
export class DiskReceiver {
  private fd: number;
  private readonly hash = createHash('sha256');
  bytes = 0;
  /** Set once the file is complete. */
  sha256 = '';

  constructor(
    private readonly dest: string,
    /** Makes the error for a bad chunk, naming the field at fault. */
    private readonly bad: (field: string, problem: string) => Error,
    private readonly maxBytes = Number.MAX_SAFE_INTEGER,
    private readonly maxChunk = MAX_DISK_CHUNK_BYTES,
  ) {
    this.fd = openSync(`${dest}.part`, 'w', 0o600);
  }

  get done(): boolean {
    return this.sha256 !== '';
  }

  write(c: { data?: Buffer | Uint8Array | null; offset: number | string; last?: boolean; sha256?: string }): void {
    const data = Buffer.from(c.data ?? []);
    if (data.length > this.maxChunk) throw this.bad('data', `chunks are at most ${this.maxChunk} bytes`);
    if (Number(c.offset) !== this.bytes) throw this.bad('offset', `expected ${this.bytes}`);
    if (this.bytes + data.length > this.maxBytes) throw this.bad('data', 'disk too large');
    if (data.length) writeSync(this.fd, data);
    this.hash.update(data);
    this.bytes += data.length;
    if (!c.last) return;
    const sha = this.hash.digest('hex');
    if (c.sha256 !== sha) throw this.bad('sha256', 'does not match the data received');
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
    renameSync(`${this.dest}.part`, this.dest);
    this.sha256 = sha;
  }

  /** Drops a partial file (a failed or incomplete transfer). */
  abort(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    if (!this.done) rmSync(`${this.dest}.part`, { force: true });
  }
}
