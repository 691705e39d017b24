import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LevelStore, put, type Op, type Store } from '../../common/store/index.js';
import { blockKey, blockLines, forEachLine, isBlock, isBlockKey, packBlocks } from '../../controller/usage/blocks.js';
import { decodeUsage, encodeUsage } from '../../controller/usage/codec.js';
import { openExport } from '../../controller/usage/export/pipeline.js';
import { checkUsageBatch, enrich, usageLine, usageOps } from '../../controller/usage/ingest.js';
import { decodeSpans, USAGE_SPANS, UsageSpans } from '../../controller/usage/continuity.js';
import { UsageVms } from '../../controller/usage/vm-dims.js';
import { VMS } from '../../controller/vms/registry.js';
import type { VmRecord } from '../../controller/model/index.js';
import { blockPuts, wireUsage } from '../helpers/usage-records.js';
import {
  anyFilter,
  dirtyKey,
  HOUR_MS,
  hourOf,
  matches,
  rawKey,
  recordId,
  USAGE_DIRTY,
  USAGE_RAW,
  type UsageFilter,
  type UsageRecord,
} from '../../controller/usage/model.js';
import { decodeCursor, encodeCursor, queryUsage, type UsageQuery } from '../../controller/usage/query.js';
import { pruneUsage, parseUsageRetention } from '../../controller/usage/retention.js';
import { recomputeHour, USAGE_HOUR, type RollupRow } from '../../controller/usage/rollup.js';
import { scanRaw, type ScanPos } from '../../controller/usage/scan.js';
import { MemoryStore } from '../helpers/memory-store.js';

// Raw usage stored packed (blocks.ts): a block holds one batch's records of one
// hour as lines; every reader (scan.ts) reads blocks, lines alone and JSON
// objects alike, pages resume inside a block, and a store written by the
// layout before blocks reads as it did.

const H0 = Date.UTC(2026, 11, 1, 10, 0, 0);
const HOST = '01HHXST0000000000000000000';

function rec(i: number, over: Partial<UsageRecord> = {}): UsageRecord {
  const r: UsageRecord = {
    id: '',
    vmId: `01HVM${String(i % 7).padStart(21, '0')}`,
    vmName: `vm-${i % 7}`,
    setId: '',
    tenant: i % 3 ? 'acme' : 'zeta',
    hostId: HOST,
    scheme: 'process',
    vmClass: '2c-1g',
    app: 'web',
    userGroup: 'eng',
    sla: 'best_effort',
    vcpus: 2,
    memoryMib: 1024,
    // 20 minutes apart: three records an hour, over several hours.
    startUnixMs: H0 + i * 20 * 60_000,
    endUnixMs: H0 + i * 20 * 60_000 + 60_000,
    cpuSeconds: i + 0.5,
    memoryByteSeconds: 1e9,
    diskReadBytes: i,
    diskWriteBytes: 2,
    netRxBytes: 3,
    netTxBytes: 4,
    uptimeSeconds: 60,
    vcpuSeconds: 120,
    memoryMibSeconds: 61_440,
    records: 1,
    monitorPolls: 0,
    monitorProbeSeconds: 0,
    monitorActions: 0,
    oomKills: 0,
    throttledSeconds: 0,
    sources: { cpu: 'cgroup' },
    source: '',
    ...over,
  };
  return { ...r, id: r.id || recordId(r) };
}

/** Fields a line must quote: commas, quotes, line breaks (one CRLF). */
const odd = (i: number) => rec(i, { vmName: 'a,"b"\nc', app: 'x\r\ny', userGroup: '"', sources: { 'k,1': 'v"2' } });

