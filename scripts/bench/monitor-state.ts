import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { LevelStore, put } from '../../common/store/index.js';
import type { ListAppliancesResponse__Output } from '../../common/gen/nephele/v1/ListAppliancesResponse.js';
import { VMS } from '../../controller/vms/registry.js';
import { enrolAll, SimAgent } from '../../test/helpers/sim-agent.js';
import { scrape } from '../../test/helpers/metrics.js';
import { removeDir, tempDir } from './children.js';
import { createJoinToken, startController, type RunningController } from './controller.js';
import { benchEnv, bareUpdates, log, reportOf, runInproc } from './monitor-state-inproc.js';
import { pool } from './pool.js';
import { CLK_TCK, cpuTicks } from './proc.js';
import { fig, type Figures } from './results.js';
import { vmRecord } from './usage-ingest.js';

// The appliance state table end to end: 10,000 appliances on 100 simulated
// agents, each on a real Session (mTLS over loopback) to a real controller
// process, its 100 VMs stored as placed on it and a fleet policy enabled. Every
// poll cycle each agent sends one ApplianceReport: a rotating 5 % in full (the
// worker's pid moved: a stored change), the rest as PolledMarks. An update
// counts when the controller has APPLIED it: its counters
// (nephele_monitor_state_{changes,marks}_total, scraped over --metrics-listen)
// say so; the table is checked through ListAppliances at the end.
//  - capacity: cycles back to back (the next once the one before it is
//    applied, two in flight), not every 10 s: updates/s and the controller's
//    CPU µs per update (/proc utime+stime over the window, scrapes included);
//  - paced: cycles at the real 10 s interval, each agent at its own phase: the
//    controller's CPU % of one core (heartbeats of the 100 sessions included).
// Beside them, in the same run: the state table in process, and a bare Map
// update + LevelDB put of the same rows (monitor-state-inproc.ts).

const GiB = 2 ** 30;
const SCRAPE_MS = 50;

const applied = async (metrics: string) => {
  const m = await scrape(metrics);
  return (m.value('nephele_monitor_state_changes_total') ?? 0) + (m.value('nephele_monitor_state_marks_total') ?? 0);
};

/** Scrapes until the controller applied `target` updates in all; the time it saw them. */
async function until(metrics: string, target: number, timeoutMs = 300_000): Promise<number> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const n = await applied(metrics);
    if (n >= target) return performance.now();
    if (performance.now() > end) throw new Error(`controller applied ${n} of ${target} updates`);
    await new Promise((r) => setTimeout(r, SCRAPE_MS));
  }
}

/** Waits (at most a minute) until the process used under 20 % of a core over half a second; the seconds waited. */
async function settle(pid: number): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const ticks = cpuTicks(pid);
    await new Promise((r) => setTimeout(r, 500));
    if (cpuTicks(pid) - ticks < 0.1 * CLK_TCK || performance.now() - t0 > 60_000) return (performance.now() - t0) / 1000;
  }
}

/** Every row of the table through MonitorService: how many there are and how many were polled `polls` times. */
async function tableCheck(ctl: RunningController, polls: number): Promise<{ rows: number; exact: number }> {
  const admin = ctl.admin();
  let rows = 0;
  let exact = 0;
  let pageToken = '';
  try {
    do {
      const r = (await admin.listAppliances({ pageSize: 1000, pageToken })) as ListAppliancesResponse__Output;
      rows += r.appliances.length;
      exact += r.appliances.filter((a) => Number(a.polls) === polls).length;
      pageToken = r.nextPageToken;
    } while (pageToken);
  } finally {
    admin.close();
  }
  return { rows, exact };
}

