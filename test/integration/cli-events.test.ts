// `nephele events tail` (issue 11, item 4), through the real CLI against a real
// controller: per-object history (--vm, --set, --host) within a tenant and never
// across tenants, -n N prints N *matching* events, and -f outlives the
// controller going away: it reconnects, resumes after the last seq it printed
// and says so on stderr; it gives up (exit 1) only past --reconnect-timeout or
// on an answer retrying cannot change.
import t from 'tap';
import { spawn } from 'node:child_process';
import type { Event__Output as Event } from '../../common/gen/nephele/v1/Event.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { CLI, cli, joinToken, listHosts, startController, type ControllerProc } from '../helpers/procs.js';
import { track } from '../helpers/reap.js';
import { fakeAgent } from '../helpers/fake-agent.js';
import { AdminClient } from '../../controller/cli/client.js';

const base = (ctl: ControllerProc) => ['--controller', ctl.address, '--data-dir', ctl.dataDir];
const lines = (s: string) => s.split('\n').filter(Boolean);
const jsonEvents = (s: string) => lines(s).map((l) => JSON.parse(l) as Event);
/** The object ids an event is about (its own, or the target of an audited call). */
const about = (e: Event, attr: string) => [e.attributes[attr], e.attributes[`target_${attr}`]];

/** An API token of `role` in `tenant`: its secret and id. */
async function apiToken(a: AdminClient, role: string, tenant = ''): Promise<{ secret: string; id: string }> {
  const r = await a.call<{ secret: string; token: { id: string } }>((md, o, cb) =>
    a.auth.CreateToken({ kind: 'TOKEN_KIND_API', role, tenant }, md, o, cb as never),
  );
  return { secret: r.secret, id: r.token.id };
}

