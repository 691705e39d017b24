// The fleet's heartbeat interval and reconnect window as sessions come and go
// (Cadence), including the restart case: the fleet that was ready is expected back.
import t from 'tap';
import { Cadence, heartbeatInterval, reconnectWindow, restartGraceInterval } from '../../controller/hosts/heartbeat.js';

const POLICY = { maxBeatsPerSec: 50, minMs: 5_000, maxMs: 60_000, missedBeats: 3 };

t.test('the interval follows the fleet, moving only by more than 10%', async (t) => {
  const c = new Cadence(POLICY, 200);
  t.equal(c.interval, 5_000, 'an empty fleet beats at the minimum');
  c.recompute(1000);
  t.equal(c.interval, heartbeatInterval(1000, POLICY), '1000 hosts: 20 s');
  c.recompute(1050);
  t.equal(c.interval, 20_000, 'a 5% change is not told');
  c.recompute(2000);
  t.equal(c.interval, 40_000);
  t.equal(c.reconnectWindowMs, reconnectWindow(2000, 200), 'the window follows too');
});

t.test("after a restart the window is the ready fleet's until more hosts than that are back", async (t) => {
  const c = new Cadence(POLICY, 200);
  const grace = c.restarted(3000, 2000);
  t.equal(grace, restartGraceInterval(3000, POLICY, 200), 'every known host gets the grace interval');
  t.equal(c.reconnectWindowMs, reconnectWindow(2000, 200), "the first agents back learn the whole fleet's window");
  c.recompute(10);
  t.equal(c.reconnectWindowMs, reconnectWindow(2000, 200), "not a small fleet's");
  c.recompute(4000);
  t.equal(c.reconnectWindowMs, reconnectWindow(4000, 200), 'a larger fleet widens it');
});
