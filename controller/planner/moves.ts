// Moves: one VM re-placed on another host with a bumped generation (which
// fences the old copy), cold moves that carry a qemu VM's disk over, and the
// whole-host moves of a drain and of a host that stayed down.
import { ulid } from '../../common/ids.js';
import { at, del, put, retryOnConflict } from '../../common/store/index.js';
import { VMS, VMS_BY_HOST, type VmRecord } from '../vms/registry.js';
import { place, unplace, type PlacementRequest } from './place.js';
import { holds, live } from './sets.js';
import { holdOf, type MoveResult, type PlannerCore } from './core.js';
import { demandOf, sized, type Extra, type SizeChange } from './reshape.js';

/** Reclassification's move: to a host offering `features`, optionally at a new size (quota changed in the same batch). */
export interface MoveChange extends Extra {
  features?: string[];
  size?: SizeChange;
  /** The VM must still be at this generation. */
  generation?: number;
  /** Migration: only this host may take it (even one it ran on before). */
  hostId?: string;
  /** Migration: its scheme there (spec.scheme changes in the same batch as its placement). */
  scheme?: string;
  /** Migration id: kept on the record (VmRecord.migration) until the migration ends. */
  migration?: string;
  /** A rollback: the desired state it runs in again (its copy on the target may have been stopped first). */
  desired?: VmRecord['desired'];
}

/** Schemes whose VMs have a disk that a cold move carries over. */
export const DISK_SCHEMES: readonly string[] = ['qemu', 'libvirt'];

/** A migration's choice of where the VM may go: never where it is; only the named host when one is. */
function aim(req: PlacementRequest, vm: VmRecord, x: MoveChange, hosts: Iterable<string>): void {
  if (x.hostId) req.exclude = new Set([...hosts].filter((h) => h !== x.hostId));
  // Hosts tried before are avoided after refusals; an operator's migration may go back to one.
  else if (x.migration) req.exclude = new Set([vm.hostId]);
}

/** The VM as it will be where it goes: its new size and scheme. */
function changed(vm: VmRecord, x: MoveChange): VmRecord {
  const to = x.size ? sized(vm, x.size) : vm;
  return x.scheme && x.scheme !== to.spec.scheme ? { ...to, spec: { ...to.spec, scheme: x.scheme } } : to;
}

type Moved = { moved: boolean; reasons: string[] };

export class Moves {
  constructor(private readonly c: PlannerCore) {}

  /**
   * Moves one VM to another host: new host, generation + 1 (the old host's copy
   * is now stale and is stopped when that host hears its desired state). With
   * `countAttempt`, a VM that has used up its attempts stays failed.
   */
  moveOne(vmId: string, reason: string, countAttempt: boolean, importDisk = '', x: MoveChange = {}): Promise<Moved> {
    const c = this.c;
    return retryOnConflict(async () => {
      const cur = await c.store.get<VmRecord>(VMS, vmId);
      if (!cur || !holds(cur.value) || cur.value.desired === 'destroyed') return { moved: false, reasons: [] };
      const vm = cur.value;
      if (x.generation !== undefined && vm.generation !== x.generation)
        return { moved: false, reasons: ['the vm changed (moved or re-placed)'] };
      const to = changed(vm, x);
      // Quota first: a refusal (RESOURCE_EXHAUSTED naming the quota) holds nothing.
      const adm = x.size ? await c.tenants.prepareResize(vm.tenant, vm.id, demandOf(to.spec!)) : undefined;
      if (countAttempt && vm.placementAttempts >= c.opts.maxAttempts) {
        c.log.warn(
          { vm_id: vm.id, set_id: vm.setId, attempts: vm.placementAttempts },
          'vm not re-placed: attempts used up',
        );
        return { moved: false, reasons: [`attempts used up (${vm.placementAttempts})`] };
      }
      const base = await c.requestFor(to);
      if (x.features?.length) base.features = x.features;
      if (x.size || x.features) base.exclude = new Set([vm.hostId]); // a reclassification may go back where it once was
      aim(base, vm, x, c.fleet.slots.keys());
      c.refreshLoad();
      // The VM's own hold on its old host does not count against affinity rules elsewhere.
      const res = place(c.fleet, base, 1, c.opts);
      const dest = res.placements[0];
      if (!dest) return { moved: false, reasons: res.reasons };
      if (x.dryRun) {
        unplace(c.fleet, base, res.placements);
        return { moved: true, reasons: [] };
      }
      const now = c.clock.now();
      const next: VmRecord = {
        ...to,
        moveChange: undefined,
        hostId: dest.hostId,
        desired: x.desired ?? to.desired,
        generation: vm.generation + 1,
        state: 'pending',
        stateReason: `re-placed: ${reason}`,
        stateChangedUnixMs: now,
        placedUnixMs: now,
        confirmedUnixMs: 0,
        placementAttempts: vm.placementAttempts + 1,
        hostPort: 0,
        guestReady: false,
        ran: false,
        tried: [...(vm.tried ?? []), vm.hostId].slice(-16),
        exportDisk: '',
        importDisk,
        migration: x.migration ? { id: x.migration, transfer: importDisk } : undefined,
      };
      try {
        await c.events.commit({
          ops: [
            put(VMS, vm.id, next),
            del(VMS_BY_HOST, `${vm.hostId}/${vm.id}`),
            put(VMS_BY_HOST, `${dest.hostId}/${vm.id}`, 1),
            ...(adm?.ops ?? []),
            ...(x.ops ?? []),
          ],
          preconditions: [at(VMS, vm.id, cur.version), ...(adm?.pre ?? []), ...(x.pre ?? [])],
          events: [
            ...(x.events ?? []),
            {
              type: 'vm.replaced',
              severity: 'warning',
              message: `vm re-placed: ${reason}`,
              hostId: dest.hostId,
              tenant: vm.tenant,
              attributes: {
                vm_id: vm.id,
                from_host: vm.hostId,
                to_host: dest.hostId,
                generation: String(next.generation),
                ...(vm.setId ? { set_id: vm.setId } : {}),
              },
            },
          ],
        });
      } catch (e) {
        unplace(c.fleet, base, res.placements);
        throw e;
      }
      c.fleet.release(holdOf(vm));
      c.counts.note(next);
      if (vm.exportDisk && vm.exportDisk !== importDisk) await c.transfers?.finish(vm.exportDisk); // an export overtaken by a fresh re-placement
      c.push(vm.hostId);
      c.push(dest.hostId);
      return { moved: true, reasons: [] };
    });
  }

