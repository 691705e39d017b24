// The schemes catalog: which hosts offer a scheme (ready, not revoked, the scheme
// in their healthy fingerprint), ids capped at 100 while the count is not; every
// scheme's formats have a codec.
import t from 'tap';
import { MemoryStore } from '../helpers/memory-store.js';
import { put } from '../../common/store/index.js';
import { HOSTS } from '../../controller/hosts/registry.js';
import { MAX_HOST_IDS, offeringHosts } from '../../controller/schemes/catalog/hosts.js';
import { SCHEMES } from '../../controller/schemes/catalog/table.js';
import { nativeVerbs } from '../../controller/schemes/catalog/verbs.js';
import { codecFor } from '../../controller/schemes/formats/index.js';

const host = (id: string, schemes: string[], state = 'ready', revoked = false) =>
  put(HOSTS, id, { id, name: id, state, revoked, schemes });

t.test('hosts offering each scheme', async (t) => {
  const store = new MemoryStore();
  await store.batch([
    host('h-a', ['process', 'qemu']),
    host('h-b', ['process'], 'down'),
    host('h-c', ['qemu'], 'ready', true),
    host('h-d', ['libvirt'], 'unreachable'),
    host('h-e', []),
  ]);
  const o = await offeringHosts(store);
  t.same(o.get('process'), { ids: ['h-a'], count: 1 }, 'a down host is no offer');
  t.same(o.get('qemu'), { ids: ['h-a'], count: 1 }, 'a revoked host is no offer');
  t.equal(o.get('libvirt'), undefined, 'an unreachable host is no offer');
});

t.test('ids capped, the count is not', async (t) => {
  const store = new MemoryStore();
  await store.batch(Array.from({ length: 150 }, (_, i) => host(`h-${String(i).padStart(3, '0')}`, ['process'])));
  const o = (await offeringHosts(store)).get('process')!;
  t.equal(o.ids.length, MAX_HOST_IDS);
  t.equal(o.count, 150);
});

t.test('every scheme format has a codec; tools have verbs', async (t) => {
  for (const s of SCHEMES) {
    for (const f of s.formats) t.ok(codecFor(f), `${s.name}: ${f} has a codec`);
    if (s.nativeTool) t.ok(nativeVerbs(s.nativeTool).length > 0, `${s.name}: ${s.nativeTool} verbs`);
    t.equal(s.runnable, ['qemu', 'libvirt', 'process'].includes(s.name), `${s.name}: runnable as expected`);
  }
});
