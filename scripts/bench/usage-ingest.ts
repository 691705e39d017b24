import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Level } from 'level';
import type { VmUsage } from '../../common/gen/nephele/v1/VmUsage.js';
import { ulid } from '../../common/ids.js';
import { LevelStore } from '../../common/store/index.js';
import { put, type Op } from '../../common/store/index.js';
import type { VmRecord } from '../../controller/model/index.js';
import { VMS } from '../../controller/vms/registry.js';
import { enrich, hoursOf } from '../../controller/usage/ingest.js';
import { encodeUsage } from '../../controller/usage/codec.js';
import { dirtyKey, rawKey, USAGE_DIRTY, USAGE_RAW } from '../../controller/usage/model.js';
import { enrolAll, SimAgent, type SimAgentEvents } from '../../test/helpers/sim-agent.js';
import { removeDir, tempDir } from './children.js';
import { createJoinToken, startController } from './controller.js';
import { pool } from './pool.js';
import { cpuTicks, CLK_TCK } from './proc.js';
import { fig, type Figures } from './results.js';

// Usage ingest: N simulated agent sessions (real Sessions over mTLS) each send
// B UsageBatches of R records (its R VMs over one interval each), at most W
// batches in flight per session; acked records per second at the controller.
// Beside it the same records, as the controller stores them, written by plain
// LevelDB batches of the same size (one await after another) in the same run.

const env = (name: string, dflt: number) => {
  const n = Number(process.env[name] ?? dflt);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
};
const log = (msg: string) => process.stdout.write(`[usage-ingest] ${msg}\n`);
const GiB = 2 ** 30;

export function vmRecord(hostId: string, i: number): VmRecord {
  const id = ulid();
  return {
    id,
    name: `u-${i}`,
    tenant: 'default',
    hostId,
    setId: '',
    spec: { scheme: 'process', vcpus: 1, memoryMib: 64, diskGib: 1, image: '', appliancePort: 0, config: {} },
    sla: 'best_effort',
    desired: 'running',
    state: 'running',
    stateReason: '',
    stateChangedUnixMs: Date.now(),
    createdUnixMs: Date.now(),
    generation: 1,
    rebootCount: 0,
    hostPort: 0,
    guestReady: true,
    placedUnixMs: Date.now(),
    confirmedUnixMs: Date.now(),
    placementAttempts: 1,
    taskDone: false,
    app: 'bench',
    userGroup: 'g',
  };
}

function usage(vmId: string, start: number, k: number): VmUsage {
  return {
    vmId,
    startUnixMs: start,
    endUnixMs: start + 60_000,
    cpuSeconds: 1.5 + k / 1000,
    memoryByteSeconds: 60 * 50 * 2 ** 20,
    diskReadBytes: 4096 * k,
    diskWriteBytes: 8192,
    netRxBytes: 0,
    netTxBytes: 0,
    uptimeSeconds: 60,
    sources: { cpu: 'proc', memory: 'proc', disk: 'proc-io', net: 'none' },
    generation: 1,
  };
}