  /**
   * Cold move, source side: the VM's host stops it and uploads its disk; when
   * the upload is complete (finishExport) the VM is re-placed with that disk.
   * Only started when another host could take the VM now.
   */
  startExport(vmId: string, reason: string, x: MoveChange = {}): Promise<Moved> {
    const c = this.c;
    return retryOnConflict(async () => {
      const cur = await c.store.get<VmRecord>(VMS, vmId);
      if (!cur || !c.transfers) return { moved: false, reasons: [] };
      const vm = cur.value;
      if (x.generation !== undefined && vm.generation !== x.generation)
        return { moved: false, reasons: ['the vm changed (moved or re-placed)'] };
      if (vm.exportDisk) return { moved: !x.dryRun, reasons: x.dryRun ? ['a move is under way'] : [] }; // already under way
      const to = changed(vm, x);
      if (x.size) await c.tenants.prepareResize(vm.tenant, vm.id, demandOf(to.spec!)); // the quota, checked early
      const probe = await c.requestFor(to);
      if (x.features?.length) probe.features = x.features;
      if (x.size || x.features) probe.exclude = new Set([vm.hostId]);
      aim(probe, vm, x, c.fleet.slots.keys());
      const res = place(c.fleet, probe, 1, c.opts);
      unplace(c.fleet, probe, res.placements); // only asking whether it fits somewhere
      if (!res.placements.length) return { moved: false, reasons: res.reasons };
      if (x.dryRun) return { moved: true, reasons: [] };
      const id = ulid(c.clock.now());
      // Where it must go is kept on the record: finishExport re-places it there once the disk is copied.
      const moveChange =
        x.size || x.features || x.migration
          ? { features: x.features ?? [], size: x.size, hostId: x.hostId, scheme: x.scheme, migration: x.migration }
          : undefined;
      await c.events.commit({
        ops: [
          put(VMS, vm.id, { ...vm, exportDisk: id, moveChange, stateReason: `moving (${reason}): exporting its disk` }),
          ...c.transfers.beginOps(id, vm),
          ...(x.ops ?? []),
        ],
        preconditions: [at(VMS, vm.id, cur.version), ...(x.pre ?? [])],
        events: [
          ...(x.events ?? []),
          {
            type: 'vm.move_started',
            message: `cold move started: ${reason}`,
            hostId: vm.hostId,
            tenant: vm.tenant,
            attributes: { vm_id: vm.id, transfer_id: id, ...(vm.setId ? { set_id: vm.setId } : {}) },
          },
        ],
      });
      c.push(vm.hostId);
      return { moved: true, reasons: [] };
    });
  }

