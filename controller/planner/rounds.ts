// Placement rounds: a set's VMs (or one VM outside any set) placed on the
// fleet and committed in one batch with the set record, the quota
// reservations and the events; dry runs that reserve nothing.
import type { CreateExtra } from '../model/vm.js';
import type { PlaceVm } from '../vms/service.js';
import type { Plan__Output as Plan } from '../../common/gen/nephele/v1/Plan.js';
import type { PlanRow__Output as PlanRow } from '../../common/gen/nephele/v1/PlanRow.js';
import { ulid } from '../../common/ids.js';
import { absent, at, put, putFresh, type Op, type Precondition } from '../../common/store/index.js';
import type { NewEvent } from '../events/log.js';
import { newVmRecord, VMS, VMS_BY_HOST, VMS_BY_TENANT, type VmRecord } from '../vms/registry.js';
import { dynamicReason, place, staticReason, unplace, type PlacementRequest } from './place.js';
import type { SetRequest } from './request.js';
import { aggregate, partiallyPlaced, SETS, SETS_BY_TENANT, VMS_BY_SET, type SetRecord } from './sets.js';
import { resOf, type PlannerCore } from './core.js';
import { indexKey, SETS_BY_IMAGE } from '../model/image.js';

/** What one placement round did. */
export interface Round {
  vms: VmRecord[];
  considered: number;
  unplaced: number;
}

export class Rounds {
  constructor(private readonly c: PlannerCore) {}

  /**
   * One VM outside any set (CreateVm). Without a host it is placed like a one-VM
   * set with the set defaults (guaranteed, the default strategy): the same
   * filters, capacity, SLA and owner policy. An operator's explicit host pins it
   * there as best-effort work (as before), but that host must still pass the
   * filters and have room for it. Returns the reasons when no host takes it.
   */
  async createVm(o: PlaceVm & CreateExtra): Promise<{ vm: VmRecord; version: number } | { reasons: string[] }> {
    const c = this.c;
    return c.lock.run(async () => {
      c.refreshLoad();
      const pr: PlacementRequest = {
        setId: '',
        sla: o.hostId ? 'best_effort' : 'guaranteed',
        res: resOf(o.spec),
        schemes: [o.spec.scheme],
        affinity: 'none',
        strategy: c.opts.strategy,
      };
      let hostId = o.hostId;
      if (hostId) {
        const slot = c.fleet.slot(hostId);
        const why = slot ? (staticReason(slot, pr) ?? dynamicReason(slot, pr, c.fleet, c.opts)) : 'not in the fleet';
        if (why) return { reasons: [why] };
        c.fleet.hold({ hostId, setId: '', sla: pr.sla, res: pr.res });
      } else {
        const res = place(c.fleet, pr, 1, c.opts);
        if (!res.placements.length) return { reasons: res.reasons };
        hostId = res.placements[0]!.hostId;
      }
      let made: { vm: VmRecord; version: number };
      try {
        made = await c.vms.create({ ...o, hostId, sla: pr.sla });
      } catch (e) {
        c.fleet.release({ hostId, setId: '', sla: pr.sla, res: pr.res });
        throw e;
      }
      c.push(hostId);
      if (pr.sla === 'guaranteed') await c.jobs.preemption.preempt([hostId]);
      return made;
    });
  }

  /** Plans a request without reserving anything. */
  async dryRun(req: SetRequest, tenant: string): Promise<Plan> {
    const c = this.c;
    return c.lock.run(async () => {
      c.refreshLoad();
      const set = this.newSet(req, tenant, c.clock.now());
      const pr = c.request(set);
      const res = place(c.fleet, pr, req.count, c.opts);
      unplace(c.fleet, pr, res.placements); // nothing leaves this function held
      const name = req.name || 'set';
      const rows: PlanRow[] = res.placements.map((p, i) => ({
        vmId: '',
        vmName: `${name}-${i + 1}`,
        hostId: p.hostId,
        hostName: c.hostName(p.hostId),
        scheme: p.scheme,
        vcpus: pr.res.vcpus,
        memoryBytes: pr.res.memoryBytes,
        diskBytes: pr.res.diskBytes,
        reservedUnixMs: 0,
        confirmedUnixMs: 0,
        status: 'planned',
        attempts: 0,
        reason: '',
        score: Math.round(p.score * 1000) / 1000,
      }));
      const reasons = [...res.reasons];
      try {
        const n = res.placements.length;
        await c.tenants.prepareAdmit(tenant, 'dry-run', {
          vcpus: pr.res.vcpus * n,
          memoryBytes: pr.res.memoryBytes * n,
          vms: n,
          images: 0,
        });
      } catch (e) {
        reasons.unshift((e as Error).message);
      }
      return aggregate('', rows, res.unplaced, reasons, res.considered);
    });
  }

  newSet(req: SetRequest, tenant: string, now: number): SetRecord {
    const startAt = req.startAtUnixMs > now ? req.startAtUnixMs : 0;
    return {
      id: ulid(now),
      tenant,
      request: { ...req, tenant },
      state: startAt ? 'scheduled' : 'placed',
      stateReason: startAt ? 'waiting for its start time' : '',
      count: req.count,
      reasons: [],
      createdUnixMs: now,
      startedUnixMs: 0,
      expiresUnixMs: 0,
      windowEndsUnixMs: req.batchWindowS ? (startAt || now) + req.batchWindowS * 1000 : 0,
      retiredUnixMs: 0,
      nextIndex: 1,
    };
  }

