import t, { type Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  applianceImageProblem,
  extractTar,
  inspectApplianceTar,
  inspectTar,
  TarRejectedError,
  writeTar,
  type TarLimits,
} from '../../common/tar.js';
import { tmpDir } from '../helpers/tmp.js';

// common/tar.ts on real and crafted archives: what we write is plain ustar (GNU
// tar reads it back), and every hostile archive (links, devices, '..',
// absolute paths, control characters, duplicates, sizes over the limits,
// truncation, hidden data after the end) is refused with a reason, before a
// single byte is written, and nothing lands outside the target dir.

interface Craft {
  name: string;
  type?: string;
  size?: number;
  /** Content; default `size` zero bytes. */
  data?: Buffer;
  mode?: number;
  link?: string;
  prefix?: string;
  /** Raw size field (e.g. base-256). */
  sizeField?: Buffer;
  badSum?: boolean;
  /** GNU magic ('ustar  '), whose bytes at 345 are times, not a prefix. */
  gnu?: boolean;
}

function hdr(c: Craft): Buffer {
  const h = Buffer.alloc(512);
  h.write(c.name, 0, 100, 'utf8');
  h.write((c.mode ?? 0o644).toString(8).padStart(7, '0'), 100, 'latin1');
  h.write('0000000', 108, 'latin1');
  h.write('0000000', 116, 'latin1');
  const size = c.size ?? c.data?.length ?? 0;
  if (c.sizeField) c.sizeField.copy(h, 124);
  else h.write(size.toString(8).padStart(11, '0'), 124, 'latin1');
  h.write('00000000000', 136, 'latin1');
  h.write(c.type ?? '0', 156, 'latin1');
  if (c.link) h.write(c.link, 157, 100, 'utf8');
  h.write(c.gnu ? 'ustar  \u0000' : 'ustar\u000000', 257, 'latin1');
  if (c.prefix) h.write(c.prefix, 345, 155, 'utf8');
  h.fill(0x20, 148, 156);
  let s = 0;
  for (const b of h) s += b;
  h.write((s + (c.badSum ? 1 : 0)).toString(8).padStart(6, '0') + '\u0000 ', 148, 'latin1');
  return h;
}

function entry(c: Craft): Buffer {
  const data = c.data ?? Buffer.alloc(c.sizeField ? 0 : (c.size ?? 0));
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([hdr(c), data, pad]);
}

const END = Buffer.alloc(1024);
const root = tmpDir('nephele-tar-');
let n = 0;
function tarOf(...parts: Buffer[]): string {
  const p = join(root, `t${n++}.tar`);
  writeFileSync(p, Buffer.concat(parts));
  return p;
}

/** Extraction must refuse `tar` with a problem matching `re`, writing nothing anywhere. */
function refused(tt: Test, tar: string, re: RegExp, limits?: TarLimits) {
  const got = inspectTar(tar, limits);
  tt.match(got.problems.join('\n'), re, 'inspect names the problem');
  const parent = join(root, `x${n++}`);
  mkdirSync(parent);
  const dest = join(parent, 'target');
  tt.throws(() => extractTar(tar, dest, limits), TarRejectedError);
  tt.notOk(existsSync(dest), 'nothing written');
  tt.same(readdirSync(parent), [], 'nothing beside the target either');
}

const hello = Buffer.from('hello\n');