export async function runMonitorState(): Promise<Figures> {
  const hosts = benchEnv('BENCH_MONITOR_HOSTS', 100);
  const perHost = benchEnv('BENCH_MONITOR_PER_HOST', 100);
  const cycles = benchEnv('BENCH_MONITOR_CYCLES', 20);
  const paced = benchEnv('BENCH_MONITOR_PACED_CYCLES', 3);
  const intervalMs = benchEnv('BENCH_MONITOR_INTERVAL_MS', 10_000);
  const window = benchEnv('BENCH_MONITOR_WINDOW', 4);
  const dir = tempDir('nephele-bench-monitor-');
  const agents: SimAgent[] = [];
  let ctl: RunningController | undefined;
  try {
    ctl = await startController(dir);
    const admin = ctl.admin();
    const tokens = await pool(Array.from({ length: hosts }), 20, () => createJoinToken(admin, 'bench-monitor'));
    admin.close();
    const ca = readFileSync(join(dir, 'ca.pem'));
    const ids = await enrolAll(ctl.address, ca, tokens, { concurrency: 16, hostname: (i) => `monitor-${i}` });
    // Their VMs, written straight into the stopped controller's store (placing them is another benchmark).
    await ctl.stop();
    const fleet: { hostId: string; ids: string[] }[] = [];
    const store = await LevelStore.open(join(dir, 'store'));
    for (const [h, id] of ids.entries()) {
      const mine = Array.from({ length: perHost }, (_, i) => vmRecord(id.hostId, h * perHost + i));
      fleet.push({ hostId: id.hostId, ids: mine.map((v) => v.id) });
      await store.batch(mine.map((v) => put(VMS, v.id, v)));
    }
    await store.close();
    ctl = await startController(dir, ['--metrics-listen', '127.0.0.1:0']);
    const metrics = /"metrics":"([^"]+)"/.exec(ctl.output.toString())?.[1];
    if (!metrics) throw new Error(`the controller named no metrics address\n${ctl.output}`);
    const policyAdmin = ctl.admin();
    await policyAdmin.setMonitorPolicy({ scope: 'fleet', policy: { enabled: true, intervalS: intervalMs / 1000 } });
    policyAdmin.close();

    for (const id of ids)
      agents.push(
        new SimAgent(id, ca, {
          heartbeat: { load: { load1: 0, cpuPct: 0, memoryAvailableBytes: 8 * GiB }, free: { vcpus: 0, memoryBytes: 0, diskBytes: 0 } },
          beats: 'self',
        }),
      );
    const opened = await pool(agents, 50, (a) => a.connect(ctl!.address, 90_000));
    if (opened.some((o) => o !== 'open')) throw new Error(`${opened.filter((o) => o !== 'open').length} sessions not open`);
    const total = hosts * perHost;
    // Cycle 0 creates every row (not measured).
    const base = await applied(metrics);
    agents.forEach((a, h) => a.send({ appliance: reportOf(fleet[h]!.ids, 0) }));
    await until(metrics, base + total);
    // New rows also go through the decide loop (each reads its action history
    // once): the window starts when the controller is quiet again.
    const quiet = await settle(ctl.pid);
    log(`${agents.length} sessions open, ${total.toLocaleString()} rows created, controller quiet after ${quiet.toFixed(1)} s`);

    // Capacity: the reports built beforehand (the sender must not be what limits
    // the rate); cycle k goes out once cycle k-WINDOW is applied.
    const built = Array.from({ length: cycles }, (_, c) => fleet.map((h) => reportOf(h.ids, c + 1)));
    const start = base + total;
    const ticks0 = cpuTicks(ctl.pid);
    const own0 = process.cpuUsage();
    const t0 = performance.now();
    for (let k = 1; k <= cycles; k++) {
      if (k > window) await until(metrics, start + (k - window) * total);
      agents.forEach((a, h) => a.send({ appliance: built[k - 1]![h]! }));
    }
    const t1 = await until(metrics, start + cycles * total);
    const seconds = (t1 - t0) / 1000;
    const cpuS = (cpuTicks(ctl.pid) - ticks0) / CLK_TCK;
    const own = process.cpuUsage(own0);
    const cpuUs = (cpuS * 1e6) / (cycles * total);
    const rate = (cycles * total) / seconds;
    log(
      `capacity: ${(cycles * total).toLocaleString()} updates (${cycles} cycles back to back, ${window} in flight, not every ` +
        `${intervalMs / 1000} s) applied in ${seconds.toFixed(2)} s: ${Math.round(rate).toLocaleString()}/s, controller ` +
        `${cpuUs.toFixed(1)} µs CPU each (${((cpuS / seconds) * 100).toFixed(0)} % of a core over the window; ` +
        `the agents' process ${(((own.user + own.system) / 1e6 / seconds) * 100).toFixed(0)} %, machine load ${loadavg()[0]!.toFixed(1)})`,
    );

    // The same sessions idle for one interval (heartbeats only): what the paced cycles add is above it.
    const iTicks0 = cpuTicks(ctl.pid);
    const i0 = performance.now();
    await new Promise((r) => setTimeout(r, intervalMs));
    const idlePct = (((cpuTicks(ctl.pid) - iTicks0) / CLK_TCK) * 100) / ((performance.now() - i0) / 1000);

    // Paced: every agent at its own phase within the interval, as real agents poll.
    const pStart = start + cycles * total;
    const pTicks0 = cpuTicks(ctl.pid);
    const p0 = performance.now();
    for (let c = 1; c <= paced; c++) {
      const k = cycles + c;
      const cycleAt = p0 + (c - 1) * intervalMs;
      await Promise.all(
        agents.map(
          (a, h) =>
            new Promise<void>((resolve) =>
              setTimeout(() => resolve(a.send({ appliance: reportOf(fleet[h]!.ids, k) })), Math.max(0, cycleAt + (h * intervalMs) / hosts - performance.now())),
            ),
        ),
      );
    }
    const pEnd = await until(metrics, pStart + paced * total);
    // The window is the paced cycles' length (the last report applied, at worst a little later).
    const pSeconds = Math.max(paced * intervalMs, pEnd - p0) / 1000;
    const pCpuPct = (((cpuTicks(ctl.pid) - pTicks0) / CLK_TCK) * 100) / pSeconds;
    const pCpuUs = (((cpuTicks(ctl.pid) - pTicks0) * 1e6) / CLK_TCK) / (paced * total);
    log(
      `paced: ${paced} cycles at ${intervalMs / 1000} s (${Math.round(total / (intervalMs / 1000)).toLocaleString()} updates/s offered): ` +
        `controller ${pCpuPct.toFixed(1)} % of a core (the same sessions idle: ${idlePct.toFixed(1)} %), ` +
        `${pCpuUs.toFixed(1)} µs CPU per update (heartbeats included)`,
    );

    const check = await tableCheck(ctl, 1 + cycles + paced);
    log(`ListAppliances: ${check.rows.toLocaleString()} rows, ${check.exact.toLocaleString()} with every poll counted`);
    if (check.rows !== total || check.exact !== total) throw new Error(`state table: ${check.rows} rows, ${check.exact} with ${1 + cycles + paced} polls`);
    for (const a of agents) a.close();
    await ctl.stop();

    const bare = await bareUpdates(join(dir, 'bare'), fleet, cycles);
    log(`bare Map + LevelDB put: ${Math.round(bare.perS).toLocaleString()}/s, ${bare.cpuUs.toFixed(1)} µs CPU each (ratio ${(rate / bare.perS).toFixed(3)})`);
    const inproc = await runInproc(dir, hosts, perHost, cycles);
    return {
      'monitor.state_updates_per_s': fig(rate, 'updates/s', 0),
      'monitor.state_cpu_us_per_update': fig(cpuUs, 'µs'),
      'monitor.state_paced_cpu_pct': fig(pCpuPct, '% of a core'),
      'monitor.state_paced_cpu_us_per_update': fig(pCpuUs, 'µs'),
      'monitor.state_idle_sessions_cpu_pct': fig(idlePct, '% of a core'),
      'monitor.bare_state_updates_per_s': fig(bare.perS, 'updates/s', 0),
      'monitor.bare_state_cpu_us_per_update': fig(bare.cpuUs, 'µs'),
      'monitor.state_vs_bare': fig(rate / bare.perS, 'ratio', 3),
      ...inproc,
    };
  } finally {
    for (const a of agents) a.close();
    await ctl?.stop();
    removeDir(dir);
  }
}