  /** Cold move, after the upload: re-place the VM with its disk (or let it run where it was when nothing fits now). */
  async finishExport(transferId: string): Promise<void> {
    const c = this.c;
    await c.lock.run(async () => {
      const t = await c.transfers?.get(transferId);
      if (!t || t.purpose === 'export') return; // an ExportVm call takes it from here
      const cur = await c.store.get<VmRecord>(VMS, t.vmId);
      if (!cur || cur.value.exportDisk !== transferId) return;
      const mc = cur.value.moveChange;
      if (mc?.migration) return; // the migration re-places it itself (its disk may be converted first)
      const m = await this.moveOne(t.vmId, 'cold move: disk copied', false, transferId, mc ?? {}).catch(
        (e: Error) => ({ moved: false, reasons: [e.message] }), // e.g. the quota no longer admits its new size
      );
      if (m.moved) return;
      const vm = cur.value;
      if (c.evacuating.has(vm.hostId)) {
        // The owner wants the machine back: the VM leaves it even with nowhere to go now.
        await c.transfers?.finish(transferId);
        await c.jobs.waiting.vacate(vm.id, m.reasons);
        return;
      }
      await this.abandon(vm.id, transferId, 'no host can take it now', m.reasons.join('; ') || 'no host');
    });
  }

  /** A cold move given up before the VM was re-placed: it runs again where it was, with its own disk. */
  async abandon(vmId: string, transferId: string, why: string, detail = why): Promise<boolean> {
    const c = this.c;
    const done = await retryOnConflict(async () => {
      const cur = await c.store.get<VmRecord>(VMS, vmId);
      if (!cur || cur.value.exportDisk !== transferId) return false;
      const vm = cur.value;
      await c.events.commit({
        ops: [put(VMS, vm.id, { ...vm, exportDisk: '', moveChange: undefined, stateReason: `move abandoned: ${why}` })],
        preconditions: [at(VMS, vm.id, cur.version)],
        events: [
          {
            type: 'vm.move_failed',
            severity: 'warning',
            message: `cold move abandoned: ${detail}`,
            hostId: vm.hostId,
            tenant: vm.tenant,
            attributes: { vm_id: vm.id },
          },
        ],
      });
      c.push(vm.hostId);
      return true;
    });
    await c.transfers?.finish(transferId);
    return done;
  }

  /** Moves one VM off `hostId`: a reachable host hands over a qemu VM's disk (cold move); a process VM, or any VM of a host that is gone, starts afresh elsewhere. */
  moveAway(hostId: string, vm: VmRecord, reason: string, cold: boolean): Promise<Moved> {
    return cold && this.carriesDisk(vm, hostId) ? this.startExport(vm.id, reason) : this.moveOne(vm.id, reason, false);
  }

  /** A qemu VM on a reachable host hands its disk over (cold move); anything else starts afresh elsewhere. */
  carriesDisk(vm: VmRecord, hostId = vm.hostId): boolean {
    const c = this.c;
    return (
      DISK_SCHEMES.includes(vm.spec!.scheme) && !!c.transfers && !!c.fleet.slot(hostId)?.ready && vm.state !== 'failed'
    );
  }

  private async moveAll(
    hostId: string,
    reason: string,
    filter: (vm: VmRecord) => boolean,
    cold = false,
  ): Promise<MoveResult> {
    const out: MoveResult = { moved: 0, unplaced: 0, reasons: [] };
    for (const { vm } of await this.c.vms.onHost(hostId)) {
      if (!live(vm) || !filter(vm)) continue;
      const m = await this.moveAway(hostId, vm, reason, cold);
      if (m.moved) out.moved++;
      else {
        out.unplaced++;
        for (const x of m.reasons) if (!out.reasons.includes(x)) out.reasons.push(x);
      }
    }
    return out;
  }

  /** Cordons a host and moves its VMs away. */
  async drain(hostId: string, reason: string): Promise<MoveResult> {
    const c = this.c;
    await c.hosts.cordon(hostId, true, reason || 'drained');
    const res = await c.lock.run(() => this.moveAll(hostId, 'host drained', () => true, true));
    await c.events.append({
      type: 'host.drained',
      severity: res.unplaced ? 'warning' : 'info',
      message: res.unplaced ? 'host drained; some vms could not be moved' : 'host drained',
      hostId,
      attributes: { moved: String(res.moved), unplaced: String(res.unplaced) },
    });
    return res;
  }

  /** Re-places the guaranteed VMs of hosts that have been down for longer than the grace. */
  async replaceFromDownHosts(): Promise<number> {
    const c = this.c;
    const now = c.clock.now();
    let moved = 0;
    for (const [hostId, since] of c.downSince) {
      if (now - since < c.opts.replaceAfterMs) continue;
      const res = await c.lock.run(() => this.moveAll(hostId, 'host is down', (vm) => vm.sla === 'guaranteed'));
      moved += res.moved;
      if (res.moved)
        c.log.warn({ host_id: hostId, moved: res.moved, unplaced: res.unplaced }, 'vms of a down host re-placed');
    }
    return moved;
  }
}
