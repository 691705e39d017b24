import type * as grpc from '@grpc/grpc-js';
import type { UsageServiceHandlers } from '../../common/gen/nephele/v1/UsageService.js';
import type { ExportUsageRequest__Output } from '../../common/gen/nephele/v1/ExportUsageRequest.js';
import type { ExportUsageChunk } from '../../common/gen/nephele/v1/ExportUsageChunk.js';
import type { CreateExportScheduleRequest__Output } from '../../common/gen/nephele/v1/CreateExportScheduleRequest.js';
import type { ListExportSchedulesRequest__Output } from '../../common/gen/nephele/v1/ListExportSchedulesRequest.js';
import type { DeleteExportScheduleRequest__Output } from '../../common/gen/nephele/v1/DeleteExportScheduleRequest.js';
import type { Logger } from '../../common/logger.js';
import type { Clock } from '../../common/clock.js';
import { InvalidArgumentError } from '../../common/errors.js';
import { optionalString, pageSize, requireId } from '../../common/validate.js';
import { pageToken, principalAttrs, unaryRpc, type RpcLayer } from '../rpc/handler.js';
import { streamRpc } from '../rpc/stream.js';
import { filterFromProto, granularityArg } from './convert.js';
import { focusColumns } from './export/focus.js';
import { formatArg } from './export/format.js';
import { openExport, type ExportRequest, type ExportSources } from './export/pipeline.js';
import type { ScheduleRunner } from './export/runner.js';
import { scheduleFromProto, scheduleToProto, type ExportSchedules } from './schedules.js';

// UsageService's export group: ExportUsage (a stream of chunks) and the export schedules.

export interface ExportDeps {
  sources: ExportSources;
  schedules: ExportSchedules;
  runner: ScheduleRunner;
  clock: Clock;
  log: Logger;
}

type ExportCall = grpc.ServerWritableStream<ExportUsageRequest__Output, ExportUsageChunk>;

export function exportRequestFromProto(req: ExportUsageRequest__Output, scope: string | undefined): ExportRequest {
  const format = formatArg(req.format);
  const focusVersion = optionalString('focus_version', req.focusVersion, 16);
  if (format === 'focus') focusColumns(focusVersion);
  const rateCardVersion = Number(req.rateCardVersion ?? 0);
  if (!Number.isSafeInteger(rateCardVersion) || rateCardVersion < 0)
    throw new InvalidArgumentError('rate_card_version', 'must be a card version');
  return {
    filter: filterFromProto(req.filter, scope),
    format,
    focusVersion,
    granularity: granularityArg(req.granularity),
    rateCardVersion,
  };
}

/** Resolves when the client can take more (or is gone). */
function drained(call: ExportCall): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('close', done);
      call.off('cancelled', done);
      resolve();
    };
    call.on('drain', done);
    call.on('close', done);
    call.on('cancelled', done);
  });
}

type ExportGroup = Pick<
  UsageServiceHandlers,
  'ExportUsage' | 'CreateExportSchedule' | 'ListExportSchedules' | 'DeleteExportSchedule'
>;

export function exportHandlers(layer: RpcLayer, d: ExportDeps): ExportGroup {
  return {
    ExportUsage: streamRpc(layer, 'UsageService.ExportUsage', async (call: ExportCall, ctx) => {
      const req = exportRequestFromProto(call.request, ctx.scope);
      const attributes: Record<string, string> = {
        ...principalAttrs(ctx.principal),
        format: req.format,
        granularity: req.granularity,
        filter_tenant: req.filter.tenant,
      };
      // Every export is audited, also a successful one: the stream marks its audit pending.
      ctx.audit = { pending: true, attributes };
      const { card, chunks } = await openExport(d.sources, req);
      let records = 0;
      let bytes = 0;
      let first = true;
      let gone = false;
      call.once('cancelled', () => (gone = true));
      for await (const c of chunks) {
        if (gone || call.cancelled) break;
        records += c.records;
        bytes += c.data.length;
        const msg: ExportUsageChunk = { data: c.data, records: c.records };
        if (first) Object.assign(msg, { totalRecords: 0, rateCardVersion: card?.version ?? 0 });
        first = false;
        // Backpressure: a slow client holds the scan, not the controller's memory.
        if (!call.write(msg)) await drained(call);
      }
      if (first && !gone) call.write({ data: Buffer.alloc(0), records: 0, rateCardVersion: card?.version ?? 0 });
      attributes.records = String(records);
      d.log.info(
        {
          format: req.format,
          granularity: req.granularity,
          records,
          bytes,
          tenant: req.filter.tenant,
          cancelled: gone,
        },
        'usage exported',
      );
      if (!gone) call.end();
    }),
    CreateExportSchedule: unaryRpc(
      layer,
      'UsageService.CreateExportSchedule',
      async (req: CreateExportScheduleRequest__Output, ctx) => {
        const rec = scheduleFromProto(req.schedule, ctx.scope, d.clock.now());
        await d.schedules.create(rec, ctx.actor);
        d.runner.add(rec);
        return { schedule: scheduleToProto(rec) };
      },
      async (ref, _req, ctx) => ({ schedule: scheduleToProto(await d.schedules.get(ref, ctx.scope)) }),
    ),
    ListExportSchedules: unaryRpc(
      layer,
      'UsageService.ListExportSchedules',
      async (req: ListExportSchedulesRequest__Output, ctx) => {
        const tenant = optionalString('tenant', req.tenant, 63);
        const page = await d.schedules.list(ctx.scope, tenant, pageToken.decode(req.pageToken), pageSize(req.pageSize));
        return { schedules: page.items.map(scheduleToProto), nextPageToken: pageToken.encode(page.next) };
      },
    ),
    DeleteExportSchedule: unaryRpc(
      layer,
      'UsageService.DeleteExportSchedule',
      async (req: DeleteExportScheduleRequest__Output, ctx) => {
        const id = requireId('schedule_id', req.scheduleId);
        await d.schedules.remove(id, ctx.scope, ctx.actor);
        d.runner.remove(id);
        return {};
      },
    ),
  };
}
