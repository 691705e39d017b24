// The agent's appliance monitor with a FakeClock and a fake driver: schedule
// and jitter (one timer, fixed phase per VM), thresholds, rogue matching,
// diffing (only changes in full), batching and its caps, bounded concurrency,
// event polls (status change, failed probe once, guest fault).
import t from 'tap';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import type { ObservedAppliance } from '../../common/model/monitor.js';
import type { ApplianceSample, Driver, GuestEvent, VmPhase } from '../../agent/drivers/driver.js';
import { ApplianceMonitor } from '../../agent/monitor/monitor.js';
import { FLUSH_MS, ReportBatcher, split, type Report } from '../../agent/monitor/batch.js';
import { changed, judge, matchRogue, probeFailing, recordProbe } from '../../agent/monitor/evaluate.js';
import { compileRogue, nextDue, phaseOf, specFromProto } from '../../agent/monitor/spec.js';
import type { MonitorSpec } from '../../common/model/monitor.js';
import { appActionRequest } from '../../agent/commands/app.js';
import { nextCron } from '../../agent/monitor/cron.js';

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

const sample = (over: Partial<ApplianceSample> = {}): ApplianceSample => ({
  app: 'running',
  applianceVersion: '1.0',
  configHash: 'c',
  processes: [{ pid: 10, name: 'httpd', cmdline: 'httpd -f', exeSha256: 'a'.repeat(64) }],
  users: [],
  licence: { licenceId: '', seatsInUse: 0, seats: 0, expiresUnixMs: 0 },
  io: { diskReadBytes: 0, diskWriteBytes: 0, netRxBytes: 0, netTxBytes: 0 },
  ...over,
});

function fakeDriver() {
  const listeners: ((id: string, e: GuestEvent) => void)[] = [];
  const samples = new Map<string, ApplianceSample>();
  const calls: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let gate: Promise<void> | undefined;
  const d = {
    scheme: 'fake',
    async monitorSample(id: string) {
      calls.push(id);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await gate;
      inFlight--;
      return samples.get(id) ?? sample();
    },
    async guestExec(_id: string, argv: string[]) {
      return { exitCode: Number(argv[0] ?? 0), output: '' };
    },
    onGuestEvent(l: (id: string, e: GuestEvent) => void) {
      listeners.push(l);
      return () => listeners.splice(listeners.indexOf(l), 1);
    },
  } as unknown as Driver;
  return {
    d,
    samples,
    calls,
    maxInFlight: () => maxInFlight,
    hold: () => {
      let open!: () => void;
      gate = new Promise<void>((r) => (open = r));
      return () => {
        gate = undefined;
        open();
      };
    },
    push: (id: string, e: GuestEvent) => listeners.forEach((l) => l(id, e)),
  };
}

const spec = (over: Partial<MonitorSpec> = {}): MonitorSpec => ({
  enabled: true,
  intervalMs: 10_000,
  cron: '',
  jitterPct: 50,
  probes: [],
  thresholds: { failures: 0, windowS: 0 },
  rogue: [],
  ...over,
});

function setup(opts: { concurrency?: number; phase?: VmPhase } = {}) {
  const clock = new FakeClock(0);
  const drv = fakeDriver();
  const reports: Report[] = [];
  const phases = new Map<string, VmPhase>();
  const m = new ApplianceMonitor({
    clock,
    log: silentLogger,
    vm: (id) => ({ driver: drv.d, phase: phases.get(id) ?? opts.phase ?? 'running', hostPort: 0, generation: 3 }),
    send: (r) => reports.push(r),
    drivers: [drv.d],
    concurrency: opts.concurrency,
  });
  const states = () => reports.flatMap((r) => r.changed);
  const marks = () => reports.flatMap((r) => r.polled);
  const advance = async (ms: number) => {
    await settle();
    clock.advance(ms);
    await settle();
  };
  return { clock, drv, reports, phases, m, states, marks, advance };
}