t.test('a batch packs into one block per hour, and its lines read back as its records', async (t) => {
  const recs = [rec(0), odd(1), rec(2), rec(3), odd(4), rec(9)];
  const blocks = packBlocks(
    HOST,
    42,
    recs.map((r) => r.startUnixMs),
    recs.map(encodeUsage),
  );
  t.same(
    blocks.map((b) => [b.key, b.records]),
    [
      [blockKey(H0, HOST, 42, 0), 3],
      [blockKey(H0 + HOUR_MS, HOST, 42, 1), 2],
      [blockKey(H0 + 3 * HOUR_MS, HOST, 42, 2), 1],
    ],
    'keyed by the first start of each hour, in order',
  );
  t.ok(blocks.every((b) => isBlockKey(b.key) && isBlock(b.value)));
  t.notOk(isBlockKey(rawKey(rec(0))), 'a record stored alone is not a block');
  t.notOk(isBlock(encodeUsage(rec(0))), 'nor is its line');
  const back = blocks.flatMap((b) => blockLines(b.value)).map(decodeUsage);
  t.same(back, recs, 'quoted commas, quotes and line breaks survive');
  // A block whose first record starts late in the hour is still keyed inside it.
  const late = packBlocks(HOST, 1, [H0 + 50 * 60_000, H0 + 5 * 60_000], [encodeUsage(rec(0)), encodeUsage(rec(0))]);
  t.equal(late.length, 1);
  t.equal(late[0]!.key.slice(0, 13), String(H0 + 5 * 60_000).padStart(13, '0'), 'the earliest start keys it');
  t.throws(() => forEachLine('1,2,3', () => {}), /unknown stored format/);
  t.throws(() => blockLines('B1\n1,2'), /unterminated line/);
  t.throws(() => blockLines('B1\n1,"2\n'), /unterminated quoted field/);
});

/** A store holding every form: the blocks ingest writes now, and records alone (lines and JSON objects) as before. */
async function mixed(store: Store, recs: UsageRecord[]): Promise<void> {
  const ops: Op[] = [];
  let seq = 0;
  for (let i = 0; i < recs.length; i += 5) {
    const part = recs.slice(i, i + 5);
    if ((i / 5) % 3 === 2) part.forEach((r, j) => ops.push(put(USAGE_RAW, rawKey(r), j % 2 ? r : encodeUsage(r))));
    else ops.push(...blockPuts(HOST, ++seq, part));
    for (const r of part) ops.push(put(USAGE_DIRTY, dirtyKey(hourOf(r.startUnixMs)), 1));
  }
  await store.batch(ops);
}

const RECS = Array.from({ length: 60 }, (_, i) => (i % 11 === 5 ? odd(i) : rec(i)));
const ids = (rs: { id?: string }[]) => rs.map((r) => r.id!).sort();

t.test('scanRaw pages through blocks and records alone, resuming inside a block', async (t) => {
  const store = new MemoryStore();
  await mixed(store, RECS);
  const filters: Partial<UsageFilter>[] = [
    {},
    { tenant: 'acme' },
    { vmId: rec(3).vmId },
    // Mid-hour bounds: the blocks of the first hour hold records before `from`.
    { fromUnixMs: H0 + 30 * 60_000, toUnixMs: H0 + 5 * HOUR_MS + 10 * 60_000 },
    { tenant: 'zeta', fromUnixMs: H0 + 2 * HOUR_MS + 1 },
  ];
  for (const over of filters) {
    const f = { ...anyFilter(), ...over };
    const want = ids(RECS.filter((r) => matches(r, f)));
    for (const [limit, maxRead] of [
      [1000, undefined],
      [1, undefined],
      [3, 2],
      [4, 7],
    ] as const) {
      const got: UsageRecord[] = [];
      let after: ScanPos | undefined;
      for (let pages = 0; pages < 500; pages++) {
        const r = await scanRaw(store, f, { after, limit, maxRead });
        got.push(...r.records);
        if (!r.more) break;
        after = r.next;
      }
      t.same(ids(got), want, `${JSON.stringify(over)} limit ${limit} maxRead ${maxRead}: each record once`);
    }
  }
});

