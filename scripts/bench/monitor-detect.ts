import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { AdminClient } from '../../controller/cli/client.js';
import type { Appliance__Output as Appliance } from '../../common/gen/nephele/v1/Appliance.js';
import type { ControlAction__Output as ControlAction } from '../../common/gen/nephele/v1/ControlAction.js';
import type { MonitorPolicy } from '../../common/gen/nephele/v1/MonitorPolicy.js';
import type { Vm__Output as Vm } from '../../common/gen/nephele/v1/Vm.js';
import { track } from './children.js';
import { DIST } from './controller.js';
import { fig, median, type Figures } from './results.js';
import { ensureGuestImage, getVm, until, withAgent } from './vms.js';

// From killing the app inside a real QEMU guest to the monitor's restart action
// being sent (the action's creation time at the controller), median of 5, beside
// the poll interval of the policy used. The kill goes through `nephele-agent
// exec`; its start is the clock's zero, so the figure includes the exec's own
// round trip (measured beside it with `true`).

const POLL_INTERVAL_S = 1;
const RUNS = 5;

function guestExec(adir: string, vm: string, argv: string[]): Promise<number | null> {
  const p = track(spawn(process.execPath, [join(DIST, 'agent/main.js'), 'exec', '--data-dir', adir, vm, '--', ...argv], { stdio: 'ignore' }));
  return new Promise((r) => p.once('exit', (code) => r(code)));
}

const appliance = async (a: AdminClient, vmId: string) =>
  (await a.call<{ appliance: Appliance }>((md, o, cb) => a.monitor.GetAppliance({ vmId }, md, o, cb as never))).appliance;

const restarts = async (a: AdminClient, vmId: string) =>
  (await a.call<{ actions: ControlAction[] }>((md, o, cb) => a.monitor.ListControlActions({ vmId, kind: 'CONTROL_ACTION_KIND_RESTART_APP', pageSize: 100 }, md, o, cb as never))).actions;

export async function runMonitorDetect(): Promise<Figures> {
  ensureGuestImage();
  return withAgent('qemu', async (a, hostId, adir) => {
    const vm = (await a.call<{ vm: Vm }>((md, o, cb) => a.vms.CreateVm({ hostId, spec: { scheme: 'qemu', vcpus: 1, memoryMib: 128, diskGib: 1 } }, md, o, cb as never))).vm;
    await until(async () => ((await getVm(a, vm.id)).guestReady ? true : undefined), 120_000, 'guest ready', 100);
    const policy: MonitorPolicy = {
      scope: 'fleet',
      enabled: true,
      intervalS: POLL_INTERVAL_S,
      probes: [{ name: 'web', kind: 'PROBE_KIND_HTTP', path: '/', expectStatus: 200 }],
      thresholds: { failures: 1 },
      ladders: { faulted: [{ step: 'LADDER_STEP_RESTART_APP', times: 3 }], backoffS: 1 },
    };
    await a.call((md, o, cb) => a.monitor.SetMonitorPolicy({ scope: 'fleet', policy }, md, o, cb as never));
    // The row appears with the first poll under the policy (NOT_FOUND until then).
    const running = () => until(async () => ((await appliance(a, vm.id).catch(() => undefined))?.appState === 'APP_STATE_RUNNING' ? true : undefined), 60_000, 'app running', 50);
    await running();
    const detect: number[] = [];
    const exec: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const before = (await restarts(a, vm.id)).length;
      const e0 = Date.now();
      if ((await guestExec(adir, vm.id, ['true'])) !== 0) throw new Error('exec in the guest failed');
      exec.push(Date.now() - e0);
      const t0 = Date.now();
      if ((await guestExec(adir, vm.id, ['sh', '-c', 'kill -9 $(pidof httpd)'])) !== 0) throw new Error('kill in the guest failed');
      const act = await until(async () => {
        const xs = await restarts(a, vm.id);
        return xs.length > before && xs[0]!.outcome === 'ACTION_OUTCOME_DONE' ? xs[0]! : undefined;
      }, 60_000, 'restart action done', 20);
      detect.push(Number(act.createdUnixMs) - t0);
      process.stdout.write(`  run ${i + 1}: restart sent ${detect.at(-1)} ms after the kill began (exec round trip ${exec.at(-1)} ms)\n`);
      await running();
    }
    await a.call((md, o, cb) => a.vms.DestroyVm({ vmId: vm.id }, md, o, cb));
    return {
      'monitor.detect_to_action_ms': fig(median(detect), 'ms', 0),
      'monitor.poll_interval_ms': fig(POLL_INTERVAL_S * 1000, 'ms', 0),
      'monitor.detect_exec_roundtrip_ms': fig(median(exec), 'ms', 0),
    };
  });
}
