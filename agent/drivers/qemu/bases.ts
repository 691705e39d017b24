// Content-addressed copies of images' base data disks: <stateDir>/.bases/<sha256>.qcow2
// (a dot name: it can never be a VM id).
//
// Overlays are backed by these copies, not by <imageRoot>/<image>/data.qcow2:
// rebuilding an image in place (scripts/make-guest-image.sh replaces changed
// files) would otherwise swap the base under existing overlays and corrupt
// their filesystems on the next start. The base disk is small (under 1 MiB for
// nephele-guest), so a copy per image version is cheap. Unreferenced copies
// are removed by gc().
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileSha256 } from './image.js';

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
