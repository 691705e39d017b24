// The ad-hoc owner policy (HTCondor's START / SUSPEND / PREEMPT), under a fake clock,
// and the monitor that feeds it.
import t from 'tap';
import { FakeClock } from '../../common/clock.js';
import { OwnerPolicy, type OwnerPolicyConfig, type OwnerSample } from '../../agent/adhoc/policy.js';
import { OwnerMonitor, type OwnerChange } from '../../agent/adhoc/monitor.js';
import { silentLogger } from '../../common/logger.js';

const CFG: OwnerPolicyConfig = { busyCpuPct: 50, idleAfterMs: 60_000, evacuateAfterMs: 600_000, resumeAfterMs: 30_000 };
const QUIET: OwnerSample = { cpuPct: 0, idleMs: 3_600_000 };
const TYPING: OwnerSample = { cpuPct: 0, idleMs: 1_000 };
const CPU_HOG: OwnerSample = { cpuPct: 180, idleMs: undefined };

function setup(cfg: Partial<OwnerPolicyConfig> = {}) {
  const clock = new FakeClock();
  const p = new OwnerPolicy({ ...CFG, ...cfg }, clock);
  return { clock, p };
}

t.test('starts idle and stays idle while the owner is away', async (t) => {
  const { clock, p } = setup();
  t.equal(p.state, 'idle');
  for (let i = 0; i < 10; i++) {
    t.equal(p.observe(QUIET), undefined);
    clock.advance(60_000);
  }
  t.equal(p.state, 'idle');
  t.equal(p.observe({ cpuPct: 50, idleMs: 60_000 }), undefined, 'exactly at the thresholds is still idle');
});

t.test('IDLE -> BUSY on recent input, and on owner CPU above the threshold', async (t) => {
  const a = setup();
  const tr = a.p.observe(TYPING);
  t.same(tr && { from: tr.from, to: tr.to }, { from: 'idle', to: 'busy' }, 'input within idleAfter');
  t.match(tr!.reason, /input/);
  const b = setup();
  const tr2 = b.p.observe(CPU_HOG);
  t.equal(tr2?.to, 'busy', 'cpu above busyCpuPct');
  t.match(tr2!.reason, /cpu 180% above 50%/);
});

t.test('busyCpuPct 0 ignores CPU; unknown input idle time counts as idle', async (t) => {
  const { p } = setup({ busyCpuPct: 0 });
  t.equal(p.observe({ cpuPct: 10_000, idleMs: undefined }), undefined, 'CPU ignored, no input device: idle');
  t.equal(p.observe({ cpuPct: 10_000, idleMs: 5 })?.to, 'busy', 'input still counts');
  const q = setup();
  t.equal(q.p.observe({ cpuPct: 10, idleMs: undefined }), undefined, 'no device and low CPU: idle');
});

t.test('BUSY -> IDLE only after the owner was idle for the whole resume period (hysteresis)', async (t) => {
  const { clock, p } = setup();
  p.observe(TYPING);
  clock.advance(1000);
  t.equal(p.observe(QUIET), undefined, 'first quiet sample starts the resume timer');
  clock.advance(29_000);
  t.equal(p.observe(QUIET), undefined, '29 s quiet: still busy');
  t.equal(p.state, 'busy');
  // Activity again resets the quiet timer.
  t.equal(p.observe(TYPING), undefined);
  clock.advance(20_000);
  t.equal(p.observe(QUIET), undefined);
  clock.advance(20_000);
  t.equal(p.observe(QUIET), undefined, 'only 20 s since the last activity');
  clock.advance(10_000);
  const tr = p.observe(QUIET);
  t.same(tr && { from: tr.from, to: tr.to }, { from: 'busy', to: 'idle' }, '30 s quiet: idle');
  t.equal(p.state, 'idle');
});

t.test('BUSY -> EVACUATE after busy for the grace, measured from the start of the busy spell', async (t) => {
  const { clock, p } = setup();
  p.observe(CPU_HOG);
  for (let s = 0; s < 590; s += 10) {
    clock.advance(10_000);
    // A pause shorter than the resume period does not restart the grace.
    const sample = s === 300 ? QUIET : CPU_HOG;
    t.equal(p.observe(sample), undefined, `t=${s + 10}s still busy`);
  }
  clock.advance(10_000);
  const tr = p.observe(CPU_HOG);
  t.same(tr && { from: tr.from, to: tr.to }, { from: 'busy', to: 'evacuate' }, 'at 600 s: evacuate');
  t.match(tr!.reason, /grace/);
  clock.advance(10_000);
  t.equal(p.observe(CPU_HOG), undefined, 'evacuate is sticky while the owner stays busy');
});

