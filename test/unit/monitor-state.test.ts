import t from 'tap';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { MemoryStore } from '../helpers/memory-store.js';
import { ApplianceTable } from '../../controller/monitor/state/table.js';
import { applyObserved, changed, emptyRow, licenceProblem } from '../../controller/monitor/state/diff.js';
import { PolicyBook } from '../../controller/monitor/policy/policies.js';
import { defaultPolicy, validatePolicy } from '../../controller/monitor/policy/validate.js';
import { APPLIANCES, MONITOR_POLICIES, type PolicyRecord } from '../../controller/model/monitor.js';
import type { MirrorItem, MonitorMirror, RowChange } from '../../controller/monitor/ports.js';
import type { ApplianceState } from '../../common/gen/nephele/v1/ApplianceState.js';
import type { ApplianceReport__Output } from '../../common/gen/nephele/v1/ApplianceReport.js';
import { InvalidArgumentError } from '../../common/errors.js';
import { newRegistry } from '../../common/metrics/registry.js';
import { stateMetrics } from '../../controller/monitor/state/metrics.js';
import { parseExposition } from '../helpers/metrics.js';
import { waitFor } from '../helpers/wait.js';
import { GroupCommit } from '../../controller/monitor/state/commit.js';
import type { Op } from '../../common/store/index.js';

const VM = (n: number) => `01J00000000000000000000V${String(n).padStart(2, '0')}`;
const vm = (n: number, hostId = 'h1') => ({
  vmId: VM(n),
  name: `s-${n}`,
  setId: 'S',
  tenant: n % 2 ? 'acme' : 'beta',
  hostId,
});

function world(flushMs = 60_000) {
  const store = new MemoryStore();
  const clock = new FakeClock();
  const mirrored: MirrorItem[] = [];
  const mirror: MonitorMirror = {
    ops: (item) => {
      mirrored.push(item);
      return [{ type: 'put', coll: 'monitor-mirror', key: String(mirrored.length), value: item.kind }];
    },
    kick: () => {},
    backlog: async () => 0,
    lastError: () => '',
    close: async () => {},
  };
  const policies = new PolicyBook(store, clock);
  const vms = new Map([1, 2, 3, 4].map((n) => [VM(n), vm(n, n === 4 ? 'h2' : 'h1')]));
  const table = new ApplianceTable({
    store,
    clock,
    log: silentLogger,
    mirror,
    policies,
    vmOf: async (id) => vms.get(id),
    flushMs,
  });
  return { store, clock, mirrored, policies, table, vms };
}

const st = (n: number, o: Partial<ApplianceState> = {}): ApplianceState => ({
  vmId: VM(n),
  appState: 'APP_STATE_RUNNING',
  applianceVersion: '1',
  probes: [{ name: 'http', ok: true, latencyMs: 3, consecutiveFailures: 0 }],
  io: { netRxBytes: 1 },
  source: 'UPDATE_SOURCE_POLL',
  ...o,
});
const report = (changed: ApplianceState[], polled: string[] = []) =>
  ({
    changed,
    polled: polled.map((vmId) => ({ vmId, timeUnixMs: 0, polls: 0 })),
    timeUnixMs: 0,
  }) as unknown as ApplianceReport__Output;

t.test('store on change, not per poll; mirror ops in the same batch', async (t) => {
  const w = world();
  await w.table.load();
  const changes: RowChange[] = [];
  w.table.onChange((c) => changes.push(c));
  await w.table.ingest('h1', report([st(1), st(2)]));
  t.equal(w.store.writes, 1, 'two new rows: one batch');
  t.equal(w.mirrored.length, 2, 'each with its mirror op');
  t.equal(changes.length, 2);
  // Latency and io move every poll: not a change.
  await w.table.ingest(
    'h1',
    report([st(1, { io: { netRxBytes: 99 }, probes: [{ name: 'http', ok: true, latencyMs: 9 }] })]),
  );
  await w.table.ingest('h1', report([], [VM(1), VM(2)]));
  t.equal(w.store.writes, 1, 'no write for unchanged polls');
  t.equal(w.table.get(VM(1), undefined).polls, 3, 'polls counted in memory');
  t.equal(w.table.get(VM(1), undefined).io.netRxBytes, 99, 'latest io kept in memory');
  // A fault is a change: stored, mirrored, the listener hears it.
  await w.table.ingest(
    'h1',
    report([st(1, { appState: 'APP_STATE_FAULTED', fault: 'exited', trigger: 'guest-fault' })]),
  );
  t.equal(w.store.writes, 2);
  t.same(
    [changes.at(-1)!.row.appState, changes.at(-1)!.prev?.appState, changes.at(-1)!.trigger],
    ['faulted', 'running', 'guest-fault'],
  );
  t.equal((await w.store.get<{ appState: string }>(APPLIANCES, VM(1)))!.value.appState, 'faulted');
  // The flush writes poll counters of rows polled without change, in a later batch.
  w.clock.advance(60_000);
  await w.table.flush();
  t.equal((await w.store.get<{ polls: number }>(APPLIANCES, VM(2)))!.value.polls, 2, 'poll counter flushed');
  // A VM gone: its row leaves the table, and the store's copy is marked removed in the same batch.
  const before = w.mirrored.length;
  await w.table.vmChanged({ vmId: VM(2), gone: true });
  t.match(w.mirrored.slice(before), [{ kind: 'appliance', row: { vmId: VM(2) }, removedUnixMs: w.clock.now() }]);
  await w.table.stop();
});

