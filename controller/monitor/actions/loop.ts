// The decide/act loop: on each changed row (StateTable.onChange) decide what to do
// (decide.ts, pure) and act on it, one VM at a time (a VM's changes wait for its
// running actions: no storm), the latest row winning over rows that queued up.
import type { Clock, Timer } from '../../../common/clock.js';
import { KeyedMutex, Semaphore } from '../../../common/store/index.js';
import type { ActionRecord, ApplianceRecord } from '../../model/monitor.js';
import type { Policies, RowChange, StateTable } from '../ports.js';
import { act, type ActDeps } from './act.js';
import { decide, type Episodes } from './decide.js';
import type { StoredActionLog } from './log.js';

/** Actions of one VM decide looks at (its latest; older ones cannot change a ladder's next rung). */
export const HISTORY = 32;
/** VMs whose ladders and histories are kept in memory (the rest reload from the store). */
export const MAX_TRACKED = 20_000;
/** Action histories read from the store at once (10,000 new rows after a restart must not read 10,000 at once). */
export const HISTORY_READS = 16;

export interface LoopDeps extends ActDeps {
  log: StoredActionLog;
  table: StateTable;
  policies: Policies;
  clock: Clock;
}

export class DecideLoop {
  private readonly episodes = new Map<string, Episodes>();
  private readonly history = new Map<string, ActionRecord[]>();
  private readonly latest = new Map<string, ApplianceRecord>();
  private readonly retries = new Map<string, Timer>();
  private readonly lock = new KeyedMutex();
  private readonly reads = new Semaphore(HISTORY_READS);
  private stopped = false;
  /** Settles when the VM's queued work is done (tests wait on it). */
  readonly idle = new Map<string, Promise<void>>();

  constructor(private readonly d: LoopDeps) {}

  onChange(c: RowChange): void {
    if (this.stopped) return;
    const vmId = c.row.vmId;
    const queued = this.latest.has(vmId);
    this.latest.set(vmId, c.row);
    if (queued) return; // the queued run takes this newer row
    const p = this.lock
      .run(vmId, () => this.run(vmId))
      .catch((err) => this.d.logger.error({ err, vm_id: vmId }, 'monitor decide failed'))
      .finally(() => {
        if (this.idle.get(vmId) === p) this.idle.delete(vmId);
      });
    this.idle.set(vmId, p);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.retries.values()) t.cancel();
    this.retries.clear();
  }

  /** Everything queued so far has been decided and acted on. */
  async settled(): Promise<void> {
    while (this.idle.size) await Promise.all([...this.idle.values()]);
  }

  private async recent(vmId: string): Promise<ActionRecord[]> {
    let h = this.history.get(vmId);
    if (!h) {
      h = await this.reads.run(() => this.d.log.recent(vmId, HISTORY));
      this.track(this.history, vmId, h);
    }
    return h;
  }

  private track<V>(m: Map<string, V>, k: string, v: V): void {
    m.delete(k);
    m.set(k, v);
    if (m.size > MAX_TRACKED) m.delete(m.keys().next().value!);
  }

  private remember(a: ActionRecord): void {
    const h = this.history.get(a.vmId) ?? [];
    const i = h.findIndex((x) => x.id === a.id);
    if (i >= 0) h[i] = a;
    else h.unshift(a);
    this.track(this.history, a.vmId, h.slice(0, HISTORY));
  }

  private async run(vmId: string): Promise<void> {
    const row = this.latest.get(vmId);
    this.latest.delete(vmId);
    if (!row || this.stopped) return;
    this.retries.get(vmId)?.cancel();
    this.retries.delete(vmId);
    const { policy } = this.d.policies.effective(row.setId, row.tenant);
    const now = this.d.clock.now();
    const dec = decide({
      row,
      policy,
      history: await this.recent(vmId),
      episodes: this.episodes.get(vmId) ?? {},
      now,
    });
    this.track(this.episodes, vmId, dec.episodes);
    for (const p of dec.actions) {
      if (this.stopped) return;
      const a = await this.d.log.begin({
        vmId,
        setId: row.setId,
        tenant: row.tenant,
        hostId: row.hostId,
        kind: p.kind,
        cause: p.cause,
        trigger: p.trigger,
        attempt: p.attempt,
        principal: 'monitor',
        pid: p.pid,
        version: p.version,
      });
      this.remember(a);
      this.remember(await act(this.d, a, row));
    }
    if (dec.retryAtMs !== undefined) {
      // A ladder backing off: decide again then, with the row as the table has it by then.
      const t = this.d.clock.setTimeout(
        () => {
          this.retries.delete(vmId);
          let cur: ApplianceRecord;
          try {
            cur = this.d.table.get(vmId, undefined);
          } catch {
            return; // the VM is gone
          }
          this.onChange({ row: cur, prev: cur, trigger: 'backoff' });
        },
        Math.max(0, dec.retryAtMs - now),
      );
      this.track(this.retries, vmId, t);
    }
  }
}
