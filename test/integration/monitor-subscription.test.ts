// Subscriptions of the appliance monitor (issue 14, item 6), against a real
// controller and a real agent running process VMs, through the CLI: the set is
// monitored every second; `nephele subscription set set:<name> --end … --warn
// … --grace …` → a warning while the VMs still run, then at the end its VMs
// are stopped and no longer monitored (rows unmonitored, no more polls), and
// after the grace period the set is retired; `nephele events tail --set
// <name>` shows the steps in order. Bad input is INVALID_ARGUMENT naming the field.
//
// Before: SetSubscription answered FAILED_PRECONDITION (a placeholder); then
// the steps' events did not name the set (not in `events --set`), and a
// retired set's name resolved to nothing in the CLI.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VmSet__Output as VmSet } from '../../common/gen/nephele/v1/VmSet.js';
import type { Event__Output as Event } from '../../common/gen/nephele/v1/Event.js';
import type { Appliance__Output as Appliance } from '../../common/gen/nephele/v1/Appliance.js';
import type { MonitorServiceClient } from '../../common/gen/nephele/v1/MonitorService.js';
import type { SetSubscriptionResponse__Output as SetRes } from '../../common/gen/nephele/v1/SetSubscriptionResponse.js';
import { v1 } from '../../common/grpc/load.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import {
  cli,
  grpc,
  joinToken,
  hostsReady,
  startAgent,
  startController,
  type ControllerProc,
} from '../helpers/procs.js';
import { processesWith } from '../helpers/vms.js';
import { setApi } from '../helpers/sets.js';

/** A MonitorService client with the controller's admin token (the CLI's monitor commands land separately). */
function monitorClient(ctl: ControllerProc) {
  const a = ctl.admin();
  const creds = grpc.credentials.createSsl(readFileSync(join(ctl.dataDir, 'ca.pem')));
  const c = new (
    v1().MonitorService as unknown as new (addr: string, creds: grpc.ChannelCredentials) => MonitorServiceClient
  )(ctl.address, creds);
  const call = <R>(rpc: 'SetSubscription' | 'GetSubscription', req: unknown) =>
    new Promise<R>((resolve, reject) =>
      (c[rpc] as unknown as (r: unknown, md: grpc.Metadata, cb: (e: Error | null, r: R) => void) => void)(
        req,
        a.metadata(),
        (e, r) => (e ? reject(e) : resolve(r)),
      ),
    );
  return {
    call,
    close: () => {
      c.close();
      a.close();
    },
  };
}

