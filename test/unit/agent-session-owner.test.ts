// What the agent's session tells the controller about labels and the owner:
// against a minimal in-process AgentService that records what it receives.
import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { v1 } from '../../common/grpc/load.js';
import { LevelStore } from '../../common/store/index.js';
import { silentLogger } from '../../common/logger.js';
import { Outbox } from '../../agent/outbox.js';
import { AgentSession } from '../../agent/session.js';
import { InventoryCollector } from '../../agent/inventory/collect.js';
import type { RawSi } from '../../agent/inventory/map.js';
import type { AgentMessage__Output as AgentMessage } from '../../common/gen/nephele/v1/AgentMessage.js';
import type { OwnerState } from '../../common/model/enums.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { welcomingSession } from '../helpers/fake-controller.js';

const raw = JSON.parse(readFileSync(new URL('../../../test/fixtures/si/local.json', import.meta.url), 'utf8')) as RawSi;
const reserve = { vcpus: 1, memoryBytes: 0, diskBytes: 0 };

/** A fake controller: welcomes every session with a long heartbeat interval and records messages. */
async function fakeController(t: Test) {
  const got: AgentMessage[] = [];
  const server = new grpc.Server();
  server.addService(v1().AgentService.service, {
    Enroll: (_c: unknown, cb: grpc.sendUnaryData<never>) => cb({ code: grpc.status.UNIMPLEMENTED }),
    Session: welcomingSession(got),
  });
  const port = await new Promise<number>((res, rej) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
  );
  t.teardown(() => server.forceShutdown());
  return { address: `127.0.0.1:${port}`, got };
}

async function session(
  t: Test,
  address: string,
  extra: { adhoc: boolean; owner?: () => { state: OwnerState; cpuPct: number; idleMs: number | undefined } },
) {
  const store = await LevelStore.open(join(tmpDir(), 'state'));
  const collector = new InventoryCollector({
    reserve,
    schemes: ['process'],
    readRaw: async () => raw,
    detect: async () => [],
    guestVcpus: 40,
    ...(extra.owner ? { owner: extra.owner } : {}),
  });
  const s = new AgentSession({
    controller: address,
    hostId: '01M80JYKTWP1XVJK659V3Z4PP3',
    credentials: grpc.credentials.createInsecure(),
    insecure: true,
    outbox: await Outbox.open(store),
    collector,
    reserve,
    log: silentLogger,
    agentVersion: 'test',
    kind: extra.adhoc ? 'adhoc' : 'dedicated',
    hostname: 'lab-pc',
    inventoryIntervalMs: 600_000,
    labels: { room: 'lab-3' },
    offersGuarantees: extra.adhoc,
    ...(extra.owner ? { owner: extra.owner } : {}),
  });
  t.teardown(async () => {
    s.stop();
    await store.close();
  });
  await s.start();
  return s;
}

t.test('ad-hoc: Hello and heartbeats carry the owner; a change beats at once', async (t) => {
  const ctl = await fakeController(t);
  let reading = { state: 'idle' as OwnerState, cpuPct: 12.5, idleMs: 3000 as number | undefined };
  const s = await session(t, ctl.address, { adhoc: true, owner: () => reading });
  await s.connected;
  const hello = ctl.got.find((m) => m.hello)!.hello!;
  t.same(hello.labels, { room: 'lab-3' }, 'labels');
  t.equal(hello.owner, 'OWNER_STATE_IDLE', 'owner state in Hello');
  t.equal(hello.offersGuarantees, true);
  const beats = () => ctl.got.filter((m) => m.heartbeat).map((m) => m.heartbeat!);
  await waitFor(() => beats().length >= 1, { message: 'first beat' });
  const b1 = beats()[0]!;
  t.equal(b1.owner, 'OWNER_STATE_IDLE');
  t.equal(b1.load!.ownerCpuPct, 12.5, 'owner cpu from the monitor');
  t.equal(Number(b1.load!.ownerIdleMs), 3000, 'owner idle time from the monitor');

  reading = { state: 'busy', cpuPct: 250, idleMs: undefined };
  s.ownerChanged();
  // The interval is 10 minutes: a beat now can only be the one the change sent.
  await waitFor(() => beats().length >= 2, { timeoutMs: 5_000, message: 'immediate beat' });
  const b2 = beats()[1]!;
  t.equal(b2.owner, 'OWNER_STATE_BUSY', 'the new state goes out without waiting for the interval');
  t.equal(b2.load!.ownerCpuPct, 250);
  t.equal(Number(b2.load!.ownerIdleMs), 0, 'no input device: 0');
  t.equal(b2.free!.vcpus, 40, '--guest-vcpus is what the host offers');
});

t.test('dedicated: no owner policy', async (t) => {
  const ctl = await fakeController(t);
  const s = await session(t, ctl.address, { adhoc: false });
  await s.connected;
  const hello = ctl.got.find((m) => m.hello)!.hello!;
  t.equal(hello.owner, 'OWNER_STATE_UNSPECIFIED');
  t.equal(hello.offersGuarantees, false);
  await waitFor(() => ctl.got.some((m) => m.heartbeat), { message: 'beat' });
  const b = ctl.got.find((m) => m.heartbeat)!.heartbeat!;
  t.equal(b.owner, 'OWNER_STATE_UNSPECIFIED');
  t.equal(b.load!.ownerCpuPct, 0);
  t.equal(Number(b.load!.ownerIdleMs), 0);
  s.ownerChanged(); // harmless without a policy
});
