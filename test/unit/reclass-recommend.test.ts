// Recommend's pure decisions: candidates, the benefit simulation, ranking and
// anti-noise (hysteresis, cool-down, OOM/throttle bump once, never above the
// biggest host), quota applicability. Property tests on seeded random inputs.
import t from 'tap';
import type { ClassRecord, ReclassHistory, VmAnalysisModel } from '../../controller/model/reclass.js';
import type { UsageSeries } from '../../controller/reclass/ports.js';
import type { HostView } from '../../controller/reclass/recommend/candidates.js';
import { decide, quotaReason, type DecideInput } from '../../controller/reclass/recommend/decide.js';
import { emptyHistory, type Change } from '../../controller/reclass/recommend/noise.js';
import { HOURS_PER_MONTH, type Pricing } from '../../controller/reclass/recommend/simulate.js';
import { offerArgs, peerOffer, pickOffers } from '../../controller/reclass/recommend/offer.js';
import { costOf, rateFor, zeroMetrics, type RateCard } from '../../controller/usage/model.js';
import { Rng } from '../helpers/rng.js';
import { usageSeries } from '../helpers/reclass-records.js';

const cls = (name: string, vcpus: number, gib: number, price = 0, features: string[] = []): ClassRecord => ({
  name,
  vcpus,
  memoryMib: gib * 1024,
  diskGib: 10,
  diskIoMbps: 0,
  netMbps: 0,
  features,
  pricePerHour: price,
  description: '',
  builtin: true,
  version: 1,
  updatedUnixMs: 0,
});
const CATALOG = [
  cls('small', 1, 1),
  cls('medium', 2, 4),
  cls('large', 4, 8),
  cls('mem-large', 2, 16),
  cls('cpu-large', 8, 8),
];

const host = (id: string, features: string[] = [], vcpus = 16, gib = 64): HostView => ({
  id,
  ready: true,
  schemes: ['process', 'qemu'],
  features,
  capacity: { vcpus, memoryMib: gib * 1024 },
  free: { vcpus, memoryMib: gib * 1024 },
});

/** Nearest-rank percentile (reference: a plain sort). */
function pct(xs: Float64Array, p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]! : 0;
}
const stats = (xs: Float64Array) => ({
  p50: pct(xs, 50),
  p95: pct(xs, 95),
  p99: pct(xs, 99),
  max: pct(xs, 100),
  mean: xs.reduce((a, b) => a + b, 0) / (xs.length || 1),
});

const seriesOf = (cpu: number[], memMib: number[]): UsageSeries => usageSeries('VM', cpu, memMib);

function analysis(
  s: UsageSeries,
  size: { vcpus: number; memoryMib: number; vmClass?: string },
  o: Partial<VmAnalysisModel> & { oomKills?: number; throttledSeconds?: number } = {},
): VmAnalysisModel {
  const { oomKills = 0, throttledSeconds = 0, ...rest } = o;
  return {
    vmId: 'VM',
    vmName: 'a',
    setId: '',
    tenant: 'acme',
    hostId: 'h1',
    scheme: 'process',
    vmClass: size.vmClass ?? '',
    vcpus: size.vcpus,
    memoryMib: size.memoryMib,
    diskGib: 10,
    usage: {
      cpuVcpus: stats(s.cpuVcpus),
      memoryMib: stats(s.memoryMib),
      diskIoMbps: stats(s.diskIoMbps),
      netMbps: stats(s.netMbps),
      dataHours: s.cpuVcpus.length,
      gapHours: 0,
      sufficient: s.cpuVcpus.length >= 24,
      idle: false,
      oomKills,
      throttledSeconds,
    },
    findings: [],
    hostFeatures: [],
    ...rest,
  };
}

/** Pricing as the classes part defines it: the class's own price, else the rate card's vCPU-hour + GiB-hour. */
function pricingOf(card: RateCard | undefined): Pricing {
  return {
    currency: card?.currency ?? '',
    rateCardVersion: card?.version ?? 0,
    price: (c) => {
      if (c.pricePerHour > 0) return c.pricePerHour;
      const rate = card && rateFor(card, { vmClass: c.name, sla: 'best_effort' });
      return rate ? c.vcpus * rate.vcpuHour + (c.memoryMib / 1024) * rate.memoryGibHour : 0;
    },
  };
}

const CARD: RateCard = {
  version: 3,
  currency: 'EUR',
  createdUnixMs: 0,
  rates: [{ vmClass: '', vcpuHour: 0.02, memoryGibHour: 0.005, diskIoGb: 0, networkGb: 0 }],
};