t.test('round trip: ours is read by GNU tar and by us; deterministic; exclude works', async (tt) => {
  const src = join(root, 'src');
  mkdirSync(join(src, 'data/deep'), { recursive: true });
  writeFileSync(join(src, 'config.json'), '{"title":"x"}');
  writeFileSync(join(src, 'data/deep/f.bin'), Buffer.alloc(70_000, 7), { mode: 0o4755 });
  writeFileSync(join(src, 'token'), 'SECRET');
  const long = 'd'.repeat(90);
  mkdirSync(join(src, long), { recursive: true });
  writeFileSync(join(src, long, 'e'.repeat(40)), 'long');
  const a = writeTar(src, join(root, 'a.tar'), { exclude: ['token'] });
  const b = writeTar(src, join(root, 'b.tar'), { exclude: ['token'] });
  tt.equal(a.sha256, b.sha256, 'same content, same sha256');
  tt.equal(statSync(join(root, 'a.tar')).size, a.sizeBytes);
  tt.equal(statSync(join(root, 'a.tar')).mode & 0o777, 0o600);
  tt.notOk(a.entries.some((e) => e.path === 'token'));
  const listed = execFileSync('tar', ['-tf', join(root, 'a.tar')], { encoding: 'utf8' })
    .trim()
    .split('\n');
  tt.ok(listed.includes(`${long}/${'e'.repeat(40)}`), 'prefix split read by GNU tar');
  tt.notOk(listed.includes('token'));
  const ins = inspectTar(join(root, 'a.tar'));
  tt.same(ins.problems, []);
  tt.equal(ins.entries.length, a.entries.length);
  const out = join(root, 'out');
  extractTar(join(root, 'a.tar'), out);
  tt.equal(readFileSync(join(out, 'config.json'), 'utf8'), '{"title":"x"}');
  tt.equal(readFileSync(join(out, 'data/deep/f.bin')).length, 70_000);
  tt.equal(statSync(join(out, 'data/deep/f.bin')).mode & 0o7777, 0o755, 'setuid dropped');
  tt.equal(readFileSync(join(out, long, 'e'.repeat(40)), 'utf8'), 'long');
  // A GNU tar archive of plain files is accepted too.
  execFileSync('tar', ['--format=ustar', '-cf', join(root, 'gnu.tar'), '-C', src, 'config.json', 'data']);
  tt.same(inspectTar(join(root, 'gnu.tar')).problems, []);
  // So is one of the whole dir in GNU format ('./' first), and a dir listed after its content.
  execFileSync('tar', ['--format=gnu', '--exclude', 'dddd*', '-cf', join(root, 'dot.tar'), '-C', src, '.']);
  const dot = inspectTar(join(root, 'dot.tar'));
  tt.same(dot.problems, []);
  tt.ok(dot.entries.some((e) => e.path === 'data/deep/f.bin'));
  tt.notOk(dot.entries.some((e) => e.path === '' || e.path === '.'));
  execFileSync('tar', [
    '--no-recursion',
    '-cf',
    join(root, 'late.tar'),
    '-C',
    src,
    'data/deep/f.bin',
    'data/deep',
    'data',
  ]);
  tt.same(inspectTar(join(root, 'late.tar')).problems, []);
});

t.test('writeTar refuses a symlink in the source', async (tt) => {
  const src = join(root, 'src-link');
  mkdirSync(src);
  symlinkSync('/etc/passwd', join(src, 'pw'));
  tt.throws(() => writeTar(src, join(root, 'l.tar')), /not a regular file/);
});

