import type { Vm__Output as Vm } from '../../common/gen/nephele/v1/Vm.js';
import type { VmSpec__Output as VmSpec } from '../../common/gen/nephele/v1/VmSpec.js';
import type { VmStatusReport__Output as VmStatusReport } from '../../common/gen/nephele/v1/VmStatusReport.js';
import type { DesiredVm } from '../../common/gen/nephele/v1/DesiredVm.js';
import { FailedPreconditionError, NotFoundError } from '../../common/errors.js';
import { ulid, ULID_RE } from '../../common/ids.js';
import { absent, at, del, put, type Op, type Precondition, type Store } from '../../common/store/index.js';
import type { Clock } from '../../common/clock.js';
import type { EventLog, NewEvent } from '../events/log.js';
import type { Tenants } from '../tenancy/tenants.js';

export const VMS = 'vms';
export const VMS_BY_TENANT = 'vms-by-tenant'; // `${tenant}/${id}`
export const VMS_BY_HOST = 'vms-by-host'; // `${host}/${id}`: what a host should run

export type VmRecord = Omit<Vm, 'version'>;
export type Desired = Vm['desired'];

const word = (s: string) => s.replace(/^(VM_STATE_|DESIRED_VM_STATE_)/, '').toLowerCase();

/** Which desired states each observed state may be asked for; others are FAILED_PRECONDITION. */
export class VmRegistry {
  constructor(
    private readonly store: Store,
    private readonly events: EventLog,
    private readonly clock: Clock,
    private readonly tenants: Tenants,
  ) {}

  /** A scoped caller sees only its tenant's VMs; another tenant's VM is NOT_FOUND. */
  async get(id: string, scope?: string): Promise<{ vm: VmRecord; version: number }> {
    if (!ULID_RE.test(id)) throw new NotFoundError('vm');
    if (scope !== undefined && !(await this.store.get(VMS_BY_TENANT, `${scope}/${id}`))) throw new NotFoundError('vm');
    const r = await this.store.get<VmRecord>(VMS, id);
    if (!r) throw new NotFoundError('vm');
    return { vm: r.value, version: r.version };
  }

  view(vm: VmRecord, version: number): Vm {
    return { ...vm, version };
  }

  async create(o: { name: string; hostId: string; tenant: string; spec: VmSpec }): Promise<{ vm: VmRecord; version: number }> {
    const now = this.clock.now();
    const id = ulid(now);
    const vm: VmRecord = {
      id,
      name: o.name || `vm-${id.slice(-6).toLowerCase()}`,
      tenant: o.tenant,
      hostId: o.hostId,
      spec: o.spec,
      desired: 'DESIRED_VM_STATE_RUNNING',
      state: 'VM_STATE_PENDING',
      stateReason: 'waiting for the host',
      stateChangedUnixMs: now,
      createdUnixMs: now,
      generation: 1,
      rebootCount: 0,
      hostPort: 0,
      guestReady: false,
    };
    // Quota admission in the same batch as the VM: both or neither.
    return this.tenants.withAdmission(o.tenant, async () => {
      const adm = await this.tenants.prepareAdmit(o.tenant, id, { vcpus: o.spec.vcpus, memoryBytes: o.spec.memoryMib * 1024 * 1024, vms: 1, images: 0 });
      const v = await this.events.commit({
        ops: [put(VMS, id, vm), put(VMS_BY_TENANT, `${o.tenant}/${id}`, 1), put(VMS_BY_HOST, `${o.hostId}/${id}`, 1), ...adm.ops],
        preconditions: [absent(VMS, id), ...adm.pre],
        events: [{ type: 'vm.created', message: 'vm created', hostId: o.hostId, tenant: o.tenant, attributes: { vm_id: id, name: vm.name, scheme: o.spec.scheme } }],
        ref: id,
      });
      return { vm, version: v.get(`${VMS}/${id}`)! };
    });
  }

  async list(o: { after: string; limit: number; tenant?: string; hostId?: string }): Promise<{ vms: { vm: VmRecord; version: number }[]; more: boolean }> {
    const out: { vm: VmRecord; version: number }[] = [];
    const [coll, prefix] = o.tenant !== undefined ? [VMS_BY_TENANT, `${o.tenant}/`] : o.hostId ? [VMS_BY_HOST, `${o.hostId}/`] : [VMS, ''];
    for await (const { key } of this.store.scan(coll, { prefix, ...(o.after ? { gt: prefix + o.after } : {}) })) {
      const r = await this.store.get<VmRecord>(VMS, key.slice(prefix.length));
      if (!r) continue;
      if (o.hostId && r.value.hostId !== o.hostId) continue;
      if (out.length === o.limit) return { vms: out, more: true };
      out.push({ vm: r.value, version: r.version });
    }
    return { vms: out, more: false };
  }