t.test('phase: deterministic per vm, inside the jitter window, spread', async (t) => {
  t.equal(phaseOf('vm-a', 10_000, 50), phaseOf('vm-a', 10_000, 50), 'the same every run');
  t.equal(phaseOf('vm-a', 10_000, 0), 0, 'no jitter: no phase');
  const buckets = new Array<number>(10).fill(0);
  const phases = Array.from({ length: 1000 }, (_, i) => phaseOf(`vm-${i}`, 10_000, 100));
  t.ok(
    phases.every((p) => p >= 0 && p < 10_000),
    'inside the window',
  );
  for (const p of phases) buckets[Math.floor(p / 1000)]!++;
  t.ok(Math.max(...buckets) < 150, `1000 vms spread over the interval (max ${Math.max(...buckets)} per second)`);
  t.equal(nextDue(0, 10_000, 2_500), 2_500, 'first slot after now');
  t.equal(nextDue(2_500, 10_000, 2_500), 12_500, 'strictly after now');
});

const wireProbe = (name: string, kind: string) => ({
  name,
  kind,
  path: '',
  expectStatus: 0,
  expectBody: '',
  port: 0,
  command: [],
  expectExit: 0,
  timeoutMs: 0,
});

t.test('spec from the wire: defaults, caps, unknown probe kinds left out', async (t) => {
  t.equal(specFromProto(undefined), undefined);
  t.equal(specFromProto({ enabled: false } as never), undefined, 'disabled: not monitored');
  const s = specFromProto({
    enabled: true,
    intervalMs: 5,
    cron: '',
    jitterPct: 500,
    probes: [wireProbe('h', 'PROBE_KIND_HTTP'), wireProbe('x', 'PROBE_KIND_UNSPECIFIED')],
    thresholds: null,
    rogue: [],
  } as never)!;
  t.equal(s.intervalMs, 1_000, 'interval at least 1 s');
  t.equal(s.jitterPct, 100, 'jitter at most 100 %');
  t.same(
    s.probes.map((p) => [p.name, p.path, p.timeoutMs]),
    [['h', '/', 5_000]],
  );
});

t.test('thresholds: n failures in a window, or consecutive', async (t) => {
  let h;
  let r;
  const fail = { name: 'p', ok: false, latencyMs: 3, detail: 'refused' };
  const ok = { ...fail, ok: true, detail: '' };
  ({ history: h, result: r } = recordProbe(undefined, fail, 0, 60));
  t.notOk(probeFailing(r, { failures: 2, windowS: 60 }), 'one failure of two');
  ({ history: h, result: r } = recordProbe(h, ok, 10_000, 60));
  ({ history: h, result: r } = recordProbe(h, fail, 20_000, 60));
  t.equal(r.consecutiveFailures, 1, 'consecutive reset by the success');
  t.equal(r.failuresInWindow, 2, 'both failures in the window');
  t.ok(probeFailing(r, { failures: 2, windowS: 60 }), 'two in 60 s: failing');
  t.notOk(probeFailing(r, { failures: 2, windowS: 0 }), 'not two in a row');
  ({ result: r } = recordProbe(h, fail, 70_000, 60));
  t.equal(r.failuresInWindow, 2, 'the first failure left the window');
  t.ok(probeFailing(r, { failures: 0, windowS: 0 }), 'no threshold: one failure');
  t.same(judge('running', 'running', [r], { failures: 0, windowS: 0 }).appState, 'faulted');
  t.same(judge('running', 'stopped', [], { failures: 0, windowS: 0 }), {
    appState: 'faulted',
    fault: 'app not running',
  });
  t.same(judge('suspended', undefined, [], { failures: 0, windowS: 0 }).appState, 'stopped');
  t.same(judge('failed', undefined, [], { failures: 0, windowS: 0 }).appState, 'faulted');
  t.same(judge('running', 'running', [], { failures: 0, windowS: 0 }), { appState: 'running', fault: '' });
});

