// A host's durable report seq and outbox epochs live in their own ack record
// (controller/hosts/acks.ts): migration 5 moves them out of host records
// written before it, and reports are stored exactly once through the record a
// session holds, re-read when another writer moved it on.
import t, { type Test } from 'tap';
import { join } from 'node:path';
import { LevelStore, put } from '../../common/store/index.js';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { EventLog } from '../../controller/events/log.js';
import { MIGRATIONS } from '../../controller/migrations.js';
import { ackWrite, HOST_ACKS } from '../../controller/hosts/acks.js';
import { HOSTS, HostRegistry } from '../../controller/hosts/registry.js';
import { Reports } from '../../controller/hosts/reports.js';
import type { Session } from '../../controller/hosts/live-session.js';
import type { ControllerMessage } from '../../common/gen/nephele/v1/ControllerMessage.js';
import type { AgentEvent__Output as AgentEvent } from '../../common/gen/nephele/v1/AgentEvent.js';
import { Tenants } from '../../controller/tenancy/tenants.js';
import { VmRegistry } from '../../controller/vms/registry.js';
import type { VmSpec__Output as VmSpec } from '../../common/gen/nephele/v1/VmSpec.js';
import type { VmStatusReport__Output as VmStatusReport } from '../../common/gen/nephele/v1/VmStatusReport.js';
import { tmpDir } from '../helpers/tmp.js';

const HOST = '01HZZZZZZZZZZZZZZZZZZZZZZA';
const QUIET = '01HZZZZZZZZZZZZZZZZZZZZZZB';

/** A host record as the controller stored it before migration 5. */
const legacyHost = (id: string, extra: Record<string, unknown>) => ({
  id,
  name: `h-${id.slice(-1)}`,
  kind: 'HOST_KIND_DEDICATED',
  state: 'HOST_STATE_READY',
  stateReason: 'heartbeats',
  stateChangedUnixMs: 1,
  cordoned: false,
  cordonReason: '',
  groups: [],
  addresses: ['10.0.0.1'],
  agentVersion: '0.1.0',
  schemes: ['process'],
  inventory: { hash: 'abc', schemes: ['process'], guest: { vcpus: 8, memoryBytes: 2 ** 33, diskBytes: 2 ** 36 } },
  enrolledUnixMs: 1,
  lastSeenUnixMs: 2,
  labels: { rack: 'r1' },
  certSerial: '01',
  certNotAfterUnixMs: 3,
  revoked: false,
  revokedReason: '',
  owner: 'OWNER_STATE_UNSPECIFIED',
  offersGuarantees: false,
  ...extra,
});

t.test('migration 5: a host record written before it reads correctly after it', async (t) => {
  const path = join(tmpDir(), 'db');
  const before = await LevelStore.open(
    path,
    MIGRATIONS.filter((m) => m.version < 5),
  );
  const epochs = [
    { epoch: 'aa', seq: 30 },
    { epoch: 'bb', seq: 42 },
  ];
  await before.batch([
    put(HOSTS, HOST, legacyHost(HOST, { durableSeq: 42, outboxEpochs: epochs })),
    put(HOSTS, QUIET, legacyHost(QUIET, { durableSeq: 0 })),
  ]);
  await before.close();

  const store = await LevelStore.open(path, MIGRATIONS);
  t.teardown(() => store.close());
  const hosts = new HostRegistry(store, await EventLog.open(store, new FakeClock(), silentLogger), new FakeClock());
  t.same(
    await hosts.acks.get(HOST),
    { rec: { durableSeq: 42, outboxEpochs: epochs }, version: 1 },
    'the durable seq and epochs moved to the ack record',
  );
  t.same((await hosts.acks.get(QUIET)).rec, { durableSeq: 0, outboxEpochs: [] }, 'a host with no report yet');
  const { rec } = await hosts.get(HOST);
  // (Enum fields aside: migration 4 renames those.)
  const { kind: _k, state: _s, owner: _o, ...rest } = legacyHost(HOST, {});
  t.match(rec, rest, 'the host record keeps everything else');
  t.notOk('durableSeq' in rec || 'outboxEpochs' in rec, 'and no copy of the seq');
  t.same(hosts.view(rec, 2).inventory, rest.inventory, 'the API view reads it');

  // Running it again (a start cut short after the batch) changes nothing.
  const again = MIGRATIONS.find((m) => m.version === 5)!;
  await again.up(store);
  t.equal((await store.get(HOST_ACKS, HOST))?.version, 1);
});

