import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { LevelStore, put } from '../../common/store/index.js';
import { decodeUsage, encodeUsage, splitFields } from '../../controller/usage/codec.js';
import { packBlocks } from '../../controller/usage/blocks.js';
import { openExport, type ExportSources } from '../../controller/usage/export/pipeline.js';
import { LineView } from '../../controller/usage/export/line-view.js';
import { scanRaw } from '../../controller/usage/scan.js';
import {
  anyFilter,
  matches,
  rawKey,
  recordId,
  USAGE_RAW,
  type RateCard,
  type UsageFilter,
  type UsageRecord,
} from '../../controller/usage/model.js';

// The stored line of a raw usage record (codec.ts): it reads back as the record
// it was made from, records stored before as JSON objects read as they always
// did, and the CSV export's in-place path writes exactly what the record path does.

const T0 = Date.UTC(2026, 11, 1, 10, 0, 0);
function rec(i: number, over: Partial<UsageRecord> = {}): UsageRecord {
  const r: UsageRecord = {
    id: '',
    vmId: `01HVM${String(i).padStart(21, '0')}`,
    vmName: `vm-${i}`,
    setId: i % 3 ? '' : '01HSET0000000000000000000A',
    tenant: i % 2 ? 'acme' : 'zeta',
    hostId: '01HHXST0000000000000000000',
    scheme: 'process',
    vmClass: i % 2 ? 'big' : '2c-1g',
    app: 'web',
    userGroup: 'eng',
    sla: i % 2 ? 'guaranteed' : 'best_effort',
    vcpus: 2,
    memoryMib: 1024,
    startUnixMs: T0 + i * 60_000,
    endUnixMs: T0 + (i + 1) * 60_000,
    cpuSeconds: 12.5 + i / 7,
    memoryByteSeconds: 3e9 + 0.1,
    diskReadBytes: 1_000_000 * (i + 1),
    diskWriteBytes: 2_000_000,
    netRxBytes: 5_000_000,
    netTxBytes: 700_000 * i,
    uptimeSeconds: 59.75,
    vcpuSeconds: 119.5,
    memoryMibSeconds: 61_184,
    records: 1,
    monitorPolls: i,
    monitorProbeSeconds: 0.25 * i,
    monitorActions: i % 2,
    oomKills: 0,
    throttledSeconds: 1e-7 * i,
    sources: { cpu: 'cgroup', net: 'guest:/proc/net/dev' },
    source: '',
    ...over,
  };
  return { ...r, id: r.id || recordId(r) };
}

/** Records whose text needs every kind of escaping, and one imported with its source's id. */
const odd = [
  rec(50, { vmName: 'a,b', app: 'say "hi"', userGroup: 'line\nbreak', tenant: 'acme' }),
  rec(51, { vmName: '', setId: '', sources: {} }),
  rec(52, { source: 'peer-1', id: 'other-host.vm.123' }),
  rec(53, { sources: { 'we,ird': 'x"y', empty: '' } }),
];

t.test('a record reads back as it was stored', async (t) => {
  for (const r of [rec(0), rec(1), rec(2), ...odd]) {
    const s = encodeUsage(r);
    t.same(decodeUsage(s), r, r.id);
    t.notOk(s.includes('{'), 'a line, not JSON');
  }
  // Own records do not repeat their id (it is host.vm.start).
  t.ok(encodeUsage(rec(0)).length < JSON.stringify(rec(0)).length / 2, 'under half the JSON');
});

t.test('a record stored before (a JSON object) reads as it is', async (t) => {
  const old = rec(4);
  delete old.monitorPolls;
  delete old.oomKills;
  const copy = JSON.parse(JSON.stringify(old)) as UsageRecord;
  t.same(decodeUsage(copy), old);
  t.throws(() => decodeUsage('9,1,2'), /unknown stored format/);
  t.throws(() => decodeUsage('1,2,3'), /missing fields/);
});

t.test('fields are split as CSV quotes them', async (t) => {
  t.same(splitFields('a,"b,c","d""e",,"",f'), ['a', 'b,c', 'd"e', '', '', 'f']);
  t.same(splitFields('"x",'), ['x', '']);
  t.throws(() => splitFields('"x'));
});

