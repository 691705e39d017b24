import type { Quota__Output as Quota } from '../../common/gen/nephele/v1/Quota.js';
import {
  AlreadyExistsError,
  FailedPreconditionError,
  NotFoundError,
  ResourceExhaustedError,
} from '../../common/errors.js';
import {
  absent,
  at,
  del,
  isConflict,
  KeyedMutex,
  put,
  retryOnConflict,
  type Op,
  type Precondition,
  type Store,
} from '../../common/store/index.js';
import type { Clock } from '../../common/clock.js';
import type { EventLog } from '../events/log.js';

export const TENANTS = 'tenants';
export const RESERVATIONS = 'quota-reservations'; // `${tenant}/${reservation id}`
export const DEFAULT_TENANT = 'default';

/** Stored form: quota and usage always present. */
export interface Tenant {
  name: string;
  description: string;
  createdUnixMs: number;
  quota: Quota;
  usage: Quota;
}

export type { Quota };

/** What one admission asks for. */
export interface Demand {
  vcpus: number;
  memoryBytes: number;
  vms: number;
  images: number;
}

const QUOTA_KEYS = ['vcpus', 'memoryBytes', 'vms', 'images'] as const;
const QUOTA_NAMES: Record<(typeof QUOTA_KEYS)[number], string> = {
  vcpus: 'vcpus',
  memoryBytes: 'memory_bytes',
  vms: 'vms',
  images: 'images',
};

export const zeroQuota = (): Quota => ({ vcpus: 0, memoryBytes: 0, vms: 0, images: 0 });

/**
 * Tenants and their quotas. Admission reserves against the quota and records a
 * reservation in the same batch; release deletes the reservation under a
 * version precondition, so capacity is given back exactly once.
 */
export class Tenants {
  private readonly locks = new KeyedMutex();

  /**
   * Runs an admission (prepareAdmit + the caller's commit) under the tenant's
   * lock: concurrent admissions queue instead of failing each other's version
   * precondition. Retries when another writer (a quota change) raced it.
   */
  async withAdmission<T>(tenant: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(tenant, () => retryOnConflict(fn));
  }

  constructor(
    private readonly store: Store,
    private readonly events: EventLog,
    private readonly clock: Clock,
  ) {}

  async create(name: string, description: string, quota: Quota): Promise<Tenant> {
    const t: Tenant = { name, description, createdUnixMs: this.clock.now(), quota, usage: zeroQuota() };
    try {
      await this.events.commit({
        ops: [put(TENANTS, name, t)],
        preconditions: [absent(TENANTS, name)],
        events: [{ type: 'tenant.created', message: 'tenant created', tenant: name, attributes: { tenant: name } }],
        ref: name,
      });
    } catch (e) {
      if (isConflict(e)) throw new AlreadyExistsError('tenant');
      throw e;
    }
    return t;
  }

  async get(name: string): Promise<{ t: Tenant; version: number }> {
    const r = await this.store.get<Tenant>(TENANTS, name);
    if (!r) throw new NotFoundError('tenant');
    return { t: r.value, version: r.version };
  }

  async exists(name: string): Promise<boolean> {
    return !!(await this.store.get(TENANTS, name));
  }

  async list(after: string, limit: number, only?: string): Promise<{ tenants: Tenant[]; more: boolean }> {
    if (only !== undefined) {
      const r = await this.store.get<Tenant>(TENANTS, only);
      return { tenants: r && only > after ? [r.value] : [], more: false };
    }
    const out: Tenant[] = [];
    for await (const { value } of this.store.scan<Tenant>(TENANTS, after ? { gt: after } : {})) {
      if (out.length === limit) return { tenants: out, more: true };
      out.push(value);
    }
    return { tenants: out, more: false };
  }

