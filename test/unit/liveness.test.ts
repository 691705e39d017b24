// Liveness under a fake clock: ready → unreachable → down, recovery, and the
// sweep timer.
import t from 'tap';
import { Liveness, type Transition, type LivenessOptions } from '../../controller/hosts/liveness.js';
import { FakeClock } from '../../common/clock.js';

const INTERVAL = 1000;
const OPTS: LivenessOptions = { missedBeats: 3, downAfterMs: 10_000, sweepMs: 100 };

function setup(opts: LivenessOptions = OPTS) {
  const clock = new FakeClock();
  const ts: Transition[] = [];
  const l = new Liveness(clock, opts, (x) => ts.push(x));
  const moves = () => ts.map((x) => `${x.hostId}:${x.from.toUpperCase()}>${x.to.toUpperCase()}`);
  return { clock, ts, l, moves };
}

t.test('connected → ready', async (t) => {
  const { l, ts, clock } = setup();
  l.connected('h1', INTERVAL);
  t.same(ts, [{ hostId: 'h1', from: 'pending', to: 'ready', reason: 'session established' }]);
  t.equal(l.state('h1'), 'ready');
  t.equal(l.lastSeen('h1'), clock.now());
  t.equal(l.state('other'), undefined);
  t.equal(l.beat('other'), false, 'a beat from an unknown host is refused');
  t.equal(l.state('other'), undefined, 'and does not register it');

  // A second connect while ready is not a transition.
  l.connected('h1', INTERVAL, 'reconnect');
  t.equal(ts.length, 1);
});

t.test('missed beats → unreachable once, then down after downAfterMs', async (t) => {
  const { l, clock, moves, ts } = setup();
  l.start();
  t.teardown(() => l.stop());
  l.connected('h1', INTERVAL);
  const t0 = clock.now();

  clock.advance(3 * INTERVAL); // exactly missedBeats*interval: not yet late
  t.equal(l.state('h1'), 'ready', 'still ready at exactly the deadline');
  clock.advance(OPTS.sweepMs); // next sweep is past it
  t.equal(l.state('h1'), 'unreachable');
  t.same(moves(), ['h1:PENDING>READY', 'h1:READY>UNREACHABLE']);
  t.match(ts[1]!.reason, /no heartbeat for 3 intervals/);
  const unreachableAt = clock.now();
  t.ok(unreachableAt - t0 <= 3 * INTERVAL + OPTS.sweepMs, 'detected within one sweep of the deadline');

  clock.advance(OPTS.downAfterMs - OPTS.sweepMs - 1);
  t.equal(l.state('h1'), 'unreachable', 'exactly one transition while unreachable');
  t.equal(ts.length, 2, 'no repeated unreachable transitions over many sweeps');

  clock.advance(OPTS.sweepMs + 1);
  t.equal(l.state('h1'), 'down', 'down after downAfterMs');
  t.same(moves(), ['h1:PENDING>READY', 'h1:READY>UNREACHABLE', 'h1:UNREACHABLE>DOWN']);
  t.match(ts[2]!.reason, /unreachable for 10s/);

  clock.advance(60_000);
  t.equal(ts.length, 3, 'down stays down without more transitions');
  t.same(l.counts(), { ready: 0, unreachable: 0, down: 1, pending: 0, unknown: 0 });
});

