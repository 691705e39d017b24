// The monitor's pure decision (controller/monitor/actions/decide.ts): ladders,
// backoff, reset when healthy, idempotency, with time as plain numbers.
import t from 'tap';
import type { ActionRecord } from '../../controller/model/monitor.js';
import {
  backoffMs,
  compareVersions,
  decide,
  roguePids,
  type DecideInput,
  type Planned,
} from '../../controller/monitor/actions/decide.js';
import { policy, row, VM_A } from '../helpers/monitor-records.js';

const T = Date.UTC(2026, 0, 1);

/** Records what decide planned as done actions at `at` (newest first, as the log lists them). */
function taken(ps: Planned[], at: number, prior: ActionRecord[] = []): ActionRecord[] {
  const recs = ps.map((p, i): ActionRecord => ({
    id: `A${at}-${i}`,
    vmId: VM_A,
    setId: '',
    tenant: 'default',
    hostId: '',
    kind: p.kind,
    cause: p.cause,
    trigger: p.trigger,
    attempt: p.attempt,
    outcome: 'done',
    detail: '',
    principal: 'monitor',
    createdUnixMs: at,
    endedUnixMs: at,
    pid: p.pid,
    version: p.version,
  }));
  return [...recs.reverse(), ...prior];
}

const faulted = row({ appState: 'faulted', fault: 'app exited' });

t.test('faulted ladder: restart x3 with doubling backoff, then reboot, then terminate, then nothing', async (t) => {
  let history: ActionRecord[] = [];
  let episodes = {};
  let now = T;
  let spent = false;
  const kinds: string[] = [];
  const keys = new Set<string>();
  for (let i = 0; i < 6; i++) {
    const d = decide({ row: faulted, policy: policy(), history, episodes, now });
    episodes = d.episodes;
    if (!d.actions.length) {
      t.equal(i, 5, 'the ladder is spent after 5 actions');
      t.notOk(d.retryAtMs, 'a spent ladder does not retry');
      spent = true;
      break;
    }
    t.equal(d.actions.length, 1, 'one rung at a time');
    const p = d.actions[0]!;
    t.equal(p.attempt, i + 1);
    t.notOk(keys.has(p.key), 'each attempt has its own key');
    keys.add(p.key);
    kinds.push(p.kind);
    history = taken(d.actions, now, history);
    if (i === 4) continue; // the last rung: the next turn finds the ladder spent
    // Too early: backing off, with the time to decide again.
    const early = decide({ row: faulted, policy: policy(), history, episodes, now: now + 1 });
    t.same(early.actions, [], 'no storm: nothing before the backoff ends');
    const wait = backoffMs(5, i + 2);
    t.equal(early.retryAtMs, now + wait, `retry after ${wait} ms`);
    now += wait;
  }
  t.ok(spent);
  t.same(kinds, ['restart_app', 'restart_app', 'restart_app', 'reboot', 'terminate']);
  t.equal(backoffMs(5, 2), 5000);
  t.equal(backoffMs(5, 3), 10000);
  t.equal(backoffMs(5, 20), 300_000, 'capped at 300 s');
});

t.test('a pending action holds the ladder; the same input decides the same key (idempotent)', async (t) => {
  const first = decide({ row: faulted, policy: policy(), history: [], episodes: {}, now: T });
  const again = decide({ row: faulted, policy: policy(), history: [], episodes: first.episodes, now: T });
  t.same(again.actions, first.actions, 'a repeat decides the same action with the same key');
  const pending = taken(first.actions, T).map((a) => ({ ...a, outcome: 'pending' as const, endedUnixMs: 0 }));
  const d = decide({ row: faulted, policy: policy(), history: pending, episodes: first.episodes, now: T + 3600_000 });
  t.same(d.actions, [], 'nothing while the last action is pending');
});

t.test('the ladder resets once the app runs healthy again', async (t) => {
  const d1 = decide({ row: faulted, policy: policy(), history: [], episodes: {}, now: T });
  const h = taken(d1.actions, T);
  const healthy = decide({ row: row(), policy: policy(), history: h, episodes: d1.episodes, now: T + 1000 });
  t.same(healthy.actions, []);
  t.equal(healthy.episodes.faulted, 0, 'episode closed');
  const d2 = decide({ row: faulted, policy: policy(), history: h, episodes: healthy.episodes, now: T + 2000 });
  t.equal(d2.episodes.faulted, T + 2000, 'the new episode starts now');
  t.equal(d2.actions.length, 1, 'a new fault acts at once');
  t.equal(d2.actions[0]!.kind, 'restart_app');
  t.equal(d2.actions[0]!.attempt, 1, 'from the first rung again');
  t.not(d2.actions[0]!.key, d1.actions[0]!.key, 'a new episode, a new key');
});

