// place() remembers its static filter pass per request shape: a change of a
// host's facts (through Fleet.upsert) is seen by the very next call.
import t from 'tap';
import { Fleet } from '../../controller/planner/fleet.js';
import { place, type PlacementRequest } from '../../controller/planner/place.js';

const GiB = 2 ** 30;
const cap = { vcpus: 8, memoryBytes: 8 * GiB, diskBytes: 100 * GiB };
const req: PlacementRequest = {
  setId: 's',
  sla: 'guaranteed',
  res: { vcpus: 1, memoryBytes: GiB, diskBytes: GiB },
  schemes: ['process'],
  affinity: 'none',
  strategy: 'binpack',
};

t.test('facts changed after a call are seen by the next', async (t) => {
  const f = new Fleet();
  f.upsert('a', { capacity: cap });
  f.upsert('b', { capacity: cap });
  t.same(
    place(f, req, 1).placements.map((p) => p.hostId),
    ['a'],
  );
  f.upsert('a', { cordoned: true });
  t.same(
    place(f, { ...req, setId: 't' }, 1).placements.map((p) => p.hostId),
    ['b'],
    'a cordoned host is left out',
  );
  f.upsert('b', { labels: { zone: 'x' } });
  f.upsert('c', { capacity: cap, labels: { zone: 'y' } });
  const r = place(f, { ...req, setId: 'u', labels: { zone: 'y' } }, 2);
  t.same(
    r.placements.map((p) => p.hostId),
    ['c', 'c'],
    'a new host is seen',
  );
  t.same(
    place(f, { ...req, setId: 'v', labels: { zone: 'z' } }, 1).reasons,
    ['2 hosts: labels do not match', '1 host: cordoned'],
    'reasons from the current facts',
  );
  t.same(
    place(f, { ...req, setId: 'w', exclude: new Set(['c']) }, 1).placements.map((p) => p.hostId),
    ['b'],
    'exclusions are filtered afresh',
  );
});

t.test('a colocated affinity set is placed where it is, as a scan would', async (t) => {
  const f = new Fleet();
  for (const id of ['a', 'b', 'c']) f.upsert(id, { capacity: cap });
  const aff: PlacementRequest = { ...req, affinity: 'affinity', strategy: 'spread' };
  const first = place(f, aff, 3);
  const host = first.placements[0]!.hostId;
  t.ok(
    first.placements.every((p) => p.hostId === host),
    'together',
  );
  t.same(
    place(f, aff, 5).placements.map((p) => p.hostId),
    Array(5).fill(host),
    'later VMs join them',
  );
  const full = place(f, aff, 1);
  t.equal(full.unplaced, 1, 'none fits where the set is');
  t.match(full.reasons.join(';'), /affinity: the set is on another host/);
});
