// Crashes in the image cycle, with real parts:
// 1. kill -9 of the agent while it captures a REAL QEMU management instance
//    (killed the moment the capture's first file appears in the agent's
//    captures dir: during the flatten, while the guest is paused, or the scrub
//    after it) → no image registered; once the agent is back the guest runs
//    again (a capture-paused guest is continued), is still the management
//    instance, and a second capture succeeds.
// 2. kill -9 of the controller in the middle of an update cycle (process
//    scheme) → after the restart the cycle ends succeeded or reverted, and the
//    sets say the same: never half-done.
import t from 'tap';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { UpdateCycle__Output as UpdateCycle } from '../../common/gen/nephele/v1/UpdateCycle.js';
import type { Vm__Output as Vm } from '../../common/gen/nephele/v1/Vm.js';
import { startAgent, startController, type ControllerProc } from '../helpers/procs.js';
import { agentArgs, cliOf, hostReady, imageWorld } from '../helpers/image-world.js';
import { setApi } from '../helpers/sets.js';
import { buildGuestImage, haveQemu, qemuOrSkip } from '../helpers/qemu.js';
import { tmpDir } from '../helpers/tmp.js';
import { httpGet, vmRoots } from '../helpers/vms.js';
import { waitFor } from '../helpers/wait.js';

qemuOrSkip('image-crash');
t.setTimeout(600_000);

const runner =
  (ctl: ControllerProc) =>
  (...args: string[]) =>
    cliOf(ctl)(args);
const images = async (ctl: ControllerProc) =>
  (JSON.parse((await runner(ctl)('--json', 'image', 'ls')).stdout) as { id: string }[]).length;

t.test('kill -9 of the agent during a qemu capture: no image, the instance usable', async (t) => {
  t.ok(haveQemu, 'QEMU is installed');
  if (!haveQemu || !buildGuestImage(t)) return;
  const { world } = await imageWorld(t, { qemu: true });
  const { ctl, adir, api } = world;
  const run = runner(ctl);
  const made = await run(...'--json set create --name one --count 1 --scheme qemu --memory 128 --wait'.split(' '));
  t.equal(made.code, 0, `set created (${made.stderr.slice(-300)})`);
  const tokenFile = join(tmpDir(), 'token');
  const begun = await run('--json', 'mgmt', 'begin', '--set', 'one', '--token-out', tokenFile);
  t.equal(begun.code, 0, `mgmt begin (${begun.stderr})`);
  const vmId = (JSON.parse(begun.stdout) as { management: { vmId: string } }).management.vmId;
  const configured = await run('mgmt', 'configure', '--mgmt-token-file', tokenFile, '--config', 'title=Kept');
  t.equal(configured.code, 0, `mgmt configure (${configured.stderr})`);

  // Kill the agent the moment the capture writes its first file.
  const captures = join(adir, 'captures');
  const paused = join(adir, 'vms', vmId, 'capture-paused');
  let sawPaused = false;
  let killed = false;
  const watch = setInterval(() => {
    if (killed) return;
    const files = existsSync(captures) ? readdirSync(captures) : [];
    if (files.length === 0) return;
    sawPaused = existsSync(paused);
    killed = true;
    world.agent.proc.kill('SIGKILL');
  }, 2);
  const capture = await run('--json', 'mgmt', 'capture', '--mgmt-token-file', tokenFile);
  clearInterval(watch);
  t.ok(killed, 'the agent was killed during the capture');
  t.comment(`killed ${sawPaused ? 'while the guest was paused' : 'after the flatten'}`);
  t.not(capture.code, 0, 'the capture fails');
  t.equal(capture.stdout, '', 'nothing on stdout');
  t.match(capture.stderr, /^nephele: /m, `a one-line error on stderr: ${capture.stderr.trim()}`);
  t.equal(await images(ctl), 0, 'no image registered');
  const blobs = join(ctl.dataDir, 'images');
  const stored = existsSync(blobs) ? readdirSync(blobs).filter((n) => /^[0-9a-f]{64}$/.test(n)) : [];
  t.same(stored, [], 'no blob stored');
  t.equal(vmRoots(`nephele-${vmId}`).length, 1, 'the guest process survived the agent');

  // The agent comes back: the guest runs (continued if paused), still the management instance.
  world.agent = startAgent(ctl.address, adir, { args: agentArgs(true) });
  await hostReady(ctl, true);
  await waitFor(() => !existsSync(paused), { message: 'no capture-paused marker left', timeoutMs: 30_000 });
  const vm = await waitFor(
    async () => {
      const v = (await api.vms()).find((x) => x.id === vmId);
      return v?.state === 'VM_STATE_RUNNING' && v.guestReady ? v : undefined;
    },
    { message: 'the instance runs with its guest ready', timeoutMs: 60_000 },
  );
  t.equal(vm.hostPort, 0, 'still hidden (no port)');
  const table = await run('--json', 'set', 'config-table', 'one');
  const tab = JSON.parse(table.stdout) as { tokenLive: boolean; members: { vmId: string; management: boolean }[] };
  t.ok(tab.tokenLive, 'its token is live');
  t.ok(tab.members.find((m) => m.vmId === vmId)?.management, 'still the management instance');
  const again = await run('--json', 'mgmt', 'capture', '--mgmt-token-file', tokenFile);
  t.equal(again.code, 0, `a second capture succeeds (${again.stderr.trim()})`);
  t.equal(await images(ctl), 1, 'one image now');
  t.same(readdirSync(captures), [], "the agent's captures dir is empty again");
  const end = await run('mgmt', 'end', '--mgmt-token-file', tokenFile);
  t.equal(end.code, 0, `mgmt end (${end.stderr})`);
  const back = await waitFor(async () => (await api.vms()).find((x) => x.id === vmId && x.hostPort > 0), {
    message: 'a port again after the end',
  });
  t.match(
    await waitFor(async () => (await httpGet(back.hostPort).catch(() => ({ body: '' }))).body.match(/Kept/)?.[0], {
      message: 'serves the configured title',
      timeoutMs: 30_000,
    }),
    'Kept',
    'the instance serves what it was configured with',
  );
});

