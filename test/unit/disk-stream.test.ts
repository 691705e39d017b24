import t from 'tap';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiskReceiver, diskChunks, DISK_CHUNK_BYTES, MAX_DISK_CHUNK_BYTES } from '../../common/disk-stream.js';
import { tmpDir } from '../helpers/tmp.js';

// The disk stream of cold moves: chunks in order with the whole file's sha256
// on the last one; the receiver keeps nothing unless all of it checks out.

const bad = (field: string, problem: string) => new Error(`${field}: ${problem}`);

t.test('round trip, also for an empty file', async (t) => {
  const dir = tmpDir();
  for (const size of [0, 1, DISK_CHUNK_BYTES, DISK_CHUNK_BYTES * 2 + 7]) {
    const src = join(dir, `src-${size}`);
    const dst = join(dir, `dst-${size}`);
    const data = randomBytes(size);
    writeFileSync(src, data);
    const rx = new DiskReceiver(dst, bad);
    const chunks = [];
    for await (const c of diskChunks(src, 'T')) chunks.push(c);
    t.equal(chunks.filter((c) => c.last).length, 1, `${size} B: exactly one last chunk`);
    for (const c of chunks) await rx.write(c as never);
    t.ok(rx.done, `${size} B: complete`);
    t.equal(rx.bytes, size);
    t.ok(readFileSync(dst).equals(data), `${size} B: same bytes`);
    t.notOk(existsSync(`${dst}.part`), 'no partial file left');
  }
});

t.test('out of order, a wrong hash or a truncated stream keep nothing', async (t) => {
  const dir = tmpDir();
  const src = join(dir, 'src');
  writeFileSync(src, randomBytes(DISK_CHUNK_BYTES * 2 + 1));
  const chunks = [];
  for await (const c of diskChunks(src, 'T'))
    chunks.push(c as never as { data: Buffer; offset: number; last: boolean; sha256: string });
  const cases: [string, (typeof chunks)[number][], RegExp | undefined][] = [
    ['skipped chunk', [chunks[0]!, chunks[2]!], /^offset: expected/],
    ['wrong hash', [chunks[0]!, chunks[1]!, { ...chunks[2]!, sha256: '00' }], /^sha256: does not match/],
    ['no last chunk', [chunks[0]!, chunks[1]!], undefined],
  ];
  for (const [what, seq, err] of cases) {
    const dst = join(dir, what.replace(/ /g, '-'));
    const rx = new DiskReceiver(dst, bad);
    let thrown: Error | undefined;
    try {
      for (const c of seq) await rx.write(c);
    } catch (e) {
      thrown = e as Error;
    }
    rx.abort();
    if (err) t.match(thrown?.message, err, `${what}: refused naming the field`);
    t.notOk(rx.done, `${what}: not complete`);
    t.notOk(existsSync(dst) || existsSync(`${dst}.part`), `${what}: nothing kept`);
  }
  const small = new DiskReceiver(join(dir, 'limit'), bad, 10);
  await t.rejects(small.write({ data: Buffer.alloc(11), offset: 0 }), /^data: disk too large/, 'the size limit holds');
  small.abort();
});

t.test('a large file with writes in flight: round trip, and an abort mid-way keeps nothing', async (t) => {
  const dir = tmpDir();
  const src = join(dir, 'src');
  const data = randomBytes(20 * MAX_DISK_CHUNK_BYTES + 3);
  writeFileSync(src, data);
  const chunks: { data: Buffer; offset: number; last: boolean; sha256: string }[] = [];
  for await (const c of diskChunks(src, 'T', MAX_DISK_CHUNK_BYTES)) chunks.push(c as never);
  const rx = new DiskReceiver(join(dir, 'whole'), bad);
  for (const c of chunks) await rx.write(c);
  rx.abort();
  t.ok(rx.done);
  t.ok(readFileSync(join(dir, 'whole')).equals(data), 'same bytes');
  const cut = new DiskReceiver(join(dir, 'cut'), bad);
  for (const c of chunks.slice(0, 10)) await cut.write(c);
  cut.abort();
  await t.rejects(cut.write(chunks[10]!), /transfer is over/, 'nothing is taken after an abort');
  t.notOk(existsSync(join(dir, 'cut')) || existsSync(join(dir, 'cut.part')), 'nothing kept');
});

t.test('a stored blob is sent with its known sha256 instead of hashing it again', async (t) => {
  const dir = tmpDir();
  const src = join(dir, 'src');
  writeFileSync(src, randomBytes(1000));
  const chunks = [];
  for await (const c of diskChunks(src, 'T', DISK_CHUNK_BYTES, 'f'.repeat(64))) chunks.push(c);
  t.equal(chunks.at(-1)!.sha256, 'f'.repeat(64));
  const rx = new DiskReceiver(join(dir, 'dst'), bad);
  await t.rejects(rx.write(chunks[0] as never), /^sha256: does not match/, 'the receiver still checks the data');
  rx.abort();
});

t.test('senders stream DISK_CHUNK_BYTES; a receiver still takes an older sender 1 MiB chunk, not more', async (t) => {
  const dir = tmpDir();
  const src = join(dir, 'src');
  writeFileSync(src, randomBytes(MAX_DISK_CHUNK_BYTES + 5));
  const sizes: number[] = [];
  for await (const c of diskChunks(src, 'T')) sizes.push((c.data as Buffer).length);
  t.same(sizes, [...Array<number>(4).fill(DISK_CHUNK_BYTES), 5], 'the default chunk is DISK_CHUNK_BYTES');
  const rx = new DiskReceiver(join(dir, 'big'), bad);
  await rx.write({ data: Buffer.alloc(MAX_DISK_CHUNK_BYTES), offset: 0 });
  t.equal(rx.bytes, MAX_DISK_CHUNK_BYTES, 'a 1 MiB chunk is taken');
  await t.rejects(
    rx.write({ data: Buffer.alloc(MAX_DISK_CHUNK_BYTES + 1), offset: MAX_DISK_CHUNK_BYTES }),
    /^data: chunks are at most 1048576 bytes/,
    'a larger one is refused naming the field',
  );
  rx.abort();
});
