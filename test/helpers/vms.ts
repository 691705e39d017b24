import type { Vm__Output as Vm } from '../../common/gen/nephele/v1/Vm.js';
import type { VmSpec } from '../../common/gen/nephele/v1/VmSpec.js';
import type { VmSpec as DriverVmSpec } from '../../agent/drivers/driver.js';
import type { Host__Output as Host } from '../../common/gen/nephele/v1/Host.js';
import type { ControllerProc } from './procs.js';
import { readFileSync } from 'node:fs';
import { killAll, processesWhere } from './reap.js';
import { waitFor } from './wait.js';

type VmRpc = 'StartVm' | 'StopVm' | 'SuspendVm' | 'ResumeVm' | 'RebootVm' | 'DestroyVm';

/** Small typed wrappers over VmService for tests. */
export function vmApi(ctl: ControllerProc) {
  const a = ctl.admin();
  return {
    close: () => a.close(),
    create: async (hostId: string, spec: VmSpec, extra: { name?: string; tenant?: string } = {}) => {
      // A VM pinned to a host must fit its reported capacity: wait for the host's inventory (if it is a host at all).
      await waitFor(
        async () => {
          const h = await a
            .call<{ host: Host }>((md, o, cb) => a.hosts.GetHost({ hostId }, md, o, cb as never))
            .catch(() => undefined);
          return !h || h.host.inventory;
        },
        { timeoutMs: 30_000, message: 'host inventory reported' },
      );
      return a
        .call<{ vm: Vm }>((md, o, cb) => a.vms.CreateVm({ hostId, spec, ...extra }, md, o, cb as never))
        .then((r) => r.vm);
    },
    get: (vmId: string) =>
      a.call<{ vm: Vm }>((md, o, cb) => a.vms.GetVm({ vmId }, md, o, cb as never)).then((r) => r.vm),
    list: () =>
      a.call<{ vms: Vm[] }>((md, o, cb) => a.vms.ListVms({ pageSize: 1000 }, md, o, cb as never)).then((r) => r.vms),
    act: (rpc: VmRpc, vmId: string) =>
      a
        .call<{ vm: Vm }>((md, o, cb) =>
          (a.vms[rpc] as unknown as (r: unknown, m: unknown, op: unknown, c: unknown) => void)({ vmId }, md, o, cb),
        )
        .then((r) => r.vm),
    /** Waits until the VM reaches `state` (e.g. 'VM_STATE_RUNNING'). */
    waitState: async (vmId: string, state: string, timeoutMs = 60_000) =>
      waitFor(
        async () => {
          const v = (await a.call<{ vm: Vm }>((md, o, cb) => a.vms.GetVm({ vmId }, md, o, cb as never))).vm;
          return v.state === state ? v : undefined;
        },
        { timeoutMs, message: `vm ${state}` },
      ),
  };
}

/**
 * Live processes whose command line contains `needle`. Namespace wrappers
 * (unshare) are not counted: a wrapper is not a guest.
 */
export function processesWith(needle: string): number[] {
  return processesWhere((cmd) => cmd.includes(needle) && !cmd.startsWith('unshare\0'));
}

/** SIGKILLs every process naming `needle` (a teardown: one that exits meanwhile is not an error). */
export function killWith(needle: string): void {
  killAll(processesWith(needle));
}

const parentOf = (pid: number): number | undefined => {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
  } catch {
    return undefined;
  }
};

/**
 * The tops of the process trees naming `needle`: one per running guest. A guest's
 * own children name it too (busybox httpd forks one per connection, while a
 * probe or a page fetch is being served), so counting every match counts them.
 */
export function vmRoots(needle: string): number[] {
  const all = processesWith(needle);
  const mine = new Set(all);
  return all.filter((pid) => !mine.has(parentOf(pid) ?? -1));
}

export async function httpGet(port: number, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  const ac = new AbortController();
  const t = setTimeout(() => ac.abort(), timeoutMs);
  try {
    const r = await fetch(`http://127.0.0.1:${port}/`, { signal: ac.signal });
    return { status: r.status, body: await r.text() };
  } finally {
    clearTimeout(t);
  }
}

/** A process-scheme VmSpec for driver tests (no image, appliance on port 80). */
export const processSpec = (id: string, over: Partial<DriverVmSpec> = {}): DriverVmSpec => ({
  id,
  name: `vm-${id.slice(-4)}`,
  vcpus: 1,
  memoryMiB: 64,
  diskGiB: 1,
  image: '',
  appliancePort: 80,
  config: { title: 'v1' },
  ...over,
});

/**
 * Suspend (the appliance stops answering), resume (it answers), reboot (ready
 * again) of one running guest VM through the controller; `whileSuspended` checks
 * the scheme's own view. Returns the VM as it is running again.
 */
export async function suspendResumeReboot(
  t: {
    rejects: (p: Promise<unknown>, msg: string) => Promise<unknown>;
    equal: (a: unknown, b: unknown, msg: string) => unknown;
    pass: (msg: string) => unknown;
  },
  api: ReturnType<typeof vmApi>,
  vm: Vm,
  whileSuspended: () => void = () => {},
): Promise<Vm> {
  await api.act('SuspendVm', vm.id);
  await api.waitState(vm.id, 'VM_STATE_SUSPENDED');
  whileSuspended();
  await t.rejects(httpGet(vm.hostPort, 700), 'a paused guest does not answer');
  await api.act('ResumeVm', vm.id);
  vm = await api.waitState(vm.id, 'VM_STATE_RUNNING');
  t.equal((await httpGet(vm.hostPort, 5000)).status, 200, 'answers after resume');
  await api.act('RebootVm', vm.id);
  await waitFor(async () => (await api.get(vm.id)).stateReason === 'rebooted', {
    timeoutMs: 60_000,
    message: 'rebooted',
  });
  vm = await api.waitState(vm.id, 'VM_STATE_RUNNING');
  t.pass('rebooted and ready again');
  return vm;
}