async function setup(t: Test) {
  const store = await LevelStore.open(join(tmpDir(), 'db'), MIGRATIONS);
  t.teardown(() => store.close());
  const clock = new FakeClock();
  const events = await EventLog.open(store, clock, silentLogger);
  const hosts = new HostRegistry(store, events, clock);
  await store.batch([put(HOSTS, HOST, legacyHost(HOST, {}))]);
  const reports = new Reports(hosts, events, clock, silentLogger);
  const session = async () => {
    const acked = await hosts.acks.get(HOST);
    const sent: ControllerMessage[] = [];
    const s = {
      hostId: HOST,
      durableSeq: acked.rec.durableSeq,
      acked,
      sessionSeq: 0,
      refused: 0,
      replaced: false,
      send: (m: ControllerMessage) => sent.push(m),
    } as unknown as Session;
    return { s, sent };
  };
  const event = (seq: number, epoch = 'e0'): AgentEvent =>
    ({
      seq,
      epoch,
      type: 'agent.test',
      severity: 'info',
      message: 'x',
      timeUnixMs: 0,
      vmId: '',
      attributes: {},
    }) as unknown as AgentEvent;
  return { store, events, hosts, reports, session, event };
}

t.test('reports advance the ack record once each, acked only after the write', async (t) => {
  const { events, hosts, reports, session, event } = await setup(t);
  const { s, sent } = await session();
  await reports.agentEvent(s, event(1));
  await reports.agentEvent(s, event(2));
  await reports.agentEvent(s, event(2)); // a resend: only acked
  t.same((await hosts.acks.get(HOST)).rec, { durableSeq: 2, outboxEpochs: [{ epoch: 'e0', seq: 2 }] });
  t.same(
    sent.map((m) => m.ack?.durableSeq),
    [1, 2, 2],
    'each ack names what is stored',
  );
  t.equal(
    (await events.list(0, 100)).events.filter((e) => e.type.startsWith('agent.')).length,
    2,
    'each event stored once',
  );
  t.equal((await hosts.get(HOST)).version, 1, 'the host record is not rewritten');
});

t.test('a session whose ack record is stale re-reads it and stores nothing twice', async (t) => {
  const { store, events, hosts, reports, session, event } = await setup(t);
  const old = await session();
  const fresh = await session();
  await reports.agentEvent(fresh.s, event(1)); // the newer session moved the record on
  await reports.agentEvent(old.s, event(2)); // the old one holds version 0: conflict, re-read, store
  t.same((await hosts.acks.get(HOST)).rec.durableSeq, 2);
  t.equal(old.s.acked.version, 2, 'the session holds the record it wrote');
  await reports.agentEvent(fresh.s, event(2)); // stale again; the seq is stored already: only acked
  t.same(fresh.sent.at(-1)?.ack?.durableSeq, 2);
  t.equal(
    (await events.list(0, 100)).events.filter((e) => e.type.startsWith('agent.')).length,
    2,
    'nothing stored twice',
  );
  // A fenced write of a stale version fails whole.
  const w = ackWrite(HOST, { rec: { durableSeq: 0, outboxEpochs: [] }, version: 0 }, [{ seq: 9, epoch: 'e0' }]);
  await t.rejects(store.batch(w.ops, w.pre), /changed concurrently|already exists/);
});

