import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CONFIG_KEY_RE,
  CONFIG_VALUE_MAX,
  GiB,
  isLabelValue,
  LABEL_VALUE_MAX,
  MiB,
  MIN_MEMORY_MIB,
  resourcesOf,
} from '../../common/limits.js';
import { MIN_MEMORY_MIB as DRIVER_MIN_MEMORY_MIB } from '../../agent/drivers/qemu/driver.js';
import { validateSpec } from '../../controller/vms/spec.js';
import { InvalidArgumentError } from '../../common/errors.js';

const root = join(fileURLToPath(import.meta.url), '../../../..');

t.test('resourcesOf: both spellings of a spec give the same bytes', async (t) => {
  const want = { vcpus: 2, memoryBytes: 128 * MiB, diskBytes: 3 * GiB };
  t.same(resourcesOf({ vcpus: 2, memoryMib: 128, diskGib: 3 }), want, 'wire/stored spec');
  t.same(resourcesOf({ vcpus: 2, memoryMiB: 128, diskGiB: 3 }), want, "agent driver's spec");
});

t.test("the qemu minimum is the guest image's, in the controller and the driver alike", async (t) => {
  const script = readFileSync(join(root, 'scripts/make-guest-image.sh'), 'utf8');
  const m = /^MIN_MEMORY_MIB=(\d+)$/m.exec(script);
  t.ok(m, 'make-guest-image.sh declares MIN_MEMORY_MIB');
  t.equal(MIN_MEMORY_MIB.qemu, Number(m![1]), 'common/limits.ts matches the image');
  t.equal(DRIVER_MIN_MEMORY_MIB, MIN_MEMORY_MIB.qemu, 'the qemu driver uses the same constant');
  t.throws(
    () => validateSpec({ scheme: 'qemu', vcpus: 1, memoryMib: MIN_MEMORY_MIB.qemu - 1, diskGib: 1 } as never),
    InvalidArgumentError,
  );
  t.equal(
    validateSpec({ scheme: 'qemu', vcpus: 1, memoryMib: MIN_MEMORY_MIB.qemu, diskGib: 1 } as never).memoryMib,
    MIN_MEMORY_MIB.qemu,
  );
});

/** The field an InvalidArgumentError thrown by fn names. */
function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof InvalidArgumentError ? e.field : undefined;
  }
  return undefined;
}

t.test('config keys and values: the spec enforces the shared limits', async (t) => {
  const spec = (config: Record<string, string>) =>
    ({ scheme: 'process', vcpus: 1, memoryMib: 64, diskGib: 1, config }) as never;
  t.ok(CONFIG_KEY_RE.test('k'.repeat(32)) && !CONFIG_KEY_RE.test('k'.repeat(33)));
  t.same(validateSpec(spec({ ['k'.repeat(32)]: 'v'.repeat(CONFIG_VALUE_MAX) })).config, {
    ['k'.repeat(32)]: 'v'.repeat(CONFIG_VALUE_MAX),
  });
  t.equal(
    fieldOf(() => validateSpec(spec({ ['k'.repeat(33)]: 'v' }))),
    'spec.config',
    'a 33-character key',
  );
  t.equal(
    fieldOf(() => validateSpec(spec({ k: 'v'.repeat(CONFIG_VALUE_MAX + 1) }))),
    'spec.config.k',
    'a value one character too long',
  );
});

t.test('label values: short and printable', async (t) => {
  t.ok(isLabelValue('a'.repeat(LABEL_VALUE_MAX)));
  t.ok(isLabelValue(''));
  t.notOk(isLabelValue('a'.repeat(LABEL_VALUE_MAX + 1)));
  t.notOk(isLabelValue('a\tb'));
  t.notOk(isLabelValue(3));
});
