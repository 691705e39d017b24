import type { CreateExtra } from '../model/vm.js';
import type { PlaceVm } from '../vms/service.js';
import type { Plan__Output as Plan } from '../../common/gen/nephele/v1/Plan.js';
import type { VmSet__Output as VmSet } from '../../common/gen/nephele/v1/VmSet.js';
import type { Store } from '../../common/store/index.js';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { EventLog } from '../events/log.js';
import type { HostRecord, HostRegistry } from '../hosts/registry.js';
import { isolationOf } from '../hosts/schemes.js';
import type { Tenants } from '../tenancy/tenants.js';
import { VMS, type Observed, type VmRecord, type VmRegistry } from '../vms/registry.js';
import type { DiskTransfers } from '../vms/transfers.js';
import type { Fleet } from './fleet.js';
import type { SetRequest } from './request.js';
import { holds, SETS, waitsForHost, type SetRecord } from './sets.js';
import {
  DEFAULT_PLANNER_OPTIONS,
  holdOf,
  PlannerCore,
  type MoveResult,
  type PlannerOptions,
  type Pusher,
} from './core.js';
import { Rounds } from './rounds.js';
import { SetLifecycle } from './lifecycle.js';
import { Preemption } from './preempt.js';
import { Moves, type MoveChange } from './moves.js';
import { Reshape, type Extra, type SizeChange } from './reshape.js';
import { Waiting } from './waiting.js';

export { DEFAULT_PLANNER_OPTIONS, type MoveResult, type PlannerOptions, type Pusher };

/**
 * Places VM sets and keeps them placed: reservations (VM records + quota) are
 * committed in one batch per placement round; refusals, drains, down hosts and
 * evacuations re-place VMs with a bumped generation, which fences the old copy.
 * Every decision runs under one lock (PlannerCore.lock), so two plans never
 * race for a host. This facade wires the jobs and routes the registries' news.
 */
export class Planner {
  private readonly c: PlannerCore;
  private readonly reshape: Reshape;
  readonly fleet: Fleet;
  /** Down hosts and when they went down (their guaranteed VMs move after the grace). */
  readonly downSince: Map<string, number>;

  constructor(
    store: Store,
    events: EventLog,
    clock: Clock,
    log: Logger,
    tenants: Tenants,
    hosts: HostRegistry,
    vms: VmRegistry,
    push: Pusher,
    readonly opts: PlannerOptions = DEFAULT_PLANNER_OPTIONS,
    transfers?: DiskTransfers,
  ) {
    const c = (this.c = new PlannerCore({ store, events, clock, log, tenants, hosts, vms, push, opts, transfers }));
    c.jobs = {
      rounds: new Rounds(c),
      lifecycle: new SetLifecycle(c),
      preemption: new Preemption(c),
      moves: new Moves(c),
      waiting: new Waiting(c),
    };
    this.fleet = c.fleet;
    this.downSince = c.downSince;
    this.reshape = new Reshape(c);
  }

  /** Rebuilds the fleet view and its reservations from the store; returns the sets read (the scheduler arms their timers). */
  async start(): Promise<SetRecord[]> {
    const c = this.c;
    for await (const { rec } of c.hosts.all()) this.hostChanged(rec);
    const sets: SetRecord[] = [];
    const retired = new Set<string>();
    for await (const { value: set } of c.store.scan<SetRecord>(SETS)) {
      sets.push(set);
      if (set.state === 'retiring') c.retiring.add(set.id);
      if (set.state === 'retired') retired.add(set.id);
    }
    for await (const { value: vm } of c.store.scan<VmRecord>(VMS)) {
      if (holds(vm)) c.fleet.hold(holdOf(vm));
      if (waitsForHost(vm)) c.waitingVms.set(vm.id, vm.setId);
      if (!retired.has(vm.setId)) c.counts.note(vm); // a retired set's counts are all zero: keep nothing for it
    }
    c.hosts.onChange((rec) => this.hostChanged(rec));
    c.hosts.allocation = (id) => {
      const s = c.fleet.slot(id);
      if (!s) return { allocated: { vcpus: 0, memoryBytes: 0, diskBytes: 0 }, vms: 0 };
      const g = s.guaranteed;
      const b = s.bestEffort;
      return {
        allocated: {
          vcpus: g.vcpus + b.vcpus,
          memoryBytes: g.memoryBytes + b.memoryBytes,
          diskBytes: g.diskBytes + b.diskBytes,
        },
        vms: s.vms,
      };
    };
    c.vms.onObserved((o) => this.observed(o));
    c.vms.onChanged((vm) => {
      c.counts.note(vm);
      // Destroyed (DestroyVm) while it waits for a host: no host will report it gone.
      if (c.waitingVms.has(vm.id) && vm.desired === 'destroyed') {
        void c.lock
          .run(() => c.jobs.waiting.dropWaiting(vm.id, 'destroyed as requested'))
          .catch((err) => c.log.error({ err, vm_id: vm.id }, 'could not drop a waiting vm'));
      }
      // A member destroyed by hand (not by its set): a guaranteed set puts a fresh one in its place.
      if (vm.setId && vm.desired === 'destroyed')
        void c.jobs.lifecycle
          .replaceLost(vm.setId, `${vm.name} was destroyed`)
          .catch((err) => c.log.error({ err, set_id: vm.setId, vm_id: vm.id }, 'could not replace a destroyed vm'));
    });
    // A member lost while the controller was away (destroyed, or retired as failed just before a stop):
    // replaced now. Partial sets need nothing here: the first sweep retries them.
    for (const set of sets)
      if (set.state === 'placed')
        void c.jobs.lifecycle
          .replaceLost(set.id, 'members missing when the controller started')
          .catch((err) => c.log.error({ err, set_id: set.id }, 'could not replace lost vms'));
    return sets;
  }

