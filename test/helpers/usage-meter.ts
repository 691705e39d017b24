import { join } from 'node:path';
import { LevelStore } from '../../common/store/level.js';
import { decodeUsage } from '../../controller/usage/codec.js';
import { itemsOf } from '../../controller/usage/scan.js';
import { USAGE_DIRTY, USAGE_RAW, type UsageRecord } from '../../controller/usage/model.js';
import { cli, listHosts, type ControllerProc, type Proc } from './procs.js';
import { waitFor } from './wait.js';

/** A stopped controller's usage: raw records and dirty-hour keys, read from its store. */
export async function readUsage(dataDir: string): Promise<{ raw: UsageRecord[]; dirty: string[] }> {
  const store = await LevelStore.open(join(dataDir, 'store'));
  try {
    const raw: UsageRecord[] = [];
    for await (const { value } of store.scan(USAGE_RAW)) for (const it of itemsOf(value)) raw.push(decodeUsage(it));
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

/** `nephele vm create` of a 64 MiB process VM on `host` through the CLI, waiting until it runs: exit code, stderr, id. */
export async function createProcessVm(
  ctl: ControllerProc,
  host: string,
  name: string,
  extra: string[] = [],
): Promise<{ code: number | null; stderr: string; id: string }> {
  // A VM pinned to a host needs the host's inventory (its capacity): a host is ready before that arrives.
  await waitFor(async () => (await listHosts(ctl)).find((h) => h.id === host)?.inventory, {
    timeoutMs: 60_000,
    message: 'the host reported its inventory',
  });
  const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir, '--json', 'vm', 'create', '--name', name];
  const r = await cli([...base, '--scheme', 'process', '--memory', '64', '--host', host, ...extra, '--wait']);
  return { code: r.code, stderr: r.stderr, id: r.code === 0 ? (JSON.parse(r.stdout) as { id: string }).id : '' };
}
