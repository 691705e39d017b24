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
  writeFileSync,
} from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DiskRejectedError, inspectQcow2 } from '../../../common/disk-inspect.js';
import { DriverError, type BaseImage } from '../driver.js';
import { fileSha256 } from './image.js';
import { createOverlay } from './launch.js';

const execFileP = promisify(execFile);

/** Overlay files kept in memory to copy from (one per base and virtual size; about 200 KiB each). */
export const MAX_OVERLAY_TEMPLATES = 16;

/** File in a VM dir naming the base its overlay is backed by. */
export const BASE_MARKER = 'base';

/**
 * Disk creations at once (each runs qemu-img): a set of linked clones lands
 * on one host at once, and one after the other they would queue behind each
 * other's process start (100 clones: seconds on a busy host).
 */
export const MAX_CONCURRENT_DISKS = 8;

type Waiter = { exclusive: boolean; go: () => void };

export class BaseStore {
  /** Shared holders now (disk creations), and whether gc holds the store. */
  private shared = 0;
  private writer = false;
  /** FIFO: a gc waits for the creations before it and holds back those after it. */
  private readonly queue: Waiter[] = [];
  /** Stored copies being made, by path: concurrent creations of one base make it once. */
  private readonly making = new Map<string, Promise<{ sha256: string; path: string }>>();
  /** A fresh overlay's bytes by base path and size (qemu-img's output is the same for the same arguments). */
  private readonly templates = new Map<string, Promise<Buffer>>();

  constructor(private readonly stateDir: string) {}

  get dir(): string {
    return join(this.stateDir, '.bases');
  }

  /** Runs fn beside other creations (at most MAX_CONCURRENT_DISKS), never during gc. */
  share<T>(fn: () => Promise<T>): Promise<T> {
    return this.hold(false, fn);
  }

  /** Runs fn alone: no creation runs meanwhile (gc). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.hold(true, fn);
  }

  private async hold<T>(exclusive: boolean, fn: () => Promise<T>): Promise<T> {
    await new Promise<void>((go) => {
      this.queue.push({ exclusive, go });
      this.pump();
    });
    try {
      return await fn();
    } finally {
      if (exclusive) this.writer = false;
      else this.shared--;
      this.pump();
    }
  }

  private pump(): void {
    while (this.queue.length && !this.writer) {
      const w = this.queue[0]!;
      if (w.exclusive ? this.shared > 0 : this.shared >= MAX_CONCURRENT_DISKS) return;
      this.queue.shift();
      if (w.exclusive) this.writer = true;
      else this.shared++;
      w.go();
    }
  }

  /** `make` once per stored path at a time; a path already there is used as it is. */
  private once(sha256: string, make: (path: string) => Promise<void>): Promise<{ sha256: string; path: string }> {
    const path = join(this.dir, `${sha256}.qcow2`);
    if (existsSync(path)) return Promise.resolve({ sha256, path });
    let p = this.making.get(path);
    if (!p) {
      p = make(path)
        .then(() => ({ sha256, path }))
        .finally(() => this.making.delete(path));
      this.making.set(path, p);
    }
    return p;
  }

  /**
   * A fresh qcow2 overlay on the stored `base` (virtual size: the base's, or
   * `sizeBytes`). The first of a base and size is made by `qemu-img create`;
   * the next ones are byte copies of it: a linked clone set lands on a host at
   * once, and a qemu-img process per clone costs far more than writing its
   * 200 KiB. Call inside share().
   */
  async overlay(qemuImg: string, base: string, overlay: string, sizeBytes?: number): Promise<void> {
    const key = `${base}\0${sizeBytes ?? ''}`;
    const known = this.templates.get(key);
    if (known) {
      writeFileSync(overlay, await known, { flag: 'wx' });
      return;
    }
    const made = createOverlay(qemuImg, base, overlay, sizeBytes).then(() => readFileSync(overlay));
    this.templates.set(key, made);
    made.catch(() => this.templates.delete(key));
    while (this.templates.size > MAX_OVERLAY_TEMPLATES) this.templates.delete(this.templates.keys().next().value!);
    await made;
  }

  /** The stored copy of `dataDisk` (made if missing); call inside share() or exclusive(). */
  async ensure(dataDisk: string): Promise<{ sha256: string; path: string }> {
    return this.once(await fileSha256(dataDisk), async (path) => {
      mkdirSync(this.dir, { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      copyFileSync(dataDisk, tmp);
      chmodSync(tmp, 0o444);
      renameSync(tmp, path);
    });
  }

  /**
   * The stored base of a linked clone (spec.base: a Nephele image the runner
   * fetched into the agent's cache and verified). Named by the image file's
   * sha256 whatever its format: a raw image is stored converted to qcow2, so
   * every overlay is qcow2 on qcow2 and cold moves find the same name on every
   * host. Checked again here: the sha256, and a qcow2 must be standalone.
   * Call inside share() or exclusive().
   */
  async ensureImage(b: BaseImage, qemuImg: string): Promise<{ sha256: string; path: string }> {
    if (b.format !== 'qcow2' && b.format !== 'raw')
      throw new DriverError(`invalid VM spec: base format ${b.format} (qcow2 or raw)`, 'INVALID_SPEC');
    return this.once(b.sha256, async (path) => {
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
    });
  }

  /** Removes copies no VM dir refers to; call inside exclusive(). */
  gc(): string[] {
    this.templates.clear();
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
