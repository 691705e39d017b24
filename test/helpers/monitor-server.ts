// A small in-test MonitorService (real gRPC, plain text on loopback) for the
// CLI's monitor and subscription commands (issue 14) while the controller's
// parts are built in parallel: an in-memory state table, action log, policies
// and subscriptions, paged like the real service, with the bearer token
// checked, every request recorded, and INVALID_ARGUMENT naming the field for
// the inputs the tests send bad on purpose. VmService.ListVms/ListVmSets answer
// from the table so names and id prefixes resolve as against a controller.
import * as grpc from '@grpc/grpc-js';
import { v1 } from '../../common/grpc/load.js';
import { ulid } from '../../common/ids.js';
import type { Appliance } from '../../common/gen/nephele/v1/Appliance.js';
import type { ControlAction } from '../../common/gen/nephele/v1/ControlAction.js';
import type { MonitorPolicy } from '../../common/gen/nephele/v1/MonitorPolicy.js';
import type { Subscription } from '../../common/gen/nephele/v1/Subscription.js';

export const MONITOR_TOKEN = 'monitor-test-token';

type Req = Record<string, unknown>;
type Unary = (call: grpc.ServerUnaryCall<Req, unknown>, cb: grpc.sendUnaryData<unknown>) => void;

export interface MonitorServer {
  address: string;
  /** Global flags that point the CLI at this server. */
  flags: string[];
  appliances: Appliance[];
  actions: ControlAction[];
  policies: Map<string, MonitorPolicy>;
  subscriptions: Map<string, Subscription>;
  /** Every request, by RPC name, in arrival order. */
  calls: { rpc: string; req: Req }[];
  close(): void;
}

const fail = (code: grpc.status, details: string) => Object.assign(new Error(details), { code, details });
const invalid = (field: string, why: string) => fail(grpc.status.INVALID_ARGUMENT, `${field}: ${why}`);

/** A page of `all` from the request's page_size / page_token (the token is the offset). */
function page<T>(all: T[], req: Req): { items: T[]; next: string } {
  const size = Math.min(Number(req.pageSize) || 100, 1000);
  const from = Number(req.pageToken || 0);
  const items = all.slice(from, from + size);
  return { items, next: from + size < all.length ? String(from + size) : '' };
}

export function appliance(o: Partial<Appliance> & { vmId: string }): Appliance & { vmId: string } {
  return {
    vmName: '',
    setId: '',
    tenant: 'default',
    hostId: 'H1',
    appState: 'APP_STATE_RUNNING',
    source: 'UPDATE_SOURCE_POLL',
    monitored: true,
    updatedUnixMs: Date.now(),
    lastPollUnixMs: Date.now(),
    polls: 1,
    ...o,
  };
}

const SCOPE_RE = /^(fleet|tenant:.+|set:.+)$/;