  /**
   * Deletes a tenant that holds nothing (`remains` says what it still holds,
   * '' for nothing). Under the tenant's admission lock, and conditional on the
   * record's version, which every admission bumps: a VM admitted between the
   * check and the delete makes it retry, then refuse.
   */
  async remove(name: string, remains: (t: Tenant) => Promise<string>): Promise<Tenant> {
    if (name === DEFAULT_TENANT)
      throw new FailedPreconditionError('the default tenant is where callers without one work; it cannot be deleted');
    return this.withAdmission(name, async () => {
      const { t, version } = await this.get(name);
      const left = await remains(t);
      if (left) throw new FailedPreconditionError(`tenant still holds ${left}; remove them first`);
      await this.events.commit({
        ops: [del(TENANTS, name)],
        preconditions: [at(TENANTS, name, version)],
        events: [{ type: 'tenant.deleted', message: 'tenant deleted', tenant: name, attributes: { tenant: name } }],
        ref: name,
      });
      return t;
    });
  }

  /** Sets the quotas `fields` names (all four when undefined); the others keep their values. */
  async setQuota(name: string, update: Quota, fields?: (keyof Quota)[]): Promise<Tenant> {
    return retryOnConflict(async () => {
      const { t, version } = await this.get(name);
      const quota = fields ? { ...t.quota, ...Object.fromEntries(fields.map((f) => [f, update[f]])) } : update;
      const next = { ...t, quota };
      await this.events.commit({
        ops: [put(TENANTS, name, next)],
        preconditions: [at(TENANTS, name, version)],
        events: [
          {
            type: 'tenant.quota_changed',
            message: 'tenant quota changed',
            tenant: name,
            attributes: { tenant: name, ...quotaAttrs(quota) },
          },
        ],
        ref: name,
      });
      return next;
    });
  }

  /**
   * The ops and preconditions that reserve `demand` for `reservationId`, for a
   * caller to commit together with its own records (e.g. the VMs it admits).
   * Throws RESOURCE_EXHAUSTED naming the quota that does not fit.
   */
  async prepareAdmit(
    tenant: string,
    reservationId: string,
    demand: Demand,
  ): Promise<{ ops: Op[]; pre: Precondition[] }> {
    const r = await this.store.get<Tenant>(TENANTS, tenant);
    if (!r) throw new FailedPreconditionError(`tenant ${JSON.stringify(tenant)} does not exist`);
    const { usage } = r.value;
    checkQuota(r.value, demand);
    const next: Tenant = { ...r.value, usage: add(usage, demand, 1) };
    const key = `${tenant}/${reservationId}`;
    return {
      ops: [put(TENANTS, tenant, next), put(RESERVATIONS, key, { demand, atUnixMs: this.clock.now() })],
      pre: [at(TENANTS, tenant, r.version), absent(RESERVATIONS, key)],
    };
  }

  /**
   * Like prepareAdmit for many reservations of the same size (the VMs of a set):
   * one check of the total, one tenant write, one reservation record each, so
   * each VM later gives back exactly its own share.
   */
  async prepareAdmitMany(
    tenant: string,
    reservationIds: string[],
    each: Demand,
  ): Promise<{ ops: Op[]; pre: Precondition[] }> {
    const n = reservationIds.length;
    const total: Demand = {
      vcpus: each.vcpus * n,
      memoryBytes: each.memoryBytes * n,
      vms: each.vms * n,
      images: each.images * n,
    };
    const one = await this.prepareAdmit(tenant, reservationIds[0] ?? '-', total);
    const now = this.clock.now();
    const ops: Op[] = [one.ops[0]!];
    const pre: Precondition[] = [one.pre[0]!];
    for (const id of reservationIds) {
      const key = `${tenant}/${id}`;
      ops.push(put(RESERVATIONS, key, { demand: each, atUnixMs: now }));
      pre.push(absent(RESERVATIONS, key));
    }
    return { ops, pre };
  }