t.test('a subscription ends: its set is stopped, then retired; events in order', async (t) => {
  const ctl = await startController(tmpDir());
  const agent = startAgent(ctl.address, tmpDir(), { joinToken: await joinToken(ctl), args: ['--guest-vcpus', '8'] });
  const api = setApi(ctl);
  const mon = monitorClient(ctl);
  t.teardown(async () => {
    mon.close();
    api.close();
    await agent.kill();
    await ctl.kill();
  });
  await hostsReady(ctl);
  const run = (...args: string[]) => cli(['--controller', ctl.address, '--data-dir', ctl.dataDir, ...args]);
  const made = await run(...'--json set create --name shop --count 2 --scheme process --wait --timeout 60s'.split(' '));
  t.equal(made.code, 0, made.stderr);
  const setId = (JSON.parse(made.stdout) as VmSet).id;
  const members = (await api.vms()).filter((v) => v.setId === setId);
  t.equal(members.length, 2);
  for (const vm of members) t.ok(processesWith(vm.id).length > 0, 'the member runs as a process');

  // Bad input names its field.
  const bad = await mon
    .call('SetSubscription', { subscription: { scope: 'set:nope', endUnixMs: Date.now() + 1000 } })
    .catch((e: grpc.ServiceError) => e);
  t.equal((bad as grpc.ServiceError).code, grpc.status.INVALID_ARGUMENT);
  t.match((bad as grpc.ServiceError).details, /subscription\.scope/);
  const past = await mon
    .call('SetSubscription', { subscription: { scope: `set:${setId}`, startUnixMs: Date.now(), endUnixMs: 1 } })
    .catch((e: grpc.ServiceError) => e);
  t.equal((past as grpc.ServiceError).code, grpc.status.INVALID_ARGUMENT);
  t.match((past as grpc.ServiceError).details, /subscription\.end_unix_ms/);

  // Monitored every second, through the CLI, before the subscription ends.
  const ok = async (...args: string[]) => {
    const r = await run(...args);
    t.equal(r.code, 0, `${args.join(' ')}: exit 0 ${r.stderr}`);
    t.equal(r.stderr, '', `${args.join(' ')}: nothing on stderr`);
    return r.stdout;
  };
  await ok('monitor', 'policy', 'set', 'set:shop', '--interval', '1s', '--probe', 'http:/');
  const rows = async () => JSON.parse(await ok('--json', 'monitor', 'ls', '--set', setId)) as Appliance[];
  await waitFor(async () => (await rows()).filter((a) => a.monitored && Number(a.polls) > 1).length === 2, {
    message: 'both appliances monitored',
  });

  // Ends in 10 s, warned 6 s before, retired 12 s after: set through the CLI. (Windows of several
  // seconds between the steps, so a loaded CI machine's slow CLI calls still land in the right one.)
  const end = Date.now() + 10_000;
  const set = await ok(
    'subscription',
    'set',
    'set:shop',
    '--end',
    new Date(end).toISOString(),
    '--warn',
    '6s',
    '--grace',
    '12s',
  );
  t.match(set, new RegExp(`^Scope:\\s+set:${setId}\\nState:\\s+active$`, 'm'));
  const setEvents = async () =>
    (await ok('--json', 'events', 'tail', '--set', setId, '-n', '100'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Event);
  await waitFor(async () => (await setEvents()).some((e) => e.type === 'subscription.warning'), {
    message: 'the warning',
  });
  t.ok(Date.now() < end, 'warned before the end');
  t.ok(
    members.every((vm) => processesWith(vm.id).length > 0),
    'still running at the warning',
  );
  t.match(await ok('subscription', 'show', 'set:shop'), /^State:\s+active$/m, 'still active once warned');

  // The end: the monitor stops (rows unmonitored), then the polls stay where they were through the grace period.
  const off = await waitFor(
    async () => {
      const r = await rows();
      return r.length === 2 && r.every((a) => !a.monitored) ? r : undefined;
    },
    { message: 'monitoring off' },
  );
  t.ok(Date.now() >= end, 'not before the end');
  // Three intervals on (within the grace period, the rows still there): not polled again.
  const offAt = Date.now();
  const later = await waitFor(async () => (Date.now() - offAt >= 3000 ? rows() : undefined), {
    message: 'three intervals',
  });
  for (const a of off) {
    const now = later.find((x) => x.vmId === a.vmId);
    t.ok(
      now && Number(now.polls) <= Number(a.polls) + 1,
      `${a.vmName}: no more polls once ended (${a.polls} → ${now?.polls ?? 'row gone'})`,
    );
  }
  await api.waitSet(setId, (s) => s.state === 'VM_SET_STATE_RETIRED', 'the set retired', 60_000);
  t.ok(Date.now() >= end + 12_000, 'not retired before the grace period was over');
  t.match(
    JSON.parse(await ok('--json', 'subscription', 'show', 'set:shop')),
    { state: 'retired', scope: `set:${setId}` },
    'retired, as the CLI shows it',
  );
  const got = await mon.call<SetRes>('GetSubscription', { scope: `set:${setId}` });
  t.equal(got.subscription?.state, 'SUBSCRIPTION_STATE_RETIRED');
  await waitFor(() => members.every((vm) => processesWith(vm.id).length === 0), { message: 'the processes are gone' });

  // The set's history by its name (retired now): every step of its subscription, in order.
  const history = (await ok('--json', 'events', 'tail', '--set', 'shop', '-n', '100'))
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as Event).type);
  t.same(
    history.filter((x) => x.startsWith('subscription.')),
    ['subscription.set', 'subscription.warning', 'subscription.ended', 'subscription.retired'],
    'events --set <retired set>: its subscription steps in order',
  );

  // The steps as the CLI shows them, in order; each VM was told to stop when the subscription ended.
  const tail = await run('--json', 'events', 'tail', '-n', '200');
  t.equal(tail.code, 0, tail.stderr);
  t.equal(tail.stderr, '', 'nothing on stderr');
  const events = tail.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Event);
  const types = events.map((e) => e.type).filter((x) => x.startsWith('subscription.') || x === 'set.retired');
  t.same(types, [
    'subscription.set',
    'subscription.warning',
    'subscription.ended',
    'subscription.retired',
    'set.retired',
  ]);
  const ended = events.find((e) => e.type === 'subscription.ended')!;
  t.equal(ended.attributes.scope, `set:${setId}`);
  t.equal(ended.attributes.vms, '2');
  const endedSeq = Number(ended.seq);
  const stops = events.filter((e) => e.type === 'vm.stop_requested');
  t.equal(stops.length, 2, 'both VMs were stopped');
  t.ok(
    stops.every((e) => Number(e.seq) < endedSeq),
    'stopped before the end was recorded',
  );
  // The subscription cannot be reopened once ended.
  const again = await mon
    .call('SetSubscription', { subscription: { scope: `set:${setId}`, endUnixMs: Date.now() + 60_000 } })
    .catch((e: grpc.ServiceError) => e);
  t.equal((again as grpc.ServiceError).code, grpc.status.FAILED_PRECONDITION);
});
