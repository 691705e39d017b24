// What every test with real QEMU guests does first: outside CI a machine
// without QEMU skips the file loudly; in CI the file fails (haveQemu is asserted).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { joinToken, listHosts, ROOT, startAgent, type ControllerProc, type Proc } from './procs.js';
import { killWith } from './vms.js';
import { waitFor } from './wait.js';

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

/**
 * A real agent offering qemu to `ctl`, killed (with its guests) when the test
 * ends; resolves once the controller has the host's free capacity, so a VM can
 * be placed (the schemes arrive before the first heartbeat's capacity).
 */
export async function startQemuAgent(
  test: Pick<typeof t, 'teardown'>,
  ctl: ControllerProc,
  dataDir: string,
  args: string[] = [],
): Promise<Proc> {
  const agent = startAgent(ctl.address, dataDir, {
    joinToken: await joinToken(ctl),
    args: ['--schemes', 'qemu', '--image-dir', join(ROOT, '.cache/guest'), ...args],
  });
  test.teardown(async () => {
    await agent.kill();
    killWith(dataDir);
  });
  await waitFor(
    async () => {
      const h = (await listHosts(ctl))[0];
      return h?.schemes.includes('qemu') && Number(h.free?.vcpus) > 0;
    },
    { timeoutMs: 60_000, message: 'agent offers qemu, with room' },
  );
  return agent;
}
