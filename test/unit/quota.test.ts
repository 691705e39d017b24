import t from 'tap';
import { join } from 'node:path';
import { LevelStore } from '../../common/store/index.js';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { EventLog } from '../../controller/events/log.js';
import { Tenants, RESERVATIONS } from '../../controller/tenancy/tenants.js';
import { tmpDir } from '../helpers/tmp.js';

async function setup() {
  const store = await LevelStore.open(join(tmpDir(), 'db'));
  const clock = new FakeClock();
  const events = await EventLog.open(store, clock, silentLogger);
  return { store, tenants: new Tenants(store, events, clock) };
}

const one = { vcpus: 1, memoryBytes: 1 << 30, vms: 1, images: 0 };

t.test('20 concurrent admissions against a quota of 10 admit exactly 10', async (t) => {
  const { store, tenants } = await setup();
  t.teardown(() => store.close());
  await tenants.create('acme', '', { vcpus: 0, memoryBytes: 0, vms: 10, images: 0 });
  const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => tenants.admit('acme', `r${i}`, one)));
  const ok = results.filter((r) => r.status === 'fulfilled').length;
  const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
  t.equal(ok, 10, 'exactly ten admitted');
  t.equal(refused.length, 10);
  t.ok(
    refused.every((r) => r.reason.code === 'RESOURCE_EXHAUSTED'),
    'the rest are RESOURCE_EXHAUSTED',
  );
  t.match(refused[0]!.reason.message, /^quota vms exceeded: 1 requested, 0 of 10 left/, 'names the quota');
  const { t: acme } = await tenants.get('acme');
  t.equal(acme.usage.vms, 10, 'usage matches the admissions');
  let n = 0;
  for await (const _ of store.scan(RESERVATIONS, { prefix: 'acme/' })) n++;
  t.equal(n, 10, 'one reservation per admission');
});

t.test('release gives capacity back exactly once', async (t) => {
  const { store, tenants } = await setup();
  t.teardown(() => store.close());
  await tenants.create('acme', '', { vcpus: 4, memoryBytes: 0, vms: 0, images: 0 });
  await tenants.admit('acme', 'a', { ...one, vcpus: 3 });
  await t.rejects(tenants.admit('acme', 'b', { ...one, vcpus: 2 }), {
    code: 'RESOURCE_EXHAUSTED',
    message: /^quota vcpus exceeded: 2 requested, 1 of 4 left/,
  });
  const twice = await Promise.all([
    tenants.release('acme', 'a'),
    tenants.release('acme', 'a'),
    tenants.release('acme', 'a'),
  ]);
  t.same(twice.filter(Boolean).length, 1, 'three concurrent releases, one takes effect');
  t.equal((await tenants.get('acme')).t.usage.vcpus, 0, 'usage back to zero, not below');
  t.equal(await tenants.release('acme', 'never'), false, 'unknown reservation: nothing released');
  await tenants.admit('acme', 'b', { ...one, vcpus: 4 });
  t.equal((await tenants.get('acme')).t.usage.vcpus, 4, 'the freed capacity is admissible again');
});

t.test('admission to an unknown tenant is a failed precondition; re-admitting one id is idempotent', async (t) => {
  const { store, tenants } = await setup();
  t.teardown(() => store.close());
  await t.rejects(tenants.admit('nope', 'x', one), { code: 'FAILED_PRECONDITION' });
  await tenants.create('acme', '', { vcpus: 0, memoryBytes: 0, vms: 2, images: 0 });
  await tenants.admit('acme', 'x', one);
  await tenants.admit('acme', 'x', one);
  t.equal((await tenants.get('acme')).t.usage.vms, 1, 'same reservation id counted once');
  await t.rejects(tenants.create('acme', '', one), { code: 'ALREADY_EXISTS' });
});
