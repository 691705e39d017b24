// Property tests of the placement core over thousands of random fleets and
// requests: the invariants must hold whatever the fleet looks like.
import t from 'tap';
import { Fleet, type Sla } from '../../controller/planner/fleet.js';
import {
  DEFAULT_PLANNER,
  dynamicReason,
  place,
  staticReason,
  unplace,
  type PlacementRequest,
  type PlanResult,
} from '../../controller/planner/place.js';
import { mulberry32 } from '../helpers/rng.js';

const GiB = 1073741824;
const MiB = 1048576;

function randomFleet(rng: () => number): Fleet {
  const f = new Fleet();
  const n = rng() < 0.2 ? 65 + Math.floor(rng() * 200) : 1 + Math.floor(rng() * 40); // some large enough to sample
  for (let i = 0; i < n; i++) {
    const pick = <T>(xs: T[]) => xs[Math.floor(rng() * xs.length)]!;
    f.upsert(`h${String(i).padStart(4, '0')}`, {
      adhoc: rng() < 0.3,
      offersGuarantees: rng() < 0.3,
      ready: rng() < 0.85,
      cordoned: rng() < 0.1,
      ownerBusy: rng() < 0.1,
      schemes: pick([['process'], ['qemu'], ['qemu', 'process']]),
      // Some hosts cannot isolate tenant code in the process scheme; some never said (old agents).
      isolation: pick<Record<string, string>>([{ process: 'full' }, { process: 'full' }, { process: 'none' }, {}]),
      groups: rng() < 0.5 ? [pick(['web', 'hpc', 'lab'])] : [],
      labels: rng() < 0.5 ? { zone: pick(['a', 'b']) } : {},
      features: rng() < 0.5 ? pick([['secure-os'], ['avx2'], ['secure-os', 'avx2']]) : [],
      capacity: {
        vcpus: 1 + Math.floor(rng() * 16),
        memoryBytes: (1 + Math.floor(rng() * 32)) * GiB,
        diskBytes: (10 + Math.floor(rng() * 200)) * GiB,
      },
      loadPct: rng() * 100,
    });
  }
  return f;
}

function randomRequest(rng: () => number, i: number): PlacementRequest {
  const pick = <T>(xs: T[]) => xs[Math.floor(rng() * xs.length)]!;
  return {
    setId: `set${i}`,
    sla: pick<Sla>(['guaranteed', 'best_effort']),
    res: {
      vcpus: 1 + Math.floor(rng() * 4),
      memoryBytes: pick([64, 256, 1024, 4096]) * MiB,
      diskBytes: pick([1, 5, 20]) * GiB,
    },
    schemes: pick([['process'], ['qemu'], ['qemu', 'process'], ['process', 'qemu']]),
    task: rng() < 0.25,
    group: rng() < 0.3 ? pick(['web', 'hpc', 'lab']) : undefined,
    labels: rng() < 0.3 ? { zone: pick(['a', 'b']) } : undefined,
    features: rng() < 0.2 ? pick([['secure-os'], ['avx2'], ['secure-os', 'avx2']]) : undefined,
    affinity: pick(['none', 'none', 'anti', 'affinity'] as const),
    strategy: pick(['binpack', 'spread'] as const),
  };
}

