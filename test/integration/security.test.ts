import t from 'tap';
import { protoLoaderDefinition } from '../helpers/proto-def.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { tmpDir } from '../helpers/tmp.js';
import { statusOf as status } from '../helpers/status.js';
import { waitFor } from '../helpers/wait.js';
import {
  cli,
  hostIdOf,
  joinToken,
  listHosts,
  startAgent,
  startController,
  type ControllerProc,
} from '../helpers/procs.js';
import { v1 } from '../../common/grpc/load.js';
import { unary } from '../../common/grpc/promisify.js';
import { certInfo } from '../../common/tls/pki.js';
import { can, RULES, type Principal, type Role } from '../../controller/auth/authz.js';
import type { Event__Output as Event } from '../../common/gen/nephele/v1/Event.js';

// Tenants, roles, isolation, audit, limits and credential lifecycle against a
// real controller process.

let ctl: ControllerProc;
let creds: grpc.ChannelCredentials;
let admin: string;
const tok: Record<string, string> = {};

const md = (token?: string) => {
  const m = new grpc.Metadata();
  if (token) m.set('authorization', `Bearer ${token}`);
  return m;
};
const client = () => {
  const p = v1();
  return {
    hosts: new p.HostService(ctl.address, creds),
    auth: new p.AuthService(ctl.address, creds),
    events: new p.EventService(ctl.address, creds),
  };
};
async function mkToken(role: string, tenant: string, by = admin): Promise<{ id: string; secret: string }> {
  const c = client();
  const r = await unary<{ token: { id: string }; secret: string }>((cb) =>
    c.auth.CreateToken({ kind: 'TOKEN_KIND_API', role, tenant }, md(by), cb as never),
  );
  return { id: r.token.id, secret: r.secret };
}
async function events(token: string, filter: Record<string, unknown> = {}): Promise<Event[]> {
  const c = client();
  const r = await unary<{ events: Event[] }>((cb) =>
    c.events.ListEvents({ sinceSeq: 0, pageSize: 1000, filter }, md(token), cb as never),
  );
  return r.events;
}

t.before(async () => {
  ctl = await startController(tmpDir(), {
    args: ['--min-heartbeat', '200ms', '--missed-beats', '3', '--down-after', '3s', '--agent-cert-ttl', '15s'],
  });
  creds = grpc.credentials.createSsl(readFileSync(join(ctl.dataDir, 'ca.pem')));
  admin = readFileSync(join(ctl.dataDir, 'admin.token'), 'utf8').trim();
  const c = client();
  for (const name of ['acme', 'globex']) await unary((cb) => c.auth.CreateTenant({ name }, md(admin), cb));
  tok.admin = admin;
  tok.operator = (await mkToken('operator', '')).secret;
  tok['tenant-admin'] = (await mkToken('tenant-admin', 'acme')).secret;
  tok.viewer = (await mkToken('viewer', 'acme')).secret;
  tok.globex = (await mkToken('tenant-admin', 'globex')).secret;
});
t.teardown(() => ctl.kill());

t.test('every RPC in the protos has an authorization rule, and each role gets exactly its permissions', async (t) => {
  const def = protoLoaderDefinition();
  const generic = new grpc.Client(ctl.address, creds);
  t.teardown(() => generic.close());
  let checked = 0;
  for (const [svcName, svc] of Object.entries(def)) {
    if (!svcName.startsWith('nephele.v1.') || !('format' in svc) === false) continue;
    for (const [method, m] of Object.entries(svc as grpc.ServiceDefinition)) {
      const rpc = `${svcName.slice('nephele.v1.'.length)}.${method}`;
      const rule = RULES[rpc];
      t.ok(rule, `${rpc} has a rule`);
      if (!rule || rule.need === 'public' || rule.need === 'agent') continue;
      for (const role of ['admin', 'operator', 'tenant-admin', 'viewer'] as Role[]) {
        const p: Principal = {
          kind: 'token',
          id: 'x',
          role,
          tenant: role === 'admin' || role === 'operator' ? '' : 'acme',
        };
        const allowed = can(p, rule.need);
        const body = m.requestSerialize({});
        const r = await new Promise<{ code: number }>((resolve) => {
          if (m.responseStream) {
            const s = generic.makeServerStreamRequest(
              m.path,
              (b: Buffer) => b,
              (b: Buffer) => b,
              body,
              md(tok[role]!),
            );
            let done = false;
            const fin = (code: number) => {
              if (!done) {
                done = true;
                s.cancel();
                resolve({ code });
              }
            };
            s.on('data', () => fin(0));
            s.on('error', (e: grpc.ServiceError) => fin(e.code));
            setTimeout(() => fin(0), 300); // a stream that stays open was allowed
          } else {
            generic.makeUnaryRequest(
              m.path,
              (b: Buffer) => b,
              (b: Buffer) => b,
              body,
              md(tok[role]!),
              (err) => resolve({ code: err?.code ?? 0 }),
            );
          }
        });
        t.equal(
          r.code === grpc.status.PERMISSION_DENIED,
          !allowed,
          `${role} ${allowed ? 'may' : 'may not'} call ${rpc}`,
        );
        checked++;
      }
    }
  }
  t.ok(checked >= 60, `${checked} role × RPC checks`);
  t.same(
    Object.keys(RULES).filter((k) => !Object.keys(def).some((s) => s === `nephele.v1.${k.split('.')[0]}`)),
    [],
    'no rule for an RPC that does not exist',
  );
});

