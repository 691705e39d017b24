// The --wait verdicts (issue 11, item 3): when a wait is over, when it can no
// longer succeed (exit 1 with the reason), and what its progress line says.
import t from 'tap';
import { setVerdict, vmVerdict, waitTarget, waitVerdict, type SetWaitView } from '../../controller/cli/wait.js';

const vm = (state: string, extra: Partial<{ hostId: string; guestReady: boolean; stateReason: string }> = {}) => ({
  state: `VM_STATE_${state}`,
  stateReason: '',
  hostId: 'H',
  guestReady: false,
  ...extra,
});

t.test('targets', async (t) => {
  t.equal(waitTarget('--wait-for', 'healthy'), 'healthy');
  t.throws(() => waitTarget('--wait-for', 'ready'), {
    message: /^--wait-for: expected one of placed, running, healthy/,
  });
});

t.test('a vm', async (t) => {
  t.same(vmVerdict(vm('PENDING', { hostId: '' }), 'placed'), { done: false, progress: 'pending, not placed' });
  t.equal(vmVerdict(vm('PENDING'), 'placed').done, true);
  t.equal(vmVerdict(vm('CREATING'), 'running').done, false);
  t.equal(vmVerdict(vm('RUNNING'), 'running').done, true);
  t.equal(vmVerdict(vm('RUNNING'), 'healthy').done, false, 'running is not healthy until the guest answers');
  t.equal(vmVerdict(vm('RUNNING', { guestReady: true }), 'healthy').done, true);
  const failed = vmVerdict(vm('FAILED', { stateReason: 'task exited 3' }), 'running');
  t.equal(failed.failed, 'failed: task exited 3', 'a failed VM ends the wait with its reason');
  t.equal(vmVerdict(vm('STOPPED'), 'placed').failed, 'stopped: no reason given');
});

t.test('a set', async (t) => {
  const s = (x: Partial<SetWaitView>): SetWaitView => ({
    state: 'VM_SET_STATE_PLACED',
    stateReason: '',
    reasons: [],
    count: 3,
    placed: 3,
    confirmed: 0,
    running: 0,
    ...x,
  });
  t.same(setVerdict(s({}), 'placed'), { done: true, progress: 'placed 3/3, confirmed 0, running 0' });
  t.equal(setVerdict(s({ confirmed: 3, running: 2 }), 'running').done, false);
  t.equal(setVerdict(s({ confirmed: 3, running: 3 }), 'running').done, true);
  t.equal(setVerdict(s({ running: 3, healthy: 2 }), 'healthy').done, false);
  t.equal(setVerdict(s({ running: 3, healthy: 3 }), 'healthy').done, true);
  const partial = s({
    state: 'VM_SET_STATE_PARTIAL',
    placed: 1,
    confirmed: 1,
    running: 1,
    reasons: ['2 hosts: memory'],
  });
  t.equal(setVerdict(partial, 'running').failed, 'only 1 of 3 placed: 2 hosts: memory', 'partial and settled: failed');
  t.notOk(setVerdict({ ...partial, confirmed: 0 }, 'running').failed, 'partial, still confirming: wait on');
  t.match(setVerdict(s({ state: 'VM_SET_STATE_RETIRING' }), 'running').failed, /^the set is retiring/);
  t.match(setVerdict(s({ failed: 1 }), 'running').progress, /failed 1/);
});

t.test('waitVerdict: done, failed (exit 1), timed out (exit 3 with the last progress)', async (t) => {
  let n = 0;
  const v = await waitVerdict(
    'x',
    5000,
    async () => ++n,
    (i) => ({ done: i >= 3, progress: `step ${i}` }),
    {
      quiet: true,
      everyMs: 1,
    },
  );
  t.equal(v, 3);
  await t.rejects(
    waitVerdict(
      'x',
      5000,
      async () => 1,
      () => ({ done: false, failed: 'broken', progress: '' }),
      { quiet: true },
    ),
    { exitCode: 1, message: 'x: broken' },
  );
  await t.rejects(
    waitVerdict(
      'x',
      20,
      async () => 1,
      () => ({ done: false, progress: 'placed 1/3' }),
      { quiet: true, everyMs: 5 },
    ),
    { exitCode: 3, message: /^timed out after 0s waiting for x \(placed 1\/3\)$/ },
  );
});