t.test('kill -9 of the controller mid update cycle: it completes or reverts, never half-done', async (t) => {
  const cdir = tmpDir();
  const { world } = await imageWorld(t, { controllerDir: cdir });
  let ctl = world.ctl;
  const port = ctl.port;
  const made = await runner(ctl)(
    ...'--json set create --name web --count 2 --scheme process --memory 64 --config title=Old --wait'.split(' '),
  );
  t.equal(made.code, 0, `set created (${made.stderr.slice(-300)})`);
  const prior = (JSON.parse(made.stdout) as { id: string }).id;
  const gate = ['--health-path', '/', '--health-expect', 'New', '--health-timeout', '120s'];
  const started = await runner(ctl)(
    ...['--json', 'set', 'update', 'web', '--config', 'title=New', '--canary', '1', '--max-parallel', '1'],
    ...[...gate, '--auto-revert', '--no-wait'],
  );
  t.equal(started.code, 0, `set update --no-wait (${started.stderr})`);
  const cycleId = (JSON.parse(started.stdout) as UpdateCycle).id;

  // Kill the controller once the revised set exists (its canary under way).
  const a = ctl.admin();
  const getCycle = (c = a) =>
    c.call<{ cycle: UpdateCycle }>((md, o, cb) => c.tokens.GetUpdateCycle({ cycleId }, md, o, cb as never));
  const at = await waitFor(
    async () => {
      const c = (await getCycle()).cycle;
      if (c.state !== 'CYCLE_STATE_RUNNING') throw new Error(`the cycle ended before the kill: ${c.state}`);
      return c.steps.some((s) => s.name === 'canary') && c.newSetId ? c : undefined;
    },
    { message: 'the canary under way', timeoutMs: 60_000, intervalMs: 10 },
  );
  const pre = setApi(ctl);
  const vs0 = (await pre.vms()).filter((v) => v.setId === at.newSetId);
  pre.close();
  a.close();
  await ctl.kill();
  t.comment(
    `the canary at the kill: ${vs0.map((v) => `${v.name} ${v.state} ${v.stateReason} ready=${v.guestReady} desired=${v.desired}`).join('; ')}`,
  );
  t.comment(`killed at steps ${at.steps.map((s) => `${s.name}:${s.status}`).join(' ')}`);

  ctl = world.ctl = await startController(cdir, { port });
  const b = ctl.admin();
  t.teardown(() => b.close());
  const end = await waitFor(
    async () => {
      const c = (await getCycle(b).catch(() => undefined))?.cycle;
      return c && c.state !== 'CYCLE_STATE_RUNNING' ? c : undefined;
    },
    { message: 'the cycle ends after the restart', timeoutMs: 120_000 },
  );
  t.match(end.state, /CYCLE_STATE_(SUCCEEDED|REVERTED)/, `succeeded or reverted, not failed (${end.reason})`);
  // Everything before the kill went well: the restart alone must not make the cycle fail (a canary
  // whose base fetch the kill cut off used to be left failed for good, and the cycle reverted).
  t.equal(end.state, 'CYCLE_STATE_SUCCEEDED', `the resumed cycle completes (${end.reason})`);
  const api = setApi(ctl);
  t.teardown(() => api.close());
  const live = async (setId: string) =>
    (await api.vms()).filter((v) => v.setId === setId && !/DESTROY/.test(String(v.desired)));
  const [keep, gone, title] =
    end.state === 'CYCLE_STATE_SUCCEEDED' ? [end.newSetId, prior, /New/] : [prior, end.newSetId, /Old/];
  await api.waitSet(gone, (s) => /RETIRED/.test(s.state), 'the other set retired', 60_000);
  await waitFor(async () => (await live(gone)).length === 0, { message: "the other set's VMs destroyed" });
  t.comment(
    `after the restart: ${end.state} (${end.reason}); steps ${end.steps.map((s) => `${s.name}:${s.status}`).join(' ')}`,
  );
  await api.waitSet(keep, (s) => s.running === 2, 'the kept set runs whole', 60_000);
  const kept: Vm[] = await waitFor(
    async () => {
      const l = await live(keep);
      return l.length === 2 && l.every((v) => v.hostPort > 0) ? l : undefined;
    },
    { message: 'the kept set is whole, every member with its port', timeoutMs: 60_000 },
  );
  for (const vm of kept) {
    t.equal(vm.hostPort > 0, true, `${vm.name} is not hidden`);
    t.match(
      await waitFor(async () => (await httpGet(vm.hostPort).catch(() => ({ body: '' }))).body.match(title)?.[0], {
        message: `${vm.name} serves ${title}`,
        timeoutMs: 30_000,
      }),
      title,
      `${vm.name} serves ${title}`,
    );
  }
  const table = JSON.parse((await runner(ctl)('--json', 'set', 'config-table', keep)).stdout) as {
    tokenLive: boolean;
    members: { management: boolean }[];
  };
  t.notOk(table.tokenLive, 'no live management token left');
  t.notOk(
    table.members.some((m) => m.management),
    'no management instance left in the kept set',
  );
  t.equal(
    (await api.hosts()).reduce((n, h) => n + h.vmCount, 0),
    2,
    'capacity: only the kept set holds VMs',
  );
});
