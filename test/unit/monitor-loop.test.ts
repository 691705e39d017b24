// The decide/act loop and the action log (controller/monitor/actions) with an
// in-memory store, a fake clock and fakes of the state table, agent commands and
// VM ops: a fault restarts the app at once and again after the backoff (no
// storm), a rogue process is killed (guarded by its exe hash) and the VM
// suspended, a healthy row resets the ladder, the log pages newest first in scope.
import t from 'tap';
import { FailedPreconditionError } from '../../common/errors.js';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import type { AgentCommand } from '../../common/gen/nephele/v1/AgentCommand.js';
import { EventLog } from '../../controller/events/log.js';
import type { ActionRecord, ApplianceRecord } from '../../controller/model/monitor.js';
import { startMonitorActions } from '../../controller/monitor/actions/index.js';
import { defaultPolicies, emptyStateTable, noMirror } from '../helpers/monitor-fakes.js';
import type { RowChange, StateTable } from '../../controller/monitor/ports.js';
import type { VmRecord } from '../../controller/model/vm.js';
import { MemoryStore } from '../helpers/memory-store.js';
import { row, VM_A } from '../helpers/monitor-records.js';

async function world(
  o: {
    images?: boolean;
    desiredVersion?: string;
    updateSet?: (setId: string, version: string) => Promise<string>;
  } = {},
) {
  const clock = new FakeClock();
  const store = new MemoryStore();
  const events = await EventLog.open(store, clock, silentLogger);
  const rows = new Map<string, ApplianceRecord>();
  const listeners = new Set<(c: RowChange) => void>();
  const table: StateTable = {
    ...emptyStateTable,
    get: (id) => rows.get(id)!,
    onChange: (fn) => (listeners.add(fn), () => listeners.delete(fn)),
  };
  const sent: AgentCommand[] = [];
  const vmOps: string[] = [];
  const metered: ActionRecord[] = [];
  const vm = { id: VM_A, hostId: 'H', generation: 3, setId: '', tenant: 'default', desired: 'running' } as VmRecord;
  const m = startMonitorActions({
    store,
    events,
    mirror: noMirror,
    clock,
    log: silentLogger,
    table,
    policies: {
      ...defaultPolicies,
      effective: (setId, tenant) => {
        const e = defaultPolicies.effective(setId, tenant);
        return { ...e, policy: { ...e.policy, desiredVersion: o.desiredVersion ?? '' } };
      },
    },
    setUsesImages: async () => o.images ?? false,
    commands: {
      run: async (_host, cmd) => {
        sent.push(cmd);
        return { commandId: cmd.commandId ?? '', ok: true } as never;
      },
    },
    vms: { get: async () => vm, apply: async (id, op) => void vmOps.push(`${op}:${id}`) },
    meterAction: (a) => void metered.push(a),
    updateSet: o.updateSet,
  });
  const change = async (r: ApplianceRecord) => {
    rows.set(r.vmId, r);
    for (const fn of listeners) fn({ row: r, prev: undefined, trigger: 'poll' });
    await m.loop.settled();
  };
  return { clock, store, events, m, sent, vmOps, metered, change };
}

const faulted = row({ appState: 'faulted', fault: 'app exited' });

