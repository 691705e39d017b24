// The class catalog (issue 15): named sizes VMs are reclassified to. The shipped
// catalog is written once, at the first start (marked in CLASS_META in the same
// batch), so a default the administrator deleted or redefined stays as left.
import { InvalidArgumentError, NotFoundError, ResourceExhaustedError } from '../../../common/errors.js';
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/logger.js';
import { requireString } from '../../../common/validate.js';
import { absent, at, del, isConflict, put, retryOnConflict, type Store } from '../../../common/store/index.js';
import type { EventLog } from '../../events/log.js';
import { CLASS_META, CLASSES, type ClassRecord } from '../../model/reclass.js';
import { costOf, rateFor, zeroMetrics, type RateCard } from '../../usage/model.js';
import type { Catalog } from '../ports.js';

export const CLASS_LIMITS = {
  classes: 256,
  vcpus: 256,
  minMemoryMib: 64,
  maxMemoryMib: 4 * 1024 * 1024,
  maxDiskGib: 64 * 1024,
  features: 32,
  description: 256,
} as const;
export const CLASS_NAME_RE = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const FEATURE_RE = /^[a-z0-9][a-z0-9._-]{0,31}$/;

type ClassContent = Omit<ClassRecord, 'builtin' | 'version' | 'updatedUnixMs'>;

const shipped = (name: string, vcpus: number, gib: number, diskGib: number, price: number, description: string) =>
  ({
    name,
    vcpus,
    memoryMib: gib * 1024,
    diskGib,
    diskIoMbps: 0,
    netMbps: 0,
    features: [],
    pricePerHour: price,
    description,
  }) satisfies ClassContent;

/** The shipped catalog: prices per hour in the rate card's currency, near public-cloud list prices. */
export const DEFAULT_CLASSES: ClassContent[] = [
  shipped('small', 1, 1, 20, 0.0116, 'general purpose, 1 vCPU'),
  shipped('medium', 2, 4, 40, 0.0464, 'general purpose, 2 vCPUs'),
  shipped('large', 4, 8, 80, 0.0928, 'general purpose, 4 vCPUs'),
  shipped('mem-large', 2, 16, 80, 0.1008, 'memory-heavy, 8 GiB per vCPU'),
  shipped('cpu-large', 8, 8, 80, 0.136, 'compute-heavy, 1 GiB per vCPU'),
];

function int(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new InvalidArgumentError(field, `must be a whole number ${min}..${max}`);
  return v;
}

/** A class as the request gives it, validated (INVALID_ARGUMENT naming the field under `vm_class.`). */
export function validateClass(c: Partial<ClassContent> | null | undefined): ClassContent {
  if (!c) throw new InvalidArgumentError('vm_class', 'is required');
  const f = (k: string) => `vm_class.${k}`;
  const name = requireString(f('name'), c.name, { max: 63 });
  if (!CLASS_NAME_RE.test(name))
    throw new InvalidArgumentError(
      f('name'),
      'must be lowercase letters, digits and dashes (starting with a letter or digit), at most 63',
    );
  const L = CLASS_LIMITS;
  const features = c.features ?? [];
  if (features.length > L.features) throw new InvalidArgumentError(f('features'), `at most ${L.features}`);
  const seen = new Set<string>();
  features.forEach((x, i) => {
    if (typeof x !== 'string' || !FEATURE_RE.test(x))
      throw new InvalidArgumentError(`${f('features')}[${i}]`, 'must match [a-z0-9][a-z0-9._-]{0,31}');
    if (seen.has(x)) throw new InvalidArgumentError(`${f('features')}[${i}]`, 'is given twice');
    seen.add(x);
  });
  const price = c.pricePerHour ?? 0;
  if (typeof price !== 'number' || !Number.isFinite(price) || price < 0)
    throw new InvalidArgumentError(f('price_per_hour'), 'must be a finite number >= 0');
  const description = c.description ? requireString(f('description'), c.description, { max: L.description }) : '';
  return {
    name,
    vcpus: int(f('vcpus'), c.vcpus, 1, L.vcpus),
    memoryMib: int(f('memory_mib'), c.memoryMib, L.minMemoryMib, L.maxMemoryMib),
    diskGib: int(f('disk_gib'), c.diskGib, 1, L.maxDiskGib),
    diskIoMbps: int(f('disk_io_mbps'), c.diskIoMbps ?? 0, 0, 2 ** 32 - 1),
    netMbps: int(f('net_mbps'), c.netMbps ?? 0, 0, 2 ** 32 - 1),
    features: [...features].sort(),
    pricePerHour: price,
    description,
  };
}