t.test('hostile archives are refused with a reason', async (tt) => {
  const ok = entry({ name: 'ok.txt', data: hello });
  refused(tt, tarOf(ok, entry({ name: 'evil', type: '2', link: '/etc/passwd' }), END), /"evil" is a symlink/);
  refused(tt, tarOf(entry({ name: 'hard', type: '1', link: '/etc/shadow' }), END), /is a hard link/);
  refused(tt, tarOf(entry({ name: 'null', type: '3' }), END), /character device/);
  refused(tt, tarOf(entry({ name: 'sda', type: '4' }), END), /block device/);
  refused(tt, tarOf(entry({ name: 'fifo', type: '6' }), END), /fifo/);
  refused(tt, tarOf(entry({ name: 'pax', type: 'x', data: Buffer.from('30 path=../../etc/cron.d/x\n') }), END), /pax/);
  refused(tt, tarOf(entry({ name: '././@LongLink', type: 'L', data: Buffer.from('../x') }), END), /GNU long name/);
  refused(tt, tarOf(entry({ name: 'q', type: 'Z' }), END), /unknown entry type/);
  refused(tt, tarOf(entry({ name: '../escape', data: hello }), END), /leaves the target dir/);
  refused(tt, tarOf(entry({ name: 'a/../../escape', data: hello }), END), /leaves the target dir/);
  refused(tt, tarOf(entry({ name: 'escape', prefix: '..', data: hello }), END), /leaves the target dir/);
  refused(tt, tarOf(entry({ name: '/etc/cron.d/x', data: hello }), END), /absolute path/);
  refused(tt, tarOf(entry({ name: 'x', prefix: '/etc', data: hello }), END), /absolute path/);
  refused(tt, tarOf(entry({ name: 'bad\nname', data: hello }), END), /control characters/);
  refused(tt, tarOf(entry({ name: 'a\\..\\b', data: hello }), END), /backslash/);
  refused(tt, tarOf(entry({ name: 'a//b', data: hello }), END), /empty or '\.' component/);
  refused(tt, tarOf(ok, entry({ name: 'ok.txt', data: hello }), END), /"ok.txt" appears twice/);
  refused(tt, tarOf(ok, entry({ name: './ok.txt', data: hello }), END), /appears twice/);
  refused(tt, tarOf(ok, entry({ name: 'ok.txt/under', data: hello }), END), /which is a file/);
  refused(tt, tarOf(entry({ name: 'd/', type: '5', size: 512 }), END), /dir with content/);
  refused(tt, tarOf(entry({ name: 'x', data: hello, badSum: true }), END), /bad header checksum/);
  const b256 = Buffer.alloc(12);
  b256[0] = 0x80;
  b256[11] = 1;
  refused(tt, tarOf(entry({ name: 'big', sizeField: b256 }), END), /bad size field/);
  refused(tt, tarOf(Buffer.from('not a tar at all'.padEnd(512, 'x')), END), /bad header checksum/);
});

t.test('truncation and trailing data', async (tt) => {
  const full = Buffer.concat([entry({ name: 'f', data: Buffer.alloc(2000, 1) }), END]);
  refused(tt, tarOf(full.subarray(0, 300)), /truncated header/);
  refused(tt, tarOf(full.subarray(0, 1024)), /runs past the end/);
  refused(tt, tarOf(entry({ name: 'f', data: hello })), /no end-of-archive marker/);
  refused(tt, tarOf(entry({ name: 'f', data: hello }), END, Buffer.from('hidden payload')), /after the end-of-archive/);
  // Zero padding after the end (GNU tar pads to 10 KiB records) is fine.
  tt.same(inspectTar(tarOf(entry({ name: 'f', data: hello }), END, Buffer.alloc(8192))).problems, []);
  // A header claiming a huge size in a tiny file is truncation, not an allocation.
  refused(tt, tarOf(entry({ name: 'f', size: 0o77777777777, data: Buffer.alloc(0) }), END), /over the limit/);
});

t.test('limits', async (tt) => {
  const lim: TarLimits = { maxEntries: 3, maxBytes: 4096, maxFileBytes: 2048, maxDepth: 3 };
  const f = (name: string, size = 10) => entry({ name, data: Buffer.alloc(size, 1) });
  refused(tt, tarOf(f('a'), f('b'), f('c'), f('d'), END), /more than 3 entries/, lim);
  refused(tt, tarOf(f('a', 3000), END), /over the limit of 2048/, lim);
  refused(tt, tarOf(f('a', 2000), f('b', 2000), f('c', 2000), END), /content over the limit of 4096/, lim);
  refused(tt, tarOf(f('a/b/c/d'), END), /deeper than 3/, lim);
  tt.same(inspectTar(tarOf(f('a'), f('b'), f('c/d'), END), lim).problems, []);
});

