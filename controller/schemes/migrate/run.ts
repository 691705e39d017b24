// Carries out one cold migration, decided step by step in decide.ts: the source
// stops and hands its disk over (the drain's cold move: startExport), the disk is
// converted when the schemes' formats differ, the VM is re-placed on the target
// (host and scheme in one batch, generation + 1 fences the source's copy), and
// must come up healthy there; any failure rolls back to the source running.
import { FailedPreconditionError } from '../../../common/errors.js';
import { ulid } from '../../../common/ids.js';
import { at, KeyedMutex, put, retryOnConflict } from '../../../common/store/index.js';
import type { VmRecord } from '../../model/vm.js';
import type { MoveChange } from '../../planner/moves.js';
import { lifecycleEvent, VMS } from '../../vms/registry.js';
import type { SchemeDeps } from '../deps.js';
import {
  exportVerdict,
  planMigration,
  stopVerdict,
  verdict,
  type Landing,
  type MigrationPlan,
  type Verdict,
} from './decide.js';

/** Converts a disk file in place from one image format to another (controller/schemes/disk's convertDisk). */
export type ConvertDisk = (path: string, from: string, to: string) => Promise<void>;

export type MigrateDeps = Pick<SchemeDeps, 'store' | 'clock' | 'log' | 'events' | 'planner' | 'vms' | 'transfers'> & {
  /** Tells a host its desired state now (the target's copy stopped before a rollback). */
  sessions: Pick<SchemeDeps['sessions'], 'pushDesired'>;
  convertDisk: ConvertDisk;
  /** How long the source may take to hand its disk over. */
  exportMs?: number;
  /** How long the VM may take to come up healthy where it went (and, on a rollback, back where it was). */
  verifyMs?: number;
};

export const EXPORT_MS = 10 * 60_000;
export const VERIFY_MS = 3 * 60_000;
const POLL_MS = 100;
/** How long the target gets to stop its copy before a rollback goes ahead regardless (the generation fences it). */
const STOP_MS = 30_000;

export interface Migrated {
  vm: VmRecord;
  version: number;
  fromScheme: string;
  fromHost: string;
  diskConverted: boolean;
  seconds: number;
}

export class Migrations {
  /** One migration per VM at a time. */
  private readonly locks = new KeyedMutex();

  constructor(private readonly d: MigrateDeps) {}

  get deadlineMs(): number {
    return (this.d.exportMs ?? EXPORT_MS) + 2 * (this.d.verifyMs ?? VERIFY_MS) + 60_000;
  }

  /**
   * At start: migrations the controller was carrying out when it stopped are ended.
   * One still exporting is given up (the VM runs where it was, with its own disk); one
   * already re-placed is left where it went, an ordinary VM again (refusals re-placed as
   * usual, its moved disk dropped once it runs there).
   */
  async recover(): Promise<number> {
    const d = this.d;
    const open: VmRecord[] = [];
    for await (const { value: vm } of d.store.scan<VmRecord>(VMS))
      if (vm.migration || vm.moveChange?.migration) open.push(vm);
    for (const vm of open) {
      if (vm.exportDisk && vm.moveChange?.migration)
        await d.planner.abandonExport(vm.id, vm.exportDisk, 'the controller restarted during its migration');
      if (!vm.migration) continue;
      const { transfer } = vm.migration;
      await this.settle(vm.id, vm.migration.id, 'vm.migrate_finished', 'migration ended by a controller restart', {
        outcome: 'interrupted: the vm stays where it went',
      });
      if (transfer && vm.importDisk !== transfer) await d.transfers.finish(transfer);
      d.log.warn({ vm_id: vm.id, host_id: vm.hostId }, 'migration ended by a controller restart');
    }
    return open.length;
  }

  /** Migrates the VM to `toScheme` ("" = its own) on `hostId` ("" = the planner chooses). */
  migrate(vmId: string, scope: string | undefined, toScheme: string, hostId: string): Promise<Migrated> {
    return this.locks.run(vmId, () => this.run(vmId, scope, toScheme, hostId));
  }

