// Host last-seen checkpoints: only times that moved are written, in bounded
// batches, and they read back after a restart.
import t from 'tap';
import { MemoryStore } from '../helpers/memory-store.js';
import { HOST_SEEN, loadLastSeen, SeenCheckpoint } from '../../controller/hosts/last-seen.js';
import type { Op, Precondition } from '../../common/store/index.js';

t.test('a checkpoint writes what moved, in batches of at most 500, and reads back', async (t) => {
  const store = new MemoryStore();
  const batches: number[] = [];
  const batch = store.batch.bind(store);
  store.batch = (ops: Op[], pre?: Precondition[]) => {
    batches.push(ops.length);
    return batch(ops, pre);
  };
  const cp = new SeenCheckpoint(store);
  cp.note('known', 1000);
  const fleet: [string, number][] = Array.from({ length: 1200 }, (_, i) => [`h${i}`, 5000 + i]);
  t.equal(await cp.write([...fleet, ['known', 1000]]), 1200, 'a host not heard from since it was noted is not written');
  t.same(batches, [500, 500, 200], 'bounded batches');

  batches.length = 0;
  t.equal(await cp.write([...fleet.slice(0, 2), ['h5', 9999]]), 1, 'only the time that moved');
  t.same(batches, [1]);

  const seen = await loadLastSeen(store);
  t.equal(seen.size, 1200);
  t.equal(seen.get('h5'), 9999);
  t.equal(seen.get('known'), undefined);
  t.ok(await store.get(HOST_SEEN, 'h0'), 'one small record per host');
});