t.test('tenants cannot see or touch each other', async (t) => {
  const c = client();
  const acmeTok = await mkToken('viewer', 'acme', tok['tenant-admin']);
  const list = async (token: string) =>
    (
      await unary<{ tokens: { id: string; tenant: string }[] }>((cb) =>
        c.auth.ListTokens({ pageSize: 1000 }, md(token), cb as never),
      )
    ).tokens;
  const acmeView = await list(tok['tenant-admin']!);
  t.ok(
    acmeView.some((x) => x.id === acmeTok.id),
    'acme sees its token',
  );
  t.ok(
    acmeView.every((x) => x.tenant === 'acme'),
    'and only acme tokens',
  );
  const globexView = await list(tok.globex!);
  t.notOk(
    globexView.some((x) => x.tenant !== 'globex'),
    'globex sees none of acme',
  );
  const foreign = await status(unary((cb) => c.auth.RevokeToken({ tokenId: acmeTok.id }, md(tok.globex), cb)));
  const missing = await status(
    unary((cb) => c.auth.RevokeToken({ tokenId: '01M80JYKTWP1XVJK659V3Z4PP3' }, md(tok.globex), cb)),
  );
  t.equal(foreign.code, grpc.status.NOT_FOUND, "another tenant's token is NOT_FOUND");
  // All of it but the Date header (the two calls may straddle a second).
  const answer = (e: { code: number; details: string; metadata?: grpc.Metadata }) => ({
    code: e.code,
    details: e.details,
    metadata: Object.fromEntries(Object.entries(e.metadata?.getMap() ?? {}).filter(([k]) => k !== 'date')),
  });
  t.same(answer(foreign), answer(missing), 'the same answer as for a token that does not exist');
  t.equal(
    (await status(unary((cb) => c.auth.ListTenants({}, md(acmeTok.secret), cb)))).code,
    0,
    'the acme token survived the foreign revoke attempt',
  );
  const tenants = await unary<{ tenants: { name: string }[] }>((cb) =>
    c.auth.ListTenants({}, md(tok.globex), cb as never),
  );
  t.same(
    tenants.tenants.map((x) => x.name),
    ['globex'],
    'a tenant lists only itself',
  );
  const gEvents = await events(tok.globex!);
  t.ok(gEvents.length > 0 && gEvents.every((e) => e.tenant === 'globex'), 'globex events only');
  t.ok(
    (await events(tok.globex!, { tenant: 'acme' })).every((e) => e.tenant === 'globex'),
    'asking for acme events still yields only globex',
  );
  t.ok(
    (await events(tok['tenant-admin']!)).some((e) => e.type === 'token.created' && e.tenant === 'acme'),
    'acme sees its own events',
  );
  const up = await status(
    unary((cb) =>
      c.auth.CreateToken({ kind: 'TOKEN_KIND_API', role: 'admin', tenant: '' }, md(tok['tenant-admin']), cb),
    ),
  );
  t.equal(up.code, grpc.status.PERMISSION_DENIED, 'a tenant-admin cannot mint an admin');
  const side = await status(
    unary((cb) =>
      c.auth.CreateToken({ kind: 'TOKEN_KIND_API', role: 'viewer', tenant: 'globex' }, md(tok['tenant-admin']), cb),
    ),
  );
  t.equal(side.code, grpc.status.PERMISSION_DENIED, 'nor a token in another tenant');
  const opAdmin = await status(
    unary((cb) => c.auth.CreateToken({ kind: 'TOKEN_KIND_API', role: 'admin' }, md(tok.operator), cb)),
  );
  t.equal(opAdmin.code, grpc.status.PERMISSION_DENIED, 'an operator cannot mint an admin');
  const join = await status(
    unary((cb) => c.auth.CreateToken({ kind: 'TOKEN_KIND_JOIN' }, md(tok['tenant-admin']), cb)),
  );
  t.equal(join.code, grpc.status.PERMISSION_DENIED, 'tenants do not enrol hosts');

  // A live watch by globex never sees acme's events.
  const got: Event[] = [];
  const s = c.events.WatchEvents({ sinceSeq: 0 }, md(tok.globex));
  s.on('data', (e: Event) => got.push(e));
  s.on('error', () => {});
  await mkToken('viewer', 'acme', tok['tenant-admin']);
  await mkToken('viewer', 'globex', tok.globex);
  await waitFor(
    () => got.some((e) => e.type === 'token.created' && e.tenant === 'globex' && e.seq > gEvents.at(-1)!.seq),
    { message: 'globex live event' },
  );
  s.cancel();
  t.ok(
    got.every((e) => e.tenant === 'globex'),
    'watch delivers only the tenant’s events',
  );
});

