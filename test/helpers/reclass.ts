// What reclassification's end-to-end test builds its world from (issue 15): a
// process appliance image that carries nephele-manifest.json, backdated usage
// delivered the way every metered interval is (through a real agent's durable
// outbox and its session into the controller's ingest), the hourly rows read
// back with `nephele usage query`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { VmUsage } from '../../common/gen/nephele/v1/VmUsage.js';
import { LevelStore } from '../../common/store/index.js';
import { writeTar } from '../../common/tar.js';
import { Outbox } from '../../agent/outbox.js';
import { MAX_BATCH_RECORDS } from '../../agent/usage/meter.js';
import { HOUR_MS, hourOf } from '../../controller/usage/model.js';
import { cli, type ControllerProc, type Proc } from './procs.js';
import { wireUsage } from './usage-records.js';
import { waitFor } from './wait.js';

export const MANIFEST_FILE = 'nephele-manifest.json';

/** nephele-manifest.json as an appliance ships it (snake_case keys). */
export interface ManifestFile {
  min_vcpus?: number;
  max_vcpus?: number;
  min_memory_mib?: number;
  max_memory_mib?: number;
  required_features?: string[];
  net_mbps?: number;
  modules?: string[];
}

/**
 * A process appliance image tarball (the layout `nephele image import` takes:
 * config.json, data/, appliance-version) whose data dir holds the manifest.
 * A VM cloned from it gets the file in its own data dir, where the agent's
 * read_manifest finds it.
 */
export function applianceTarball(
  dir: string,
  name: string,
  o: { config: Record<string, string>; manifest: ManifestFile; version?: string },
): string {
  const src = join(dir, `${name}-src`);
  mkdirSync(join(src, 'data'), { recursive: true });
  writeFileSync(join(src, 'config.json'), JSON.stringify(o.config));
  writeFileSync(join(src, 'data', MANIFEST_FILE), JSON.stringify(o.manifest));
  writeFileSync(join(src, 'appliance-version'), `${o.version ?? '1.0.0'}\n`);
  const file = join(dir, `${name}.tar`);
  writeTar(src, file);
  return file;
}

/** Where a process VM's manifest lands on its host (DATA_DIR of agent/drivers/process/manage.ts). */
export const vmManifestPath = (agentDataDir: string, vmId: string): string =>
  join(agentDataDir, 'vms', vmId, 'data', MANIFEST_FILE);

/** A VM's steady load: what every hour of its backdated usage says it used. */
export interface HourlyLoad {
  cpuVcpus: number;
  memoryMib: number;
  /** Received + sent, Mbit/s (default 0). */
  netMbps?: number;
}

/**
 * One usage interval per whole hour for the `hours` hours before the current
 * one (the current hour is left to the real meter), as an agent sends them.
 */
export function backdatedUsage(vmId: string, load: HourlyLoad, hours: number, now = Date.now()): VmUsage[] {
  const up = HOUR_MS / 1000;
  const netBytes = Math.round((((load.netMbps ?? 0) * 1e6) / 8) * up);
  return Array.from({ length: hours }, (_, i) => {
    const startUnixMs = hourOf(now) - (hours - i) * HOUR_MS;
    return wireUsage({
      vmId,
      startUnixMs,
      endUnixMs: startUnixMs + HOUR_MS,
      cpuSeconds: load.cpuVcpus * up,
      memoryByteSeconds: load.memoryMib * 2 ** 20 * up,
      netRxBytes: Math.floor(netBytes / 2),
      netTxBytes: Math.ceil(netBytes / 2),
      uptimeSeconds: up,
      sources: { cpu: 'cgroup', memory: 'cgroup', net: 'none' },
    });
  });
}

/**
 * Delivers `records` as the agent's own metered usage: the agent is stopped
 * (SIGTERM: a restart keeps its VMs), the records go into its durable outbox
 * the way the meter puts them there, and `restart` starts it again. It sends
 * them on its session like any backlog, and the controller stores them through
 * its one ingest path (checkUsageBatch → usageOps, dirty hours → rollup).
 */
