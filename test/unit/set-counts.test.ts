// A set's counts are running totals kept as its members change; they must
// always equal a recount of the members' last states.
import t from 'tap';
import { SetCounts, type Counts } from '../../controller/planner/counts.js';
import { live } from '../../controller/planner/sets.js';
import type { VmRecord } from '../../controller/model/index.js';
import { Rng } from '../helpers/rng.js';

const STATES = ['pending', 'creating', 'running', 'stopped', 'failed', 'destroyed'] as const;

function recount(vms: Iterable<VmRecord>): Counts {
  const c = { placed: 0, confirmed: 0, running: 0, failed: 0, finished: 0, managed: 0 };
  for (const vm of vms) {
    const held = live(vm);
    if (!held && vm.taskDone) c.finished++;
    if (held && vm.managed) c.managed++;
    if (!held || vm.managed) continue;
    c.placed++;
    if (vm.confirmedUnixMs > 0) c.confirmed++;
    if (vm.state === 'running') c.running++;
    if (vm.state === 'failed') c.failed++;
  }
  return c;
}

t.test('the totals equal a recount after any sequence of changes', async (t) => {
  for (let seed = 1; seed <= 20; seed++) {
    const rng = new Rng(seed);
    const pick = (n: number) => rng.u32() % n;
    const counts = new SetCounts();
    const sets = ['s1', 's2'];
    const last = new Map<string, Map<string, VmRecord>>(sets.map((s) => [s, new Map()]));
    for (let i = 0; i < 500; i++) {
      const setId = sets[pick(2)]!;
      const vm = {
        id: `vm-${pick(30)}`,
        setId,
        hostId: pick(8) ? 'h1' : '',
        state: STATES[pick(STATES.length)]!,
        desired: pick(6) ? 'running' : 'destroyed',
        confirmedUnixMs: pick(2) ? 1 : 0,
        taskDone: !pick(5),
        ...(pick(7) ? {} : { managed: 'tok' }),
      } as VmRecord;
      counts.note(vm);
      last.get(setId)!.set(vm.id, vm);
      if (i % 50 === 49) {
        for (const s of sets) t.same(counts.of(s), recount(last.get(s)!.values()), `seed ${seed}, step ${i}, ${s}`);
      }
    }
    counts.drop('s1');
    t.same(counts.of('s1'), recount([]), 'a dropped set counts nothing');
    t.same(counts.of('s2'), recount(last.get('s2')!.values()), 'the other set is untouched');
  }
  // A VM outside any set is not counted; the answer is a copy the caller may change.
  const counts = new SetCounts();
  counts.note({ id: 'x', setId: '', hostId: 'h', state: 'running', desired: 'running' } as VmRecord);
  t.same(counts.of(''), recount([]));
  counts.note({
    id: 'y',
    setId: 's',
    hostId: 'h',
    state: 'running',
    desired: 'running',
    confirmedUnixMs: 1,
  } as VmRecord);
  const c = counts.of('s');
  c.placed = 99;
  t.equal(counts.of('s').placed, 1);
});
