import t from 'tap';
import { fateWithoutRoom, NO_HOST } from '../../controller/planner/evacuation.js';

// What becomes of a VM vacated from its ad-hoc host with nowhere to go: it
// waits for capacity, unless its set's SLA says waiting makes no sense.

const NOW = 1_000_000;

t.test('waiting is the rule', async (t) => {
  for (const sla of ['guaranteed', 'best_effort'] as const) {
    t.same(
      fateWithoutRoom({ sla, windowEndsUnixMs: 0, setRetiring: false }, NOW),
      { fate: 'wait', reason: NO_HOST },
      `${sla} without a batch window waits`,
    );
    t.equal(
      fateWithoutRoom({ sla, windowEndsUnixMs: NOW + 1, setRetiring: false }, NOW).fate,
      'wait',
      `${sla} inside its batch window waits`,
    );
  }
  t.equal(
    fateWithoutRoom({ sla: 'guaranteed', windowEndsUnixMs: NOW - 1, setRetiring: false }, NOW).fate,
    'wait',
    'guaranteed work waits even past its window',
  );
});

t.test('best-effort work past its batch window, and a retiring set, are retired', async (t) => {
  const be = fateWithoutRoom({ sla: 'best_effort', windowEndsUnixMs: NOW, setRetiring: false }, NOW);
  t.equal(be.fate, 'retire', 'the window ends at windowEndsUnixMs');
  t.match(be.reason, /batch window is over/);
  for (const sla of ['guaranteed', 'best_effort'] as const) {
    t.same(
      fateWithoutRoom({ sla, windowEndsUnixMs: 0, setRetiring: true }, NOW),
      { fate: 'retire', reason: 'its set is being retired' },
      `${sla}`,
    );
  }
});

t.test('decided again later: a best-effort VM waiting inside its window is retired once it ends', async (t) => {
  const f = { sla: 'best_effort' as const, windowEndsUnixMs: NOW + 60_000, setRetiring: false };
  t.equal(fateWithoutRoom(f, NOW).fate, 'wait');
  t.equal(fateWithoutRoom(f, NOW + 60_000).fate, 'retire');
});
