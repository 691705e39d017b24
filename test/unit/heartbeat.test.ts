// Heartbeat interval scaled to the fleet size.
import t from 'tap';
import {
  heartbeatInterval,
  intervalChanged,
  reconnectWindow,
  restartGraceInterval,
  MAX_RECONNECT_WINDOW_MS,
  DEFAULT_HEARTBEAT,
  type HeartbeatPolicy,
} from '../../controller/hosts/heartbeat.js';

const P: HeartbeatPolicy = { maxBeatsPerSec: 50, minMs: 5_000, maxMs: 60_000, missedBeats: 3 };

t.test('scales with the fleet, clamped to [min, max]', async (t) => {
  t.equal(heartbeatInterval(0, P), 5000, 'empty fleet → min');
  t.equal(heartbeatInterval(1, P), 5000);
  t.equal(heartbeatInterval(10, P), 5000);
  t.equal(heartbeatInterval(250, P), 5000, '250 hosts at 50/s = 5 s exactly');
  t.equal(heartbeatInterval(251, P), 5020);
  t.equal(heartbeatInterval(1000, P), 20_000);
  t.equal(heartbeatInterval(3000, P), 60_000, 'exactly max');
  t.equal(heartbeatInterval(3001, P), 60_000, 'clamped to max');
  t.equal(heartbeatInterval(1_000_000, P), 60_000);
  t.equal(heartbeatInterval(10_000, { ...P, maxBeatsPerSec: 10_000 }), 5000, 'fast controller → min');
  t.equal(
    heartbeatInterval(7, { ...P, maxBeatsPerSec: 3, minMs: 1, maxMs: 1e9 }),
    2334,
    'rounded up, never faster than the rate',
  );
});

t.test('monotonic in fleet size', async (t) => {
  let prev = 0;
  let ok = true;
  for (let n = 0; n < 5000; n += 7) {
    const ms = heartbeatInterval(n, P);
    if (ms < prev) ok = false;
    prev = ms;
  }
  t.ok(ok, 'never shrinks as the fleet grows');
});

t.test('fleet rate never exceeds maxBeatsPerSec inside the clamp range', async (t) => {
  const bad: string[] = [];
  for (const rate of [1, 7, 50, 333, 10_000]) {
    const p = { ...P, maxBeatsPerSec: rate };
    for (let n = 1; n < 200_000; n = Math.ceil(n * 1.13)) {
      const ms = heartbeatInterval(n, p);
      if (ms < p.minMs || ms > p.maxMs) bad.push(`clamp n=${n} rate=${rate}`);
      const fleetRate = (n * 1000) / ms;
      // Beyond the clamp the fleet must exceed the rate (max interval); inside it, it must not.
      if (ms < p.maxMs && fleetRate > rate + 1e-9) bad.push(`rate n=${n} rate=${rate} → ${fleetRate}/s at ${ms}ms`);
    }
  }
  t.same(bad, [], 'no violations');
});

t.test('default policy', async (t) => {
  t.same(DEFAULT_HEARTBEAT, { maxBeatsPerSec: 50, minMs: 5_000, maxMs: 60_000, missedBeats: 3 });
  t.equal(heartbeatInterval(1000, DEFAULT_HEARTBEAT), 20_000);
});

t.test('intervalChanged: only moves of more than 10%', async (t) => {
  t.equal(intervalChanged(10_000, 10_000), false);
  t.equal(intervalChanged(10_000, 11_000), false, 'exactly +10% is not a change');
  t.equal(intervalChanged(10_000, 9_000), false, 'exactly -10% is not a change');
  t.equal(intervalChanged(10_000, 11_001), true);
  t.equal(intervalChanged(10_000, 8_999), true);
  t.equal(intervalChanged(5_000, 60_000), true);
  t.equal(intervalChanged(60_000, 5_000), true);
  // Fleet growth from 1000 to 1050 hosts (20 s → 21 s): no churn.
  t.equal(intervalChanged(heartbeatInterval(1000, P), heartbeatInterval(1050, P)), false);
  t.equal(intervalChanged(heartbeatInterval(1000, P), heartbeatInterval(1200, P)), true);
});

t.test('reconnectWindow: twice the fleet over the session rate, within bounds', async (t) => {
  t.equal(
    reconnectWindow(1000, 200),
    10_000,
    '1000 hosts at 200/s: 10 s (first attempts at 100/s, retries at up to 200/s)',
  );
  t.equal(reconnectWindow(10_000, 200), 100_000, '10,000 hosts: 100 s');
  t.equal(reconnectWindow(1, 200), 500, 'a lone host: half a second');
  t.equal(reconnectWindow(0, 200), 500);
  t.equal(reconnectWindow(1e6, 200), MAX_RECONNECT_WINDOW_MS, 'at most ten minutes');
  t.equal(reconnectWindow(200, 67), 5971, '200 hosts at 67/s');
  for (const n of [100, 1000, 5000, 20_000])
    t.ok(Math.abs((2 * n) / (reconnectWindow(n, 200) / 1000) - 200) < 1, `n=${n}: retries at the rate`);
});

t.test('restartGraceInterval: a restarted controller waits out the reconnect window', async (t) => {
  t.equal(
    restartGraceInterval(1000, P, 200),
    20_000,
    '1000 hosts: the fleet interval (3 × 20 s = 60 s) already covers 2 × 10 s',
  );
  t.equal(
    restartGraceInterval(10_000, P, 200),
    66_667,
    '10,000 hosts: 3 × 66.7 s covers 2 × 100 s (the fleet interval is capped at 60 s)',
  );
  const fast = { maxBeatsPerSec: 20_000, minMs: 1000, maxMs: 60_000, missedBeats: 3 };
  t.equal(
    restartGraceInterval(10_000, fast, 200),
    66_667,
    '1 Hz beats, 10,000 hosts: not unreachable after 3 s but after 200 s',
  );
  for (const n of [1, 10, 100, 1000, 5000, 20_000, 1e6]) {
    for (const p of [P, fast]) {
      const g = restartGraceInterval(n, p, 200);
      t.ok(
        g * p.missedBeats >= 2 * reconnectWindow(n, 200) && g >= heartbeatInterval(n, p),
        `n=${n}: grace covers twice the window and the fleet interval`,
      );
    }
  }
});