export async function deliverThroughAgent(
  agent: Proc,
  agentDataDir: string,
  records: VmUsage[],
  restart: () => Proc,
): Promise<Proc> {
  await agent.stop();
  const store = await LevelStore.open(join(agentDataDir, 'state'));
  try {
    const outbox = await Outbox.open(store);
    for (let i = 0; i < records.length; i += MAX_BATCH_RECORDS)
      await outbox.addUsage(records.slice(i, i + MAX_BATCH_RECORDS), [], Date.now());
  } finally {
    await store.close();
  }
  return restart();
}

/** An hourly usage row as `nephele usage query --json` prints it. */
export interface HourRow {
  vmId: string;
  startUnixMs: number;
  cpuSeconds: number;
  memoryByteSeconds: number;
  uptimeSeconds: number;
  records: number;
}

/** The VM's hourly rows of the last `since` (e.g. 72h), through the CLI. */
export async function hourlyRows(ctl: ControllerProc, vmId: string, since = '72h'): Promise<HourRow[]> {
  const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir, '--json'];
  const r = await cli([...base, 'usage', 'query', '--granularity', 'hour', '--vm', vmId, '--from', since]);
  if (r.code !== 0) throw new Error(`usage query: ${r.stderr.trim()}`);
  return (JSON.parse(r.stdout) as HourRow[]).map((x) => ({
    ...x,
    startUnixMs: Number(x.startUnixMs),
    records: Number(x.records),
  }));
}

/** Waits until the VM has `n` hourly rows starting before `before` (its backdated usage, rolled up). */
export const backdatedRolledUp = (ctl: ControllerProc, vmId: string, n: number, before: number): Promise<HourRow[]> =>
  waitFor(
    async () => {
      const past = (await hourlyRows(ctl, vmId)).filter((r) => r.startUnixMs < before);
      return past.length >= n ? past : undefined;
    },
    { timeoutMs: 60_000, message: `${n} hourly rows of vm ${vmId}` },
  );

/** vCPUs used over a row (cpu-seconds per second up). */
export const vcpusOf = (r: Pick<HourRow, 'cpuSeconds' | 'uptimeSeconds'>): number =>
  r.uptimeSeconds > 0 ? r.cpuSeconds / r.uptimeSeconds : 0;

/**
 * The CPU limit, in vCPUs, of a process VM's cgroup (v2 cpu.max, else v1
 * cfs quota; the process driver's layout in agent/drivers/process/cgroup.ts);
 * undefined when the host put it in none.
 */
export function cgroupVcpus(vmId: string, root = '/sys/fs/cgroup'): number | undefined {
  const read = (f: string) => {
    try {
      return readFileSync(f, 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  const v2 = read(join(root, 'nephele', vmId, 'cpu.max'))?.split(' ');
  if (v2 && v2[0] !== 'max') return Number(v2[0]) / Number(v2[1]);
  const quota = read(join(root, 'cpu', 'nephele', vmId, 'cpu.cfs_quota_us'));
  const period = read(join(root, 'cpu', 'nephele', vmId, 'cpu.cfs_period_us'));
  return quota && period && Number(quota) > 0 ? Number(quota) / Number(period) : undefined;
}

/** A local HTTP endpoint that keeps the JSON bodies POSTed to it (at most `max`), e.g. for --reclass-webhook. */
export async function jsonReceiver(max = 100): Promise<{ url: string; bodies: unknown[]; close(): Promise<void> }> {
  const bodies: unknown[] = [];
  const srv = createServer((req, res) => {
    let b = '';
    req.on('data', (d: Buffer) => (b += d.toString('utf8')));
    req.on('end', () => {
      try {
        if (bodies.length < max) bodies.push(JSON.parse(b));
      } catch {
        /* not JSON: not kept */
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/reclass`,
    bodies,
    close: () => new Promise<void>((r) => srv.close(() => r())),
  };
}
