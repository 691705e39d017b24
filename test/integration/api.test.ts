import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { tmpDir } from '../helpers/tmp.js';
import { statusOf as code } from '../helpers/status.js';
import { waitFor } from '../helpers/wait.js';
import { startController, startAgent, listHosts, cli, type ControllerProc } from '../helpers/procs.js';
import { v1 } from '../../common/grpc/load.js';
import { unary } from '../../common/grpc/promisify.js';
import { createCa, createCsr, issueWithKey } from '../../common/tls/pki.js';
import type { Event__Output as Event } from '../../common/gen/nephele/v1/Event.js';

// The admin API against a real controller process: authentication, input
// validation, idempotency, reflection, health and the event stream.

const require = createRequire(import.meta.url);
let ctl: ControllerProc;
let creds: grpc.ChannelCredentials;
let token: string;

t.before(async () => {
  ctl = await startController(tmpDir());
  creds = grpc.credentials.createSsl(readFileSync(join(ctl.dataDir, 'ca.pem')));
  token = readFileSync(join(ctl.dataDir, 'admin.token'), 'utf8').trim();
});
t.teardown(() => ctl.kill());

const md = (tok?: string) => {
  const m = new grpc.Metadata();
  if (tok !== undefined) m.set('authorization', `Bearer ${tok}`);
  return m;
};

function clients() {
  const p = v1();
  return {
    hosts: new p.HostService(ctl.address, creds),
    auth: new p.AuthService(ctl.address, creds),
    events: new p.EventService(ctl.address, creds),
    agent: new p.AgentService(ctl.address, creds),
  };
}

t.test('admin calls need a valid API token', async (t) => {
  const c = clients();
  t.equal((await code(unary((cb) => c.hosts.ListHosts({}, md(), cb)))).code, grpc.status.UNAUTHENTICATED, 'no token');
  t.equal(
    (await code(unary((cb) => c.hosts.ListHosts({}, md('garbage'), cb)))).code,
    grpc.status.UNAUTHENTICATED,
    'malformed token',
  );
  const [id] = token.split('.');
  t.equal(
    (await code(unary((cb) => c.hosts.ListHosts({}, md(`${id}.wrongsecret`), cb)))).code,
    grpc.status.UNAUTHENTICATED,
    'wrong secret',
  );
  const made = await unary<{ token: { id: string }; secret: string }>((cb) =>
    c.auth.CreateToken({ kind: 'TOKEN_KIND_API', description: 'ci', role: 'operator' }, md(token), cb as never),
  );
  t.equal((await code(unary((cb) => c.hosts.ListHosts({}, md(made.secret), cb)))).code, 0, 'new API token works');
  await unary((cb) => c.auth.RevokeToken({ tokenId: made.token.id }, md(token), cb));
  t.equal(
    (await code(unary((cb) => c.hosts.ListHosts({}, md(made.secret), cb)))).code,
    grpc.status.UNAUTHENTICATED,
    'revoked token refused on its next call',
  );
  const join = await unary<{ secret: string }>((cb) =>
    c.auth.CreateToken({ kind: 'TOKEN_KIND_JOIN' }, md(token), cb as never),
  );
  t.equal(
    (await code(unary((cb) => c.hosts.ListHosts({}, md(join.secret), cb)))).code,
    grpc.status.UNAUTHENTICATED,
    'a join token is not an API token',
  );
});

