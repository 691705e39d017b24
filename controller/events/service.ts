import type { EventServiceHandlers } from '../../common/gen/nephele/v1/EventService.js';
import type { EventFilter__Output } from '../../common/gen/nephele/v1/EventFilter.js';
import type { Event__Output as Event } from '../../common/gen/nephele/v1/Event.js';
import { InvalidArgumentError, ResourceExhaustedError } from '../../common/errors.js';
import { toStatus } from '../../common/grpc/status.js';
import { isUndecodable } from '../../common/grpc/decode.js';
import { optionalString, pageSize } from '../../common/validate.js';
import { unaryRpc, authenticateApi, pageToken, type RpcLayer } from '../rpc/handler.js';
import { authorize, tenantScope } from '../auth/authz.js';
import { matches, type EventLog } from './log.js';

function seqArg(v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new InvalidArgumentError('since_seq', 'must be a non-negative integer');
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

const MAX_BUFFERED = 10_000;

export function eventHandlers(layer: RpcLayer, log: EventLog): EventServiceHandlers {
  const deps = layer.deps;
  return {
    ListEvents: unaryRpc(layer, 'EventService.ListEvents', async (req, ctx) => {
      const limit = pageSize(req.pageSize, 100, 1000);
      const tok = pageToken.decode(req.pageToken);
      const since = tok ? Number(tok) : seqArg(req.sinceSeq);
      if (!Number.isSafeInteger(since)) throw new InvalidArgumentError('page_token', 'is not a token this server issued');
      const { events, more } = await log.list(since, limit, filterArg(req.filter, ctx.scope));
      return { events, nextPageToken: more ? pageToken.encode(String(events.at(-1)!.seq)) : '', lastSeq: log.lastSeq() };
    }),

    // Subscribe first, then replay from the store, then drain what arrived
    // meanwhile, skipping what the replay already sent: no gap, no duplicate.
    WatchEvents: (call) => {
      let closed = false;
      let unsubscribe = () => {};
      const end = (err?: unknown) => {
        if (closed) return;
        closed = true;
        unsubscribe();
        if (err) {
          const st = toStatus(err);
          call.emit('error', { code: st.code, details: st.details, metadata: st.metadata });
        }
        else call.end();
      };
      call.on('cancelled', () => end());
      call.on('error', () => end());
      (async () => {
        const principal = await authenticateApi(deps, call);
        authorize(principal, 'EventService.WatchEvents');
        if (!layer.tokenLimiter.take(principal.id)) throw new ResourceExhaustedError('rate limit exceeded for this token');
        if (isUndecodable(call.request)) throw new InvalidArgumentError('request', 'cannot be decoded');
        const since = seqArg(call.request.sinceSeq);
        const filter = filterArg(call.request.filter, tenantScope(principal));
        let last = since;
        let backlog: Event[] | null = [];
        unsubscribe = log.subscribe((e) => {
          if (closed) return;
          if (backlog) {
            backlog.push(e);
            if (backlog.length > MAX_BUFFERED) end(new ResourceExhaustedError('watcher fell behind; reconnect with since_seq'));
            return;
          }
          if (e.seq > last && matches(e, filter)) {
            last = e.seq;
            call.write(e);
          }
        });
        for await (const value of log.scanFrom(since, filter.tenant || undefined)) {
          if (closed) return;
          if (matches(value, filter)) call.write(value);
          last = value.seq;
        }
        const queued = backlog;
        backlog = null;
        for (const e of queued) {
          if (e.seq > last) {
            if (matches(e, filter)) call.write(e);
            last = e.seq;
          }
        }
      })().catch((err) => {
        deps.log.info({ rpc: 'WatchEvents', err: String(err) }, 'watch refused');
        end(err);
      });
    },
  };
}
