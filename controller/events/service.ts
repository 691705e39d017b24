import type { EventServiceHandlers } from '../../common/gen/nephele/v1/EventService.js';
import type { EventFilter__Output } from '../../common/gen/nephele/v1/EventFilter.js';
import { InvalidArgumentError } from '../../common/errors.js';
import { optionalString, pageSize } from '../../common/validate.js';
import { unaryRpc, pageToken, type RpcLayer } from '../rpc/handler.js';
import { streamRpc } from '../rpc/stream.js';
import type { EventLog } from './log.js';
import { serveWatch, WatchSlots } from './watch.js';

function seqArg(v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new InvalidArgumentError('since_seq', 'must be a non-negative integer');
  return v;
}

/** The caller's filter, narrowed to its tenant when it is tenant-scoped. */
function filterArg(f: EventFilter__Output | null | undefined, scope: string | undefined): EventFilter__Output {
  const tenant = optionalString('filter.tenant', f?.tenant, 63);
  return {
    typePrefix: optionalString('filter.type_prefix', f?.typePrefix, 128),
    hostId: optionalString('filter.host_id', f?.hostId, 64),
    auditOnly: !!f?.auditOnly,
    // A scoped caller asking for another tenant gets its own (nothing else exists for it).
    tenant: scope ?? tenant,
  };
}

export function eventHandlers(layer: RpcLayer, log: EventLog): EventServiceHandlers {
  const deps = layer.deps;
  const limits = deps.limits.watches;
  const slots = new WatchSlots(limits);
  return {
    ListEvents: unaryRpc(layer, 'EventService.ListEvents', async (req, ctx) => {
      const limit = pageSize(req.pageSize, 100, 1000);
      const tok = pageToken.decode(req.pageToken);
      const since = tok ? Number(tok) : seqArg(req.sinceSeq);
      if (!Number.isSafeInteger(since))
        throw new InvalidArgumentError('page_token', 'is not a token this server issued');
      const { events, more, next } = await log.list(since, limit, filterArg(req.filter, ctx.scope));
      return { events, nextPageToken: more ? pageToken.encode(String(next)) : '', lastSeq: log.lastSeq() };
    }),

    // Admitted like unary calls (authenticate, rate, authorize: streamRpc), then
    // a slot per token and in all; the watch itself is bounded (see serveWatch).
    WatchEvents: streamRpc(layer, 'EventService.WatchEvents', async (call, ctx) => {
      const since = seqArg(call.request.sinceSeq);
      const filter = filterArg(call.request.filter, ctx.scope);
      const release = slots.acquire(ctx.principal.id);
      try {
        await serveWatch(
          call,
          log,
          { since, filter, buffer: limits.buffer },
          deps.log.child({ rpc: 'WatchEvents', token_id: ctx.principal.id }),
        );
      } finally {
        release();
      }
    }),
  };
}
