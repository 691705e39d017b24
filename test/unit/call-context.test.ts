// Timers armed during an RPC fire outside its call context: a set's start or
// expiry is nobody's request (no request record, audit or caller of its own).
import t from 'tap';
import { FakeClock, type Clock } from '../../common/clock.js';
import { callContext, currentCall, detachedClock, outsideCall } from '../../controller/context.js';

// Real timers, as realClock's, but kept referenced so the test waits for them.
const real: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const h = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(h) };
  },
  setInterval: (fn, ms) => {
    const h = setInterval(fn, ms);
    return { cancel: () => clearInterval(h) };
  },
};
const ctx = { rpc: 'VmService.CreateVmSet', actor: 'tok', peer: 'p', requestId: 'r1' };

t.test('detachedClock: timeouts and intervals armed in a call run outside it', async (t) => {
  const clock = detachedClock(real);
  const seen = await callContext.run(ctx, () => {
    t.equal(currentCall(), ctx, 'control: inside the call');
    return Promise.all([
      new Promise((resolve) => clock.setTimeout(() => resolve(currentCall()), 1)),
      new Promise((resolve) => {
        const tm = clock.setInterval(() => {
          tm.cancel();
          // Deferred work the timer starts is outside the call too.
          void Promise.resolve().then(() => resolve(currentCall()));
        }, 1);
      }),
    ]);
  });
  t.same(seen, [undefined, undefined], 'no call context in the timers or the work they start');

  // Control: a bare timer inherits the call (what the detached clock prevents).
  const inherited = await callContext.run(
    ctx,
    () => new Promise((resolve) => real.setTimeout(() => resolve(currentCall()), 1)),
  );
  t.equal(inherited, ctx, 'an undetached timer inherits the call');
});

t.test('detachedClock keeps the clock it wraps (fake time in tests)', async (t) => {
  const fake = new FakeClock();
  const clock = detachedClock(fake);
  t.equal(clock.now(), fake.now());
  let fired = 0;
  callContext.run(ctx, () =>
    clock.setTimeout(() => (fired++, t.equal(currentCall(), undefined, 'fired outside the call')), 1000),
  );
  fake.advance(999);
  t.equal(fired, 0);
  callContext.run({ ...ctx, rpc: 'Other' }, () => fake.advance(1));
  t.equal(fired, 1, 'fires at its time, even when time is advanced inside another call');
  t.equal(outsideCall(() => currentCall())(), undefined);
});
