// Subscriptions of the appliance monitor (issue 14, item 6), against a real
// controller and a real agent running process VMs: a set's subscription ends →
// its VMs are stopped (the processes are gone), and after the grace period the
// set is retired; the events (warning, ended, retired) come in that order and
// `nephele events tail` shows them. Bad input is INVALID_ARGUMENT naming the field.
//
// Before: SetSubscription answered FAILED_PRECONDITION (a placeholder).
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VmSet__Output as VmSet } from '../../common/gen/nephele/v1/VmSet.js';
import type { Event__Output as Event } from '../../common/gen/nephele/v1/Event.js';
import type { MonitorServiceClient } from '../../common/gen/nephele/v1/MonitorService.js';
import type { SetSubscriptionResponse__Output as SetRes } from '../../common/gen/nephele/v1/SetSubscriptionResponse.js';
import { v1 } from '../../common/grpc/load.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, grpc, joinToken, listHosts, startAgent, startController, type ControllerProc } from '../helpers/procs.js';
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
  await waitFor(async () => (await listHosts(ctl)).some((h) => h.state === 'HOST_STATE_READY' && h.inventory), {
    timeoutMs: 30_000,
    message: 'host ready',
  });
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

  // Ends in 3 s, warned 2 s before, retired 2 s after.
  const end = Date.now() + 3000;
  const set = await mon.call<SetRes>('SetSubscription', {
    subscription: { scope: `set:${setId}`, endUnixMs: end, warnS: 2, graceS: 2 },
  });
  t.equal(set.subscription?.state, 'SUBSCRIPTION_STATE_ACTIVE');

  await api.waitSet(setId, (s) => s.state === 'VM_SET_STATE_RETIRED', 'the set retired', 60_000);
  t.ok(Date.now() >= end + 2000, 'not retired before the grace period was over');
  const got = await mon.call<SetRes>('GetSubscription', { scope: `set:${setId}` });
  t.equal(got.subscription?.state, 'SUBSCRIPTION_STATE_RETIRED');
  await waitFor(() => members.every((vm) => processesWith(vm.id).length === 0), { message: 'the processes are gone' });

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
