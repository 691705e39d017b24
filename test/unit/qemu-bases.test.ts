// Bases of linked clones (spec.base): stored by the image's sha256 as qcow2
// whatever the image's format, the sha256 checked again, a qcow2 that is not
// standalone refused. Needs qemu-img (no guest).
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BaseStore, MAX_CONCURRENT_DISKS } from '../../agent/drivers/qemu/bases.js';
import { createVmDisk } from '../../agent/drivers/qemu/disk.js';
import { vmPaths } from '../../agent/drivers/qemu/launch.js';
import { qcow2VirtualSize } from '../../agent/drivers/qemu/image.js';
import type { BaseImage } from '../../agent/drivers/driver.js';
import { qemuOrSkip } from '../helpers/qemu.js';
import { tmpDir } from '../helpers/tmp.js';

qemuOrSkip('the qemu bases test');
const d = tmpDir('nephele-bases-');
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const store = new BaseStore(join(d, 'state'));
const img = (path: string, format: BaseImage['format']): BaseImage => ({
  imageId: 'img-1',
  sha256: sha(path),
  format,
  bootImage: 'nephele-guest',
  path,
});

t.test('a raw image is stored as qcow2 under its own sha256; a second ensure reuses it', async (t) => {
  const raw = join(d, 'disk.raw');
  writeFileSync(raw, Buffer.alloc(4 << 20, 7));
  const b = await store.exclusive(() => store.ensureImage(img(raw, 'raw'), 'qemu-img'));
  t.equal(b.path, join(d, 'state', '.bases', `${sha(raw)}.qcow2`));
  t.equal(qcow2VirtualSize(b.path), 4 << 20, 'a qcow2 of the same virtual size');
  t.same(await store.ensureImage(img(raw, 'raw'), 'qemu-img'), b, 'reused');
});

t.test('qcow2: copied when standalone; a backing file, a wrong sha256 or a tar are refused', async (t) => {
  const q = join(d, 'disk.qcow2');
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', q, '8M']);
  const b = await store.ensureImage(img(q, 'qcow2'), 'qemu-img');
  t.ok(existsSync(b.path));
  t.equal(sha(b.path), sha(q), 'byte-identical copy');
  const child = join(d, 'child.qcow2');
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', q, '-F', 'qcow2', child]);
  await t.rejects(store.ensureImage(img(child, 'qcow2'), 'qemu-img'), {
    code: 'INVALID_SPEC',
    message: /base img-1 refused/,
  });
  await t.rejects(store.ensureImage({ ...img(child, 'qcow2'), sha256: 'f'.repeat(64) }, 'qemu-img'), {
    code: 'INVALID_SPEC',
    message: /does not match its sha256/,
  });
  await t.rejects(store.ensureImage(img(child, 'tar'), 'qemu-img'), { code: 'INVALID_SPEC', message: /format tar/ });
});

t.test(
  'clones of one base are created side by side: the base is stored once, every overlay backed by it',
  async (t) => {
    const q = join(d, 'clones.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', q, '16M']);
    const s = new BaseStore(join(d, 'clones-state'));
    const ids = Array.from({ length: 20 }, (_, i) => `vm-${i}`);
    const paths = ids.map((id) => vmPaths(join(d, 'clones-state', id)));
    for (const p of paths) mkdirSync(p.dir, { recursive: true });
    await Promise.all(paths.map((p) => createVmDisk(s, 'qemu-img', { diskGiB: 0, base: img(q, 'qcow2') }, '', p)));
    const stored = join(d, 'clones-state', '.bases', `${sha(q)}.qcow2`);
    for (const p of paths) {
      const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', p.overlay], { encoding: 'utf8' })) as {
        'backing-filename': string;
      };
      t.equal(info['backing-filename'], stored, 'backed by the one stored base');
      t.equal(readFileSync(join(p.dir, 'base'), 'utf8').trim(), sha(q), 'marker names it');
    }
    // Copies of the first overlay: byte for byte what qemu-img makes with the same arguments, also with a size.
    const fresh = join(d, 'fresh.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', stored, '-F', 'qcow2', fresh]);
    for (const p of paths) t.same(readFileSync(p.overlay), readFileSync(fresh), 'as qemu-img makes it');
    const sized = ['a', 'b'].map((id) => vmPaths(join(d, 'clones-state', `sized-${id}`)));
    for (const p of sized) mkdirSync(p.dir, { recursive: true });
    for (const p of sized) await createVmDisk(s, 'qemu-img', { diskGiB: 1, base: img(q, 'qcow2') }, '', p);
    execFileSync('qemu-img', [
      'create',
      '-q',
      '-f',
      'qcow2',
      '-b',
      stored,
      '-F',
      'qcow2',
      fresh + '.1g',
      String(1024 ** 3),
    ]);
    for (const p of sized) {
      t.same(readFileSync(p.overlay), readFileSync(fresh + '.1g'), 'sized: as qemu-img makes it');
      execFileSync('qemu-img', ['check', '-q', p.overlay]);
    }
    await t.rejects(
      createVmDisk(s, 'qemu-img', { diskGiB: 1, base: img(q, 'qcow2') }, '', sized[0]!),
      'an existing overlay is never overwritten',
    );
  },
);

t.test('creations share the store (bounded); gc waits for those before it and holds back those after', async (t) => {
  const s = new BaseStore(join(d, 'lock'));
  const order: string[] = [];
  let running = 0;
  let peak = 0;
  const gates: (() => void)[] = [];
  const creation = (name: string) =>
    s.share(async () => {
      running++;
      peak = Math.max(peak, running);
      order.push(`start ${name}`);
      await new Promise<void>((r) => gates.push(r));
      running--;
      order.push(`end ${name}`);
    });
  const early = Array.from({ length: MAX_CONCURRENT_DISKS + 2 }, (_, i) => creation(`c${i}`));
  const gc = s.exclusive(async () => {
    order.push(`gc with ${running} running`);
  });
  const late = creation('late');
  const settle = () => new Promise((r) => setImmediate(r));
  await settle();
  t.equal(running, MAX_CONCURRENT_DISKS, 'at most MAX_CONCURRENT_DISKS at once');
  const all = Promise.all([...early, gc, late]);
  let done = false;
  void all.then(() => (done = true));
  while (!done) {
    gates.shift()?.();
    await settle();
  }
  const at = (x: string) => order.indexOf(x);
  t.ok(order.includes('gc with 0 running'), 'gc ran alone');
  for (let i = 0; i < MAX_CONCURRENT_DISKS + 2; i++) t.ok(at(`end c${i}`) < at('gc with 0 running'), `after c${i}`);
  t.ok(at('start late') > at('gc with 0 running'), 'the creation queued after gc waited for it');
  t.equal(peak, MAX_CONCURRENT_DISKS);
});
