// Bases of linked clones (spec.base): stored by the image's sha256 as qcow2
// whatever the image's format, the sha256 checked again, a qcow2 that is not
// standalone refused. Needs qemu-img (no guest).
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BaseStore } from '../../agent/drivers/qemu/bases.js';
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
