// The action log (ports.ActionLog): every control action in MONITOR_ACTIONS (by its
// ULID id: time order) with an index by VM, each write with its mirror ops and its
// monitor.action event in one batch.
import type { Clock } from '../../../common/clock.js';
import { NotFoundError } from '../../../common/errors.js';
import { ulid } from '../../../common/ids.js';
import { at, put, absent, retryOnConflict, type Store } from '../../../common/store/index.js';
import type { EventLog, NewEvent } from '../../events/log.js';
import { MONITOR_ACTIONS, MONITOR_ACTIONS_BY_VM, type ActionRecord } from '../../model/monitor.js';
import type { ActionFilter, ActionLog, MonitorMirror, Scope } from '../ports.js';

/** Entries one page of a listing may read, matching or not (then it ends early with a token). */
export const MAX_SCAN = 10_000;

type NewAction = Parameters<ActionLog['begin']>[0];

function actionEvent(a: ActionRecord): NewEvent {
  return {
    type: 'monitor.action',
    message: `monitor action ${a.kind} ${a.outcome}`,
    severity: a.outcome === 'failed' ? 'warning' : 'info',
    hostId: a.hostId || undefined,
    tenant: a.tenant,
    attributes: {
      action_id: a.id,
      vm_id: a.vmId,
      kind: a.kind,
      trigger: a.trigger,
      outcome: a.outcome,
      attempt: String(a.attempt),
      ...(a.setId ? { set_id: a.setId } : {}),
      ...(a.cause ? { cause: a.cause.slice(0, 256) } : {}),
    },
  };
}

export function matchesAction(a: ActionRecord, f: ActionFilter, scope: Scope): boolean {
  return (
    (scope === undefined || a.tenant === scope) &&
    (!f.vmId || a.vmId === f.vmId) &&
    (!f.setId || a.setId === f.setId) &&
    (!f.tenant || a.tenant === f.tenant) &&
    (!f.kind || a.kind === f.kind) &&
    (!f.trigger || a.trigger === f.trigger) &&
    (!f.sinceUnixMs || a.createdUnixMs >= f.sinceUnixMs)
  );
}

export class StoredActionLog implements ActionLog {
  constructor(
    private readonly store: Store,
    private readonly events: EventLog,
    private readonly mirror: MonitorMirror,
    private readonly clock: Clock,
  ) {}

  async begin(n: NewAction): Promise<ActionRecord> {
    const now = this.clock.now();
    const a: ActionRecord = { ...n, id: ulid(now), outcome: 'pending', detail: '', createdUnixMs: now, endedUnixMs: 0 };
    await this.events.commit({
      ops: [
        put(MONITOR_ACTIONS, a.id, a),
        put(MONITOR_ACTIONS_BY_VM, `${a.vmId}/${a.id}`, a.id),
        ...this.mirror.ops({ kind: 'action', action: a }),
      ],
      preconditions: [absent(MONITOR_ACTIONS, a.id)],
      events: [actionEvent(a)],
      ref: a.id,
    });
    this.mirror.kick();
    return a;
  }

  async finish(id: string, outcome: ActionRecord['outcome'], detail: string): Promise<ActionRecord> {
    const a = await retryOnConflict(async () => {
      const cur = await this.store.get<ActionRecord>(MONITOR_ACTIONS, id);
      if (!cur) throw new NotFoundError('action');
      const next: ActionRecord = {
        ...cur.value,
        outcome,
        detail: detail.slice(0, 1024),
        endedUnixMs: this.clock.now(),
      };
      await this.events.commit({
        ops: [put(MONITOR_ACTIONS, id, next), ...this.mirror.ops({ kind: 'action', action: next })],
        preconditions: [at(MONITOR_ACTIONS, id, cur.version)],
        events: [actionEvent(next)],
      });
      return next;
    });
    this.mirror.kick();
    return a;
  }

  async get(id: string, scope: Scope): Promise<ActionRecord> {
    const r = await this.store.get<ActionRecord>(MONITOR_ACTIONS, id);
    if (!r || (scope !== undefined && r.value.tenant !== scope)) throw new NotFoundError('action');
    return r.value;
  }

  /** Newest first; a page reads at most MAX_SCAN entries and then ends with a token. */
  async list(
    f: ActionFilter,
    scope: Scope,
    page: { size: number; token: string },
  ): Promise<{ actions: ActionRecord[]; next: string }> {
    const actions: ActionRecord[] = [];
    let scanned = 0;
    let lastKey = '';
    // By VM: its index (keys `<vm>/<id>`), so one VM's log does not scan the fleet's.
    const byVm = !!f.vmId;
    const coll = byVm ? MONITOR_ACTIONS_BY_VM : MONITOR_ACTIONS;
    const prefix = byVm ? `${f.vmId}/` : undefined;
    const lt = page.token ? (byVm ? `${prefix}${page.token}` : page.token) : undefined;
    for await (const e of this.store.scan<ActionRecord | string>(coll, {
      ...(prefix ? { prefix } : {}),
      ...(lt ? { lt } : {}),
      reverse: true,
    })) {
      lastKey = byVm ? e.key.slice(prefix!.length) : e.key;
      const a = byVm
        ? (await this.store.get<ActionRecord>(MONITOR_ACTIONS, e.value as string))?.value
        : (e.value as ActionRecord);
      if (a && matchesAction(a, f, scope)) actions.push(a);
      if (actions.length >= page.size || ++scanned >= MAX_SCAN) return { actions, next: lastKey };
    }
    return { actions, next: '' };
  }

  /** This VM's latest actions, newest first (the decide loop's history). */
  async recent(vmId: string, limit: number): Promise<ActionRecord[]> {
    return (await this.list({ vmId }, undefined, { size: limit, token: '' })).actions;
  }
}
