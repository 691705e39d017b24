// Reclassification's changes of one VM (issue 15), under the planner's lock so
// the ledger and the store agree: a new size on the same host (the host's room
// and the tenant's quota checked, the spec and the quota change in one batch),
// and a VM of another size beside it in its set. A move with a new size and
// required features is Moves.moveOne with a MoveChange.
import { FailedPreconditionError, NotFoundError } from '../../common/errors.js';
import { ulid } from '../../common/ids.js';
import { resourcesOf } from '../../common/limits.js';
import { absent, at, put, putFresh, retryOnConflict, type Op, type Precondition } from '../../common/store/index.js';
import type { NewEvent } from '../events/log.js';
import type { Demand } from '../tenancy/tenants.js';
import { newVmRecord, VMS, VMS_BY_HOST, VMS_BY_TENANT, type VmRecord } from '../vms/registry.js';
import { holdOf, type PlannerCore } from './core.js';
import { dynamicReason, place, type PlacementRequest } from './place.js';
import { holds, VMS_BY_SET } from './sets.js';

/** The size a VM is given (a class's, or one built to measure). */
export interface SizeChange {
  vcpus: number;
  memoryMib: number;
  /** The class its spec then names ('' = sized by hand). */
  vmClass: string;
}

/** What a commit carries besides the planner's own records (the caller's events, e.g. reclass.apply.*). */
export interface Extra {
  ops?: Op[];
  pre?: Precondition[];
  events?: NewEvent[];
  /** Check everything, write nothing. */
  dryRun?: boolean;
}

export const sized = (vm: VmRecord, to: SizeChange): VmRecord => ({
  ...vm,
  spec: { ...vm.spec!, vcpus: to.vcpus, memoryMib: to.memoryMib, vmClass: to.vmClass },
});

/** What a VM of this spec reserves against its tenant's quota (as VmRegistry.create and placeRound admit it). */
export const demandOf = (spec: NonNullable<VmRecord['spec']>): Demand => ({
  vcpus: spec.vcpus,
  memoryBytes: resourcesOf(spec).memoryBytes,
  vms: 1,
  images: 0,
});

export class Reshape {
  constructor(private readonly c: PlannerCore) {}

  /**
   * Gives VM `vmId` (still at `generation`) a new size where it runs. Refused
   * (FAILED_PRECONDITION) when its host lacks the room for it, RESOURCE_EXHAUSTED
   * naming the quota it would exceed; nothing is written then, nor on a dry run.
   */
  resize(vmId: string, generation: number, to: SizeChange, x: Extra = {}): Promise<VmRecord> {
    const c = this.c;
    return c.lock.run(() =>
      retryOnConflict(async () => {
        const cur = await c.store.get<VmRecord>(VMS, vmId);
        if (!cur || cur.value.desired === 'destroyed') throw new NotFoundError('vm');
        const vm = cur.value;
        if (vm.generation !== generation) throw new FailedPreconditionError('the vm changed (moved or re-placed)');
        const next = sized(vm, to);
        const [was, now] = [holdOf(vm), holdOf(next)];
        const placed = holds(vm);
        if (placed) {
          c.fleet.release(was);
          const why = this.roomOn(vm.hostId, next);
          if (why) {
            c.fleet.hold(was);
            throw new FailedPreconditionError(`its host cannot take ${to.vcpus} vcpus, ${to.memoryMib} MiB: ${why}`);
          }
          c.fleet.hold(now);
        }
        const undo = () => placed && (c.fleet.release(now), c.fleet.hold(was));
        try {
          const adm = await c.tenants.prepareResize(vm.tenant, vm.id, demandOf(next.spec!));
          if (x.dryRun) {
            undo();
            return next;
          }
          await c.events.commit({
            ops: [put(VMS, vm.id, next), ...adm.ops, ...(x.ops ?? [])],
            preconditions: [at(VMS, vm.id, cur.version), ...adm.pre, ...(x.pre ?? [])],
            events: [
              {
                type: 'vm.resized',
                message: 'vm resized',
                hostId: vm.hostId,
                tenant: vm.tenant,
                attributes: {
                  vm_id: vm.id,
                  vcpus: String(to.vcpus),
                  memory_mib: String(to.memoryMib),
                  ...(vm.setId ? { set_id: vm.setId } : {}),
                },
              },
              ...(x.events ?? []),
            ],
          });
        } catch (e) {
          undo();
          throw e;
        }
        c.push(vm.hostId);
        return next;
      }),
    );
  }