t.test('metrics count applied changes, marks and ignored entries, and the rows', async (t) => {
  const w = world();
  await w.table.load();
  const registry = newRegistry();
  stateMetrics(registry, w.table);
  await w.table.ingest('h1', report([st(1), st(2)]));
  await w.table.ingest('h1', report([st(1, { appState: 'APP_STATE_STOPPED' })], [VM(2), VM(4)]));
  const m = parseExposition(await registry.metrics());
  t.equal(m.value('nephele_monitor_state_changes_total'), 3, 'two new rows and one change');
  t.equal(m.value('nephele_monitor_state_marks_total'), 1, 'one polled mark');
  t.equal(m.value('nephele_monitor_state_ignored_total'), 1, 'the other host’s VM');
  t.equal(m.value('nephele_monitor_appliances'), 2);
  await w.table.stop();
});

t.test('concurrent reports share store batches, in order, bounded; a failed batch fails its writers', async (t) => {
  const w = world();
  for (let n = 10; n < 40; n++) w.vms.set(VM(n), vm(n, `h${n}`));
  await w.table.load();
  const changes: RowChange[] = [];
  w.table.onChange((c) => changes.push(c));
  // Thirty hosts report at once: the first write goes alone (held here until
  // the others are decided), the rest wait for it and go together.
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const batch = w.store.batch.bind(w.store);
  w.store.batch = async (ops, pre) => {
    await gate;
    return batch(ops, pre);
  };
  const all = Promise.all(Array.from({ length: 30 }, (_, i) => w.table.ingest(`h${i + 10}`, report([st(i + 10)]))));
  await waitFor(() => w.table.commits.waiting === 29, { message: '29 writes waiting' });
  t.equal(changes.length, 0, 'no change heard before it is stored');
  open();
  await all;
  t.equal(w.table.size, 30);
  t.equal(changes.length, 30, 'every change heard, after it was stored');
  t.equal(w.store.writes, 2, '30 reports in two batches');
  t.equal((await w.store.get<{ appState: string }>(APPLIANCES, VM(39)))!.value.appState, 'running');
  await w.table.stop();

  const batches: number[] = [];
  let fail = false;
  const store = {
    batch: async (ops: Op[]) => {
      await Promise.resolve();
      if (fail) throw new Error('disk full');
      batches.push(ops.length);
      return new Map<string, number>();
    },
  };
  const g = new GroupCommit(store, 3);
  const op = (k: string): Op => ({ type: 'put', coll: 'c', key: k, value: 1 });
  await Promise.all([g.write([op('a')]), g.write([op('b'), op('c')]), g.write([op('d')]), g.write([op('e'), op('f')])]);
  t.same(batches, [1, 3, 2], 'the first alone, then groups of at most 3 ops, in order');
  fail = true;
  const r = await Promise.allSettled([g.write([op('x')]), g.write([op('y')])]);
  t.same(
    r.map((x) => x.status),
    ['rejected', 'rejected'],
  );
  fail = false;
  await g.write([op('z')]);
  t.same(batches.at(-1), 1, 'writes go on after a failure');
});

t.test('hostile reports: other hosts’ VMs, unknown VMs, oversized reports and strings', async (t) => {
  const w = world();
  await w.table.load();
  await w.table.ingest('h1', report([st(4), st(9)], [VM(4)]));
  t.equal(w.table.size, 0, 'h1 cannot write h2’s VM nor an unknown one');
  t.equal(w.table.stats.ignored, 3);
  await w.table.ingest('h1', report(Array.from({ length: 501 }, () => st(1))));
  t.equal(w.table.size, 0, 'a report over 500 changed rows is refused whole');
  await w.table.ingest(
    'h1',
    report([
      st(1, {
        fault: 'x'.repeat(10_000),
        appState: 'APP_STATE_FAULTED',
        processes: Array.from({ length: 1000 }, (_, i) => ({
          pid: i,
          name: 'n'.repeat(500),
          cmdline: 'c'.repeat(5000),
        })),
        users: Array.from({ length: 500 }, () => 'u'),
      }),
    ]),
  );
  const r = w.table.get(VM(1), undefined);
  t.ok(r.fault.length <= 512 && r.processes.length === 256 && r.users.length === 64, 'counts capped');
  t.ok(
    r.processes.every((p) => p.cmdline.length <= 512 && p.name.length <= 64),
    'strings clipped',
  );
  t.throws(() => w.table.get(VM(1), 'beta'), { code: 'NOT_FOUND' }, 'another tenant sees nothing');
  t.equal(w.table.list({}, 'beta', { size: 10, token: '' }).rows.length, 0);
  await w.table.stop();
});