t.test('a fault restarts the app at once, then after the backoff, and never twice per attempt', async (t) => {
  const w = await world();
  await w.change(faulted);
  t.equal(w.sent.length, 1, 'restarted at once');
  t.equal(w.sent[0]!.app!.kind, 'APP_ACTION_KIND_RESTART_APP');
  t.equal(w.sent[0]!.generation, 3, "the VM's generation (the agent fences older ones)");
  await w.change(faulted);
  await w.change(faulted);
  t.equal(w.sent.length, 1, 'the same fault again within the backoff: no storm');
  w.clock.advance(4_999);
  await w.m.loop.settled();
  t.equal(w.sent.length, 1);
  w.clock.advance(1);
  await w.m.loop.settled();
  t.equal(w.sent.length, 2, 'the second restart when the backoff ends, without a new report');
  const { actions } = await w.m.log.list({ vmId: VM_A }, undefined, { size: 10, token: '' });
  t.same(
    actions.map((a) => [a.kind, a.trigger, a.attempt, a.outcome, a.principal]),
    [
      ['restart_app', 'faulted', 2, 'done', 'monitor'],
      ['restart_app', 'faulted', 1, 'done', 'monitor'],
    ],
  );
  t.same(
    w.sent.map((c) => c.commandId),
    [actions[1]!.id, actions[0]!.id],
    'command ids are action ids',
  );
  t.equal(w.metered.length, 2, 'each action metered');
  const evs: { type: string; attributes: Record<string, string> }[] = [];
  for await (const e of w.store.scan<{ type: string; attributes: Record<string, string> }>('events')) evs.push(e.value);
  t.same(
    evs.filter((e) => e.type === 'monitor.action').map((e) => e.attributes.outcome),
    ['pending', 'done', 'pending', 'done'],
    'an event at each step',
  );
  // Healthy again: the next fault starts over at attempt 1, at once.
  await w.change(row());
  await w.change(faulted);
  t.equal(w.sent.length, 3);
  const latest = (await w.m.log.list({}, undefined, { size: 1, token: '' })).actions[0]!;
  t.equal(latest.attempt, 1, 'the ladder was reset');
  w.m.stop();
});

t.test('a rogue process is killed, guarded by its exe hash, and the VM suspended', async (t) => {
  const w = await world();
  await w.change(
    row({
      rogue: ['miner:412'],
      processes: [{ pid: 412, name: 'miner', cmdline: './miner --pool x', exeSha256: 'ab'.repeat(32) }],
    }),
  );
  t.equal(w.sent.length, 1);
  t.match(w.sent[0]!.app, {
    kind: 'APP_ACTION_KIND_KILL_PROCESS',
    pid: 412,
    exeSha256: 'ab'.repeat(32),
    name: 'miner',
  });
  t.same(w.vmOps, [`suspend:${VM_A}`]);
  const { actions } = await w.m.log.list({ trigger: 'rogue' }, undefined, { size: 10, token: '' });
  t.same(
    actions.map((a) => a.kind),
    ['suspend', 'kill_process'],
  );
  t.match(actions[1]!.cause, /rogue: miner:412/);
  w.m.stop();
});

t.test('the log: pages newest first, scoped to the tenant, indexed by VM', async (t) => {
  const w = await world();
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const a = await w.m.log.begin({
      vmId: i % 2 ? VM_A : '01HZZZZZZZZZZZZZZZZZZZZZZB',
      setId: '',
      tenant: i === 4 ? 'acme' : 'default',
      hostId: 'H',
      kind: 'poll',
      cause: 'by hand',
      trigger: 'manual',
      attempt: 0,
      principal: 'p',
      pid: 0,
      version: '',
    });
    ids.push(a.id);
    w.clock.advance(1);
  }
  const p1 = await w.m.log.list({}, undefined, { size: 2, token: '' });
  t.same(
    p1.actions.map((a) => a.id),
    [ids[4], ids[3]],
  );
  const p2 = await w.m.log.list({}, undefined, { size: 2, token: p1.next });
  t.same(
    p2.actions.map((a) => a.id),
    [ids[2], ids[1]],
  );
  t.same(
    (await w.m.log.list({}, 'acme', { size: 10, token: '' })).actions.map((a) => a.id),
    [ids[4]],
    'a tenant sees its own only',
  );
  t.same(
    (await w.m.log.list({ vmId: VM_A }, undefined, { size: 10, token: '' })).actions.map((a) => a.id),
    [ids[3], ids[1]],
  );
  const done = await w.m.log.finish(ids[0]!, 'done', 'x'.repeat(5000));
  t.equal(done.detail.length, 1024, 'detail bounded');
  t.equal(done.endedUnixMs, w.clock.now());
  await t.rejects(w.m.log.get(ids[4]!, 'default'), /not found/, "another tenant's action is not found");
  w.m.stop();
});

