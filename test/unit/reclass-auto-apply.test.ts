// Per-set policies' maintenance windows and the auto-apply loop (issue 15):
// window math, the pure decide, and the loop acting on it under a fake clock
// (schedule into the window, apply when it opens, a missed window waits).
import t from 'tap';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { del, put } from '../../common/store/index.js';
import { EventLog } from '../../controller/events/log.js';
import {
  RECLASS_POLICIES,
  RECOMMENDATIONS,
  RECS_BY_VM,
  type RecommendationRecord,
  type ReclassPolicyRecord,
} from '../../controller/model/reclass.js';
import { SETS, VMS_BY_SET } from '../../controller/planner/sets.js';
import { AutoApplier, decideAutoApply } from '../../controller/reclass/classes/auto-apply.js';
import { ReclassPolicyBook, validateReclassPolicy, windowAt } from '../../controller/reclass/classes/policies.js';
import type { Applier, Recommendations } from '../../controller/reclass/ports.js';
import { InvalidArgumentError } from '../../common/errors.js';
import { scheduleRecommend } from '../../controller/reclass/classes/schedule.js';
import { MemoryStore } from '../helpers/memory-store.js';
import { recommendation } from '../helpers/reclass-records.js';
import { waitFor } from '../helpers/wait.js';

const MIN = 60_000;
// Local time: node-cron (and nextCron) read expressions in the machine's time zone.
const at = (d: number, h: number, m = 0) => new Date(2026, 0, d, h, m).getTime();
const policy = (p: Partial<ReclassPolicyRecord>): ReclassPolicyRecord => ({
  setId: '01JSETAAAAAAAAAAAAAAAAAAAA',
  tenant: 'default',
  autoApply: true,
  windowCron: '0 2 * * *',
  windowMinutes: 60,
  kinds: [],
  updatedUnixMs: 0,
  ...p,
});

t.test('windowAt: the window holding now, else the next one', async (t) => {
  const p = policy({});
  t.same(windowAt(p, at(5, 1)), { start: at(5, 2), end: at(5, 3) }, 'before: the next');
  t.same(windowAt(p, at(5, 2)), { start: at(5, 2), end: at(5, 3) }, 'at its start: open');
  t.same(windowAt(p, at(5, 2, 59)), { start: at(5, 2), end: at(5, 3) }, 'inside: open');
  t.same(windowAt(p, at(5, 3)), { start: at(6, 2), end: at(6, 3) }, 'at its end: the next day');
  t.equal(windowAt(policy({ windowCron: '' }), at(5, 1)), undefined, 'no cron, no window');
  const weekly = policy({ windowCron: '30 23 * * 0', windowMinutes: 120 }); // Sunday 23:30, two hours
  const sunday = new Date(2026, 0, 4, 23, 30).getTime(); // 2026-01-04 is a Sunday
  t.same(windowAt(weekly, sunday + 90 * MIN), { start: sunday, end: sunday + 120 * MIN }, 'across midnight');
});

t.test('validateReclassPolicy names the field', async (t) => {
  const field = (p: Partial<ReclassPolicyRecord>) => {
    try {
      validateReclassPolicy({ ...policy({}), ...p });
    } catch (e) {
      return e instanceof InvalidArgumentError ? e.field : String(e);
    }
    return 'accepted';
  };
  t.equal(field({}), 'accepted');
  t.equal(field({ windowCron: '' }), 'policy.window_cron', 'auto-apply needs a window');
  t.equal(field({ windowCron: 'often' }), 'policy.window_cron');
  t.equal(field({ windowCron: '* '.repeat(70) }), 'policy.window_cron');
  t.equal(field({ windowMinutes: 0 }), 'policy.window_minutes');
  t.equal(field({ windowMinutes: 1441 }), 'policy.window_minutes');
  t.equal(field({ autoApply: false, windowCron: '', windowMinutes: 5 }), 'policy.window_minutes');
  t.equal(field({ kinds: ['resize', 'resize'] }), 'policy.kinds[1]');
  t.equal(field({ autoApply: false, windowCron: '', windowMinutes: 0 }), 'accepted', 'off, no window');
});

t.test('decideAutoApply', async (t) => {
  const S1 = '01JSETAAAAAAAAAAAAAAAAAAAA';
  const S2 = '01JSETBBBBBBBBBBBBBBBBBBBB';
  const policies = new Map([
    [S1, policy({ setId: S1 })],
    [S2, policy({ setId: S2, autoApply: false })],
  ]);
  const open = [
    recommendation({ id: 'a', kind: 'resize' }),
    recommendation({ id: 'b', kind: 'move' }),
    recommendation({ id: 'c', kind: 'new_vm' }), // not a default auto kind
    recommendation({ id: 'd', kind: 'resize', applicable: false }),
    recommendation({ id: 'e', kind: 'resize', setId: S2 }), // its set does not opt in
    recommendation({ id: 'f', kind: 'resize', setId: '01JSETCCCCCCCCCCCCCCCCCCCC' }), // no policy (or a retired set)
  ];
  const none = { now: at(5, 1), policies, open, scheduled: [] };
  t.same(
    decideAutoApply(none),
    { schedule: ['a', 'b'], apply: [] },
    'open, applicable, allowed kinds of opted-in sets',
  );
  const onlyNew = new Map([[S1, policy({ setId: S1, kinds: ['new_vm'] })]]);
  t.same(decideAutoApply({ ...none, policies: onlyNew }).schedule, ['c'], "the policy's kinds");

  const due = [
    recommendation({ id: 'w', state: 'scheduled', when: 'maintenance_window', scheduledUnixMs: at(5, 2) }),
    recommendation({ id: 'x', state: 'scheduled', when: 'at', scheduledUnixMs: at(5, 1) }),
    recommendation({ id: 'y', state: 'scheduled', when: 'at', scheduledUnixMs: at(9, 1) }),
    recommendation({ id: 'z', state: 'applying', when: 'at', scheduledUnixMs: at(5, 1) }),
    recommendation({ id: 'v', state: 'scheduled', when: 'maintenance_window', setId: S2, scheduledUnixMs: at(5, 2) }),
  ];
  const d = (now: number) => decideAutoApply({ now, policies, open: [], scheduled: due }).apply;
  t.same(d(at(5, 2, 10)), ['w', 'x', 'v'], 'in the window; at a time; a set without auto-apply keeps its window');
  t.same(d(at(5, 4)), ['x'], 'the window missed (controller down): waits for the next');
  t.same(d(at(6, 2)), ['w', 'x', 'v'], 'the next window');
});

