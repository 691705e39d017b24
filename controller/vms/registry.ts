import type { CreateExtra, NewVm, VmRecord, VmReport, VmState } from '../model/index.js';
import type { Vm__Output as Vm } from '../../common/gen/nephele/v1/Vm.js';
import { DesiredStateEnum, specToProto, vmToProto } from '../../common/grpc/convert.js';
import type { DesiredVm } from '../../common/gen/nephele/v1/DesiredVm.js';
import { FailedPreconditionError, NotFoundError } from '../../common/errors.js';
import { ulid, ULID_RE } from '../../common/ids.js';
import {
  absent,
  at,
  del,
  put,
  retryOnConflict,
  type Op,
  type Precondition,
  type Store,
  type Versioned,
} from '../../common/store/index.js';
import type { Clock } from '../../common/clock.js';
import type { EventLog, NewEvent } from '../events/log.js';
import type { Tenants } from '../tenancy/tenants.js';
import { resourcesOf } from '../../common/limits.js';
import { HostVms } from './host-vms.js';
import { newVmRecord } from './new-vm.js';

export { newVmRecord };
// Read at call time only, so the import cycle with the planner is harmless.
import { VMS_BY_SET } from '../planner/sets.js';

export const VMS = 'vms';
export const VMS_BY_TENANT = 'vms-by-tenant'; // `${tenant}/${id}`
export const VMS_BY_HOST = 'vms-by-host'; // `${host}/${id}`: what a host should run

export type { VmRecord };

/** Keys a ListVms page reads at least (ten times the page size when that is more). */
const LIST_SCAN_MIN = 2000;

const matches = (v: VmRecord, o: { tenant?: string; hostId?: string; setId?: string; state?: VmState }) =>
  (o.tenant === undefined || v.tenant === o.tenant) &&
  (!o.hostId || v.hostId === o.hostId) &&
  (!o.setId || v.setId === o.setId) &&
  (!o.state || v.state === o.state);

/** Which desired states each observed state may be asked for; others are FAILED_PRECONDITION. */
export class VmRegistry {
  constructor(
    private readonly store: Store,
    private readonly events: EventLog,
    private readonly clock: Clock,
    private readonly tenants: Tenants,
  ) {
    this.hostVms = new HostVms(store, VMS_BY_HOST);
  }

  /** The `vms-by-host` index in memory (see HostVms). */
  private readonly hostVms: HostVms;

  /** A scoped caller sees only its tenant's VMs; another tenant's VM is NOT_FOUND. */
  async get(id: string, scope?: string): Promise<{ vm: VmRecord; version: number }> {
    if (!ULID_RE.test(id)) throw new NotFoundError('vm');
    if (scope !== undefined && !(await this.store.get(VMS_BY_TENANT, `${scope}/${id}`))) throw new NotFoundError('vm');
    const r = await this.store.get<VmRecord>(VMS, id);
    if (!r) throw new NotFoundError('vm');
    return { vm: r.value, version: r.version };
  }

  view(vm: VmRecord, version: number): Vm {
    return vmToProto(vm, version);
  }

  /** A VM outside any set, on the host the planner chose (and reserved) for it. */
  async create(o: NewVm & CreateExtra): Promise<{ vm: VmRecord; version: number }> {
    const now = this.clock.now();
    const id = o.id ?? ulid(now);
    const vm = newVmRecord({
      id,
      name: o.name || `vm-${id.slice(-6).toLowerCase()}`,
      tenant: o.tenant,
      hostId: o.hostId,
      spec: o.spec,
      now,
      setId: '',
      sla: o.sla,
      reason: 'waiting for the host',
      app: o.app,
      userGroup: o.userGroup,
    });
    if (o.desired) vm.desired = o.desired;
    if (o.importDisk) vm.importDisk = o.importDisk;
    // Quota admission in the same batch as the VM: both or neither.
    return this.tenants.withAdmission(o.tenant, async () => {
      const adm = await this.tenants.prepareAdmit(o.tenant, id, {
        vcpus: o.spec.vcpus,
        memoryBytes: resourcesOf(o.spec).memoryBytes,
        vms: 1,
        images: 0,
      });
      const v = await this.events.commit({
        ops: [
          put(VMS, id, vm),
          put(VMS_BY_TENANT, `${o.tenant}/${id}`, 1),
          put(VMS_BY_HOST, `${o.hostId}/${id}`, 1),
          ...adm.ops,
          ...(o.ops ?? []),
        ],
        preconditions: [absent(VMS, id), ...adm.pre],
        events: [
          {
            type: 'vm.created',
            message: 'vm created',
            hostId: o.hostId,
            tenant: o.tenant,
            attributes: { vm_id: id, name: vm.name, scheme: o.spec.scheme },
          },
        ],
        ref: id,
      });
      return { vm, version: v.get(`${VMS}/${id}`)! };
    });
  }

