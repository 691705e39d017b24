import t from 'tap';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { VmSpec } from '../../agent/drivers/driver.js';
import { QemuDriver } from '../../agent/drivers/qemu/driver.js';
import { ulid } from '../../common/ids.js';
import { tmpDir } from '../helpers/tmp.js';
import { ROOT } from '../helpers/procs.js';
import { killWith } from '../helpers/vms.js';
import { buildGuestImage, haveQemu, qemuOrSkip } from '../helpers/qemu.js';

// QEMU option strings built from paths (issue 9, finding 13), parsed by real
// QEMU: a VM whose state dir holds `,file.driver=nbd,...` still gets exactly
// its own overlay as its disk (unescaped, QEMU would have opened an NBD export).

qemuOrSkip('qemu-options');

t.test('a state dir with commas: QEMU opens exactly the overlay', async (t) => {
  t.ok(haveQemu, 'QEMU is installed (.ci/run installs it)');
  if (!haveQemu) return;
  buildGuestImage(t);
  const stateDir = join(tmpDir('nq-'), 'd,file.driver=nbd,file.host=127.0.0.1');
  mkdirSync(stateDir);
  const d = new QemuDriver({ stateDir, imageRoot: join(ROOT, '.cache/guest'), accel: 'tcg' });
  const id = ulid();
  t.teardown(async () => {
    await d.destroy(id).catch(() => {});
    await d.close();
    killWith(`nephele-${id}`);
  });
  const spec: VmSpec = {
    id,
    name: 'commas',
    vcpus: 1,
    memoryMiB: 128,
    diskGiB: 1,
    image: 'nephele-guest',
    appliancePort: 8080,
    config: {},
  };
  const h = await d.create(spec);
  t.ok(h.pid > 0, 'QEMU started (its QMP socket, under the comma path, answered)');
  const blocks = await d.qmpCommand<
    Array<{
      device: string;
      inserted?: { file: string; drv: string; image?: { filename: string; 'backing-filename'?: string } };
    }>
  >(id, 'query-block');
  const d0 = blocks.find((b) => b.device === 'd0');
  t.equal(d0?.inserted?.drv, 'qcow2', 'the disk is the qcow2 overlay');
  t.equal(d0?.inserted?.image?.filename, join(stateDir, id, 'overlay.qcow2'), 'opened from exactly its path (no nbd)');
  t.equal(d0?.inserted?.file, join(stateDir, id, 'overlay.qcow2'));
});
