// Scratch space for disks being received and converted: one directory per call
// under <data-dir>/scheme-disks, removed when the call ends whatever the outcome;
// whatever a crash left behind is removed at start.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ulid } from '../../../common/ids.js';

export interface ScratchDir {
  dir: string;
  path(name: string): string;
  dispose(): void;
}

export class Scratch {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'scheme-disks');
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
    for (const f of readdirSync(this.root)) rmSync(join(this.root, f), { recursive: true, force: true });
  }

  make(): ScratchDir {
    const dir = join(this.root, ulid());
    mkdirSync(dir, { mode: 0o700 });
    return {
      dir,
      path: (name) => join(dir, name),
      dispose: () => rmSync(dir, { recursive: true, force: true }),
    };
  }

  /** Entries under the root (tests: nothing is left behind). */
  entries(): string[] {
    return readdirSync(this.root);
  }
}