t.test('the loop: scheduled into the window, applied when it opens (fake clock)', async (t) => {
  const store = new MemoryStore();
  const clock = new FakeClock(at(5, 0, 30));
  const events = await EventLog.open(store, clock, silentLogger);
  const setId = '01JSETAAAAAAAAAAAAAAAAAAAA';
  const r = recommendation({ setId });
  await store.batch([
    put(SETS, setId, { id: setId, tenant: 'default', state: 'placed' }),
    put(VMS_BY_SET, `${setId}/${r.vmId}`, 1),
    put(RECS_BY_VM, `${r.vmId}\x00${r.id}`, 1),
    put(RECOMMENDATIONS, r.id, r),
  ]);
  const policies = new ReclassPolicyBook(store, events, clock);
  await policies.set(setId, policy({}), undefined, 'admin');
  const calls: string[] = [];
  const load = async (id: string) => (await store.get<RecommendationRecord>(RECOMMENDATIONS, id))!.value;
  // The apply part's contract, as far as the loop sees it.
  const applier: Applier = {
    async apply(id, o) {
      calls.push(`${o.when}@${new Date(clock.now()).getHours()}h`);
      const cur = await load(id);
      const next: RecommendationRecord =
        o.when === 'maintenance_window'
          ? {
              ...cur,
              state: 'scheduled',
              when: o.when,
              scheduledUnixMs: (await policies.nextWindow(setId, clock.now()))!,
            }
          : { ...cur, state: 'applied' };
      await store.batch([put(RECOMMENDATIONS, id, next)]);
      return { rec: next, steps: [] };
    },
  };
  const recommendations: Recommendations = {
    get: async () => {
      throw new Error('unused');
    },
    update: async () => undefined,
    async due(now) {
      const x = await load(r.id);
      return x.state === 'scheduled' && x.scheduledUnixMs <= now ? [x] : [];
    },
  };
  const loop = new AutoApplier({ store, clock, log: silentLogger, policies, applier, recommendations });
  loop.start();
  await loop.pass();
  t.same(calls, ['maintenance_window@0h'], 'scheduled at the first pass');
  t.equal((await load(r.id)).scheduledUnixMs, at(5, 2), 'for the window at 02:00');
  for (let i = 0; i < 179; i++) {
    clock.advance(30_000);
    await loop.pass();
  }
  t.equal((await load(r.id)).state, 'scheduled', 'not before the window');
  clock.advance(30_000);
  await loop.pass();
  t.same(calls, ['maintenance_window@0h', 'now@2h'], 'applied as the window opens');
  t.equal((await load(r.id)).state, 'applied');
  await loop.stop();

  // A retired set's policy is ignored.
  await store.batch([put(SETS, setId, { id: setId, tenant: 'default', state: 'retired' })]);
  t.equal(await policies.nextWindow(setId, clock.now()), undefined);
  t.same(await policies.autoApplying(), []);
  await t.rejects(policies.set(setId, policy({}), undefined, 'admin'), { code: 'FAILED_PRECONDITION' });
  // A purged set's policy goes with it.
  t.ok(await store.get(RECLASS_POLICIES, setId));
  await store.batch([del(SETS, setId)]);
  t.same(await policies.autoApplying(), []);
  t.equal(await store.get(RECLASS_POLICIES, setId), undefined, 'deleted');
});

t.test('--reclass-schedule: recommendAll on the cron, never two runs at once', async (t) => {
  let running = 0;
  let most = 0;
  let runs = 0;
  let release: () => void = () => undefined;
  const task = scheduleRecommend(
    '* * * * * *', // every second
    async () => {
      runs++;
      most = Math.max(most, ++running);
      // The first run outlasts several firings.
      if (runs === 1) await new Promise<void>((r) => (release = r));
      running--;
    },
    silentLogger,
  );
  t.teardown(() => task.destroy());
  let skipped = 0;
  task.on('execution:overlap', () => void skipped++);
  await waitFor(() => runs === 1, { message: 'the first run started' });
  await waitFor(() => skipped >= 1, { timeoutMs: 5_000, message: 'a firing skipped while the run goes on' });
  t.equal(runs, 1, 'no second run meanwhile');
  release();
  await waitFor(() => runs >= 2, { timeoutMs: 5_000, message: 'the next run after it ended' });
  t.equal(most, 1, 'never two at once');
});
