// Exponential backoff with full jitter.
import t from 'tap';
import { Backoff } from '../../agent/backoff.js';

/** A "random" that returns the given values in turn (then the last one). */
const seq = (...xs: number[]) => {
  let i = 0;
  return () => xs[Math.min(i++, xs.length - 1)]!;
};

t.test('with random ≈ 1 the delay is the cap: doubles up to max', async (t) => {
  const b = new Backoff(500, 30_000, () => 0.999999999);
  const got = Array.from({ length: 10 }, () => b.next());
  t.same(got, [499, 999, 1999, 3999, 7999, 15999, 29999, 29999, 29999, 29999]);
  t.equal(b.attempts, 10);
});

t.test('exact caps with random 0.5', async (t) => {
  const b = new Backoff(1000, 10_000, () => 0.5);
  t.same(
    Array.from({ length: 6 }, () => b.next()),
    [500, 1000, 2000, 4000, 5000, 5000],
  );
});

t.test('full jitter: uniformly within [0, cap), floored at 100 ms', async (t) => {
  const b = new Backoff(500, 30_000, () => 0);
  t.same(
    Array.from({ length: 5 }, () => b.next()),
    [100, 100, 100, 100, 100],
    'never below 100 ms',
  );

  const b2 = new Backoff(500, 30_000, seq(0.1, 0.5, 0.25, 0.9));
  t.same([b2.next(), b2.next(), b2.next(), b2.next()], [100, 500, 500, 3600], 'random × cap');

  const b3 = new Backoff(); // defaults, real Math.random
  const caps = [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000, 30000, 30000];
  const bad: string[] = [];
  for (let round = 0; round < 200; round++) {
    b3.reset();
    for (const cap of caps) {
      const d = b3.next();
      if (!Number.isInteger(d) || d < 100 || d > cap) bad.push(`${d} outside [100, ${cap}]`);
    }
  }
  t.same(bad, [], 'every delay within [100, cap]');
});

t.test('reset starts over', async (t) => {
  const b = new Backoff(500, 30_000, () => 0.999999999);
  for (let i = 0; i < 5; i++) b.next();
  t.equal(b.attempts, 5);
  b.reset();
  t.equal(b.attempts, 0);
  t.equal(b.next(), 499, 'back to the base');
  t.equal(b.next(), 999);
});

t.test('very many attempts do not overflow', async (t) => {
  const b = new Backoff(500, 30_000, () => 0.999999999);
  let last = 0;
  for (let i = 0; i < 10_000; i++) last = b.next();
  t.equal(last, 29999);
  t.ok(Number.isFinite(last));
  t.ok(b.attempts <= 30, 'attempt counter is bounded');
});

t.test("the controller's reconnect window is a floor under every draw", async (t) => {
  const b = new Backoff(500, 30_000, () => 0.999999999);
  b.setWindow(8000);
  t.same(
    Array.from({ length: 7 }, () => b.next()),
    [7999, 7999, 7999, 7999, 7999, 15999, 29999],
    'first attempts spread over the window, then the doubling takes over',
  );
  b.reset();
  b.setWindow(120_000);
  t.same(
    [b.next(), b.next()],
    [119999, 119999],
    'a window beyond the maximum holds (a fleet larger than maxMs can spread)',
  );
  b.reset();
  b.setWindow(0);
  t.equal(b.next(), 499, 'no window: the plain backoff');
  b.setWindow(1e12);
  t.equal(b.next(), 599_999, 'an absurd window is capped at 10 minutes');
  b.setWindow(Number.NaN);
  t.equal(b.next(), 1999, 'a nonsensical window is ignored');

  // Uniform over [0, window): 10,000 agents' first draws fill every tenth of it.
  const w = new Backoff(500, 30_000);
  w.setWindow(10_000);
  const tenths = new Array<number>(10).fill(0);
  for (let i = 0; i < 10_000; i++) {
    w.reset();
    tenths[Math.min(9, Math.floor(w.next() / 1000))]!++;
  }
  t.ok(
    tenths.every((c) => c > 800 && c < 1200),
    `each tenth of the window holds about a tenth of the first attempts: ${tenths.join(' ')}`,
  );
});