t.test('EVACUATE -> IDLE after the resume period; a new busy spell starts a new grace', async (t) => {
  const { clock, p } = setup();
  p.observe(TYPING);
  clock.advance(600_000);
  t.equal(p.observe(TYPING)?.to, 'evacuate');
  clock.advance(5_000);
  t.equal(p.observe(QUIET), undefined);
  clock.advance(29_999);
  t.equal(p.observe(QUIET), undefined, 'just under the resume period');
  clock.advance(1);
  t.same(p.observe(QUIET)?.to, 'idle');
  // Busy again: evacuation needs a full grace from now, not from the first spell.
  clock.advance(1000);
  t.equal(p.observe(TYPING)?.to, 'busy');
  clock.advance(599_000);
  t.equal(p.observe(TYPING), undefined, '599 s into the new spell: busy');
  clock.advance(1000);
  t.equal(p.observe(TYPING)?.to, 'evacuate');
});

t.test('quiet for the resume period wins over the evacuation deadline', async (t) => {
  const { clock, p } = setup({ evacuateAfterMs: 60_000, resumeAfterMs: 30_000 });
  p.observe(TYPING);
  clock.advance(30_000);
  t.equal(p.observe(QUIET), undefined);
  clock.advance(30_000);
  t.equal(p.observe(QUIET)?.to, 'idle', 'at 60 s the owner has been quiet for 30 s: resume, not evacuate');
});

t.test('resumeAfterMs 0 resumes on the first quiet sample', async (t) => {
  const { p } = setup({ resumeAfterMs: 0 });
  t.equal(p.observe(TYPING)?.to, 'busy');
  t.equal(p.observe(QUIET)?.to, 'idle');
});

t.test('the monitor reports its first reading, then only transitions, on its poll interval', async (t) => {
  const clock = new FakeClock();
  const samples: OwnerSample[] = [QUIET, QUIET, TYPING, TYPING, QUIET, QUIET, QUIET];
  let i = 0;
  const changes: OwnerChange[] = [];
  const m = new OwnerMonitor({
    policy: new OwnerPolicy({ ...CFG, resumeAfterMs: 1500 }, clock),
    cpu: { sample: () => ({ cpuPct: samples[Math.min(i, samples.length - 1)]!.cpuPct }) },
    idle: { idleMs: () => samples[Math.min(i++, samples.length - 1)]!.idleMs },
    pollMs: 1000,
    clock,
    log: silentLogger,
    onChange: (c) => changes.push(c),
  });
  m.start();
  t.same(
    changes.map((c) => [c.from, c.phase, c.state]),
    [[undefined, 'idle', 'idle']],
    'initial reading announced',
  );
  clock.advance(1000); // QUIET
  clock.advance(1000); // TYPING -> busy
  t.same(
    changes.map((c) => c.phase),
    ['idle', 'busy'],
  );
  t.equal(m.current().state, 'busy');
  t.equal(m.current().idleMs, 1000, 'last reading kept for heartbeats');
  clock.advance(1000); // TYPING
  clock.advance(1000); // QUIET (quiet timer starts)
  clock.advance(1000); // QUIET 1 s
  t.equal(changes.length, 2, 'no change inside the resume period');
  clock.advance(1000); // QUIET 2 s >= 1.5 s
  t.same(
    changes.map((c) => c.phase),
    ['idle', 'busy', 'idle'],
  );
  t.equal(changes[2]!.from, 'busy');
  m.stop();
  clock.advance(10_000);
  t.equal(i, 7, 'no polling after stop');
});

t.test('a busy owner at agent start is announced as the first reading', async (t) => {
  const clock = new FakeClock();
  const changes: OwnerChange[] = [];
  const m = new OwnerMonitor({
    policy: new OwnerPolicy(CFG, clock),
    cpu: { sample: () => ({ cpuPct: 0 }) },
    idle: { idleMs: () => 10 },
    pollMs: 1000,
    clock,
    log: silentLogger,
    onChange: (c) => changes.push(c),
  });
  m.start();
  m.stop();
  t.same(
    changes.map((c) => [c.from, c.phase]),
    [[undefined, 'busy']],
  );
});