t.test('a burst of VM reports: one batch and one ack; the same VM twice or a destroyed VM split it', async (t) => {
  const { store, events, hosts, reports, session } = await setup(t);
  const clock = new FakeClock();
  const tenants = new Tenants(store, events, clock);
  await tenants.create('acme', '', { vcpus: 0, memoryBytes: 0, vms: 0, images: 0 });
  const vms = new VmRegistry(store, events, clock, tenants);
  reports.vms = vms;
  const spec = { vcpus: 1, memoryMib: 128, scheme: 'process' } as VmSpec;
  const ids: string[] = [];
  for (const name of ['a', 'b', 'c'])
    ids.push((await vms.create({ name, hostId: HOST, tenant: 'acme', spec, sla: 'best_effort' })).vm.id);
  const report = (seq: number, vmId: string, state = 'VM_STATE_RUNNING'): VmStatusReport =>
    ({
      seq,
      vmId,
      state,
      generation: 1,
      reason: '',
      hostPort: 0,
      guestReady: false,
      timeUnixMs: 0,
      taskDone: false,
      epoch: 'e0',
    }) as VmStatusReport;
  const { s, sent } = await session();

  await reports.vmStatuses(s, [report(1, ids[0]!), report(2, ids[1]!), report(3, ids[2]!)]);
  t.same(
    await hosts.acks.get(HOST),
    { rec: { durableSeq: 3, outboxEpochs: [{ epoch: 'e0', seq: 3 }] }, version: 1 },
    'three reports, one ack write',
  );
  t.same(
    sent.map((m) => m.ack?.durableSeq),
    [3],
    'one ack, after the write',
  );
  const states = async () =>
    (await events.list(0, 100)).events
      .filter((e) => e.type === 'vm.state_changed')
      .map((e) => `${ids.indexOf(e.attributes.vm_id!)}:${e.attributes.state}`);
  t.same(await states(), ['0:running', '1:running', '2:running'], 'each VM changed once, in order');

  // The same VM twice: observed in turn (the second sees the first), so two batches.
  await reports.vmStatuses(s, [
    report(4, ids[0]!, 'VM_STATE_STOPPED'),
    report(5, ids[0]!, 'VM_STATE_RUNNING'),
    report(6, ids[1]!, 'VM_STATE_DESTROYED'),
    report(7, ids[2]!, 'VM_STATE_STOPPED'),
  ]);
  t.equal(
    (await hosts.acks.get(HOST)).version,
    5,
    'split before the repeated VM and around the destroyed one: four writes',
  );
  t.same(
    (await states()).slice(3),
    ['0:stopped', '0:running', '1:destroyed', '2:stopped'],
    'the second report of a VM saw the first: one event per report, in order',
  );

  // A resend of stored ones and a bad one: the new one before it is stored and acked, then the session fails.
  const bad = { ...report(9, ids[0]!), state: 'VM_STATE_BOGUS' } as unknown as VmStatusReport;
  await t.rejects(
    reports.vmStatuses(s, [report(7, ids[2]!, 'VM_STATE_STOPPED'), report(8, ids[0]!, 'VM_STATE_STOPPED'), bad]),
    /vm_status.state/,
  );
  t.equal((await hosts.acks.get(HOST)).rec.durableSeq, 8);
  t.equal(sent.at(-1)?.ack?.durableSeq, 8);
});

t.test('a burst with another waiting behind it is acked by that one (stored either way)', async (t) => {
  const { store, events, hosts, reports, session } = await setup(t);
  const tenants = new Tenants(store, events, new FakeClock());
  await tenants.create('acme', '', { vcpus: 0, memoryBytes: 0, vms: 0, images: 0 });
  const vms = new VmRegistry(store, events, new FakeClock(), tenants);
  reports.vms = vms;
  const spec = { vcpus: 1, memoryMib: 128, scheme: 'process' } as VmSpec;
  const ids: string[] = [];
  for (const name of ['a', 'b'])
    ids.push((await vms.create({ name, hostId: HOST, tenant: 'acme', spec, sla: 'best_effort' })).vm.id);
  const report = (seq: number, vmId: string) =>
    ({ seq, vmId, state: 'VM_STATE_RUNNING', generation: 1, reason: '', epoch: 'e0' }) as VmStatusReport;
  const { s, sent } = await session();
  const waiting = [report(2, ids[1]!)];
  s.burst = waiting; // what live-session's burst() leaves while the next burst waits its turn
  await reports.vmStatuses(s, [report(1, ids[0]!)]);
  t.equal((await hosts.acks.get(HOST)).rec.durableSeq, 1, 'stored');
  t.same(sent, [], 'no ack: the waiting burst acks it');
  s.burst = undefined; // it starts
  await reports.vmStatuses(s, waiting);
  t.same(
    sent.map((m) => m.ack?.durableSeq),
    [2],
    'one ack, covering both',
  );
});
