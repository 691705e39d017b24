// The appliance state table: one row per monitored VM, in memory. The store is
// its durable copy, written when a row CHANGES (with the external mirror's ops
// in the same batch); poll counts, poll times and io counters move on every
// poll and are flushed at most every `flushMs`. Reports are hostile input:
// bounded, and a host only ever touches rows of VMs it runs.
import type { Logger } from 'pino';
import type { Clock, Timer } from '../../../common/clock.js';
import { del, put, Mutex, type Op, type Store } from '../../../common/store/index.js';
import { FailedPreconditionError, NotFoundError, InvalidArgumentError } from '../../../common/errors.js';
import { ulid } from '../../../common/ids.js';
import type { ApplianceReport__Output } from '../../../common/gen/nephele/v1/ApplianceReport.js';
import type { ApplianceState__Output } from '../../../common/gen/nephele/v1/ApplianceState.js';
import { observedFromProto } from '../../../common/grpc/convert-monitor.js';
import type { ObservedAppliance } from '../../../common/model/monitor.js';
import { APPLIANCES, type ApplianceRecord } from '../../model/monitor.js';
import type { AgentCommands } from '../../tokens/ports.js';
import type { ApplianceFilter, MonitorMirror, Policies, RowChange, Scope, StateTable } from '../ports.js';
import { applyObserved, changed, emptyRow, type VmInfo } from './diff.js';
import { GroupCommit } from './commit.js';

/** Bounds of one report (the proto's) and of the table. */
export const REPORT_LIMITS = { changed: 500, polled: 5000 } as const;
export const MAX_ROWS = 100_000;
const FLUSH_BATCH = 500;

export interface TableDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  mirror: MonitorMirror;
  policies: Pick<Policies, 'effective'>;
  /** The VM (its host, set, tenant), undefined when unknown or destroyed. */
  vmOf(vmId: string): Promise<VmInfo | undefined>;
  commands?: AgentCommands;
  /** The hosts whose desired state must be pushed again (setMonitored). */
  pushDesired?(hostId: string): void;
  /** How often poll counters and times are written (default 60 s). */
  flushMs?: number;
}

export class ApplianceTable implements StateTable {
  private readonly rows = new Map<string, ApplianceRecord>();
  private readonly dirty = new Set<string>();
  private readonly listeners = new Set<(c: RowChange) => void>();
  private readonly waiters = new Map<string, Set<(r: ApplianceRecord) => void>>();
  private readonly writes = new Mutex(); // one writer: a flush never overwrites a newer change
  /** Every store write of the table goes through it, in order: concurrent reports share a batch. */
  readonly commits: GroupCommit;
  private flushTimer?: Timer;
  /** Counters (metrics, bench): rows stored on change, marks applied, report entries ignored. */
  readonly stats = { changes: 0, marks: 0, ignored: 0, flushed: 0 };

  constructor(private readonly d: TableDeps) {
    this.commits = new GroupCommit(d.store);
  }

  async load(): Promise<void> {
    for await (const e of this.d.store.scan<ApplianceRecord>(APPLIANCES, { limit: MAX_ROWS }))
      this.rows.set(e.key, e.value);
    this.flushTimer = this.d.clock.setInterval(() => void this.flush(), this.d.flushMs ?? 60_000);
  }

  async stop(): Promise<void> {
    this.flushTimer?.cancel();
    await this.flush();
  }

  get size(): number {
    return this.rows.size;
  }

  isMonitored(vmId: string): boolean {
    return this.rows.get(vmId)?.monitored ?? true;
  }

  async ingest(hostId: string, report: ApplianceReport__Output): Promise<void> {
    const changedIn = report.changed ?? [];
    const marks = report.polled ?? [];
    if (changedIn.length > REPORT_LIMITS.changed || marks.length > REPORT_LIMITS.polled) {
      this.stats.ignored += changedIn.length + marks.length;
      this.d.log.warn(
        { host_id: hostId, changed: changedIn.length, polled: marks.length },
        'appliance report too large',
      );
      return;
    }
    const now = this.d.clock.now();
    for (const m of marks) {
      const row = this.rows.get(m.vmId);
      if (!row || row.hostId !== hostId) {
        this.stats.ignored++;
        continue;
      }
      row.polls++;
      row.lastPollUnixMs = now;
      this.dirty.add(row.vmId);
      this.stats.marks++;
      this.wake(row);
    }
    if (changedIn.length) await this.observe(hostId, changedIn.map(observedFromProto));
  }

