// Streaming RPCs are admitted and audited exactly as unary ones: the same
// status for an unauthenticated, unauthorized or rate-limited caller, the same
// audit record, through one wrapper (streamRpc).
import t, { type Test } from 'tap';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { LevelStore } from '../../common/store/index.js';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { InvalidArgumentError, UnauthenticatedError } from '../../common/errors.js';
import { EventLog } from '../../controller/events/log.js';
import { DEFAULT_LIMITS, RpcLayer, unaryRpc, type AgentAuthenticator } from '../../controller/rpc/handler.js';
import { streamRpc, type StreamCall } from '../../controller/rpc/stream.js';
import type { TokenStore } from '../../controller/auth/tokens.js';
import { tmpDir } from '../helpers/tmp.js';

const HOST = '01HZZZZZZZZZZZZZZZZZZZZZZA';
const TOKENS: Record<string, { id: string; role: string; tenant: string }> = {
  good: { id: 'tok-good', role: 'viewer', tenant: '' },
  roleless: { id: 'tok-roleless', role: 'nobody', tenant: '' },
  roleless2: { id: 'tok-roleless2', role: 'nobody', tenant: '' },
  busy: { id: 'tok-busy', role: 'viewer', tenant: '' },
};

async function rig(t: Test) {
  const store = await LevelStore.open(join(tmpDir(), 'db'));
  const clock = new FakeClock();
  const events = await EventLog.open(store, clock, silentLogger);
  const tokens = {
    verifyApi: async (secret: string) => {
      const rec = TOKENS[secret];
      if (!rec) throw new UnauthenticatedError('unknown API token');
      return rec;
    },
  } as unknown as TokenStore;
  const agents: AgentAuthenticator = {
    authenticate: async (call) => {
      if (call.metadata.get('x-test-cert')[0] !== HOST)
        throw new UnauthenticatedError('a client certificate issued by this controller is required');
      return { hostId: HOST, retirePrevious: false };
    },
  };
  const layer = new RpcLayer({
    log: silentLogger,
    tokens,
    store,
    events,
    clock,
    agents,
    limits: { ...DEFAULT_LIMITS, perToken: { perSec: 1, burst: 1 } },
  });
  t.teardown(async () => {
    await layer.stop();
    await store.close();
  });
  const audits = async () => (await events.list(0, 1000, { auditOnly: true })).events;
  return { layer, audits, clock };
}

function meta(kv: Record<string, string>): grpc.Metadata {
  const m = new grpc.Metadata();
  for (const [k, v] of Object.entries(kv)) m.set(k, v);
  return m;
}

type Status = { code: number; details: string };
type Call = StreamCall & { end(): void };

/** Calls a unary handler with a fake call; resolves with its status (0 when it answered). */
function callUnary(h: grpc.handleUnaryCall<unknown, unknown>, md: grpc.Metadata): Promise<Status> {
  return new Promise((resolve) => {
    const call = { request: {}, metadata: md, getPeer: () => 'ipv4:10.0.0.1:5000', getAuthContext: () => ({}) };
    h(call as never, (err) => resolve(err ? (err as Status) : { code: 0, details: '' }));
  });
}

/** Calls a stream handler with a fake call; resolves with the status it emitted (0 when its handler ended it). */
function callStream<R>(
  h: (call: Call, cb?: grpc.sendUnaryData<R>) => void,
  md: grpc.Metadata,
  o: { request?: unknown; cb?: boolean } = {},
): Promise<Status & { res?: unknown }> {
  return new Promise((resolve) => {
    const call: Call = {
      request: o.request,
      metadata: md,
      cancelled: false,
      destroyed: false,
      getPeer: () => 'ipv4:10.0.0.1:5001',
      getAuthContext: () => ({}),
      emit: (_e: 'error', st: unknown) => (resolve(st as Status), true),
      end: () => resolve({ code: 0, details: '' }),
    };
    h(call, o.cb ? (err, res) => resolve(err ? (err as Status) : { code: 0, details: '', res }) : undefined);
  });
}

