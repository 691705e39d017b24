// Evacuation of an ad-hoc host for its owner, and the VMs it leaves waiting on
// no host: vacated (fenced by a new generation), placed again when capacity
// frees, or retired where their set's SLA says so (fateWithoutRoom).
import { at, del, put, retryOnConflict, type Op, type Precondition } from '../../common/store/index.js';
import { VMS, VMS_BY_HOST, type VmRecord } from '../vms/registry.js';
import { place, unplace } from './place.js';
import { live, partiallyPlaced, SETS, waitsForHost, type SetRecord } from './sets.js';
import { fateWithoutRoom, type Fate } from './evacuation.js';
import { holdOf, type MoveResult, type PlannerCore } from './core.js';

export class Waiting {
  constructor(private readonly c: PlannerCore) {}

  /**
   * The owner of an ad-hoc host wants it back: every VM leaves it (HTCondor's
   * PREEMPT). Those another host can take now move there; the others are
   * vacated anyway: they wait, on no host, until capacity frees, or are
   * retired where their set's SLA says so (fateWithoutRoom).
   */
  async evacuate(hostId: string): Promise<MoveResult & { waiting: number; retired: number }> {
    const c = this.c;
    const res = await c.lock.run(async () => {
      const out = { moved: 0, unplaced: 0, reasons: [] as string[], waiting: 0, retired: 0 };
      for (const { vm } of await c.vms.onHost(hostId)) {
        if (!live(vm)) continue;
        const m = await c.jobs.moves.moveAway(hostId, vm, 'host owner evacuated it', true);
        if (m.moved) {
          out.moved++;
          continue;
        }
        out.unplaced++;
        for (const x of m.reasons) if (!out.reasons.includes(x)) out.reasons.push(x);
        const fate = await this.vacate(vm.id, m.reasons);
        if (fate?.fate === 'wait') out.waiting++;
        if (fate?.fate === 'retire') out.retired++;
      }
      return out;
    });
    await c.events.append({
      type: 'host.evacuated',
      severity: res.unplaced ? 'warning' : 'info',
      message: res.unplaced
        ? 'ad-hoc host evacuated for its owner; some vms had nowhere to go'
        : 'ad-hoc host evacuated for its owner',
      hostId,
      attributes: { moved: String(res.moved), waiting: String(res.waiting), retired: String(res.retired) },
    });
    c.log.info(
      { host_id: hostId, moved: res.moved, waiting: res.waiting, retired: res.retired },
      'ad-hoc host evacuated',
    );
    return res;
  }

  /** The facts fateWithoutRoom decides on. */
  private async fateOf(vm: VmRecord): Promise<Fate> {
    const set = vm.setId ? (await this.c.store.get<SetRecord>(SETS, vm.setId))?.value : undefined;
    const retiring = !!vm.setId && (!set || set.state === 'retiring' || set.state === 'retired');
    return fateWithoutRoom(
      { sla: holdOf(vm).sla, windowEndsUnixMs: set?.windowEndsUnixMs ?? 0, setRetiring: retiring },
      this.c.clock.now(),
    );
  }

