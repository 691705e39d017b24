// The agent's session learns the controller's clock: from Welcome, then from
// heartbeat acks (a clock stepped meanwhile is followed), and stamps its events
// with it. Against a minimal in-process AgentService whose clock is set apart.
import t from 'tap';
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
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

const raw = JSON.parse(readFileSync(new URL('../../../test/fixtures/si/local.json', import.meta.url), 'utf8')) as RawSi;
const reserve = { vcpus: 1, memoryBytes: 0, diskBytes: 0 };
const HOUR = 3_600_000;

t.test('offset from Welcome, followed through heartbeat acks; events stamped in controller time', async (t) => {
  // The controller's clock: an hour behind real time, stepped forward 30 s later on.
  let behind = HOUR;
  const events: AgentMessage['event'][] = [];
  const server = new grpc.Server();
  server.addService(v1().AgentService.service, {
    Enroll: (_c: unknown, cb: grpc.sendUnaryData<never>) => cb({ code: grpc.status.UNIMPLEMENTED }),
    Session: (call: grpc.ServerDuplexStream<AgentMessage, unknown>) => {
      call.on('data', (m: AgentMessage) => {
        const serverTimeUnixMs = Date.now() - behind;
        if (m.hello)
          call.write({ welcome: { hostId: 'h', heartbeatIntervalMs: 100, durableSeq: 0, serverTimeUnixMs } });
        if (m.heartbeat) call.write({ ack: { beat: m.heartbeat.beat, durableSeq: 0, serverTimeUnixMs } });
        if (m.event) events.push(m.event);
      });
      call.on('error', () => {});
      call.on('end', () => call.end());
    },
  });
  const port = await new Promise<number>((res, rej) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
  );
  t.teardown(() => server.forceShutdown());
  const store = await LevelStore.open(join(tmpDir(), 'state'));
  const s = new AgentSession({
    controller: `127.0.0.1:${port}`,
    hostId: '01M80JYKTWP1XVJK659V3Z4PP3',
    credentials: grpc.credentials.createInsecure(),
    insecure: true,
    outbox: await Outbox.open(store),
    collector: new InventoryCollector({
      reserve,
      schemes: ['process'],
      readRaw: async () => raw,
      detect: async () => [],
    }),
    reserve,
    log: silentLogger,
    agentVersion: 'test',
    kind: 'dedicated',
    hostname: 'h',
    inventoryIntervalMs: 600_000,
  });
  t.teardown(async () => {
    s.stop();
    await store.close();
  });
  t.notOk(s.time.synced(), 'nothing known before the controller answers');
  await s.start();
  await s.connected;
  t.ok(Math.abs(s.time.offsetMs() + HOUR) < 2_000, `learned from Welcome: ${s.time.offsetMs()} ms`);
  await s.emit('probe', 'probe');
  await waitFor(() => events.length >= 1, { message: 'event sent' });
  t.ok(Math.abs(Number(events[0]!.timeUnixMs) - (Date.now() - HOUR)) < 2_000, "the event's time is the controller's");
  behind = HOUR - 30_000;
  await waitFor(() => Math.abs(s.time.offsetMs() + HOUR - 30_000) < 2_000, {
    message: 'a stepped controller clock is followed through heartbeat acks',
  });
  t.ok(Math.abs(s.time.offsetMs() + HOUR - 30_000) < 2_000, `followed: ${s.time.offsetMs()} ms`);
});