export async function runUsageIngest(): Promise<Figures> {
  const sessions = env('BENCH_USAGE_SESSIONS', 1000);
  const perBatch = env('BENCH_USAGE_RECORDS', 100);
  const batches = env('BENCH_USAGE_BATCHES', 10);
  const window = env('BENCH_USAGE_WINDOW', 2);
  const dir = tempDir('nephele-bench-usage-');
  const t0Data = Date.now() - (batches + 2) * 60_000;
  try {
    let ctl = await startController(dir);
    const admin = ctl.admin();
    const tokens = await pool(Array.from({ length: sessions }), 50, () => createJoinToken(admin, 'bench-usage'));
    admin.close();
    const ca = readFileSync(join(dir, 'ca.pem'));
    const ids = await enrolAll(ctl.address, ca, tokens, { concurrency: 32, hostname: (i) => `usage-${i}` });
    log(`${ids.length} agents enrolled`);
    // Their VMs, written straight into the stopped controller's store (placing 100,000 VMs is another benchmark).
    await ctl.stop();
    const vms = new Map<string, VmRecord[]>();
    const store = await LevelStore.open(join(dir, 'store'));
    for (const [h, id] of ids.entries()) {
      const mine = Array.from({ length: perBatch }, (_, i) => vmRecord(id.hostId, h * perBatch + i));
      vms.set(id.hostId, mine);
      await store.batch(mine.map((v) => put(VMS, v.id, v)));
    }
    await store.close();
    ctl = await startController(dir);

    const handlers = ids.map((): SimAgentEvents => ({}));
    const agents = ids.map(
      (id, i) =>
        new SimAgent(
          id,
          ca,
          {
            heartbeat: { load: { load1: 0, cpuPct: 0, memoryAvailableBytes: 8 * GiB }, free: { vcpus: 0, memoryBytes: 0, diskBytes: 0 } },
            beats: 'self',
          },
          handlers[i],
        ),
    );
    const opened = await pool(agents, 100, (a) => a.connect(ctl.address, 90_000));
    if (opened.some((o) => o !== 'open')) throw new Error(`${opened.filter((o) => o !== 'open').length} sessions not open`);
    log(`${agents.length} sessions open`);

    const total = sessions * batches * perBatch;
    let acked = 0;
    // What each side uses of the machine while it runs (2 cores: the load generator competes with the controller).
    const ctlTicks0 = cpuTicks(ctl.pid);
    const ownCpu0 = process.cpuUsage();
    const start = performance.now();
    await Promise.all(
      agents.map(
        (a, i) =>
          new Promise<void>((resolve, reject) => {
            const mine = vms.get(a.id.hostId)!;
            let sent = 0;
            const seqs: number[] = [];
            const send = () => {
              const k = sent++;
              const seq = a.nextSeq();
              seqs.push(seq);
              a.send({ usage: { seq, epoch: 'be', records: mine.map((v) => usage(v.id, t0Data + k * 60_000, k)), timeUnixMs: Date.now() } });
            };
            const onAck = () => {
              while (seqs.length && seqs[0]! <= a.acked) {
                seqs.shift();
                acked += perBatch;
              }
              while (sent < batches && seqs.length < window) send();
              if (!seqs.length && sent === batches) resolve();
            };
            handlers[i]!.ack = onAck;
            handlers[i]!.lost = (why) => reject(new Error(why));
            onAck();
          }),
      ),
    );
    const seconds = (performance.now() - start) / 1000;
    const ctlCpu = (cpuTicks(ctl.pid) - ctlTicks0) / CLK_TCK;
    const own = process.cpuUsage(ownCpu0);
    const ownCpu = (own.user + own.system) / 1e6;
    const rate = acked / seconds;
    log(`${acked.toLocaleString()} of ${total.toLocaleString()} records acked in ${seconds.toFixed(1)} s: ${Math.round(rate).toLocaleString()}/s`);
    log(`cpu: controller ${ctlCpu.toFixed(1)} s (${Math.round((100 * ctlCpu) / seconds)}% of a core), load generator ${ownCpu.toFixed(1)} s (${Math.round((100 * ownCpu) / seconds)}%)`);
    for (const a of agents) a.close();
    await ctl.stop();

    // The same records, as the controller stores them, by plain LevelDB batches of the same size.
    const db = new Level<string, unknown>(join(dir, 'bare'), { valueEncoding: 'json' });
    await db.open();
    const bareStart = performance.now();
    for (let k = 0; k < batches; k++) {
      for (const id of ids) {
        const ops: Op[] = [];
        for (const v of vms.get(id.hostId)!) {
          const u = usage(v.id, t0Data + k * 60_000, k);
          const rec = enrich(id.hostId, v, { ...u, sources: u.sources! } as Parameters<typeof enrich>[2]);
          ops.push(put(USAGE_RAW, rawKey(rec), encodeUsage(rec)));
        }
        for (const hr of hoursOf(t0Data + k * 60_000, t0Data + (k + 1) * 60_000)) ops.push(put(USAGE_DIRTY, dirtyKey(hr), { markedUnixMs: 0 }));
        ops.push(put('host-acks', id.hostId, { durableSeq: k + 1, outboxEpochs: [] }));
        // The values as the store writes them (its version wrapper included).
        await db.batch(ops.map((o) => ({ type: 'put' as const, key: `${o.coll}/${o.key}`, value: { v: 1, d: (o as { value: unknown }).value } })));
      }
    }
    const bareSeconds = (performance.now() - bareStart) / 1000;
    await db.close();
    const bare = total / bareSeconds;
    log(`bare LevelDB: ${total.toLocaleString()} records in ${bareSeconds.toFixed(1)} s: ${Math.round(bare).toLocaleString()}/s (ratio ${(rate / bare).toFixed(2)})`);
    return {
      'usage.ingest_records_per_s': fig(rate, 'records/s', 0),
      'usage.bare_ingest_records_per_s': fig(bare, 'records/s', 0),
      'usage.ingest_vs_bare': fig(rate / bare, 'ratio'),
    };
  } finally {
    removeDir(dir);
  }
}
