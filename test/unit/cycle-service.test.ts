// The Cycles service over the in-memory world: what start() refuses, one cycle
// per set, and a controller restart in the middle of a rollout that resumes it.
import t from 'tap';
import type { CycleRecord } from '../../controller/model/index.js';
import { CYCLES } from '../../controller/model/index.js';
import { MAX_BATCHES } from '../../controller/tokens/cycle/cycles.js';
import { CYCLES_RUNNING } from '../../controller/tokens/cycle/store.js';
import { CycleWorld, REQ } from '../helpers/cycle-world.js';

const CHANGES = { config: { title: 'new' }, files: [], applianceVersion: '', vcpus: 0, memoryMib: 0, diskGib: 0 };
const OPTS = {
  maxParallel: 1,
  canary: 1,
  healthTimeoutS: 30,
  autoRevert: true,
  healthPath: '/health',
  healthExpect: '',
};

t.test('start refuses what it cannot run, and one cycle per set', async (t) => {
  const w = new CycleWorld();
  const big = w.addSet(REQ, 1000);
  const small = w.addSet(REQ, 2);
  const { service } = await w.controller();
  await t.rejects(service.start(big.id, CHANGES, OPTS, undefined), {
    code: 'INVALID_ARGUMENT',
    field: 'options.max_parallel',
  });
  t.ok(1 + Math.ceil(999 / 8) <= MAX_BATCHES, 'a wider batch is accepted');
  await t.rejects(service.start(small.id, CHANGES, OPTS, 'acme'), { code: 'NOT_FOUND' }, "another tenant's set");
  await t.rejects(service.start('01ARZ3NDEKTSV4RRFFQ69G5FAV', CHANGES, OPTS, undefined), { code: 'NOT_FOUND' });
  const c = await service.start(small.id, CHANGES, OPTS, 'default');
  await t.rejects(service.start(small.id, CHANGES, OPTS, undefined), {
    code: 'FAILED_PRECONDITION',
    message: /set_id: an update cycle is already running/,
  });
  t.equal((await service.get(c.id, 'default')).cycle.id, c.id);
  await t.rejects(service.get(c.id, 'acme'), { code: 'NOT_FOUND' }, "another tenant's cycle");
});

t.test(
  'a controller restart after the revised set was made: resumed, the set adopted, the prior retired',
  async (t) => {
    const w = new CycleWorld();
    const prior = w.addSet(REQ, 3);
    w.bootMs = 1500;
    let ctl = await w.controller();
    const c0 = await ctl.service.start(prior.id, CHANGES, OPTS, 'default');
    w.faultAt = 4; // begin configure capture end populate: the controller dies once the set exists
    w.fault = 'crash-after';
    t.ok(await w.settle(() => w.crashed), 'crashed in populate');
    ctl.runner.stop();
    const mid = (await w.store.get<CycleRecord>(CYCLES, c0.id))!.value;
    t.equal(mid.newSetId, '', 'the revised set was never recorded');
    t.ok(await w.store.get(CYCLES_RUNNING, c0.id), 'still listed as running');

    ctl = await w.controller();
    await ctl.service.resume();
    const over = async () => (await w.store.get<CycleRecord>(CYCLES, c0.id))!.value;
    let done: CycleRecord | undefined;
    ctl.runner.onChange = (c) => (done = c.state === 'running' ? undefined : c);
    t.ok(await w.settle(() => !!done), 'the cycle ends');
    const c = await over();
    t.equal(c.state, 'succeeded', c.reason);
    t.equal(w.clones.get(c.imageId)?.length, 1, 'one revised set, adopted rather than made again');
    t.equal(c.newSetId, w.clones.get(c.imageId)![0]);
    t.equal(w.sets.get(prior.id)!.state, 'retired', 'the prior set retired');
    t.equal(w.sets.get(c.newSetId)!.count, 3, 'the revised set whole');
    t.notOk(await w.store.get(CYCLES_RUNNING, c0.id), 'no longer listed as running');
    t.same(
      c.steps.map((s) => s.name),
      [
        'select',
        'begin',
        'configure',
        'capture',
        'end',
        'canary',
        'health',
        'batch',
        'health',
        'batch',
        'health',
        'retire',
      ],
    );
  },
);

t.test('a revised set that never answers: reverted, the reason says what the probe said', async (t) => {
  const w = new CycleWorld();
  const prior = w.addSet(REQ, 2);
  w.badCapture = true;
  const ctl = await w.controller();
  let done: CycleRecord | undefined;
  ctl.runner.onChange = (c) => (done = c.state === 'running' ? undefined : c);
  await ctl.service.start(prior.id, CHANGES, OPTS, 'default');
  t.ok(await w.settle(() => !!done), 'the cycle ends');
  t.equal(done!.state, 'reverted');
  t.match(done!.reason, /^health: 0 of 1 vms healthy after 30s .*; last probe: HTTP 500 bad$/);
  t.equal(w.sets.get(done!.newSetId)!.state, 'retired', 'the canary set removed');
  t.equal(w.sets.get(prior.id)!.state, 'placed', 'the prior set stays');
});
