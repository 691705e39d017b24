// Percentiles (controller/reclass/analyze/percentiles.ts: a histogram, then quickselect in a bucket) against
// a reference: sort a copy, take the nearest-rank index. Random series of many
// shapes (one sample, all equal, heavy duplicates, sorted, reversed, spikes),
// seeded so a failure is reproducible from its seed.
import t from 'tap';
import { percentilesOf, quickselect, rankIndex } from '../../controller/reclass/analyze/percentiles.js';
import { Rng } from '../helpers/rng.js';

function reference(values: Float64Array) {
  const s = Float64Array.from(values).sort();
  const at = (p: number) => s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { p50: at(50), p95: at(95), p99: at(99), max: s[s.length - 1]!, mean };
}

function series(rng: Rng): Float64Array {
  // 4096+ takes the plain path (past the histogram's fixed buffers).
  const n = rng.pick([1, 2, 3, 5, 20, 99, 100, 101, 168, 720, 2160, rng.range(1, 3000), rng.range(4090, 4200)]);
  const shape = rng.pick(['uniform', 'equal', 'dups', 'sorted', 'reversed', 'spikes', 'ints', 'tiny', 'huge'] as const);
  const a = new Float64Array(n);
  const c = rng.float() * 8;
  for (let i = 0; i < n; i++)
    a[i] =
      shape === 'equal'
        ? c
        : shape === 'dups'
          ? rng.int(3) * 0.5
          : shape === 'sorted'
            ? i * 0.01
            : shape === 'reversed'
              ? (n - i) * 0.01
              : shape === 'spikes'
                ? rng.chance(0.03)
                  ? 100 + rng.float()
                  : rng.float() * 0.1
                : shape === 'ints'
                  ? rng.int(10)
                  : shape === 'tiny' // a range so narrow 256/(max-min) is not finite: the plain path
                    ? rng.int(3) * 5e-324
                    : shape === 'huge' // a range so wide the buckets hold values far apart
                      ? rng.chance(0.5)
                        ? rng.float() * 1e300
                        : rng.float()
                      : rng.float() * 16;
  return a;
}

t.test('nearest rank: the k-th smallest, k = ceil(p/100 x n)', async (t) => {
  t.equal(rankIndex(50, 1), 0);
  t.equal(rankIndex(95, 20), 18, 'ceil(19) - 1');
  t.equal(rankIndex(99, 100), 98);
  t.equal(rankIndex(50, 4), 1, 'p50 of 4 is the 2nd smallest');
  t.same(percentilesOf(new Float64Array([])), { p50: 0, p95: 0, p99: 0, max: 0, mean: 0 }, 'no samples: zeros');
  t.same(percentilesOf(Float64Array.of(3)), { p50: 3, p95: 3, p99: 3, max: 3, mean: 3 }, 'one sample');
  const a = Float64Array.from({ length: 100 }, (_, i) => 100 - i);
  t.match(percentilesOf(a), { p50: 50, p95: 95, p99: 99, max: 100 }, '1..100 reversed');
  t.same([...a.subarray(0, 3)], [100, 99, 98], 'the input is left as it was');
});

t.test('quickselect leaves the selected rank in place with smaller left and larger right', async (t) => {
  const rng = new Rng(7);
  for (let run = 0; run < 200; run++) {
    const a = series(rng);
    const k = rng.int(a.length);
    const v = quickselect(a, k);
    t.ok(
      a.subarray(0, k).every((x) => x <= v) && a.subarray(k + 1).every((x) => x >= v),
      `run ${run}: partitioned around rank ${k}`,
    );
  }
});

t.test('property: quickselect percentiles equal the sort-based reference on random series', async (t) => {
  const runs = Number(process.env.PERCENTILE_PROPERTY_RUNS ?? 2000);
  let bad = 0;
  for (let seed = 1; seed <= runs; seed++) {
    const values = series(new Rng(seed));
    const got = percentilesOf(values);
    const want = reference(values);
    const same =
      got.p50 === want.p50 &&
      got.p95 === want.p95 &&
      got.p99 === want.p99 &&
      got.max === want.max &&
      Math.abs(got.mean - want.mean) <= 1e-9 * Math.max(1, Math.abs(want.mean));
    if (!same && bad++ < 5) t.fail(`seed ${seed} (n=${values.length}): ${JSON.stringify({ got, want })}`);
  }
  t.equal(bad, 0, `${runs} random series agree with the reference`);
});