t.test('extraction never writes through a symlink already in the target', async (tt) => {
  const outside = join(root, 'outside');
  mkdirSync(outside);
  const dest = join(root, 'dest-link');
  mkdirSync(dest);
  symlinkSync(outside, join(dest, 'sub'));
  symlinkSync(join(outside, 'victim'), join(dest, 'file'));
  const tar = tarOf(entry({ name: 'sub/x', data: hello }), END);
  tt.throws(() => extractTar(tar, dest), /non-dir is in the way/);
  tt.throws(() => extractTar(tarOf(entry({ name: 'file', data: hello }), END), dest), /non-file is in the way/);
  tt.same(readdirSync(outside), [], 'nothing written outside');
  // A regular file in the way is replaced (a fresh inode, never written in place).
  writeFileSync(join(dest, 'plain'), 'old');
  extractTar(tarOf(entry({ name: 'plain', data: hello, mode: 0o4777 }), END), dest);
  tt.equal(readFileSync(join(dest, 'plain'), 'utf8'), 'hello\n');
  tt.equal(statSync(join(dest, 'plain')).mode & 0o7777, 0o755);
});

t.test('a flood of bad entries stops at 20 problems', async (tt) => {
  const links = Array.from({ length: 500 }, (_, i) => entry({ name: `l${i}`, type: '2', link: '/' }));
  const got = inspectTar(tarOf(...links, END));
  tt.equal(got.problems.length, 20);
});

t.test('process appliance images hold only config.json, data/ and appliance-version', async (tt) => {
  const f = (name: string, size = 10) => entry({ name, data: Buffer.alloc(size, 0x61) });
  const d = (name: string) => entry({ name: `${name}/`, type: '5' });
  const check = (...parts: Buffer[]) => applianceImageProblem(inspectTar(tarOf(...parts, END)).entries);
  tt.equal(check(f('config.json'), d('data'), f('data/a/b'), f('appliance-version')), undefined);
  tt.match(check(f('token')), /holds "token"/);
  tt.match(check(f('uid')), /holds "uid"/);
  tt.match(check(f('handle.json')), /holds "handle.json"/);
  tt.match(check(d('www'), f('www/index.html')), /holds "www"/);
  tt.match(check(d('config.json')), /config.json in the image is not a file/);
  tt.match(check(f('config.json', 70_000)), /over 65536 bytes/);
  tt.match(check(f('data')), /data in the image is not a dir/);
  tt.same(inspectApplianceTar(tarOf(f('uid'), END)).problems, [
    'the image holds "uid", outside config.json, data, appliance-version',
  ]);
  tt.same(inspectApplianceTar(tarOf(f('config.json'), END)).problems, []);
});

t.test('a GNU header has no prefix field', async (tt) => {
  const got = inspectTar(tarOf(entry({ name: 'f', prefix: '14567012345', gnu: true, data: hello }), END));
  tt.same(got.problems, []);
  tt.same(
    got.entries.map((e) => e.path),
    ['f'],
  );
});

t.test('only a regular file is read as an archive (a fifo does not hang it)', async (tt) => {
  const fifo = join(root, 'fifo');
  execFileSync('mkfifo', [fifo]);
  tt.same(inspectTar(fifo).problems, ['not a regular file']);
  tt.throws(() => extractTar(fifo, join(root, 'fifo-out')), /not a regular file/);
  tt.same(inspectTar('/dev/null').problems, ['not a regular file'], 'nor a device');
});

t.test("the image store's seam: (path, { maxEntries, maxBytes }) => { problems }", async (tt) => {
  const seam: (path: string, limits: { maxEntries: number; maxBytes: number }) => { problems: string[] } =
    inspectApplianceTar;
  const f = (name: string, size: number) => entry({ name, data: Buffer.alloc(size, 1) });
  tt.same(seam(tarOf(f('config.json', 10), f('data/big', 5000), END), { maxEntries: 10, maxBytes: 6000 }).problems, []);
  tt.match(
    seam(tarOf(f('data/big', 7000), END), { maxEntries: 10, maxBytes: 6000 }).problems.join(),
    /over the limit of 6000/,
  );
  tt.match(
    seam(tarOf(f('a', 1), f('b', 1), END), { maxEntries: 1, maxBytes: 6000 }).problems.join(),
    /more than 1 entries/,
  );
});