/**
 * A class's price per hour: its own, else the rate card's price of one hour of
 * its size — costOf and rateFor, the arithmetic the usage export prices records
 * with (the most specific line for the class name, SLA best_effort).
 */
export function classPricePerHour(
  c: Pick<ClassRecord, 'name' | 'vcpus' | 'memoryMib' | 'pricePerHour'>,
  card: RateCard | undefined,
): number {
  if (c.pricePerHour > 0) return c.pricePerHour;
  if (!card) return 0;
  const hour = {
    ...zeroMetrics(),
    uptimeSeconds: 3600,
    vcpuSeconds: c.vcpus * 3600,
    memoryMibSeconds: c.memoryMib * 3600,
  };
  return costOf(hour, rateFor(card, { vmClass: c.name, sla: 'best_effort' })).total;
}

/** Classes by vcpus, then memory, then name. */
export const byClassOrder = (a: ClassRecord, b: ClassRecord): number =>
  a.vcpus - b.vcpus || a.memoryMib - b.memoryMib || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export class ClassCatalog implements Catalog {
  constructor(
    private readonly store: Store,
    private readonly events: EventLog,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Writes the shipped catalog unless it was written before (once per store, whatever happened to it since). */
  async seed(): Promise<boolean> {
    if (await this.store.get(CLASS_META, 'seeded')) return false;
    const now = this.clock.now();
    const ops = DEFAULT_CLASSES.map((c) =>
      put(CLASSES, c.name, { ...c, builtin: true, version: 1, updatedUnixMs: now } satisfies ClassRecord),
    );
    try {
      await this.store.batch([...ops, put(CLASS_META, 'seeded', { atUnixMs: now })], [absent(CLASS_META, 'seeded')]);
    } catch (e) {
      if (isConflict(e)) return false; // another start seeded it meanwhile
      throw e;
    }
    this.log.info({ classes: ops.length }, 'default class catalog written');
    return true;
  }

  async list(): Promise<ClassRecord[]> {
    const out: ClassRecord[] = [];
    for await (const e of this.store.scan<ClassRecord>(CLASSES, { limit: CLASS_LIMITS.classes })) out.push(e.value);
    return out.sort(byClassOrder);
  }

  async get(name: string): Promise<ClassRecord | undefined> {
    return (await this.store.get<ClassRecord>(CLASSES, name))?.value;
  }

  pricePerHour(c: Pick<ClassRecord, 'name' | 'vcpus' | 'memoryMib' | 'pricePerHour'>, card?: RateCard): number {
    return classPricePerHour(c, card);
  }

  /** Creates or replaces a class (version + 1), with its event; `actor` for the record. */
  define(content: ClassContent, actor: string): Promise<ClassRecord> {
    return retryOnConflict(() => this.defineOnce(content, actor));
  }

  private async defineOnce(content: ClassContent, actor: string): Promise<ClassRecord> {
    const prev = await this.store.get<ClassRecord>(CLASSES, content.name);
    if (!prev) {
      let n = 0;
      for await (const _ of this.store.scan(CLASSES, { limit: CLASS_LIMITS.classes })) n++;
      if (n >= CLASS_LIMITS.classes) throw new ResourceExhaustedError(`at most ${CLASS_LIMITS.classes} classes`);
    }
    // A redefined builtin is the administrator's from now on.
    const rec: ClassRecord = {
      ...content,
      builtin: false,
      version: (prev?.value.version ?? 0) + 1,
      updatedUnixMs: this.clock.now(),
    };
    await this.events.commit({
      ops: [put(CLASSES, rec.name, rec)],
      preconditions: [prev ? at(CLASSES, rec.name, prev.version) : absent(CLASSES, rec.name)],
      events: [
        {
          type: 'reclass.class_defined',
          message: 'class defined',
          actor,
          attributes: {
            class: rec.name,
            vcpus: String(rec.vcpus),
            memory_mib: String(rec.memoryMib),
            version: String(rec.version),
          },
        },
      ],
      ref: rec.name,
    });
    return rec;
  }

  /** NOT_FOUND naming the class when there is none. */
  async delete(name: string, actor: string): Promise<void> {
    const prev = await this.store.get<ClassRecord>(CLASSES, name);
    if (!prev) throw new NotFoundError(`class ${name}`);
    await this.events.commit({
      ops: [del(CLASSES, name)],
      preconditions: [at(CLASSES, name, prev.version)],
      events: [{ type: 'reclass.class_deleted', message: 'class deleted', actor, attributes: { class: name } }],
      ref: name,
    });
  }
}
