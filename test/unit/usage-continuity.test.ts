// A VM's usage from a host is stored once per interval: a record overlapping the
// span the VM's stored records cover (a replay under a new seq, an overlap) is
// dropped, durably across a controller restart; history delivered late, in any
// order, still lands.
import t from 'tap';
import {
  addSpan,
  decodeSpans,
  encodeSpans,
  judgeContinuity,
  UsageSpans,
  USAGE_SPANS,
  type Span,
  type Spans,
} from '../../controller/usage/continuity.js';
import { MAX_SPANS_PER_VM } from '../../controller/usage/continuity.js';
import { MemoryStore } from '../helpers/memory-store.js';
import { Rng } from '../helpers/rng.js';

const r = (vmId: string, start: number, end: number) => ({ vmId, startUnixMs: start, endUnixMs: end });
const span = (first: number, last: number): Span => ({ first, last });
const one = (first: number, last: number): Spans => [span(first, last)];

t.test('judgeContinuity: what covers new time is kept; what overlaps covered time is dropped', async (t) => {
  const spans = new Map([['A', one(100, 200)]]);
  const c = judgeContinuity(spans, [
    r('A', 200, 260), // continues
    r('A', 200, 260), // the same again, in the same batch
    r('A', 230, 290), // overlaps the one kept
    r('A', 300, 360), // after a gap (the meter never leaves one, but it is new time): kept
    r('A', 150, 170), // inside covered time
    r('A', 0, 40), // history, delivered late
    r('A', 40, 100), // newer history after older: kept, the spans join
    r('A', 30, 50), // overlapping that history
    r('A', 260, 300), // the gap: new time
    r('B', 0, 60), // a VM not seen before
  ]);
  t.same(
    c.kept.map((x) => [x.vmId, x.startUnixMs]),
    [
      ['A', 200],
      ['A', 300],
      ['A', 0],
      ['A', 40],
      ['A', 260],
      ['B', 0],
    ],
  );
  t.equal(c.overlapping, 4);
  t.same(
    [...c.next],
    [
      ['A', one(0, 360)],
      ['B', one(0, 60)],
    ],
  );
  t.same([...spans], [['A', one(100, 200)]], 'the spans given are not changed');
});

t.test('addSpan: disjoint spans kept apart, touching ones joined, at most MAX_SPANS_PER_VM', async (t) => {
  t.same(addSpan(one(10, 20), 30, 40), [span(10, 20), span(30, 40)]);
  t.same(addSpan([span(10, 20), span(30, 40)], 20, 30), one(10, 40), 'a gap filled joins both sides');
  t.equal(addSpan([span(10, 20), span(30, 40)], 25, 31), undefined);
  let list: Spans = [];
  for (let i = 0; i < MAX_SPANS_PER_VM + 3; i++) list = addSpan(list, i * 100, i * 100 + 10 + (i === 5 ? 85 : 0))!;
  t.equal(list.length, MAX_SPANS_PER_VM, 'capped');
  t.ok(
    list.some((s) => s.first === 500 && s.last === 610),
    'the closest two joined first (the gap of 5 after the long one)',
  );
});

t.test('judgeContinuity: past the cap the spans that ended longest ago are forgotten', async (t) => {
  const c = judgeContinuity(new Map(), [r('A', 0, 10), r('B', 0, 30), r('C', 0, 20)], 2);
  t.same([...c.next].map(([vm]) => vm).sort(), ['B', 'C']);
});

t.test('judgeContinuity: a host splitting its VMs into many spans is held to its budget of extra spans', async (t) => {
  // A hostile agent: 10 VMs, each sent 40 disjoint one-millisecond intervals.
  const records = Array.from({ length: 400 }, (_, i) => r(`V${i % 10}`, 1000 * i, 1000 * i + 1));
  const c = judgeContinuity(new Map([['H', one(0, 10)]]), records, 100, 50);
  const extra = [...c.next.values()].reduce((n, l) => n + l.length - 1, 0);
  t.equal(extra, 50, 'extra spans cut to the budget');
  t.equal(c.kept.length, 400, 'nothing of this batch lost: the joined gaps were never reported');
  t.same(c.next.get('H'), one(0, 10), 'a VM the batch did not touch keeps its span');
  t.ok(encodeSpans(c.next).length < 60 * 110, 'the stored record stays small');
  // Honest: one span each, never joined.
  const honest = judgeContinuity(new Map(), [r('A', 0, 10), r('A', 10, 20), r('B', 5, 9)], 100, 0);
  t.same(
    [...honest.next],
    [
      ['A', one(0, 20)],
      ['B', one(5, 9)],
    ],
  );
});