  /** Applies observations of VMs on `hostId`; stores those that changed in one batch. */
  private async observe(hostId: string, obs: ObservedAppliance[], trigger?: string): Promise<ApplianceRecord[]> {
    const out: ApplianceRecord[] = [];
    const changes: RowChange[] = [];
    let stored = Promise.resolve();
    // Decided one report at a time; stored after the lock, so the next report's
    // rows are decided while this one's are written (and may share its batch).
    await this.writes.run(async () => {
      const now = this.d.clock.now();
      const ops: Op[] = [];
      for (const o of obs) {
        const prev = this.rows.get(o.vmId) ?? (await this.adopt(o.vmId));
        if (!prev || prev.hostId !== hostId) {
          this.stats.ignored++;
          continue;
        }
        const rules = this.d.policies.effective(prev.setId, prev.tenant).policy.licence;
        const next = applyObserved(prev, o, rules, now);
        if (changed(this.rows.has(o.vmId) ? prev : undefined, next) || prev.updatedUnixMs === 0) {
          next.updatedUnixMs = now;
          next.source = o.source;
          ops.push(put(APPLIANCES, next.vmId, next), ...this.d.mirror.ops({ kind: 'appliance', row: next }));
          changes.push({
            row: next,
            prev: prev.updatedUnixMs ? prev : undefined,
            trigger: trigger ?? (o.trigger || o.source),
          });
          this.dirty.delete(next.vmId);
        } else this.dirty.add(next.vmId);
        this.rows.set(next.vmId, next);
        out.push(next);
      }
      stored = this.commits.write(ops);
      stored.catch(() => {}); // awaited below, once the lock is released
    });
    await stored;
    if (changes.length) {
      this.d.mirror.kick();
      this.stats.changes += changes.length;
    }
    for (const c of changes) this.notify(c);
    for (const r of out) this.wake(r);
    return out;
  }

  /** A row for a VM seen for the first time (its record says where it runs); not kept until stored. */
  private async adopt(vmId: string): Promise<ApplianceRecord | undefined> {
    if (this.rows.size >= MAX_ROWS) return undefined;
    const vm = await this.d.vmOf(vmId);
    return vm ? emptyRow(vm) : undefined;
  }

  private notify(c: RowChange): void {
    for (const l of this.listeners) {
      try {
        l(c);
      } catch (err) {
        this.d.log.error({ err, vm_id: c.row.vmId }, 'appliance change listener failed');
      }
    }
  }

  private wake(r: ApplianceRecord): void {
    const w = this.waiters.get(r.vmId);
    if (!w) return;
    this.waiters.delete(r.vmId);
    for (const fn of w) fn(r);
  }

  get(vmId: string, scope: Scope): ApplianceRecord {
    const r = this.rows.get(vmId);
    if (!r || (scope !== undefined && r.tenant !== scope)) throw new NotFoundError('appliance');
    return r;
  }

  list(
    filter: ApplianceFilter,
    scope: Scope,
    page: { size: number; token: string },
  ): { rows: ApplianceRecord[]; next: string } {
    const tenant = scope ?? filter.tenant;
    const hits: ApplianceRecord[] = [];
    for (const r of this.rows.values()) {
      if (page.token && r.vmId <= page.token) continue;
      if (tenant && r.tenant !== tenant) continue;
      if (filter.setId && r.setId !== filter.setId) continue;
      if (filter.hostId && r.hostId !== filter.hostId) continue;
      if (filter.appState && r.appState !== filter.appState) continue;
      hits.push(r);
    }
    hits.sort((a, b) => (a.vmId < b.vmId ? -1 : 1));
    const rows = hits.slice(0, page.size);
    return { rows, next: hits.length > page.size ? rows[rows.length - 1]!.vmId : '' };
  }

