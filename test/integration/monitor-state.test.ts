import t from 'tap';
import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { joinToken, listHosts, startController, type ControllerProc } from '../helpers/procs.js';
import { fakeAgent } from '../helpers/fake-agent.js';
import { setApi } from '../helpers/sets.js';
import { v1 } from '../../common/grpc/load.js';
import type { DesiredVm__Output as DesiredVm } from '../../common/gen/nephele/v1/DesiredVm.js';
import type { ApplianceState } from '../../common/gen/nephele/v1/ApplianceState.js';
import type { Appliance__Output as Appliance } from '../../common/gen/nephele/v1/Appliance.js';

// The state table with a real controller and fake agents speaking the real
// session protocol: policies validated and sent down with desired state, agents'
// appliance reports applied (only for their own VMs), rows listed, polled on
// request and kept across a controller restart.

type Call = (req: unknown, md: grpc.Metadata, cb: (e: grpc.ServiceError | null, r: unknown) => void) => void;

function monitorApi(ctl: ControllerProc, token?: string) {
  const ca = readFileSync(join(ctl.dataDir, 'ca.pem'));
  const client = new (v1().MonitorService)(ctl.address, grpc.credentials.createSsl(ca)) as unknown as Record<
    string,
    Call
  >;
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token ?? readFileSync(join(ctl.dataDir, 'admin.token'), 'utf8').trim()}`);
  const call = <R>(rpc: string, req: unknown) =>
    new Promise<R>((res, rej) => client[rpc]!.call(client, req, md, (e, r) => (e ? rej(e) : res(r as R))));
  return { call, close: () => (client as unknown as grpc.Client).close() };
}

const state = (vmId: string, o: Partial<ApplianceState> = {}): ApplianceState => ({
  vmId,
  applianceVersion: '1.0',
  configHash: 'abc',
  appState: 'APP_STATE_RUNNING',
  processes: [{ pid: 10, name: 'httpd', cmdline: 'httpd -f', exeSha256: '' }],
  timeUnixMs: Date.now(),
  source: 'UPDATE_SOURCE_POLL',
  polls: 1,
  ...o,
});

t.test('state table: policy to desired state, reports in, hostile rows out, poll, restart', async (t) => {
  const dir = tmpDir();
  let ctl = await startController(dir);
  const desiredA: DesiredVm[][] = [];
  const polls: string[] = [];
  const mk = async (name: string, onDesired?: (v: DesiredVm[]) => void) =>
    fakeAgent(ctl, {
      joinToken: await joinToken(ctl),
      name,
      onDesired,
      command: (c) => {
        if (!c.app) return undefined;
        // The action ladder answers a faulted row with restart_app: only polls are counted here.
        if (c.app.kind === 'APP_ACTION_KIND_POLL') polls.push(c.vmId);
        return {
          commandId: c.commandId,
          ok: true,
          appliance: state(c.vmId, {
            appState: 'APP_STATE_FAULTED',
            fault: 'probe http failed',
            source: 'UPDATE_SOURCE_EVENT',
          }),
        };
      },
    });
  const a = await mk('mon-a', (v) => desiredA.push(v));
  const b = await mk('mon-b');
  let mon = monitorApi(ctl);
  const api = setApi(ctl);
  t.teardown(async () => {
    mon.close();
    api.close();
    a.close();
    b.close();
    await ctl.kill();
  });
  await waitFor(async () => (await listHosts(ctl)).filter((h) => h.state === 'HOST_STATE_READY').length === 2, {
    message: 'two hosts ready',
  });
  const { set } = await api.create({
    name: 'mon',
    count: 4,
    spec: { scheme: 'process', vcpus: 1, memoryMib: 32, diskGib: 1 },
    sla: 'SLA_GUARANTEED',
    strategy: 'PLACEMENT_STRATEGY_SPREAD',
  });
  await api.waitSet(set!.id, (s) => s.running === 4, 'four running');
  const vms = await api.vms();
  const onA = vms.filter((v) => v.hostId === a.hostId).map((v) => v.id);
  const onB = vms.filter((v) => v.hostId === b.hostId).map((v) => v.id);
  t.ok(onA.length > 0 && onB.length > 0, 'VMs on both hosts');

  // No policy yet: the defaults apply and nothing is monitored.
  const eff = await mon.call<{ policy: { enabled: boolean; intervalS: number }; sourceScope: string }>(
    'GetMonitorPolicy',
    { scope: `set:${set!.id}`, effective: true },
  );
  t.same([eff.sourceScope, eff.policy.enabled, eff.policy.intervalS], ['default', false, 30], 'defaults: off');

  // Bad policies: INVALID_ARGUMENT naming the field.
  const bad = async (policy: unknown, field: string) => {
    const e = await mon.call('SetMonitorPolicy', { scope: `set:${set!.id}`, policy }).then(
      () => undefined,
      (err: grpc.ServiceError) => err,
    );
    t.equal(e?.code, grpc.status.INVALID_ARGUMENT, `${field}: INVALID_ARGUMENT`);
    t.match(e?.details, field, `names ${field}`);
  };
  await bad({ enabled: true, rogue: [{ name: 'x', nameRegex: '(' }] }, 'policy.rogue[0].name_regex');
  await bad({ enabled: true, cron: 'every tuesday' }, 'policy.cron');
  await bad({ enabled: true, thresholds: { failures: 4294967295 } }, 'policy.thresholds.failures');
  await bad({ enabled: true, rogue: [{ name: 'x', cmdlineRegex: '(a+)+$' }] }, 'policy.rogue[0].cmdline_regex');
  await bad(
    { enabled: true, probes: [{ name: 'h', kind: 'PROBE_KIND_HTTP', path: 'health' }] },
    'policy.probes[0].path',
  );

  // A valid policy goes down to the set's hosts with their desired state.
  const set1 = await mon.call<{ policy: { version: number } }>('SetMonitorPolicy', {
    scope: `set:${set!.id}`,
    policy: { enabled: true, intervalS: 10, probes: [{ name: 'http', kind: 'PROBE_KIND_HTTP', path: '/health' }] },
  });
  t.equal(set1.policy.version, 1, 'stored as version 1');
  const spec = await waitFor(() => desiredA.at(-1)?.find((v) => onA.includes(v.vmId) && v.monitor?.enabled)?.monitor, {
    message: 'agent A got a monitor spec',
  });
  t.same(
    [spec.intervalMs, spec.probes[0]?.name, spec.probes[0]?.timeoutMs],
    [10_000, 'http', 2000],
    'with defaults filled',
  );

  // Reports: A's own VM is applied; A reporting B's VM is ignored.
  a.send({ appliance: { changed: [state(onA[0]!), state(onB[0]!)], polled: [], timeUnixMs: Date.now() } });
  const row = await waitFor(
    () =>
      mon.call<{ appliance: Appliance }>('GetAppliance', { vmId: onA[0] }).then(
        (r) => r.appliance,
        () => undefined,
      ),
    { message: 'row of A’s VM' },
  );
  t.same(
    [row.appState, row.hostId, row.setId, row.applianceVersion, row.polls],
    ['APP_STATE_RUNNING', a.hostId, set!.id, '1.0', 1],
  );
  const other = await mon.call('GetAppliance', { vmId: onB[0] }).catch((e: grpc.ServiceError) => e.code);
  t.equal(other, grpc.status.NOT_FOUND, 'a host cannot write another host’s VM');

  // Marks count polls without rewriting the row; a fault is a change.
  a.send({
    appliance: { changed: [], polled: [{ vmId: onA[0], timeUnixMs: Date.now(), polls: 2 }], timeUnixMs: Date.now() },
  });
  await waitFor(
    async () => (await mon.call<{ appliance: Appliance }>('GetAppliance', { vmId: onA[0] })).appliance.polls === 2,
    {
      message: 'mark counted',
    },
  );
  a.send({
    appliance: {
      changed: [state(onA[0]!, { appState: 'APP_STATE_FAULTED', fault: 'app exited', source: 'UPDATE_SOURCE_PUSH' })],
      timeUnixMs: Date.now(),
    },
  });
  const listed = await waitFor(
    async () => {
      const r = await mon.call<{ appliances: Appliance[] }>('ListAppliances', { appState: 'APP_STATE_FAULTED' });
      return r.appliances.length === 1 ? r.appliances : undefined;
    },
    { message: 'faulted row listed' },
  );
  t.same([listed[0]!.vmId, listed[0]!.fault, listed[0]!.source], [onA[0], 'app exited', 'UPDATE_SOURCE_PUSH']);

  // PollAppliance: an AppAction poll over the session, answered with the state.
  const polled = await mon.call<{ appliance: Appliance }>('PollAppliance', { vmId: onB[0] });
  t.same(polls, [onB[0]], 'the poll went to B, the VM’s host');
  t.same(
    [polled.appliance.hostId, polled.appliance.appState, polled.appliance.source],
    [b.hostId, 'APP_STATE_FAULTED', 'UPDATE_SOURCE_EVENT'],
  );

  // Paging, bounded.
  const p1 = await mon.call<{ appliances: Appliance[]; nextPageToken: string }>('ListAppliances', { pageSize: 1 });
  const p2 = await mon.call<{ appliances: Appliance[]; nextPageToken: string }>('ListAppliances', {
    pageSize: 1,
    pageToken: p1.nextPageToken,
  });
  t.ok(
    p1.nextPageToken && p2.appliances.length === 1 && p2.appliances[0]!.vmId > p1.appliances[0]!.vmId,
    'pages in vm id order',
  );
  const big = await mon.call('ListAppliances', { pageSize: 5000 }).catch((e: grpc.ServiceError) => e.code);
  t.equal(big, grpc.status.INVALID_ARGUMENT, 'page_size over 1000 refused');

  // Another tenant sees none of it and may not set the fleet's policy or exec probes.
  const admin = ctl.admin();
  await admin.call((md, o, cb) => admin.auth.CreateTenant({ name: 'acme' }, md, o, cb as never));
  const tok = await admin.call<{ secret: string }>((md, o, cb) =>
    admin.auth.CreateToken({ kind: 'TOKEN_KIND_API', role: 'tenant-admin', tenant: 'acme' }, md, o, cb as never),
  );
  admin.close();
  const acme = monitorApi(ctl, tok.secret);
  const code = (p: Promise<unknown>) =>
    p.then(
      () => 0,
      (e: grpc.ServiceError) => e.code,
    );
  t.equal(
    (await acme.call<{ appliances: Appliance[] }>('ListAppliances', {})).appliances.length,
    0,
    'acme lists nothing',
  );
  t.equal(
    await code(acme.call('GetAppliance', { vmId: onA[0] })),
    grpc.status.NOT_FOUND,
    'nor gets another tenant’s row',
  );
  t.equal(await code(acme.call('PollAppliance', { vmId: onA[0] })), grpc.status.NOT_FOUND, 'nor polls it');
  const pol = (scope: string, policy: unknown) => code(acme.call('SetMonitorPolicy', { scope, policy }));
  t.equal(await pol(`set:${set!.id}`, { enabled: true }), grpc.status.NOT_FOUND, 'nor sets its set’s policy');
  t.equal(await pol('fleet', { enabled: true }), grpc.status.PERMISSION_DENIED, 'fleet needs monitor.admin');
  const exec = { enabled: true, probes: [{ name: 'x', kind: 'PROBE_KIND_EXEC', command: ['true'] }] };
  t.equal(await pol('tenant:acme', exec), grpc.status.PERMISSION_DENIED, 'exec probes need vms.task');
  t.equal(await pol('tenant:acme', { enabled: true }), 0, 'its own tenant policy is fine');
  acme.close();

  // Restart: rows and policy come back from the store.
  mon.close();
  a.close();
  b.close();
  await ctl.kill();
  ctl = await startController(dir, { port: ctl.port });
  mon = monitorApi(ctl);
  const back = await mon.call<{ appliances: Appliance[] }>('ListAppliances', {});
  t.same(back.appliances.map((x) => x.vmId).sort(), [onA[0], onB[0]].sort(), 'rows kept across a restart');
  const kept = await mon.call<{ policy: { intervalS: number }; sourceScope: string }>('GetMonitorPolicy', {
    scope: `set:${set!.id}`,
    effective: true,
  });
  t.same([kept.sourceScope, kept.policy.intervalS], [`set:${set!.id}`, 10], 'policy kept');
});