t.test('malformed requests get INVALID_ARGUMENT naming the field', async (t) => {
  const c = clients();
  const m = md(token);
  const cases: [string, () => Promise<unknown>, string][] = [
    ['GetHost empty id', () => unary((cb) => c.hosts.GetHost({ hostId: '' }, m, cb)), 'host_id'],
    ['GetHost bad id', () => unary((cb) => c.hosts.GetHost({ hostId: '../../etc' }, m, cb)), 'host_id'],
    ['CordonHost empty id', () => unary((cb) => c.hosts.CordonHost({ hostId: '' }, m, cb)), 'host_id'],
    [
      'CordonHost oversize reason',
      () =>
        unary((cb) => c.hosts.CordonHost({ hostId: '01M80JYKTWP1XVJK659V3Z4PP3', reason: 'x'.repeat(5000) }, m, cb)),
      'reason',
    ],
    ['CreateGroup empty name', () => unary((cb) => c.hosts.CreateGroup({ name: '' }, m, cb)), 'name'],
    ['CreateGroup bad name', () => unary((cb) => c.hosts.CreateGroup({ name: 'Web Servers' }, m, cb)), 'name'],
    ['CreateGroup oversize name', () => unary((cb) => c.hosts.CreateGroup({ name: 'a'.repeat(300) }, m, cb)), 'name'],
    [
      'CreateGroup oversize description',
      () => unary((cb) => c.hosts.CreateGroup({ name: 'ok', description: 'd'.repeat(5000) }, m, cb)),
      'description',
    ],
    [
      'CreateGroup bad request_id',
      () => unary((cb) => c.hosts.CreateGroup({ name: 'ok2', requestId: 'has spaces' }, m, cb)),
      'request_id',
    ],
    ['ListHosts unknown group', () => unary((cb) => c.hosts.ListHosts({ group: 'nosuchgroup' }, m, cb)), 'group'],
    ['ListHosts page_size too big', () => unary((cb) => c.hosts.ListHosts({ pageSize: 100000 }, m, cb)), 'page_size'],
    [
      'ListHosts forged page_token',
      () => unary((cb) => c.hosts.ListHosts({ pageToken: '%%%not-base64' }, m, cb)),
      'page_token',
    ],
    [
      'SetHostGroups bad group name',
      () => unary((cb) => c.hosts.SetHostGroups({ hostId: '01M80JYKTWP1XVJK659V3Z4PP3', groups: ['BAD!'] }, m, cb)),
      'groups[0]',
    ],
    ['CreateToken no kind', () => unary((cb) => c.auth.CreateToken({}, m, cb)), 'kind'],
    [
      'CreateToken ttl too long',
      () => unary((cb) => c.auth.CreateToken({ kind: 'TOKEN_KIND_API', ttlSeconds: 4e9 }, m, cb)),
      'ttl_seconds',
    ],
    [
      'CreateToken host_kind on API token',
      () => unary((cb) => c.auth.CreateToken({ kind: 'TOKEN_KIND_API', hostKind: 'HOST_KIND_ADHOC' }, m, cb)),
      'host_kind',
    ],
    ['RevokeToken empty id', () => unary((cb) => c.auth.RevokeToken({ tokenId: '' }, m, cb)), 'token_id'],
    ['Enroll empty join token', () => unary((cb) => c.agent.Enroll({ joinToken: '', csrPem: 'x' }, cb)), 'join_token'],
    [
      'ListEvents oversize type filter',
      () => unary((cb) => c.events.ListEvents({ filter: { typePrefix: 'x'.repeat(500) } }, m, cb)),
      'filter.type_prefix',
    ],
  ];
  for (const [name, fn, field] of cases) {
    const r = await code(fn());
    t.equal(r.code, grpc.status.INVALID_ARGUMENT, `${name}: INVALID_ARGUMENT`);
    t.ok(r.details?.startsWith(`${field}:`), `${name}: names ${field} (${r.details})`);
  }
  t.equal(
    (await code(unary((cb) => c.hosts.GetHost({ hostId: '01M80JYKTWP1XVJK659V3Z4PP3' }, m, cb)))).code,
    grpc.status.NOT_FOUND,
    'unknown host: NOT_FOUND',
  );
  // Unknown group in SetHostGroups: needs a real host.
  const dir = tmpDir();
  const tokenJoin = await unary<{ secret: string }>((cb) =>
    c.auth.CreateToken({ kind: 'TOKEN_KIND_JOIN' }, m, cb as never),
  );
  const agent = startAgent(ctl.address, dir, { joinToken: tokenJoin.secret });
  t.teardown(() => agent.kill());
  const host = await waitFor(async () => (await listHosts(ctl))[0], { timeoutMs: 30_000, message: 'agent enrolled' });
  const r = await code(unary((cb) => c.hosts.SetHostGroups({ hostId: host.id, groups: ['nosuch'] }, m, cb)));
  t.equal(r.code, grpc.status.INVALID_ARGUMENT);
  t.match(r.details, /^groups\[0\]: unknown group/);
});

