import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { tmpDir } from '../helpers/tmp.js';
import { statusOf as status } from '../helpers/status.js';
import { waitFor } from '../helpers/wait.js';
import {
  FAST,
  joinToken,
  listHosts,
  startAgent,
  startController,
  type ControllerProc,
  type Proc,
} from '../helpers/procs.js';
import { killWith } from '../helpers/vms.js';
import { v1 } from '../../common/grpc/load.js';
import { unary } from '../../common/grpc/promisify.js';
import { LevelStore, put } from '../../common/store/index.js';
import type { VmSet__Output as VmSet } from '../../common/gen/nephele/v1/VmSet.js';

// request_id against a real controller: a request id belongs to its caller
// (principal + RPC + id, with a hash of the body), a replay re-runs
// authorization and never hands one caller another's answer; sets created with
// a request id start and expire like any other.

interface Made {
  token: { id: string; role: string; tenant: string; createdBy: string; kind: string };
  secret: string;
}

let ctl: ControllerProc;
let agent: Proc;
let adir: string;
let creds: grpc.ChannelCredentials;
let admin: string;
const spec = { scheme: 'process', vcpus: 1, memoryMib: 32, diskGib: 1 };

const md = (token: string) => {
  const m = new grpc.Metadata();
  m.set('authorization', `Bearer ${token}`);
  return m;
};
const clients = () => {
  const p = v1();
  return { auth: new p.AuthService(ctl.address, creds), vms: new p.VmService(ctl.address, creds) };
};
const createToken = (as: string, req: Record<string, unknown>) => {
  const c = clients();
  return unary<Made>((cb) => c.auth.CreateToken(req, md(as), cb as never));
};
const createSet = (as: string, req: Record<string, unknown>) => {
  const c = clients();
  return unary<{ set: VmSet }>((cb) => c.vms.CreateVmSet(req, md(as), cb as never));
};
const getSet = async (as: string, setId: string) => {
  const c = clients();
  return (await unary<{ set: VmSet }>((cb) => c.vms.GetVmSet({ setId }, md(as), cb as never))).set;
};
const waitSet = (setId: string, ok: (s: VmSet) => boolean, message: string) =>
  waitFor(
    async () => {
      const s = await getSet(admin, setId);
      return ok(s) ? s : undefined;
    },
    { timeoutMs: 30_000, message },
  );

t.before(async () => {
  ctl = await startController(tmpDir(), { args: FAST });
  creds = grpc.credentials.createSsl(readFileSync(join(ctl.dataDir, 'ca.pem')));
  admin = readFileSync(join(ctl.dataDir, 'admin.token'), 'utf8').trim();
  adir = tmpDir();
  agent = startAgent(ctl.address, adir, {
    joinToken: await joinToken(ctl),
    args: ['--schemes', 'process', '--guest-vcpus', '8', '--reserve-memory', '256M'],
  });
  const c = clients();
  for (const name of ['acme', 'globex']) await unary((cb) => c.auth.CreateTenant({ name }, md(admin), cb));
  await waitFor(async () => (await listHosts(ctl))[0]?.state === 'HOST_STATE_READY', {
    timeoutMs: 30_000,
    message: 'agent ready',
  });
});
t.teardown(async () => {
  await agent?.kill();
  await ctl?.kill();
  killWith(adir);
});

t.test("CreateToken: another principal's request_id never returns the first caller's token", async (t) => {
  const tenantAdmin = await createToken(admin, { kind: 'TOKEN_KIND_API', role: 'tenant-admin', tenant: 'acme' });
  const operator = await createToken(admin, { kind: 'TOKEN_KIND_API', role: 'operator' });

  // The attack of the review: the admin mints an operator token with request id R;
  // a tenant-admin sends R with the same body.
  const body = { kind: 'TOKEN_KIND_API', role: 'operator', description: 'ci', requestId: 'shared-R' };
  const first = await createToken(admin, body);
  const stolen = await status(createToken(tenantAdmin.secret, body));
  t.equal(
    stolen.code,
    grpc.status.PERMISSION_DENIED,
    "the tenant-admin's replay is authorized like a fresh call: refused",
  );
  t.notMatch(stolen.details, first.secret, 'and carries no secret');

  // With a body it may send, the tenant-admin gets its own new token, not the admin's.
  const viewerBody = { kind: 'TOKEN_KIND_API', role: 'viewer', tenant: 'acme', requestId: 'shared-V' };
  const adminsViewer = await createToken(admin, viewerBody);
  const own = await createToken(tenantAdmin.secret, viewerBody);
  t.not(own.secret, adminsViewer.secret, "not the admin's secret");
  t.not(own.token.id, adminsViewer.token.id, "not the admin's token");
  t.equal(own.token.createdBy, tenantAdmin.token.id, 'a token of its own');

  // Join tokens: a tenant may not have one at all; an operator gets its own.
  const joinBody = { kind: 'TOKEN_KIND_JOIN', ttlSeconds: 600, requestId: 'shared-J' };
  const adminsJoin = await createToken(admin, joinBody);
  const tenantJoin = await status(createToken(tenantAdmin.secret, joinBody));
  t.equal(
    tenantJoin.code,
    grpc.status.PERMISSION_DENIED,
    "a tenant-admin replaying the admin's join request is refused",
  );
  t.notMatch(tenantJoin.details, adminsJoin.secret);
  const opJoin = await createToken(operator.secret, joinBody);
  t.not(opJoin.secret, adminsJoin.secret, "an operator's same request id gives its own join token");
  t.not(opJoin.token.id, adminsJoin.token.id);

  // The same caller, same body: the same answer (the secret is shown again).
  const again = await createToken(admin, body);
  t.equal(again.token.id, first.token.id, 'same caller, same body: same token');
  t.equal(again.secret, first.secret, 'and the same secret');
  const ownAgain = await createToken(tenantAdmin.secret, viewerBody);
  t.equal(ownAgain.secret, own.secret, "the tenant-admin's replay answers its own first call");

  // The same caller, another body: refused, naming request_id.
  const other = await status(createToken(admin, { ...body, description: 'something else' }));
  t.equal(other.code, grpc.status.INVALID_ARGUMENT, 'same request id, another body: INVALID_ARGUMENT');
  t.match(other.details, /^request_id:/, 'naming request_id');

  // A replay re-runs authorization against the caller as it is now: moved to
  // another tenant, the tenant-admin no longer gets the acme token back.
  await unary((cb) =>
    clients().auth.BindRole({ tokenId: tenantAdmin.token.id, role: 'tenant-admin', tenant: 'globex' }, md(admin), cb),
  );
  const moved = await status(createToken(tenantAdmin.secret, viewerBody));
  t.equal(moved.code, grpc.status.PERMISSION_DENIED, 'rebound to globex: its acme request is refused on replay');
});

