// The one parser of --from/--to for usage query, export, push and backup plans.
import t from 'tap';
import { timeFlag } from '../../controller/cli/parse.js';

const NOW = Date.UTC(2026, 11, 6, 12);

t.test('ISO times, unix ms, now, and durations ago', async (t) => {
  t.equal(timeFlag('--from', undefined, NOW), 0, 'absent: no bound');
  t.equal(timeFlag('--from', '', NOW), 0);
  t.equal(timeFlag('--from', '2026-12-01', NOW), Date.UTC(2026, 11, 1));
  t.equal(timeFlag('--from', '2026-12-01T10:00:00Z', NOW), Date.UTC(2026, 11, 1, 10));
  t.equal(timeFlag('--to', '1764582000000', NOW), 1764582000000);
  t.equal(timeFlag('--to', 'now', NOW), NOW);
  t.equal(timeFlag('--from', '2h', NOW), NOW - 7_200_000);
  t.equal(timeFlag('--from', '-7d', NOW), NOW - 7 * 86_400_000);
});

t.test('anything else: one line naming the flag', async (t) => {
  for (const bad of ['yesterday', '12x', '2026-13-45', '99999999999999999999'])
    t.throws(() => timeFlag('--from', bad, NOW), { message: /^--from: / }, bad);
});