t.test('an error quoting a huge or non-ASCII value is answered promptly, bounded', async (t) => {
  // A 400 KB feature name once came back quoted whole in grpc-message: no client accepts a
  // trailer that big, and the call hung to its deadline while its connection stalled.
  const p = v1();
  const reclass = new p.ReclassService(ctl.address, creds);
  const hosts = new p.HostService(ctl.address, creds);
  t.teardown(() => (reclass.close(), hosts.close()));
  const deadline = () => ({ deadline: Date.now() + 15_000 });
  const r = await code(
    unary((cb) => reclass.OfferTargets({ features: ['A'.repeat(400_000)] }, md(token), deadline(), cb)),
  );
  t.equal(r.code, grpc.status.INVALID_ARGUMENT, `answered INVALID_ARGUMENT, not hung (${r.code})`);
  t.ok(r.details.startsWith('features'), 'names the field');
  t.ok(r.details.length <= 512, `details bounded (${r.details.length} characters)`);
  const ok = await code(unary((cb) => hosts.ListHosts({}, md(token), deadline(), cb)));
  t.equal(ok.code, 0, 'the same connection still serves the next call');
  const wide = await code(unary((cb) => hosts.CreateGroup({ name: 'ключ'.repeat(5_000) }, md(token), deadline(), cb)));
  t.equal(wide.code, grpc.status.INVALID_ARGUMENT, 'non-ASCII quoted value: INVALID_ARGUMENT');
  t.ok(wide.details.length <= 512, 'bounded too');
});

t.test('enrolment: bad tokens refused, a failed enrolment does not burn the token', async (t) => {
  const c = clients();
  const { csrPem } = await createCsr('x');
  const bad = await code(unary((cb) => c.agent.Enroll({ joinToken: '01M80JYKTWP1XVJK659V3Z4PP3.secret', csrPem }, cb)));
  t.equal(bad.code, grpc.status.UNAUTHENTICATED, 'unknown join token');
  const jt = await unary<{ secret: string }>((cb) =>
    c.auth.CreateToken({ kind: 'TOKEN_KIND_JOIN' }, md(token), cb as never),
  );
  const garbage = await code(
    unary((cb) =>
      c.agent.Enroll(
        {
          joinToken: jt.secret,
          csrPem: '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----',
        },
        cb,
      ),
    ),
  );
  t.equal(garbage.code, grpc.status.INVALID_ARGUMENT, 'garbage CSR');
  t.match(garbage.details, /^csr_pem:/);
  const ok = await unary<{ hostId: string; certificatePem: string }>((cb) =>
    c.agent.Enroll({ joinToken: jt.secret, csrPem, hostname: 'h1' }, cb as never),
  );
  t.match(ok.hostId, /^[0-9A-Z]{26}$/, 'token still good after the failed attempt');
  t.match(ok.certificatePem, /BEGIN CERTIFICATE/);
  const again = await code(unary((cb) => c.agent.Enroll({ joinToken: jt.secret, csrPem }, cb)));
  t.equal(again.code, grpc.status.UNAUTHENTICATED, 'second use refused');
  t.match(again.details, /already used/);
  const short = await unary<{ secret: string }>((cb) =>
    c.auth.CreateToken({ kind: 'TOKEN_KIND_JOIN', ttlSeconds: 1 }, md(token), cb as never),
  );
  await new Promise((r) => setTimeout(r, 1100));
  const expired = await code(unary((cb) => c.agent.Enroll({ joinToken: short.secret, csrPem }, cb)));
  t.equal(expired.code, grpc.status.UNAUTHENTICATED, 'expired join token refused');
});

t.test('sessions need a client certificate from this controller', async (t) => {
  const session = async (cc: grpc.ChannelCredentials) => {
    const client = new (v1().AgentService)(ctl.address, cc);
    const call = client.Session();
    const r = await new Promise<{ code: number; details: string }>((resolve) => {
      call.on('data', () => resolve({ code: 0, details: 'got data' }));
      call.on('error', (e: grpc.ServiceError) => resolve(e));
      call.write({ hello: { agentVersion: 't' } });
    });
    client.close();
    return r;
  };
  const none = await session(creds);
  t.equal(none.code, grpc.status.UNAUTHENTICATED, 'no client certificate');
  const rogueCa = await createCa('rogue');
  const rogue = await issueWithKey(rogueCa, {
    commonName: '01M80JYKTWP1XVJK659V3Z4PP3',
    validMs: 3_600_000,
    usage: 'client',
  });
  const forged = await session(
    grpc.credentials.createSsl(
      readFileSync(join(ctl.dataDir, 'ca.pem')),
      Buffer.from(rogue.keyPem),
      Buffer.from(rogue.certPem),
    ),
  );
  t.equal(forged.code, grpc.status.UNAUTHENTICATED, 'certificate from another CA');
});