t.test('an outdated appliance: the app update in the guest, or skipped for the set update cycle', async (t) => {
  const guest = await world({ desiredVersion: '2.0' });
  await guest.change(row({ setId: '01HZZZZZZZZZZZZZZZZZZZZZZS', applianceVersion: '1.9' }));
  t.match(guest.sent[0]!.app, { kind: 'APP_ACTION_KIND_UPDATE_APP', version: '2.0' });
  guest.m.stop();
  const imaged = await world({ desiredVersion: '2.0', images: true });
  await imaged.change(row({ setId: '01HZZZZZZZZZZZZZZZZZZZZZZS', applianceVersion: '1.9' }));
  t.equal(imaged.sent.length, 0, 'nothing sent to the guest');
  const [a] = (await imaged.m.log.list({}, undefined, { size: 1, token: '' })).actions;
  t.match(a, { kind: 'update_app', outcome: 'skipped', detail: /update cycle/ });
  t.equal(imaged.metered.length, 0, 'a skipped action is not metered');
  imaged.m.stop();
});

t.test('an outdated set cloned from an image: its update cycle rolls the version out, once', async (t) => {
  const started: string[] = [];
  const w = await world({
    desiredVersion: '2.0',
    images: true,
    updateSet: async (setId, version) => {
      if (started.length) throw new FailedPreconditionError('set_id: an update cycle is already running on this set');
      started.push(`${setId}@${version}`);
      return '01J0000000000000000000CYC1';
    },
  });
  const set = '01HZZZZZZZZZZZZZZZZZZZZZZS';
  await w.change(row({ setId: set, applianceVersion: '1.9' }));
  await w.change(row({ vmId: '01J000000000000000000000VB', setId: set, applianceVersion: '1.9' }));
  t.same(started, [`${set}@2.0`], 'one cycle for the set');
  t.equal(w.sent.length, 0, 'nothing done in place in the guests');
  const acts = (await w.m.log.list({}, undefined, { size: 10, token: '' })).actions;
  const byOutcome = Object.fromEntries(acts.map((a) => [a.outcome, a.detail]));
  t.match(byOutcome.done, /update cycle 01J0000000000000000000CYC1 rolls out version 2\.0/);
  t.match(byOutcome.skipped, /already running/, 'the second member finds the cycle running');
  t.equal(w.metered.length, 1, 'the started cycle is metered, the skipped ask is not');
  w.m.stop();
});

t.test('updateThroughImage asks for the version, one VM at a time, reverted on failure', async (t) => {
  const { updateThroughImage } = await import('../../controller/monitor/carry.js');
  let got: unknown[] = [];
  const id = await updateThroughImage(
    { start: async (...args: unknown[]) => ((got = args), { id: 'C' }) as never },
    'S',
    '3.1',
  );
  t.equal(id, 'C');
  t.match(got, [
    'S',
    { applianceVersion: '3.1', config: {}, files: [] },
    { autoRevert: true, canary: 1, maxParallel: 1 },
    undefined,
  ]);
  await t.rejects(
    updateThroughImage({ start: async () => ({ id: 'C' }) as never }, 'S', 'bad version!'),
    /changes\.appliance_version/,
    'the version is checked as UpdateVmSet checks it',
  );
});

t.test('Semaphore: at most n at once, the rest in order', async (t) => {
  const { Semaphore } = await import('../../common/store/index.js');
  const sem = new Semaphore(2);
  let now = 0;
  let peak = 0;
  const order: number[] = [];
  const gates: (() => void)[] = [];
  const jobs = [0, 1, 2, 3, 4].map((i) =>
    sem.run(async () => {
      now++;
      peak = Math.max(peak, now);
      await new Promise<void>((r) => gates.push(r));
      order.push(i);
      now--;
    }),
  );
  while (order.length < 5) {
    await new Promise((r) => setImmediate(r));
    gates.shift()?.();
  }
  await Promise.all(jobs);
  t.equal(peak, 2, 'never more than two');
  t.same(order, [0, 1, 2, 3, 4], 'FIFO');
  t.equal(sem.running, 0);
});