  private async run(vmId: string, scope: string | undefined, toScheme: string, hostId: string): Promise<Migrated> {
    const d = this.d;
    const started = d.clock.now();
    const { vm } = await d.vms.get(vmId, scope);
    const slot = hostId ? d.planner.fleet.slot(hostId) : undefined;
    const plan = planMigration(vm, toScheme || vm.spec.scheme, hostId, slot, !!d.planner.fleet.slot(vm.hostId)?.ready);
    const id = ulid(started);
    const x: MoveChange = { scheme: plan.toScheme, migration: id, generation: vm.generation };
    if (hostId) x.hostId = hostId;
    const reason = plan.fromScheme === plan.toScheme ? 'migrated' : `migrated to ${plan.toScheme}`;
    const probe = await d.planner.moveVm(vm.id, reason, { ...x, dryRun: true });
    if (!probe.moved) throw new FailedPreconditionError(`no host can take it: ${probe.reasons.join('; ') || 'none'}`);
    // The call's request_id names this vm from here on (a retried call answers with it, not a second migration).
    await d.events.commit({
      ref: vm.id,
      events: [
        this.newEvent(vm, 'vm.migrate_started', `migration started (${plan.fromScheme} to ${plan.toScheme})`, {
          migration_id: id,
          to_scheme: plan.toScheme,
          ...(hostId ? { to_host: hostId } : {}),
        }),
      ],
    });
    d.log.info({ vm_id: vm.id, migration_id: id, to_scheme: plan.toScheme, to_host: hostId }, 'migration started');

    let transfer = '';
    let converted = false;
    if (plan.carriesDisk) {
      const before = await this.handOver(vm, plan, x, reason);
      transfer = before.transfer;
      converted = before.converted;
    } else {
      const m = await d.planner.moveVm(vm.id, reason, x);
      if (!m.moved) throw new FailedPreconditionError(`not moved: ${m.reasons.join('; ') || 'no host'}`);
    }
    const now = await this.get(vm.id);
    if (now?.migration?.id !== id) throw new FailedPreconditionError('the vm was moved by someone else meanwhile');
    const landing = {
      hostId: now.hostId,
      generation: now.generation,
      scheme: plan.toScheme,
      deadlineUnixMs: d.clock.now() + (d.verifyMs ?? VERIFY_MS),
    };
    const v = await this.until(async () =>
      verdict(await this.get(vm.id), landing, !!d.planner.fleet.slot(landing.hostId)?.ready, d.clock.now()),
    );
    if (v.kind === 'failed') {
      await this.rollBack(vm, plan, id, transfer, landing, v.reason);
      throw new FailedPreconditionError(`migration rolled back: ${v.reason}`);
    }
    const done = await this.settle(vm.id, id, 'vm.migrate_finished', 'migration finished', {
      from_host: plan.fromHost,
      to_host: landing.hostId,
      from_scheme: plan.fromScheme,
      to_scheme: plan.toScheme,
      disk_converted: String(converted),
    });
    if (transfer) await d.transfers.finish(transfer);
    const seconds = (d.clock.now() - started) / 1000;
    d.log.info({ vm_id: vm.id, migration_id: id, host_id: landing.hostId, seconds }, 'migration finished');
    return { ...done, fromScheme: plan.fromScheme, fromHost: plan.fromHost, diskConverted: converted, seconds };
  }

  /**
   * Source side: the source stops the VM and uploads its disk, which is converted when the
   * formats differ, then the VM is re-placed with it. Before the re-placement the source
   * still holds its own disk: a failure gives the export up and it runs there again.
   */
  private async handOver(
    vm: VmRecord,
    plan: MigrationPlan,
    x: MoveChange,
    reason: string,
  ): Promise<{ transfer: string; converted: boolean }> {
    const d = this.d;
    const m = await d.planner.moveVm(vm.id, reason, x);
    const transfer = (await this.get(vm.id))?.exportDisk ?? '';
    if (!m.moved || !transfer) throw new FailedPreconditionError(`not moved: ${m.reasons.join('; ') || 'no host'}`);
    const fail = async (why: string): Promise<never> => {
      await d.planner.abandonExport(vm.id, transfer, `migration failed: ${why}`);
      await this.rolledBack(vm, x.migration!, why);
      throw new FailedPreconditionError(`migration rolled back: ${why}`);
    };
    const deadline = d.clock.now() + (d.exportMs ?? EXPORT_MS);
    const v = await this.until(async () => {
      const t = await d.transfers.get(transfer);
      return exportVerdict(await this.get(vm.id), transfer, t?.state === 'ready', d.clock.now(), deadline);
    });
    if (v.kind === 'failed') return fail(v.reason);
    let converted = false;
    if (plan.convert) {
      try {
        await d.convertDisk(d.transfers.path(transfer), plan.convert[0], plan.convert[1]);
        converted = true;
      } catch (e) {
        return fail(`its disk could not be converted: ${(e as Error).message}`);
      }
    }
    const placed = await d.planner
      .placeMigrated(vm.id, reason, transfer, x)
      .catch((e: Error) => ({ moved: false, reasons: [e.message] }));
    if (!placed.moved) return fail(`the target cannot take it now: ${placed.reasons.join('; ') || 'no host'}`);
    return { transfer, converted };
  }