t.test('request_id makes mutations idempotent', async (t) => {
  const c = clients();
  const m = md(token);
  const g1 = await unary<{ group: { name: string } }>((cb) =>
    c.hosts.CreateGroup({ name: 'idem', requestId: 'req-1' }, m, cb as never),
  );
  const g2 = await unary<{ group: { name: string } }>((cb) =>
    c.hosts.CreateGroup({ name: 'idem', requestId: 'req-1' }, m, cb as never),
  );
  t.equal(g2.group.name, g1.group.name, 'replay answers like the first call');
  t.equal(
    (await code(unary((cb) => c.hosts.CreateGroup({ name: 'idem' }, m, cb)))).code,
    grpc.status.ALREADY_EXISTS,
    'without request_id it is a duplicate',
  );
  const t1 = await unary<{ token: { id: string }; secret: string }>((cb) =>
    c.auth.CreateToken({ kind: 'TOKEN_KIND_API', requestId: 'tok-1' }, m, cb as never),
  );
  const t2 = await unary<{ token: { id: string }; secret: string }>((cb) =>
    c.auth.CreateToken({ kind: 'TOKEN_KIND_API', requestId: 'tok-1' }, m, cb as never),
  );
  t.equal(t2.token.id, t1.token.id, 'same token');
  t.equal(t2.secret, t1.secret, 'same secret on replay');
  const list = await unary<{ tokens: { id: string }[] }>((cb) => c.auth.ListTokens({ pageSize: 1000 }, m, cb as never));
  t.equal(list.tokens.filter((x) => x.id === t1.token.id).length, 1, 'only one token made');
});

t.test('reflection lists the services; health is SERVING', async (t) => {
  const reflDir = join(require.resolve('@grpc/reflection'), '../../proto');
  const def = protoLoader.loadSync('grpc/reflection/v1/reflection.proto', { includeDirs: [reflDir] });
  const pkg = grpc.loadPackageDefinition(def) as never as {
    grpc: { reflection: { v1: { ServerReflection: grpc.ServiceClientConstructor } } };
  };
  const client = new pkg.grpc.reflection.v1.ServerReflection(ctl.address, creds) as unknown as grpc.Client & {
    ServerReflectionInfo(): grpc.ClientDuplexStream<
      unknown,
      { listServicesResponse?: { service: { name: string }[] } }
    >;
  };
  const call = client.ServerReflectionInfo();
  const names = await new Promise<string[]>((resolve, reject) => {
    call.on('data', (r) => resolve((r.listServicesResponse?.service ?? []).map((s: { name: string }) => s.name)));
    call.on('error', reject);
    call.write({ listServices: '' });
  });
  call.end();
  client.close();
  for (const s of [
    'nephele.v1.AgentService',
    'nephele.v1.HostService',
    'nephele.v1.AuthService',
    'nephele.v1.EventService',
    'grpc.health.v1.Health',
  ])
    t.ok(names.includes(s), `lists ${s}`);

  const hdef = protoLoader.loadSync(
    join(require.resolve('grpc-health-check'), '../../../proto/health/v1/health.proto'),
    { enums: String },
  );
  const hpkg = grpc.loadPackageDefinition(hdef) as never as {
    grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
  };
  const health = new hpkg.grpc.health.v1.Health(ctl.address, creds) as unknown as grpc.Client & {
    Check: (r: unknown, cb: grpc.requestCallback<{ status: string }>) => void;
  };
  const st = await unary<{ status: string }>((cb) => health.Check({ service: '' }, cb));
  t.equal(st.status, 'SERVING');
  health.close();
});

t.test(
  'health: undecodable bytes on Check and Watch are INVALID_ARGUMENT, as on every nephele.v1 method',
  async (t) => {
    const generic = new grpc.Client(ctl.address, creds);
    t.teardown(() => generic.close());
    const raw = (b: Buffer) => b;
    const garbage = Buffer.from([0xff, 0xff]); // a varint tag that never ends
    const check = await new Promise<grpc.ServiceError | null>((resolve) =>
      generic.makeUnaryRequest('/grpc.health.v1.Health/Check', raw, raw, garbage, new grpc.Metadata(), (err) =>
        resolve(err),
      ),
    );
    t.equal(check?.code, grpc.status.INVALID_ARGUMENT, `Check: INVALID_ARGUMENT (${check?.details})`);
    t.match(check?.details, /^request: cannot be decoded/);
    const watch = await new Promise<{ code: number; details: string }>((resolve) => {
      const s = generic.makeServerStreamRequest('/grpc.health.v1.Health/Watch', raw, raw, garbage, new grpc.Metadata());
      s.on('data', () => resolve({ code: 0, details: 'got a status' }));
      s.on('error', (e: grpc.ServiceError) => resolve(e));
    });
    t.equal(watch.code, grpc.status.INVALID_ARGUMENT, `Watch: INVALID_ARGUMENT (${watch.details})`);
    t.match(watch.details, /^request: cannot be decoded/);
  },
);