t.test('rogue matching by name, cmdline and exe sha256; bad signatures left out', async (t) => {
  const bad: string[] = [];
  const sigs = compileRogue(
    [
      { name: 'miner', nameRegex: '^xmr', cmdlineRegex: '', exeSha256: '' },
      { name: 'shell', nameRegex: '', cmdlineRegex: 'nc -l', exeSha256: '' },
      { name: 'bin', nameRegex: '', cmdlineRegex: '', exeSha256: 'b'.repeat(64) },
      { name: 'broken', nameRegex: '(', cmdlineRegex: '', exeSha256: '' },
      { name: 'long', nameRegex: 'a'.repeat(300), cmdlineRegex: '', exeSha256: '' },
    ],
    (n) => bad.push(n),
  );
  t.same(bad, ['broken', 'long']);
  const procs = [
    { pid: 1, name: 'init', cmdline: 'init', exeSha256: 'c'.repeat(64) },
    { pid: 7, name: 'xmrig', cmdline: 'xmrig', exeSha256: '' },
    { pid: 8, name: 'sh', cmdline: 'sh -c nc -l 4444', exeSha256: '' },
    { pid: 9, name: 'renamed', cmdline: 'renamed', exeSha256: 'b'.repeat(64) },
  ];
  t.same(matchRogue(procs, sigs), ['miner:7', 'shell:8', 'bin:9']);
});

t.test('diff: counters that move every poll are not a change', async (t) => {
  const a = {
    vmId: 'v',
    appState: 'running',
    probes: [],
    processes: [],
    io: { netRxBytes: 1 },
    polls: 1,
  } as unknown as ObservedAppliance;
  t.ok(changed(undefined, a), 'first state is a change');
  t.notOk(changed(a, { ...a, io: { ...a.io, netRxBytes: 99 }, polls: 2, timeUnixMs: 5 }), 'io and counts are not');
  t.ok(changed(a, { ...a, appState: 'faulted' }), 'the app state is');
});

t.test('batching: newest state per vm, flushed within 250 ms, split at the caps', async (t) => {
  const clock = new FakeClock(0);
  const sent: Report[] = [];
  const b = new ReportBatcher(clock, (r) => sent.push(r));
  const st = (vmId: string, polls: number) => ({ vmId, polls, timeUnixMs: polls }) as ObservedAppliance;
  b.add(st('a', 1), true);
  b.add(st('a', 2), false);
  b.add(st('b', 1), false);
  clock.advance(FLUSH_MS - 1);
  t.equal(sent.length, 0, 'not before the flush delay');
  clock.advance(1);
  t.equal(sent.length, 1);
  t.same(
    sent[0]!.changed.map((c) => [c.vmId, c.polls]),
    [['a', 2]],
    'the pending change carries the later poll count',
  );
  t.same(
    sent[0]!.polled.map((m) => m.vmId),
    ['b'],
  );
  const many = split(
    Array.from({ length: 1200 }, (_, i) => st(`c${i}`, 1)),
    Array.from({ length: 12_000 }, (_, i) => ({ vmId: `m${i}`, timeUnixMs: 0, polls: 1 })),
    0,
  );
  t.same(
    many.map((r) => [r.changed.length, r.polled.length]),
    [
      [500, 5000],
      [500, 5000],
      [200, 2000],
    ],
  );
});

t.test('schedule: polled at once, then once per interval at its phase, on one timer', async (t) => {
  const s = setup();
  s.m.setSpecs(new Map(['v1', 'v2', 'v3'].map((id) => [id, { spec: spec(), generation: 3 }])));
  await s.advance(FLUSH_MS);
  t.same(
    s
      .states()
      .map((x) => [x.vmId, x.trigger, x.source])
      .sort(),
    [
      ['v1', 'monitor-start', 'event'],
      ['v2', 'monitor-start', 'event'],
      ['v3', 'monitor-start', 'event'],
    ],
  );
  t.equal(s.states()[0]!.generation, 3, 'the generation of the vm');
  for (let i = 0; i < 10; i++) await s.advance(1_000);
  for (const id of ['v1', 'v2', 'v3'])
    t.equal(s.drv.calls.filter((c) => c === id).length, 2, `${id}: one scheduled poll in 10 s`);
  for (let i = 0; i < 30; i++) await s.advance(1_000);
  for (const id of ['v1', 'v2', 'v3'])
    t.equal(s.drv.calls.filter((c) => c === id).length, 5, `${id}: one per interval`);
  t.ok(s.marks().length >= 9, 'unchanged polls go up as marks');
  t.equal(s.states().length, 3, 'nothing changed: no state sent again');
  // A re-sent desired state with the same spec does not reset the schedule or poll again.
  s.m.setSpecs(new Map(['v1', 'v2', 'v3'].map((id) => [id, { spec: spec(), generation: 3 }])));
  await s.advance(0);
  t.equal(s.drv.calls.length, 15, 'no extra poll');
  s.m.setSpecs(new Map());
  await s.advance(60_000);
  t.equal(s.drv.calls.length, 15, 'no poll of a vm no longer monitored');
  s.m.stop();
});

