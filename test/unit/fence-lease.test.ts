// The fence lease's decisions under a fake clock: renewal cadence, clamping below
// the controller's re-placement window, the graceful (SIGTERM) lease, the file line.
import t from 'tap';
import { FakeClock } from '../../common/clock.js';
import {
  FENCED_REASON,
  gracefulLeaseMs,
  LeaseKeeper,
  leaseFor,
  leaseLine,
  parseLeaseLine,
  safeLeaseMs,
  timings,
} from '../../agent/fence/lease.js';

t.test('the lease is --fence-after, clamped to half the window when that is shorter', async (t) => {
  t.same(leaseFor(60_000, undefined), { leaseMs: 60_000, clamped: false }, 'no window known: the flag');
  t.same(leaseFor(60_000, 0), { leaseMs: 60_000, clamped: false }, 'an older controller says 0');
  t.same(leaseFor(60_000, 600_000), { leaseMs: 60_000, clamped: false }, 'defaults: 1m under 5m + 5m');
  t.same(leaseFor(300_000, 600_000), { leaseMs: 300_000, clamped: false }, 'exactly half is allowed');
  t.same(leaseFor(300_001, 600_000), { leaseMs: 300_000, clamped: true }, 'a millisecond more is clamped');
  t.same(leaseFor(60_000, 3_000), { leaseMs: 1_500, clamped: true }, 'fast test timings: 2s + 1s');
  t.equal(safeLeaseMs(600_000), 300_000);
  // Everything is stopped by lease + check + grace: still well inside the window.
  for (const w of [3_000, 60_000, 600_000, 7_200_000]) {
    const lease = leaseFor(3_600_000, w).leaseMs;
    const x = timings(lease);
    t.ok(
      lease + x.checkEveryMs + x.graceMs <= 0.7 * w,
      `window ${w}: guests gone by ${lease + x.checkEveryMs + x.graceMs} ms`,
    );
  }
});

t.test('the graceful lease is the longest safe one, never shorter than the lease', async (t) => {
  t.equal(gracefulLeaseMs(60_000, 600_000), 300_000, 'an upgrade gets 5m with the controller defaults');
  t.equal(gracefulLeaseMs(60_000, undefined), 60_000, 'no window known: no extension');
  t.equal(gracefulLeaseMs(1_500, 3_000), 1_500);
});

t.test('timings: four renewals per lease, bounded checks and grace', async (t) => {
  t.same(timings(60_000), { renewEveryMs: 15_000, checkEveryMs: 5_000, graceMs: 5_000 });
  t.same(timings(1_500), { renewEveryMs: 375, checkEveryMs: 187, graceMs: 375 });
  t.same(timings(400), { renewEveryMs: 100, checkEveryMs: 100, graceMs: 100 });
});

t.test('the lease line holds the expiry on the boot clock in centiseconds', async (t) => {
  const line = leaseLine(123_456_780, 60_000);
  t.equal(line, '12351678 5.00 50\n');
  t.same(parseLeaseLine(line), { expiryMs: 123_516_780, checkEveryMs: 5_000, graceMs: 5_000 });
  t.equal(leaseLine(1_001, 1_500), '251 0.19 4\n', 'rounded up: never shorter than asked');
  t.equal(parseLeaseLine('garbage'), undefined);
  t.equal(FENCED_REASON, 'fenced: agent lease expired');
});

function keeper(fenceAfterMs: number, windowMs?: number, late: number[] = []) {
  const clock = new FakeClock();
  const boot0 = clock.now();
  let stalled = 0;
  const writes: { at: number; expiryMs: number }[] = [];
  const clamps: number[][] = [];
  const k = new LeaseKeeper({
    fenceAfterMs,
    replaceWindowMs: windowMs,
    clock,
    uptimeMs: () => clock.now() - boot0 + 1_000_000 + stalled,
    write: (line) =>
      writes.push({ at: clock.now() - boot0 + 1_000_000 + stalled, expiryMs: parseLeaseLine(line)!.expiryMs }),
    onClamp: (...a) => clamps.push(a),
    onLate: (gap) => late.push(gap),
  });
  /** Time passes without any timer firing (the event loop is blocked). */
  const stall = (ms: number) => (stalled += ms);
  return { clock, k, writes, clamps, stall };
}

t.test('the keeper renews every quarter lease; the expiry never comes closer than 3/4 of it', async (t) => {
  const { clock, k, writes } = keeper(60_000);
  k.start();
  t.equal(writes.length, 1, 'written at once on start');
  clock.advance(60_000);
  t.equal(writes.length, 5, 'then every 15 s');
  for (const w of writes) t.equal(w.expiryMs - w.at, 60_000);
  // The agent dies now: the last expiry is at most one lease away.
  const last = writes.at(-1)!;
  t.ok(last.expiryMs - (clock.now() - writes[0]!.at + 1_000_000) <= 60_000);
});

t.test('a window from Welcome clamps the lease loudly and renews at once', async (t) => {
  const { clock, k, writes, clamps } = keeper(60_000);
  k.start();
  clock.advance(1_000);
  k.setReplaceWindow(3_000);
  t.equal(k.leaseMs(), 1_500, 'clamped to half the window');
  t.same(clamps, [[60_000, 1_500, 3_000]], 'the clamp is reported (the fence logs it at error level)');
  t.equal(writes.length, 2, 'the shorter lease is written at once');
  t.equal(writes[1]!.expiryMs - writes[1]!.at, 1_500);
  clock.advance(1_500);
  t.equal(writes.length, 6, 'and renewed every 375 ms from then on');
  k.setReplaceWindow(3_000);
  t.equal(clamps.length, 1, 'the same window again: no second clamp');
  k.setReplaceWindow(600_000);
  t.equal(k.leaseMs(), 60_000, 'a wider window gives the flag back');
});

t.test('a window known at start (persisted from an earlier Welcome) is checked at start', async (t) => {
  const { k, writes, clamps } = keeper(60_000, 10_000);
  t.equal(k.leaseMs(), 5_000);
  t.equal(clamps.length, 1);
  k.start();
  t.equal(writes[0]!.expiryMs - writes[0]!.at, 5_000);
});

t.test('stopping: kill -9 leaves the last lease; SIGTERM writes the longest safe one', async (t) => {
  const a = keeper(60_000, 600_000);
  a.k.start();
  a.clock.advance(20_000);
  a.k.stop({ graceful: false });
  const n = a.writes.length;
  a.clock.advance(120_000);
  t.equal(a.writes.length, n, 'no renewal after a stop');
  const b = keeper(60_000, 600_000);
  b.k.start();
  b.clock.advance(20_000);
  b.k.stop({ graceful: true });
  const last = b.writes.at(-1)!;
  t.equal(last.expiryMs - last.at, 300_000, 'a deliberate stop leaves 5 minutes for the restart');
  b.clock.advance(600_000);
  t.equal(b.writes.at(-1), last, 'and nothing after it');
  b.k.setReplaceWindow(1_000);
  t.equal(b.writes.at(-1), last, 'a stopped keeper ignores late windows');
});

t.test('a renewal after the lease ran out (a stalled agent) is reported', async (t) => {
  const late: number[] = [];
  const { clock, k, stall } = keeper(4_000, undefined, late);
  k.start();
  clock.advance(10_000);
  t.same(late, [], 'renewals on time');
  stall(5_000);
  clock.advance(1_000); // the overdue renewal runs once the loop is free again
  t.same(late, [6_000], 'the renewal after the stall reports its gap');
});