  /**
   * Takes a VM off its host although no other host can take it (`reasons`:
   * why not): decides its fate, then either retires it or leaves it waiting on
   * no host (a new generation fences the old copy, which its host stops and
   * removes; the capacity there is released now, once). Its set says why.
   */
  async vacate(vmId: string, reasons: string[]): Promise<Fate | undefined> {
    const c = this.c;
    // Decided again on the new record when it changed meanwhile (a report).
    const d = await retryOnConflict(async () => {
      const cur = await c.store.get<VmRecord>(VMS, vmId);
      if (!cur || !live(cur.value)) return undefined;
      const vm = cur.value;
      const fate = await this.fateOf(vm);
      const why = `${fate.reason}${reasons.length ? ` (${reasons.join('; ')})` : ''}`;
      if (fate.fate === 'retire') return { vm, fate, why, next: undefined };
      const now = c.clock.now();
      const next: VmRecord = {
        ...vm,
        hostId: '',
        generation: vm.generation + 1,
        state: 'pending',
        stateReason: `unplaced: ${why}; waiting for capacity`,
        stateChangedUnixMs: now,
        confirmedUnixMs: 0,
        hostPort: 0,
        guestReady: false,
        ran: false,
        tried: [...(vm.tried ?? []), vm.hostId].slice(-16),
        exportDisk: '',
        importDisk: '',
      };
      await c.events.commit({
        ops: [put(VMS, vm.id, next), del(VMS_BY_HOST, `${vm.hostId}/${vm.id}`)],
        preconditions: [at(VMS, vm.id, cur.version)],
        events: [
          {
            type: 'vm.unplaced',
            severity: 'warning',
            message: `vm left its host for the owner and waits for capacity: ${why}`,
            hostId: vm.hostId,
            tenant: vm.tenant,
            attributes: {
              vm_id: vm.id,
              from_host: vm.hostId,
              generation: String(next.generation),
              ...(vm.setId ? { set_id: vm.setId } : {}),
            },
          },
        ],
      });
      return { vm, fate, why, next };
    });
    if (!d) return undefined;
    const { vm, fate, why, next } = d;
    if (!next) {
      await c.jobs.lifecycle.retireVms([vm.id], `evacuated: ${why}`);
      await c.events.append({
        type: 'vm.evacuation_retired',
        severity: 'warning',
        message: `vm retired: its host's owner evacuated it; ${why}`,
        hostId: vm.hostId,
        tenant: vm.tenant,
        attributes: { vm_id: vm.id, ...(vm.setId ? { set_id: vm.setId } : {}) },
      });
      if (vm.setId) await c.noteUnplaced(vm.setId, `${vm.name} retired: ${why}`);
      return fate;
    }
    c.fleet.release(holdOf(vm));
    c.waitingVms.set(vm.id, vm.setId);
    c.counts.note(next);
    if (vm.exportDisk) await c.transfers?.finish(vm.exportDisk);
    c.push(vm.hostId);
    if (vm.setId) await this.noteWaiting(vm.setId, `${vm.name}: ${why}`);
    return fate;
  }

  /** A set with VMs waiting for a host: waiting (inside its batch window) or partial, saying why. */
  private async noteWaiting(id: string, why: string): Promise<void> {
    const c = this.c;
    const set = await c.updateSet(id, (set) => {
      if (set.state === 'retiring' || set.state === 'retired' || set.state === 'scheduled') return undefined;
      const now = c.clock.now();
      const placed = c.counts.of(id).placed;
      const waiting = c.waitingIn(id).length;
      set.state = set.windowEndsUnixMs > now ? 'waiting' : 'partial';
      set.stateReason = `${placed} of ${set.count} placed; ${waiting} evacuated vm${waiting === 1 ? '' : 's'} waiting for a host`;
      set.reasons = [...set.reasons.filter((r) => r !== why), why].slice(-20);
      return partiallyPlaced(set, why, { waiting: String(waiting) });
    });
    if (set) c.onSetChange(set);
  }

  /** Applies fateWithoutRoom again to a set's waiting VMs (its window may be over now); true if one was retired. */
  async reconsiderWaiting(setId: string): Promise<boolean> {
    const c = this.c;
    let retired = false;
    for (const id of c.waitingIn(setId)) {
      const cur = await c.store.get<VmRecord>(VMS, id);
      if (!cur || !waitsForHost(cur.value)) {
        c.waitingVms.delete(id);
        continue;
      }
      const fate = await this.fateOf(cur.value);
      if (fate.fate === 'retire') {
        await this.dropWaiting(id, fate.reason);
        await c.noteUnplaced(setId, `${cur.value.name} retired: ${fate.reason}`);
        retired = true;
      }
    }
    return retired;
  }

