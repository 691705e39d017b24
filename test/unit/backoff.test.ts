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
  t.same(Array.from({ length: 6 }, () => b.next()), [500, 1000, 2000, 4000, 5000, 5000]);
});

t.test('full jitter: uniformly within [0, cap), floored at 100 ms', async (t) => {
  const b = new Backoff(500, 30_000, () => 0);
  t.same(Array.from({ length: 5 }, () => b.next()), [100, 100, 100, 100, 100], 'never below 100 ms');

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
