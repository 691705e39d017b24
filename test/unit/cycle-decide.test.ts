// The update cycle's pure decision (controller/tokens/cycle/decide.ts): record x
// observations x clock -> the next action, as plain data.
import t from 'tap';
import type { CycleRecord, CycleStep, VmRecord } from '../../controller/model/index.js';
import {
  batchTarget,
  decide,
  HEALTH_POLL_MS,
  MAX_REVERT_ATTEMPTS,
  type Observations,
} from '../../controller/tokens/cycle/decide.js';

const T = Date.UTC(2026, 0, 1);

function cycle(steps: [string, CycleStep['status']][], o: Partial<CycleRecord> = {}): CycleRecord {
  return {
    id: 'C',
    tenant: 'default',
    principal: '',
    setId: 'S',
    newSetId: '',
    vmId: 'v1',
    tokenId: '',
    imageId: '',
    parentImageId: '',
    state: 'running',
    steps: steps.map(([name, status]) => ({ name, status, detail: '', startedUnixMs: T, endedUnixMs: 0 })),
    changes: { config: {}, files: [], applianceVersion: '', vcpus: 0, memoryMib: 0, diskGib: 0 },
    options: {
      maxParallel: 2,
      canary: 1,
      healthTimeoutS: 60,
      autoRevert: true,
      healthPath: '/health',
      healthExpect: '',
    },
    reason: '',
    createdUnixMs: T,
    endedUnixMs: 0,
    ...o,
  };
}

const vm = (id: string, o: Partial<VmRecord> = {}) =>
  ({ id, name: id, hostId: 'h', desired: 'running', state: 'running', guestReady: true, ...o }) as VmRecord;

function obs(o: Partial<Observations> = {}): Observations {
  return {
    prior: { state: 'placed', count: 5, members: [vm('v2'), vm('v1')] },
    newSetId: '',
    liveTokenId: '',
    haveToken: true,
    probedOk: new Set(),
    ...o,
  };
}

const MGMT: [string, CycleStep['status']][] = [
  ['select', 'done'],
  ['begin', 'done'],
  ['configure', 'done'],
  ['capture', 'done'],
  ['end', 'done'],
];

t.test('select: the first running member with a ready guest, never a management instance', async (t) => {
  const members = [vm('a', { managed: 'tok' }), vm('b', { guestReady: false }), vm('c'), vm('d')];
  t.same(decide(cycle([]), obs({ prior: { state: 'placed', count: 4, members } }), T), { kind: 'select', vmId: 'c' });
  const none = decide(cycle([]), obs({ prior: { state: 'placed', count: 2, members: members.slice(0, 2) } }), T);
  t.equal(none.kind, 'fail');
  t.equal(decide(cycle([['select', 'done']]), obs(), T).kind, 'begin');
});

t.test('a restart loses the token: begin/configure/capture in flight cannot resume', async (t) => {
  t.match(
    decide(
      cycle([
        ['select', 'done'],
        ['begin', 'running'],
      ]),
      obs({ haveToken: false }),
      T,
    ),
    {
      kind: 'fail',
      step: 'begin',
    },
  );
  t.match(decide(cycle(MGMT.slice(0, 2)), obs({ haveToken: false }), T), { kind: 'fail', step: 'configure' });
  t.match(decide(cycle(MGMT.slice(0, 3)), obs({ haveToken: false }), T), { kind: 'fail', step: 'capture' });
  t.same(decide(cycle(MGMT.slice(0, 3)), obs(), T), { kind: 'capture' });
  // After capture the token is ended by id: that needs no plaintext.
  t.same(decide(cycle(MGMT.slice(0, 4), { tokenId: 'K' }), obs({ haveToken: false }), T), {
    kind: 'end',
    tokenId: 'K',
  });
});