  /**
   * The ops that change reservation `reservationId` to `demand` (a resized VM,
   * reclassification): the tenant's usage moves by the difference, checked
   * against the quota where it grows (RESOURCE_EXHAUSTED naming the quota).
   */
  async prepareResize(
    tenant: string,
    reservationId: string,
    demand: Demand,
  ): Promise<{ ops: Op[]; pre: Precondition[] }> {
    const key = `${tenant}/${reservationId}`;
    const res = await this.store.get<{ demand: Demand }>(RESERVATIONS, key);
    const r = await this.store.get<Tenant>(TENANTS, tenant);
    if (!r) throw new FailedPreconditionError(`tenant ${JSON.stringify(tenant)} does not exist`);
    const old = res?.value.demand ?? { vcpus: 0, memoryBytes: 0, vms: 0, images: 0 };
    const delta: Demand = {
      vcpus: demand.vcpus - old.vcpus,
      memoryBytes: demand.memoryBytes - old.memoryBytes,
      vms: demand.vms - old.vms,
      images: demand.images - old.images,
    };
    checkQuota(r.value, delta);
    return {
      ops: [
        put(TENANTS, tenant, { ...r.value, usage: add(r.value.usage, delta, 1) }),
        put(RESERVATIONS, key, { demand, atUnixMs: this.clock.now() }),
      ],
      pre: [at(TENANTS, tenant, r.version), res ? at(RESERVATIONS, key, res.version) : absent(RESERVATIONS, key)],
    };
  }

  /** Reserves against the quota; retries on concurrent admissions. */
  async admit(tenant: string, reservationId: string, demand: Demand): Promise<void> {
    await retryOnConflict(async (attempt) => {
      // A lost race may have been our own reservation landing: then it is admitted.
      if (attempt > 1 && (await this.store.get(RESERVATIONS, `${tenant}/${reservationId}`))) return;
      const { ops, pre } = await this.prepareAdmit(tenant, reservationId, demand);
      await this.events.commit({ ops, preconditions: pre });
    });
  }

  /** The ops that give a reservation back, for a caller's batch (undefined: nothing reserved). */
  async releaseOps(tenant: string, reservationId: string): Promise<{ ops: Op[]; pre: Precondition[] } | undefined> {
    const key = `${tenant}/${reservationId}`;
    const res = await this.store.get<{ demand: Demand }>(RESERVATIONS, key);
    if (!res) return undefined;
    const t = await this.store.get<Tenant>(TENANTS, tenant);
    const ops: Op[] = [del(RESERVATIONS, key)];
    const pre: Precondition[] = [at(RESERVATIONS, key, res.version)];
    if (t) {
      ops.push(put(TENANTS, tenant, { ...t.value, usage: add(t.value.usage, res.value.demand, -1) }));
      pre.push(at(TENANTS, tenant, t.version));
    }
    return { ops, pre };
  }

  /** Gives a reservation back. Returns false when it was already released (or never made). */
  async release(tenant: string, reservationId: string): Promise<boolean> {
    return retryOnConflict(async () => {
      const r = await this.releaseOps(tenant, reservationId);
      if (!r) return false;
      await this.events.commit({ ops: r.ops, preconditions: r.pre });
      return true;
    });
  }
}

/** RESOURCE_EXHAUSTED naming the first quota `demand` would exceed (only what grows is checked). */
function checkQuota({ quota, usage }: Tenant, demand: Demand): void {
  for (const k of QUOTA_KEYS) {
    const limit = quota[k];
    if (limit > 0 && demand[k] > 0 && usage[k] + demand[k] > limit) {
      throw new ResourceExhaustedError(
        `quota ${QUOTA_NAMES[k]} exceeded: ${demand[k]} requested, ${Math.max(0, limit - usage[k])} of ${limit} left`,
      );
    }
  }
}

function add(a: Quota, d: Demand, sign: 1 | -1): Quota {
  return {
    vcpus: Math.max(0, a.vcpus + sign * d.vcpus),
    memoryBytes: Math.max(0, a.memoryBytes + sign * d.memoryBytes),
    vms: Math.max(0, a.vms + sign * d.vms),
    images: Math.max(0, a.images + sign * d.images),
  };
}

function quotaAttrs(q: Quota): Record<string, string> {
  return { vcpus: String(q.vcpus), memory_bytes: String(q.memoryBytes), vms: String(q.vms), images: String(q.images) };
}
