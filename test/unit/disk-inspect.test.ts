import t from 'tap';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  backingProblems,
  DiskRejectedError,
  headerProblems,
  parseQcow2Header,
  qemuImgInfoProblems,
  readHeaderWindow,
  type DiskExpectation,
} from '../../common/disk-inspect.js';
import { tmpDir } from '../helpers/tmp.js';

// The disk inspector on crafted qcow2 headers (no qemu-img here): every way a
// qcow2 file can make QEMU open something else is refused, with a reason that
// says which; an honest overlay on our base passes.

const SHA = 'ab'.repeat(32);
const BASE = `/var/lib/nephele/vms/.bases/${SHA}.qcow2`;
const EXPECT: DiskExpectation = { baseSha256: SHA, maxVirtualBytes: 2 * 1024 ** 3 };

interface Craft {
  version?: number;
  size?: number;
  backing?: string;
  backingFormat?: string;
  incompatible?: bigint;
  autoclear?: bigint;
  crypt?: number;
  snapshots?: number;
  extensions?: [number, Buffer][];
  clusterBits?: number;
  magic?: number;
}

/** A qcow2 header as qemu lays it out: fixed header, extensions, end marker, backing name. */
function craft(o: Craft = {}): Buffer {
  const b = Buffer.alloc(4096);
  const v = o.version ?? 3;
  b.writeUInt32BE(o.magic ?? 0x514649fb, 0);
  b.writeUInt32BE(v, 4);
  b.writeUInt32BE(o.clusterBits ?? 16, 20);
  b.writeBigUInt64BE(BigInt(o.size ?? 1024 ** 3), 24);
  b.writeUInt32BE(o.crypt ?? 0, 32);
  b.writeUInt32BE(o.snapshots ?? 0, 60);
  let off = 72;
  if (v === 3) {
    b.writeBigUInt64BE(o.incompatible ?? 0n, 72);
    b.writeBigUInt64BE(o.autoclear ?? 0n, 88);
    b.writeUInt32BE(4, 96);
    b.writeUInt32BE(112, 100);
    off = 112;
  }
  const exts: [number, Buffer][] = [...(o.extensions ?? [])];
  if (o.backingFormat) exts.unshift([0xe2792aca, Buffer.from(o.backingFormat)]);
  for (const [type, data] of exts) {
    b.writeUInt32BE(type, off);
    b.writeUInt32BE(data.length, off + 4);
    data.copy(b, off + 8);
    off += 8 + Math.ceil(data.length / 8) * 8;
  }
  off += 8; // end marker (zeros)
  if (o.backing !== undefined) {
    const name = Buffer.from(o.backing);
    b.writeBigUInt64BE(BigInt(off), 8);
    b.writeUInt32BE(name.length, 16);
    name.copy(b, off);
  }
  return b;
}

const problems = (o: Craft, e = EXPECT) => headerProblems(parseQcow2Header(craft(o)), e);
const rejects = (o: Craft): string => {
  try {
    return problems(o).join('; ');
  } catch (e) {
    return e instanceof DiskRejectedError ? e.reasons.join('; ') : `threw ${(e as Error).message}`;
  }
};

t.test('an honest overlay on our base passes; so does a disk without backing', async (t) => {
  t.same(problems({ backing: BASE, backingFormat: 'qcow2' }), []);
  const h = parseQcow2Header(craft({ backing: BASE, backingFormat: 'qcow2' }));
  t.equal(h.backing, BASE);
  t.equal(h.virtualBytes, 1024 ** 3);
  t.same(problems({}), []);
  t.same(problems({ version: 2, backing: BASE }), [], 'qcow2 v2 too');
  t.same(
    problems({ incompatible: 1n | (1n << 3n) | (1n << 4n) }),
    [],
    'dirty, compression type and extended L2 are known and harmless',
  );
  t.same(problems({}, { maxVirtualBytes: 1024 ** 3 }), [], 'no backing expected, none present');
});

t.test('an external data file is refused however it is stated', async (t) => {
  t.match(rejects({ incompatible: 1n << 2n }), /external data file/, 'incompatible bit 2');
  t.match(
    rejects({ extensions: [[0x44415441, Buffer.from('/etc/shadow')]] }),
    /external data file "\/etc\/shadow"/,
    'the data file name extension alone',
  );
  t.match(rejects({ autoclear: 1n << 1n }), /external data file/, 'the raw-data-file autoclear bit');
});