t.test('bounded concurrency: 20 vms never poll more than 8 at once', async (t) => {
  const s = setup();
  const open = s.drv.hold();
  s.m.setSpecs(new Map(Array.from({ length: 20 }, (_, i) => [`v${i}`, { spec: spec(), generation: 1 }])));
  await settle();
  t.equal(s.drv.maxInFlight(), 8, 'eight at once');
  open();
  await s.advance(FLUSH_MS);
  t.equal(s.states().length, 20, 'every vm polled in the end');
  t.equal(s.drv.maxInFlight(), 8);
  s.m.stop();
});

t.test('event polls: status change, failed probe (one re-poll), guest fault, push; usage counted', async (t) => {
  const s = setup();
  const probes = [
    {
      name: 'x',
      kind: 'exec' as const,
      path: '',
      expectStatus: 0,
      expectBody: '',
      port: 0,
      command: ['0'],
      expectExit: 0,
      timeoutMs: 1000,
    },
  ];
  s.m.setSpecs(new Map([['v', { spec: spec({ probes }), generation: 1 }]]));
  await s.advance(FLUSH_MS);
  t.equal(s.states().at(-1)!.appState, 'running');
  s.phases.set('v', 'suspended');
  s.m.statusChanged('v');
  await s.advance(FLUSH_MS);
  t.same([s.states().at(-1)!.appState, s.states().at(-1)!.trigger], ['stopped', 'vm-status']);
  s.phases.set('v', 'running');
  s.drv.samples.set('v', sample({ app: 'stopped' }));
  s.drv.push('v', { kind: 'fault', detail: 'app-exited' });
  await s.advance(FLUSH_MS);
  t.same(
    [s.states().at(-1)!.appState, s.states().at(-1)!.trigger, s.states().at(-1)!.source],
    ['faulted', 'guest-fault', 'event'],
  );
  s.drv.push('v', { kind: 'state', detail: 'x' });
  await s.advance(FLUSH_MS);
  t.equal(s.m.pollsTotal, 4, 'a guest state event polls too');
  // A failing probe: polled once more at once, not again and again.
  s.drv.samples.set('v', sample());
  const failing = [{ ...probes[0]!, command: ['1'] }];
  s.m.setSpecs(new Map([['v', { spec: spec({ probes: failing }), generation: 1 }]]));
  s.m.statusChanged('v');
  await s.advance(FLUSH_MS);
  t.equal(s.m.pollsTotal, 6, 'the failed probe brought one re-poll');
  const last = s.states().at(-1)!;
  t.same([last.appState, last.trigger, last.probes[0]!.consecutiveFailures], ['faulted', 'probe-failed', 2]);
  const u = s.m.takeUsage('v')!;
  t.equal(u.polls, 6, 'polls counted for usage');
  t.equal(s.m.takeUsage('v'), undefined, 'taken once');
  const polled = await s.m.pollNow('v');
  t.equal(polled?.trigger, 'request');
  s.m.resendAll();
  await s.advance(FLUSH_MS);
  t.equal(s.reports.at(-1)!.changed.length, 1, 'every state resent in full');
  s.m.stop();
});

