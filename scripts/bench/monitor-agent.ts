import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ulid } from '../../common/ids.js';
import type { DesiredVm } from '../../common/gen/nephele/v1/DesiredVm.js';
import type { MonitorSpec } from '../../common/gen/nephele/v1/MonitorSpec.js';
import { INTERVAL_DEFAULT_MS } from '../../agent/monitor/spec.js';
import { startSessionOnlyController } from '../../test/helpers/fake-controller.js';
import { removeDir, stopChild, tempDir, track } from './children.js';
import { DIST } from './controller.js';
import { measureCpuPct } from './proc.js';
import { fig, type Figures } from './results.js';

// What the appliance monitor costs an agent with 50 process VMs. A stand-in
// controller (the Session only) sends the desired state: first the VMs without
// a MonitorSpec (the bare baseline: the same 50 processes, no monitor), then
// with one polling every second (an http probe each). The difference is the
// monitor's CPU at one poll per VM per second; at the default interval it is
// that share divided by the interval in seconds, added to the baseline.

const log = (msg: string) => process.stdout.write(`[monitor-agent] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runMonitorAgent(): Promise<Figures> {
  const n = Number(process.env.BENCH_MONITOR_VMS ?? 50);
  const windowS = Number(process.env.BENCH_MONITOR_WINDOW_SECONDS ?? 20);
  const ctl = await startSessionOnlyController();
  const adir = tempDir('nbmon-');
  writeFileSync(join(adir, 'host.json'), JSON.stringify({ hostId: ulid(), controller: ctl.address, enrolledAt: new Date().toISOString() }));
  let agent: ChildProcess | undefined;
  try {
    agent = track(
      spawn(process.execPath, [join(DIST, 'agent/main.js'), '--controller', ctl.address, '--data-dir', adir, '--name', 'bench-monitor', '--schemes', 'process', '--insecure', '--log-level', 'warn', '--inventory-interval', '10m', '--stop-vms-on-exit'], { stdio: 'ignore' }),
    );
    for (const t0 = Date.now(); !ctl.got.some((m) => m.hello); await sleep(100))
      if (Date.now() - t0 > 60_000) throw new Error('no session from the agent');
    const ids = Array.from({ length: n }, () => ulid());
    const desired = (monitor?: MonitorSpec): DesiredVm[] =>
      ids.map((vmId) => ({
        vmId,
        name: `mon-${vmId.slice(-6)}`,
        desired: 'DESIRED_VM_STATE_RUNNING',
        generation: 1,
        spec: { scheme: 'process', vcpus: 1, memoryMib: 16, diskGib: 1, image: '', appliancePort: 8080, config: {} },
        ...(monitor ? { monitor } : {}),
      }));
    ctl.send({ desiredState: { vms: desired() } });
    const running = () => new Set(ctl.got.filter((m) => m.vmStatus?.state === 'VM_STATE_RUNNING' && m.vmStatus.guestReady).map((m) => m.vmStatus!.vmId)).size;
    for (const t0 = Date.now(); running() < n; await sleep(250)) if (Date.now() - t0 > 180_000) throw new Error(`${n} process VMs not running in time`);
    log(`${n} process VMs running`);
    const measure = async (label: string) => {
      const u = await measureCpuPct(agent!.pid!, windowS);
      log(`${label}: agent ${u.cpuPct.toFixed(2)} % of a core over ${u.seconds.toFixed(0)} s`);
      return u.cpuPct;
    };
    const bare = await measure('no monitor');
    const polls = () => ctl.got.reduce((k, m) => k + (m.appliance ? m.appliance.changed.length + m.appliance.polled.length : 0), 0);
    ctl.send({ desiredState: { vms: desired({ enabled: true, intervalMs: 1000, jitterPct: 100, probes: [{ name: 'web', kind: 'PROBE_KIND_HTTP', path: '/', timeoutMs: 2000 }] }) } });
    const before = polls();
    const every1s = await measure('monitor polling every second');
    const seen = polls() - before;
    const monitorPct = Math.max(0, every1s - bare);
    const defaultS = INTERVAL_DEFAULT_MS / 1000;
    const atDefault = bare + monitorPct / defaultS;
    const perPollMs = (monitorPct / 100) * 1000 / n;
    log(`${seen} polls reported in the window (${(seen / n / (windowS + 3)).toFixed(2)} per vm per second); ${perPollMs.toFixed(2)} ms CPU per poll; at the default ${defaultS} s interval the agent uses ${atDefault.toFixed(2)} % of a core`);
    return {
      'monitor.agent_cpu_pct_50vms': fig(atDefault, '% of a core'),
      'monitor.agent_bare_cpu_pct_50vms': fig(bare, '% of a core'),
      'monitor.agent_cpu_pct_50vms_1s_polls': fig(every1s, '% of a core'),
      'monitor.agent_poll_cpu_ms': fig(perPollMs, 'ms'),
    };
  } finally {
    // --stop-vms-on-exit: the agent stops its VMs as it goes.
    if (agent) await stopChild(agent, 30_000);
    ctl.stop();
    removeDir(adir);
  }
}