t.test('per-object history: --vm, --set, --host within the caller tenant, never another', async (t) => {
  const ctl = await startController(tmpDir());
  const agent = await fakeAgent(ctl, { joinToken: await joinToken(ctl), name: 'h1' });
  t.teardown(async () => {
    agent.close();
    await ctl.kill();
  });
  await waitFor(async () => (await listHosts(ctl)).some((h) => h.state === 'HOST_STATE_READY'), {
    message: 'host ready',
  });
  // Setup through the API as each tenant (a CLI start costs over a second on a loaded machine).
  const a = ctl.admin();
  t.teardown(() => a.close());
  for (const name of ['acme', 'other']) await a.call((md, o, cb) => a.auth.CreateTenant({ name }, md, o, cb as never));
  const acme = await apiToken(a, 'tenant-admin', 'acme');
  const other = await apiToken(a, 'tenant-admin', 'other');
  const client = (tok: string) => {
    const c = new AdminClient({ controller: ctl.address, dataDir: ctl.dataDir, token: tok });
    t.teardown(() => c.close());
    return c;
  };
  const [ca, co] = [client(acme.secret), client(other.secret)];
  const spec = { scheme: 'process', vcpus: 1, memoryMib: 128, diskGib: 1, image: 'nephele-guest' };
  const vmOf = async (c: AdminClient) =>
    (await c.call<{ vm: { id: string } }>((md, o, cb) => c.vms.CreateVm({ spec }, md, o, cb as never))).vm.id;
  const vmA = await vmOf(ca);
  const vmB = await vmOf(ca);
  const vmO = await vmOf(co);
  const made = await ca.call<{ set: { id: string } }>((md, o, cb) =>
    ca.vms.CreateVmSet({ set: { name: 'web', count: 1, spec } }, md, o, cb as never),
  );
  const setA = made.set.id;
  await ca.call((md, o, cb) => ca.vms.StopVm({ vmId: vmA }, md, o, cb as never));
  const as = (tok: string, ...args: string[]) => cli([...base(ctl), '--token', tok, ...args]);

  const history = async (tok: string, ...filter: string[]) => {
    const r = await as(tok, '--json', 'events', 'tail', '-n', '1000', ...filter);
    t.equal(r.code, 0, r.stderr);
    t.equal(r.stderr, '', 'nothing on stderr');
    return jsonEvents(r.stdout);
  };
  // The VM's history: created, running (reported by its host), the audited stop call.
  const hv = await waitFor(
    async () => {
      const h = await history(acme.secret, '--vm', vmA);
      return h.some((e) => e.type === 'vm.state_changed') ? h : undefined;
    },
    { message: 'the VM ran' },
  );
  t.ok(
    hv.every((e) => about(e, 'vm_id').includes(vmA)),
    'every event of --vm names that VM',
  );
  t.ok(
    ['vm.created', 'vm.state_changed', 'audit.call'].every((ty) => hv.some((e) => e.type === ty)),
    'created, state changes and the audited calls on it',
  );
  t.ok(
    hv.some((e) => e.type === 'audit.call' && e.attributes.rpc === 'VmService.StopVm'),
    'the stop call is in its history',
  );
  t.ok(!hv.some((e) => about(e, 'vm_id').includes(vmB)), 'not the other VM of the tenant');

  const hs = await history(acme.secret, '--set', setA);
  t.ok(hs.length > 0 && hs.every((e) => about(e, 'set_id').includes(setA)), 'every event of --set names that set');
  t.ok(
    hs.some((e) => e.type === 'set.created'),
    'its creation included',
  );

  const hh = await history(acme.secret, '--host', agent.hostId);
  t.ok(hh.length > 0, 'the tenant sees its events on the host');
  t.ok(
    hh.every((e) => e.tenant === 'acme'),
    "but only its own tenant's",
  );
  t.ok(!hh.some((e) => about(e, 'vm_id').includes(vmO)), "never the other tenant's VM on the same host");

  // The other tenant: nothing of acme's, by filter or without one.
  t.same(await history(other.secret, '--vm', vmA), [], "another tenant's VM has no history for it");
  t.same(await history(other.secret, '--set', setA), [], "nor another tenant's set");
  const all = await history(other.secret, '--since', '0');
  t.ok(all.length > 0, 'the other tenant sees its own events');
  t.ok(
    all.every((e) => e.tenant === 'other'),
    'and only its own',
  );
  // Its own VM's history, which the admin also sees whole.
  t.ok((await history(other.secret, '--vm', vmO)).some((e) => e.type === 'vm.created'));

  // A malformed id: INVALID_ARGUMENT naming the field, one line, nothing on stdout.
  for (const [flag, field] of [
    ['--vm', 'filter.vm_id'],
    ['--set', 'filter.set_id'],
    ['--host', 'filter.host_id'],
  ] as const) {
    const bad = await as(acme.secret, 'events', 'tail', flag, 'not-an-id');
    t.equal(bad.code, 1, `${flag} not-an-id: exit 1`);
    t.equal(bad.stdout, '');
    t.match(bad.stderr, new RegExp(`^nephele: INVALID_ARGUMENT: ${field.replace('.', '\\.')}`), `names ${field}`);
    t.equal(lines(bad.stderr).length, 1, 'one line');
  }
});

t.test('-n N with a filter prints the last N matching events, however far back', async (t) => {
  const ctl = await startController(tmpDir());
  const a = ctl.admin();
  t.teardown(async () => {
    a.close();
    await ctl.kill();
  });
  for (const name of ['g0', 'g1', 'g2']) await a.call((md, o, cb) => a.hosts.CreateGroup({ name }, md, o, cb as never));
  // 300 events that do not match, after them.
  for (let i = 0; i < 150; i++) await a.call((md, o, cb) => a.auth.CreateTenant({ name: `t${i}` }, md, o, cb as never));
  const r = await cli([...base(ctl), 'events', 'tail', '-n', '2', '--type', 'group.']);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stderr, '');
  const got = lines(r.stdout);
  t.equal(got.length, 2, 'two lines');
  t.match(got[0], /group\.created .*group=g1/, 'the second newest first');
  t.match(got[1], /group\.created .*group=g2/, 'then the newest');
  const seqs = got.map((l) => Number(l.trim().split(/\s+/)[0]));
  t.ok(seqs[0]! < seqs[1]!, 'oldest first, as tail prints');

  const j = await cli([...base(ctl), '--json', 'events', 'tail', '-n', '5', '--type', 'group.']);
  t.same(
    jsonEvents(j.stdout).map((e) => e.attributes.group),
    ['g0', 'g1', 'g2'],
    'fewer than N match: all of them',
  );
  const plain = await cli([...base(ctl), 'events', 'tail', '-n', '7']);
  t.equal(lines(plain.stdout).length, 7, 'without a filter: the last 7');
});