t.test('a beat brings an unreachable or down host back to ready', async (t) => {
  const { l, clock, moves, ts } = setup();
  l.start();
  t.teardown(() => l.stop());
  l.connected('h1', INTERVAL);
  l.connected('h2', INTERVAL);
  clock.advance(3 * INTERVAL + OPTS.sweepMs);
  t.equal(l.state('h1'), 'unreachable');
  t.equal(l.beat('h1'), true);
  t.equal(l.state('h1'), 'ready', 'unreachable → ready on a beat');
  t.equal(ts.at(-1)?.reason, 'heartbeat resumed');

  clock.advance(OPTS.downAfterMs + 3 * INTERVAL + 2 * OPTS.sweepMs);
  t.equal(l.state('h2'), 'down');
  l.beat('h2');
  t.equal(l.state('h2'), 'ready', 'down → ready on a beat');
  t.same(
    moves().filter((m) => m.startsWith('h2')),
    ['h2:PENDING>READY', 'h2:READY>UNREACHABLE', 'h2:UNREACHABLE>DOWN', 'h2:DOWN>READY'],
  );

  // A recovered host gets a fresh deadline.
  clock.advance(3 * INTERVAL);
  t.equal(l.state('h2'), 'ready', 'fresh deadline after recovery');
  t.equal(ts.filter((x) => x.hostId === 'h2').length, 4);
});

t.test('the unreachable clock restarts after a recovery', async (t) => {
  const { l, clock } = setup();
  l.start();
  t.teardown(() => l.stop());
  l.connected('h1', INTERVAL);
  clock.advance(3 * INTERVAL + OPTS.sweepMs); // unreachable
  clock.advance(OPTS.downAfterMs - 1000); // almost down
  l.beat('h1'); // ready again
  clock.advance(3 * INTERVAL + OPTS.sweepMs); // unreachable again
  t.equal(l.state('h1'), 'unreachable');
  clock.advance(2000);
  t.equal(l.state('h1'), 'unreachable', 'down is measured from the latest unreachable transition');
});

t.test('disconnected → unreachable immediately; connected again → ready', async (t) => {
  const { l, moves, ts } = setup();
  l.connected('h1', INTERVAL);
  l.disconnected('h1', 'stream closed');
  t.equal(l.state('h1'), 'unreachable', 'no sweep needed');
  t.same(ts.at(-1), { hostId: 'h1', from: 'ready', to: 'unreachable', reason: 'stream closed' });
  l.disconnected('h1', 'again');
  t.equal(ts.length, 2, 'a second disconnect is not a transition');
  l.disconnected('unknown', 'x');
  t.equal(l.state('unknown'), undefined);
  l.connected('h1', INTERVAL, 'session established');
  t.same(moves(), ['h1:PENDING>READY', 'h1:READY>UNREACHABLE', 'h1:UNREACHABLE>READY']);
});

t.test('disconnected host goes down after downAfterMs', async (t) => {
  const { l, clock, moves } = setup();
  l.start();
  t.teardown(() => l.stop());
  l.connected('h1', INTERVAL);
  clock.advance(500);
  l.disconnected('h1', 'closed');
  clock.advance(OPTS.downAfterMs + OPTS.sweepMs);
  t.same(moves(), ['h1:PENDING>READY', 'h1:READY>UNREACHABLE', 'h1:UNREACHABLE>DOWN']);
});

t.test('beats keep a host ready indefinitely', async (t) => {
  const { l, clock, ts } = setup();
  l.start();
  t.teardown(() => l.stop());
  l.connected('h1', INTERVAL);
  let refused = 0;
  for (let i = 0; i < 1000; i++) {
    clock.advance(INTERVAL * 2.5); // late beats, but within missedBeats
    if (!l.beat('h1')) refused++;
  }
  t.equal(refused, 0, 'every beat accepted');
  t.equal(l.state('h1'), 'ready');
  t.equal(ts.length, 1, 'no transition besides the first');
  t.equal(l.lastSeen('h1'), clock.now(), 'a beat moves lastSeen');
});

