// The agent's outbox: durable, in order, sequence numbers never reused.
import t from 'tap';
import { join } from 'node:path';
import { Outbox } from '../../agent/outbox.js';
import { LevelStore } from '../../common/store/index.js';
import { tmpDir } from '../helpers/tmp.js';

const ev = (type: string) => ({ type, timeUnixMs: 1_700_000_000_000, severity: 'info', message: `${type}!`, attributes: { k: type } });
const seqsOf = (xs: { seq?: unknown }[]) => xs.map((x) => Number(x.seq));

t.test('add assigns increasing seqs; pending(after); ack(seq)', async (t) => {
  const s = await LevelStore.open(join(tmpDir('nephele-outbox-'), 'db'));
  t.teardown(() => s.close());
  const o = await Outbox.open(s);
  t.same(await o.pending(0), []);
  const a = await o.add(ev('a'));
  t.same(a, { ...ev('a'), seq: 1 }, 'add returns the event with its seq');
  for (const x of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k']) await o.add(ev(x)); // seqs 2..11: crosses 9 → 10
  t.equal(await o.size(), 11);

  const all = await o.pending(0);
  t.same(seqsOf(all), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 'in seq order');
  t.same(all[0], { ...ev('a'), seq: 1 }, 'stored whole');
  t.same(seqsOf(await o.pending(3)), [4, 5, 6, 7, 8, 9, 10, 11], 'pending(after) is exclusive');
  t.same(seqsOf(await o.pending(11)), []);

  t.equal(await o.ack(3), 3, 'ack drops ≤ seq');
  t.same(seqsOf(await o.pending(0)), [4, 5, 6, 7, 8, 9, 10, 11]);
  t.equal(await o.ack(3), 0, 'acking again drops nothing');
  t.equal(await o.ack(1), 0, 'acking an older seq drops nothing');
  t.equal(await o.ack(10), 7);
  t.same(seqsOf(await o.pending(0)), [11]);
  t.equal(await o.ack(0), 0);
  t.equal(await o.size(), 1);
});

t.test('concurrent adds get unique, dense seqs', async (t) => {
  const s = await LevelStore.open(join(tmpDir('nephele-outbox-'), 'db'));
  t.teardown(() => s.close());
  const o = await Outbox.open(s);
  const got = await Promise.all(Array.from({ length: 50 }, (_, i) => o.add(ev(`e${i}`))));
  t.same(seqsOf(got), Array.from({ length: 50 }, (_, i) => i + 1), 'in call order');
  t.same(seqsOf(await o.pending(0)), Array.from({ length: 50 }, (_, i) => i + 1));
  // Acks interleaved with adds never drop an unacked event.
  await Promise.all([o.ack(25), o.add(ev('late')), o.ack(50)]);
  t.same(seqsOf(await o.pending(0)), [51]);
});

t.test('seqs persist across reopen and are never reused, even when everything was acked', async (t) => {
  const path = join(tmpDir('nephele-outbox-'), 'db');
  {
    const s = await LevelStore.open(path);
    const o = await Outbox.open(s);
    for (let i = 0; i < 5; i++) await o.add(ev(`e${i}`));
    await o.ack(2);
    await s.close();
  }
  {
    const s = await LevelStore.open(path);
    const o = await Outbox.open(s);
    t.same(seqsOf(await o.pending(0)), [3, 4, 5], 'unacked events survive a restart');
    t.equal((await o.add(ev('x'))).seq, 6, 'numbering continues');
    t.equal(await o.ack(6), 4);
    t.equal(await o.size(), 0, 'everything acked');
    await s.close();
  }
  {
    const s = await LevelStore.open(path);
    t.teardown(() => s.close());
    const o = await Outbox.open(s);
    t.equal(await o.size(), 0);
    t.equal((await o.add(ev('y'))).seq, 7, 'empty outbox after reopen: seq still not reused');
    t.same(seqsOf(await o.pending(6)), [7]);
  }
});