export async function startMonitorServer(): Promise<MonitorServer> {
  const s: Omit<MonitorServer, 'address' | 'flags' | 'close'> = {
    appliances: [],
    actions: [],
    policies: new Map(),
    subscriptions: new Map(),
    calls: [],
  };
  /** A handler with the token checked and the request recorded. */
  const rpc =
    (name: string, fn: (req: Req) => unknown): Unary =>
    (call, cb) => {
      s.calls.push({ rpc: name, req: call.request });
      if (call.metadata.get('authorization')[0] !== `Bearer ${MONITOR_TOKEN}`)
        return cb(fail(grpc.status.UNAUTHENTICATED, 'invalid token'));
      try {
        cb(null, fn(call.request));
      } catch (e) {
        cb(e as grpc.ServiceError);
      }
    };
  const find = (vmId: unknown) => {
    const a = s.appliances.find((x) => x.vmId === vmId);
    if (!a) throw fail(grpc.status.NOT_FOUND, 'no such appliance');
    return a;
  };
  const scopeOf = (scope: unknown) => {
    if (!SCOPE_RE.test(String(scope))) throw invalid('scope', 'fleet, tenant:<name> or set:<id>');
    return String(scope);
  };
  const server = new grpc.Server();
  server.addService(v1().MonitorService.service, {
    ListAppliances: rpc('ListAppliances', (req) => {
      const rows = s.appliances.filter(
        (a) =>
          (!req.setId || a.setId === req.setId) &&
          (!req.hostId || a.hostId === req.hostId) &&
          (!req.tenant || a.tenant === req.tenant) &&
          (req.appState === 'APP_STATE_UNSPECIFIED' || a.appState === req.appState),
      );
      const p = page(rows, req);
      return { appliances: p.items, nextPageToken: p.next };
    }),
    GetAppliance: rpc('GetAppliance', (req) => ({ appliance: find(req.vmId) })),
    PollAppliance: rpc('PollAppliance', (req) => {
      const a = find(req.vmId);
      Object.assign(a, { polls: Number(a.polls) + 1, source: 'UPDATE_SOURCE_EVENT', lastPollUnixMs: Date.now() });
      return { appliance: a };
    }),
    TakeControlAction: rpc('TakeControlAction', (req) => {
      const a = find(req.vmId);
      if (req.kind === 'CONTROL_ACTION_KIND_UNSPECIFIED') throw invalid('kind', 'required');
      if (req.kind === 'CONTROL_ACTION_KIND_KILL_PROCESS' && !req.pid) throw invalid('pid', 'required');
      const action: ControlAction = {
        id: ulid(),
        vmId: a.vmId,
        setId: a.setId,
        tenant: a.tenant,
        hostId: a.hostId,
        kind: req.kind as ControlAction['kind'],
        cause: String(req.reason || 'by hand'),
        trigger: 'manual',
        outcome: 'ACTION_OUTCOME_DONE',
        principal: 'admin',
        pid: Number(req.pid),
        version: String(req.version),
        createdUnixMs: Date.now(),
        endedUnixMs: Date.now(),
      };
      s.actions.unshift(action);
      return { action };
    }),
    ListControlActions: rpc('ListControlActions', (req) => {
      const rows = s.actions.filter(
        (x) =>
          (!req.vmId || x.vmId === req.vmId) &&
          (!req.setId || x.setId === req.setId) &&
          (!req.trigger || x.trigger === req.trigger) &&
          (req.kind === 'CONTROL_ACTION_KIND_UNSPECIFIED' || x.kind === req.kind) &&
          Number(x.createdUnixMs) >= Number(req.sinceUnixMs),
      );
      const p = page(rows, req);
      return { actions: p.items, nextPageToken: p.next };
    }),
    SetMonitorPolicy: rpc('SetMonitorPolicy', (req) => {
      const scope = scopeOf(req.scope);
      const policy = req.policy as MonitorPolicy;
      if (policy.cron && policy.cron.split(' ').length < 5) throw invalid('policy.cron', 'not a cron expression');
      (policy.rogue ?? []).forEach((r, i) => {
        try {
          new RegExp(r.nameRegex ?? '');
        } catch {
          throw invalid(`policy.rogue[${i}].name_regex`, 'not a regular expression');
        }
      });
      const prev = s.policies.get(scope);
      const stored = { ...policy, scope, version: Number(prev?.version ?? 0) + 1, updatedUnixMs: Date.now() };
      s.policies.set(scope, stored);
      return { policy: stored };
    }),
    GetMonitorPolicy: rpc('GetMonitorPolicy', (req) => {
      const scope = scopeOf(req.scope);
      if (!req.effective) {
        const p = s.policies.get(scope);
        if (!p) throw fail(grpc.status.NOT_FOUND, 'no policy for this scope');
        return { policy: p, sourceScope: scope };
      }
      const from = [scope, 'fleet'].find((x) => s.policies.has(x));
      return { policy: from ? s.policies.get(from) : { scope, intervalS: 30, enabled: true }, sourceScope: from ?? '' };
    }),
    SetSubscription: rpc('SetSubscription', (req) => {
      const sub = req.subscription as Subscription;
      if (!/^(tenant|set):.+$/.test(String(sub.scope)))
        throw invalid('subscription.scope', 'set:<id> or tenant:<name>');
      const prev = s.subscriptions.get(sub.scope!);
      const stored = {
        ...sub,
        graceS: sub.graceS || 3600,
        warnS: sub.warnS || 86400,
        state: 'SUBSCRIPTION_STATE_ACTIVE' as const,
        version: Number(prev?.version ?? 0) + 1,
        updatedUnixMs: Date.now(),
      };
      s.subscriptions.set(sub.scope!, stored);
      return { subscription: stored };
    }),
    GetSubscription: rpc('GetSubscription', (req) => {
      const sub = s.subscriptions.get(String(req.scope));
      if (!sub) throw fail(grpc.status.NOT_FOUND, 'no subscription for this scope');
      return { subscription: sub };
    }),
  });
  // Names and id prefixes resolve through the List RPCs, as against a controller.
  server.addService(v1().VmService.service, {
    ListVms: rpc('ListVms', () => ({
      vms: s.appliances.map((a) => ({ id: a.vmId, name: a.vmName, desired: 'DESIRED_VM_STATE_RUNNING' })),
      nextPageToken: '',
    })),
    ListVmSets: rpc('ListVmSets', () => {
      const ids = [...new Set(s.appliances.map((a) => a.setId).filter(Boolean))];
      return { sets: ids.map((id, i) => ({ id, request: { name: `set${i}` } })), nextPageToken: '' };
    }),
  });
  const port = await new Promise<number>((res, rej) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
  );
  const address = `127.0.0.1:${port}`;
  return {
    ...s,
    address,
    flags: ['--controller', address, '--insecure', '--token', MONITOR_TOKEN],
    close: () => server.forceShutdown(),
  };
}
