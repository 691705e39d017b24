// Host liveness as the CLI shows it (issue 11, item 8) and decommissioning
// (RemoveHost): through the real CLI against a real controller, with fake
// agents that speak the real session protocol.
//
// Before: right after a controller restart every host read `ready` (and LAST
// SEEN restarted from the restart time); a revoked host read `down,cordoned`;
// its VMs could never be destroyed; a host could never leave `host ls`.
import t from 'tap';
import type { Host__Output as Host } from '../../common/gen/nephele/v1/Host.js';
import type { Tenant__Output as Tenant } from '../../common/gen/nephele/v1/Tenant.js';
import type { Vm__Output as Vm } from '../../common/gen/nephele/v1/Vm.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, joinToken, listHosts, startController, type ControllerProc } from '../helpers/procs.js';
import { fakeAgent } from '../helpers/fake-agent.js';
import { vmApi } from '../helpers/vms.js';

const run = (ctl: ControllerProc, args: string[], env: Record<string, string> = {}) =>
  cli(['--controller', ctl.address, '--data-dir', ctl.dataDir, ...args], env);

/** The STATE column of `host ls` for the host named `name` (undefined: not listed). */
async function stateColumn(ctl: ControllerProc, name: string): Promise<string | undefined> {
  const r = await run(ctl, ['host', 'ls']);
  if (r.code !== 0) throw new Error(`host ls: ${r.stderr}`);
  const row = r.stdout.split('\n').find((l) => l.trim().split(/\s+/)[1] === name);
  return row?.trim().split(/\s+/)[3];
}

const stateOf = async (ctl: ControllerProc, id: string) => (await listHosts(ctl)).find((h) => h.id === id)?.state;

