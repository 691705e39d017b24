// What the image-cycle integration tests share: a real controller, one real
// agent process (process scheme, or qemu with the cached guest image), the
// CLI bound to them, and a few checks asserted with messages.
import type t from 'tap';
import { join } from 'node:path';
import type { Vm__Output as Vm } from '../../common/gen/nephele/v1/Vm.js';
import {
  cli,
  joinToken,
  listHosts,
  ROOT,
  startAgent,
  startController,
  type ControllerProc,
  type Proc,
} from './procs.js';
import { setApi } from './sets.js';
import { tmpDir } from './tmp.js';
import { httpGet, killWith } from './vms.js';
import { waitFor } from './wait.js';

type Assert = Pick<typeof t, 'equal' | 'match' | 'ok' | 'teardown'>;

/** The CLI against one controller. */
export const cliOf =
  (ctl: ControllerProc) =>
  (args: string[], env: Record<string, string> = {}) =>
    cli(['--controller', ctl.address, '--data-dir', ctl.dataDir, ...args], env);

/** The agent's arguments for the scheme (qemu: the cached guest image). */
export const agentArgs = (qemu: boolean): string[] => [
  '--reserve-memory',
  '0',
  '--guest-vcpus',
  '16',
  ...(qemu ? ['--schemes', 'qemu', '--image-dir', join(ROOT, '.cache/guest')] : []),
];

/** Until the controller has the agent's host ready with its inventory (and qemu if asked). */
export const hostReady = (ctl: ControllerProc, qemu: boolean) =>
  waitFor(
    async () =>
      (await listHosts(ctl)).some(
        (h) =>
          h.state === 'HOST_STATE_READY' &&
          (h.inventory?.guest?.vcpus ?? 0) > 0 &&
          (!qemu || h.schemes.includes('qemu')),
      ),
    { message: 'host ready', timeoutMs: 60_000 },
  );

export async function imageWorld(t: Assert, o: { qemu?: boolean; controllerDir?: string } = {}) {
  const qemu = !!o.qemu;
  const ctl = await startController(o.controllerDir ?? tmpDir());
  const adir = tmpDir(qemu ? 'ngi-' : 'nephele-test-');
  const world = {
    ctl,
    adir,
    agent: startAgent(ctl.address, adir, { joinToken: await joinToken(ctl), args: agentArgs(qemu) }) as Proc,
    api: setApi(ctl),
  };
  t.teardown(async () => {
    world.api.close();
    await world.agent.kill();
    await world.ctl.kill();
    killWith(adir);
  });
  await hostReady(ctl, qemu);
  const run = (...args: string[]) => cliOf(world.ctl)(args);
  const ok = async (...args: string[]) => {
    const r = await run(...args);
    t.equal(r.code, 0, `nephele ${args.join(' ')}: exit 0 (${r.stderr.trim().slice(0, 400)})`);
    return r;
  };
  return {
    world,
    run,
    ok,
    json: async <T>(...args: string[]) => JSON.parse((await ok('--json', ...args)).stdout) as T,
    /** Refused: exit 1, nothing on stdout, stderr matching `re`. */
    refused: async (args: string[], re: RegExp, env: Record<string, string> = {}) => {
      const r = await cliOf(world.ctl)(args, env);
      t.equal(r.code, 1, `nephele ${args.join(' ')}: exit 1`);
      t.equal(r.stdout, '', `nephele ${args.join(' ')}: nothing on stdout`);
      t.match(r.stderr, re, `nephele ${args.join(' ')}: ${r.stderr.trim()}`);
    },
    /** The set's members not being destroyed. */
    live: async (setId: string) =>
      (await world.api.vms()).filter((v) => v.setId === setId && !/DESTROY/.test(String(v.desired))),
    /** Each VM answers with the title on its current host port (the last answer in the failure). */
    serving: async (vms: Vm[], title: RegExp, what: string, timeoutMs = 60_000) => {
      for (const vm of vms) {
        let last = '';
        const got = await waitFor(
          async () => {
            const cur = (await world.api.vms()).find((v) => v.id === vm.id);
            last = `port ${cur?.hostPort} state ${cur?.state}: `;
            const body = cur?.hostPort
              ? (await httpGet(cur.hostPort).catch((e: Error) => ({ body: e.message }))).body
              : '';
            last += body.slice(0, 200);
            return title.test(body);
          },
          { timeoutMs },
        ).catch(() => false);
        t.ok(got, `${what}: ${vm.name} serves ${title} (${got ? 'yes' : last})`);
      }
    },
  };
}