t.test(
  'unauthenticated, unauthorized and rate-limited: streams answer as unary calls do, and are audited alike',
  async (t) => {
    const { layer, audits } = await rig(t);
    const unary = unaryRpc(layer, 'EventService.ListEvents', async () => ({}));
    const stream = streamRpc(layer, 'EventService.WatchEvents', async (call: Call) => call.end());

    // A fresh token for each call: the rate (one a second) is not what is tested here.
    for (const [what, u, s] of [
      ['no token', {}, {}],
      ['unknown token', { authorization: 'Bearer nope' }, { authorization: 'Bearer nope' }],
      ['a role without events.read', { authorization: 'Bearer roleless' }, { authorization: 'Bearer roleless2' }],
    ] as const) {
      const us = await callUnary(unary as never, meta(u));
      const ss = await callStream(stream, meta(s));
      t.not(us.code, 0, `${what}: unary refused`);
      t.equal(ss.code, us.code, `${what}: the stream gets the same status (${grpc.status[us.code]})`);
      t.equal(ss.details.replace('WatchEvents', 'ListEvents'), us.details, 'and the same reason');
    }

    // One call a second, burst of one: the second call of each kind is over the rate.
    t.equal((await callStream(stream, meta({ authorization: 'Bearer busy' }))).code, 0, 'first watch admitted');
    const s2 = await callStream(stream, meta({ authorization: 'Bearer busy' }));
    const u2 = await callUnary(unary as never, meta({ authorization: 'Bearer busy' }));
    t.equal(s2.code, grpc.status.RESOURCE_EXHAUSTED, 'second watch rate-limited');
    t.same([s2.code, s2.details], [u2.code, u2.details], 'as the unary call over the same rate');

    const a = await audits();
    for (const outcome of ['UNAUTHENTICATED', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED']) {
      for (const rpc of ['EventService.ListEvents', 'EventService.WatchEvents']) {
        t.ok(
          a.find((e) => e.attributes.rpc === rpc && e.attributes.outcome === outcome),
          `${rpc} ${outcome} audited`,
        );
      }
    }
    const denied = a.find(
      (e) => e.attributes.rpc === 'EventService.WatchEvents' && e.attributes.outcome === 'PERMISSION_DENIED',
    );
    t.equal(denied?.attributes.token_id, 'tok-roleless2', 'the refused stream names its caller');
    t.equal(denied?.attributes.peer, 'ipv4:10.0.0.1:5001', 'and where it came from');
  },
);

t.test(
  'agent streams: the certificate admits, a refusal is audited under the peer, the handler sees the host',
  async (t) => {
    const { layer, audits, clock } = await rig(t);
    let seen = '';
    const session = streamRpc(layer, 'AgentService.Session', async (call: Call, ctx) => {
      seen = ctx.principal.id;
      call.end();
    });
    const refused = await callStream(session, meta({}));
    t.equal(refused.code, grpc.status.UNAUTHENTICATED, 'no certificate: UNAUTHENTICATED');
    t.match(refused.details, /client certificate/);
    clock.advance(1000);
    t.equal((await callStream(session, meta({ 'x-test-cert': HOST }))).code, 0, 'with one: served');
    t.equal(seen, HOST, 'as its host');
    const a = await audits();
    t.ok(
      a.find((e) => e.attributes.rpc === 'AgentService.Session' && e.attributes.outcome === 'UNAUTHENTICATED'),
      'the refusal audited',
    );
    t.notOk(
      a.find((e) => e.attributes.rpc === 'AgentService.Session' && e.attributes.outcome === 'OK'),
      'a served session is no audit record',
    );
  },
);

t.test('after admission: handler errors are the status, client streams answer through the callback', async (t) => {
  const { layer, audits, clock } = await rig(t);
  const md = () => meta({ 'x-test-cert': HOST });
  const failing = streamRpc(layer, 'AgentService.GetDisk', async (_call: Call) => {
    throw new InvalidArgumentError('transfer_id', 'not a transfer');
  });
  const st = await callStream(failing, md(), { request: {} });
  t.equal(st.code, grpc.status.INVALID_ARGUMENT);
  t.match(st.details, /transfer_id/, 'names the field');
  clock.advance(1000); // the host's one call a second
  const put = streamRpc(layer, 'AgentService.PutDisk', async (_call: Call) => ({ sizeBytes: 3 }));
  t.same(
    await callStream(put, md(), { cb: true }),
    { code: 0, details: '', res: { sizeBytes: 3 } },
    'the result goes to the callback',
  );
  const over = await callStream(put, md(), { cb: true });
  t.equal(over.code, grpc.status.RESOURCE_EXHAUSTED, 'a host over its rate: RESOURCE_EXHAUSTED through the callback');
  t.notOk(
    (await audits()).find((e) => e.attributes.rpc === 'AgentService.GetDisk'),
    'a failure that is no refusal is not audited',
  );
});