t.test('a change an event poll finds is sent at once; scheduled polls wait for the batch', async (t) => {
  const s = setup();
  s.m.setSpecs(new Map([['v', { spec: spec(), generation: 1 }]]));
  await s.advance(FLUSH_MS);
  const sent = s.reports.length;
  s.drv.samples.set('v', sample({ app: 'stopped' }));
  s.drv.push('v', { kind: 'fault', detail: 'app-exited' });
  await s.advance(0);
  t.equal(s.reports.length, sent + 1, 'no flush delay');
  t.same([s.states().at(-1)!.appState, s.states().at(-1)!.trigger], ['faulted', 'guest-fault']);
  s.drv.samples.set('v', sample());
  await s.advance(10_000);
  t.equal(s.reports.length, sent + 1, 'the scheduled poll that found it running again waits');
  await s.advance(FLUSH_MS);
  t.equal(s.states().at(-1)!.appState, 'running', 'then goes up with the batch');
});

t.test('app action input is checked, naming the field', async (t) => {
  t.throws(() => appActionRequest({ kind: 'APP_ACTION_KIND_UNSPECIFIED' } as never), /app\.kind/);
  t.throws(() => appActionRequest({ kind: 'APP_ACTION_KIND_KILL_PROCESS', pid: 1 } as never), /app\.pid/);
  t.throws(
    () => appActionRequest({ kind: 'APP_ACTION_KIND_KILL_PROCESS', pid: 50, exeSha256: 'zz' } as never),
    /app\.exe_sha256/,
  );
  t.throws(() => appActionRequest({ kind: 'APP_ACTION_KIND_UPDATE_APP', version: 'a b' } as never), /app\.version/);
  t.equal(appActionRequest({ kind: 'APP_ACTION_KIND_POLL' } as never), undefined, 'a poll is no driver action');
  t.same(appActionRequest({ kind: 'APP_ACTION_KIND_UPDATE_APP', version: '2.0' } as never), {
    kind: 'update_app',
    version: '2.0',
  });
});

t.test('cron: polls when the expression fires (plus the phase), computed on the one timer', async (t) => {
  t.equal(nextCron('*/20 * * * * *', Date.UTC(2026, 0, 1, 0, 0, 5)), Date.UTC(2026, 0, 1, 0, 0, 20));
  t.equal(nextCron('0 0 29 2 *', Date.UTC(2026, 0, 1)), Date.UTC(2028, 1, 29), 'a rare day found');
  const s = setup();
  s.m.setSpecs(new Map([['v', { spec: spec({ cron: '*/20 * * * * *', jitterPct: 0 }), generation: 1 }]]));
  await s.advance(FLUSH_MS); // the first poll at once
  t.equal(s.m.pollsTotal, 1);
  await s.advance(19_000);
  t.equal(s.m.pollsTotal, 1, 'not before the cron fires');
  await s.advance(1_000);
  t.equal(s.m.pollsTotal, 2, 'at 00:00:20');
  for (let i = 0; i < 4; i++) await s.advance(10_000);
  t.equal(s.m.pollsTotal, 4, 'every 20 s');
  s.m.stop();
});

t.test(
  'a guest agent that does not know `mon` is judged by its phase and probes, not faulted; a broken one is',
  async (t) => {
    const s = setup();
    let fail: Error | undefined = new Error('guest mon: unknown command');
    const real = s.drv.d.monitorSample!.bind(s.drv.d);
    s.drv.d.monitorSample = async (id: string) => {
      if (fail) throw fail;
      return real(id);
    };
    s.m.setSpecs(new Map([['v', { spec: spec(), generation: 1 }]]));
    const old = await s.m.pollNow('v');
    t.same([old?.appState, old?.fault], ['running', ''], 'an older guest image: running by its phase');
    fail = new Error('guest mon: guest channel closed');
    const broken = await s.m.pollNow('v');
    t.same([broken?.appState, broken?.fault], ['faulted', 'monitor sample failed: guest mon: guest channel closed']);
    fail = undefined;
    s.m.stop();
  },
);
