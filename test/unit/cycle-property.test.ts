// Property tests of the update cycle (decide + act + store) over random sets,
// options and failure points: a failure or a controller crash at any operation
// (before or after its effect) must end the cycle succeeded, reverted or
// failed — never half-done, never with a live token, never with the plaintext
// token in the store.
import t from 'tap';
import type { CycleRecord } from '../../controller/model/index.js';
import { CYCLES } from '../../controller/model/index.js';
import { CycleWorld, REQ, type Fault } from '../helpers/cycle-world.js';
import { Rng } from '../helpers/rng.js';

const CHANGES = { config: { title: 'new' }, files: [], applianceVersion: '', vcpus: 0, memoryMib: 0, diskGib: 0 };
const FAULTS: Fault[] = ['throw-before', 'throw-after', 'crash-before', 'crash-after'];

/** Every stored value as text (the plaintext-token check). */
function storeText(w: CycleWorld): string {
  const colls = (w.store as unknown as { colls: Map<string, Map<string, { d: string }>> }).colls;
  let s = '';
  for (const [, m] of colls) for (const [k, v] of m) s += `${k}=${v.d}\n`;
  return s;
}

t.test('random sets, options and failure points: the cycle ends whole, either way', async (t) => {
  const runs = Number(process.env.CYCLE_PROPERTY_RUNS ?? 400);
  const tally: Record<string, number> = {};
  for (let seed = 1; seed <= runs; seed++) {
    const rng = new Rng(seed);
    const w = new CycleWorld();
    const count = rng.range(1, 5);
    const prior = w.addSet(REQ, count, rng.chance(0.95));
    w.bootMs = rng.pick([0, 1500, 20_000]);
    const opts = {
      maxParallel: rng.range(1, 3),
      canary: rng.range(0, 2),
      healthTimeoutS: rng.pick([5, 30]),
      autoRevert: rng.chance(0.5),
      healthPath: '/health',
      healthExpect: '',
    };
    w.badCapture = rng.chance(0.15);
    if (rng.chance(0.8)) {
      w.faultAt = rng.int(16);
      w.fault = rng.pick(FAULTS);
    }
    const where = `seed ${seed}: ${JSON.stringify({ count, opts, fault: w.faultAt >= 0 ? w.fault : 'none', at: w.faultAt, bad: w.badCapture })}`;

    let last: CycleRecord | undefined;
    let ctl = await w.controller();
    ctl.runner.onChange = (c) => (last = c);
    const c0 = await ctl.service.start(prior.id, CHANGES, opts, 'default');
    const over = () => !!last && last.state !== 'running';
    await w.settle(() => over() || w.crashed, 500, 4000);
    if (w.crashed) {
      tally.restarts = (tally.restarts ?? 0) + 1;
      // The controller died mid-operation: a new one resumes from the store alone.
      ctl.runner.stop();
      ctl = await w.controller();
      ctl.runner.onChange = (c) => (last = c);
      await ctl.service.resume();
      await w.settle(over, 500, 4000);
    }
    const c = (await w.store.get<CycleRecord>(CYCLES, c0.id))!.value;
    const failOps = () => `${where}\nops: ${w.ops.join(' ')}\nsteps: ${JSON.stringify(c.steps)}`;
    if (c.state === 'running') {
      t.fail(`cycle never finished; ${failOps()}`);
      break;
    }
    tally[c.state] = (tally[c.state] ?? 0) + 1;
    const priorSet = w.sets.get(prior.id)!;
    const newSets = w.clones.get(c.imageId) ?? [];
    const ok: boolean[] = [];
    const check = (cond: boolean, what: string) => {
      ok.push(cond);
      if (!cond) t.fail(`${what}; ${failOps()}`);
    };
    check(!c.steps.some((s) => s.status === 'running'), 'no step left running');
    check(c.endedUnixMs > 0, 'ended time recorded');
    check(![...w.vms.values()].some((vm) => vm.managed), 'no vm left a management instance');
    check(!storeText(w).includes('tok-'), 'no plaintext token in the store');
    check(newSets.length <= 1, 'the revised set was made at most once');
    if (c.state === 'succeeded') {
      check(priorSet.state === 'retired', 'succeeded: prior set retired');
      check(!w.badCapture, 'succeeded: only when the new vms answered');
      const fresh = w.sets.get(c.newSetId);
      check(!!fresh && fresh.state !== 'retired' && fresh.count === count, 'succeeded: revised set whole');
      check(newSets[0] === c.newSetId, 'succeeded: revised set cloned from the child image');
      check(fresh?.request.spec.config.title === 'new', 'succeeded: changes carried into the revised set');
    } else {
      check(priorSet.state !== 'retired', `${c.state}: prior set stays`);
      check(c.reason !== '', `${c.state}: reason given`);
      if (c.state === 'reverted') {
        check(opts.autoRevert, 'reverted only with auto_revert');
        for (const id of newSets) check(w.sets.get(id)!.state === 'retired', 'reverted: revised set removed');
        if (c.steps.some((s) => s.name === 'configure'))
          check(w.vms.get(c.vmId)?.desired === 'destroyed', 'reverted: the reconfigured instance replaced');
      }
    }
    if (ok.includes(false)) break;
  }
  t.ok((tally.succeeded ?? 0) > runs / 10, `some cycles succeed (${JSON.stringify(tally)})`);
  t.ok((tally.reverted ?? 0) > 0 && (tally.failed ?? 0) > 0, 'some revert and some fail');
  t.ok((tally.restarts ?? 0) > runs / 10, 'many resume after a crash');
});
