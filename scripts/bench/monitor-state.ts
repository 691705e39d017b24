import { join } from 'node:path';
import { Level } from 'level';
import { realClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { LevelStore } from '../../common/store/index.js';
import type { ApplianceState } from '../../common/gen/nephele/v1/ApplianceState.js';
import type { ApplianceReport__Output } from '../../common/gen/nephele/v1/ApplianceReport.js';
import { APPLIANCES, type ApplianceRecord } from '../../controller/model/monitor.js';
import { startMonitorState, type VmInfo } from '../../controller/monitor/state/index.js';
import { emptyRow } from '../../controller/monitor/state/diff.js';
import { removeDir, tempDir } from './children.js';
import { fig, type Figures } from './results.js';

// The state table under 10,000 appliances on 100 hosts: every 10 s poll cycle
// each host reports its 100 appliances (5 % changed in full, the rest as
// polled marks), applied by StateTable.ingest over the real LevelDB store as a
// session would call it (in process: the gRPC session itself is measured by the
// heartbeat/usage benches). Cycles run back to back, so the figure is the
// capacity, not the offered 1,000/s. Beside it, in the same run: a bare Map
// update of every polled row plus a LevelDB put of each changed row.

const env = (name: string, dflt: number) => {
  const n = Number(process.env[name] ?? dflt);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
};
const log = (msg: string) => process.stdout.write(`[monitor-state] ${msg}\n`);

const vmId = (h: number, i: number) => `01J${String(h).padStart(3, '0')}${String(i).padStart(20, '0')}`;

function state(id: string, k: number, faulted: boolean): ApplianceState {
  return {
    vmId: id,
    applianceVersion: '1.0',
    configHash: 'c0ffee',
    appState: faulted ? 'APP_STATE_FAULTED' : 'APP_STATE_RUNNING',
    fault: faulted ? `probe http failed (cycle ${k})` : '',
    processes: [
      { pid: 1, name: 'init', cmdline: '/sbin/init', exeSha256: 'a'.repeat(64) },
      { pid: 40, name: 'httpd', cmdline: 'httpd -f -p 8080', exeSha256: 'b'.repeat(64) },
    ],
    probes: [{ name: 'http', ok: !faulted, latencyMs: 3, consecutiveFailures: faulted ? 1 : 0 }],
    io: { netRxBytes: k * 1000, netTxBytes: k * 500 },
    timeUnixMs: Date.now(),
    source: 'UPDATE_SOURCE_POLL',
    polls: k,
  };
}

export async function runMonitorState(): Promise<Figures> {
  const hosts = env('BENCH_MONITOR_HOSTS', 100);
  const perHost = env('BENCH_MONITOR_PER_HOST', 100);
  const cycles = env('BENCH_MONITOR_CYCLES', 20);
  const changedPerHost = Math.max(1, Math.round(perHost * 0.05));
  const dir = tempDir('nephele-bench-monitor-');
  try {
    const store = await LevelStore.open(join(dir, 'store'));
    const vms = new Map<string, VmInfo>();
    for (let h = 0; h < hosts; h++)
      for (let i = 0; i < perHost; i++) {
        const id = vmId(h, i);
        vms.set(id, { vmId: id, name: `m-${h}-${i}`, setId: 'S', tenant: 'default', hostId: `host-${h}` });
      }
    const st = await startMonitorState({
      store,
      clock: realClock,
      log: silentLogger,
      vmOf: async (id) => vms.get(id),
      setTenant: async () => 'default',
      flushMs: 60_000,
    });
    const reportOf = (h: number, k: number): ApplianceReport__Output => {
      const changed: ApplianceState[] = [];
      const polled = [];
      for (let i = 0; i < perHost; i++) {
        const id = vmId(h, i);
        // A rotating 5 % flips state each cycle.
        if (k === 0 || (i + k) % perHost < changedPerHost) changed.push(state(id, k, (k + i) % 2 === 1));
        else polled.push({ vmId: id, timeUnixMs: Date.now(), polls: k });
      }
      return { changed, polled, timeUnixMs: Date.now() } as unknown as ApplianceReport__Output;
    };
    // Cycle 0 creates every row (not measured).
    await Promise.all(Array.from({ length: hosts }, (_, h) => st.table.ingest(`host-${h}`, reportOf(h, 0))));
    const before = { ...st.table.stats };
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let k = 1; k <= cycles; k++)
      await Promise.all(Array.from({ length: hosts }, (_, h) => st.table.ingest(`host-${h}`, reportOf(h, k))));
    await st.table.flush(); // the counters' write is part of the cost
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const changes = st.table.stats.changes - before.changes;
    const updates = changes + st.table.stats.marks - before.marks;
    const rate = updates / seconds;
    const cpuUs = (cpu.user + cpu.system) / updates;
    log(`${updates.toLocaleString()} updates (${changes.toLocaleString()} stored changes) in ${seconds.toFixed(2)} s: ${Math.round(rate).toLocaleString()}/s, ${cpuUs.toFixed(1)} µs CPU each`);
    await st.stop();
    await store.close();

    // Bare: a Map update per polled row, a LevelDB put per changed row (one batch per host report).
    const db = new Level<string, unknown>(join(dir, 'bare'), { valueEncoding: 'json' });
    await db.open();
    const rows = new Map<string, ApplianceRecord>([...vms.values()].map((v) => [v.vmId, emptyRow(v)]));
    const bcpu0 = process.cpuUsage();
    const b0 = performance.now();
    for (let k = 1; k <= cycles; k++)
      await Promise.all(
        Array.from({ length: hosts }, (_, h) => {
          const r = reportOf(h, k);
          const ops = [];
          for (const s of r.changed) {
            const row = { ...rows.get(s.vmId)!, appState: s.appState === 'APP_STATE_FAULTED' ? 'faulted' : 'running', fault: s.fault } as ApplianceRecord;
            rows.set(s.vmId, row);
            ops.push({ type: 'put' as const, key: `${APPLIANCES}/${s.vmId}`, value: row });
          }
          for (const m of r.polled) rows.get(m.vmId)!.polls++;
          return db.batch(ops);
        }),
      );
    const bareSeconds = (performance.now() - b0) / 1000;
    const bcpu = process.cpuUsage(bcpu0);
    await db.close();
    const bare = updates / bareSeconds;
    log(`bare Map + LevelDB: ${Math.round(bare).toLocaleString()}/s, ${((bcpu.user + bcpu.system) / updates).toFixed(1)} µs CPU each (ratio ${(rate / bare).toFixed(2)})`);
    return {
      'monitor.state_updates_per_s': fig(rate, 'updates/s', 0),
      'monitor.state_cpu_us_per_update': fig(cpuUs, 'µs'),
      'monitor.bare_state_updates_per_s': fig(bare, 'updates/s', 0),
      'monitor.bare_state_cpu_us_per_update': fig((bcpu.user + bcpu.system) / updates, 'µs'),
      'monitor.state_changes_stored': fig(changes, 'rows', 0),
    };
  } finally {
    removeDir(dir);
  }
}