t.test('rows load at start, follow their VM, and are dropped when it is destroyed', async (t) => {
  const w = world();
  await w.table.load();
  await w.table.ingest('h1', report([st(1), st(3)]));
  await w.table.stop();
  const again = new ApplianceTable({
    ...w,
    log: silentLogger,
    mirror: { ops: () => [], kick() {}, backlog: async () => 0, lastError: () => '', close: async () => {} },
    vmOf: async (id) => w.vms.get(id),
  });
  await again.load();
  t.equal(again.size, 2, 'loaded');
  await again.vmChanged({ ...vm(1), hostId: 'h2' });
  t.equal(again.get(VM(1), undefined).hostId, 'h2', 'moved with its VM');
  await again.ingest('h1', report([st(1, { appState: 'APP_STATE_FAULTED' })]));
  t.equal(again.get(VM(1), undefined).appState, 'running', 'its old host no longer writes it');
  await again.vmChanged({ vmId: VM(3), gone: true });
  t.equal(again.size, 1);
  t.equal(await w.store.get(APPLIANCES, VM(3)), undefined, 'destroyed VM’s row deleted');
  await again.setMonitored([VM(1)], false);
  t.equal(again.isMonitored(VM(1)), false);
  await again.stop();
});

t.test('licence problems', async (t) => {
  const l = { licenceId: 'L', seatsInUse: 6, seats: 5, expiresUnixMs: 1000 };
  t.match(licenceProblem(l, { maxSeats: 0, enforceExpiry: false }, 0), /seats exceeded/);
  t.match(licenceProblem({ ...l, seats: 10 }, { maxSeats: 4, enforceExpiry: false }, 0), /6 > 4/);
  t.equal(licenceProblem({ ...l, seats: 10 }, { maxSeats: 0, enforceExpiry: true }, 999), '');
  t.equal(licenceProblem({ ...l, seats: 10 }, { maxSeats: 0, enforceExpiry: true }, 1000), 'licence expired');
  const a = emptyRow(vm(1));
  t.notOk(changed(a, { ...a, polls: 9, lastPollUnixMs: 5 }), 'poll counters are not a change');
  t.ok(changed(a, { ...a, rogue: ['miner:5'] }), 'a rogue process is');
});

t.test('config state outlives the app: a down VM reporting no version keeps the last one', async (t) => {
  const rules = { maxSeats: 0, enforceExpiry: false };
  const up = { ...emptyRow(vm(1)), applianceVersion: '3.0', configHash: 'c1', appState: 'running' as const };
  const seen = {
    vmId: up.vmId,
    ...{ applianceVersion: '', configHash: '', fault: 'app not running', processes: [], rogue: [], users: [] },
    ...{ io: up.io, probes: [], licence: up.licence, timeUnixMs: 1, source: 'event' as const, trigger: 'vm-status' },
    ...{ polls: 1, generation: 1 },
  };
  const down = applyObserved(up, { ...seen, appState: 'faulted' }, rules, 1);
  t.same([down.appState, down.applianceVersion, down.configHash], ['faulted', '3.0', 'c1']);
  const back = applyObserved(
    down,
    { ...seen, appState: 'running', applianceVersion: '3.1', configHash: 'c2' },
    rules,
    2,
  );
  t.same([back.applianceVersion, back.configHash], ['3.1', 'c2'], 'a running app says what it runs');
  const blank = applyObserved(down, { ...seen, appState: 'running' }, rules, 3);
  t.equal(blank.applianceVersion, '', 'a running app without a version has none');
});

const pol = (o: Partial<PolicyRecord>): PolicyRecord => ({ ...defaultPolicy(), scope: 'fleet', ...o });
const field = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof InvalidArgumentError ? e.field : String(e);
  }
  return 'accepted';
};

