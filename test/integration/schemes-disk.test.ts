import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { convertDisk } from '../../controller/schemes/disk/convert.js';
import { EXTENSION, QEMU_FORMAT } from '../../controller/schemes/disk/formats.js';
import { DISK_FORMATS } from '../../common/spec/definition.js';
import { ROOT } from '../helpers/procs.js';
import { buildGuestImage, haveQemu, qemuOrSkip } from '../helpers/qemu.js';
import { tmpDir } from '../helpers/tmp.js';

// Real qemu-img: the guest image's data disk converted into every format and
// from every format into every other; `qemu-img info` (the peer tool) reads each
// output in the format claimed with the same virtual size, and `qemu-img compare`
// finds the same guest-visible content.

qemuOrSkip('schemes-disk');

t.test('every format to every other, read back by qemu-img', async (t) => {
  t.ok(haveQemu, 'qemu-img is installed');
  if (!haveQemu) return;
  buildGuestImage(t);
  const src = join(ROOT, '.cache/guest/nephele-guest/data.qcow2');
  const dir = tmpDir();
  const o = { maxVirtualBytes: 1024 ** 3 };
  const info = (p: string, f: string) =>
    JSON.parse(execFileSync('qemu-img', ['info', '--output=json', '-f', f, p], { encoding: 'utf8' })) as {
      format: string;
      'virtual-size': number;
    };
  const want = info(src, 'qcow2')['virtual-size'];
  const firsts: Record<string, string> = {};
  for (const f of DISK_FORMATS) {
    const p = join(dir, `first.${EXTENSION[f]}`);
    const seen: number[] = [];
    const r = await convertDisk(src, 'qcow2', p, f, { ...o, onProgress: (x) => seen.push(x) });
    t.equal(r.virtualBytes, want, `qcow2 -> ${f}: virtual size`);
    t.equal(seen.at(-1), 100, `qcow2 -> ${f}: progress reaches 100`);
    firsts[f] = p;
  }
  for (const from of DISK_FORMATS)
    for (const to of DISK_FORMATS) {
      const p = join(dir, `${from}-to.${EXTENSION[to]}`);
      await convertDisk(firsts[from]!, from, p, to, o);
      const i = info(p, QEMU_FORMAT[to]);
      t.equal(i.format, QEMU_FORMAT[to], `${from} -> ${to}: qemu-img reads it as ${QEMU_FORMAT[to]}`);
      t.equal(i['virtual-size'], want, `${from} -> ${to}: same virtual size`);
      execFileSync('qemu-img', ['compare', '-f', 'qcow2', '-F', QEMU_FORMAT[to], src, p]);
    }
  t.pass('qemu-img compare: same content for all 16 pairs');
  t.notOk(
    readdirSync(dir).some((f) => f.endsWith('.part')),
    'no partial files left',
  );

  const ac = new AbortController();
  const out = join(dir, 'cancelled.vmdk');
  const p = convertDisk(firsts.raw!, 'raw', out, 'vmdk', { ...o, signal: ac.signal });
  ac.abort();
  await t.rejects(p, /cancelled/, 'a cancelled conversion fails');
  t.notOk(existsSync(out) || existsSync(`${out}.part`), 'and leaves no file');
});