  /** Changes what the VM should be; returns the new record. `check` refuses impossible transitions. */
  async setDesired(id: string, scope: string | undefined, change: (vm: VmRecord) => Partial<VmRecord> | undefined, event: (vm: VmRecord) => NewEvent): Promise<{ vm: VmRecord; version: number }> {
    for (let attempt = 0; ; attempt++) {
      const { vm, version } = await this.get(id, scope);
      const patch = change(vm);
      if (!patch) return { vm, version };
      const next = { ...vm, ...patch };
      const ops: Op[] = [put(VMS, id, next)];
      const pre: Precondition[] = [at(VMS, id, version)];
      try {
        const v = await this.events.commit({ ops, preconditions: pre, events: [event(next)], ref: id });
        return { vm: next, version: v.get(`${VMS}/${id}`)! };
      } catch (e) {
        if ((e as { code?: string }).code !== 'ABORTED' || attempt > 20) throw e;
      }
    }
  }

  /** The desired state of a host: every VM it should know about. */
  async desiredFor(hostId: string): Promise<DesiredVm[]> {
    const prefix = `${hostId}/`;
    const ids: string[] = [];
    for await (const { key } of this.store.scan(VMS_BY_HOST, { prefix })) ids.push(key.slice(prefix.length));
    const out: DesiredVm[] = [];
    for (const r of await this.store.getMany<VmRecord>(VMS, ids)) {
      if (!r) continue;
      const v = r.value;
      out.push({ vmId: v.id, name: v.name, spec: v.spec, desired: v.desired, generation: v.generation, rebootCount: v.rebootCount });
    }
    return out;
  }

  /**
   * Applies a host's observed state report. Reports from an older generation
   * (a previous incarnation) are fenced off. A destroyed VM leaves the host's
   * desired set and gives its quota back, in the same batch.
   */
  async observe(hostId: string, r: VmStatusReport, extra: { ops: Op[]; pre: Precondition[] }): Promise<{ ops: Op[]; pre: Precondition[]; events: NewEvent[] } | undefined> {
    const cur = await this.store.get<VmRecord>(VMS, r.vmId);
    if (!cur || cur.value.hostId !== hostId) return undefined; // not this host's VM (any more)
    const vm = cur.value;
    if (r.generation < vm.generation && r.state !== 'VM_STATE_DESTROYED') return undefined;
    const next: VmRecord = { ...vm, hostPort: r.hostPort, guestReady: r.guestReady };
    const changed = vm.state !== r.state || vm.stateReason !== r.reason;
    if (changed) {
      next.state = r.state;
      next.stateReason = r.reason;
      next.stateChangedUnixMs = r.timeUnixMs > 0 && r.timeUnixMs < 8.64e15 ? r.timeUnixMs : this.clock.now();
    }
    const ops: Op[] = [...extra.ops, put(VMS, vm.id, next)];
    const pre: Precondition[] = [...extra.pre, at(VMS, vm.id, cur.version)];
    if (r.state === 'VM_STATE_DESTROYED') {
      ops.push(del(VMS_BY_HOST, `${hostId}/${vm.id}`));
      const res = await this.tenants.releaseOps(vm.tenant, vm.id);
      if (res) {
        ops.push(...res.ops);
        pre.push(...res.pre);
      }
    }
    const events: NewEvent[] = changed
      ? [{
          type: 'vm.state_changed',
          severity: r.state === 'VM_STATE_FAILED' ? 'error' : 'info',
          message: `vm is ${word(r.state)}${r.reason ? `: ${r.reason}` : ''}`,
          hostId,
          tenant: vm.tenant,
          attributes: { vm_id: vm.id, state: word(r.state), generation: String(r.generation) },
        }]
      : [];
    return { ops, pre, events };
  }
}

export function lifecycleEvent(kind: string): (vm: VmRecord) => NewEvent {
  return (vm) => ({ type: `vm.${kind}`, message: `vm ${kind.replace('_', ' ')}`, hostId: vm.hostId, tenant: vm.tenant, attributes: { vm_id: vm.id, desired: word(vm.desired) } });
}

export function refuse(msg: string): never {
  throw new FailedPreconditionError(msg);
}