t.test('property: whatever an agent resends, nothing is kept twice and every new interval is kept', async (t) => {
  const seed = Number(process.env.USAGE_SEED ?? Date.now() % 2 ** 31);
  t.comment(`seed ${seed}`);
  const rng = new Rng(seed);
  for (let round = 0; round < 50; round++) {
    // The honest stream: contiguous intervals per VM (the meter's), some history sent late, in any order.
    const honest: ReturnType<typeof r>[] = [];
    const at = new Map<string, number>();
    for (let i = 0; i < 200; i++) {
      const vm = rng.pick(['A', 'B', 'C']);
      const start = at.get(vm) ?? 10_000;
      const end = start + rng.range(1, 60);
      at.set(vm, end);
      honest.push(r(vm, start, end));
    }
    for (const vm of ['A', 'B']) {
      let end = 10_000;
      for (let i = 0; i < 20; i++) {
        const start = end - rng.range(1, 60);
        honest.splice(rng.int(honest.length + 1), 0, r(vm, start, end));
        end = start;
      }
    }
    // Sent in batches, with records already sent resent (alone or amid new ones) under new seqs.
    let spans = new Map<string, Spans>();
    const kept: ReturnType<typeof r>[] = [];
    let sent = 0;
    while (sent < honest.length) {
      const n = rng.range(1, 20);
      const fresh = honest.slice(sent, sent + n);
      const batch = [...fresh];
      for (let k = rng.int(4); k > 0 && sent > 0; k--)
        batch.splice(rng.int(batch.length + 1), 0, honest[rng.int(sent)]!);
      const c = judgeContinuity(spans, batch);
      spans = c.next;
      kept.push(...c.kept);
      sent += n;
    }
    const key = (x: ReturnType<typeof r>) => `${x.vmId} ${x.startUnixMs} ${x.endUnixMs}`;
    const keys = kept.map(key);
    if (new Set(keys).size !== keys.length) t.fail(`seed ${seed} round ${round}: an interval kept twice`);
    const want = honest.map(key).sort();
    if (JSON.stringify([...keys].sort()) !== JSON.stringify(want))
      t.fail(`seed ${seed} round ${round}: not every interval kept`);
  }
  t.pass('50 rounds');
});

t.test('UsageSpans: read once, kept in step with commits, read again after a failed batch', async (t) => {
  const store = new MemoryStore();
  const spans = new UsageSpans(store);
  t.same([...(await spans.get('H'))], [], 'nothing stored yet');
  const next = new Map([['A', one(0, 60)]]);
  await store.batch([spans.write('H', next)]);
  spans.committed('H', next);
  t.same([...(await spans.get('H'))], [['A', one(0, 60)]]);

  // A controller restart: a new cache reads the stored record.
  const again = new UsageSpans(store);
  t.same([...(await again.get('H'))], [['A', one(0, 60)]], 'the spans survive a restart');
  t.same((await store.get(USAGE_SPANS, 'H'))?.value, 'E1;1o:A.0');

  // A batch that failed: what the cache holds may not be stored; forget() reads the store again.
  again.committed('H', new Map([['A', one(0, 999)]]));
  again.forget('H');
  t.same([...(await again.get('H'))], [['A', one(0, 60)]]);

  // A damaged record: what does not parse is left out.
  await store.batch([
    { type: 'put', coll: USAGE_SPANS, key: 'X', value: 'E1;!!:A.0;5:B.1,C.9,D,.2,F.0.2.2,G.0.2.3;:E.0;9' },
  ]);
  t.same(
    [...(await new UsageSpans(store).get('X'))],
    [
      ['B', one(1, 5)],
      ['G', [span(0, 2), span(3, 5)]],
    ],
    'only well-formed spans in order (F touches: not ours)',
  );
  await store.batch([{ type: 'put', coll: USAGE_SPANS, key: 'Y', value: { A: 1 } }]);
  t.same([...(await new UsageSpans(store).get('Y'))], [], 'not our layout: nothing trusted');
});

t.test('encodeSpans/decodeSpans: round trip, VMs that share an end share a group', async (t) => {
  const seed = Number(process.env.USAGE_SEED ?? Date.now() % 2 ** 31);
  const rng = new Rng(seed);
  for (let i = 0; i < 200; i++) {
    const m = new Map<string, Spans>();
    const n = rng.int(50);
    for (let k = 0; k < n; k++) {
      let list: Spans | undefined;
      for (let j = rng.range(1, 12); j > 0; j--) {
        const start = rng.pick([0, 1_796_000_000_000, rng.int(2 ** 52)]) + rng.int(1000);
        list = addSpan(list, start, start + rng.range(1, 100)) ?? list;
      }
      m.set(`01M${String(k).padStart(23, '0')}`, list!);
    }
    t.same(decodeSpans(encodeSpans(m)), m, `seed ${seed} case ${i}`);
  }
  t.equal(
    encodeSpans(
      new Map([
        ['A', one(0, 36)],
        ['B', one(35, 36)],
        ['C', one(1, 1)],
        ['D', [span(0, 2), span(3, 36)]],
      ]),
    ),
    'E1;10:A.0,B.z,D.0.2.3;1:C.1',
  );
  t.same([...decodeSpans(encodeSpans(new Map()))], []);
});
