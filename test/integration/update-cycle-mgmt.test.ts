// An update cycle through the real CLI, a real controller and its real
// management instances, with a fake agent that answers agent commands but
// cannot capture: the cycle chooses a running member, puts a token in it,
// configures it, fails at the capture and, with --auto-revert, ends the
// management instance (the token out of the guest, verified), replaces the
// reconfigured instance and leaves the prior set serving: no image, no revised
// set, nothing half-done.
import t from 'tap';
import type { UpdateCycle__Output as UpdateCycle } from '../../common/gen/nephele/v1/UpdateCycle.js';
import type { VmSet__Output as VmSet } from '../../common/gen/nephele/v1/VmSet.js';
import { fakeAgent, fakeGuests } from '../helpers/fake-agent.js';
import { cli, joinToken, listHosts, startController } from '../helpers/procs.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

t.test('set update: token, configure, a failed capture, reverted: the prior set serves on', async (t) => {
  const ctl = await startController(tmpDir());
  const guests = fakeGuests();
  const agent = await fakeAgent(ctl, { joinToken: await joinToken(ctl), name: 'alpha', command: guests.answer });
  t.teardown(async () => {
    agent.close();
    await ctl.kill();
  });
  await waitFor(async () => (await listHosts(ctl)).some((h) => h.state === 'HOST_STATE_READY'), {
    message: 'host ready',
  });
  const run = (...args: string[]) => cli(['--controller', ctl.address, '--data-dir', ctl.dataDir, ...args]);
  const made = await run(...'--json set create --name web --count 2 --scheme process --memory 64 --wait'.split(' '));
  t.equal(made.code, 0, made.stderr);
  const set = JSON.parse(made.stdout) as VmSet;

  const r = await run('--json', 'set', 'update', 'web', '--config', 'title=new', '--auto-revert');
  t.equal(r.code, 1, 'a reverted cycle exits 1');
  const c = JSON.parse(r.stdout) as UpdateCycle;
  t.equal(c.state, 'reverted', c.reason);
  t.same(
    c.steps.map((s) => `${s.name} ${s.status}`),
    ['select done', 'begin done', 'configure done', 'capture failed', 'revert done'],
    'the steps, in order',
  );
  t.match(r.stderr, /^begin: done \(the management token is in the instance\)$/m, 'progress on stderr');
  t.match(r.stderr, /^capture: failed \(/m);
  t.ok(c.tokenId && c.vmId, 'the instance and its token id recorded');
  t.equal(c.imageId, '', 'no image');
  t.equal(c.newSetId, '', 'no revised set');
  t.same(guests.config.get(c.vmId), { title: 'new' }, 'the instance was configured');
  t.equal(guests.tokens.size, 0, 'the token left the guest');
  t.match(r.stderr, /^revert: done \(the prior set stays; the reconfigured instance is replaced\)$/m);
  // The reconfigured instance does not serve its changes: a fresh member takes its place.
  const shown = await waitFor(
    async () => {
      const s = JSON.parse((await run('--json', 'set', 'show', set.id)).stdout) as VmSet;
      return s.running === 2 ? s : undefined;
    },
    { message: 'two members serve again' },
  );
  t.equal(shown.state, 'placed', 'the prior set stays');
  const vm = JSON.parse((await run('--json', 'vm', 'show', c.vmId)).stdout) as { desired: string };
  t.equal(vm.desired, 'destroyed', 'the instance was replaced');
  const table = await run('--json', 'set', 'config-table', 'web');
  t.equal(table.code, 0, table.stderr);
  t.match(JSON.parse(table.stdout), { tokenLive: false }, 'no live token on the set');
});