t.test('audit records for allowed and refused calls', async (t) => {
  const c = client();
  await unary((cb) => c.hosts.CreateGroup({ name: 'audited' }, md(admin), cb));
  // A fresh viewer: the role test above spent tok.viewer's one-by-one refusal audits for this window.
  const viewer = await mkToken('viewer', 'acme');
  const denied = await status(unary((cb) => c.hosts.CreateGroup({ name: 'nope' }, md(viewer.secret), cb)));
  t.equal(denied.code, grpc.status.PERMISSION_DENIED);
  const anon = await status(unary((cb) => c.hosts.ListHosts({}, md(), cb)));
  t.equal(anon.code, grpc.status.UNAUTHENTICATED);
  const audit = await waitFor(
    async () => {
      const a = await events(admin, { auditOnly: true });
      return a.some((e) => e.attributes.outcome === 'UNAUTHENTICATED') ? a : undefined;
    },
    { message: 'audit events' },
  );
  t.ok(
    audit.every((e) => e.audit && e.type === 'audit.call'),
    'audit-only filter',
  );
  const ok = audit.find(
    (e) => e.attributes.rpc === 'HostService.CreateGroup' && e.attributes.target_name === 'audited',
  );
  t.ok(ok, 'allowed mutation audited');
  t.equal(ok?.attributes.outcome, 'OK');
  t.equal(ok?.attributes.token_id, admin.split('.')[0], 'who: token id');
  t.equal(ok?.attributes.role, 'admin', 'who: role');
  t.match(ok?.attributes.peer ?? '', /127\.0\.0\.1/, 'from where');
  const refused = audit.find(
    (e) =>
      e.attributes.rpc === 'HostService.CreateGroup' &&
      e.attributes.outcome === 'PERMISSION_DENIED' &&
      e.attributes.target_name === 'nope',
  );
  t.ok(refused, 'refused call audited');
  t.equal(refused?.attributes.tenant, 'acme', 'with the caller tenant');
  t.equal(refused?.attributes.token_id, viewer.id, 'and who was refused');
  t.ok(
    audit.find((e) => e.attributes.rpc === 'HostService.ListHosts' && e.attributes.outcome === 'UNAUTHENTICATED'),
    'unauthenticated call audited',
  );
  const tail = await cli([
    '--controller',
    ctl.address,
    '--data-dir',
    ctl.dataDir,
    'events',
    'tail',
    '--audit',
    '--since',
    '0',
  ]);
  t.equal(tail.code, 0);
  t.match(tail.stdout, /audit\.call\s+HostService\.CreateGroup succeeded/, 'events tail --audit');
  t.notMatch(tail.stdout, /group\.created/, 'only audit events');
});

