import t from 'tap';
import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiskRejectedError } from '../../common/disk-inspect.js';
import { convertDisk, lastProgress } from '../../controller/schemes/disk/convert.js';
import { descriptorProblems, inspectDisk, sniffDisk, vhdProblems } from '../../controller/schemes/disk/inspect.js';
import { tmpDir } from '../helpers/tmp.js';

// Foreign disks are refused before qemu-img ever opens them: a fake qemu-img
// records every call, and a hostile disk must leave it uncalled. Also the
// progress parser on qemu-img's own output.

const dir = tmpDir();
const calls = join(dir, 'calls');
const fake = join(dir, 'qemu-img');
writeFileSync(fake, `#!/bin/sh\necho "$@" >> ${calls}\nexit 1\n`);
chmodSync(fake, 0o755);
const o = { maxVirtualBytes: 1024 ** 4, qemuImg: fake };

function kdmv(o: { capacity?: bigint; descriptor?: string } = {}): Buffer {
  const buf = Buffer.alloc(512 * 8);
  buf.writeUInt32LE(0x564d444b, 0);
  buf.writeUInt32LE(1, 4);
  buf.writeBigUInt64LE(o.capacity ?? 131072n, 12);
  buf.writeBigUInt64LE(128n, 20);
  if (o.descriptor !== undefined) {
    buf.writeBigUInt64LE(1n, 28);
    buf.writeBigUInt64LE(4n, 36);
    buf.write(o.descriptor, 512, 'latin1');
  }
  return buf;
}
const desc = (extent: string, extra = '') =>
  `# Disk DescriptorFile\nversion=1\nCID=12345678\nparentCID=ffffffff\ncreateType="monolithicSparse"\n${extra}\n${extent}\n`;

function vhd(type: number): Buffer {
  const f = Buffer.alloc(512);
  f.write('conectix', 0, 'latin1');
  f.writeUInt32BE(type, 60);
  return f;
}

const hostile: [string, 'vmdk' | 'vhd' | 'raw' | 'qcow2', Buffer, RegExp][] = [
  [
    'a vmdk descriptor file naming /etc/shadow',
    'vmdk',
    Buffer.from(
      '# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="monolithicFlat"\nRW 2048 FLAT "/etc/shadow" 0\n',
    ),
    /descriptor file: its extents are other files/,
  ],
  [
    'a sparse vmdk of capacity 0 whose embedded descriptor names /etc/shadow',
    'vmdk',
    kdmv({ capacity: 0n, descriptor: desc('RW 2048 FLAT "/etc/shadow" 0') }),
    /capacity is 0.*FLAT/s,
  ],
  [
    'a sparse vmdk with a parent (backing) disk',
    'vmdk',
    kdmv({ descriptor: desc('RW 131072 SPARSE "x.vmdk"', 'parentFileNameHint="/etc/passwd"') }),
    /parent \(backing\) disk "\/etc\/passwd"/,
  ],
  [
    'a sparse vmdk with a second, flat extent',
    'vmdk',
    kdmv({ descriptor: desc('RW 131072 SPARSE "x.vmdk"\nRW 8 FLAT "/dev/sda" 0') }),
    /FLAT.*\/dev\/sda.*2 extents/s,
  ],
  ['a differencing VHD', 'vhd', vhd(4), /differencing VHD/],
  [
    'a qcow2 declared as vmdk',
    'vmdk',
    Buffer.from('QFI\xfb\0\0\0\x03' + '\0'.repeat(200), 'latin1'),
    /declared vmdk, but the data is qcow2/,
  ],
  ['a vmdk declared as raw', 'raw', kdmv(), /declared raw, but the data is vmdk/],
  ['a VHDX declared as raw', 'raw', Buffer.from('vhdxfile' + '\0'.repeat(600), 'latin1'), /another disk format/],
  ['a raw disk declared as vhd', 'vhd', Buffer.alloc(4096), /declared vhd, but the data is raw/],
];

t.test('hostile disks are refused before qemu-img runs', async (t) => {
  for (const [what, format, bytes, why] of hostile) {
    const p = join(dir, `disk-${format}`);
    writeFileSync(p, bytes);
    const err = await inspectDisk(p, format, o).catch((e: unknown) => e);
    t.ok(err instanceof DiskRejectedError, `${what}: refused`);
    t.match((err as Error).message, why, `${what}: says why`);
    const out = join(dir, 'out.qcow2');
    await t.rejects(convertDisk(p, format, out, 'qcow2', o), DiskRejectedError, `${what}: convertDisk refuses it`);
    t.notOk(existsSync(out) || existsSync(`${out}.part`), `${what}: no output file`);
  }
  t.notOk(existsSync(calls), 'qemu-img was never run');
  t.same(readdirSync(dir).sort(), ['disk-raw', 'disk-vhd', 'disk-vmdk', 'qemu-img'].sort(), 'nothing else left');
});

t.test('a symlink is not a disk', async (t) => {
  const { symlinkSync } = await import('node:fs');
  const l = join(dir, 'link.vmdk');
  symlinkSync('/etc/shadow', l);
  await t.rejects(inspectDisk(l, 'vmdk', o), /symbolic link/);
});

t.test('honest shapes pass our own parse', async (t) => {
  t.same(descriptorProblems(desc('RW 131072 SPARSE "renamed-long-ago.vmdk"')), [], 'its own sparse extent');
  t.same(descriptorProblems(desc('RW 131072 SPARSE "x.vmdk"').replace('monolithicSparse', 'streamOptimized')), []);
  t.same(vhdProblems(vhd(2)), [], 'fixed VHD');
  t.same(vhdProblems(vhd(3)), [], 'dynamic VHD');
  t.equal(sniffDisk(kdmv()), 'vmdk');
  t.equal(sniffDisk(vhd(3)), 'vhd');
  t.equal(sniffDisk(Buffer.alloc(1024)), 'raw');
});

t.test('progress from qemu-img convert -p output', async (t) => {
  t.equal(lastProgress('    (0.00/100%)\r'), 0);
  t.equal(lastProgress('    (0.00/100%)\r    (12.50/100%)\r    (37.01/100%)\r'), 37.01);
  t.equal(lastProgress('    (100.00/100%)\r\n'), 100);
  t.equal(lastProgress('no progress here'), undefined);
  t.equal(lastProgress('(900.00/100%)'), undefined, 'nonsense ignored');
});
