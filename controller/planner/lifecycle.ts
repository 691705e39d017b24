// A set's life: created (placed now or scheduled), started or retried by the
// scheduler, scaled, retired VM by VM until the last one is destroyed; and the
// views of it (GetVmSet from in-memory counts, GetPlan).
import type { Plan__Output as Plan } from '../../common/gen/nephele/v1/Plan.js';
import { setToProto } from '../../common/grpc/convert.js';
import type { VmSet__Output as VmSet } from '../../common/gen/nephele/v1/VmSet.js';
import { FailedPreconditionError } from '../../common/errors.js';
import { absent, at, put, retryOnConflict, type Op, type Precondition } from '../../common/store/index.js';
import type { NewEvent } from '../events/log.js';
import { VMS, type VmRecord } from '../vms/registry.js';
import type { SetRequest } from './request.js';
import {
  aggregate,
  getSet,
  live,
  partiallyPlaced,
  planRow,
  SETS,
  SETS_BY_TENANT,
  vmsOfSet,
  waitsForHost,
  type SetRecord,
} from './sets.js';
import type { PlannerCore } from './core.js';
import { setIndexOps } from './rounds.js';
import type { Round } from './rounds.js';
import { replacesFailed, setReason, shortfall } from './status.js';

const CHUNK = 500;
const MAX_ROWS_IN_ANSWER = 1000;

export class SetLifecycle {
  constructor(private readonly c: PlannerCore) {}

  /** Creates a set: stores it and, unless it starts later, places it in the same batch. */
  async create(req: SetRequest, tenant: string): Promise<{ set: VmSet; plan: Plan }> {
    const c = this.c;
    const { set, round } = await c.lock.run(async (): Promise<{ set: SetRecord; round?: Round }> => {
      const now = c.clock.now();
      const s = c.jobs.rounds.newSet(req, tenant, now);
      const created: NewEvent = {
        type: 'set.created',
        message: 'vm set created',
        tenant,
        attributes: { set_id: s.id, count: String(req.count), sla: req.sla },
      };
      if (s.state === 'scheduled') {
        await c.events.commit({
          ops: [put(SETS, s.id, s), put(SETS_BY_TENANT, `${tenant}/${s.id}`, 1), ...setIndexOps(s)],
          preconditions: [absent(SETS, s.id)],
          events: [
            { ...created, attributes: { ...created.attributes, start_at: new Date(req.startAtUnixMs).toISOString() } },
          ],
          ref: s.id,
        });
        return { set: s, round: undefined };
      }
      return { set: s, round: await c.jobs.rounds.placeRound(s, 0, req.count, [created], true) };
    });
    c.onSetChange(set);
    // Answered from what was just written (a set of 10,000 is not read back).
    const { version } = await getSet(c.store, set.id);
    const rows = (round?.vms ?? []).map((vm) => planRow(vm, c.hostName(vm.hostId)));
    const plan = aggregate(set.id, rows, round?.unplaced ?? 0, set.reasons, round?.considered ?? 0);
    // The per-host totals always; the rows of a big set are GetPlan's (a 10,000-row answer is megabytes).
    if (plan.rows.length > MAX_ROWS_IN_ANSWER) plan.rows = [];
    return { set: this.viewOf(set, version), plan };
  }

  async view(id: string, scope?: string): Promise<VmSet> {
    const { set, version } = await getSet(this.c.store, id, scope);
    return this.viewOf(set, version);
  }

  /** A set with its counts, kept in memory as its VMs change (GetVmSet is polled; a set may hold 10,000 VMs), and the reason they make. */
  private viewOf(set: SetRecord, version: number): VmSet {
    const c = this.c;
    const counts = c.counts.of(set.id);
    const stateReason = setReason(set, counts, c.waitingIn(set.id).length, c.opts.maxAttempts);
    return setToProto({ ...set, stateReason }, version, counts);
  }