  /**
   * Places `want` more VMs of `set` (whose stored version is `version`, 0 = new)
   * and commits them with the set record, the quota reservations and the events.
   * A quota refusal of a new set fails the call; later rounds record it as a reason.
   */
  async placeRound(
    set: SetRecord,
    version: number,
    want: number,
    extraEvents: NewEvent[],
    isNew: boolean,
  ): Promise<Round> {
    const c = this.c;
    c.refreshLoad();
    const now = c.clock.now();
    const pr = c.request(set);
    const created: VmRecord[] = [];
    return c.tenants.withAdmission(set.tenant, async () => {
      const res =
        want > 0 ? place(c.fleet, pr, want, c.opts) : { placements: [], unplaced: 0, reasons: [], considered: 0 };
      try {
        const ops: Op[] = [];
        const pre: Precondition[] = [];
        const ids = res.placements.map(() => ulid(now));
        if (ids.length) {
          const adm = await c.tenants.prepareAdmitMany(set.tenant, ids, {
            vcpus: pr.res.vcpus,
            memoryBytes: pr.res.memoryBytes,
            vms: 1,
            images: 0,
          });
          ops.push(...adm.ops);
          pre.push(...adm.pre);
        }
        const base = set.request.name || `set-${set.id.slice(-6).toLowerCase()}`;
        created.length = 0;
        res.placements.forEach((p, i) => {
          const id = ids[i]!;
          const vm = newVmRecord({
            id,
            name: `${base}-${set.nextIndex + i}`,
            tenant: set.tenant,
            hostId: p.hostId,
            spec: { ...set.request.spec, scheme: p.scheme },
            now,
            setId: set.id,
            sla: set.request.sla,
            reason: 'placed; waiting for the host',
            app: set.request.app,
            userGroup: set.request.userGroup,
          });
          created.push(vm);
          // The id is new (the VM's absence is checked): its index entries are too, no version read.
          ops.push(
            put(VMS, id, vm),
            putFresh(VMS_BY_TENANT, `${set.tenant}/${id}`, 1),
            putFresh(VMS_BY_HOST, `${p.hostId}/${id}`, 1),
            putFresh(VMS_BY_SET, `${set.id}/${id}`, 1),
          );
          pre.push(absent(VMS, id));
        });
        set.nextIndex += res.placements.length;
        const placedNow = c.fleet.setHolds.get(set.id) ?? 0;
        this.settle(set, placedNow, res.reasons, now);
        ops.push(put(SETS, set.id, set));
        if (isNew) ops.push(put(SETS_BY_TENANT, `${set.tenant}/${set.id}`, 1), ...setIndexOps(set));
        pre.push(isNew ? absent(SETS, set.id) : at(SETS, set.id, version));
        const events: NewEvent[] = [...extraEvents];
        if (want > 0) {
          events.push({
            type: res.unplaced ? 'set.partially_placed' : 'set.placed',
            severity: res.unplaced ? 'warning' : 'info',
            message: res.unplaced ? `vm set partially placed: ${res.reasons.join('; ')}` : 'vm set placed',
            tenant: set.tenant,
            attributes: {
              set_id: set.id,
              placed: String(res.placements.length),
              unplaced: String(res.unplaced),
              hosts: String(new Set(res.placements.map((p) => p.hostId)).size),
            },
          });
        }
        await c.events.commit({ ops, preconditions: pre, events, ref: set.id });
      } catch (e) {
        unplace(c.fleet, pr, res.placements);
        set.nextIndex -= res.placements.length;
        if (!isNew && (e as { code?: string }).code === 'RESOURCE_EXHAUSTED') {
          // A later round (scale up, batch window) keeps the set and says why.
          this.settle(set, c.fleet.setHolds.get(set.id) ?? 0, [(e as Error).message], now);
          await c.events.commit({
            ops: [put(SETS, set.id, set)],
            preconditions: [at(SETS, set.id, version)],
            events: [partiallyPlaced(set, (e as Error).message)],
          });
          return { vms: [], considered: res.considered, unplaced: want };
        }
        throw e;
      }
      for (const vm of created) c.counts.note(vm);
      const hosts = new Set(res.placements.map((p) => p.hostId));
      for (const h of hosts) c.push(h);
      if (pr.sla === 'guaranteed') await c.jobs.preemption.preempt(hosts);
      return { vms: [...created], considered: res.considered, unplaced: res.unplaced };
    });
  }

  /** The set's state after a placement round. */
  settle(set: SetRecord, placed: number, reasons: string[], now: number): void {
    if (!set.startedUnixMs) {
      set.startedUnixMs = now;
      if (set.request.durationS) set.expiresUnixMs = now + set.request.durationS * 1000;
    }
    if (placed >= set.count) {
      set.state = 'placed';
      set.stateReason = `${placed} of ${set.count} placed`;
      set.reasons = [];
    } else if (set.windowEndsUnixMs > now) {
      set.state = 'waiting';
      set.stateReason = `${placed} of ${set.count} placed; waiting for capacity until the batch window ends`;
      set.reasons = reasons;
    } else {
      set.state = 'partial';
      set.stateReason = `${placed} of ${set.count} placed`;
      set.reasons = reasons;
    }
  }
}

/** A new set's index entries beside its tenant's: the image its VMs are linked clones of (lineage, revocation). */
export function setIndexOps(set: SetRecord): Op[] {
  const base = set.request.spec.base;
  return base ? [put(SETS_BY_IMAGE, indexKey(base.imageId, set.id), '')] : [];
}
