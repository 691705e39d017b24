import { join } from 'node:path';
import { Level } from 'level';
import { realClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { LevelStore } from '../../common/store/index.js';
import type { ApplianceState } from '../../common/gen/nephele/v1/ApplianceState.js';
import type { ApplianceReport } from '../../common/gen/nephele/v1/ApplianceReport.js';
import type { ApplianceReport__Output } from '../../common/gen/nephele/v1/ApplianceReport.js';
import { APPLIANCES, type ApplianceRecord } from '../../controller/model/monitor.js';
import { startMonitorState, type VmInfo } from '../../controller/monitor/state/index.js';
import { emptyRow } from '../../controller/monitor/state/diff.js';
import { fig, type Figures } from './results.js';

// The state table alone, in process (no session, no gRPC): the same reports the
// end-to-end benchmark (monitor-state.ts) sends over real sessions, applied by
// StateTable.ingest over the real LevelDB store, cycles back to back. And the
// baseline of both: a bare Map update of every polled row plus a LevelDB put of
// each changed row (one batch per host report).

export const benchEnv = (name: string, dflt: number) => {
  const n = Number(process.env[name] ?? dflt);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
};
export const log = (msg: string) => process.stdout.write(`[monitor-state] ${msg}\n`);

/** One poll of an appliance: `k` moves its worker's pid (a change the table stores; no ladder reacts to it). */
function state(id: string, k: number): ApplianceState {
  return {
    vmId: id,
    applianceVersion: '1.0',
    configHash: 'c0ffee',
    appState: 'APP_STATE_RUNNING',
    fault: '',
    processes: [
      { pid: 1, name: 'init', cmdline: '/sbin/init', exeSha256: 'a'.repeat(64) },
      { pid: 40 + k, name: 'httpd', cmdline: 'httpd -f -p 8080', exeSha256: 'b'.repeat(64) },
    ],
    probes: [{ name: 'http', ok: true, latencyMs: 3, consecutiveFailures: 0 }],
    io: { netRxBytes: k * 1000, netTxBytes: k * 500 },
    timeUnixMs: Date.now(),
    source: 'UPDATE_SOURCE_POLL',
    polls: k,
  };
}

/** The report of one host's appliances `ids` at cycle `k`: all in full at 0, then a rotating 5 % in full and the rest as marks. */
export function reportOf(ids: readonly string[], k: number): ApplianceReport {
  const n = ids.length;
  const changedN = Math.max(1, Math.round(n * 0.05));
  const changed: ApplianceState[] = [];
  const polled = [];
  for (let i = 0; i < n; i++) {
    if (k === 0 || (i + k) % n < changedN) changed.push(state(ids[i]!, k));
    else polled.push({ vmId: ids[i]!, timeUnixMs: Date.now(), polls: k });
  }
  return { changed, polled, timeUnixMs: Date.now() };
}

const vmId = (h: number, i: number) => `01J${String(h).padStart(3, '0')}${String(i).padStart(20, '0')}`;

/** Bare: a Map update per polled row, a LevelDB put per changed row, one batch per host report. */
export async function bareUpdates(
  path: string,
  hosts: { hostId: string; ids: string[] }[],
  cycles: number,
): Promise<{ updates: number; perS: number; cpuUs: number }> {
  const db = new Level<string, unknown>(path, { valueEncoding: 'json' });
  await db.open();
  const rows = new Map<string, ApplianceRecord>();
  for (const h of hosts)
    for (const id of h.ids) rows.set(id, emptyRow({ vmId: id, name: id, setId: '', tenant: 'default', hostId: h.hostId }));
  let updates = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let k = 1; k <= cycles; k++)
    await Promise.all(
      hosts.map((h) => {
        const r = reportOf(h.ids, k);
        const ops = [];
        for (const s of r.changed!) {
          const row = { ...rows.get(s.vmId!)!, processes: s.processes, polls: s.polls } as ApplianceRecord;
          rows.set(s.vmId!, row);
          ops.push({ type: 'put' as const, key: `${APPLIANCES}/${s.vmId}`, value: row });
        }
        for (const m of r.polled!) rows.get(m.vmId!)!.polls++;
        updates += r.changed!.length + r.polled!.length;
        return db.batch(ops);
      }),
    );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await db.close();
  return { updates, perS: updates / seconds, cpuUs: (cpu.user + cpu.system) / updates };
}

/** The state table in process over `hosts` × `perHost` appliances; figures `monitor.state_*_inproc*`. */
export async function runInproc(dir: string, hosts: number, perHost: number, cycles: number): Promise<Figures> {
  const store = await LevelStore.open(join(dir, 'inproc-store'));
  const fleet = Array.from({ length: hosts }, (_, h) => ({
    hostId: `host-${h}`,
    ids: Array.from({ length: perHost }, (_, i) => vmId(h, i)),
  }));
  const vms = new Map<string, VmInfo>();
  for (const h of fleet)
    for (const id of h.ids) vms.set(id, { vmId: id, name: id, setId: 'S', tenant: 'default', hostId: h.hostId });
  const st = await startMonitorState({
    store,
    clock: realClock,
    log: silentLogger,
    vmOf: async (id) => vms.get(id),
    setTenant: async () => 'default',
    flushMs: 60_000,
  });
  const ingestAll = (k: number) =>
    Promise.all(fleet.map((h) => st.table.ingest(h.hostId, reportOf(h.ids, k) as unknown as ApplianceReport__Output)));
  await ingestAll(0); // creates every row (not measured)
  const before = { ...st.table.stats };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let k = 1; k <= cycles; k++) await ingestAll(k);
  await st.table.flush(); // the counters' write is part of the cost
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const changes = st.table.stats.changes - before.changes;
  const updates = changes + st.table.stats.marks - before.marks;
  const rate = updates / seconds;
  const cpuUs = (cpu.user + cpu.system) / updates;
  log(
    `in process: ${updates.toLocaleString()} updates (${changes.toLocaleString()} stored changes) in ${seconds.toFixed(2)} s: ` +
      `${Math.round(rate).toLocaleString()}/s, ${cpuUs.toFixed(1)} µs CPU each`,
  );
  await st.stop();
  await store.close();
  const bare = await bareUpdates(join(dir, 'inproc-bare'), fleet, cycles);
  log(
    `in process, bare Map + LevelDB: ${Math.round(bare.perS).toLocaleString()}/s, ${bare.cpuUs.toFixed(1)} µs CPU each ` +
      `(ratio ${(rate / bare.perS).toFixed(2)})`,
  );
  return {
    'monitor.state_updates_inproc_per_s': fig(rate, 'updates/s', 0),
    'monitor.state_inproc_cpu_us_per_update': fig(cpuUs, 'µs'),
    'monitor.bare_state_updates_inproc_per_s': fig(bare.perS, 'updates/s', 0),
    'monitor.bare_state_inproc_cpu_us_per_update': fig(bare.cpuUs, 'µs'),
  };
}