  /** Ends a VM that waits for a host (retired, or destroyed by request): no host will report it gone, so its record and quota end here. */
  async dropWaiting(vmId: string, why: string): Promise<void> {
    const c = this.c;
    // Its desired state may already say destroyed (DestroyVm): what matters is that no host has it.
    const onNoHost = (vm: VmRecord) => vm.hostId === '' && vm.state !== 'destroyed';
    const cur0 = await c.store.get<VmRecord>(VMS, vmId);
    if (!cur0 || !onNoHost(cur0.value)) {
      c.waitingVms.delete(vmId);
      return;
    }
    const next = await c.tenants.withAdmission(cur0.value.tenant, async () => {
      const cur = await c.store.get<VmRecord>(VMS, vmId);
      if (!cur || !onNoHost(cur.value)) return undefined;
      const vm = cur.value;
      const n: VmRecord = {
        ...vm,
        desired: 'destroyed',
        state: 'destroyed',
        stateReason: `retired while waiting for a host: ${why}`,
        stateChangedUnixMs: c.clock.now(),
      };
      const ops: Op[] = [put(VMS, vm.id, n)];
      const pre: Precondition[] = [at(VMS, vm.id, cur.version)];
      const rel = await c.tenants.releaseOps(vm.tenant, vm.id);
      if (rel) {
        ops.push(...rel.ops);
        pre.push(...rel.pre);
      }
      await c.events.commit({
        ops,
        preconditions: pre,
        events: [
          {
            type: 'vm.state_changed',
            message: `vm is destroyed: ${n.stateReason}`,
            tenant: vm.tenant,
            attributes: { vm_id: vm.id, state: 'destroyed', ...(vm.setId ? { set_id: vm.setId } : {}) },
          },
        ],
      });
      return n;
    });
    c.waitingVms.delete(vmId);
    if (!next) return;
    c.counts.note(next);
    if (next.setId && c.retiring.has(next.setId)) await c.jobs.lifecycle.maybeRetired(next.setId);
  }

  /**
   * Places VMs that wait for a host, where capacity has freed (the sweep calls
   * this when it has). Any host may take one again, the one it left included
   * once its owner is idle. Returns how many were placed.
   */
  async placeWaiting(): Promise<number> {
    const c = this.c;
    if (!c.waitingVms.size) return 0;
    const changed = await c.lock.run(async () => {
      const sets = new Set<string>();
      let placed = 0;
      for (const [id, setId] of [...c.waitingVms]) {
        if (!(await this.placeOneWaiting(id))) continue;
        placed++;
        if (setId) sets.add(setId);
      }
      const out: SetRecord[] = [];
      for (const s of sets) {
        const set = await c.updateSet(s, (set) => {
          if (set.state !== 'partial' && set.state !== 'waiting') return undefined;
          const n = c.counts.of(s).placed;
          if (n < set.count || c.waitingIn(s).length) return undefined;
          set.state = 'placed';
          set.stateReason = `${n} of ${set.count} placed`;
          set.reasons = [];
          return {
            type: 'set.placed',
            message: 'vm set placed: its evacuated vms found a host',
            tenant: set.tenant,
            attributes: { set_id: s },
          };
        });
        if (set) out.push(set);
      }
      return { placed, sets: out };
    });
    for (const s of changed.sets) c.onSetChange(s);
    return changed.placed;
  }

  private placeOneWaiting(vmId: string): Promise<boolean> {
    const c = this.c;
    return retryOnConflict(async () => {
      const cur = await c.store.get<VmRecord>(VMS, vmId);
      if (!cur || !waitsForHost(cur.value)) {
        c.waitingVms.delete(vmId);
        return false;
      }
      const vm = cur.value;
      const fate = await this.fateOf(vm);
      if (fate.fate === 'retire') {
        await this.dropWaiting(vm.id, fate.reason);
        if (vm.setId) await c.noteUnplaced(vm.setId, `${vm.name} retired: ${fate.reason}`);
        return false;
      }
      const req = { ...(await c.requestFor(vm)), exclude: undefined };
      c.refreshLoad();
      const res = place(c.fleet, req, 1, c.opts);
      const to = res.placements[0];
      if (!to) return false;
      const now = c.clock.now();
      const next: VmRecord = {
        ...vm,
        hostId: to.hostId,
        state: 'pending',
        stateReason: 'placed: capacity freed after it was evacuated',
        stateChangedUnixMs: now,
        placedUnixMs: now,
        confirmedUnixMs: 0,
        placementAttempts: vm.placementAttempts + 1,
      };
      try {
        await c.events.commit({
          ops: [put(VMS, vm.id, next), put(VMS_BY_HOST, `${to.hostId}/${vm.id}`, 1)],
          preconditions: [at(VMS, vm.id, cur.version)],
          events: [
            {
              type: 'vm.placed',
              message: 'vm placed: capacity freed after it was evacuated',
              hostId: to.hostId,
              tenant: vm.tenant,
              attributes: {
                vm_id: vm.id,
                to_host: to.hostId,
                generation: String(next.generation),
                ...(vm.setId ? { set_id: vm.setId } : {}),
              },
            },
          ],
        });
      } catch (e) {
        unplace(c.fleet, req, res.placements);
        throw e;
      }
      c.waitingVms.delete(vm.id);
      c.counts.note(next);
      c.push(to.hostId);
      return true;
    });
  }
}