t.test('policy validation names the field', async (t) => {
  const probe = {
    name: 'p',
    kind: 'http' as const,
    path: '/h',
    expectStatus: 0,
    expectBody: '',
    port: 0,
    command: [],
    expectExit: 0,
    timeoutMs: 0,
  };
  const rogue = { name: 'r', nameRegex: '', cmdlineRegex: '', exeSha256: '' };
  const cases: [Partial<PolicyRecord>, string][] = [
    [{ intervalS: 86_401 }, 'policy.interval_s'],
    [{ cron: '61 * * * *' }, 'policy.cron'],
    [{ cron: '*/5 * * * *' }, 'accepted'],
    [{ jitterPct: 101 }, 'policy.jitter_pct'],
    [{ thresholds: { failures: 2 ** 32 - 1, windowS: 0 } }, 'policy.thresholds.failures'],
    [{ thresholds: { failures: 3, windowS: 10 ** 6 } }, 'policy.thresholds.window_s'],
    [{ probes: [probe, probe] }, 'policy.probes[1].name'],
    [{ probes: [{ ...probe, kind: 'exec', path: '' }] }, 'policy.probes[0].command'],
    [{ probes: [{ ...probe, kind: 'exec', command: Array(17).fill('x') }] }, 'policy.probes[0].command'],
    [{ probes: [{ ...probe, timeoutMs: 60_000 }] }, 'policy.probes[0].timeout_ms'],
    [{ rogue: [rogue] }, 'policy.rogue[0]'],
    [{ rogue: [{ ...rogue, nameRegex: '[' }] }, 'policy.rogue[0].name_regex'],
    [{ rogue: [{ ...rogue, nameRegex: 'x'.repeat(300) }] }, 'policy.rogue[0].name_regex'],
    [{ rogue: [{ ...rogue, cmdlineRegex: '(\\w*)*z' }] }, 'policy.rogue[0].cmdline_regex'],
    [{ rogue: [{ ...rogue, exeSha256: 'abc' }] }, 'policy.rogue[0].exe_sha256'],
    [{ rogue: [{ ...rogue, nameRegex: '^xmrig$', exeSha256: 'a'.repeat(64) }] }, 'accepted'],
    [
      { ladders: { ...defaultPolicy().ladders, outdated: [{ step: 'reboot', times: 1 }] } },
      'policy.ladders.outdated[0].step',
    ],
    [{ ladders: { ...defaultPolicy().ladders, backoffS: 301 } }, 'policy.ladders.backoff_s'],
  ];
  for (const [p, f] of cases)
    t.equal(
      field(() => validatePolicy(pol(p))),
      f,
      f,
    );
  const filled = validatePolicy(
    pol({ intervalS: 0, jitterPct: 0, ladders: { faulted: [], rogue: [], outdated: [], backoffS: 0 } }),
  );
  t.same(
    [filled.intervalS, filled.jitterPct, filled.ladders.backoffS, filled.ladders.faulted.map((r) => r.step)],
    [30, 100, 5, ['restart_app', 'reboot', 'terminate']],
    'zeros are the defaults',
  );
});

t.test('effective policy: set, else tenant, else fleet, else defaults; specFor gated', async (t) => {
  const store = new MemoryStore();
  const book = new PolicyBook(store, new FakeClock());
  const heard: string[] = [];
  book.onChange((s) => heard.push(s));
  t.equal(book.effective('S', 'acme').source, 'default');
  t.equal(book.specFor({ setId: 'S', tenant: 'acme', vmId: 'v' }).enabled, false, 'nothing polled by default');
  await book.set(pol({ scope: 'fleet', enabled: true, intervalS: 60 }));
  await book.set(pol({ scope: 'tenant:acme', enabled: true, intervalS: 20 }));
  t.equal(book.effective('S', 'beta').source, 'fleet');
  t.equal(book.effective('S', 'acme').source, 'tenant:acme');
  const s = await book.set(pol({ scope: 'set:01J0000000000000000000000S', enabled: true, intervalS: 5 }));
  await book.set(pol({ scope: 'set:01J0000000000000000000000S', enabled: true, intervalS: 7 }));
  t.equal(s.version, 1);
  t.equal(book.get('set:01J0000000000000000000000S')!.version, 2, 'versions count up');
  t.equal(book.specFor({ setId: '01J0000000000000000000000S', tenant: 'acme', vmId: 'v' }).intervalMs, 7000);
  book.gate = () => false;
  t.equal(book.specFor({ setId: 'S', tenant: 'acme', vmId: 'v' }).enabled, false, 'gated (subscription ended)');
  t.same(heard, ['fleet', 'tenant:acme', 'set:01J0000000000000000000000S', 'set:01J0000000000000000000000S']);
  const reloaded = new PolicyBook(store, new FakeClock());
  await reloaded.load();
  t.equal(reloaded.effective('S', 'acme').policy.intervalS, 20, 'loaded from the store');
  t.ok(await store.get(MONITOR_POLICIES, 'fleet'));
});
