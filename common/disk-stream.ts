// Streaming a disk file as DiskChunk messages (cold moves): the sender tags each
// chunk with its offset and the last one with the sha256 of the whole file; the
// receiver checks order, size and hash and only then moves the file into place.
// Used by the agent (upload, download) and the controller (relay).
import { createHash } from 'node:crypto';
import {
  close,
  closeSync,
  createReadStream,
  fdatasync,
  fsync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  write,
} from 'node:fs';
import { promisify } from 'node:util';
import type { DiskChunk } from './gen/nephele/v1/DiskChunk.js';

/**
 * The chunk every sender streams (images, cold moves). Measured on 2 cores
 * (image-transfer bench, 256 MiB up and down, five interleaved runs each):
 * 1 MiB chunks took 1.94 s up + 1.74 s down, 256 KiB 1.59 + 1.30 s, 128 KiB
 * and 64 KiB slower again. grpc-js hands a message on only once all of it has
 * arrived, so a 1 MiB message keeps the receiver idle while the sender
 * encrypts and frames it; smaller ones let the two overlap, and each fresh
 * buffer is a quarter of the size.
 */
export const DISK_CHUNK_BYTES = 256 * 1024;
/** The largest chunk a receiver takes (DiskChunk.data: at most 1 MiB), so older senders' 1 MiB chunks still arrive. */
export const MAX_DISK_CHUNK_BYTES = 1024 * 1024;
/**
 * Chunks a receiver has taken but not yet written (at most 4 MiB held): the
 * disk writes run on the thread pool while the next chunks arrive, instead of
 * stalling the event loop (and with it the stream) once per chunk.
 */
const MAX_WRITES_IN_FLIGHT = 4;

const writeP = promisify(write);
const fsyncP = promisify(fsync);
const fdatasyncP = promisify(fdatasync);
/**
 * A receiver starts writing back what it has every this many bytes (fdatasync
 * on the thread pool, not waited for), so the disk works while the network
 * does and the final fsync finds little left to flush.
 */
const WRITEBACK_EVERY_BYTES = 16 * 1024 * 1024;

/** Writes all of `data` at `pos` (a write may be short). */
async function writeAll(fd: number, data: Buffer, pos: number): Promise<void> {
  for (let done = 0; done < data.length;)
    done += (await writeP(fd, data, done, data.length - done, pos + done)).bytesWritten;
}

/**
 * The file at `path` as chunks; a last chunk is always sent (an empty file is one empty chunk).
 * `knownSha256`: a content-addressed file is not hashed again to send it; the
 * receiver hashes what arrives against it, so a damaged copy is still refused.
 */
export async function* diskChunks(
  path: string,
  transferId: string,
  chunkBytes = DISK_CHUNK_BYTES,
  knownSha256?: string,
): AsyncIterable<DiskChunk> {
  const size = statSync(path).size;
  const sha = knownSha256 === undefined ? createHash('sha256') : undefined;
  const digest = () => knownSha256 ?? sha!.digest('hex');
  let offset = 0;
  for await (const buf of createReadStream(path, { highWaterMark: chunkBytes })) {
    const data = buf as Buffer;
    sha?.update(data);
    const last = offset + data.length === size;
    yield { transferId, data, offset, last, sha256: last ? digest() : '' };
    offset += data.length;
  }
  if (size === 0) yield { transferId, data: Buffer.alloc(0), offset: 0, last: true, sha256: digest() };
}

/**
 * Writes chunks to `<dest>.part`, checking them as they arrive (order, size,
 * sha256 over the data in arrival order); once the last one is in, the whole
 * file is durable at `dest`. Call write() one chunk at a time (await each).
 */
export class DiskReceiver {
  private fd: number;
  private readonly hash = createHash('sha256');
  /** The writes queued, in order; the file is closed only once they settle. */
  private tail: Promise<void> = Promise.resolve();
  /** The early writeback under way, if any (its outcome does not matter: the final fsync decides). */
  private writeback: Promise<void> | undefined;
  private writtenBackAt = 0;
  private readonly inFlight: Promise<void>[] = [];
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

  async write(c: {
    data?: Buffer | Uint8Array | null;
    offset: number | string;
    last?: boolean;
    sha256?: string;
  }): Promise<void> {
    if (this.fd < 0) throw this.bad('offset', 'the transfer is over');
    // No copy: gRPC hands each message its own buffer.
    const d = c.data ?? Buffer.alloc(0);
    const data = Buffer.isBuffer(d) ? d : Buffer.from(d.buffer, d.byteOffset, d.byteLength);
    if (data.length > this.maxChunk) throw this.bad('data', `chunks are at most ${this.maxChunk} bytes`);
    if (Number(c.offset) !== this.bytes) throw this.bad('offset', `expected ${this.bytes}`);
    if (this.bytes + data.length > this.maxBytes) throw this.bad('data', 'disk too large');
    this.hash.update(data);
    const pos = this.bytes;
    this.bytes += data.length;
    if (data.length) {
      const fd = this.fd;
      const p = this.tail.then(() => writeAll(fd, data, pos));
      p.catch(() => {}); // seen by whoever awaits it (below, the last chunk, or abort)
      this.tail = p;
      this.inFlight.push(p);
      if (!this.writeback && this.bytes - this.writtenBackAt >= WRITEBACK_EVERY_BYTES) {
        this.writtenBackAt = this.bytes;
        this.writeback = fdatasyncP(fd)
          .catch(() => {})
          .then(() => void (this.writeback = undefined));
      }
      if (this.inFlight.length > MAX_WRITES_IN_FLIGHT) await this.inFlight.shift();
    }
    if (!c.last) return;
    const sha = this.hash.digest('hex');
    if (c.sha256 !== sha) throw this.bad('sha256', 'does not match the data received');
    await this.tail;
    await this.writeback;
    await fsyncP(this.fd);
    closeSync(this.fd);
    this.fd = -1;
    renameSync(`${this.dest}.part`, this.dest);
    this.sha256 = sha;
  }

  /** Drops a partial file (a failed or incomplete transfer); the file is closed once its queued writes settle. */
  abort(): void {
    const fd = this.fd;
    this.fd = -1;
    if (this.done) return;
    const part = `${this.dest}.part`;
    rmSync(part, { force: true });
    if (fd >= 0) void Promise.allSettled([this.tail, this.writeback]).then(() => close(fd, () => {}));
  }
}
