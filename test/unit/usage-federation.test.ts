// Issue 12 item 6, the pure and paging parts: demand (percentile, concurrency,
// counts, shape) and PushUsage's pages and retries against a fake peer.
import t from 'tap';
import * as grpc from '@grpc/grpc-js';
import { realClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { put } from '../../common/store/index.js';
import type { ImportUsageRequest } from '../../common/gen/nephele/v1/ImportUsageRequest.js';
import {
  ceilClean,
  commonShape,
  concurrency,
  demands,
  percentile,
  type Sample,
} from '../../controller/usage/demand.js';
import { importedRecord } from '../../controller/usage/import.js';
import { anyFilter, rawKey, recordId, USAGE_RAW, type UsageRecord } from '../../controller/usage/model.js';
import { rowToProto } from '../../controller/usage/convert.js';
import type { PeerRecord, PeerStore } from '../../controller/usage/peers.js';
import { caPemArg, peerAddressArg } from '../../controller/usage/peers.js';
import { Pusher, PUSH_PAGE } from '../../controller/usage/push.js';
import { MemoryStore } from '../helpers/memory-store.js';
import { ulid } from '../../common/ids.js';
import { createCa } from '../../common/tls/pki.js';

const s = (start: number, end: number, vcpus = 2, memoryMib = 1024, app = 'x', setId = 'S'): Sample => ({
  startUnixMs: start,
  endUnixMs: end,
  vcpus,
  memoryMib,
  scheme: 'process',
  vmClass: '',
  app,
  setId,
  tenant: 'default',
  userGroup: 'a',
});

t.test('nearest-rank percentile', async (t) => {
  const xs = Array.from({ length: 20 }, (_, i) => i + 1); // 1..20
  t.equal(percentile(xs, 95), 19);
  t.equal(percentile(xs, 100), 20);
  t.equal(percentile(xs, 50), 10);
  t.equal(percentile([7], 95), 7);
  t.equal(percentile([], 95), 0);
});

t.test('concurrency at each metering instant, intervals not aligned', async (t) => {
  // a: [0,60) b: [30,90) c: [60,120): at 0 → a; at 30 → a+b; at 60 → b+c (a ended).
  const got = concurrency([s(0, 60, 1, 100), s(30, 90, 2, 200), s(60, 120, 4, 400)]);
  t.same(got, [
    { vms: 1, vcpus: 1, memoryMib: 100 },
    { vms: 2, vcpus: 3, memoryMib: 300 },
    { vms: 2, vcpus: 6, memoryMib: 600 },
  ]);
});

t.test('counts: ceil with headroom, float noise forgiven; most common shape', async (t) => {
  t.equal(ceilClean(5 * 1.2), 6, '5 × 1.2 is 6, not 7');
  t.equal(ceilClean(3 * 1.2), 4);
  t.same(commonShape([s(0, 1, 2, 1024), s(0, 1, 4, 4096), s(1, 2, 2, 1024)]), {
    scheme: 'process',
    vcpus: 2,
    memoryMib: 1024,
    vmClass: '',
  });
  // Five instants with 1..5 VMs of 2c/1G, app x; p80 = 4 VMs → 8 vCPUs → ceil(4 × 1.5) = 6.
  const xs: Sample[] = [];
  for (let i = 0; i < 5; i++) for (let v = 0; v <= i; v++) xs.push(s(i * 60, i * 60 + 60));
  xs.push(s(0, 60, 1, 512, '', 'T')); // no app: grouped by its set
  const d = demands(xs, { percentile: 80, headroom: 0.5, bySet: false });
  t.same(
    d.map((x) => [x.key, x.pVcpus, x.pMemoryMib, x.peakVms, x.vmCount]),
    [
      ['app:x', 8, 4096, 5, 6],
      ['set:T', 1, 512, 1, 2],
    ],
  );
});

t.test('peer arguments: address and CA', async (t) => {
  t.equal(peerAddressArg('10.0.0.1'), '10.0.0.1:7443');
  t.equal(peerAddressArg('ctl.example:9000'), 'ctl.example:9000');
  t.throws(() => peerAddressArg('a b'), /address/);
  t.throws(() => peerAddressArg('h:70000'), /address: port/);
  const ca = await createCa();
  t.match(caPemArg(ca.certPem, Date.now()), /^-----BEGIN CERTIFICATE-----/);
  t.throws(() => caPemArg('junk', Date.now()), /ca_pem: must hold exactly one/);
  t.throws(() => caPemArg(ca.certPem + ca.certPem, Date.now()), /ca_pem/);
  t.throws(() => caPemArg(ca.certPem, Date.now() + 100 * 365 * 86_400_000), /ca_pem: has expired/);
});

function raw(i: number, hostId: string, vmId: string): UsageRecord {
  const r = {
    vmId,
    vmName: 'v',
    setId: '',
    tenant: 'default',
    hostId,
    scheme: 'process',
    vmClass: '',
    app: i % 2 ? 'x' : 'y',
    userGroup: 'a',
    sla: 'guaranteed' as const,
    vcpus: 1,
    memoryMib: 128,
    startUnixMs: Date.UTC(2026, 0, 1) + i * 1000,
    endUnixMs: Date.UTC(2026, 0, 1) + i * 1000 + 60_000,
    cpuSeconds: 1,
    memoryByteSeconds: 1,
    diskReadBytes: 0,
    diskWriteBytes: 0,
    netRxBytes: 0,
    netTxBytes: 0,
    uptimeSeconds: 60,
    vcpuSeconds: 60,
    memoryMibSeconds: 7680,
    records: 1,
    sources: {},
    source: '',
  };
  return { ...r, id: recordId(r) };
}

t.test('a push sends the matching records in pages of at most 5,000, retrying an unreachable peer', async (t) => {
  const store = new MemoryStore();
  const host = ulid();
  const vm = ulid();
  const recs = Array.from({ length: 24_004 }, (_, i) => raw(i, host, vm));
  for (let i = 0; i < recs.length; i += 1000)
    await store.batch(recs.slice(i, i + 1000).map((r) => put(USAGE_RAW, rawKey(r), r)));
  const pushes: string[] = [];
  const peers = {
    get: async (name: string) => ({ name }) as PeerRecord,
    recordPush: async (_n: string, status: string) => void pushes.push(status),
  } as unknown as PeerStore;
  const calls: ImportUsageRequest[] = [];
  let failures = 2;
  const pusher = new Pusher({
    store,
    peers,
    // Not unref'd (realClock's are): the retry delay is all this test waits on.
    clock: {
      ...realClock,
      setTimeout: (fn, ms) => {
        const h = setTimeout(fn, ms);
        return { cancel: () => clearTimeout(h) };
      },
    },
    log: silentLogger,
    sourceId: 'src-1',
    identity: () => ({ certPem: '', keyPem: '' }),
    random: () => 0,
    connect: () => ({
      importUsage: async (req) => {
        if (failures-- > 0) throw Object.assign(new Error('down'), { code: grpc.status.UNAVAILABLE, details: 'down' });
        calls.push(req);
        // Each record is new once; what comes again is a duplicate.
        return { imported: req.records!.length, duplicates: 0 };
      },
      close: () => {},
    }),
  });
  const r = await pusher.pushToPeer('p', { ...anyFilter(), app: 'x' });
  const xs = recs.filter((x) => x.app === 'x');
  t.same(r, { sent: xs.length, imported: xs.length, duplicates: 0, source: 'src-1' });
  t.same(
    calls.map((c) => c.records!.length),
    [PUSH_PAGE, PUSH_PAGE, xs.length - 2 * PUSH_PAGE],
  );
  t.ok(calls.every((c) => c.source === 'src-1'));
  t.same(
    calls.flatMap((c) => c.records!.map((x) => x.recordId)),
    xs.map((x) => x.id),
    'every matching record once, in time order',
  );
  t.match(pushes, [/^ok: sent 12002/]);
  // What is sent is what the target accepts.
  const row = rowToProto(xs[0]!);
  t.equal(importedRecord(row, 0, 'src-1', Date.now()).id, xs[0]!.id);
  await t.rejects(pusher.pushToPeer('p', { ...anyFilter(), source: 'other' }), /filter.source/);
  // Out of time between pages: stopped, said how far it got (a re-run finishes: imports are idempotent).
  let now = 0;
  const slow = new Pusher({
    store,
    peers,
    clock: { ...realClock, now: () => now },
    log: silentLogger,
    sourceId: 'src-1',
    identity: () => ({ certPem: '', keyPem: '' }),
    connect: () => ({
      importUsage: async (req) => {
        now += 20_000; // each call takes 20 s on this clock
        return { imported: 0, duplicates: req.records!.length };
      },
      close: () => {},
    }),
  });
  await t.rejects(
    slow.pushToPeer('p', { ...anyFilter(), app: 'x' }, { budgetMs: 30_000 }),
    /ran out of time after 10000 records/,
  );
  t.match(pushes.at(-1), /^failed: the push ran out of time/);
});