function input(a: VmAnalysisModel, s: UsageSeries, o: Partial<DecideInput> = {}): DecideInput {
  return {
    a,
    series: s,
    hosts: [host('h1'), host('h2', ['secure-os'])],
    classes: CATALOG,
    pool: [],
    peers: [],
    bar: 70,
    pricing: pricingOf(CARD),
    history: emptyHistory('VM'),
    changes: [],
    now: 1_000_000_000_000,
    ...o,
  };
}

const flat = (n: number, cpu: number, mem: number) =>
  seriesOf(
    Array.from({ length: n }, () => cpu),
    Array.from({ length: n }, () => mem),
  );

t.test('a CPU-bound VM goes up to a class with more vCPUs; an idle one down', async (t) => {
  const busy = flat(48, 1.95, 1000);
  const d = decide(input(analysis(busy, { vcpus: 2, memoryMib: 4096, vmClass: 'medium' }), busy));
  t.equal(d.outcome, 'recommend');
  if (d.outcome !== 'recommend') return;
  t.ok(d.best.target.vcpus > 2, `target ${d.best.target.vmClass} has more vCPUs`);
  t.equal(d.best.kind, 'resize');
  t.ok(d.best.fits);
  t.match(d.best.explanation, /p95 cpu 1\.95 of 2 vCPUs/);

  const idle = flat(48, 0.01, 100);
  const e = decide(input(analysis(idle, { vcpus: 4, memoryMib: 8192, vmClass: 'large' }), idle));
  t.equal(e.outcome, 'recommend');
  if (e.outcome !== 'recommend') return;
  t.equal(e.best.target.vmClass, 'small');
  t.ok(e.best.benefit.costDeltaPerMonth < 0, 'saves');
});

t.test('too little data: no recommendation', async (t) => {
  const s = flat(10, 1.95, 1000);
  t.same(decide(input(analysis(s, { vcpus: 2, memoryMib: 4096 }), s)), { outcome: 'insufficient' });
});

t.test('a VM needing secure-os on a host without it is moved to the host that offers it', async (t) => {
  const s = flat(48, 0.9, 2000);
  const a = analysis(
    s,
    { vcpus: 2, memoryMib: 4096, vmClass: 'medium' },
    {
      manifest: {
        minVcpus: 0,
        maxVcpus: 0,
        minMemoryMib: 0,
        maxMemoryMib: 0,
        requiredFeatures: ['secure-os'],
        netMbps: 0,
        modules: [],
        source: 'vm',
      },
    },
  );
  const d = decide(input(a, s));
  t.equal(d.outcome, 'recommend');
  if (d.outcome !== 'recommend') return;
  t.equal(d.best.kind, 'move');
  t.equal(d.best.target.hostId, 'h2');
  t.same(d.best.target.features, ['secure-os']);
  // No host offers it: nothing to recommend.
  t.equal(decide(input(a, s, { hosts: [host('h1')] })).outcome, 'none');
});

t.test(
  'an idle VM goes onto an existing VM of its tenant with room (reassign), not onto another tenant’s',
  async (t) => {
    const s = flat(48, 0.02, 200);
    const a = analysis(s, { vcpus: 2, memoryMib: 4096, vmClass: 'medium' });
    const spare = {
      vmId: 'T1',
      tenant: 'acme',
      scheme: 'process',
      hostId: 'h1',
      running: true,
      managed: false,
      vcpus: 2,
      memoryMib: 4096,
      cpuP95: 0.1,
      memoryP95: 300,
    };
    const idler = { ...spare, vmId: 'T3', cpuP95: 0.01 };
    const d = decide(input(a, s, { pool: [spare, { ...spare, vmId: 'T2', tenant: 'other' }, idler] }));
    t.equal(d.outcome, 'recommend');
    if (d.outcome !== 'recommend') return;
    t.equal(d.best.kind, 'reassign');
    t.equal(d.best.target.vmId, 'T1');
    t.equal(d.best.benefit.costPerHourTarget, 0);
    t.notOk(
      d.ranked.some((c) => c.target.vmId === 'T2'),
      'never another tenant',
    );
  },
);

