// A new VM's disk: the qcow2 overlay on its stored base (a linked clone's image,
// or the shipped image's data disk), or a moved disk adopted onto that base, and
// the marker naming the base. Creations run side by side (BaseStore.share;
// overlays after the first of a base are copies of it, BaseStore.overlay); gc
// of unused bases waits for them.
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { DiskRejectedError } from '../../../common/disk-inspect.js';
import { GiB } from '../../../common/limits.js';
import { DriverError, type VmSpec } from '../driver.js';
import { BASE_MARKER, type BaseStore } from './bases.js';
import { qcow2VirtualSize } from './image.js';
import { adoptOverlay, type VmPaths } from './launch.js';

const execFileP = promisify(execFile);

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

/**
 * A standalone copy of a stopped VM's overlay, its base folded in (ExportVm: the
 * receiver has no copy of our base). qemu-img reads only our own files here.
 */
export async function flattenDisk(
  qemuImg: string,
  overlay: string,
  dest: string,
  timeoutMs = 30 * 60_000,
): Promise<void> {
  try {
    await execFileP(qemuImg, ['convert', '-f', 'qcow2', '-O', 'qcow2', overlay, dest], { timeout: timeoutMs });
  } catch (e) {
    rmSync(dest, { force: true });
    throw e;
  }
}
