import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Vm__Output as Vm } from '../../common/gen/nephele/v1/Vm.js';
import type { Host__Output as Host } from '../../common/gen/nephele/v1/Host.js';
import type { AdminClient } from '../../controller/cli/client.js';
import { removeDir, stopChild, tempDir, track } from './children.js';
import { createJoinToken, DIST, startController, waitHostReady } from './controller.js';
import { pool } from './pool.js';
import { measureCpuPct } from './proc.js';
import { fig, type Figures } from './results.js';

// What metering costs an agent with 100 process VMs. The default interval
// (60 s) would need many minutes per window to see a few samples, so the
// agent runs twice over the same VMs: metering every second, then every hour
// (no sample in the window). The difference is the meter's CPU for one sample
// a second; at the default interval it is a sixtieth of that. The figure is
// the agent's own CPU without metering plus that share: its CPU at the
// default interval.

const log = (msg: string) => process.stdout.write(`[usage-agent] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DEFAULT_INTERVAL_S = 60;

export async function runUsageAgent(): Promise<Figures> {
  const n = Number(process.env.BENCH_USAGE_VMS ?? 100);
  const windowS = Number(process.env.BENCH_USAGE_WINDOW_SECONDS ?? 20);
  const cdir = tempDir('nephele-bench-meter-ctl-');
  const adir = tempDir('nbm-');
  const ctl = await startController(cdir, ['--rate-limit', '5000']);
  const admin = ctl.admin();
  let agent: ChildProcess | undefined;
  const startAgent = (interval: string, token?: string) =>
    track(
      spawn(
        process.execPath,
        [join(DIST, 'agent/main.js'), '--controller', ctl.address, '--data-dir', adir, '--name', 'bench-meter', '--schemes', 'process', '--guest-vcpus', String(n), '--log-level', 'warn', '--usage-interval', interval, ...(token ? ['--join-token', token] : [])],
        { stdio: 'ignore' },
      ),
    );
  try {
    agent = startAgent('1s', await createJoinToken(admin));
    const host = await waitHostReady(admin, 'bench-meter', 90_000);
    // Pinned VMs must fit the host's reported capacity: wait for its inventory.
    for (let t = Date.now(); ; await sleep(200)) {
      const h = (await admin.call<{ host: Host }>((md, o, cb) => admin.hosts.GetHost({ hostId: host.id }, md, o, cb as never))).host;
      if (h.schemes.includes('process') && h.inventory) break;
      if (Date.now() - t > 60_000) throw new Error('no inventory from the agent');
    }
    await createVms(admin, host.id, n);
    log(`${n} process VMs running`);
    const measure = async (label: string) => {
      const u = await measureCpuPct(agent!.pid!, windowS);
      log(`${label}: agent ${u.cpuPct.toFixed(2)} % of a core over ${u.seconds.toFixed(0)} s`);
      return u.cpuPct;
    };
    const every1s = await measure('metering every second');
    await stopChild(agent);
    agent = startAgent('1h');
    await waitHostReady(admin, 'bench-meter', 90_000);
    const off = await measure('metering every hour (none in the window)');
    const meterPct = Math.max(0, every1s - off);
    const atDefault = off + meterPct / DEFAULT_INTERVAL_S;
    const perSampleMs = (meterPct / 100) * 1000; // CPU ms per one-second tick
    log(`meter: ${perSampleMs.toFixed(1)} ms CPU per sample of ${n} VMs; at the default ${DEFAULT_INTERVAL_S} s interval the agent uses ${atDefault.toFixed(2)} % of a core`);
    return {
      'usage.agent_cpu_pct_100vms': fig(atDefault, '% of a core'),
      'usage.agent_idle_cpu_pct_100vms': fig(off, '% of a core'),
      'usage.meter_sample_cpu_ms_100vms': fig(perSampleMs, 'ms'),
    };
  } finally {
    admin.close();
    if (agent) await stopChild(agent);
    await ctl.stop();
    spawnSync('pkill', ['-9', '-f', adir]);
    removeDir(cdir);
    removeDir(adir);
  }
}

async function createVms(a: AdminClient, hostId: string, n: number): Promise<void> {
  const ids = await pool(Array.from({ length: n }), 20, async () => (await a.call<{ vm: Vm }>((md, o, cb) => a.vms.CreateVm({ hostId, spec: { scheme: 'process', vcpus: 1, memoryMib: 16, diskGib: 1 } }, md, o, cb as never))).vm.id);
  const want = new Set(ids);
  const deadline = Date.now() + 180_000;
  for (;;) {
    const r = await a.call<{ vms: Vm[] }>((md, o, cb) => a.vms.ListVms({ pageSize: 1000, hostId }, md, o, cb as never));
    if (r.vms.filter((v) => want.has(v.id) && v.state === 'VM_STATE_RUNNING').length === n) return;
    if (Date.now() > deadline) throw new Error(`${n} process VMs not running in time`);
    await sleep(250);
  }
}