t.test('CreateVmSet: a replay with another body is refused; another caller gets its own set', async (t) => {
  const tenantAdmin = await createToken(admin, { kind: 'TOKEN_KIND_API', role: 'tenant-admin', tenant: 'acme' });
  const body = { set: { name: 'idem', count: 1, spec }, requestId: 'set-R' };
  const first = (await createSet(admin, body)).set;
  const again = (await createSet(admin, body)).set;
  t.equal(again.id, first.id, 'same caller, same body: the same set');
  const bigger = await status(createSet(admin, { ...body, set: { ...body.set, count: 2 } }));
  t.equal(bigger.code, grpc.status.INVALID_ARGUMENT, 'same request id, another count: refused, not the first set');
  t.match(bigger.details, /^request_id:/);
  const renamed = await status(createSet(admin, { ...body, set: { ...body.set, name: 'other' } }));
  t.equal(renamed.code, grpc.status.INVALID_ARGUMENT, 'another name: refused too');
  const theirs = (await createSet(tenantAdmin.secret, body)).set;
  t.not(theirs.id, first.id, "the tenant-admin's same request id makes its own set");
  t.equal(theirs.tenant, 'acme', 'in its own tenant');
  const sets = await unary<{ sets: VmSet[] }>((cb) =>
    clients().vms.ListVmSets({ pageSize: 100 }, md(admin), cb as never),
  );
  t.equal(sets.sets.filter((s) => s.request?.name === 'idem').length, 2, 'two sets, one per caller');
  for (const s of [first, theirs]) await unary((cb) => clients().vms.DeleteVmSet({ setId: s.id }, md(admin), cb));
});

t.test('sets created with a request_id start at their time and retire at their expiry', async (t) => {
  const startAt = Date.now() + 2000;
  const at = (
    await createSet(admin, { set: { name: 'at-idem', count: 1, spec, startAtUnixMs: startAt }, requestId: 'at-1' })
  ).set;
  t.equal(at.state, 'VM_SET_STATE_SCHEDULED', 'waits for its time');
  const short = (
    await createSet(admin, { set: { name: 'short-idem', count: 1, spec, durationS: 2 }, requestId: 'dur-1' })
  ).set;
  t.ok(short.expiresUnixMs > 0, 'has an expiry');
  const started = await waitSet(at.id, (s) => s.running === 1, 'the at-set started and runs');
  t.ok(started.startedUnixMs >= startAt, 'at its time');
  const gone = await waitSet(short.id, (s) => s.state === 'VM_SET_STATE_RETIRED', 'the duration set retired');
  t.equal(gone.stateReason, 'its duration ended');
  t.notMatch(ctl.output(), /requests record already exists/, 'no timer tripped over the request record');
  t.equal(
    (await createSet(admin, { set: { name: 'at-idem', count: 1, spec, startAtUnixMs: startAt }, requestId: 'at-1' }))
      .set.id,
    at.id,
    'the request id still answers with its set',
  );
  await unary((cb) => clients().vms.DeleteVmSet({ setId: at.id }, md(admin), cb));
});

t.test('request records of the earlier layout are never replayed', async (t) => {
  const victim = await createToken(admin, { kind: 'TOKEN_KIND_API', role: 'operator', description: 'old layout' });
  const tenantAdmin = await createToken(admin, { kind: 'TOKEN_KIND_API', role: 'tenant-admin', tenant: 'acme' });
  await ctl.stop();
  // What the previous version wrote: `${rpc}/${request_id}`, no principal, no body hash.
  const store = await LevelStore.open(join(ctl.dataDir, 'store'));
  await store.batch([
    put('requests', 'AuthService.CreateToken/legacy-1', { ref: victim.token.id, atUnixMs: Date.now() }),
  ]);
  await store.close();
  ctl = await startController(ctl.dataDir, { port: ctl.port, args: FAST });
  for (const [who, secret] of [
    ['admin', admin],
    ['tenant-admin', tenantAdmin.secret],
  ] as const) {
    const r = await createToken(secret, {
      kind: 'TOKEN_KIND_API',
      role: 'viewer',
      tenant: 'acme',
      requestId: 'legacy-1',
    });
    t.not(r.token.id, victim.token.id, `${who}: a new token, not the one of the old record`);
    t.not(r.secret, victim.secret, `${who}: and not its secret`);
  }
});
