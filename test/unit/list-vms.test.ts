// VmRegistry.list with ListVms' filters (set, state, host, tenant): a page
// reads a bounded number of keys, so a filter that matches little answers short
// pages with a token, and paging on from it finds every match exactly once.
// And what keeps a tenant from being deleted, in words.
import t from 'tap';
import { join } from 'node:path';
import { LevelStore, put } from '../../common/store/index.js';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { EventLog } from '../../controller/events/log.js';
import { Tenants } from '../../controller/tenancy/tenants.js';
import { remaining } from '../../controller/tenancy/holdings.js';
import { VmRegistry, VMS } from '../../controller/vms/registry.js';
import { VMS_BY_SET } from '../../controller/planner/sets.js';
import type { VmSpec__Output as VmSpec } from '../../common/gen/nephele/v1/VmSpec.js';
import { tmpDir } from '../helpers/tmp.js';

const HOST = '01HZZZZZZZZZZZZZZZZZZZZZZA';
const SET = '01HZZZZZZZZZZZZZZZZZZZZZZS';

t.test('filters, bounded scans, pages that find every match once', async (t) => {
  const store = await LevelStore.open(join(tmpDir(), 'db'));
  t.teardown(() => store.close());
  const clock = new FakeClock();
  const events = await EventLog.open(store, clock, silentLogger);
  const tenants = new Tenants(store, events, clock);
  const zero = { vcpus: 0, memoryBytes: 0, vms: 0, images: 0 };
  await tenants.create('acme', '', zero);
  await tenants.create('other', '', zero);
  const vms = new VmRegistry(store, events, clock, tenants);
  const spec = { vcpus: 1, memoryMib: 128, scheme: 'process' } as VmSpec;
  const made: string[] = [];
  for (let i = 0; i < 20; i++) {
    clock.advance(1);
    const { vm } = await vms.create({
      name: `v${i}`,
      hostId: HOST,
      tenant: i < 15 ? 'acme' : 'other',
      spec,
      sla: 'guaranteed',
    });
    made.push(vm.id);
  }
  // Every third VM runs; VMs 0, 5, 10, 15 belong to the set.
  for (const [i, id] of made.entries()) {
    const r = (await store.get<{ state: string; setId: string }>(VMS, id))!;
    await store.batch([
      put(VMS, id, { ...r.value, state: i % 3 === 0 ? 'running' : 'pending', setId: i % 5 === 0 ? SET : '' }),
      ...(i % 5 === 0 ? [put(VMS_BY_SET, `${SET}/${id}`, 1)] : []),
    ]);
  }
  const all = async (o: Parameters<VmRegistry['list']>[0]) => {
    const found: string[] = [];
    let after = '';
    let pages = 0;
    for (;;) {
      const r = await vms.list({ ...o, after });
      pages++;
      t.ok(r.vms.length <= o.limit, 'never more than a page');
      found.push(...r.vms.map((x) => x.vm.id));
      if (!r.more) return { found, pages };
      t.ok(r.last > after, 'the token moves on');
      after = r.last;
    }
  };
  const running = made.filter((_, i) => i % 3 === 0);
  const r1 = await all({ after: '', limit: 2, state: 'running', scanLimit: 4 });
  t.same(r1.found, running, 'state: each running VM once, in order');
  t.ok(r1.pages >= 5, `bounded: short pages (${r1.pages})`);
  t.same(
    (await all({ after: '', limit: 10, setId: SET })).found,
    [0, 5, 10, 15].map((i) => made[i]),
    'set',
  );
  t.same(
    (await all({ after: '', limit: 10, setId: SET, tenant: 'acme' })).found,
    [0, 5, 10].map((i) => made[i]),
    'set within a tenant: the tenant only',
  );
  t.same(
    (await all({ after: '', limit: 3, setId: SET, state: 'running', hostId: HOST })).found,
    [0, 15].map((i) => made[i]),
    'filters combine',
  );
});

t.test('what a tenant still holds, in words', async (t) => {
  const q = { vcpus: 0, memoryBytes: 0, vms: 0, images: 0 };
  const tenant = { name: 'acme', description: '', createdUnixMs: 0, quota: q, usage: q };
  t.equal(remaining({ vms: 0, sets: 0, tokens: 0, more: false }, tenant), '', 'nothing: may go');
  t.equal(
    remaining({ vms: 2, sets: 1, tokens: 3, more: true }, { ...tenant, usage: { ...q, vms: 2 } }),
    '2+ vm(s) not destroyed, 1+ set(s) not retired, 3+ API token(s) not revoked, reserved quota',
  );
});