  /**
   * One page of VMs, filtered (AND) by tenant, host, set and observed state,
   * through the most selective index. At most `scanLimit` keys are read per
   * page, so a filter that matches little answers a short page with `more`
   * rather than scanning everything; `last` is the key to resume after.
   */
  async list(o: {
    after: string;
    limit: number;
    tenant?: string;
    hostId?: string;
    setId?: string;
    state?: VmState;
    scanLimit?: number;
  }): Promise<{ vms: { vm: VmRecord; version: number }[]; more: boolean; last: string }> {
    const out: { vm: VmRecord; version: number }[] = [];
    const [coll, prefix] = o.setId
      ? [VMS_BY_SET, `${o.setId}/`]
      : o.tenant !== undefined
        ? [VMS_BY_TENANT, `${o.tenant}/`]
        : o.hostId
          ? [VMS_BY_HOST, `${o.hostId}/`]
          : [VMS, ''];
    const scanLimit = o.scanLimit ?? Math.max(LIST_SCAN_MIN, o.limit * 10);
    let scanned = 0;
    let last = '';
    for await (const { key } of this.store.scan(coll, { prefix, ...(o.after ? { gt: prefix + o.after } : {}) })) {
      const id = key.slice(prefix.length);
      if (out.length === o.limit || scanned === scanLimit) return { vms: out, more: true, last };
      scanned++;
      last = id;
      const r = await this.store.get<VmRecord>(VMS, id);
      if (!r || !matches(r.value, o)) continue;
      out.push({ vm: r.value, version: r.version });
    }
    return { vms: out, more: false, last };
  }

  /** Changes what the VM should be; returns the new record. `check` refuses impossible transitions. */
  async setDesired(
    id: string,
    scope: string | undefined,
    change: (vm: VmRecord) => Partial<VmRecord> | undefined,
    event: (vm: VmRecord) => NewEvent,
    extra?: (vm: VmRecord) => { ops: Op[]; preconditions: Precondition[]; ref?: string }, // e.g. a management token
  ): Promise<{ vm: VmRecord; version: number }> {
    return retryOnConflict(async () => {
      const { vm, version } = await this.get(id, scope);
      const patch = change(vm);
      if (!patch) return { vm, version };
      const next = { ...vm, ...patch };
      const x = extra?.(next);
      const v = await this.events.commit({
        ops: [put(VMS, id, next), ...(x?.ops ?? [])],
        preconditions: [at(VMS, id, version), ...(x?.preconditions ?? [])],
        events: [event(next)],
        ref: x?.ref ?? id,
      });
      for (const l of this.changeListeners) l(next);
      return { vm: next, version: v.get(`${VMS}/${id}`)! };
    });
  }

  /** Every VM a host should know about, through the `vms-by-host` index (held in memory where it can be). */
  async onHost(hostId: string): Promise<{ vm: VmRecord; version: number }[]> {
    let ids = await this.hostVms.ids(hostId);
    if (!ids) {
      const prefix = `${hostId}/`;
      ids = [];
      for await (const { key } of this.store.scan(VMS_BY_HOST, { prefix })) ids.push(key.slice(prefix.length));
    }
    const out: { vm: VmRecord; version: number }[] = [];
    for (const r of await this.store.getMany<VmRecord>(VMS, ids)) if (r) out.push({ vm: r.value, version: r.version });
    return out;
  }

  async desiredFor(hostId: string): Promise<DesiredVm[]> {
    const out: DesiredVm[] = [];
    for (const { vm: v } of await this.onHost(hostId)) {
      // While its disk is exported the VM stays stopped; the user's desired state is kept for after the move.
      const exporting = !!v.exportDisk && v.desired !== 'destroyed';
      out.push({
        vmId: v.id,
        name: v.name,
        spec: specToProto(v.spec),
        desired: DesiredStateEnum.toProto(exporting ? 'stopped' : v.desired),
        generation: v.generation,
        rebootCount: v.rebootCount,
        exportDisk: exporting ? v.exportDisk : '',
        importDisk: v.importDisk ?? '',
        exportFlat: exporting && !!v.exportFlat,
        hidden: !!v.managed,
        hardStop: v.desired === 'stopped' && !!v.hardStop,
        monitor: this.monitorOf?.(v) ?? null,
      });
    }
    return out;
  }

