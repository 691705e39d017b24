import cron from 'node-cron';
import type { ExportSchedule__Output } from '../../common/gen/nephele/v1/ExportSchedule.js';
import { InvalidArgumentError, NotFoundError, PermissionDeniedError } from '../../common/errors.js';
import type { Granularity } from '../../common/model/enums.js';
import { GranularityEnum } from '../../common/grpc/convert.js';
import { ulid } from '../../common/ids.js';
import { del, put, type Store } from '../../common/store/index.js';
import { optionalString, requireName, requireString } from '../../common/validate.js';
import type { EventLog } from '../events/log.js';
import { filterFromProto, filterToProto, granularityArg } from './convert.js';
import { focusColumns } from './export/focus.js';
import { formatArg, type ExportFormat } from './export/format.js';
import type { UsageFilter } from './model.js';
import { directoryArg, tenantDirectory, urlArg } from './destinations.js';

// Export schedules: stored as our own model type, scoped to a tenant
// (tenant-admins see and change only theirs), validated at the edge.

export const EXPORT_SCHEDULES = 'usage-export-schedules';
export const MAX_SCHEDULES = 1000;
export const DEFAULT_LOOKBACK_S = 86_400;
const MAX_LOOKBACK_S = 366 * 86_400;

export type Destination = { kind: 'directory' | 'url' | 'peer'; target: string };

export interface ExportScheduleRecord {
  id: string;
  name: string;
  /** '' = every tenant (a system role's schedule without a tenant filter). */
  tenant: string;
  cron: string;
  /** from/to unused: each run exports what came since the last. */
  filter: UsageFilter;
  format: ExportFormat;
  focusVersion: string;
  granularity: Granularity;
  destination: Destination;
  createdUnixMs: number;
  lastRunUnixMs: number;
  lastStatus: string;
  lastRecords: number;
  /** Runs export records that start in [exportedUntil, run end); 0 = not run yet (lookback). */
  exportedUntilUnixMs: number;
  lookbackS: number;
}

/** A schedule from the wire, checked: INVALID_ARGUMENT names the field; url/peer need a system role. */
export function scheduleFromProto(
  s: ExportSchedule__Output | null | undefined,
  scope: string | undefined,
  now: number,
): ExportScheduleRecord {
  if (!s) throw new InvalidArgumentError('schedule', 'is required');
  const name = requireName('schedule.name', s.name);
  const expr = requireString('schedule.cron', s.cron, { max: 128 });
  if (!cron.validate(expr)) throw new InvalidArgumentError('schedule.cron', 'is not a valid cron expression');
  const filter = filterFromProto(s.filter, scope, 'schedule.filter');
  const destination = destinationArg(s.destination, scope);
  // A peer takes raw records through ImportUsage: a file format means nothing there (csv stands in).
  const format = destination.kind === 'peer' && !s.format ? 'csv' : formatArg(s.format, 'schedule.format');
  const focusVersion = optionalString('schedule.focus_version', s.focusVersion, 16);
  if (format === 'focus') focusColumns(focusVersion, 'schedule.focus_version');
  const lookbackS = Number(s.lookbackS ?? 0) || DEFAULT_LOOKBACK_S;
  if (!Number.isInteger(lookbackS) || lookbackS < 0 || lookbackS > MAX_LOOKBACK_S)
    throw new InvalidArgumentError('schedule.lookback_s', `must be at most ${MAX_LOOKBACK_S}`);
  const tenant = scope ?? filter.tenant;
  return {
    id: ulid(now),
    name,
    tenant,
    cron: expr,
    filter,
    format,
    focusVersion: format === 'focus' ? focusVersion || '1.2' : '',
    granularity: granularityArg(s.granularity, 'schedule.granularity'),
    destination,
    createdUnixMs: now,
    lastRunUnixMs: 0,
    lastStatus: '',
    lastRecords: 0,
    exportedUntilUnixMs: 0,
    lookbackS,
  };
}

function destinationArg(d: ExportSchedule__Output['destination'], scope: string | undefined): Destination {
  const field = 'schedule.destination';
  if (!d?.target) throw new InvalidArgumentError(field, 'is required: a directory, a url or a peer');
  if (d.target === 'directory')
    return { kind: 'directory', target: tenantDirectory(directoryArg(`${field}.directory`, d.directory), scope) };
  // Tenants may not make the controller call out (SSRF) or push to other controllers.
  if (scope !== undefined)
    throw new PermissionDeniedError(`${d.target} destinations are for admins and operators; use a directory`);
  if (d.target === 'url') return { kind: 'url', target: urlArg(`${field}.url`, d.url) };
  // Peers are named like everything else we name (AddPeer: requireName).
  return { kind: 'peer', target: requireName(`${field}.peer`, d.peer) };
}

