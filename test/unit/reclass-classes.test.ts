// The class catalog (issue 15): validation naming the field, the shipped catalog
// written once, DefineClass/DeleteClass, class prices equal to the usage
// export's arithmetic, and host features.
import t from 'tap';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/logger.js';
import { InvalidArgumentError } from '../../common/errors.js';
import { EventLog } from '../../controller/events/log.js';
import { CLASS_META, CLASSES } from '../../controller/model/reclass.js';
import {
  ClassCatalog,
  classPricePerHour,
  DEFAULT_CLASSES,
  validateClass,
} from '../../controller/reclass/classes/catalog.js';
import { hostFeatures, MAX_HOST_FEATURES } from '../../controller/reclass/classes/features.js';
import { Pricer, type ExportRow } from '../../controller/usage/export/row.js';
import { zeroMetrics, type RateCard } from '../../controller/usage/model.js';
import { MemoryStore } from '../helpers/memory-store.js';
import { Rng } from '../helpers/rng.js';

const good = () => ({
  name: 'web-2x',
  vcpus: 2,
  memoryMib: 4096,
  diskGib: 40,
  diskIoMbps: 0,
  netMbps: 100,
  features: ['secure-os', 'avx2'],
  pricePerHour: 0.05,
  description: 'web tier',
});

t.test('validateClass: accepts a good class (features sorted), names the bad field', async (t) => {
  t.same(validateClass(good()).features, ['avx2', 'secure-os']);
  const bad: [Record<string, unknown>, string][] = [
    [{ name: 'Web' }, 'vm_class.name'],
    [{ name: '-web' }, 'vm_class.name'],
    [{ name: 'a'.repeat(64) }, 'vm_class.name'],
    [{ vcpus: 0 }, 'vm_class.vcpus'],
    [{ vcpus: 257 }, 'vm_class.vcpus'],
    [{ vcpus: 1.5 }, 'vm_class.vcpus'],
    [{ memoryMib: 63 }, 'vm_class.memory_mib'],
    [{ memoryMib: 4 * 1024 * 1024 + 1 }, 'vm_class.memory_mib'],
    [{ diskGib: 0 }, 'vm_class.disk_gib'],
    [{ features: ['Secure'] }, 'vm_class.features[0]'],
    [{ features: ['a', 'a'] }, 'vm_class.features[1]'],
    [{ features: Array.from({ length: 33 }, (_, i) => `f${i}`) }, 'vm_class.features'],
    [{ pricePerHour: -1 }, 'vm_class.price_per_hour'],
    [{ pricePerHour: NaN }, 'vm_class.price_per_hour'],
    [{ pricePerHour: Infinity }, 'vm_class.price_per_hour'],
    [{ description: 'x'.repeat(257) }, 'vm_class.description'],
    [{ description: 'a\u001bb' }, 'vm_class.description'],
  ];
  for (const [patch, field] of bad) {
    const e = (() => {
      try {
        validateClass({ ...good(), ...patch });
      } catch (err) {
        return err;
      }
    })();
    t.ok(e instanceof InvalidArgumentError && e.field === field, `${JSON.stringify(patch).slice(0, 60)} → ${field}`);
  }
  t.throws(() => validateClass(undefined), /vm_class: is required/);
});

async function world() {
  const store = new MemoryStore();
  const clock = new FakeClock();
  const events = await EventLog.open(store, clock, silentLogger);
  return { store, clock, events, catalog: new ClassCatalog(store, events, clock, silentLogger) };
}