t.test('random fleets: reservations, filters, affinity, completeness, release to zero', async (t) => {
  const seeds = Number(process.env.PLANNER_PROPERTY_RUNS ?? 3000);
  let placedTotal = 0;
  let unplacedTotal = 0;
  let sampled = 0;
  let taskPlaced = 0;
  let featurePlaced = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const rng = mulberry32(seed);
    const fleet = randomFleet(rng);
    const cfg = { ...DEFAULT_PLANNER, overcommit: 1 + rng() * 3 };
    const done: { r: PlacementRequest; res: PlanResult }[] = [];
    const sets = 1 + Math.floor(rng() * 8);
    for (let i = 0; i < sets; i++) {
      const r = randomRequest(rng, i);
      const count = 1 + Math.floor(rng() * 30);
      const eligible = [...fleet.slots.values()].filter((s) => !staticReason(s, r)).length;
      if (eligible > cfg.sampleThreshold) sampled++;
      const res = place(fleet, r, count, cfg, rng);
      done.push({ r, res });
      placedTotal += res.placements.length;
      unplacedTotal += res.unplaced;
      if (res.placements.length + res.unplaced !== count) return t.fail(`seed ${seed}: placed + unplaced != count`);
      for (const p of res.placements) {
        const s = fleet.slot(p.hostId)!;
        const why = staticReason(s, r);
        if (why) return t.fail(`seed ${seed}: placed on a host that fails a filter (${why})`);
        if (!r.schemes.includes(p.scheme) || !s.schemes.includes(p.scheme))
          return t.fail(`seed ${seed}: scheme ${p.scheme} not acceptable`);
        if (r.task && p.scheme === 'process' && s.isolation.process !== 'full')
          return t.fail(`seed ${seed}: a task placed on ${s.id}, whose process scheme does not isolate it`);
        if (r.task) taskPlaced++;
        if (r.features?.some((f) => !s.features.includes(f)))
          return t.fail(`seed ${seed}: placed on ${s.id}, which lacks a required feature`);
        if (r.features) featurePlaced++;
      }
      if (r.affinity === 'anti') {
        const hosts = res.placements.map((p) => p.hostId);
        if (new Set(hosts).size !== hosts.length) return t.fail(`seed ${seed}: anti-affinity broken`);
      }
      if (r.affinity === 'affinity' && new Set(res.placements.map((p) => p.hostId)).size > 1)
        return t.fail(`seed ${seed}: affinity broken`);
      if (res.unplaced > 0) {
        if (res.reasons.length === 0) return t.fail(`seed ${seed}: unplaced without reasons`);
        // Completeness: sampling never hides a host that could have taken one more.
        for (const s of fleet.slots.values()) {
          if (!staticReason(s, r) && !dynamicReason(s, r, fleet, cfg))
            return t.fail(`seed ${seed}: ${s.id} could still take a vm but the set is partial`);
        }
      }
      for (const s of fleet.slots.values()) {
        const g = s.guaranteed;
        const c = s.capacity;
        if (g.vcpus > c.vcpus || g.memoryBytes > c.memoryBytes || g.diskBytes > c.diskBytes)
          return t.fail(`seed ${seed}: guaranteed reservations exceed capacity on ${s.id}`);
        if (s.vms < 0) return t.fail(`seed ${seed}: negative vm count`);
      }
    }
    // Delete every set (in a random order): all accounting back to zero.
    for (const { r, res } of done.sort(() => rng() - 0.5)) unplace(fleet, r, res.placements);
    const tot = fleet.totals();
    if (
      tot.vms !== 0 ||
      tot.guaranteed.vcpus !== 0 ||
      tot.guaranteed.memoryBytes !== 0 ||
      tot.bestEffort.vcpus !== 0 ||
      tot.bestEffort.memoryBytes !== 0 ||
      tot.bestEffort.diskBytes !== 0 ||
      fleet.setHolds.size !== 0
    ) {
      return t.fail(`seed ${seed}: capacity accounting not back to zero: ${JSON.stringify(tot)}`);
    }
    for (const s of fleet.slots.values())
      if (s.sets.size) return t.fail(`seed ${seed}: per-set counts left on ${s.id}`);
  }
  t.ok(placedTotal > 10_000, `placed ${placedTotal} vms across ${seeds} fleets`);
  t.ok(
    unplacedTotal > 100,
    `and reported ${unplacedTotal} unplaced (the properties were exercised on full fleets too)`,
  );
  t.ok(sampled > 100, `${sampled} requests ran with sampling`);
  t.ok(taskPlaced > 1000, `${taskPlaced} task vms placed, each only where it is isolated`);
  t.ok(featurePlaced > 1000, `${featurePlaced} vms needing features placed, each where they are offered`);
});

t.test('tenant tasks go to the process scheme only where it isolates them (fail closed when unknown)', async (t) => {
  const f = new Fleet();
  const cap = { vcpus: 8, memoryBytes: 8 * GiB, diskBytes: 100 * GiB };
  f.upsert('none', { capacity: cap, isolation: { process: 'none' } });
  f.upsert('unknown', { capacity: cap });
  f.upsert('full', { capacity: cap, isolation: { process: 'full' } });
  f.upsert('both', { capacity: cap, schemes: ['qemu', 'process'], isolation: { process: 'none' } });
  const r: PlacementRequest = {
    setId: 't',
    sla: 'guaranteed',
    res: { vcpus: 1, memoryBytes: GiB, diskBytes: GiB },
    schemes: ['process'],
    task: true,
    affinity: 'anti',
    strategy: 'spread',
  };
  const res = place(f, r, 2);
  t.same(
    res.placements.map((p) => p.hostId),
    ['full'],
    'only the isolating host takes one',
  );
  t.equal(res.unplaced, 1);
  t.same(
    res.reasons,
    ['3 hosts: process isolation unavailable', '1 host: anti-affinity: holds a vm of the set'],
    'and the reasons say why',
  );
  t.equal(
    place(f, { ...r, setId: 'plain', task: false, affinity: 'none' }, 4).unplaced,
    0,
    'the same hosts take an appliance (no tenant code)',
  );
  f.slot('full')!.cordoned = true;
  const qemu = place(f, { ...r, setId: 'q', schemes: ['process', 'qemu'] }, 1);
  t.same(
    qemu.placements.map((p) => [p.hostId, p.scheme]),
    [['both', 'qemu']],
    'a qemu guest may take it where process cannot (the task stays inside the VM)',
  );
});