t.test('hostile positions and page tokens', async (t) => {
  const store = new MemoryStore();
  await mixed(store, RECS);
  const f = { ...anyFilter(), tenant: 'acme' };
  const all = ids(RECS.filter((r) => matches(r, f)));
  const inFilter = (rs: UsageRecord[]) => rs.every((r) => matches(r, f));
  for (const after of [
    { k: '' },
    { k: '', i: 5 },
    { k: '\uffff', i: 0 },
    { k: blockKey(H0, HOST, 1, 0), i: 1e15 },
    { k: blockKey(H0, HOST, 1, 0), i: 0 },
    { k: 'zzz.not.a.key', i: 3 },
    { k: rawKey(RECS[12]!), i: 9 },
  ]) {
    const r = await scanRaw(store, f, { after, limit: 1000 });
    t.ok(inFilter(r.records), `${JSON.stringify(after)}: only records of the filter`);
    t.ok(r.records.length <= all.length);
  }
  t.same(ids((await scanRaw(store, f, { after: { k: '' }, limit: 1000 })).records), all, 'a key before the range: all');
  const q: UsageQuery = { filter: f, granularity: 'raw', groupBy: [], pageSize: 4 };
  const tok = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const h = JSON.parse(Buffer.from(encodeCursor(q, { k: 'x' }), 'base64url').toString()) as { h: string };
  for (const bad of [{ i: 3 }, { k: 'x', i: -1 }, { k: 'x', i: 1.5 }, { k: 'x', i: '2' }, { k: 'x', i: 2 ** 60 }])
    t.throws(
      () => decodeCursor(q, tok({ h: h.h, ...bad })),
      { code: 'INVALID_ARGUMENT', field: 'page_token' },
      JSON.stringify(bad),
    );
  t.same(decodeCursor(q, tok({ h: h.h, k: 'x', i: 2 })), { k: 'x', i: 2, p: undefined, s: undefined });
  // Paged queries: every record once, whatever the page size.
  for (const pageSize of [1, 4, 7, 1000]) {
    const pq = { ...q, pageSize };
    const rows: { id?: string }[] = [];
    let c = '';
    for (let n = 0; n < 500; n++) {
      const page = await queryUsage(store, pq, decodeCursor(pq, c), 5);
      rows.push(...page.rows);
      c = encodeCursor(pq, page.next);
      if (!c) break;
    }
    t.same(ids(rows), all, `query pages of ${pageSize}: each record once`);
  }
  // Raw grouped by tenant: per start, as before blocks.
  const grouped = await queryUsage(store, { ...q, filter: anyFilter(), groupBy: ['tenant'], pageSize: 1000 }, {});
  t.same(
    grouped.rows.map((r) => [r.startUnixMs, r.tenant, r.records]),
    RECS.map((r) => [r.startUnixMs, r.tenant, 1]),
    'one group per start and tenant, in time order',
  );
});

t.test('a store written before blocks reads the same, and beside blocks after a restart', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'usage-blocks-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const before = RECS.slice(0, 30);
  const after = RECS.slice(30);
  let store = await LevelStore.open(join(dir, 'store'));
  // The layout before blocks: one entry per record, JSON objects and lines.
  await store.batch(before.flatMap((r, i) => [put(USAGE_RAW, rawKey(r), i % 2 ? r : encodeUsage(r))]));
  await store.close();
  store = await LevelStore.open(join(dir, 'store'));
  await mixed(store, after);
  await store.close();
  store = await LevelStore.open(join(dir, 'store'));
  t.teardown(() => store.close());
  const f = anyFilter();
  const scanned = await scanRaw(store, f, { limit: 1000 });
  t.same(ids(scanned.records), ids(RECS), 'every record, both layouts');
  t.same(
    scanned.records.map((r) => decodeUsage(encodeUsage(r))),
    [...scanned.records],
    'read as records',
  );
  const byId = new Map(RECS.map((r) => [r.id, r]));
  t.ok(
    scanned.records.every((r) => JSON.stringify(r) === JSON.stringify(byId.get(r.id))),
    'each as it was written',
  );
  const { chunks } = await openExport(
    { store, getRateCard: () => Promise.resolve(undefined) },
    { filter: f, format: 'csv', focusVersion: '', granularity: 'raw', rateCardVersion: 0 },
  );
  let n = 0;
  for await (const c of chunks) n += c.records;
  t.equal(n, RECS.length, 'the export streams each once');
  for (let h = H0; h < H0 + 21 * HOUR_MS; h += HOUR_MS) {
    const { records } = await recomputeHour(store, h);
    t.equal(records, RECS.filter((r) => hourOf(r.startUnixMs) === h).length, `hour ${(h - H0) / HOUR_MS}: its records`);
  }
  let cpu = 0;
  for await (const { value } of store.scan<RollupRow>(USAGE_HOUR)) cpu += value.cpuSeconds;
  t.equal(
    cpu,
    RECS.reduce((s, r) => s + r.cpuSeconds, 0),
    'rollups sum every record once',
  );
});

t.test('retention deletes whole blocks once all of them is past, and records alone by their start', async (t) => {
  const store = new MemoryStore();
  await mixed(store, RECS);
  const r = parseUsageRetention('raw=1h');
  // Now: 3 h 30 min after the last record's hour; the cutoff falls mid-hour.
  const last = RECS.at(-1)!.startUnixMs;
  const cutoff = hourOf(last) - 5 * HOUR_MS + 30 * 60_000;
  await pruneUsage(store, r, cutoff + HOUR_MS);
  const left = await scanRaw(store, anyFilter(), { limit: 1000 });
  const kept = new Set(ids(left.records));
  for (const x of RECS) {
    if (x.startUnixMs >= cutoff) t.ok(kept.has(x.id), `${x.id}: not past: kept`);
    else if (x.startUnixMs < hourOf(cutoff)) t.notOk(kept.has(x.id), `${x.id}: an hour wholly past: gone`);
  }
  t.ok(left.records.length < RECS.length);
});

