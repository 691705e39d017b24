import type { EventServiceHandlers } from '../../common/gen/nephele/v1/EventService.js';
import type { EventFilter__Output } from '../../common/gen/nephele/v1/EventFilter.js';
import type { ListEventsRequest__Output } from '../../common/gen/nephele/v1/ListEventsRequest.js';
import { InvalidArgumentError } from '../../common/errors.js';
import { optionalString, pageSize, requireId } from '../../common/validate.js';
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
    hostId: idArg('filter.host_id', f?.hostId),
    auditOnly: !!f?.auditOnly,
    // A scoped caller asking for another tenant gets its own (nothing else exists for it).
    tenant: scope ?? tenant,
    vmId: idArg('filter.vm_id', f?.vmId),
    setId: idArg('filter.set_id', f?.setId),
  };
}

const idArg = (field: string, v: unknown): string => (v ? requireId(field, v) : '');

/**
 * Where a page starts: after since_seq (or the token's seq), or, newest first,
 * below the token's seq ("<seq") and down to since_seq, up to the head when
 * there is no token.
 */
function pageArgs(req: ListEventsRequest__Output, head: number): { since: number; upTo?: number } {
  const since = seqArg(req.sinceSeq);
  const tok = pageToken.decode(req.pageToken);
  const newest = req.newestFirst;
  const n = tok ? Number(newest ? tok.replace(/^</, '') : tok) : undefined;
  if (n !== undefined && (!Number.isSafeInteger(n) || n < 0 || newest !== tok.startsWith('<')))
    throw new InvalidArgumentError('page_token', 'is not a token this server issued');
  if (!newest) return { since: n ?? since };
  return { since, upTo: n === undefined ? head : n - 1 };
}

export function eventHandlers(layer: RpcLayer, log: EventLog): EventServiceHandlers {
  const deps = layer.deps;
  const limits = deps.limits.watches;
  const slots = new WatchSlots(limits);
  return {
    ListEvents: unaryRpc(layer, 'EventService.ListEvents', async (req, ctx) => {
      const limit = pageSize(req.pageSize, 100, 1000);
      const filter = filterArg(req.filter, ctx.scope);
      // The head before the scan: newest first reads from it, and a follower resumes after it.
      const head = log.lastSeq();
      const { since, upTo } = pageArgs(req, head);
      const { events, more, next } = await log.list(since, limit, filter, upTo, req.newestFirst);
      const tok = more ? pageToken.encode(req.newestFirst ? `<${next}` : String(next)) : '';
      return { events, nextPageToken: tok, lastSeq: req.newestFirst ? head : log.lastSeq() };
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