  /** The scheduler listens, to arm timers for the set's times. */
  watchSets(fn: (set: SetRecord) => void): void {
    this.c.onSetChange = fn;
  }

  /** How a host's features are read (the catalog's HostFeatures, set by reclassification at start). */
  private features: (rec: HostRecord) => string[] = () => [];

  /** Reads every host's features with `fn` from now on (place()'s `features` constraint). */
  async useHostFeatures(fn: (rec: HostRecord) => string[]): Promise<void> {
    this.features = fn;
    for await (const { rec } of this.c.hosts.all()) this.hostChanged(rec);
  }

  hostChanged(rec: HostRecord): void {
    const c = this.c;
    const wasEvacuate = c.fleet.slot(rec.id) && c.evacuating.has(rec.id);
    const owner = rec.owner ?? 'none';
    c.fleet.upsert(rec.id, {
      name: rec.name,
      adhoc: rec.kind === 'adhoc',
      offersGuarantees: !!rec.offersGuarantees,
      ready: rec.state === 'ready' && !rec.revoked,
      cordoned: rec.cordoned,
      ownerBusy: owner === 'busy' || owner === 'evacuate',
      schemes: rec.schemes,
      isolation: isolationOf(rec.schemeInfo),
      groups: rec.groups,
      labels: rec.labels ?? {},
      features: this.features(rec),
      capacity: {
        vcpus: rec.inventory?.guest?.vcpus ?? 0,
        memoryBytes: Number(rec.inventory?.guest?.memoryBytes ?? 0),
        diskBytes: Number(rec.inventory?.guest?.diskBytes ?? 0),
      },
    });
    if (rec.state === 'ready' && !rec.cordoned) c.fleet.freedGen++; // waiting sets may fit now
    if (rec.state === 'down') {
      if (!c.downSince.has(rec.id)) c.downSince.set(rec.id, rec.stateChangedUnixMs || c.clock.now());
    } else c.downSince.delete(rec.id);
    if (owner === 'evacuate' && !wasEvacuate) {
      c.evacuating.add(rec.id);
      void this.evacuate(rec.id).catch((err) => c.log.error({ err, host_id: rec.id }, 'evacuation failed'));
    } else if (owner !== 'evacuate') c.evacuating.delete(rec.id);
  }

  /** After a host's report was committed: free capacity, re-place refusals, end finished tasks. */
  private observed(o: Observed): void {
    const c = this.c;
    const vm = o.vm;
    if (vm.hostId) c.counts.note(vm);
    // A migration keeps its moved disk until it runs healthy there (a rollback imports it again).
    if (o.imported && vm.migration?.transfer !== o.imported)
      void c.transfers
        ?.finish(o.imported)
        .catch((err) => c.log.error({ err, vm_id: vm.id }, 'could not drop a finished disk transfer'));
    if (o.released) {
      c.fleet.release(holdOf({ ...vm, state: 'running' }));
      if (vm.setId && c.retiring.has(vm.setId))
        void c.lock
          .run(() => c.jobs.lifecycle.maybeRetired(vm.setId))
          .catch((err) => c.log.error({ err, set_id: vm.setId }, 'could not retire set'));
      // Its place is free: a set that could not replace it while it held the host (a full host) does now.
      else if (vm.setId && vm.desired === 'destroyed')
        void c.jobs.lifecycle
          .replaceLost(vm.setId, `${vm.name} was destroyed`)
          .catch((err) => c.log.error({ err, set_id: vm.setId, vm_id: vm.id }, 'could not replace a destroyed vm'));
    }
    // A migration answers a refusal itself: it rolls back to where the VM ran.
    if (o.refused && !vm.migration) {
      void c.lock
        .run(async () => {
          // A moved disk goes with it: the next host imports the same transfer, never a fresh disk.
          const m = await c.jobs.moves.moveOne(
            vm.id,
            `host could not run it: ${vm.stateReason}`,
            true,
            vm.importDisk ?? '',
          );
          if (!m.moved && vm.setId)
            await c.noteUnplaced(
              vm.setId,
              `${vm.name} failed on ${vm.placementAttempts} host${vm.placementAttempts === 1 ? '' : 's'} (last: ${vm.stateReason})${m.reasons.length ? `; ${m.reasons.join('; ')}` : ''}`,
            );
        })
        .catch((err) => c.log.error({ err, vm_id: vm.id }, 're-placement failed'));
    }
    // Failed after it ran (a crash, a failed task): not a refusal to re-place, a member to replace.
    if (vm.setId && vm.state === 'failed' && vm.ran && vm.desired === 'running' && !o.refused) {
      void c.jobs.lifecycle
        .replaceFailed(vm.id, vm.setId)
        .catch((err) => c.log.error({ err, set_id: vm.setId, vm_id: vm.id }, 'could not replace a failed vm'));
    }
    if (o.taskDone && vm.setId) {
      void c.lock
        .run(() => c.jobs.lifecycle.taskDone(vm))
        .catch((err) => c.log.error({ err, set_id: vm.setId }, 'could not end finished task'));
    }
  }