t.test('after a controller restart: unknown until back, last seen kept, unreachable when the grace ends', async (t) => {
  const dir = tmpDir();
  let ctl = await startController(dir);
  const back = await fakeAgent(ctl, { joinToken: await joinToken(ctl), name: 'back' });
  const gone = await fakeAgent(ctl, { joinToken: await joinToken(ctl), name: 'gone' });
  t.teardown(async () => {
    back.close();
    gone.close();
    await ctl.kill();
  });
  await waitFor(async () => (await listHosts(ctl)).filter((h) => h.state === 'HOST_STATE_READY').length === 2, {
    message: 'both hosts ready',
  });
  const seenBefore = Date.now();
  await ctl.stop(); // a clean stop: no transitions are recorded for it
  const stoppedAt = Date.now();
  back.close();
  gone.close();

  // 4 s beats: a 12 s reconnect grace, long enough to look before it ends (CLI runs are slow on a busy machine).
  ctl = await startController(dir, {
    port: ctl.port,
    args: ['--min-heartbeat', '4s', '--missed-beats', '3', '--down-after', '60s'],
  });
  const ls = await run(ctl, ['host', 'ls']);
  t.equal(ls.code, 0, ls.stderr);
  t.equal(ls.stderr, '', 'nothing on stderr');
  const states = Object.fromEntries(
    ls.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .map((w) => [w[1], w[3]]),
  );
  t.same(states, { back: 'unknown', gone: 'unknown' }, 'no host reads ready before its agent is back');

  const js = await run(ctl, ['--json', 'host', 'ls']);
  t.equal(js.code, 0, js.stderr);
  const hosts = JSON.parse(js.stdout) as Host[];
  for (const h of hosts) {
    const seen = Number(h.lastSeenUnixMs);
    t.ok(
      seen >= seenBefore - 5_000 && seen <= stoppedAt,
      `${h.name}: last seen is from before the stop, not the restart`,
    );
  }

  t.equal(await back.reconnect(), 'open', 'one agent comes back');
  await waitFor(async () => (await stateOf(ctl, back.hostId)) === 'HOST_STATE_READY', { message: 'back is ready' });
  t.equal(await stateOf(ctl, gone.hostId), 'HOST_STATE_UNKNOWN', 'the other is still unknown within its grace');
  t.equal(await stateColumn(ctl, 'back'), 'ready', 'host ls: back reads ready');

  await waitFor(async () => (await stateOf(ctl, gone.hostId)) === 'HOST_STATE_UNREACHABLE', {
    timeoutMs: 30_000,
    message: 'gone turns unreachable when its grace ends',
  });
  t.equal(await stateColumn(ctl, 'gone'), 'unreachable', 'host ls: gone reads unreachable');
  const show = await run(ctl, ['host', 'show', gone.hostId]);
  t.equal(show.code, 0, show.stderr);
  t.match(show.stdout, /^State: +unreachable \(not back within \d+s of the controller's restart/m);
});

t.test('revoked host: shown revoked, its VMs forgotten with --force once, then removed', async (t) => {
  const ctl = await startController(tmpDir());
  const a = ctl.admin();
  const api = vmApi(ctl);
  const doomed = await fakeAgent(ctl, { joinToken: await joinToken(ctl), name: 'doomed' });
  const healthy = await fakeAgent(ctl, { joinToken: await joinToken(ctl), name: 'healthy' });
  const spare = await fakeAgent(ctl, { joinToken: await joinToken(ctl), name: 'spare' });
  t.teardown(async () => {
    for (const x of [doomed, healthy, spare]) x.close();
    api.close();
    a.close();
    await ctl.kill();
  });
  await waitFor(async () => (await listHosts(ctl)).filter((h) => h.state === 'HOST_STATE_READY').length === 3, {
    message: 'three hosts ready',
  });
  await a.call((md, o, cb) => a.auth.CreateTenant({ name: 'acme' }, md, o, cb as never));
  const token = async (role: string, tenant = '') =>
    (
      await a.call<{ secret: string }>((md, o, cb) =>
        a.auth.CreateToken({ kind: 'TOKEN_KIND_API', role, tenant }, md, o, cb as never),
      )
    ).secret;
  const operator = await token('operator');
  const tenantAdmin = await token('tenant-admin', 'acme');
  const usage = async () =>
    (await a.call<{ tenants: Tenant[] }>((md, o, cb) => a.auth.ListTenants({}, md, o, cb as never))).tenants.find(
      (x) => x.name === 'acme',
    )!.usage!;
  const host = async (id: string) =>
    (await a.call<{ host: Host }>((md, o, cb) => a.hosts.GetHost({ hostId: id }, md, o, cb as never))).host;

  const spec = { scheme: 'process', vcpus: 1, memoryMib: 128, diskGib: 1 };
  const vms: Vm[] = [];
  for (let i = 0; i < 3; i++) vms.push(await api.create(doomed.hostId, spec, { tenant: 'acme', name: `d${i}` }));
  const other = await api.create(healthy.hostId, spec, { tenant: 'acme', name: 'h0' });
  for (const v of [...vms, other]) await api.waitState(v.id, 'VM_STATE_RUNNING', 15_000);
  t.equal((await usage()).vms, 4, 'four VMs count against the quota');
  t.equal((await host(doomed.hostId)).vmCount, 3);

  const revoked = await run(ctl, ['host', 'revoke', doomed.hostId]);
  t.equal(revoked.code, 0, revoked.stderr);
  t.equal(await stateColumn(ctl, 'doomed'), 'revoked', 'a revoked host reads revoked, not down,cordoned');
  const shown = await run(ctl, ['host', 'show', doomed.hostId]);
  t.match(shown.stdout, /^State: +revoked /m);

  // A plain destroy asks a host that will never answer: the VM stays.
  const [d0, d1, d2] = vms.map((v) => v.id) as [string, string, string];
  const plain = await run(ctl, ['vm', 'destroy', d0]);
  t.equal(plain.code, 0, plain.stderr);
  t.equal((await api.get(d0)).state, 'VM_STATE_RUNNING', 'a plain destroy leaves it running (the host is gone)');

  // Refused: a tenant may not force; a reachable host's VM is destroyed the ordinary way.
  const denied = await run(ctl, ['vm', 'destroy', '--force', d2], { NEPHELE_TOKEN: tenantAdmin });
  t.equal(denied.code, 1, 'a tenant admin may not force');
  t.match(denied.stderr, /fleet\.write/);
  t.equal(denied.stdout, '');
  const live = await run(ctl, ['vm', 'destroy', '--force', other.id]);
  t.equal(live.code, 1, 'no force on a ready host');
  t.match(live.stderr, /host is ready/);

  // Twice forced, and forced racing a plain destroy: each released once.
  const results = await Promise.all([
    run(ctl, ['vm', 'destroy', '--force', d0]),
    run(ctl, ['vm', 'destroy', '--force', d0]),
    run(ctl, ['vm', 'destroy', d1]),
    run(ctl, ['vm', 'destroy', '--force', d1], { NEPHELE_TOKEN: operator }),
  ]);
  for (const r of results) t.equal(r.code, 0, r.stderr);
  t.match(results[0]!.stdout, new RegExp(`destroy requested for ${d0}`));
  for (const id of [d0, d1]) t.equal((await api.get(id)).state, 'VM_STATE_DESTROYED', 'forgotten');
  const again = await run(ctl, ['vm', 'destroy', '--force', d0]);
  t.equal(again.code, 0, 'forcing a destroyed VM again is no error');
  const u = await usage();
  t.equal(u.vms, 2, 'quota: two VMs given back, once each');
  t.equal(u.vcpus, 2);
  const h = await host(doomed.hostId);
  t.equal(h.vmCount, 1, 'capacity: released once each');
  t.equal(h.allocated?.vcpus, 1);

  // RemoveHost: refused while a VM remains, admin only, then gone for good.
  const held = await run(ctl, ['host', 'rm', doomed.hostId]);
  t.equal(held.code, 1);
  t.match(held.stderr, /still holds 1 VM\b/);
  t.equal(held.stderr.trim().split('\n').length, 1, 'one line');
  t.equal(await stateColumn(ctl, 'doomed'), 'revoked', 'a refused removal changes nothing');
  t.equal((await run(ctl, ['vm', 'destroy', '--force', d2])).code, 0);
  const notAdmin = await run(ctl, ['host', 'rm', doomed.hostId], { NEPHELE_TOKEN: operator });
  t.equal(notAdmin.code, 1, 'an operator may not remove hosts');
  t.match(notAdmin.stderr, /may not call HostService\.RemoveHost/);
  const rm = await run(ctl, ['host', 'rm', doomed.hostId]);
  t.equal(rm.code, 0, rm.stderr);
  t.equal(rm.stdout.trim(), `removed ${doomed.hostId}`);
  t.equal(await stateColumn(ctl, 'doomed'), undefined, 'no longer listed');
  const showGone = await run(ctl, ['host', 'show', doomed.hostId]);
  t.equal(showGone.code, 1);
  t.match(showGone.stderr, /not found/i);
  t.equal(await doomed.reconnect(), 'failed', 'its certificate no longer connects');

  // A connected host that holds nothing: removed, its session ends, it cannot come back.
  const rmSpare = await run(ctl, ['--json', 'host', 'rm', spare.hostId]);
  t.equal(rmSpare.code, 0, rmSpare.stderr);
  t.equal((JSON.parse(rmSpare.stdout) as Host).id, spare.hostId);
  t.equal(await stateOf(ctl, spare.hostId), undefined);
  t.equal(await spare.reconnect(), 'failed', 'revoked with it');
  t.equal(await stateColumn(ctl, 'healthy'), 'ready', 'other hosts untouched');
});
