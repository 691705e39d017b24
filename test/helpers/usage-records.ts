import { join } from 'node:path';
import type { VmUsage } from '../../common/gen/nephele/v1/VmUsage.js';
import { LevelStore, put, type Op } from '../../common/store/index.js';
import { packBlocks } from '../../controller/usage/blocks.js';
import { encodeUsage } from '../../controller/usage/codec.js';
import { rawKey, recordId, USAGE_RAW, type UsageRecord } from '../../controller/usage/model.js';
import type { RollupRow } from '../../controller/usage/rollup.js';

/** A raw usage record as the controller stores it (dims from the VM record, one interval's counters). */
export function usageRecord(over: Partial<UsageRecord> & { startUnixMs: number; vmId: string }): UsageRecord {
  const r: UsageRecord = {
    id: '',
    vmName: 'vm',
    setId: '',
    tenant: 'acme',
    hostId: '01HHXST0000000000000000000',
    scheme: 'process',
    vmClass: '1c-128m',
    app: 'web',
    userGroup: 'eng',
    sla: 'best_effort',
    vcpus: 1,
    memoryMib: 128,
    endUnixMs: over.startUnixMs + 60_000,
    cpuSeconds: 3.25,
    memoryByteSeconds: 60 * 50e6,
    diskReadBytes: 4096,
    diskWriteBytes: 8192,
    netRxBytes: 1000,
    netTxBytes: 2000,
    uptimeSeconds: 60,
    vcpuSeconds: 60,
    memoryMibSeconds: 60 * 128,
    records: 1,
    sources: { cpu: 'cgroup' },
    source: '',
    ...over,
  };
  return { ...r, id: r.id || recordId(r) };
}

/** Writes records straight into a (stopped) controller's store with the model's keys. */
export async function seedUsage(dataDir: string, records: UsageRecord[]): Promise<void> {
  const store = await LevelStore.open(join(dataDir, 'store'));
  try {
    for (let i = 0; i < records.length; i += 2000)
      await store.batch(records.slice(i, i + 2000).map((r) => put(USAGE_RAW, rawKey(r), r)));
  } finally {
    await store.close();
  }
}

/** A ULID-shaped vm id from a number (the filter takes only ids). */
export const vmIdOf = (n: number): string => `01HVM${String(n).padStart(21, '0')}`;

/** One agent usage record as sent (VmUsage): a minute of a running VM ending at `endUnixMs`. */
export function wireUsage(over: Partial<VmUsage> & { vmId: string; endUnixMs: number }): VmUsage {
  return {
    startUnixMs: over.endUnixMs - 60_000,
    cpuSeconds: 1,
    memoryByteSeconds: 1,
    diskReadBytes: 0,
    diskWriteBytes: 0,
    netRxBytes: 0,
    netTxBytes: 0,
    uptimeSeconds: 60,
    sources: {},
    generation: 1,
    ...over,
  };
}

/** One VM's hourly rollup row (USAGE_HOUR): a 2-vCPU, 1 GiB VM that ran the whole hour at one vCPU. */
export function rollupRow(over: Partial<RollupRow> & { vmId: string; startUnixMs: number }): RollupRow {
  return {
    vmName: 'vm',
    setId: '',
    tenant: 'acme',
    hostId: '01HHXST0000000000000000000',
    scheme: 'process',
    vmClass: '',
    app: '',
    userGroup: '',
    sla: 'best_effort',
    vcpus: 2,
    memoryMib: 1024,
    endUnixMs: over.startUnixMs + 3_600_000,
    cpuSeconds: 3600,
    memoryByteSeconds: 3600 * 256 * 2 ** 20,
    diskReadBytes: 0,
    diskWriteBytes: 0,
    netRxBytes: 0,
    netTxBytes: 0,
    uptimeSeconds: 3600,
    vcpuSeconds: 7200,
    memoryMibSeconds: 3600 * 1024,
    records: 60,
    ...over,
  };
}

/** Puts storing `recs` as ingest does: packed into the blocks of batch `seq` from `host` (blocks.ts). */
export function blockPuts(host: string, seq: number, recs: UsageRecord[]): Op[] {
  return packBlocks(
    host,
    seq,
    recs.map((r) => r.startUnixMs),
    recs.map(encodeUsage),
  ).map((b) => put(USAGE_RAW, b.key, b.value));
}