  /**
   * A new VM like `vm` (same tenant, set, image and config) at size `to`, on a
   * host offering `features`; the quota admits it in the same batch. The caller
   * retires the old one once the new one serves. Returns the new record.
   */
  addLike(vm: VmRecord, to: SizeChange, features: string[], x: Extra = {}): Promise<VmRecord> {
    const c = this.c;
    return c.lock.run(() =>
      c.tenants.withAdmission(vm.tenant, async () => {
        const now = c.clock.now();
        const id = ulid(now);
        const like = sized({ ...vm, tried: [] }, to);
        const pr: PlacementRequest = { ...(await c.requestFor(like)), exclude: undefined, features };
        c.refreshLoad();
        const res = place(c.fleet, pr, 1, c.opts);
        const p = res.placements[0];
        if (!p) throw new FailedPreconditionError(`no host can take the new vm: ${res.reasons.join('; ')}`);
        const rec = newVmRecord({
          id,
          name: `${vm.name.slice(0, 48)}-${id.slice(-6).toLowerCase()}`,
          tenant: vm.tenant,
          hostId: p.hostId,
          spec: { ...like.spec!, scheme: p.scheme },
          now,
          setId: vm.setId,
          sla: vm.sla,
          reason: 'placed; waiting for the host',
          app: vm.app,
          userGroup: vm.userGroup,
        });
        const hold = holdOf(rec);
        try {
          const adm = await c.tenants.prepareAdmit(vm.tenant, id, demandOf(rec.spec!));
          if (x.dryRun) {
            c.fleet.release(hold);
            return rec;
          }
          await c.events.commit({
            ops: [
              put(VMS, id, rec),
              putFresh(VMS_BY_TENANT, `${vm.tenant}/${id}`, 1),
              putFresh(VMS_BY_HOST, `${p.hostId}/${id}`, 1),
              ...(vm.setId ? [putFresh(VMS_BY_SET, `${vm.setId}/${id}`, 1)] : []),
              ...adm.ops,
              ...(x.ops ?? []),
            ],
            preconditions: [absent(VMS, id), ...adm.pre, ...(x.pre ?? [])],
            events: [
              {
                type: 'vm.created',
                message: 'vm created',
                hostId: p.hostId,
                tenant: vm.tenant,
                attributes: { vm_id: id, name: rec.name, scheme: p.scheme, ...(vm.setId ? { set_id: vm.setId } : {}) },
              },
              ...(x.events ?? []),
            ],
          });
        } catch (e) {
          c.fleet.release(hold);
          throw e;
        }
        c.counts.note(rec);
        c.push(p.hostId);
        return rec;
      }),
    );
  }

  /** Why `vm`'s own host cannot hold it at its (new) size, its old hold already released. */
  private roomOn(hostId: string, vm: VmRecord): string | undefined {
    const c = this.c;
    const slot = c.fleet.slot(hostId);
    if (!slot) return 'not in the fleet';
    const h = holdOf(vm);
    // Only capacity: the VM is already there (its set's affinity rules and the host's state do not move it).
    const pr: PlacementRequest = {
      setId: '',
      sla: h.sla,
      res: h.res,
      schemes: [vm.spec!.scheme],
      affinity: 'none',
      strategy: c.opts.strategy,
    };
    return dynamicReason(slot, pr, c.fleet, c.opts);
  }
}