  createVm(o: PlaceVm & CreateExtra): Promise<{ vm: VmRecord; version: number } | { reasons: string[] }> {
    return this.c.jobs.rounds.createVm(o);
  }
  dryRun(req: SetRequest, tenant: string): Promise<Plan> {
    return this.c.jobs.rounds.dryRun(req, tenant);
  }
  create(req: SetRequest, tenant: string): Promise<{ set: VmSet; plan: Plan }> {
    return this.c.jobs.lifecycle.create(req, tenant);
  }
  view(id: string, scope?: string): Promise<VmSet> {
    return this.c.jobs.lifecycle.view(id, scope);
  }
  plan(id: string, scope?: string): Promise<Plan> {
    return this.c.jobs.lifecycle.plan(id, scope);
  }
  startOrRetry(id: string): Promise<void> {
    return this.c.jobs.lifecycle.startOrRetry(id);
  }
  scale(id: string, count: number, scope?: string): Promise<{ set: VmSet; plan: Plan }> {
    return this.c.jobs.lifecycle.scale(id, count, scope);
  }
  retire(id: string, why: string, scope?: string): Promise<VmSet> {
    return this.c.jobs.lifecycle.retire(id, why, scope);
  }
  /** Reclassification: a new size where the VM runs (reshape.ts). */
  resizeVm(vmId: string, generation: number, to: SizeChange, x?: Extra): Promise<VmRecord> {
    return this.reshape.resize(vmId, generation, to, x);
  }
  /** Reclassification: a VM like `vm` at another size, in its set, on a host offering `features`. */
  addVmLike(vm: VmRecord, to: SizeChange, features: string[], x?: Extra): Promise<VmRecord> {
    return this.reshape.addLike(vm, to, features, x);
  }
  /** Reclassification: one VM moved to a host offering the features, maybe at a new size (qemu: with its disk). */
  moveVm(vmId: string, reason: string, x: MoveChange): Promise<{ moved: boolean; reasons: string[] }> {
    const moves = this.c.jobs.moves;
    return this.c.lock.run(async () => {
      const vm = (await this.c.store.get<VmRecord>(VMS, vmId))?.value;
      // A qemu VM keeps its disk: a cold move, re-placed where `x` says once the disk is copied.
      return vm && moves.carriesDisk(vm)
        ? moves.startExport(vmId, reason, x)
        : moves.moveOne(vmId, reason, false, '', x);
    });
  }
  /** Migration: re-places the VM with its exported (maybe converted) disk, where `x` says. */
  placeMigrated(
    vmId: string,
    reason: string,
    transferId: string,
    x: MoveChange,
  ): Promise<{ moved: boolean; reasons: string[] }> {
    return this.c.lock.run(() => this.c.jobs.moves.moveOne(vmId, reason, false, transferId, x));
  }
  /** Migration: an export given up before the re-placement; the VM runs again where it was. */
  abandonExport(vmId: string, transferId: string, why: string): Promise<boolean> {
    return this.c.lock.run(() => this.c.jobs.moves.abandon(vmId, transferId, why));
  }
  drain(hostId: string, reason: string): Promise<MoveResult> {
    return this.c.jobs.moves.drain(hostId, reason);
  }
  finishExport(transferId: string): Promise<void> {
    return this.c.jobs.moves.finishExport(transferId);
  }
  replaceFromDownHosts(): Promise<number> {
    return this.c.jobs.moves.replaceFromDownHosts();
  }
  evacuate(hostId: string): Promise<MoveResult & { waiting: number; retired: number }> {
    return this.c.jobs.waiting.evacuate(hostId);
  }
  placeWaiting(): Promise<number> {
    return this.c.jobs.waiting.placeWaiting();
  }

  /** Resolves once every decision queued before it (refusals, evacuations, releases) has run. */
  async settled(): Promise<void> {
    await this.c.lock.run(async () => {});
  }

  /** Some VM waits for a host (the sweep then looks for capacity even with no waiting set). */
  hasWaitingVms(): boolean {
    return this.c.waitingVms.size > 0;
  }

  /** Capacity freed since the last call (waiting sets retry only then). */
  private lastFreed = -1;
  freedSinceLastLook(): boolean {
    const changed = this.c.fleet.freedGen !== this.lastFreed;
    this.lastFreed = this.c.fleet.freedGen;
    return changed;
  }
}
