import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { tmpDir } from '../helpers/tmp.js';
import { statusOf as status } from '../helpers/status.js';
import { waitFor } from '../helpers/wait.js';
import {
  FAST,
  hostIdOf,
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
import type { Vm__Output as Vm } from '../../common/gen/nephele/v1/Vm.js';

// Against a real controller and agent: role ordering for revoking and rebinding
// tokens, CreateVm's host choice (the planner's unless the caller may run the
// fleet), and one answer for every bad API token.

interface Made {
  token: { id: string };
  secret: string;
}

let ctl: ControllerProc;
let agent: Proc;
let adir: string;
let hostId: string;
let creds: grpc.ChannelCredentials;
let admin: string;
const tok: Record<string, Made> = {};

const md = (token: string) => {
  const m = new grpc.Metadata();
  m.set('authorization', `Bearer ${token}`);
  return m;
};
const clients = () => {
  const p = v1();
  return {
    auth: new p.AuthService(ctl.address, creds),
    vms: new p.VmService(ctl.address, creds),
    hosts: new p.HostService(ctl.address, creds),
  };
};
const createToken = (as: string, req: Record<string, unknown>) =>
  unary<Made>((cb) => clients().auth.CreateToken(req, md(as), cb as never));
const revoke = (as: string, tokenId: string) => unary((cb) => clients().auth.RevokeToken({ tokenId }, md(as), cb));
const bind = (as: string, tokenId: string, role: string, tenant = '') =>
  unary((cb) => clients().auth.BindRole({ tokenId, role, tenant }, md(as), cb));
const createVm = (as: string, req: Record<string, unknown>) =>
  unary<{ vm: Vm }>((cb) => clients().vms.CreateVm(req, md(as), cb as never)).then((r) => r.vm);
const works = async (secret: string) =>
  (await status(unary((cb) => clients().auth.ListTenants({}, md(secret), cb)))).code === 0;

t.before(async () => {
  ctl = await startController(tmpDir(), { args: FAST });
  creds = grpc.credentials.createSsl(readFileSync(join(ctl.dataDir, 'ca.pem')));
  admin = readFileSync(join(ctl.dataDir, 'admin.token'), 'utf8').trim();
  adir = tmpDir();
  agent = startAgent(ctl.address, adir, {
    joinToken: await joinToken(ctl),
    args: ['--schemes', 'process', '--guest-vcpus', '8', '--reserve-memory', '256M'],
  });
  for (const name of ['acme', 'globex']) await unary((cb) => clients().auth.CreateTenant({ name }, md(admin), cb));
  tok.operator = await createToken(admin, { kind: 'TOKEN_KIND_API', role: 'operator' });
  tok.tenantAdmin = await createToken(admin, { kind: 'TOKEN_KIND_API', role: 'tenant-admin', tenant: 'acme' });
  await waitFor(async () => (await listHosts(ctl))[0]?.inventory?.guest?.vcpus === 8, {
    timeoutMs: 30_000,
    message: 'agent ready with 8 guest vCPUs',
  });
  hostId = hostIdOf(adir);
});
t.teardown(async () => {
  await agent?.kill();
  await ctl?.kill();
  killWith(adir);
});

t.test('role ordering: nobody revokes or rebinds a token that holds more than they do', async (t) => {
  const bootstrapId = admin.split('.')[0]!;
  const otherAdmin = await createToken(admin, { kind: 'TOKEN_KIND_API', role: 'admin' });
  const op = tok.operator!.secret;

  const r1 = await status(revoke(op, bootstrapId));
  t.equal(r1.code, grpc.status.PERMISSION_DENIED, 'an operator cannot revoke the bootstrap admin token');
  const r2 = await status(revoke(op, otherAdmin.token.id));
  t.equal(r2.code, grpc.status.PERMISSION_DENIED, 'nor any admin token');
  const r3 = await status(bind(op, otherAdmin.token.id, 'viewer', 'acme'));
  t.equal(r3.code, grpc.status.PERMISSION_DENIED, 'nor rebind one');
  t.ok(await works(admin), 'the bootstrap admin token still works');
  t.ok(await works(otherAdmin.secret), 'and the other admin token');

  // Down the order it is allowed, and within one's own level and tenant.
  const peer = await createToken(admin, { kind: 'TOKEN_KIND_API', role: 'operator' });
  t.equal((await status(revoke(op, peer.token.id))).code, 0, 'an operator may revoke an operator token');
  const ta = await createToken(admin, { kind: 'TOKEN_KIND_API', role: 'tenant-admin', tenant: 'acme' });
  t.equal(
    (await status(revoke(tok.tenantAdmin!.secret, ta.token.id))).code,
    0,
    'a tenant-admin may revoke a tenant-admin token of its tenant',
  );
  const foreign = await createToken(admin, { kind: 'TOKEN_KIND_API', role: 'viewer', tenant: 'globex' });
  t.equal(
    (await status(revoke(tok.tenantAdmin!.secret, foreign.token.id))).code,
    grpc.status.NOT_FOUND,
    'but not one of another tenant',
  );
  const join = await createToken(admin, { kind: 'TOKEN_KIND_JOIN' });
  t.equal((await status(revoke(op, join.token.id))).code, 0, 'an operator may revoke a join token');

  // An admin may do both; anyone may give up its own token.
  t.equal(
    (await status(bind(admin, otherAdmin.token.id, 'viewer', 'acme'))).code,
    0,
    'an admin may rebind an admin token',
  );
  t.equal((await status(revoke(admin, otherAdmin.token.id))).code, 0, 'and revoke one');
  const own = await createToken(admin, { kind: 'TOKEN_KIND_API', role: 'operator' });
  t.equal((await status(revoke(own.secret, own.token.id))).code, 0, 'an operator may revoke its own token');
  t.notOk(await works(own.secret), 'which then stops working');
});

t.test(
  'CreateVm: tenants go through the planner; an explicit host needs fleet.write and still has to fit',
  async (t) => {
    const ta = tok.tenantAdmin!.secret;
    const big = { scheme: 'process', vcpus: 8, memoryMib: 32, diskGib: 1 };
    const forced = await status(createVm(ta, { hostId, spec: big }));
    t.equal(forced.code, grpc.status.PERMISSION_DENIED, 'a tenant-admin naming a host: PERMISSION_DENIED');
    t.notMatch(forced.details, hostId, 'the answer says nothing about the host');
    const unknown = await status(createVm(ta, { hostId: '01M80JYKTWP1XVJK659V3Z4PP3', spec: big }));
    t.same(unknown, forced, 'the same answer for a host that does not exist');

    const first = await createVm(ta, { name: 'placed', spec: big });
    t.equal(first.hostId, hostId, 'without a host the planner places it');
    t.equal(first.tenant, 'acme', 'in the caller’s tenant');
    t.equal(first.sla, 'SLA_GUARANTEED', 'as guaranteed work, like a one-VM set');
    const second = await status(createVm(ta, { name: 'no-room', spec: big }));
    t.equal(second.code, grpc.status.RESOURCE_EXHAUSTED, 'a second 8-vCPU VM does not fit on the 8-vCPU host');
    t.notMatch(second.details, /\d+ hosts?:|vcpus|cordon|not ready|test-agent/, 'the tenant is not told about hosts');
    t.notMatch(second.details, hostId);
    const vms = await unary<{ vms: Vm[] }>((cb) => clients().vms.ListVms({ pageSize: 100 }, md(admin), cb as never));
    t.equal(
      vms.vms.filter((v) => v.hostId === hostId && v.spec?.vcpus === 8).length,
      1,
      'only one 8-vCPU VM holds the host',
    );
    const hosts = await listHosts(ctl);
    t.ok(
      hosts[0]!.allocated!.vcpus <= 8,
      `the host's guaranteed allocation stays within its 8 vCPUs (${hosts[0]!.allocated!.vcpus})`,
    );

    // An operator may pin a VM to a host, but only where the host passes the filters and has room.
    const op = tok.operator!.secret;
    const opFull = await status(createVm(op, { spec: big }));
    t.equal(
      opFull.code,
      grpc.status.RESOURCE_EXHAUSTED,
      'an operator without a host: the planner finds no room either',
    );
    t.match(opFull.details, /not enough vcpus/, 'and an operator is told why');
    const pinned = await createVm(op, { hostId, spec: big, name: 'pinned' });
    t.equal(pinned.hostId, hostId, 'pinned to the named host as best-effort work (within the overcommit)');
    t.equal(pinned.sla, 'SLA_BEST_EFFORT');
    const over = await status(createVm(op, { hostId, spec: big, name: 'over' }));
    t.equal(over.code, grpc.status.FAILED_PRECONDITION, 'past the overcommit the named host refuses it');
    t.match(over.details, /^host_id: .*not enough vcpus/, 'saying why');
    await unary((cb) => clients().hosts.CordonHost({ hostId, reason: 'test' }, md(op), cb));
    const cordoned = await status(createVm(op, { hostId, spec: { ...big, vcpus: 1 } }));
    t.equal(cordoned.code, grpc.status.FAILED_PRECONDITION, 'a cordoned host takes no pinned VM');
    await unary((cb) => clients().hosts.UncordonHost({ hostId }, md(op), cb));
  },
);

t.test('expired and unknown API tokens get the same answer', async (t) => {
  const short = await createToken(admin, { kind: 'TOKEN_KIND_API', role: 'viewer', tenant: 'acme', ttlSeconds: 1 });
  t.ok(await works(short.secret), 'control: it works before it expires');
  const expired = await waitFor(
    async () => {
      const s = await status(unary((cb) => clients().auth.ListTenants({}, md(short.secret), cb)));
      return s.code === grpc.status.UNAUTHENTICATED ? s : undefined;
    },
    { message: 'the token expired' },
  );
  const secret = short.secret.split('.')[1]!;
  const unknown = await status(
    unary((cb) => clients().auth.ListTenants({}, md(`01M80JYKTWP1XVJK659V3Z4PP3.${secret}`), cb)),
  );
  const wrong = await status(
    unary((cb) => clients().auth.ListTenants({}, md(`${short.token.id}.${secret.slice(0, -2)}xx`), cb)),
  );
  t.same(
    { code: expired.code, details: expired.details },
    { code: unknown.code, details: unknown.details },
    'expired is answered exactly like an unknown token',
  );
  t.same(
    { code: wrong.code, details: wrong.details },
    { code: unknown.code, details: unknown.details },
    'and like a wrong secret',
  );
  await waitFor(() => /"reason":"token expired"/.test(ctl.output()), { message: 'the real reason in the server log' });
});