t.test('events: list pages through everything; watch replays then follows', async (t) => {
  const c = clients();
  const m = md(token);
  const seen: number[] = [];
  let pageToken = '';
  do {
    const r = await unary<{ events: Event[]; nextPageToken: string; lastSeq: number }>((cb) =>
      c.events.ListEvents({ pageSize: 2, pageToken }, m, cb as never),
    );
    seen.push(...r.events.map((e) => e.seq));
    pageToken = r.nextPageToken;
  } while (pageToken);
  t.ok(seen.length > 5, 'several events so far');
  t.same(
    seen,
    seen.map((_, i) => i + 1),
    'dense sequence from 1 with pages of 2',
  );

  const got: Event[] = [];
  const stream = c.events.WatchEvents({ sinceSeq: 2 }, m);
  stream.on('data', (e: Event) => got.push(e));
  stream.on('error', () => {});
  await waitFor(() => got.length >= seen.length - 2, { message: 'replay' });
  await unary((cb) => c.hosts.CreateGroup({ name: 'watched' }, m, cb));
  const live = await waitFor(() => got.find((e) => e.type === 'group.created' && e.attributes.group === 'watched'), {
    message: 'live event',
  });
  stream.cancel();
  t.equal(got[0]!.seq, 3, 'replay starts after since_seq');
  t.same(
    got.map((e) => e.seq),
    got.map((_, i) => i + 3),
    'no gap, no duplicate between replay and live',
  );
  t.equal(live.actor, token.split('.')[0], 'actor is the calling token');
});

t.test('CLI: tables, --json, one-line errors', async (t) => {
  const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir];
  const mk = await cli([...base, 'group', 'create', 'hpc', '--description', 'batch']);
  t.equal(mk.code, 0, mk.stderr);
  const ls = await cli([...base, '--json', 'group', 'ls']);
  t.equal(ls.code, 0);
  const groups = JSON.parse(ls.stdout) as { name: string; description: string }[];
  t.ok(
    groups.find((g) => g.name === 'hpc' && g.description === 'batch'),
    'group listed as JSON',
  );
  const table = await cli([...base, 'host', 'ls']);
  t.equal(table.code, 0);
  t.match(
    table.stdout,
    /ID\s+NAME\s+KIND\s+STATE\s+CPU FREE\/TOTAL\s+MEM FREE\/TOTAL\s+SCHEMES\s+GROUPS\s+LAST SEEN/,
    'host table header',
  );
  const tok = await cli([...base, 'token', 'create', '--join', '--ttl', '10m']);
  t.equal(tok.code, 0);
  t.match(
    tok.stdout.split('\n')[0]!,
    /^nj1\.[A-Za-z0-9_-]{43}\.[0-9A-Z]{26}\.[A-Za-z0-9_-]+$/,
    'join token carries the CA pin',
  );
  const bad = await cli([...base, 'host', 'show', 'nope']);
  t.equal(bad.code, 1, 'non-zero exit');
  t.equal(bad.stderr.trim().split('\n').length, 1, 'one line');
  t.match(bad.stderr, /^nephele: INVALID_ARGUMENT: host_id: /);
  const noauth = await cli(['--controller', ctl.address, '--data-dir', ctl.dataDir, '--token', 'bogus', 'host', 'ls']);
  t.match(noauth.stderr, /^nephele: UNAUTHENTICATED/);
  const down = await cli(['--controller', '127.0.0.1:1', '--data-dir', ctl.dataDir, 'host', 'ls']);
  t.match(down.stderr, /^nephele: nothing is listening at 127\.0\.0\.1:1 /);
  const events = await cli([...base, 'events', 'tail', '--since', '0', '--type', 'group.']);
  t.match(events.stdout, /group\.created\s+virtual group created/);
});
