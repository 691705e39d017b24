import { join } from 'node:path';
import { LevelStore } from '../../common/store/level.js';
import { USAGE_DIRTY, USAGE_RAW, type UsageRecord } from '../../controller/usage/model.js';
import type { Proc } from './procs.js';

/** A stopped controller's usage: raw records and dirty-hour keys, read from its store. */
export async function readUsage(dataDir: string): Promise<{ raw: UsageRecord[]; dirty: string[] }> {
  const store = await LevelStore.open(join(dataDir, 'store'));
  try {
    const raw: UsageRecord[] = [];
    for await (const { value } of store.scan<UsageRecord>(USAGE_RAW)) raw.push(value);
    const dirty: string[] = [];
    for await (const { key } of store.scan(USAGE_DIRTY)) dirty.push(key);
    return { raw, dirty };
  } finally {
    await store.close();
  }
}

/** Seqs of the usage batches a controller (logging at debug) stored. */
export const seqsStored = (p: Proc): number[] =>
  p
    .stdout()
    .split('\n')
    .filter((l) => l.includes('"msg":"usage stored"'))
    .map((l) => (JSON.parse(l) as { seq: number }).seq);
