// Retention of finished records: destroyed VMs and retired sets are deleted a
// while after they ended (their events stay in the event log, under its own
// retention), so `vms` and `vm-sets` do not grow for good. Decide (pure), then
// act: one atomic batch per record, with its index entries, fenced by the
// record's version and by "it holds no quota".
import { del, at, absent, isConflict, type Op, type Precondition, type Store } from '../../common/store/index.js';
import type { Clock, Timer } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { SetRecord } from '../model/set.js';
import { RESERVATIONS } from '../tenancy/tenants.js';
import { SETS, SETS_BY_TENANT, VMS_BY_SET } from '../planner/sets.js';
import { VMS, VMS_BY_HOST, VMS_BY_TENANT, type VmRecord } from './registry.js';

export const DEFAULT_RECORD_RETENTION_MS = 7 * 86_400_000;

/** Records read per collection per run, from a cursor: each run is bounded, the sweep still covers all. */
export const PURGE_SLICE = 1000;

/** A VM that was destroyed (and meant to be) longer than `retentionMs` ago. */
export function vmDue(vm: VmRecord, now: number, retentionMs: number): boolean {
  return vm.state === 'destroyed' && vm.desired === 'destroyed' && now - vm.stateChangedUnixMs > retentionMs;
}

/** A set retired longer than `retentionMs` ago (retiring sets still have VMs to end). */
export function setDue(set: SetRecord, now: number, retentionMs: number): boolean {
  return set.state === 'retired' && set.retiredUnixMs > 0 && now - set.retiredUnixMs > retentionMs;
}

/** A VM record and every index entry naming it; written only if it is unchanged and holds no quota reservation. */
export function vmPurge(vm: VmRecord, version: number): { ops: Op[]; pre: Precondition[] } {
  const ops = [del(VMS, vm.id), del(VMS_BY_TENANT, `${vm.tenant}/${vm.id}`)];
  if (vm.hostId) ops.push(del(VMS_BY_HOST, `${vm.hostId}/${vm.id}`));
  if (vm.setId) ops.push(del(VMS_BY_SET, `${vm.setId}/${vm.id}`));
  return { ops, pre: [at(VMS, vm.id, version), absent(RESERVATIONS, `${vm.tenant}/${vm.id}`)] };
}

export function setPurge(set: SetRecord, version: number): { ops: Op[]; pre: Precondition[] } {
  return {
    ops: [del(SETS, set.id), del(SETS_BY_TENANT, `${set.tenant}/${set.id}`)],
    pre: [at(SETS, set.id, version)],
  };
}

/** Runs record retention on a timer (or on demand): one bounded slice of each collection per run. */
export class RecordPurge {
  private timer?: Timer;
  private running = false;
  private readonly cursor = { vms: '', sets: '' };

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly retentionMs: number,
    private readonly slice = PURGE_SLICE,
  ) {}

  /** Every `everyMs` (default: a quarter of the retention, between 1 s and 1 min). */
  start(everyMs = Math.min(60_000, Math.max(1000, this.retentionMs / 4))): void {
    this.timer = this.clock.setInterval(() => {
      if (this.running) return;
      this.running = true;
      void this.run()
        .catch((err) => this.log.warn({ err }, 'record retention failed'))
        .finally(() => (this.running = false));
    }, everyMs);
  }

  stop(): void {
    this.timer?.cancel();
  }

  /** One run: VMs first, so a retired set's last VMs go before the set. Returns how many of each went. */
  async run(): Promise<{ vms: number; sets: number }> {
    const now = this.clock.now();
    const vms = await this.sweep<VmRecord>('vms', VMS, (v) => vmDue(v, now, this.retentionMs), vmPurge);
    const sets = await this.sweep<SetRecord>(
      'sets',
      SETS,
      (s) => setDue(s, now, this.retentionMs),
      setPurge,
      // A set goes only once no VM of it is left (they are purged on their own clock).
      async (s) => !(await this.hasVms(s.id)),
    );
    if (vms || sets) this.log.info({ vms_purged: vms, sets_purged: sets }, 'purged finished records past retention');
    return { vms, sets };
  }

  private async hasVms(setId: string): Promise<boolean> {
    for await (const _ of this.store.scan(VMS_BY_SET, { prefix: `${setId}/`, limit: 1 })) return true;
    return false;
  }

  private async sweep<T extends { id: string }>(
    which: 'vms' | 'sets',
    coll: string,
    due: (r: T) => boolean,
    purge: (r: T, version: number) => { ops: Op[]; pre: Precondition[] },
    also?: (r: T) => Promise<boolean>,
  ): Promise<number> {
    const found: { value: T; version: number }[] = [];
    let read = 0;
    let last = '';
    // Collect first: the scan's iterator is closed before anything is written.
    for await (const { key, value, version } of this.store.scan<T>(coll, {
      limit: this.slice,
      ...(this.cursor[which] ? { gt: this.cursor[which] } : {}),
    })) {
      read++;
      last = key;
      if (due(value)) found.push({ value, version });
    }
    this.cursor[which] = read < this.slice ? '' : last;
    let purged = 0;
    for (const r of found) {
      if (also && !(await also(r.value))) continue;
      const { ops, pre } = purge(r.value, r.version);
      try {
        await this.store.batch(ops, pre);
        purged++;
      } catch (e) {
        // Changed since it was read, or (a VM) still holding quota: not ours to delete now.
        if (!isConflict(e)) throw e;
        const id = r.value.id;
        this.log.warn(
          which === 'vms' ? { vm_id: id } : { set_id: id },
          'record past retention kept: it changed or holds quota',
        );
      }
    }
    return purged;
  }
}
