import { join } from 'node:path';
import { Level } from 'level';
import { LevelStore, putFresh } from '../../common/store/index.js';
import { findingsOf } from '../../controller/reclass/analyze/findings.js';
import { profileOf } from '../../controller/reclass/analyze/profile.js';
import { readSeries } from '../../controller/reclass/analyze/series.js';
import type { UsageSeries } from '../../controller/reclass/ports.js';
import { HOUR_MS } from '../../controller/usage/model.js';
import { rollupKey, USAGE_HOUR, type RollupRow } from '../../controller/usage/rollup.js';
import { mulberry32 } from '../../test/helpers/rng.js';
import { rollupRow } from '../../test/helpers/usage-records.js';
import { removeDir, tempDir } from './children.js';
import { fig, type Figures } from './results.js';

// reclass.analyze_s_100k: the analysis of 100,000 VMs x 30 days of hourly
// samples (4 metrics each) in memory → usage profiles (p50/p95/p99/max/mean by
// histogram + quickselect in one bucket) + findings. Beside it, over the SAME numbers in the same run,
// reclass.bare_percentiles_s_100k: a plain copy + typed-array sort per metric
// and the nearest-rank indexes. Data generation is not timed: VMs are generated
// in chunks (a chunk of 1,000 VMs is ~23 MB; all of them at once would be 2.3 GB)
// and only the analysis of each chunk is on the clock.
//
// reclass.series_rows_per_s: series read from a real LevelDB of hourly rollups
// (readSeries: one scan of the window, grouped per VM into columns) beside
// reclass.bare_scan_rows_per_s: the same rows read by an ordered scan with
// `level` directly (JSON values, nothing done with them).

const VMS = Number(process.env.BENCH_RECLASS_VMS ?? 100_000);
const HOURS = 720;
const CHUNK = 1000;
const SERIES_VMS = Number(process.env.BENCH_RECLASS_SERIES_VMS ?? 2000);
const SERIES_HOURS = 168;
const T0 = Date.UTC(2026, 0, 1);
const log = (msg: string) => process.stdout.write(`[reclass-analyze] ${msg}\n`);

/** A chunk of VMs' series: busy, idle and spiky shapes. */
function chunk(rand: () => number, n: number): UsageSeries[] {
  const hours = Float64Array.from({ length: HOURS }, (_, i) => T0 + i * HOUR_MS);
  return Array.from({ length: n }, (_, v) => {
    const level = rand() * 4;
    const col = (scale: number) => Float64Array.from({ length: HOURS }, () => (rand() < 0.02 ? 3 : 1) * level * scale * rand());
    return {
      vmId: String(v),
      hourStartUnixMs: hours,
      cpuVcpus: col(1),
      memoryMib: col(1024),
      diskIoMbps: col(10),
      netMbps: col(50),
      oomKills: 0,
      throttledSeconds: 0,
    };
  });
}

const WINDOW = { windowHours: HOURS, minDataHours: 24, endUnixMs: T0 + HOURS * HOUR_MS, createdUnixMs: 0 };

function analyzeChunk(series: UsageSeries[]): number {
  let findings = 0;
  for (const s of series) {
    const usage = profileOf(s, WINDOW);
    findings += findingsOf({ vcpus: 4, memoryMib: 4096, usage, hostFeatures: [], classNetMbps: 1000 }).length;
  }
  return findings;
}

/** The floor: sort a copy of each metric, read p50/p95/p99/max by index, sum for the mean. */
function bareChunk(series: UsageSeries[]): number {
  let acc = 0;
  for (const s of series)
    for (const col of [s.cpuVcpus, s.memoryMib, s.diskIoMbps, s.netMbps]) {
      const a = Float64Array.from(col).sort();
      const at = (p: number) => a[Math.max(0, Math.ceil((p / 100) * a.length) - 1)]!;
      let sum = 0;
      for (let i = 0; i < a.length; i++) sum += a[i]!;
      acc += at(50) + at(95) + at(99) + a[a.length - 1]! + sum / a.length;
    }
  return acc;
}