  /**
   * After the re-placement: back to the source host and scheme, generation + 1 (the target's
   * copy is fenced: its host stops and removes it), from the same moved disk. Waits (bounded)
   * until it runs there again.
   */
  private async rollBack(
    vm: VmRecord,
    plan: MigrationPlan,
    id: string,
    transfer: string,
    at: Landing,
    why: string,
  ): Promise<void> {
    const d = this.d;
    d.log.warn({ vm_id: vm.id, migration_id: id, reason: why }, 'migration failed; rolling back');
    await this.stopTarget(vm, at);
    // Back as the user wanted it (the target's copy may have been stopped just now).
    const back: MoveChange = {
      hostId: plan.fromHost,
      scheme: plan.fromScheme,
      generation: at.generation,
      desired: vm.desired,
    };
    const m = await d.planner
      .placeMigrated(vm.id, `migration rolled back: ${why}`, transfer, back)
      .catch((e: Error) => ({ moved: false, reasons: [e.message] }));
    if (!m.moved) {
      // Nowhere to go back to: it stays where it went, a failure the operator sees; the usual re-placement applies again.
      await this.settle(vm.id, id, 'vm.migrate_rolled_back', 'migration failed and could not roll back', {
        reason: why,
        rollback: m.reasons.join('; ').slice(0, 200),
      });
      throw new FailedPreconditionError(`migration failed (${why}) and could not roll back: ${m.reasons.join('; ')}`);
    }
    await this.rolledBack(vm, id, why);
    const back2 = await this.get(vm.id);
    const landing = {
      hostId: plan.fromHost,
      generation: back2?.generation ?? 0,
      scheme: plan.fromScheme,
      deadlineUnixMs: d.clock.now() + (d.verifyMs ?? VERIFY_MS),
    };
    const v = await this.until(async () =>
      verdict(await this.get(vm.id), landing, !!d.planner.fleet.slot(plan.fromHost)?.ready, d.clock.now()),
    );
    if (v.kind === 'failed') d.log.error({ vm_id: vm.id, reason: v.reason }, 'rolled back, but not running again');
  }

  /** Never two running: a target copy that may be up is stopped before the source's starts (bounded). */
  private async stopTarget(vm: VmRecord, at: Landing): Promise<void> {
    const d = this.d;
    const ready = () => !!d.planner.fleet.slot(at.hostId)?.ready;
    const stop = { ...at, deadlineUnixMs: d.clock.now() + STOP_MS };
    if ((await stopVerdictNow()).kind !== 'wait') return;
    await d.vms.setDesired(
      vm.id,
      undefined,
      (v) => (v.hostId === at.hostId && v.generation === at.generation ? { desired: 'stopped' } : undefined),
      lifecycleEvent('stop_requested'),
    );
    d.sessions.pushDesired(at.hostId);
    const v = await this.until(stopVerdictNow);
    if (v.kind === 'failed') d.log.warn({ vm_id: vm.id, host_id: at.hostId, reason: v.reason }, 'rolling back anyway');
    async function stopVerdictNow() {
      return stopVerdict((await d.store.get<VmRecord>(VMS, vm.id))?.value, stop, ready(), d.clock.now());
    }
  }

  private rolledBack(vm: VmRecord, id: string, why: string) {
    return this.event(vm, 'vm.migrate_rolled_back', `migration rolled back: ${why}`, { migration_id: id }, 'warning');
  }

  /** Ends the migration on the record (its marker goes, in one fenced batch with the event). */
  private settle(vmId: string, id: string, type: string, message: string, attributes: Record<string, string>) {
    const d = this.d;
    return retryOnConflict(async () => {
      const cur = await d.store.get<VmRecord>(VMS, vmId);
      if (!cur) throw new FailedPreconditionError('the vm is gone');
      const vm = cur.value;
      const mine = vm.migration?.id === id;
      const next = mine ? { ...vm, migration: undefined } : vm;
      await d.events.commit({
        ops: mine ? [put(VMS, vm.id, next)] : [],
        preconditions: mine ? [at(VMS, vm.id, cur.version)] : [],
        events: [this.newEvent(vm, type, message, { migration_id: id, ...attributes })],
      });
      const after = await d.store.get<VmRecord>(VMS, vmId);
      return after ? { vm: after.value, version: after.version } : { vm: next, version: cur.version };
    });
  }

  private async until(look: () => Promise<Verdict>): Promise<Verdict> {
    for (;;) {
      const v = await look();
      if (v.kind !== 'wait') return v;
      await new Promise<void>((r) => this.d.clock.setTimeout(r, POLL_MS));
    }
  }

  private async get(vmId: string): Promise<VmRecord | undefined> {
    return (await this.d.store.get<VmRecord>(VMS, vmId))?.value;
  }

  private newEvent(
    vm: VmRecord,
    type: string,
    message: string,
    attributes: Record<string, string>,
    severity: 'info' | 'warning' = 'info',
  ) {
    return {
      type,
      message,
      severity,
      hostId: vm.hostId,
      tenant: vm.tenant,
      attributes: { vm_id: vm.id, ...attributes },
    };
  }

  private async event(
    vm: VmRecord,
    type: string,
    message: string,
    attributes: Record<string, string>,
    severity: 'info' | 'warning' = 'info',
  ) {
    await this.d.events.append(this.newEvent(vm, type, message, attributes, severity));
  }
}