  /**
   * Applies a host's VM state report in one batch with the host's own `hostOps`
   * (its durable seq), then tells the listeners: observe, commit and notify are
   * one step, so no caller can leave one out. A ConflictError leaves nothing
   * written (the caller re-reads its host record and tries again). Returns what
   * the VM record made of it; `ignored` reports are committed with the host ops
   * alone (the caller logs why).
   */
  async applyReport(
    hostId: string,
    r: VmReport,
    hostOps: { ops: Op[]; pre: Precondition[] },
  ): Promise<Observed | Ignored | undefined> {
    return (await this.applyReports(hostId, [r], hostOps))[0];
  }

  /**
   * applyReport for several reports of one host, about different VMs, in one
   * batch: their VMs read in one call, all or none committed.
   */
  async applyReports(
    hostId: string,
    rs: VmReport[],
    hostOps: { ops: Op[]; pre: Precondition[] },
  ): Promise<(Observed | Ignored | undefined)[]> {
    const ids: string[] = [];
    for (const r of rs) ids.push(r.vmId);
    const curs = await this.store.getMany<VmRecord>(VMS, ids);
    const seen: (Observed | Ignored | undefined)[] = [];
    const changes: Observed[] = [];
    // One batch: the host's ops, then each change's (its events' actor is the host).
    const ops = hostOps.ops.slice();
    const pre = hostOps.pre.slice();
    const events: NewEvent[] = [];
    for (let i = 0; i < rs.length; i++) {
      const o = this.observe(hostId, rs[i]!, curs[i]);
      // A destroyed VM gives its quota back in the same batch.
      if (o && 'releases' in o) {
        const res = await this.tenants.releaseOps(o.vm.tenant, o.vm.id);
        if (res) {
          o.ops.push(...res.ops);
          o.pre.push(...res.pre);
        }
      }
      seen.push(o);
      if (!o || 'ignored' in o) continue;
      changes.push(o);
      for (const op of o.ops) ops.push(op);
      for (const p of o.pre) pre.push(p);
      for (const e of o.events) events.push(e);
    }
    await this.events.commit({ ops, preconditions: pre, events });
    for (const c of changes) for (const l of this.listeners) l(c);
    return seen;
  }