t.test('track() registers without a transition; its deadline counts from `since`', async (t) => {
  const { l, clock, ts, moves } = setup();
  l.start();
  t.teardown(() => l.stop());
  l.track('h1', 'ready', INTERVAL);
  l.track('h2', 'down', INTERVAL);
  l.track('h3', 'ready', INTERVAL, clock.now() - 10 * INTERVAL);
  t.same(ts, [], 'track makes no transition');
  t.equal(l.state('h1'), 'ready');
  t.equal(l.state('h2'), 'down');
  t.same(l.counts(), { ready: 2, unreachable: 0, down: 1, pending: 0, unknown: 0 });

  clock.advance(OPTS.sweepMs);
  t.same(moves(), ['h3:READY>UNREACHABLE'], 'a host last seen long ago turns unreachable on the first sweep');
  clock.advance(3 * INTERVAL);
  t.same(moves(), ['h3:READY>UNREACHABLE', 'h1:READY>UNREACHABLE']);
  t.equal(l.state('h2'), 'down', 'a down host stays down without beats');

  l.forget('h1');
  t.equal(l.state('h1'), undefined);
  t.equal(l.beat('h1'), false);
});

t.test('sweep runs only between start() and stop(); setInterval changes the deadline', async (t) => {
  const { l, clock, ts } = setup();
  l.connected('h1', INTERVAL);
  clock.advance(100 * INTERVAL);
  t.equal(l.state('h1'), 'ready', 'no sweeps before start()');
  l.sweep();
  t.equal(l.state('h1'), 'unreachable', 'a manual sweep does it');

  l.connected('h1', INTERVAL);
  l.setInterval('h1', 10 * INTERVAL);
  l.start();
  clock.advance(20 * INTERVAL);
  t.equal(l.state('h1'), 'ready', 'longer interval → later deadline');
  clock.advance(10 * INTERVAL + OPTS.sweepMs);
  t.equal(l.state('h1'), 'unreachable');
  l.stop();
  const n = ts.length;
  clock.advance(10 * OPTS.downAfterMs);
  t.equal(ts.length, n, 'no sweeps after stop()');
  t.equal(l.state('h1'), 'unreachable');
});

t.test('many hosts: each handled independently by one sweep', async (t) => {
  const { l, clock, ts } = setup();
  l.start();
  t.teardown(() => l.stop());
  for (let i = 0; i < 100; i++) l.connected(`h${i}`, INTERVAL);
  ts.length = 0;
  for (let k = 0; k < 10; k++) {
    clock.advance(INTERVAL);
    for (let i = 0; i < 50; i++) l.beat(`h${i}`);
  }
  t.equal(ts.length, 50, 'only the silent half moved');
  t.ok(ts.every((x) => Number(x.hostId.slice(1)) >= 50 && x.to === 'unreachable'));
  t.same(l.counts(), { ready: 50, unreachable: 50, down: 0, pending: 0, unknown: 0 });
});

t.test('restored() after a controller restart: unknown until back or its grace ends; last seen kept', async (t) => {
  const { l, clock, ts, moves } = setup();
  l.start();
  t.teardown(() => l.stop());
  const before = clock.now() - 60_000;
  l.restored('back', 'ready', INTERVAL, before);
  l.restored('gone', 'ready', INTERVAL, before);
  l.restored('was-down', 'down', INTERVAL, before);
  t.same(ts, [], 'no transition for restoring');
  t.equal(l.state('back'), 'unknown', 'a host that was ready is unknown');
  t.equal(l.state('was-down'), 'down', 'others keep their stored state');
  t.equal(l.lastSeen('gone'), before, 'last seen is the stored time, not the restart');

  clock.advance(2 * INTERVAL);
  l.connected('back', INTERVAL);
  t.same(moves(), ['back:UNKNOWN>READY']);
  t.equal(l.state('gone'), 'unknown', 'still within its grace (missed beats × interval)');
  clock.advance(INTERVAL + OPTS.sweepMs);
  t.same(moves(), ['back:UNKNOWN>READY', 'gone:UNKNOWN>UNREACHABLE']);
  t.match(ts[1]!.reason, /not back within 3s of the controller's restart/);
  t.equal(l.lastSeen('gone'), before, 'its last seen is still the stored one');
  t.same(l.counts(), { ready: 1, unreachable: 1, down: 1, pending: 0, unknown: 0 });
});