function timeAnalysis(): { analyzeS: number; bareS: number; findings: number } {
  const rand = mulberry32(0x5eed);
  let analyzeS = 0;
  let bareS = 0;
  let findings = 0;
  let sink = 0;
  for (let done = 0; done < VMS; done += CHUNK) {
    const series = chunk(rand, Math.min(CHUNK, VMS - done));
    let t = performance.now();
    findings += analyzeChunk(series);
    analyzeS += (performance.now() - t) / 1000;
    t = performance.now();
    sink += bareChunk(series);
    bareS += (performance.now() - t) / 1000;
  }
  if (!Number.isFinite(sink)) throw new Error('bare percentiles went wrong');
  return { analyzeS, bareS, findings };
}

function row(vm: number, hour: number, rand: () => number): RollupRow {
  return rollupRow({
    vmId: `01HVM${String(vm).padStart(21, '0')}`,
    startUnixMs: T0 + hour * HOUR_MS,
    cpuSeconds: 3600 * 2 * rand(),
    memoryByteSeconds: 3600 * 2 ** 30 * rand(),
    diskReadBytes: Math.floor(1e9 * rand()),
    diskWriteBytes: Math.floor(1e9 * rand()),
    netRxBytes: Math.floor(1e9 * rand()),
    netTxBytes: Math.floor(1e9 * rand()),
  });
}

async function timeSeries(dir: string): Promise<{ seriesRows: number; bareRows: number }> {
  const rows = SERIES_VMS * SERIES_HOURS;
  const store = await LevelStore.open(join(dir, 'store'));
  const rand = mulberry32(0xbeef);
  for (let h = 0; h < SERIES_HOURS; h++) {
    const ops = [];
    for (let v = 0; v < SERIES_VMS; v++) {
      const r = row(v, h, rand);
      ops.push(putFresh(USAGE_HOUR, rollupKey(r), r));
    }
    await store.batch(ops);
  }
  const ids = new Set(Array.from({ length: SERIES_VMS }, (_, v) => row(v, 0, rand).vmId));
  let t = performance.now();
  const got = await readSeries(store, ids, T0, T0 + SERIES_HOURS * HOUR_MS);
  const seriesS = (performance.now() - t) / 1000;
  await store.close();
  const n = [...got.values()].reduce((s, x) => s + x.cpuVcpus.length, 0);
  if (n !== rows) throw new Error(`series hold ${n} of ${rows} rows`);
  const db = new Level<string, unknown>(join(dir, 'store'), { valueEncoding: 'json' });
  const sub = db.sublevel<string, unknown>(USAGE_HOUR, { valueEncoding: 'json' });
  t = performance.now();
  let bare = 0;
  for await (const [, v] of sub.iterator()) if (v) bare++;
  const bareS = (performance.now() - t) / 1000;
  await db.close();
  if (bare !== rows) throw new Error(`bare scan read ${bare} of ${rows}`);
  log(`series: ${rows} rollup rows in ${seriesS.toFixed(2)} s; bare scan ${bareS.toFixed(2)} s`);
  return { seriesRows: rows / seriesS, bareRows: rows / bareS };
}

export async function runReclassAnalyze(): Promise<Figures> {
  const a = timeAnalysis();
  log(
    `${VMS} VMs x ${HOURS} h x 4 metrics: analysis ${a.analyzeS.toFixed(2)} s (${a.findings} findings), bare sort percentiles ${a.bareS.toFixed(2)} s`,
  );
  const dir = tempDir('nephele-bench-reclass-');
  try {
    const s = await timeSeries(dir);
    const scale = 100_000 / VMS;
    return {
      'reclass.analyze_s_100k': fig(a.analyzeS * scale, 's', 3),
      'reclass.bare_percentiles_s_100k': fig(a.bareS * scale, 's', 3),
      'reclass.series_rows_per_s': fig(s.seriesRows, 'rows/s', 0),
      'reclass.bare_scan_rows_per_s': fig(s.bareRows, 'rows/s', 0),
    };
  } finally {
    removeDir(dir);
  }
}