/** `events tail -f` as a child process, its output collected. */
function follower(ctl: ControllerProc, extra: string[], token?: string) {
  const who = token ? ['--token', token] : [];
  const p = spawn(process.execPath, [CLI, ...base(ctl), ...who, 'events', 'tail', '-f', '-n', '1', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(p);
  const f = { out: '', err: '', exited: new Promise<number | null>((r) => p.once('exit', r)), proc: p };
  p.stdout.on('data', (d) => (f.out += d));
  p.stderr.on('data', (d) => (f.err += d));
  return f;
}

t.test('-f reconnects after the controller restarts and resumes after the last seq it printed', async (t) => {
  const dir = tmpDir();
  let ctl = await startController(dir);
  const port = ctl.port;
  t.teardown(() => ctl.kill());
  const group = async (name: string) => {
    const a = ctl.admin();
    try {
      await a.call((md, o, cb) => a.hosts.CreateGroup({ name }, md, o, cb as never));
    } finally {
      a.close();
    }
  };
  const a = ctl.admin();
  const viewer = await apiToken(a, 'operator');
  a.close();
  const f1 = follower(ctl, []);
  const f2 = follower(ctl, [], viewer.secret);
  await waitFor(() => f1.out && f2.out, { message: 'both print the last event' });
  await group('before');
  await waitFor(() => /group=before/.test(f1.out) && /group=before/.test(f2.out), { message: 'both follow' });
  t.equal((await cli([...base(ctl), 'token', 'revoke', viewer.id])).code, 0);

  await ctl.stop();
  await waitFor(() => f1.err.includes(`reconnecting to ${ctl.address}…`), { message: 'f1 says it reconnects' });
  t.equal(f1.proc.exitCode, null, 'the follower does not end when the controller stops');
  ctl = await startController(dir, { port });
  await group('after');
  await waitFor(() => /group=after/.test(f1.out), { timeoutMs: 30_000, message: 'f1 prints what came after' });
  t.match(f1.err, /^nephele: .*; reconnecting to 127\.0\.0\.1:\d+…\nnephele: resumed after seq \d+\n$/, 'stderr');
  const seqs = lines(f1.out).map((l) => Number(l.trim().split(/\s+/)[0]));
  t.same(
    seqs,
    [...seqs].sort((x, y) => x - y).filter((s, i, all) => all.indexOf(s) === i),
    'each event once, in order',
  );
  const resumed = Number(/resumed after seq (\d+)/.exec(f1.err)![1]);
  t.equal(resumed, seqs[seqs.indexOf(resumed)], 'resumed after a seq it had printed');
  t.ok(
    seqs.some((s) => s > resumed),
    'and printed on from there',
  );

  // The revoked token: retrying cannot help, so it ends with a clear error.
  t.equal(await f2.exited, 1, 'a revoked token ends the follow with exit 1');
  t.match(f2.err, /nephele: following 127\.0\.0\.1:\d+: (UNAUTHENTICATED|PERMISSION_DENIED)/);

  f1.proc.kill('SIGINT');
  t.equal(await f1.exited, 0, 'Ctrl-C ends it with 0');

  // A controller that stays away past --reconnect-timeout: exit 1, saying so.
  const f3 = follower(ctl, ['--reconnect-timeout', '1s']);
  await waitFor(() => f3.out.length > 0, { message: 'f3 prints the last event' });
  await ctl.stop();
  t.equal(await f3.exited, 1, 'gives up with exit 1');
  t.match(f3.err, /reconnecting to 127\.0\.0\.1:\d+…\n/);
  t.match(f3.err, /nephele: following 127\.0\.0\.1:\d+: the controller stayed away for \ds; giving up\n$/);
});