  /**
   * What a host's observed state report does to its VM. Reports from an older generation
   * (a previous incarnation) are fenced off, and so are reports from a host the
   * VM has left (a stale copy): neither changes the record nor releases the VM.
   * A report about a VM never placed on the reporting host is ignored (the
   * caller logs it under the host; nothing reaches the VM's tenant). A
   * destroyed VM leaves the host's desired set and gives its quota back, in the
   * same batch. The first report of a placement is its confirmation.
   */
  private observe(
    hostId: string,
    r: VmReport,
    cur: Versioned<VmRecord> | undefined,
  ): (Observed & { releases?: true }) | Ignored | undefined {
    if (!cur) return undefined;
    const vm = cur.value;
    const current = vm.hostId === hostId;
    if (!current && !(vm.tried ?? []).includes(hostId)) return { ignored: 'the vm was never placed on this host' };
    // A former host's copy, or one of an earlier generation here (moved away and back):
    // its DESTROYED is a stale copy going away, never the current VM's end.
    const staleCopy = !current || (r.generation < vm.generation && r.state === 'destroyed');
    if (staleCopy) {
      if (r.state !== 'destroyed' && r.state !== 'stopped') return undefined;
      return {
        ops: [],
        pre: [],
        events: [
          {
            type: 'vm.stale_copy_removed',
            severity: 'warning',
            message: 'a stale copy of the vm was stopped on a host it had left',
            hostId,
            actor: hostId,
            tenant: vm.tenant,
            attributes: {
              vm_id: vm.id,
              generation: String(r.generation),
              state: r.state,
              ...(vm.setId ? { set_id: vm.setId } : {}),
            },
          },
        ],
        vm,
        released: false,
        refused: false,
        taskDone: false,
        imported: '',
      };
    }
    if (r.generation < vm.generation) return undefined;
    const next: VmRecord = { ...vm, hostPort: r.hostPort, guestReady: r.guestReady };
    const changed = vm.state !== r.state || vm.stateReason !== r.reason;
    if (changed) {
      next.state = r.state;
      next.stateReason = r.reason;
      next.stateChangedUnixMs = r.timeUnixMs > 0 && r.timeUnixMs < 8.64e15 ? r.timeUnixMs : this.clock.now();
    }
    const thisGen = r.generation === vm.generation;
    if (thisGen && vm.confirmedUnixMs === 0 && CONFIRMING.has(r.state)) next.confirmedUnixMs = this.clock.now();
    if (thisGen && r.state === 'running') next.ran = true;
    // A moved (or imported) disk is no longer needed once the VM runs from it, or is gone.
    const imported =
      thisGen && (r.state === 'running' || r.state === 'destroyed') && vm.importDisk ? vm.importDisk : '';
    if (imported) next.importDisk = '';
    const taskDone = thisGen && !!r.taskDone && !vm.taskDone;
    if (taskDone) next.taskDone = true;
    const released = r.state === 'destroyed' && vm.state !== 'destroyed';
    const refused = thisGen && r.state === 'failed' && !vm.ran && vm.setId !== '' && vm.desired !== 'destroyed';
    const ops: Op[] = [put(VMS, vm.id, next)];
    const pre: Precondition[] = [at(VMS, vm.id, cur.version)];
    if (r.state === 'destroyed') ops.push(del(VMS_BY_HOST, `${hostId}/${vm.id}`));
    const events: NewEvent[] = changed
      ? [
          {
            type: 'vm.state_changed',
            severity: r.state === 'failed' ? 'error' : 'info',
            message: `vm is ${r.state}${r.reason ? `: ${r.reason}` : ''}`,
            hostId,
            actor: hostId,
            tenant: vm.tenant,
            attributes: {
              vm_id: vm.id,
              state: r.state,
              generation: String(r.generation),
              ...(vm.setId ? { set_id: vm.setId } : {}),
            },
          },
        ]
      : [];
    const o = { ops, pre, events, vm: next, released, refused, taskDone, imported };
    return r.state === 'destroyed' ? { ...o, releases: true } : o;
  }

  /** Runs a report that may give quota back under its tenant's admission lock (no retry storms on the tenant record). */
  async underTenantOf<T>(vmId: string, fn: () => Promise<T>): Promise<T> {
    const cur = await this.store.get<VmRecord>(VMS, vmId);
    return cur ? this.tenants.withAdmission(cur.value.tenant, fn) : fn();
  }
  monitorOf?: (vm: VmRecord) => DesiredVm['monitor']; // what its agent monitors (controller/monitor/state)
  private readonly listeners: ((o: Observed) => void)[] = [];
  private readonly changeListeners: ((vm: VmRecord) => void)[] = [];

  /** Called after an operator's change of a VM (lifecycle RPCs) was committed. */
  onChanged(fn: (vm: VmRecord) => void): void {
    this.changeListeners.push(fn);
  }

  /** Called after an observed report was committed (the planner re-places refusals, releases capacity). */
  onObserved(fn: (o: Observed) => void): void {
    this.listeners.push(fn);
  }
}

const CONFIRMING = new Set(['creating', 'running', 'suspended', 'stopped']);

/** A report the VM record does not hear about (the reason is logged under the host). */
export interface Ignored {
  ignored: string;
}

export interface Observed {
  ops: Op[];
  pre: Precondition[];
  events: NewEvent[];
  /** The VM as committed. */
  vm: VmRecord;
  /** Its host reported it destroyed: its capacity is free (exactly once). */
  released: boolean;
  /** Its host could not bring it up: the planner may try another host. */
  refused: boolean;
  taskDone: boolean;
  /** Transfer id of a moved disk the VM now runs from (the controller's copy can go). */
  imported: string;
}

export function lifecycleEvent(kind: string): (vm: VmRecord) => NewEvent {
  return (vm) => ({
    type: `vm.${kind}`,
    message: `vm ${kind.replace('_', ' ')}`,
    hostId: vm.hostId,
    tenant: vm.tenant,
    attributes: { vm_id: vm.id, desired: vm.desired, ...(vm.setId ? { set_id: vm.setId } : {}) },
  });
}

export function refuse(msg: string): never {
  throw new FailedPreconditionError(msg);
}
