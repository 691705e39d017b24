// Analyze: thin handler (validate, scope a page of VMs, analyze, convert).
import type { AnalyzeRequest__Output } from '../../../common/gen/nephele/v1/AnalyzeRequest.js';
import { InvalidArgumentError } from '../../../common/errors.js';
import { analysisToProto } from '../../../common/grpc/convert-reclass.js';
import type { Clock } from '../../../common/clock.js';
import { unaryRpc, type RpcLayer } from '../../rpc/handler.js';
import type { VmRegistry } from '../../vms/registry.js';
import type { AnalyzeOptions, Analyzer } from '../ports.js';
import { resolveScope, vmsInScope } from '../scope.js';
import type { AnalyzeHandlers } from '../service.js';
import { windowOf } from './analyzer.js';

export const DEFAULT_WINDOW_HOURS = 168;
export const MAX_WINDOW_HOURS = 2160;
export const DEFAULT_MIN_DATA_HOURS = 24;

function hoursArg(field: string, v: unknown, def: number): number {
  const n = Number(v ?? 0);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(field, 'must be a whole number of hours');
  if (n > MAX_WINDOW_HOURS) throw new InvalidArgumentError(field, `at most ${MAX_WINDOW_HOURS} hours (90 days)`);
  return n || def;
}

/** window_hours and min_data_hours of an Analyze (or Recommend) request, defaulted and checked. */
export function analyzeOptions(
  req: { windowHours?: number | null; minDataHours?: number | null },
  nowUnixMs: number,
): AnalyzeOptions {
  const windowHours = hoursArg('window_hours', req.windowHours, DEFAULT_WINDOW_HOURS);
  const minDataHours = hoursArg('min_data_hours', req.minDataHours, DEFAULT_MIN_DATA_HOURS);
  if (windowHours < minDataHours)
    throw new InvalidArgumentError(
      'window_hours',
      `${windowHours} hours is shorter than min_data_hours (${minDataHours}): no VM could have enough data`,
    );
  return { windowHours, minDataHours, nowUnixMs };
}

export function analyzeHandlers(
  layer: RpcLayer,
  d: { analyzer: Analyzer; vms: VmRegistry; clock: Clock },
): AnalyzeHandlers {
  return {
    Analyze: unaryRpc(layer, 'ReclassService.Analyze', async (req: AnalyzeRequest__Output, ctx) => {
      const opts = analyzeOptions(req, d.clock.now());
      const scope = resolveScope(req, ctx.scope);
      const page = await vmsInScope(d.vms, scope, ctx.scope);
      const analyses = await d.analyzer.analyze(page.vms, opts);
      const w = windowOf(opts);
      return {
        analyses: analyses.map(analysisToProto),
        nextPageToken: page.next,
        windowStartUnixMs: w.fromUnixMs,
        windowEndUnixMs: w.toUnixMs,
      };
    }),
  };
}