t.test('property: the cost delta is the rate card arithmetic (target − now) × 730', async (t) => {
  for (let seed = 1; seed <= 300; seed++) {
    const rng = new Rng(seed);
    const card: RateCard = {
      version: rng.range(1, 9),
      currency: rng.pick(['EUR', 'USD']),
      createdUnixMs: 0,
      rates: [
        { vmClass: '', vcpuHour: rng.float(), memoryGibHour: rng.float() / 10, diskIoGb: 0, networkGb: 0 },
        ...CATALOG.filter(() => rng.chance(0.4)).map((c) => ({
          vmClass: c.name,
          vcpuHour: rng.float(),
          memoryGibHour: rng.float() / 10,
          diskIoGb: 0,
          networkGb: 0,
        })),
      ],
    };
    const classes = CATALOG.map((c) => ({ ...c, pricePerHour: rng.chance(0.3) ? rng.float() : 0 }));
    const n = rng.range(24, 200);
    const s = seriesOf(
      Array.from({ length: n }, () => rng.float() * 6),
      Array.from({ length: n }, () => rng.float() * 12000),
    );
    const size = rng.pick(classes);
    const a = analysis(s, { vcpus: size.vcpus, memoryMib: size.memoryMib, vmClass: rng.chance(0.7) ? size.name : '' });
    const d = decide(input(a, s, { classes, pricing: pricingOf(card) }));
    if (d.outcome !== 'recommend') continue;
    // The rate card's arithmetic, independently: one hour of the size priced by costOf.
    const hourly = (name: string, vcpus: number, memoryMib: number) => {
      const own = classes.find((c) => c.name === name)?.pricePerHour;
      if (own) return own;
      const m = { ...zeroMetrics(), vcpuSeconds: vcpus * 3600, memoryMibSeconds: memoryMib * 3600 };
      return costOf(m, rateFor(card, { vmClass: name, sla: 'best_effort' })).total;
    };
    const now = hourly(a.vmClass, a.vcpus, a.memoryMib);
    for (const c of d.ranked) {
      const tgt = c.target.kind === 'vm' ? 0 : hourly(c.target.vmClass, c.target.vcpus, c.target.memoryMib);
      const want = (tgt - now) * HOURS_PER_MONTH;
      if (Math.abs(c.benefit.costDeltaPerMonth - want) > 1e-9 * Math.max(1, Math.abs(want)))
        t.fail(`seed ${seed}: ${c.target.vmClass} delta ${c.benefit.costDeltaPerMonth} != ${want}`);
      t.equal(c.benefit.currency, card.currency);
      t.equal(c.benefit.rateCardVersion, card.version);
    }
  }
  t.pass('checked');
});

/** Applies a decision to the VM as the apply part would, recording the change. */
function applyTo(
  size: { vcpus: number; memoryMib: number; vmClass: string },
  d: ReturnType<typeof decide>,
  changes: Change[],
  now: number,
) {
  if (d.outcome !== 'recommend' || d.best.kind === 'reassign') return size;
  changes.push({
    unixMs: now,
    fromVcpus: size.vcpus,
    fromMemoryMib: size.memoryMib,
    toVcpus: d.best.target.vcpus,
    toMemoryMib: d.best.target.memoryMib,
  });
  return { vcpus: d.best.target.vcpus, memoryMib: d.best.target.memoryMib, vmClass: d.best.target.vmClass };
}

t.test('property: a load oscillating around a boundary never flips the VM back and forth', async (t) => {
  let changed = 0;
  for (let seed = 1; seed <= 200; seed++) {
    const rng = new Rng(seed);
    const start = rng.pick(CATALOG);
    let size = { vcpus: start.vcpus, memoryMib: start.memoryMib, vmClass: start.name };
    // The boundary: the bar on the starting size, for CPU or memory.
    const onCpu = rng.chance(0.5);
    const level = 0.7 * (onCpu ? start.vcpus : start.memoryMib);
    const changes: Change[] = [];
    let history: ReclassHistory = emptyHistory('VM');
    let now = 1_000_000_000_000;
    const sizes = [`${size.vcpus}/${size.memoryMib}`];
    for (let round = 0; round < 40; round++) {
      const swing = (rng.chance(0.5) ? 1 : -1) * rng.float() * 0.05 * level;
      const n = 48;
      const xs = Array.from({ length: n }, () => level + swing + (rng.float() - 0.5) * 0.02 * level);
      const other = Array.from({ length: n }, () => 0.3 * (onCpu ? start.memoryMib : start.vcpus));
      const s = onCpu ? seriesOf(xs, other) : seriesOf(other, xs);
      const d = decide(input(analysis(s, size, { vmClass: size.vmClass }), s, { history, changes, now }));
      if (d.outcome !== 'insufficient') history = d.history;
      size = applyTo(size, d, changes, now);
      const k = `${size.vcpus}/${size.memoryMib}`;
      if (k !== sizes[sizes.length - 1]) sizes.push(k);
      now += rng.range(1, 48) * 3_600_000;
    }
    const flips = sizes.filter((k, i) => i >= 2 && sizes[i - 2] === k);
    if (flips.length) t.fail(`seed ${seed}: sizes ${sizes.join(' → ')}`);
    if (sizes.length > 2) t.fail(`seed ${seed}: more than one change: ${sizes.join(' → ')}`);
    if (sizes.length > 1) changed++;
  }
  t.ok(changed > 20, `the load crossed the bar and the VM changed size in ${changed} of 200 runs, once each`);
});

