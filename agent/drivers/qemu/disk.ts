// A new VM's disk: the qcow2 overlay on its stored base (a linked clone's image,
// or the shipped image's data disk), or a moved disk adopted onto that base, and
// the marker naming the base. Creations run side by side (BaseStore.share;
// overlays after the first of a base are copies of it, BaseStore.overlay); gc
// of unused bases waits for them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiskRejectedError } from '../../../common/disk-inspect.js';
import { GiB } from '../../../common/limits.js';
import { DriverError, type VmSpec } from '../driver.js';
import { BASE_MARKER, type BaseStore } from './bases.js';
import { qcow2VirtualSize } from './image.js';
import { adoptOverlay, type VmPaths } from './launch.js';

export async function createVmDisk(
  bases: BaseStore,
  qemuImg: string,
  spec: Pick<VmSpec, 'diskGiB' | 'base'>,
  dataDisk: string,
  paths: VmPaths,
  importDisk?: string,
): Promise<void> {
  await bases.share(async () => {
    const base = spec.base ? await bases.ensureImage(spec.base, qemuImg) : await bases.ensure(dataDisk);
    const baseSize = qcow2VirtualSize(base.path);
    const want = Math.round(spec.diskGiB * GiB);
    if (importDisk) {
      // Cold move: the VM's own disk, config included (so it is not applied again).
      // It comes from another host: inspected before QEMU ever opens it.
      try {
        await adoptOverlay(qemuImg, importDisk, base, paths.overlay, Math.max(baseSize, want));
      } catch (e) {
        if (e instanceof DiskRejectedError)
          throw new DriverError(`the moved disk was refused: ${e.reasons.join('; ')}`, 'INVALID_SPEC');
        throw e;
      }
      writeFileSync(join(paths.dir, 'config-applied'), 'carried by the moved disk\n');
    } else {
      await bases.overlay(qemuImg, base.path, paths.overlay, want > baseSize ? want : undefined);
    }
    writeFileSync(join(paths.dir, BASE_MARKER), base.sha256 + '\n');
  });
}
