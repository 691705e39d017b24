// Content-addressed copies of images' base data disks: <stateDir>/.bases/<sha256>.qcow2
// (a dot name: it can never be a VM id).
//
// Overlays are backed by these copies, not by <imageRoot>/<image>/data.qcow2:
// rebuilding an image in place (scripts/make-guest-image.sh replaces changed
// files) would otherwise swap the base under existing overlays and corrupt
// their filesystems on the next start. The base disk is small (under 1 MiB for
// nephele-guest), so a copy per image version is cheap. Unreferenced copies
// are removed by gc().
import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DiskRejectedError, inspectQcow2 } from '../../../common/disk-inspect.js';
import { DriverError, type BaseImage } from '../driver.js';
import { fileSha256 } from './image.js';

const execFileP = promisify(execFile);

/** File in a VM dir naming the base its overlay is backed by. */
export const BASE_MARKER = 'base';

export class BaseStore {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly stateDir: string) {}

  get dir(): string {
    return join(this.stateDir, '.bases');
  }

  /** Runs fn exclusively with other base operations (ensure + overlay creation vs. gc). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** The stored copy of `dataDisk` (made if missing); call inside exclusive(). */
  async ensure(dataDisk: string): Promise<{ sha256: string; path: string }> {
    const sha256 = await fileSha256(dataDisk);
    const path = join(this.dir, `${sha256}.qcow2`);
    if (!existsSync(path)) {
      mkdirSync(this.dir, { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      copyFileSync(dataDisk, tmp);
      chmodSync(tmp, 0o444);
      renameSync(tmp, path);
    }
    return { sha256, path };
  }

  /**
   * The stored base of a linked clone (spec.base: a Nephele image the runner
   * fetched into the agent's cache and verified). Named by the image file's
   * sha256 whatever its format: a raw image is stored converted to qcow2, so
   * every overlay is qcow2 on qcow2 and cold moves find the same name on every
   * host. Checked again here: the sha256, and a qcow2 must be standalone.
   * Call inside exclusive().
   */
  async ensureImage(b: BaseImage, qemuImg: string): Promise<{ sha256: string; path: string }> {
    if (b.format !== 'qcow2' && b.format !== 'raw')
      throw new DriverError(`invalid VM spec: base format ${b.format} (qcow2 or raw)`, 'INVALID_SPEC');
    const path = join(this.dir, `${b.sha256}.qcow2`);
    if (existsSync(path)) return { sha256: b.sha256, path };
    if ((await fileSha256(b.path)) !== b.sha256)
      throw new DriverError(`invalid VM spec: base ${b.imageId} does not match its sha256`, 'INVALID_SPEC');
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      if (b.format === 'qcow2') {
        try {
          await inspectQcow2(b.path, { maxVirtualBytes: Number.MAX_SAFE_INTEGER }, { qemuImg });
        } catch (e) {
          if (e instanceof DiskRejectedError)
            throw new DriverError(
              `invalid VM spec: base ${b.imageId} refused: ${e.reasons.join('; ')}`,
              'INVALID_SPEC',
            );
          throw e;
        }
        // A hard link costs no space and survives the cache evicting its name; another filesystem: a copy.
        try {
          linkSync(b.path, tmp);
        } catch {
          copyFileSync(b.path, tmp);
        }
      } else {
        await execFileP(qemuImg, ['convert', '-q', '-f', 'raw', '-O', 'qcow2', b.path, tmp], { timeout: 300_000 });
      }
      chmodSync(tmp, 0o444);
      renameSync(tmp, path);
    } finally {
      rmSync(tmp, { force: true });
    }
    return { sha256: b.sha256, path };
  }

  /** Removes copies no VM dir refers to; call inside exclusive(). */
  gc(): string[] {
    const used = new Set<string>();
    let vmDirs: string[] = [];
    try {
      vmDirs = readdirSync(this.stateDir);
    } catch {
      return [];
    }
    for (const d of vmDirs) {
      try {
        used.add(readFileSync(join(this.stateDir, d, BASE_MARKER), 'utf8').trim());
      } catch {
        /* not a VM dir, or a VM from before .bases/ */
      }
    }
    const removed: string[] = [];
    let files: string[] = [];
    try {
      files = readdirSync(this.dir);
    } catch {
      return [];
    }
    for (const f of files) {
      const m = /^([0-9a-f]{64})\.qcow2$/.exec(f);
      if (m && used.has(m[1]!)) continue;
      rmSync(join(this.dir, f), { force: true });
      removed.push(f);
    }
    if (!readdirSync(this.dir).length) rmSync(this.dir, { recursive: true, force: true });
    return removed;
  }
}