t.test('best-effort overcommits by the ratio; guaranteed never does; ad-hoc hosts take best-effort only', async (t) => {
  const f = new Fleet();
  f.upsert('a', { capacity: { vcpus: 4, memoryBytes: 4 * GiB, diskBytes: 100 * GiB } });
  const g: PlacementRequest = {
    setId: 'g',
    sla: 'guaranteed',
    res: { vcpus: 1, memoryBytes: GiB, diskBytes: GiB },
    schemes: ['process'],
    affinity: 'none',
    strategy: 'binpack',
  };
  const be: PlacementRequest = { ...g, setId: 'b', sla: 'best_effort' };
  t.equal(
    place(f, g, 10, { ...DEFAULT_PLANNER, overcommit: 2 }).placements.length,
    4,
    'guaranteed: exactly the capacity',
  );
  t.equal(
    place(f, be, 10, { ...DEFAULT_PLANNER, overcommit: 2 }).placements.length,
    4,
    'best-effort: the overcommitted rest (2× capacity minus the guaranteed 4)',
  );
  const res = place(f, g, 1);
  t.equal(res.unplaced, 1);
  t.match(res.reasons[0], /1 host: not enough vcpus/);
  const adhoc = new Fleet();
  adhoc.upsert('d', { adhoc: true, capacity: { vcpus: 8, memoryBytes: 8 * GiB, diskBytes: 100 * GiB } });
  t.equal(place(adhoc, g, 1).unplaced, 1, 'guaranteed work is not put on an ad-hoc host');
  t.match(place(adhoc, g, 1).reasons[0], /ad-hoc host takes best-effort work only/);
  t.equal(place(adhoc, be, 1).placements.length, 1, 'best-effort work is');
  adhoc.upsert('d', { offersGuarantees: true });
  t.equal(place(adhoc, g, 1).placements.length, 1, 'unless the host gives guarantees');
  adhoc.upsert('d', { ownerBusy: true });
  t.match(place(adhoc, be, 1).reasons[0], /owner active/, 'a busy owner stops new placements');
});

t.test('spread uses every host; binpack fills one first', async (t) => {
  const mk = () => {
    const f = new Fleet();
    for (const id of ['a', 'b', 'c'])
      f.upsert(id, { capacity: { vcpus: 16, memoryBytes: 16 * GiB, diskBytes: 100 * GiB } });
    return f;
  };
  const r: PlacementRequest = {
    setId: 's',
    sla: 'guaranteed',
    res: { vcpus: 1, memoryBytes: 256 * MiB, diskBytes: GiB },
    schemes: ['process'],
    affinity: 'none',
    strategy: 'spread',
  };
  const spread = place(mk(), r, 20);
  const per = (res: PlanResult) =>
    [...new Set(res.placements.map((p) => p.hostId))]
      .map((h) => res.placements.filter((p) => p.hostId === h).length)
      .sort((a, b) => a - b);
  t.same(per(spread), [6, 7, 7], 'spread: 20 over 3 hosts as evenly as possible');
  const pack = place(mk(), { ...r, strategy: 'binpack' }, 20);
  t.same(per(pack), [4, 16], 'binpack: one host full before the next');
  const loaded = mk();
  loaded.upsert('a', { loadPct: 100 });
  t.not(place(loaded, r, 1).placements[0]!.hostId, 'a', 'a loaded host is scored down');
});

t.test('a large fleet is sampled, not scanned', async (t) => {
  const f = new Fleet();
  for (let i = 0; i < 5000; i++)
    f.upsert(`h${i}`, { capacity: { vcpus: 64, memoryBytes: 256 * GiB, diskBytes: 1000 * GiB } });
  const r: PlacementRequest = {
    setId: 's',
    sla: 'guaranteed',
    res: { vcpus: 2, memoryBytes: GiB, diskBytes: 10 * GiB },
    schemes: ['process'],
    affinity: 'none',
    strategy: 'spread',
  };
  const res = place(f, r, 100, DEFAULT_PLANNER, mulberry32(7));
  t.equal(res.placements.length, 100);
  t.ok(
    res.considered <= 100 * DEFAULT_PLANNER.sampleK,
    `scored ${res.considered} hosts for 100 vms (a scan would score 500,000)`,
  );
});

t.test('an affinity set starts where all of it fits, even when binpack prefers a fuller host', async (t) => {
  const f = new Fleet();
  f.upsert('full', { capacity: { vcpus: 4, memoryBytes: 8 * GiB, diskBytes: 100 * GiB } });
  f.upsert('empty', { capacity: { vcpus: 16, memoryBytes: 32 * GiB, diskBytes: 100 * GiB } });
  f.hold({ hostId: 'full', setId: 'other', sla: 'guaranteed', res: { vcpus: 2, memoryBytes: GiB, diskBytes: GiB } });
  const r: PlacementRequest = {
    setId: 'a',
    sla: 'guaranteed',
    res: { vcpus: 1, memoryBytes: 256 * MiB, diskBytes: GiB },
    schemes: ['process'],
    affinity: 'affinity',
    strategy: 'binpack',
  };
  const res = place(f, r, 6);
  t.equal(res.unplaced, 0, 'all six placed');
  t.same([...new Set(res.placements.map((p) => p.hostId))], ['empty'], 'together, on the host that fits them all');
  const tooBig = place(f, { ...r, setId: 'b' }, 40);
  t.equal(
    new Set(tooBig.placements.map((p) => p.hostId)).size,
    1,
    'a set no host can hold whole still stays on one host',
  );
  t.ok(tooBig.unplaced > 0 && tooBig.reasons.length > 0, 'and reports the rest unplaced with reasons');
});