t.test('no change back to the size the VM left within the cool-down', async (t) => {
  const s = flat(48, 0.05, 300);
  const a = analysis(s, { vcpus: 4, memoryMib: 8192, vmClass: 'large' });
  const now = 1_000_000_000_000;
  const left = { unixMs: now - 86_400_000, fromVcpus: 1, fromMemoryMib: 1024, toVcpus: 4, toMemoryMib: 8192 };
  const d = decide(input(a, s, { changes: [left], now }));
  t.ok(d.outcome !== 'recommend' || d.best.target.vmClass !== 'small', 'small refused within 7 days');
  const e = decide(input(a, s, { changes: [{ ...left, unixMs: now - 8 * 86_400_000 }], now }));
  t.equal(e.outcome === 'recommend' && e.best.target.vmClass, 'small', 'and allowed after');
});

t.test('an OOM bumps memory one step, once; never above the biggest host', async (t) => {
  const s = flat(48, 0.3, 900);
  const size = { vcpus: 1, memoryMib: 1024, vmClass: 'small' };
  const a = analysis(s, size, { oomKills: 2 });
  const d = decide(input(a, s));
  t.equal(d.outcome, 'recommend');
  if (d.outcome !== 'recommend') return;
  t.equal(d.best.target.memoryMib, 4096, 'the next memory step of the catalog');
  t.equal(d.history.oomKillsAnswered, 2);
  // Applied: the same kills in the window do not bump again.
  const after = analysis(
    s,
    { vcpus: d.best.target.vcpus, memoryMib: 4096, vmClass: d.best.target.vmClass },
    {
      oomKills: 2,
    },
  );
  const e = decide(input(after, s, { history: d.history }));
  t.ok(e.outcome === 'none' || (e.outcome === 'recommend' && e.best.target.memoryMib <= 4096), 'no second bump');
  // A new kill bumps again, one step.
  const f = decide(input({ ...after, usage: { ...after.usage, oomKills: 3 } }, s, { history: d.history }));
  t.equal(f.outcome === 'recommend' && f.best.target.memoryMib, 8192);
  // At the biggest host's memory: nothing above it.
  const top = analysis(s, { vcpus: 2, memoryMib: 16384, vmClass: 'mem-large' }, { oomKills: 5 });
  const g = decide(input(top, s, { hosts: [host('h1', [], 16, 16)] }));
  if (g.outcome === 'recommend')
    for (const c of g.ranked) t.ok(c.target.memoryMib <= 16384, `${c.target.vmClass} under the biggest host`);
  t.equal(g.outcome === 'recommend' || g.outcome === 'none' ? g.history.oomKillsAnswered : -1, 5);
});

t.test('throttling bumps vCPUs one step', async (t) => {
  const s = flat(48, 0.5, 500);
  const d = decide(input(analysis(s, { vcpus: 1, memoryMib: 1024, vmClass: 'small' }, { throttledSeconds: 300 }), s));
  t.equal(d.outcome === 'recommend' && d.best.target.vcpus, 2);
});

t.test('never above the biggest host: a VM beyond every host gets the biggest that exists', async (t) => {
  const s = flat(48, 30, 1000);
  const d = decide(
    input(analysis(s, { vcpus: 8, memoryMib: 8192, vmClass: 'cpu-large' }), s, { hosts: [host('h1', [], 12, 64)] }),
  );
  if (d.outcome === 'recommend')
    for (const c of d.ranked) t.ok(c.target.vcpus <= 12, `${c.target.vmClass} <= 12 vCPUs`);
  t.pass();
});