export function scheduleToProto(r: ExportScheduleRecord): ExportSchedule__Output {
  return {
    id: r.id,
    name: r.name,
    tenant: r.tenant,
    cron: r.cron,
    filter: filterToProto(r.filter),
    format: r.format,
    focusVersion: r.focusVersion,
    granularity: GranularityEnum.toProto(r.granularity),
    destination: { [r.destination.kind]: r.destination.target, target: r.destination.kind },
    createdUnixMs: r.createdUnixMs,
    lastRunUnixMs: r.lastRunUnixMs,
    lastStatus: r.lastStatus,
    lastRecords: r.lastRecords,
    exportedUntilUnixMs: r.exportedUntilUnixMs,
    lookbackS: r.lookbackS,
  } as ExportSchedule__Output;
}

/** The schedules' records; changes are audited by the RPC layer and evented here. */
export class ExportSchedules {
  constructor(
    private readonly store: Store,
    private readonly events: EventLog,
  ) {}

  async create(r: ExportScheduleRecord, actor: string): Promise<void> {
    let n = 0;
    for await (const _ of this.store.scan(EXPORT_SCHEDULES, { limit: MAX_SCHEDULES })) n++;
    if (n >= MAX_SCHEDULES) throw new InvalidArgumentError('schedule', `at most ${MAX_SCHEDULES} schedules`);
    await this.events.commit({
      ops: [put(EXPORT_SCHEDULES, r.id, r)],
      events: [
        {
          type: 'usage.schedule.created',
          message: 'export schedule created',
          actor,
          tenant: r.tenant,
          attributes: { schedule_id: r.id, name: r.name, destination: r.destination.kind },
        },
      ],
      ref: r.id,
    });
  }

  async get(id: string, scope: string | undefined): Promise<ExportScheduleRecord> {
    const v = await this.store.get<ExportScheduleRecord>(EXPORT_SCHEDULES, id);
    // Another tenant's schedule is as absent as a missing one.
    if (!v || (scope !== undefined && v.value.tenant !== scope)) throw new NotFoundError('export schedule');
    return v.value;
  }

  async list(
    scope: string | undefined,
    tenant: string,
    after: string,
    limit: number,
  ): Promise<{ items: ExportScheduleRecord[]; next: string }> {
    const items: ExportScheduleRecord[] = [];
    const want = scope ?? tenant;
    for await (const { value } of this.store.scan<ExportScheduleRecord>(EXPORT_SCHEDULES, after ? { gt: after } : {})) {
      if (want && value.tenant !== want) continue;
      if (items.length === limit) return { items, next: items.at(-1)!.id };
      items.push(value);
    }
    return { items, next: '' };
  }

  async all(): Promise<ExportScheduleRecord[]> {
    const out: ExportScheduleRecord[] = [];
    for await (const { value } of this.store.scan<ExportScheduleRecord>(EXPORT_SCHEDULES, { limit: MAX_SCHEDULES }))
      out.push(value);
    return out;
  }

  async remove(id: string, scope: string | undefined, actor: string): Promise<ExportScheduleRecord> {
    const r = await this.get(id, scope);
    await this.events.commit({
      ops: [del(EXPORT_SCHEDULES, id)],
      events: [
        {
          type: 'usage.schedule.deleted',
          message: 'export schedule deleted',
          actor,
          tenant: r.tenant,
          attributes: { schedule_id: id, name: r.name },
        },
      ],
      ref: id,
    });
    return r;
  }

  /** A run's outcome; nothing when the schedule was deleted meanwhile. */
  async recordRun(
    id: string,
    run: Pick<ExportScheduleRecord, 'lastRunUnixMs' | 'lastStatus' | 'lastRecords' | 'exportedUntilUnixMs'>,
  ): Promise<ExportScheduleRecord | undefined> {
    const v = await this.store.get<ExportScheduleRecord>(EXPORT_SCHEDULES, id);
    if (!v) return undefined;
    const next = { ...v.value, ...run };
    const ok = run.lastStatus === 'ok';
    await this.events.commit({
      ops: [put(EXPORT_SCHEDULES, id, next)],
      preconditions: [{ coll: EXPORT_SCHEDULES, key: id, version: v.version }],
      events: [
        {
          type: ok ? 'usage.export.ran' : 'usage.export.failed',
          severity: ok ? 'info' : 'warning',
          message: ok ? 'scheduled export ran' : `scheduled export failed: ${run.lastStatus}`,
          tenant: next.tenant,
          attributes: { schedule_id: id, records: String(run.lastRecords), destination: next.destination.kind },
        },
      ],
    });
    return next;
  }
}