t.test('the in-place filter agrees with matches()', async (t) => {
  const recs = [rec(0), rec(1), rec(2), rec(3), rec(12)];
  const filters: Partial<UsageFilter>[] = [
    {},
    { tenant: 'acme' },
    { tenant: 'acm' },
    { setId: '01HSET0000000000000000000A' },
    { vmId: rec(2).vmId, app: 'web' },
    { userGroup: 'eng', hostId: rec(0).hostId },
    { hostId: 'x' },
    { source: 'peer-1' },
    { fromUnixMs: T0 + 60_000, toUnixMs: T0 + 3 * 60_000 },
  ];
  const v = new LineView();
  for (const r of recs) {
    t.ok(v.reset(encodeUsage(r)));
    for (const f of filters) {
      const filter = { ...anyFilter(), ...f };
      t.equal(v.matches(filter), matches(r, filter), `${r.id} ${JSON.stringify(f)}`);
    }
  }
  t.notOk(v.reset(encodeUsage(odd[0]!)), 'quoted fields take the record path');
});

const card: RateCard = {
  version: 3,
  currency: 'EUR',
  createdUnixMs: 0,
  rates: [
    { vmClass: '', vcpuHour: 0.04, memoryGibHour: 0.005, diskIoGb: 0.01, networkGb: 0.02, monitorKPolls: 0.3 },
    { vmClass: 'big', sla: 'guaranteed', vcpuHour: 0.1, memoryGibHour: 0.02, diskIoGb: 0.03, networkGb: 0.05 },
  ],
};

t.test('an export reads both stored forms alike', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'usage-codec-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const recs = [...Array.from({ length: 40 }, (_, i) => rec(i)), ...odd.filter((r) => !r.source)];
  const exportAll = async (
    forms: 'old' | 'new' | 'packed',
    c: RateCard | undefined,
    format: 'csv' | 'jsonl' | 'focus',
  ) => {
    const store = await LevelStore.open(join(dir, `${forms}-${format}-${c?.version ?? 0}`));
    try {
      if (forms === 'packed')
        // As ingest writes them now: batches of 7 packed into blocks (blocks.ts).
        for (let i = 0; i < recs.length; i += 7) {
          const part = recs.slice(i, i + 7);
          const blocks = packBlocks(
            'H',
            i + 1,
            part.map((r) => r.startUnixMs),
            part.map(encodeUsage),
          );
          await store.batch(blocks.map((b) => put(USAGE_RAW, b.key, b.value)));
        }
      else await store.batch(recs.map((r) => put(USAGE_RAW, rawKey(r), forms === 'old' ? r : encodeUsage(r))));
      const src: ExportSources = { store, getRateCard: () => Promise.resolve(c) };
      const filter = { ...anyFilter(), tenant: 'acme' };
      const { chunks } = await openExport(src, {
        filter,
        format,
        focusVersion: '',
        granularity: 'raw',
        rateCardVersion: 0,
      });
      let text = '';
      for await (const ch of chunks) text += ch.data.toString();
      const scanned = await scanRaw(store, filter, { limit: 1000 });
      return { text, scanned: scanned.records };
    } finally {
      await store.close();
    }
  };
  for (const c of [card, undefined])
    for (const format of ['csv', 'jsonl', 'focus'] as const) {
      const old = await exportAll('old', c, format);
      const now = await exportAll('new', c, format);
      t.ok(old.text.length > 1000);
      t.equal(now.text, old.text, `${format}, card ${c?.version ?? 'none'}: the same text`);
      t.same(now.scanned, old.scanned, 'scanRaw reads the same records');
      // Packed, the records of an hour come by batch, not by start: the same lines, in another order.
      const packed = await exportAll('packed', c, format);
      const lines = (s: string) => s.split('\n').sort();
      t.same(lines(packed.text), lines(old.text), `${format}, card ${c?.version ?? 'none'}, packed: the same lines`);
      const byId = (rs: UsageRecord[]) => [...rs].sort((a, b) => (a.id < b.id ? -1 : 1));
      t.same(byId(packed.scanned), byId(old.scanned), 'scanRaw reads the same records from blocks');
    }
  const csv = parse((await exportAll('new', card, 'csv')).text, { columns: true }) as Record<string, string>[];
  t.equal(csv.length, recs.filter((r) => r.tenant === 'acme').length);
  t.equal(csv.find((r) => r.vm_name === 'a,b')?.app, 'say "hi"', 'quoted fields survive');
});
