// A whole update cycle end to end: real controller, a REAL agent process
// (process scheme, tarball images), the real CLI. `set update` tokens a member,
// configures it, captures a child image, populates the revised set (canary,
// then a batch) behind the health gate (the appliance must answer with the new
// title) and retires the prior set; a second cycle whose gate can never pass
// reverts with --auto-revert and the revised set keeps serving.
import t from 'tap';
import type { UpdateCycle__Output as UpdateCycle } from '../../common/gen/nephele/v1/UpdateCycle.js';
import type { VmSet__Output as VmSet } from '../../common/gen/nephele/v1/VmSet.js';
import type { Vm__Output as Vm } from '../../common/gen/nephele/v1/Vm.js';
import { cli, joinToken, listHosts, startAgent, startController } from '../helpers/procs.js';
import { tmpDir } from '../helpers/tmp.js';
import { httpGet, killWith } from '../helpers/vms.js';
import { waitFor } from '../helpers/wait.js';

t.test('set update end to end: the revised set serves the new title, the prior set is retired', async (t) => {
  const ctl = await startController(tmpDir());
  const adir = tmpDir();
  const agent = startAgent(ctl.address, adir, {
    joinToken: await joinToken(ctl),
    args: ['--reserve-memory', '0', '--guest-vcpus', '16'],
  });
  t.teardown(async () => {
    await agent.kill();
    await ctl.kill();
    killWith(adir);
  });
  // Ready and with its inventory: a set created before the host's capacity arrives is not placed.
  await waitFor(async () => (await listHosts(ctl)).some((h) => h.state === 'HOST_STATE_READY' && !!h.inventory), {
    message: 'host ready with its inventory',
    timeoutMs: 30_000,
  });
  const run = (...args: string[]) => cli(['--controller', ctl.address, '--data-dir', ctl.dataDir, ...args]);
  const create = '--json set create --name web --count 2 --scheme process --memory 64 --config title=Old --wait';
  const made = await run(...create.split(' '));
  t.equal(made.code, 0, made.stderr);
  const prior = JSON.parse(made.stdout) as VmSet;
  const members = async (setId: string) =>
    (JSON.parse((await run('--json', 'vm', 'ls')).stdout) as Vm[]).filter(
      (v) => v.setId === setId && (v.desired as string) !== 'destroyed',
    );

  const gate = ['--health-path', '/', '--health-expect', 'New', '--health-timeout', '60s'];
  const up = await run('--json', 'set', 'update', 'web', '--config', 'title=New', '--canary', '1', ...gate);
  t.equal(up.code, 0, up.stderr);
  const c = JSON.parse(up.stdout) as UpdateCycle;
  t.equal(c.state, 'succeeded', c.reason);
  t.same(
    c.steps.map((s) => s.name),
    ['select', 'begin', 'configure', 'capture', 'end', 'canary', 'health', 'batch', 'health', 'retire'],
    'canary, then one batch, each behind the gate',
  );
  t.match(up.stderr, /^canary: done \(revised set with 1 vm\)$/m, 'progress as it happened');
  t.ok(c.imageId && c.newSetId && c.tokenId, 'a child image and a revised set');
  const image = JSON.parse((await run('--json', 'image', 'show', c.imageId)).stdout) as { tokenId: string };
  t.equal(image.tokenId, c.tokenId, "the image names the cycle's token");

  const fresh = await members(c.newSetId);
  t.equal(fresh.length, 2, 'the revised set is whole');
  for (const vm of fresh) t.match((await httpGet(vm.hostPort)).body, /New/, `${vm.name} serves the new title`);
  await waitFor(async () => (await members(prior.id)).length === 0, { message: 'prior vms gone', timeoutMs: 30_000 });
  const old = JSON.parse((await run('--json', 'set', 'show', prior.id)).stdout) as VmSet;
  t.match(old.state, /retir/, 'the prior set retired');

  // A gate that cannot pass: reverted, the revised set serves on.
  const bad = ['--health-path', '/', '--health-expect', 'NeverThere', '--health-timeout', '5s', '--auto-revert'];
  const down = await run('--json', 'set', 'update', c.newSetId, '--config', 'title=Broken', ...bad);
  t.equal(down.code, 1, 'a reverted cycle exits 1');
  const r = JSON.parse(down.stdout) as UpdateCycle;
  t.equal(r.state, 'reverted');
  t.match(r.reason, /^health: 0 of 1 vms healthy after 5s/, r.reason);
  t.equal(r.parentImageId, c.imageId, "the second image's parent is the first cycle's");
  // The instance the cycle reconfigured is replaced (the cycle says so): its replacement serves once it has started.
  t.match(r.steps.at(-1)?.detail ?? '', /the reconfigured instance is replaced/, 'the revert says what it did');
  const after = await waitFor(
    async () => {
      const vms = await members(c.newSetId);
      if (vms.length !== 2) return undefined;
      for (const vm of vms) if (!/New/.test((await httpGet(vm.hostPort)).body)) return undefined;
      return vms;
    },
    { message: 'both members of the revised set serving its title again', timeoutMs: 60_000 },
  );
  const kept = after.filter((vm) => fresh.some((f) => f.id === vm.id));
  t.equal(kept.length, 1, 'one member untouched, the reconfigured one replaced');
  for (const vm of after)
    t.match((await httpGet(vm.hostPort)).body, /New/, `${vm.name} still serves the revised title`);
  await waitFor(async () => (await members(r.newSetId)).length === 0, { message: 'the canary removed' });

  // The revised set's configuration table: its image, the cycle that made it and the one run on it.
  const tab = await run('--json', 'set', 'config-table', c.newSetId);
  t.equal(tab.code, 0, tab.stderr);
  const table = JSON.parse(tab.stdout) as { imageId: string; cycles: UpdateCycle[]; images: { imageId: string }[] };
  t.equal(table.imageId, c.imageId, 'cloned from the child image');
  t.same(
    table.cycles.map((x) => [x.id, x.state]),
    [
      [c.id, 'succeeded'],
      [r.id, 'reverted'],
    ],
    'its update history, oldest first',
  );
  t.ok(
    table.images.some((i) => i.imageId === r.imageId),
    "the reverted cycle's image is in its image history",
  );
});