t.test('canary, then batches of max_parallel, each behind the health gate, then retire', async (t) => {
  const c = cycle(MGMT);
  t.same(
    [1, 2, 3, 4].map((n) => batchTarget(c, 5, n)),
    [1, 3, 5, 5],
  );
  t.same(decide(c, obs(), T), { kind: 'populate', step: 'canary', count: 1, adopt: '' });
  // Populate interrupted after the set was made: adopted, not made twice.
  t.same(decide(c, obs({ newSetId: 'N' }), T), { kind: 'populate', step: 'canary', count: 1, adopt: 'N' });
  const canaried = cycle([...MGMT, ['canary', 'done']], { newSetId: 'N' });
  t.same(decide(canaried, obs(), T), { kind: 'health' });
  const gated = cycle([...MGMT, ['canary', 'done'], ['health', 'done']], { newSetId: 'N' });
  t.same(decide(gated, obs(), T), { kind: 'scale', count: 3 });
  const whole = cycle(
    [
      ...MGMT,
      ['canary', 'done'],
      ['health', 'done'],
      ['batch', 'done'],
      ['health', 'done'],
      ['batch', 'done'],
      ['health', 'done'],
    ],
    { newSetId: 'N' },
  );
  t.same(decide(whole, obs(), T), { kind: 'retire' });
  t.same(decide(cycle([...MGMT, ['retire', 'done']]), obs(), T), { kind: 'finish', state: 'succeeded', reason: '' });
  // canary 0: the first batch is max_parallel VMs.
  const noCanary = cycle(MGMT, { options: { ...c.options, canary: 0 } });
  t.same(decide(noCanary, obs(), T), { kind: 'populate', step: 'batch', count: 2, adopt: '' });
});

t.test('health gate: probe what is up, wait for the rest, fail at the deadline', async (t) => {
  const c = cycle([...MGMT, ['canary', 'done'], ['batch', 'done'], ['health', 'running']], { newSetId: 'N' });
  const members = [vm('n1'), vm('n2', { state: 'pending', guestReady: false }), vm('n3', { guestReady: false })];
  const o = obs({ newSetId: 'N', newSet: { state: 'placed', count: 3, members } });
  t.same(decide(c, o, T), { kind: 'probe', vmIds: ['n1'] });
  t.same(decide(c, { ...o, probedOk: new Set(['n1']) }, T), { kind: 'wait', untilMs: T + HEALTH_POLL_MS });
  t.match(decide(c, { ...o, probedOk: new Set(['n1']) }, T + 60_000), {
    kind: 'fail',
    step: 'health',
    reason: /1 of 3 vms healthy after 60s/,
  });
  const up = members.map((m) => ({ ...m, state: 'running', guestReady: true }) as VmRecord);
  const all = obs({
    newSetId: 'N',
    newSet: { state: 'placed', count: 3, members: up },
    probedOk: new Set(['n1', 'n2', 'n3']),
  });
  t.same(decide(c, all, T + 1000), { kind: 'healthy', detail: '3 of 3 vms healthy' });
});

t.test('failure: revert (auto_revert) or end the instance and stop', async (t) => {
  const failed = cycle([...MGMT, ['canary', 'done'], ['health', 'failed']], { newSetId: 'N', tokenId: 'K' });
  t.same(decide(failed, obs({ liveTokenId: '' }), T), {
    kind: 'revert',
    newSetId: 'N',
    tokenId: '',
    vmId: 'v1',
  });
  const reverted = cycle([...MGMT, ['canary', 'done'], ['health', 'failed'], ['revert', 'done']]);
  t.match(decide(reverted, obs(), T), { kind: 'finish', state: 'reverted', reason: /^health/ });
  const stuck = cycle([
    ['select', 'done'],
    ['begin', 'failed'],
    ...Array(MAX_REVERT_ATTEMPTS).fill(['revert', 'failed']),
  ]);
  t.match(decide(stuck, obs(), T), { kind: 'finish', state: 'failed' });
  const noRevert = { ...failed.options, autoRevert: false };
  const early = cycle(
    [
      ['select', 'done'],
      ['begin', 'done'],
      ['configure', 'failed'],
    ],
    { options: noRevert },
  );
  t.same(decide(early, obs({ liveTokenId: 'K' }), T), { kind: 'end', tokenId: 'K' });
  t.match(decide(early, obs(), T), { kind: 'finish', state: 'failed', reason: /^configure/ });
});

t.test('the prior set retired under the cycle: fail; a failed retire of a retiring set: retire again', async (t) => {
  const going = obs({ prior: { state: 'retiring', count: 5, members: [] } });
  t.match(decide(cycle(MGMT), going, T), { kind: 'fail', reason: 'the prior set was retired' });
  const retireFailed = cycle([...MGMT, ['retire', 'failed']]);
  t.same(decide(retireFailed, going, T), { kind: 'retire' });
  t.match(decide(retireFailed, obs(), T), { kind: 'revert' });
  t.same(decide(cycle([], { state: 'reverted' }), obs(), T), { kind: 'none' });
});
