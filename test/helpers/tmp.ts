import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reapAtExit } from './reap.js';

const made: string[] = [];
// (reap.ts, imported first, kills what runs under them before they go.)
process.on('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A fresh temp dir, removed when the test process exits, the processes under it killed. */
export function tmpDir(prefix = 'nephele-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  reapAtExit(d);
  return d;
}