  /** The resource aggregation table of a set. */
  async plan(id: string, scope?: string): Promise<Plan> {
    const c = this.c;
    const { set } = await getSet(c.store, id, scope);
    const vms = await vmsOfSet(c.store, id);
    const rows = vms.map(({ vm }) => planRow(vm, c.hostName(vm.hostId)));
    const open = set.state !== 'retiring' && set.state !== 'retired' && set.state !== 'scheduled';
    // Finished tasks are not missing; VMs waiting for a host are (they show as unplaced rows).
    const unplaced = open ? shortfall(set.count, c.counts.of(id), 0) : 0;
    return aggregate(id, rows, unplaced, set.reasons, 0);
  }

  /** Starts a scheduled set, or retries a waiting one. Called by the scheduler. */
  async startOrRetry(id: string): Promise<void> {
    const c = this.c;
    const changed = await c.lock.run(async () => {
      const { set, version } = await getSet(c.store, id);
      const now = c.clock.now();
      if (set.state === 'scheduled') {
        if (set.request.startAtUnixMs > now) return undefined;
        await c.jobs.rounds.placeRound(
          set,
          version,
          set.count,
          [
            {
              type: 'set.started',
              message: 'scheduled vm set started',
              tenant: set.tenant,
              attributes: { set_id: id },
            },
          ],
          false,
        );
        return set;
      }
      if (set.state === 'waiting' || set.state === 'partial' || set.state === 'placed') {
        // Counted in memory: the sweep retries waiting sets often, and a set may hold 10,000 VMs.
        // Evacuated VMs waiting for a host are still the set's: they are placed themselves, not replaced.
        const want = shortfall(set.count, c.counts.of(id), c.waitingIn(id).length);
        // Its batch window may be over: evacuated best-effort VMs that waited are retired, and their places stay empty.
        if (await c.jobs.waiting.reconsiderWaiting(id)) return (await getSet(c.store, id)).set;
        if (want <= 0) {
          // Only evacuated VMs that keep waiting (placeWaiting) are missing: once the window is over the set stops its own tries.
          if (set.state === 'waiting' && set.windowEndsUnixMs <= now) {
            return c.updateSet(id, (s) => {
              if (s.state !== 'waiting') return undefined;
              s.state = 'partial';
              s.stateReason = `${c.counts.of(id).placed} of ${s.count} placed; the batch window is over, evacuated vms still wait for a host`;
              return partiallyPlaced(s, 'its batch window is over');
            });
          }
          return undefined; // nothing to place (a partial set's failed VMs still hold their host)
        }
        if (set.state === 'partial' && set.windowEndsUnixMs !== 0) return undefined; // its batch window is over: no more tries
        await c.jobs.rounds.placeRound(set, version, Math.max(0, want), [], false);
        return set;
      }
      return undefined;
    });
    if (changed) c.onSetChange(changed);
  }

  /** Sets the size of a set: places more, or retires the newest VMs. */
  async scale(id: string, count: number, scope?: string): Promise<{ set: VmSet; plan: Plan }> {
    const c = this.c;
    const changed = await c.lock.run(async () => {
      const { set, version } = await getSet(c.store, id, scope);
      if (set.state === 'retiring' || set.state === 'retired') throw new FailedPreconditionError(`set is ${set.state}`);
      const current = (await vmsOfSet(c.store, id)).filter(({ vm }) => live(vm) || waitsForHost(vm));
      const ev: NewEvent = {
        type: 'set.scaled',
        message: 'vm set scaled',
        tenant: set.tenant,
        attributes: { set_id: id, from: String(set.count), to: String(count) },
      };
      set.count = count;
      if (set.state === 'scheduled') {
        set.request = { ...set.request, count };
        await c.events.commit({
          ops: [put(SETS, id, set)],
          preconditions: [at(SETS, id, version)],
          events: [ev],
          ref: id,
        });
        return set;
      }
      if (count >= current.length) {
        await c.jobs.rounds.placeRound(set, version, count - current.length, [ev], false);
        return set;
      }
      // Retire VMs waiting for a host first, then the newest: the oldest have been confirmed the longest.
      // A management instance is never scaled away (it returns to the set when its management ends).
      const victims = current
        .filter(({ vm }) => !vm.managed)
        .sort((a, b) => Number(waitsForHost(b.vm)) - Number(waitsForHost(a.vm)) || (a.vm.id < b.vm.id ? 1 : -1))
        .slice(0, current.length - count);
      c.jobs.rounds.settle(set, count, [], c.clock.now());
      await c.events.commit({
        ops: [put(SETS, id, set)],
        preconditions: [at(SETS, id, version)],
        events: [ev],
        ref: id,
      });
      await this.retireVms(
        victims.map((v) => v.vm.id),
        'scaled down',
      );
      return set;
    });
    c.onSetChange(changed);
    return { set: await this.view(id), plan: await this.plan(id) };
  }

