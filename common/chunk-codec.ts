// Bulk byte streams (images) as chunk messages already in protobuf wire format.
// A file's bytes are read straight into the buffer that goes to grpc-js,
// instead of into a read buffer that protobufjs then copies into a second
// fresh one: one chunk-sized allocation and copy per chunk instead of three (each
// fresh buffer is page faults and GC work; profiled, they were most of the
// sender's CPU). DiskChunk and UploadImageChunk share fields 2-5 (data,
// offset, last, sha256); field 1 (transfer_id, meta) comes pre-encoded by the
// message's own serializer. grpc-js takes an EncodedChunk where the method's
// serializer is wrapped with passEncoded().
import { createHash } from 'node:crypto';
import { close, fstatSync, open, read } from 'node:fs';
import { promisify } from 'node:util';

const openP = promisify(open);
const readP = promisify(read);
const closeP = promisify(close);

/** One chunk message, encoded; `dataLength` bytes of file data in it. */
export class EncodedChunk {
  constructor(
    readonly bytes: Buffer,
    readonly dataLength: number,
  ) {}
}

/** A method serializer that sends an EncodedChunk's bytes as they are (anything else as before). */
export function passEncoded<T>(serialize: (v: T) => Buffer): (v: T | EncodedChunk) => Buffer {
  return (v) => (v instanceof EncodedChunk ? v.bytes : serialize(v));
}

const TAG_TRANSFER_ID = (1 << 3) | 2;
const TAG_DATA = (2 << 3) | 2;
const TAG_OFFSET = 3 << 3;
const TAG_LAST = 4 << 3;
const TAG_SHA256 = (5 << 3) | 2;
/** offset (tag + 10-byte varint), last (2), sha256 (tag, length, 64 hex digits). */
const MAX_TRAILER = 11 + 2 + 66;

function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

/** Writes `n` (a safe integer >= 0) as a varint at `pos`; returns the position after it. */
function putVarint(buf: Buffer, pos: number, n: number): number {
  while (n >= 0x80) {
    buf[pos++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[pos++] = n;
  return pos;
}

/** DiskChunk's field 1 (transfer_id), encoded. */
export function transferIdField(id: string): Buffer {
  const s = Buffer.from(id, 'utf8');
  if (!s.length) return s;
  const buf = Buffer.allocUnsafe(1 + varintLength(s.length) + s.length);
  buf[0] = TAG_TRANSFER_ID;
  s.copy(buf, putVarint(buf, 1, s.length));
  return buf;
}

/** Room for one chunk: `head` (field 1, encoded), then the data's tag and length; the data goes at `dataAt`. */
export function chunkFrame(head: Buffer, dataLength: number): { buf: Buffer; dataAt: number } {
  const dataAt = head.length + (dataLength ? 1 + varintLength(dataLength) : 0);
  const buf = Buffer.allocUnsafe(dataAt + dataLength + MAX_TRAILER);
  head.copy(buf, 0);
  if (dataLength) {
    buf[head.length] = TAG_DATA;
    putVarint(buf, head.length + 1, dataLength);
  }
  return { buf, dataAt };
}

/** Completes a chunk whose data is in place (fields 3-5 after it; protobuf takes fields in any order). */
export function finishChunk(
  frame: { buf: Buffer; dataAt: number },
  dataLength: number,
  offset: number,
  last: boolean,
  sha256: string,
): EncodedChunk {
  const { buf } = frame;
  let pos = frame.dataAt + dataLength;
  if (offset) {
    buf[pos++] = TAG_OFFSET;
    pos = putVarint(buf, pos, offset);
  }
  if (last) {
    buf[pos++] = TAG_LAST;
    buf[pos++] = 1;
  }
  if (sha256) {
    if (sha256.length > 64) throw new Error('sha256: at most 64 characters');
    buf[pos++] = TAG_SHA256;
    buf[pos++] = sha256.length;
    pos += buf.write(sha256, pos, 'latin1');
  }
  return new EncodedChunk(buf.subarray(0, pos), dataLength);
}

/**
 * The file at `path` as encoded chunks, as common/disk-stream's diskChunks
 * yields them (a last chunk always; an empty file is one empty chunk; the last
 * carries the sha256, `knownSha256` or computed). `head(offset)`: field 1 of
 * the chunk at `offset`, encoded. The next chunk is read while this one is sent.
 */
export async function* encodedChunks(
  path: string,
  head: (offset: number) => Buffer,
  chunkBytes: number,
  knownSha256?: string,
): AsyncIterable<EncodedChunk> {
  const fd = await openP(path, 'r');
  let next: Promise<unknown> | undefined;
  try {
    const size = fstatSync(fd).size;
    const sha = knownSha256 === undefined ? createHash('sha256') : undefined;
    const load = async (offset: number) => {
      const n = Math.min(chunkBytes, size - offset);
      const frame = chunkFrame(head(offset), n);
      for (let got = 0; got < n;) {
        const { bytesRead } = await readP(fd, frame.buf, frame.dataAt + got, n - got, offset + got);
        if (bytesRead === 0) throw new Error(`${path} shrank while it was read`);
        got += bytesRead;
      }
      return { frame, n };
    };
    // A failed read ahead is seen where it is awaited; until then it must not count as unhandled.
    const ahead = (offset: number) => {
      const p = load(offset);
      p.catch(() => {});
      return p;
    };
    let loading = ahead(0);
    next = loading;
    for (let offset = 0; ;) {
      const { frame, n } = await loading;
      const last = offset + n >= size;
      if (!last) next = loading = ahead(offset + n);
      sha?.update(frame.buf.subarray(frame.dataAt, frame.dataAt + n));
      yield finishChunk(frame, n, offset, last, last ? (knownSha256 ?? sha!.digest('hex')) : '');
      if (last) return;
      offset += n;
    }
  } finally {
    // A read still under way (the consumer stopped early) must not find its descriptor reused.
    await next?.catch(() => {});
    await closeP(fd);
  }
}
