import type { VmSet__Output as VmSet } from '../../common/gen/nephele/v1/VmSet.js';
import type { Plan__Output as Plan } from '../../common/gen/nephele/v1/Plan.js';
import type { VmSetSpec } from '../../common/gen/nephele/v1/VmSetSpec.js';
import type { Host__Output as Host } from '../../common/gen/nephele/v1/Host.js';
import type { Tenant__Output as Tenant } from '../../common/gen/nephele/v1/Tenant.js';
import type { Vm__Output as Vm } from '../../common/gen/nephele/v1/Vm.js';
import type { ControllerProc } from './procs.js';
import { waitFor } from './wait.js';

type Call = (req: unknown, md: unknown, o: unknown, cb: unknown) => void;

/** Typed wrappers over the set RPCs for tests. */
export function setApi(ctl: ControllerProc) {
  const a = ctl.admin();
  const vm = (rpc: string, req: unknown) =>
    a.call<Record<string, unknown>>((md, o, cb) => (a.vms[rpc as 'GetVm'] as unknown as Call)(req, md, o, cb));
  const host = (rpc: string, req: unknown) =>
    a.call<Record<string, unknown>>((md, o, cb) => (a.hosts[rpc as 'GetHost'] as unknown as Call)(req, md, o, cb));
  const api = {
    close: () => a.close(),
    create: (set: VmSetSpec, dryRun = false) =>
      vm('CreateVmSet', { set, dryRun }) as Promise<{ set: VmSet | null; plan: Plan }>,
    get: async (setId: string) => (await vm('GetVmSet', { setId })).set as VmSet,
    list: async () => (await vm('ListVmSets', { pageSize: 1000 })).sets as VmSet[],
    plan: async (setId: string) => (await vm('GetPlan', { setId })).plan as Plan,
    scale: (setId: string, count: number) => vm('ScaleVmSet', { setId, count }) as Promise<{ set: VmSet; plan: Plan }>,
    del: async (setId: string) => (await vm('DeleteVmSet', { setId })).set as VmSet,
    vms: async () => (await vm('ListVms', { pageSize: 1000 })).vms as Vm[],
    hosts: async () => (await host('ListHosts', { pageSize: 1000 })).hosts as Host[],
    drain: (hostId: string) =>
      host('DrainHost', { hostId }) as Promise<{
        host: Host;
        vmsMoved: number;
        vmsUnplaced: number;
        reasons: string[];
      }>,
    tenants: async () =>
      (await a.call<{ tenants: Tenant[] }>((md, o, cb) => a.auth.ListTenants({ pageSize: 100 }, md, o, cb as never)))
        .tenants,
    /** Waits until the set satisfies `ok`. */
    waitSet: (setId: string, ok: (s: VmSet) => boolean, message: string, timeoutMs = 60_000) =>
      waitFor(
        async () => {
          const s = await api.get(setId);
          return ok(s) ? s : undefined;
        },
        { timeoutMs, message },
      ),
  };
  return api;
}

/** The set's VMs that hold capacity, by host id. */
export function byHost(p: Plan): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of p.rows) if (r.hostId && r.status !== 'destroyed') m.set(r.hostId, (m.get(r.hostId) ?? 0) + 1);
  return m;
}