t.test('certificates: renewed before expiry, expired ones refused, revoked hosts shut out', async (t) => {
  const renewDir = tmpDir();
  const staleDir = tmpDir();
  const renewing = startAgent(ctl.address, renewDir, { joinToken: await joinToken(ctl), name: 'renewing' });
  const stale = startAgent(ctl.address, staleDir, {
    joinToken: await joinToken(ctl),
    name: 'stale',
    args: ['--no-renew'],
  });
  t.teardown(async () => {
    await renewing.kill();
    await stale.kill();
  });
  await waitFor(async () => (await listHosts(ctl)).filter((h) => h.state === 'HOST_STATE_READY').length === 2, {
    timeoutMs: 30_000,
    message: 'both ready',
  }).catch((e) => {
    t.comment(renewing.output().slice(-3000), stale.output().slice(-3000));
    throw e;
  });
  const firstSerial = certInfo(readFileSync(join(renewDir, 'cert.pem'), 'utf8')).serial;
  const staleCert = certInfo(readFileSync(join(staleDir, 'cert.pem'), 'utf8'));
  await waitFor(() => certInfo(readFileSync(join(renewDir, 'cert.pem'), 'utf8')).serial !== firstSerial, {
    timeoutMs: 20_000,
    message: 'certificate rotated',
  });
  await waitFor(() => Date.now() > staleCert.notAfter + 500, {
    timeoutMs: 20_000,
    message: 'stale certificate expired',
  });

  // Reconnect both: the rotated certificate is accepted, the expired one refused.
  await renewing.kill();
  await stale.kill();
  const renewing2 = startAgent(ctl.address, renewDir);
  const stale2 = startAgent(ctl.address, staleDir, { args: ['--no-renew'] });
  t.teardown(async () => {
    await renewing2.kill();
    await stale2.kill();
  });
  const rid = hostIdOf(renewDir);
  const sid = hostIdOf(staleDir);
  await waitFor(async () => (await listHosts(ctl)).find((h) => h.id === rid)?.peer, {
    timeoutMs: 45_000,
    message: 'rotated certificate accepted',
  }).catch((e) => {
    t.comment(renewing2.output().slice(-4000));
    throw e;
  });
  t.pass('an agent with a rotated certificate reconnects');
  await waitFor(() => /"code":"UNAUTHENTICATED"/.test(stale2.output()), {
    timeoutMs: 45_000,
    message: 'expired certificate refused',
  });
  t.notOk((await listHosts(ctl)).find((h) => h.id === sid)?.peer, 'the expired one has no session');

  // Revoke the good host: its session closes now and it cannot come back.
  const c = client();
  await unary((cb) => c.hosts.RevokeHost({ hostId: rid, reason: 'stolen laptop' }, md(admin), cb));
  await waitFor(async () => !(await listHosts(ctl)).find((h) => h.id === rid)?.peer, { message: 'session closed' });
  await waitFor(() => /host credentials have been revoked/.test(renewing2.output()), {
    timeoutMs: 20_000,
    message: 'reconnect refused',
  });
  const h = (await listHosts(ctl)).find((x) => x.id === rid)!;
  t.ok(h.revoked, 'host marked revoked');
  t.equal(h.revokedReason, 'stolen laptop');
  t.ok(h.cordoned, 'and cordoned');
});

t.test('rate limits answer RESOURCE_EXHAUSTED', async (t) => {
  const small = await startController(tmpDir(), { args: ['--rate-limit', '5'] });
  t.teardown(() => small.kill());
  const c = new (v1().HostService)(
    small.address,
    grpc.credentials.createSsl(readFileSync(join(small.dataDir, 'ca.pem'))),
  );
  const token = readFileSync(join(small.dataDir, 'admin.token'), 'utf8').trim();
  const codes = await Promise.all(
    Array.from({ length: 30 }, () => status(unary((cb) => c.ListGroups({}, md(token), cb)))),
  );
  c.close();
  const limited = codes.filter((x) => x.code === grpc.status.RESOURCE_EXHAUSTED);
  t.ok(codes.filter((x) => x.code === 0).length >= 10, 'the burst goes through');
  t.ok(limited.length >= 10, `the rest is limited (${limited.length} of 30)`);
  t.match(limited[0]?.details ?? '', /rate limit/);
});