  /** Retires every VM of a set; the set is retired when the last one is destroyed. */
  async retire(id: string, why: string, scope?: string): Promise<VmSet> {
    const c = this.c;
    const changed = await c.lock.run(async () => {
      const { set, version } = await getSet(c.store, id, scope);
      if (set.state === 'retired') return undefined;
      const vms = await vmsOfSet(c.store, id);
      if (set.state !== 'retiring') {
        set.state = 'retiring';
        set.stateReason = why;
        await c.events.commit({
          ops: [put(SETS, id, set)],
          preconditions: [at(SETS, id, version)],
          events: [
            {
              type: 'set.retiring',
              message: `vm set retiring: ${why}`,
              tenant: set.tenant,
              attributes: { set_id: id, vms: String(vms.length) },
            },
          ],
          ref: id,
        });
      }
      c.retiring.add(id);
      await this.retireVms(
        vms.filter(({ vm }) => vm.desired !== 'destroyed' && vm.state !== 'destroyed').map(({ vm }) => vm.id),
        why,
      );
      await this.maybeRetired(id);
      return set;
    });
    if (changed) c.onSetChange(changed);
    return this.view(id, scope);
  }

  /** Asks the VMs' hosts to destroy them, in chunks (each an atomic batch fenced on the VMs' versions). */
  async retireVms(ids: string[], why: string): Promise<void> {
    const c = this.c;
    // A VM waiting for a host has no host to destroy it: it ends here.
    for (const id of ids.filter((x) => c.waitingVms.has(x))) await c.jobs.waiting.dropWaiting(id, why);
    ids = ids.filter((x) => !c.waitingVms.has(x));
    const touched = new Set<string>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      await retryOnConflict(async () => {
        const rs = await c.store.getMany<VmRecord>(VMS, chunk);
        const ops: Op[] = [];
        const pre: Precondition[] = [];
        const next: VmRecord[] = [];
        const hosts: string[] = [];
        rs.forEach((r) => {
          if (!r || r.value.desired === 'destroyed') return;
          const n: VmRecord = {
            ...r.value,
            desired: 'destroyed',
            stateReason: r.value.state === 'destroyed' ? r.value.stateReason : `retiring: ${why}`,
          };
          next.push(n);
          ops.push(put(VMS, r.value.id, n));
          pre.push(at(VMS, r.value.id, r.version));
          hosts.push(r.value.hostId);
        });
        if (!ops.length) return;
        await c.events.commit({ ops, preconditions: pre });
        for (const h of hosts) touched.add(h);
        for (const n of next) c.counts.note(n);
      });
    }
    for (const h of touched) if (h) c.push(h);
  }

  /** A retiring set whose VMs are all gone is retired. */
  async maybeRetired(id: string): Promise<void> {
    const c = this.c;
    if (!c.retiring.has(id) || (c.fleet.setHolds.get(id) ?? 0) > 0) return;
    const set = await c.updateSet(id, (s) => {
      if (s.state !== 'retiring') return undefined;
      s.state = 'retired';
      s.retiredUnixMs = c.clock.now();
      return {
        type: 'set.retired',
        message: 'vm set retired',
        tenant: s.tenant,
        attributes: { set_id: id, reason: s.stateReason },
      };
    });
    if (!set) return;
    c.retiring.delete(id);
    c.counts.drop(id);
    c.onSetChange(set);
  }

  /**
   * A guaranteed set places fresh members for those it lost (destroyed by hand,
   * failed and retired): as many as it is short of. A set scaled down wants
   * fewer, so its retired members leave no shortfall and nothing is placed.
   */
  async replaceLost(id: string, why: string): Promise<void> {
    const c = this.c;
    const changed = await c.lock.run(async () => {
      const { set, version } = await getSet(c.store, id);
      if (set.request.sla !== 'guaranteed' || (set.state !== 'placed' && set.state !== 'partial')) return undefined;
      const want = shortfall(set.count, c.counts.of(id), c.waitingIn(id).length);
      if (want <= 0) return undefined;
      const ev: NewEvent = {
        type: 'set.replacing',
        severity: 'warning',
        message: `vm set replacing lost vms: ${why}`,
        tenant: set.tenant,
        attributes: { set_id: id, vms: String(want) },
      };
      await c.jobs.rounds.placeRound(set, version, want, [ev], false);
      return set;
    });
    if (changed) c.onSetChange(changed);
  }

  /**
   * A member of a guaranteed set failed after it ran: it is retired and a fresh
   * one takes its place, counted against the set's budget (in the same batch),
   * so a VM that fails every time is not replaced for ever.
   */
  async replaceFailed(vmId: string, setId: string): Promise<void> {
    const c = this.c;
    const retired = await c.lock.run(() =>
      retryOnConflict(async () => {
        const cur = await c.store.get<VmRecord>(VMS, vmId);
        const vm = cur?.value;
        if (!cur || !vm || vm.state !== 'failed' || vm.desired === 'destroyed' || !live(vm) || vm.managed)
          return undefined;
        const { set, version } = await getSet(c.store, setId);
        if (!replacesFailed(set, c.opts.maxAttempts)) return undefined;
        set.failedReplaced = (set.failedReplaced ?? 0) + 1;
        const next: VmRecord = {
          ...vm,
          desired: 'destroyed',
          stateReason: `retiring: failed, replaced (${vm.stateReason})`,
        };
        await c.events.commit({
          ops: [put(SETS, setId, set), put(VMS, vmId, next)],
          preconditions: [at(SETS, setId, version), at(VMS, vmId, cur.version)],
          events: [
            {
              type: 'set.vm_failed',
              severity: 'warning',
              message: `a vm of the set failed and is replaced: ${vm.stateReason || 'no reason given'}`,
              hostId: vm.hostId,
              tenant: set.tenant,
              attributes: { set_id: setId, vm_id: vmId, replaced: String(set.failedReplaced) },
            },
          ],
          ref: setId,
        });
        c.counts.note(next);
        c.push(vm.hostId);
        return next;
      }),
    );
    if (retired) await this.replaceLost(setId, `${retired.name} failed`);
  }

  /** A task of an end-on-task set finished: its VM is retired, and the set with its last one. */
  async taskDone(vm: VmRecord): Promise<void> {
    const c = this.c;
    const { set } = await getSet(c.store, vm.setId);
    if (!set.request.endOnTask) return;
    await this.retireVms([vm.id], 'task done');
    const rest = (await vmsOfSet(c.store, set.id)).filter(({ vm: v }) => v.desired !== 'destroyed');
    if (rest.length === 0) {
      c.retiring.add(set.id);
      await c.markRetiring(set.id, 'every task is done');
      await this.maybeRetired(set.id);
    }
  }
}
