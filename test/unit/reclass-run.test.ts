// One Recommend run with in-memory fakes of the other parts (Analyzer, Catalog,
// Notifier) over a real record store: the recommendation is written with its
// indexes and history and noticed once; the same data again is unchanged; an
// applied change back within the cool-down is not recommended; insufficient
// data is skipped.
import t from 'tap';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import type { Op, Precondition } from '../../common/store/index.js';
import type { VmRecord } from '../../controller/model/index.js';
import type { ClassRecord, RecommendationRecord, VmAnalysisModel } from '../../controller/model/reclass.js';
import type { UsageSeries } from '../../controller/reclass/ports.js';
import { RecStore } from '../../controller/reclass/recommend/records.js';
import { recommendVms, type RunDeps } from '../../controller/reclass/recommend/run.js';
import { vmSpecHash } from '../../controller/reclass/spec-hash.js';
import { MemoryStore } from '../helpers/memory-store.js';
import { usageProfile, usageSeries } from '../helpers/reclass-records.js';

const GiB = 2 ** 30;
const VM_ID = '01HZZZZZZZZZZZZZZZZZZZZZZ1';
const classes: ClassRecord[] = [
  ['small', 1, 1, 0.01],
  ['medium', 2, 4, 0.04],
  ['large', 4, 8, 0.08],
].map(([name, vcpus, gib, price]) => ({
  name: name as string,
  vcpus: vcpus as number,
  memoryMib: (gib as number) * 1024,
  diskGib: 10,
  diskIoMbps: 0,
  netMbps: 0,
  features: [],
  pricePerHour: price as number,
  description: '',
  builtin: true,
  version: 1,
  updatedUnixMs: 0,
}));

function world(o: { cpu: number; hours?: number }) {
  const store = new MemoryStore();
  const clock = new FakeClock();
  const noticed: RecommendationRecord[] = [];
  const vm = {
    id: VM_ID,
    name: 'web',
    tenant: 'acme',
    hostId: 'H1',
    setId: '',
    spec: {
      scheme: 'process',
      vcpus: 2,
      memoryMib: 4096,
      diskGib: 10,
      image: 'x',
      appliancePort: 0,
      config: {},
      vmClass: 'medium',
    },
    state: 'running',
    desired: 'running',
    generation: 3,
  } as unknown as VmRecord;
  const n = o.hours ?? 48;
  const series: UsageSeries = usageSeries(VM_ID, new Float64Array(n).fill(o.cpu), new Float64Array(n).fill(500));
  const analysis = (v: VmRecord): VmAnalysisModel => ({
    vmId: v.id,
    vmName: v.name,
    setId: '',
    tenant: v.tenant,
    hostId: v.hostId,
    scheme: 'process',
    vmClass: v.spec.vmClass ?? '',
    vcpus: v.spec.vcpus,
    memoryMib: v.spec.memoryMib,
    diskGib: 10,
    usage: usageProfile({ cpu: o.cpu, mem: 500, dataHours: n, sufficient: n >= 24 }),
    findings: [],
    hostFeatures: [],
  });
  const host = {
    id: 'H1',
    state: 'ready',
    cordoned: false,
    revoked: false,
    schemes: ['process'],
    labels: {},
    inventory: { guest: { vcpus: 16, memoryBytes: 32 * GiB } },
  };
  void store.batch([{ type: 'put', coll: 'hosts', key: 'H1', value: host }]);
  const recs = new RecStore(store);
  const d = {
    store,
    clock,
    log: silentLogger,
    events: { commit: (c: { ops: Op[]; preconditions: Precondition[] }) => store.batch(c.ops, c.preconditions) },
    planner: { fleet: { slot: () => undefined } },
    vms: { list: async () => ({ vms: [{ vm, version: 1 }], more: false, last: VM_ID }) },
    tenants: { get: async () => ({ t: { quota: { vcpus: 0, memoryBytes: 0, vms: 0, images: 0 }, usage: {} } }) },
    usage: { groups: { query: { rates: { current: async () => undefined } } } },
    analyzer: { analyze: async (vms: VmRecord[]) => vms.map(analysis), series: async () => series },
    catalog: {
      list: async () => classes,
      get: async () => undefined,
      pricePerHour: (c: ClassRecord) => c.pricePerHour,
    },
    hostFeatures: () => [],
    notifier: { recommended: async (r: RecommendationRecord) => void noticed.push(r) },
    recs,
  } as unknown as RunDeps;
  const opts = { windowHours: 168, minDataHours: 24, nowUnixMs: clock.now(), bar: 70, includePeers: false };
  return { d, vm, recs, noticed, clock, opts };
}

t.test('a run writes the recommendation whole, notices it once, and the same data again is unchanged', async (t) => {
  const w = world({ cpu: 1.9 });
  const r = await recommendVms(w.d, [w.vm], w.opts);
  t.equal(r.analyzed, 1);
  t.equal(r.recs.length, 1);
  const rec = r.recs[0]!;
  t.equal(rec.kind, 'resize');
  t.equal(rec.target.vmClass, 'large');
  t.equal(rec.vmGeneration, 3);
  t.equal(rec.vmSpecHash, vmSpecHash(w.vm.spec));
  t.equal(rec.benefit.costDeltaPerMonth, (0.08 - 0.04) * 730);
  t.same(
    w.noticed.map((x) => x.id),
    [rec.id],
    'noticed once',
  );
  t.same(
    (await w.recs.ofVm(VM_ID)).map((x) => x.rec.id),
    [rec.id],
    'indexed by VM',
  );
  t.same(
    (await w.recs.list({ tenant: 'acme', limit: 10, after: '' })).recs.map((x) => x.id),
    [rec.id],
    'and by tenant',
  );
  const again = await recommendVms(w.d, [w.vm], w.opts);
  t.same(again.recs, []);
  t.equal(again.unchanged, 1);
  t.equal(w.noticed.length, 1, 'nothing new to notice');
});

t.test('a VM applied up from a size is not sent back to it within the cool-down', async (t) => {
  const w = world({ cpu: 0.4 });
  // It was resized small → large a day ago (an applied recommendation), and is quiet now.
  const big = { ...w.vm, spec: { ...w.vm.spec, vcpus: 4, memoryMib: 8192, vmClass: 'large' } };
  const first = (await recommendVms(w.d, [big], w.opts)).recs[0]!;
  t.equal(first.target.vmClass, 'small', 'quiet on large: small would be recommended');
  const applied = {
    ...first,
    state: 'applied' as const,
    vcpus: 1,
    memoryMib: 1024,
    target: { ...first.target, vcpus: 4, memoryMib: 8192 },
    updatedUnixMs: w.clock.now(),
  };
  await w.recs.update(applied, 1);
  w.clock.advance(86_400_000);
  const r = await recommendVms(w.d, [big], { ...w.opts, nowUnixMs: w.clock.now() });
  t.notOk(
    r.recs.some((x) => x.target.vmClass === 'small'),
    'not back to small within 7 days',
  );
});

t.test('too little data: skipped, nothing written', async (t) => {
  const w = world({ cpu: 1.9, hours: 10 });
  const r = await recommendVms(w.d, [w.vm], w.opts);
  t.equal(r.skipped, 1);
  t.same(await w.recs.ofVm(VM_ID), []);
  t.same(w.noticed, []);
});