t.test('ingest packs a batch: the lines are the records enriched, foreign VMs left out', async (t) => {
  const store = new MemoryStore();
  const vm = (i: number, over: Partial<VmRecord> = {}) =>
    ({
      id: `01HVM${String(i).padStart(21, '0')}`,
      name: i % 2 ? `vm-${i}` : 'a,"b"\nc',
      tenant: 'acme',
      setId: i % 3 ? '' : '01HSET0000000000000000000A',
      hostId: HOST,
      sla: i % 2 ? 'guaranteed' : 'best_effort',
      app: i % 2 ? 'web' : undefined,
      userGroup: i % 2 ? 'x\r\ny' : undefined,
      spec: { scheme: 'process', vcpus: 1 + (i % 3), memoryMib: 96 * (i + 1), vmClass: i === 2 ? 'big' : undefined },
      ...over,
    }) as unknown as VmRecord;
  const vms = [vm(0), vm(1), vm(2), vm(3, { hostId: 'ELSEWHERE' }), vm(4, { hostId: 'ELSEWHERE', tried: [HOST] })];
  await store.batch(vms.map((v) => put(VMS, v.id, v)));
  const now = H0 + 3 * HOUR_MS;
  const wire = [0, 1, 2, 3, 4, 0].map((i, k) =>
    wireUsage({
      vmId: vms[i]!.id,
      // The last one an hour later: a second block.
      startUnixMs: H0 + k * 60_000 + (k === 5 ? HOUR_MS : 0),
      endUnixMs: H0 + (k + 1) * 60_000 + (k === 5 ? HOUR_MS : 0),
      cpuSeconds: k + 0.25,
      uptimeSeconds: 59.5,
      monitorPolls: k,
      sources: k ? { cpu: 'cgroup', net: 'guest:/proc/net/dev' } : {},
    }),
  );
  const checked = checkUsageBatch({ seq: 7, epoch: '', records: wire } as never, now).records;
  const byId = new Map(vms.map((v) => [v.id, v]));
  for (const u of checked)
    t.equal(
      usageLine(HOST, byId.get(u.vmId)!, u),
      encodeUsage(enrich(HOST, byId.get(u.vmId)!, u)),
      'the line of the record',
    );
  const u = await usageOps(new UsageVms(store), HOST, 7, checked, now, new UsageSpans(store));
  t.same([u.stored, u.foreign, u.overlapping], [5, 1, 0], 'a VM the host neither runs nor ran is dropped');
  const spanOps = u.ops.filter((o) => o.coll === USAGE_SPANS);
  const span = (first: number, last: number) => [{ first: H0 + first, last: H0 + last }];
  t.same(
    spanOps.map((o) => [o.key, o.type === 'put' && [...decodeSpans(o.value)]]),
    [
      [
        HOST,
        [
          [vms[0]!.id, [...span(0, 60_000), ...span(5 * 60_000 + HOUR_MS, 6 * 60_000 + HOUR_MS)]],
          [vms[1]!.id, span(60_000, 2 * 60_000)],
          [vms[2]!.id, span(2 * 60_000, 3 * 60_000)],
          [vms[4]!.id, span(4 * 60_000, 5 * 60_000)],
        ],
      ],
    ],
    "the host's spans, in the same ops",
  );
  const blocks = u.ops.filter((o) => o.coll === USAGE_RAW);
  t.same(
    blocks.map((o) => [o.key, o.type === 'put' && o.fresh]),
    [
      [blockKey(H0, HOST, 7, 0), true],
      [blockKey(H0 + 5 * 60_000 + HOUR_MS, HOST, 7, 1), true],
    ],
    'one fresh block per hour',
  );
  t.same(
    u.ops.filter((o) => o.coll === USAGE_DIRTY).map((o) => o.key),
    [dirtyKey(H0), dirtyKey(H0 + HOUR_MS)],
    'their hours marked dirty in the same ops',
  );
  const stored = blocks.flatMap((o) => blockLines((o as { value: string }).value)).map(decodeUsage);
  const want = checked.filter((c) => c.vmId !== vms[3]!.id).map((c) => enrich(HOST, byId.get(c.vmId)!, c));
  t.same(stored, want, 'read back: the records enrich makes');
});
