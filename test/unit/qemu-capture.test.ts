// The capture's token scrub on a real ext4 image (mke2fs -d, no QEMU, no mount):
// /token removed and proved gone, the rest of the filesystem intact, any other
// copy of the token's bytes fails the capture; the byte scan across chunk
// borders; management changes checked before anything reaches the guest.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { countOccurrences, dataRanges, extBlockSize, scrubToken } from '../../agent/drivers/qemu/capture.js';
import { validateChange } from '../../agent/drivers/qemu/manage.js';
import type { ConfigApply } from '../../agent/drivers/driver.js';
import { qemuOrSkip } from '../helpers/qemu.js';
import { tmpDir } from '../helpers/tmp.js';

qemuOrSkip('the capture scrub test (qemu-img map)');

const TOKEN = '0123456789abcdef0123456789abcdef';

/** A 16 MiB ext4 image holding `files` (path → content). */
function ext4(files: Record<string, string>): string {
  const d = tmpDir('nephele-scrub-');
  const src = join(d, 'src');
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(src, p, '..'), { recursive: true });
    writeFileSync(join(src, p), c);
  }
  mkdirSync(src, { recursive: true });
  const raw = join(d, 'disk.raw');
  execFileSync('truncate', ['-s', '16M', raw]);
  execFileSync('mke2fs', ['-q', '-F', '-t', 'ext4', '-b', '4096', '-d', src, raw]);
  return raw;
}

const debugfs = (raw: string, req: string) =>
  execFileSync('sh', ['-c', `debugfs -R '${req}' "$0" 2>&1`, raw], { encoding: 'utf8' });

t.test('scrubToken removes /token, proves it gone, keeps the rest', async (t) => {
  const raw = ext4({ token: `${TOKEN}\n`, 'config/title': 'Hello\n', 'www/index.html': '<h1>Hello</h1>\n' });
  t.equal(extBlockSize(raw), 4096);
  t.equal(await countOccurrences(raw, Buffer.from(TOKEN)), 1, 'the token is on the disk before');
  const proof = await scrubToken(raw, [TOKEN]);
  t.match(
    proof,
    /^debugfs: \/token removed \(1 block\(s\) of 4096 B zeroed\), stat \/token fails; e2fsck -fn clean; 0 occurrences of 1 token\(s\) in 16777216 bytes \(\d+ bytes of data, the rest holes\)$/,
  );
  t.match(debugfs(raw, 'stat /token'), /not found/);
  t.equal(await countOccurrences(raw, Buffer.from(TOKEN)), 0);
  t.match(debugfs(raw, 'cat /config/title'), /Hello/, 'other files intact');
});

t.test('a disk without /token: the proof says so, still scanned', async (t) => {
  const raw = ext4({ 'config/title': 'x\n' });
  t.match(await scrubToken(raw, [TOKEN]), /\/token was absent.*0 occurrences of 1 token/);
});

t.test('the token bytes anywhere else fail the capture', async (t) => {
  const raw = ext4({ token: `${TOKEN}\n`, 'www/leak.txt': `copied: ${TOKEN}\n` });
  await t.rejects(scrubToken(raw, [TOKEN]), { code: 'FAILED', message: /remain 1 time\(s\)/ });
});

t.test('the token found on the disk is scanned for too (the guest may not have said it)', async (t) => {
  const raw = ext4({ token: `${TOKEN}\n`, 'x/copy': TOKEN });
  await t.rejects(scrubToken(raw, []), { message: /remain 1 time\(s\)/ });
});

t.test('countOccurrences finds matches across read chunks', async (t) => {
  const d = tmpDir('nephele-count-');
  const p = join(d, 'f');
  const buf = Buffer.alloc(3 << 20);
  const needle = Buffer.from(TOKEN);
  for (const at of [0, (1 << 20) - 10, (2 << 20) - 1, buf.length - needle.length]) needle.copy(buf, at);
  writeFileSync(p, buf);
  t.equal(await countOccurrences(p, needle), 4);
  t.equal(await countOccurrences(p, Buffer.alloc(0)), 0);
  t.equal(await countOccurrences(p, needle, [[0, 1 << 20]]), 1, 'only inside the given ranges');
  t.equal(await countOccurrences(p, needle, [[1 << 20, 3 << 20]]), 2);
});

t.test('dataRanges: the data of a sparse file, holes skipped, adjacent extents merged', async (t) => {
  const d = tmpDir('nephele-map-');
  const p = join(d, 'sparse.raw');
  execFileSync('truncate', ['-s', '64M', p]);
  const fd = openSync(p, 'r+');
  writeSync(fd, Buffer.from(TOKEN), 0, TOKEN.length, 5_000_000);
  writeSync(fd, Buffer.alloc(8192, 1), 0, 8192, 40 << 20);
  closeSync(fd);
  const ranges = await dataRanges('qemu-img', p);
  t.equal(ranges.length, 2, JSON.stringify(ranges));
  t.ok(ranges[0]![0] <= 5_000_000 && ranges[0]![1] >= 5_000_000 + TOKEN.length, 'the written bytes are inside');
  t.ok(ranges.reduce((s, [a, b]) => s + b - a, 0) < 1 << 20, 'far less than the virtual size');
  t.equal(await countOccurrences(p, Buffer.from(TOKEN), ranges), 1);
});

t.test('validateChange names the bad field', async (t) => {
  const ok: ConfigApply = {
    config: { title: 'T', gone: '' },
    files: [{ path: 'www/a.txt', content: Buffer.from('a'), mode: 0o644 }],
    applianceVersion: '1.2',
  };
  t.doesNotThrow(() => validateChange(ok));
  const bad: Array<[Partial<ConfigApply>, RegExp]> = [
    [{ config: { 'Bad Key': 'v' } }, /config key "Bad Key"/],
    [{ config: { title: 'a\nb' } }, /config title: one line/],
    [{ files: [{ path: '/etc/passwd', content: Buffer.from(''), mode: 0o644 }] }, /files path "\/etc\/passwd"/],
    [{ files: [{ path: 'a/../../b', content: Buffer.from(''), mode: 0o644 }] }, /files path/],
    [{ files: [{ path: 'a//b', content: Buffer.from(''), mode: 0o644 }] }, /files path/],
    [{ files: [{ path: 'token', content: Buffer.from(''), mode: 0o600 }] }, /files path "token"/],
    [{ files: [{ path: 'big', content: Buffer.alloc((1 << 20) + 1), mode: 0o644 }] }, /files big: over/],
    [{ files: [{ path: 'm', content: Buffer.from(''), mode: 0o10000 }] }, /files m: mode/],
    [{ applianceVersion: 'two words' }, /appliance_version/],
  ];
  for (const [change, msg] of bad)
    t.throws(() => validateChange({ ...ok, ...change }), { code: 'INVALID_SPEC', message: msg }, String(msg));
});