t.test(
  'a VM rebooting (app state unknown) keeps its ladder: after the reboot the next rung, not the first',
  async (t) => {
    let history: ActionRecord[] = [];
    let episodes = {};
    let now = T;
    for (let i = 0; i < 4; i++) {
      const d = decide({ row: faulted, policy: policy(), history, episodes, now });
      episodes = d.episodes;
      history = taken(d.actions, now, history);
      now = d.retryAtMs ?? now + 1;
      if (d.actions.length) now += 60_000;
    }
    t.equal(history[0]!.kind, 'reboot', 'the ladder is at its reboot');
    const rebooting = decide({ row: row({ appState: 'unknown' }), policy: policy(), history, episodes, now });
    t.same(rebooting.actions, [], 'nothing while the VM is not running');
    t.same(rebooting.episodes, episodes, 'the episode is kept');
    const after = decide({ row: faulted, policy: policy(), history, episodes: rebooting.episodes, now: now + 60_000 });
    t.match(after.actions, [{ kind: 'terminate', attempt: 5 }], 'still faulted after the reboot: terminate');
  },
);

t.test('after a controller restart (no episode in memory) the ladder continues from its history', async (t) => {
  const h = taken(
    [{ kind: 'restart_app', trigger: 'faulted', attempt: 1, cause: '', pid: 0, version: '', key: '' }],
    T,
  );
  const d = decide({ row: faulted, policy: policy(), history: h, episodes: {}, now: T + 60_000 });
  t.equal(d.actions[0]!.attempt, 2, 'the second restart, not the first again');
});

t.test('rogue ladder: each matching process killed, then the VM suspended, once per incident', async (t) => {
  const r = row({
    rogue: ['miner:412', 'miner:413', 'junk', 'init:1'],
    processes: [{ pid: 412, name: 'miner', cmdline: 'miner', exeSha256: 'ab' }],
  });
  const d = decide({ row: r, policy: policy(), history: [], episodes: {}, now: T });
  t.same(
    d.actions.map((a) => [a.kind, a.pid, a.attempt]),
    [
      ['kill_process', 412, 1],
      ['kill_process', 413, 2],
      ['suspend', 0, 3],
    ],
  );
  t.match(d.actions[0]!.cause, /^rogue: miner:412/);
  const again = decide({ row: r, policy: policy(), history: taken(d.actions, T), episodes: d.episodes, now: T + 1e6 });
  t.same(again.actions, [], 'the incident was handled');
  t.same(roguePids(['a:1', 'b:x', 'c:99']), [99], 'pid 1 and junk are never killed');
});

t.test('rogue outranks faulted; outdated updates a running app to the desired version', async (t) => {
  const both = row({ appState: 'faulted', rogue: ['x:50'] });
  const d = decide({ row: both, policy: policy(), history: [], episodes: {}, now: T });
  t.ok(d.actions.every((a) => a.trigger === 'rogue'));
  t.ok(d.episodes.faulted, 'the fault episode is open, waiting its turn');
  const p = policy({ desiredVersion: '1.10' });
  const old = decide({ row: row({ applianceVersion: '1.9' }), policy: p, history: [], episodes: {}, now: T });
  t.same(
    old.actions.map((a) => [a.kind, a.trigger, a.version]),
    [['update_app', 'outdated', '1.10']],
  );
  const cur = decide({ row: row({ applianceVersion: '1.10' }), policy: p, history: [], episodes: {}, now: T });
  t.same(cur.actions, []);
  t.equal(compareVersions('1.10', '1.9'), 1);
  t.equal(compareVersions('2.0', '2.0.0'), 0);
});

t.test('licence problem suspends once; disabled policy or unmonitored rows do nothing', async (t) => {
  const lic = row({ licenceProblem: 'seats exceeded (12 > 10)' });
  const d = decide({ row: lic, policy: policy(), history: [], episodes: {}, now: T });
  t.same(
    d.actions.map((a) => [a.kind, a.trigger]),
    [['suspend', 'licence']],
  );
  const inputs: DecideInput[] = [
    { row: faulted, policy: policy({ enabled: false }), history: [], episodes: {}, now: T },
    { row: row({ ...faulted, monitored: false }), policy: policy(), history: [], episodes: {}, now: T },
  ];
  for (const i of inputs) t.same(decide(i).actions, []);
  const none = policy();
  none.ladders.faulted = [{ step: 'none', times: 1 }];
  t.same(decide({ row: faulted, policy: none, history: [], episodes: {}, now: T }).actions, [], 'a "none" ladder');
});