t.test('a recommendation over the tenant quota is stored not applicable with the reason', async (t) => {
  const busy = flat(48, 1.95, 1000);
  const a = analysis(busy, { vcpus: 2, memoryMib: 4096, vmClass: 'medium' });
  const q = { vcpus: 4, memoryBytes: 0, vms: 0, images: 0 };
  const d = decide(input(a, busy, { tenant: { quota: q, usage: { ...q, vcpus: 4 } } }));
  t.equal(d.outcome, 'recommend');
  if (d.outcome !== 'recommend') return;
  t.equal(d.applicable, false);
  t.match(d.reason, /^quota vcpus exceeded: \d+ requested, 0 of 4 left$/);
  t.equal(quotaReason({ quota: q, usage: { ...q, vcpus: 0 } }, d.best, a), '', 'fits an emptier tenant');
  t.match(
    quotaReason({ quota: { ...q, vms: 1 }, usage: { ...q, vcpus: 0, vms: 1 } }, { ...d.best, kind: 'new_vm' }, a),
    /quota vms exceeded/,
    'a new VM counts whole',
  );
});

t.test('an open recommendation with the same target is unchanged', async (t) => {
  const busy = flat(48, 1.95, 1000);
  const a = analysis(busy, { vcpus: 2, memoryMib: 4096, vmClass: 'medium' });
  const d = decide(input(a, busy));
  if (d.outcome !== 'recommend') return t.fail('expected a recommendation');
  const open = { id: 'R1', kind: d.best.kind, target: d.best.target } as never;
  t.same(decide(input(a, busy, { open })).outcome, 'unchanged');
});

t.test('OfferTargets: spare room and features asked for, the most spare first, no tenant or name', async (t) => {
  const s = flat(48, 0.5, 1000);
  const on = (vmId: string, hostId: string, size: { vcpus: number; memoryMib: number; vmClass: string }) => ({
    ...analysis(s, size),
    vmId,
    hostId,
    tenant: 'secret-tenant',
    vmName: 'secret-name',
  });
  const fleet = {
    hosts: [host('h1'), host('h2', ['secure-os'])],
    classes: CATALOG,
    pricing: pricingOf(CARD),
  };
  const few = flat(10, 0.1, 100);
  const as = [
    on('V1', 'h1', { vcpus: 2, memoryMib: 4096, vmClass: 'medium' }),
    on('V2', 'h2', { vcpus: 4, memoryMib: 8192, vmClass: 'large' }),
    on('V3', 'h2', { vcpus: 1, memoryMib: 1024, vmClass: 'small' }),
    { ...analysis(few, { vcpus: 8, memoryMib: 8192 }), vmId: 'V4' },
  ];
  const all = pickOffers(as, fleet, { minVcpus: 0, minMemoryMib: 0, features: [], limit: 10 });
  t.same(
    all.map((o) => o.vmId),
    ['V2', 'V1', 'V3'],
    'most spare first; too little data is not offered',
  );
  t.same(all[0], {
    vmId: 'V2',
    vcpus: 4,
    memoryMib: 8192,
    spareVcpus: 3.5,
    spareMemoryMib: 7192,
    features: ['secure-os'],
    scheme: 'process',
    pricePerHour: 4 * 0.02 + 8 * 0.005,
  });
  t.notMatch(JSON.stringify(all), /secret/, 'neither tenant nor name');
  t.same(
    pickOffers(as, fleet, { minVcpus: 1, minMemoryMib: 0, features: ['secure-os'], limit: 10 }).map((o) => o.vmId),
    ['V2'],
  );
  t.equal(pickOffers(as, fleet, { minVcpus: 0, minMemoryMib: 0, features: [], limit: 1 }).length, 1);
  const req = { minVcpus: 0, minMemoryMib: 0, features: [], limit: 0 };
  t.equal(offerArgs(req).limit, 20, 'default limit');
  t.throws(() => offerArgs({ ...req, limit: 101 }), { code: 'INVALID_ARGUMENT', field: 'limit' });
  t.throws(() => offerArgs({ ...req, features: ['Nope!'] }), { code: 'INVALID_ARGUMENT', field: 'features' });
});

t.test("a peer's offers are hostile input: out of bounds is dropped", async (t) => {
  const o = {
    vmId: '01HZ',
    vcpus: 2,
    memoryMib: 4096,
    spareVcpus: 1.5,
    spareMemoryMib: 3000,
    features: ['secure-os', 'BAD FEATURE'],
    scheme: 'process',
    pricePerHour: 0.01,
  };
  t.same(peerOffer('p', o), { ...o, peer: 'p', features: ['secure-os'] });
  for (const bad of [
    { vcpus: 0 },
    { vcpus: 1.5 },
    { memoryMib: -1 },
    { spareVcpus: 3 },
    { spareMemoryMib: Number.NaN },
    { pricePerHour: Number.POSITIVE_INFINITY },
    { vmId: 'x'.repeat(65) },
    { scheme: 'Q E M U' },
  ])
    t.equal(peerOffer('p', { ...o, ...bad }), undefined, JSON.stringify(bad));
});