t.test('backing names that are not exactly our base are refused', async (t) => {
  const cases: [string, RegExp][] = [
    ['json:{"driver":"file","filename":"/etc/shadow"}', /json: block device specification/],
    ['nbd:127.0.0.1:10809', /names a protocol/],
    ['nbd+unix:///x?socket=/run/s', /names a protocol/],
    ['http://example.com/x.qcow2', /names a protocol/],
    ['file:/etc/shadow', /names a protocol/],
    [`${SHA}.qcow2`, /not an absolute path/],
    ['../../etc/passwd', /not an absolute path/],
    [`/somewhere/${'cd'.repeat(32)}.qcow2`, /not by this host's base image/],
    [`/x/${SHA}.qcow2\n`, /control characters/],
    ['/etc/shadow', /not by this host's base image/],
  ];
  for (const [name, re] of cases) t.match(rejects({ backing: name }), re, name);
  t.match(rejects({ backing: BASE, backingFormat: 'raw' }), /declared as "raw"/, 'a raw backing format');
  t.match(
    headerProblems(parseQcow2Header(craft({ backing: BASE })), { maxVirtualBytes: 2 ** 40 }).join(),
    /none is expected/,
    'a backing file where none may be',
  );
});

t.test(
  'unknown features, corruption, encryption, snapshots, absurd sizes and strange extensions are refused',
  async (t) => {
    t.match(rejects({ incompatible: 1n << 5n }), /unknown incompatible features \(bits 5\)/);
    t.match(rejects({ incompatible: 1n << 63n }), /bits 63/);
    t.match(rejects({ incompatible: 1n << 1n }), /marked corrupt/);
    t.match(rejects({ crypt: 1 }), /encrypted/, 'AES');
    t.match(rejects({ crypt: 2 }), /encrypted/, 'LUKS');
    t.match(rejects({ extensions: [[0x0537be77, Buffer.alloc(16)]] }), /encrypted/, 'an encryption header extension');
    t.match(rejects({ snapshots: 2 }), /2 internal snapshots/);
    t.match(rejects({ size: 2 ** 60 }), /virtual size .* exceeds/);
    t.match(rejects({ extensions: [[0x12345678, Buffer.alloc(4)]] }), /unknown header extensions 0x12345678/);
  },
);

t.test('what is not a well-formed qcow2 header is refused before anything else', async (t) => {
  t.match(rejects({ magic: 0 }), /not a qcow2 file/, 'raw data');
  t.match(rejects({ version: 1 }), /version 1/);
  t.match(rejects({ clusterBits: 40 }), /cluster size/);
  t.throws(() => parseQcow2Header(craft().subarray(0, 80)), DiskRejectedError, 'truncated v3 header');
  const far = craft({ backing: BASE });
  far.writeBigUInt64BE(1n << 40n, 8);
  t.throws(() => parseQcow2Header(far), /outside the header area/, 'a backing name far out in the file');
  const long = craft({ backing: BASE });
  long.writeUInt32BE(5000, 16);
  t.throws(() => parseQcow2Header(long), /backing file name length/, 'an over-long backing name');
  const loop = craft();
  for (let off = 112; off + 8 <= 4096; off += 8) loop.writeUInt32BE(0x6803f857, off);
  t.throws(() => parseQcow2Header(loop), /too many header extensions|run past/, 'extensions that never end');
  const binary = craft({ backing: BASE });
  binary[binary.indexOf('/var') + 1] = 0xff;
  t.throws(() => parseQcow2Header(binary), /not valid UTF-8/);
});

t.test('only regular files are read', async (t) => {
  const dir = tmpDir();
  const f = join(dir, 'disk.qcow2');
  writeFileSync(f, craft());
  t.equal(readHeaderWindow(f).length, 4096);
  symlinkSync(f, join(dir, 'link.qcow2'));
  t.throws(() => readHeaderWindow(join(dir, 'link.qcow2')), /symbolic link/);
  t.throws(() => readHeaderWindow(dir), /not a regular file/);
});

t.test("qemu-img's view is checked on its own", async (t) => {
  const ok = {
    'virtual-size': 1024 ** 3,
    format: 'qcow2',
    'format-specific': { type: 'qcow2', data: { compat: '1.1', corrupt: false } },
    'backing-filename': BASE,
    'full-backing-filename': BASE,
    'backing-filename-format': 'qcow2',
  };
  t.same(qemuImgInfoProblems(ok, EXPECT), []);
  const withData = (d: Record<string, unknown>) => ({
    ...ok,
    'format-specific': { type: 'qcow2', data: { ...ok['format-specific'].data, ...d } },
  });
  t.match(
    qemuImgInfoProblems(withData({ 'data-file': '/tmp/secret', 'data-file-raw': true }), EXPECT).join(),
    /external data file "\/tmp\/secret"/,
  );
  t.match(qemuImgInfoProblems(withData({ 'data-file-raw': true }), EXPECT).join(), /external data file/);
  t.match(qemuImgInfoProblems(withData({ corrupt: true }), EXPECT).join(), /corrupt/);
  t.match(qemuImgInfoProblems(withData({ encrypt: { format: 'luks' } }), EXPECT).join(), /encrypted/);
  t.match(qemuImgInfoProblems({ ...ok, 'full-backing-filename': 'json:{"driver":"nbd"}' }, EXPECT).join(), /json:/);
  t.match(qemuImgInfoProblems({ ...ok, 'backing-filename-format': 'raw' }, EXPECT).join(), /declared as "raw"/);
  t.match(qemuImgInfoProblems({ ...ok, format: 'raw', 'format-specific': undefined }, EXPECT).join(), /not qcow2/);
  t.match(qemuImgInfoProblems({ ...ok, snapshots: [{ id: '1' }] }, EXPECT).join(), /snapshots/);
  t.match(qemuImgInfoProblems({ ...ok, 'backing-image': {} }, EXPECT).join(), /backing chain/);
  t.match(qemuImgInfoProblems({ ...ok, 'virtual-size': 2 ** 50 }, EXPECT).join(), /exceeds/);
  t.match(qemuImgInfoProblems(null, EXPECT).join(), /no information/);
});

t.test('messages never carry raw control characters from the file', async (t) => {
  const [p] = backingProblems('nbd:\x1b]0;pwned\x07', EXPECT);
  t.notMatch(p!, /[\x00-\x1f]/);
});