t.test('the shipped catalog is written once: a deleted or redefined default stays as the admin left it', async (t) => {
  const { store, clock, events, catalog } = await world();
  t.equal(await catalog.seed(), true);
  const names = (await catalog.list()).map((c) => c.name);
  t.same(names, ['small', 'medium', 'mem-large', 'large', 'cpu-large'], 'by vcpus, then memory, then name');
  t.ok((await catalog.list()).every((c) => c.builtin && c.version === 1 && c.pricePerHour > 0));
  t.ok(await store.get(CLASS_META, 'seeded'));

  await catalog.delete('small', 'admin');
  const redefined = await catalog.define(validateClass({ ...good(), name: 'large', vcpus: 6 }), 'admin');
  t.equal(redefined.version, 2, 'DefineClass bumps the version');
  t.equal(redefined.builtin, false, "a redefined default is the admin's");

  // A restart: seed() again on the same store.
  const again = new ClassCatalog(store, events, clock, silentLogger);
  t.equal(await again.seed(), false, 'not written a second time');
  t.equal(await again.get('small'), undefined, 'the deleted default stays deleted');
  t.equal((await again.get('large'))?.vcpus, 6, 'the redefined default stays redefined');
  await t.rejects(again.delete('small', 'admin'), { code: 'NOT_FOUND', message: /class small/ });
  const kinds = (await events.list(0, 100)).events.map((e) => e.type);
  t.ok(kinds.includes('reclass.class_defined') && kinds.includes('reclass.class_deleted'), 'events');
  let stored = 0;
  for await (const _ of store.scan(CLASSES)) stored++;
  t.equal(stored, DEFAULT_CLASSES.length - 1);
});

t.test(
  "a class's price: its own, else the rate card's arithmetic — the same the usage export prices with",
  async (t) => {
    const card: RateCard = {
      version: 3,
      currency: 'EUR',
      createdUnixMs: 0,
      rates: [
        { vmClass: '', vcpuHour: 0.02, memoryGibHour: 0.004, diskIoGb: 0.1, networkGb: 0.05 },
        { vmClass: 'gold', vcpuHour: 0.05, memoryGibHour: 0.01, diskIoGb: 0, networkGb: 0 },
        { vmClass: 'gold', sla: 'guaranteed', vcpuHour: 9, memoryGibHour: 9, diskIoGb: 0, networkGb: 0 },
      ],
    };
    const pricer = new Pricer(card);
    const rng = new Rng(15);
    for (let i = 0; i < 500; i++) {
      const name = rng.int(2) === 0 ? 'gold' : `c${i}`;
      const c = { name, vcpus: rng.range(1, 256), memoryMib: rng.range(64, 1 << 22), pricePerHour: 0 };
      // One hour of a VM of this size, as the export prices a record of it.
      const row: ExportRow = {
        ...zeroMetrics(),
        vmClass: name,
        sla: 'best_effort',
        uptimeSeconds: 3600,
        vcpuSeconds: c.vcpus * 3600,
        memoryMibSeconds: c.memoryMib * 3600,
        startUnixMs: 0,
        endUnixMs: 3_600_000,
      };
      t.equal(classPricePerHour(c, card), pricer.cost(row).total, `${name} ${c.vcpus}c ${c.memoryMib}m`);
    }
    const gold = classPricePerHour({ name: 'gold', vcpus: 2, memoryMib: 2048, pricePerHour: 0 }, card);
    t.ok(Math.abs(gold - 0.12) < 1e-12, `gold 2c 2GiB: 2 x 0.05 + 2 x 0.01 (${gold})`);
    t.equal(
      classPricePerHour({ name: 'x', vcpus: 2, memoryMib: 2048, pricePerHour: 0.3 }, card),
      0.3,
      'own price first',
    );
    t.equal(classPricePerHour({ name: 'x', vcpus: 2, memoryMib: 2048, pricePerHour: 0 }, undefined), 0, 'neither: 0');
  },
);

t.test(
  'host features: true labels, the features label, CPU flags lower-cased; bounded; hostile input dropped',
  async (t) => {
    const inv = (flags: unknown[]) => ({ cpu: { flags } }) as never;
    t.same(
      hostFeatures({
        labels: {
          'secure-os': 'true',
          gpu: 'YES',
          ssd: '1',
          zone: 'a',
          off: 'false',
          features: 'sgx, Tpm2,bad feature',
        },
        inventory: inv(['AVX2', 'sse4_2', 'x'.repeat(40), 7]),
      }),
      ['avx2', 'gpu', 'secure-os', 'sgx', 'ssd', 'sse4_2', 'tpm2'],
    );
    t.same(hostFeatures({ labels: {}, inventory: null }), []);
    const many = Array.from({ length: 100_000 }, (_, i) => `f${i}`);
    t.equal(hostFeatures({ labels: {}, inventory: inv(many) }).length, MAX_HOST_FEATURES, 'bounded');
  },
);