  onChange(fn: (c: RowChange) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async setMonitored(vmIds: string[], monitored: boolean): Promise<void> {
    const hosts = new Set<string>();
    await this.writes.run(async () => {
      const ops: Op[] = [];
      const changes: RowChange[] = [];
      for (const id of vmIds) {
        const prev = this.rows.get(id) ?? (await this.adopt(id));
        if (!prev || prev.monitored === monitored) continue;
        const next = { ...prev, monitored, updatedUnixMs: this.d.clock.now() };
        this.rows.set(id, next);
        ops.push(put(APPLIANCES, id, next), ...this.d.mirror.ops({ kind: 'appliance', row: next }));
        changes.push({ row: next, prev, trigger: monitored ? 'monitor-resumed' : 'monitor-stopped' });
        hosts.add(next.hostId);
      }
      if (!ops.length) return;
      await this.commits.write(ops);
      this.d.mirror.kick();
      for (const c of changes) this.notify(c);
    });
    for (const h of hosts) if (h) this.d.pushDesired?.(h);
  }

  /** The VM changed (moved, renamed) or went away: its row follows, or is dropped. */
  async vmChanged(vm: VmInfo | { vmId: string; gone: true }): Promise<void> {
    const prev = this.rows.get(vm.vmId);
    if (!prev) return;
    await this.writes.run(async () => {
      if ('gone' in vm) {
        this.rows.delete(vm.vmId);
        this.dirty.delete(vm.vmId);
        const removed = { kind: 'appliance' as const, row: prev, removedUnixMs: this.d.clock.now() };
        await this.commits.write([del(APPLIANCES, vm.vmId), ...this.d.mirror.ops(removed)]);
        this.d.mirror.kick();
        return;
      }
      if (prev.hostId === vm.hostId && prev.vmName === vm.name) return;
      const next = { ...prev, hostId: vm.hostId, vmName: vm.name };
      this.rows.set(vm.vmId, next);
      await this.commits.write([
        put(APPLIANCES, vm.vmId, next),
        ...this.d.mirror.ops({ kind: 'appliance', row: next }),
      ]);
      this.d.mirror.kick();
    });
  }

  async poll(vmId: string, scope: Scope, timeoutMs: number): Promise<ApplianceRecord> {
    const row = this.rows.get(vmId) ?? (await this.adopt(vmId));
    if (!row || (scope !== undefined && row.tenant !== scope)) throw new NotFoundError('appliance');
    if (!row.hostId) throw new FailedPreconditionError('the VM is not placed on a host');
    if (!this.d.commands) throw new FailedPreconditionError('agent commands are not available');
    if (timeoutMs < 100 || timeoutMs > 60_000) throw new InvalidArgumentError('timeout_ms', 'must be 100..60000');
    const r = await this.d.commands.run(
      row.hostId,
      { commandId: ulid(this.d.clock.now()), vmId, app: { kind: 'APP_ACTION_KIND_POLL' } },
      timeoutMs,
    );
    if (!r.ok) throw new FailedPreconditionError(`the agent could not poll the appliance: ${r.error.slice(0, 200)}`);
    const st = r.appliance as ApplianceState__Output | null;
    if (!st) return this.rows.get(vmId) ?? row;
    const o = observedFromProto({ ...st, vmId, source: 'UPDATE_SOURCE_EVENT' });
    const [fresh] = await this.observe(row.hostId, [{ ...o, trigger: 'request' }], 'request');
    return fresh ?? this.rows.get(vmId) ?? row;
  }

  /** Waits for the next report of a VM (tests, PollAppliance without an answer in the result). */
  next(vmId: string, timeoutMs: number): Promise<ApplianceRecord | undefined> {
    return new Promise((resolve) => {
      const set = this.waiters.get(vmId) ?? new Set();
      this.waiters.set(vmId, set);
      const fn = (r: ApplianceRecord) => {
        t.cancel();
        resolve(r);
      };
      const t = this.d.clock.setTimeout(() => {
        set.delete(fn);
        if (!set.size) this.waiters.delete(vmId);
        resolve(undefined);
      }, timeoutMs);
      set.add(fn);
    });
  }

  /** Writes poll counters and times of rows that were polled without change. */
  async flush(): Promise<void> {
    if (!this.dirty.size) return;
    await this.writes
      .run(async () => {
        const ids = [...this.dirty];
        this.dirty.clear();
        for (let i = 0; i < ids.length; i += FLUSH_BATCH) {
          const ops = ids.slice(i, i + FLUSH_BATCH).flatMap((id) => {
            const r = this.rows.get(id);
            return r ? [put(APPLIANCES, id, r)] : [];
          });
          if (ops.length) await this.commits.write(ops);
          this.stats.flushed += ops.length;
        }
      })
      .catch((err) => this.d.log.error({ err }, 'appliance poll counters not stored'));
  }
}
