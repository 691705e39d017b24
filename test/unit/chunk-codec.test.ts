import t from 'tap';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodedChunks, EncodedChunk, passEncoded, transferIdField } from '../../common/chunk-codec.js';
import { DiskReceiver, diskChunks, MAX_DISK_CHUNK_BYTES } from '../../common/disk-stream.js';
import { v1 } from '../../common/grpc/load.js';
import { tmpDir } from '../helpers/tmp.js';

// Pre-encoded chunks must be exactly what the messages' own serializers make of
// the same fields: decoded by the real deserializers, they read the same as
// diskChunks' chunks, and a receiver takes them.

const disk = v1().AgentService.service.FetchImage!;
const upload = v1().TokenService.service.UploadImage!;
const bad = (field: string, problem: string) => new Error(`${field}: ${problem}`);

const plain = (c: {
  data: Buffer;
  offset: number | string | { toString(): string };
  last: boolean;
  sha256: string;
}) => ({
  data: Buffer.from(c.data).toString('hex'),
  offset: String(c.offset),
  last: c.last,
  sha256: c.sha256,
});

t.test('DiskChunk: same fields as diskChunks, for sizes around the chunk size and an empty file', async (t) => {
  const dir = tmpDir();
  const step = 1000;
  for (const size of [0, 1, step - 1, step, step + 1, 3 * step + 7]) {
    const src = join(dir, `src-${size}`);
    writeFileSync(src, randomBytes(size));
    const want = [];
    for await (const c of diskChunks(src, 'T-1', step)) want.push(plain(c as never));
    const got = [];
    const head = transferIdField('T-1');
    for await (const e of encodedChunks(src, () => head, step)) {
      const c = disk.responseDeserialize(e.bytes) as { transferId: string };
      t.equal(c.transferId, 'T-1', `${size} B: transfer id on every chunk`);
      got.push(plain(c as never));
    }
    t.same(got, want, `${size} B: same chunks`);
  }
});

t.test('offsets past 4 GiB and a known sha256 encode as the serializer would', async (t) => {
  const { chunkFrame, finishChunk } = await import('../../common/chunk-codec.js');
  for (const offset of [0, 127, 128, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER]) {
    const data = randomBytes(5);
    const frame = chunkFrame(transferIdField('x'), data.length);
    data.copy(frame.buf, frame.dataAt);
    const sha = 'ab'.repeat(32);
    const e = finishChunk(frame, data.length, offset, true, sha);
    const c = disk.responseDeserialize(e.bytes) as never;
    t.same(
      plain(c),
      { data: data.toString('hex'), offset: String(offset), last: true, sha256: sha },
      `offset ${offset}`,
    );
    // protobufjs writes a zero it is given; we leave it out, as proto3 allows.
    const fields = { transferId: 'x', data, ...(offset ? { offset } : {}), last: true, sha256: sha };
    t.ok(e.bytes.equals(disk.responseSerialize(fields)), 'byte for byte');
  }
});

t.test('UploadImageChunk: meta on the first chunk only; a receiver takes the stream', async (t) => {
  const dir = tmpDir();
  const src = join(dir, 'src');
  const data = randomBytes(MAX_DISK_CHUNK_BYTES * 2 + 3);
  writeFileSync(src, data);
  const meta = { name: 'img', format: 'IMAGE_FORMAT_RAW' as const, scheme: 'qemu', sizeBytes: data.length };
  const head = upload.requestSerialize({ meta });
  const rx = new DiskReceiver(join(dir, 'dst'), bad);
  let n = 0;
  for await (const e of encodedChunks(src, (o) => (o ? Buffer.alloc(0) : head), MAX_DISK_CHUNK_BYTES)) {
    const c = upload.requestDeserialize(e.bytes) as { meta: { name: string; sizeBytes: unknown } | null };
    if (n++ === 0) t.same([c.meta?.name, String(c.meta?.sizeBytes)], ['img', String(data.length)], 'meta first');
    else t.equal(c.meta, null, 'no meta after the first');
    await rx.write(c as never);
  }
  t.equal(n, 3);
  t.ok(rx.done, 'the receiver checked offsets and the sha256');
  t.ok(readFileSync(join(dir, 'dst')).equals(data), 'same bytes');
});

t.test('passEncoded: an EncodedChunk goes out as it is, anything else through the serializer', async (t) => {
  const s = passEncoded((v: { a: number }) => Buffer.from([v.a]));
  const raw = Buffer.from('raw');
  t.equal(s(new EncodedChunk(raw, 3)), raw);
  t.same([...s({ a: 7 })], [7]);
});

t.test('a file that shrinks while read is an error, not a short stream', async (t) => {
  const dir = tmpDir();
  const src = join(dir, 'src');
  writeFileSync(src, randomBytes(5000));
  const it = encodedChunks(src, () => Buffer.alloc(0), 1000)[Symbol.asyncIterator]();
  await it.next(); // opened, chunk 1 read and chunk 2 under way
  writeFileSync(src, randomBytes(1500));
  await t.rejects(async () => {
    for (let r = await it.next(); !r.done; r = await it.next());
  }, /shrank/);
});
