// What every test with real QEMU guests does first: outside CI a machine
// without QEMU skips the file loudly; in CI the file fails (haveQemu is asserted).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { ROOT } from './procs.js';

type Assert = Pick<typeof t, 'equal'>;

export const haveQemu = spawnSync('sh', ['-c', 'command -v qemu-system-x86_64 && command -v qemu-img']).status === 0;

/** Call at the top of the file. */
export function qemuOrSkip(name: string): void {
  if (!haveQemu && process.env.CI !== 'true') {
    t.comment(`SKIPPING ${name}: qemu-system-x86_64 / qemu-img not installed (in CI this fails instead)`);
    process.exit(0);
  }
}

/** Builds (or finds cached) the guest image, asserting it is there. */
export function buildGuestImage(a: Assert): boolean {
  const build = spawnSync('bash', [join(ROOT, 'scripts/make-guest-image.sh')], { encoding: 'utf8', timeout: 600_000 });
  return a.equal(build.status, 0, `guest image built (${(build.stderr || '').trim().split('\n').at(-1)})`);
}
