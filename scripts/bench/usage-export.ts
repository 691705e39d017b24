import { join } from 'node:path';
import { Level } from 'level';
import { LevelStore, putFresh } from '../../common/store/index.js';
import { encodeUsage } from '../../controller/usage/codec.js';
import { packBlocks } from '../../controller/usage/blocks.js';
import { rawKey, recordId, USAGE_RAW, type UsageRecord } from '../../controller/usage/model.js';
import type { ExportUsageChunk__Output } from '../../common/gen/nephele/v1/ExportUsageChunk.js';
import { removeDir, tempDir } from './children.js';
import { startController } from './controller.js';
import { fig, type Figures } from './results.js';

// usage.export_records_per_s: 1,000,000 raw usage records in the controller's
// store, a filtered export (tenant + time range) streamed to a gRPC client as
// CSV (and as FOCUS: usage.export_focus_records_per_s). Beside it
// usage.bare_scan_records_per_s: the same records read by an ordered LevelDB
// scan with `level` directly (JSON values, no filter, no formatting, no gRPC),
// one entry per record as a plain store keeps them. The controller stores them
// packed (controller/usage/blocks.ts: one entry per batch and hour), so the
// baseline is its own copy of the records, one entry each, not the store's.

const N = Number(process.env.BENCH_USAGE_RECORDS ?? 1_000_000);
const VMS = 1000;
// Recent (inside the default 7-day raw retention, or the controller's pruning would race the export).
const T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 86_400_000;
const log = (msg: string) => process.stdout.write(`[usage-export] ${msg}\n`);

function record(i: number): UsageRecord {
  const vm = i % VMS;
  const r = {
    id: '',
    vmId: `01HVM${String(vm).padStart(21, '0')}`,
    vmName: `web-${vm}`,
    setId: '',
    tenant: 'acme',
    hostId: `01HHXST${String(vm % 50).padStart(19, '0')}`,
    scheme: 'process',
    vmClass: '2c-1g',
    app: 'web',
    userGroup: 'eng',
    sla: 'best_effort' as const,
    vcpus: 2,
    memoryMib: 1024,
    // One record per VM per minute: 1,000 VMs over ~16.7 hours.
    startUnixMs: T0 + Math.floor(i / VMS) * 60_000,
    endUnixMs: T0 + Math.floor(i / VMS) * 60_000 + 60_000,
    cpuSeconds: 12.345 + (i % 17),
    memoryByteSeconds: 60 * 300e6 + i,
    diskReadBytes: 4096 * (i % 100),
    diskWriteBytes: 8192 * (i % 50),
    netRxBytes: 1500 * (i % 1000),
    netTxBytes: 900 * (i % 700),
    uptimeSeconds: 60,
    vcpuSeconds: 120,
    memoryMibSeconds: 61_440,
    records: 1,
    sources: { cpu: 'cgroup', mem: 'proc', net: 'process' },
    source: '',
  };
  return { ...r, id: recordId(r) };
}

async function seed(dir: string): Promise<void> {
  const store = await LevelStore.open(join(dir, 'store'));
  const bare = new Level<string, unknown>(join(dir, 'bare'), { valueEncoding: 'json' });
  await bare.open();
  const t = performance.now();
  let blocks = 0;
  const seqs = new Map<string, number>();
  // Minute by minute (VMS records each): each host's records of the minute are one batch, as its agent sends them.
  for (let i = 0; i < N; i += VMS) {
    const byHost = new Map<string, UsageRecord[]>();
    for (let j = i; j < Math.min(N, i + VMS); j++) {
      const r = record(j);
      const mine = byHost.get(r.hostId) ?? [];
      if (!mine.length) byHost.set(r.hostId, mine);
      mine.push(r);
    }
    const ops = [];
    const bareOps: { type: 'put'; key: string; value: unknown }[] = [];
    for (const [host, recs] of byHost) {
      const seq = (seqs.get(host) ?? 0) + 1;
      seqs.set(host, seq);
      const lines = recs.map(encodeUsage);
      // As ingest stores them (ingest.ts usageOps: codec.ts lines packed by blocks.ts).
      for (const b of packBlocks(host, seq, recs.map((r) => r.startUnixMs), lines)) ops.push(putFresh(USAGE_RAW, b.key, b.value));
      // The baseline: one entry per record, as the store wraps values.
      recs.forEach((r, k) => bareOps.push({ type: 'put' as const, key: rawKey(r), value: { v: 1, d: lines[k] } }));
    }
    blocks += ops.length;
    await store.batch(ops);
    await bare.batch(bareOps);
  }
  await store.close();
  await bare.close();
  log(`seeded ${N} records (${blocks} blocks) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

/** An ordered scan of the same records with `level` directly: the floor under any export. */
async function bareScan(dir: string): Promise<number> {
  const db = new Level<string, unknown>(join(dir, 'bare'), { valueEncoding: 'json' });
  const t = performance.now();
  let n = 0;
  // Values only, as the export reads them.
  for await (const [, v] of db.iterator({ keys: false })) if (v) n++;
  const s = (performance.now() - t) / 1000;
  await db.close();
  if (n !== N) throw new Error(`bare scan read ${n} of ${N}`);
  log(`bare scan: ${n} records in ${s.toFixed(2)} s`);
  return n / s;
}

export async function runUsageExport(): Promise<Figures> {
  const dir = tempDir('nephele-bench-usage-export-');
  try {
    await seed(dir);
    const bare = await bareScan(dir);
    const ctl = await startController(dir);
    const admin = ctl.admin();
    try {
      await admin.ready();
      const exportOnce = (format: string) =>
        new Promise<{ records: number; bytes: number; s: number }>((resolve, reject) => {
          const t = performance.now();
          let records = 0;
          let bytes = 0;
          const call = admin.usage.ExportUsage(
            {
              filter: { tenant: 'acme', fromUnixMs: T0, toUnixMs: T0 + 86_400_000 },
              format,
              granularity: 'USAGE_GRANULARITY_RAW',
            },
            admin.metadata(),
          );
          call.on('data', (c: ExportUsageChunk__Output) => {
            records += Number(c.records);
            bytes += c.data.length;
          });
          call.on('error', reject);
          call.on('end', () => resolve({ records, bytes, s: (performance.now() - t) / 1000 }));
        });
      const out: Figures = {};
      // BENCH_USAGE_FORMATS=csv to skip FOCUS while iterating.
      const formats = (process.env.BENCH_USAGE_FORMATS ?? 'csv,focus').split(',');
      for (const [format, name] of [
        ['csv', 'usage.export_records_per_s'],
        ['focus', 'usage.export_focus_records_per_s'],
      ] as const) {
        if (!formats.includes(format)) continue;
        const r = await exportOnce(format);
        if (r.records !== N) throw new Error(`${format} export returned ${r.records} of ${N} records`);
        log(`${format}: ${r.records} records, ${(r.bytes / 2 ** 20).toFixed(0)} MiB in ${r.s.toFixed(2)} s`);
        out[name] = fig(r.records / r.s, 'records/s', 0);
      }
      out['usage.bare_scan_records_per_s'] = fig(bare, 'records/s', 0);
      return out;
    } finally {
      admin.close();
      await ctl.stop();
    }
  } finally {
    removeDir(dir);
  }
}
