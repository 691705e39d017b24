// Publish, Subscribe, ListTopics: thin handlers over the router. A tenant's
// token uses its own tenant's topics only; admins (no tenant scope) name the
// tenant explicitly.
import type { SubscribeRequest__Output } from '../../../common/gen/nephele/v1/SubscribeRequest.js';
import type { BusMessage } from '../../../common/gen/nephele/v1/BusMessage.js';
import type * as grpc from '@grpc/grpc-js';
import { InvalidArgumentError, PermissionDeniedError, ResourceExhaustedError } from '../../../common/errors.js';
import { optionalString, pageSize, requireName } from '../../../common/validate.js';
import { pageToken, unaryRpc, type RpcLayer } from '../../rpc/handler.js';
import { streamRpc } from '../../rpc/stream.js';
import { WatchSlots } from '../../events/watch.js';
import { RateLimiter } from '../../rpc/ratelimit.js';
import type { BusHandlers } from '../service.js';
import type { Bus } from './bus.js';
import { checkPayload, checkTopic, type BusLimits } from './core.js';
import { serveSubscribe } from './subscriber.js';

/** The tenant a call acts in: its scope, or (admins) the one it names. */
export function tenantOf(scope: string | undefined, asked: unknown): string {
  const named = optionalString('tenant', asked, 63);
  if (scope === undefined) {
    if (!named)
      throw new InvalidArgumentError(
        'tenant',
        'is required for a token of no tenant (name the tenant whose topic it is)',
      );
    return requireName('tenant', named);
  }
  if (named && named !== scope) throw new PermissionDeniedError("a tenant token may use only its own tenant's topics");
  return scope;
}

function seqArg(v: unknown): number {
  const n = typeof v === 'number' ? v : Number(v ?? 0);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('after_seq', 'must be a non-negative integer');
  return n;
}

export function busHandlers(layer: RpcLayer, bus: Bus, limits: BusLimits): BusHandlers {
  const log = layer.deps.log;
  const slots = new WatchSlots({ perToken: limits.subscriptionsPerToken, total: limits.subscriptionsTotal, buffer: 0 });
  const publishLimiter = new RateLimiter(limits.perVm, layer.deps.clock);
  return {
    Publish: unaryRpc(layer, 'SchemeService.Publish', async (req, ctx) => {
      const tenant = tenantOf(ctx.scope, req.tenant);
      const topic = checkTopic('topic', req.topic);
      const payload = checkPayload('payload', req.payload);
      if (!publishLimiter.take(ctx.principal.id))
        throw new ResourceExhaustedError('publish rate limit exceeded for this token; slow down');
      const seq = await bus.publish(tenant, topic, payload, { vmId: '', scheme: '' });
      return { seq };
    }),

    Subscribe: streamRpc(
      layer,
      'SchemeService.Subscribe',
      async (call: grpc.ServerWritableStream<SubscribeRequest__Output, BusMessage>, ctx) => {
        const req = call.request;
        const tenant = tenantOf(ctx.scope, req.tenant);
        const topic = checkTopic('topic', req.topic);
        const afterSeq = seqArg(req.afterSeq);
        const release = slots.acquire(ctx.principal.id);
        try {
          await serveSubscribe(
            call,
            bus,
            { tenant, topic, afterSeq, buffer: limits.subscriberBuffer },
            log.child({ rpc: 'Subscribe', token_id: ctx.principal.id }),
          );
        } finally {
          release();
        }
      },
    ),

    ListTopics: unaryRpc(layer, 'SchemeService.ListTopics', async (req, ctx) => {
      const tenant = ctx.scope ?? (optionalString('tenant', req.tenant, 63) || undefined);
      if (ctx.scope !== undefined && req.tenant && req.tenant !== ctx.scope)
        throw new PermissionDeniedError("a tenant token may list only its own tenant's topics");
      const limit = pageSize(req.pageSize, 100, 1000);
      const after = pageToken.decode(req.pageToken);
      const { topics, more } = bus.list(tenant, after, limit);
      const last = topics.at(-1);
      return {
        topics: topics.map((t) => ({
          name: t.name,
          tenant: t.tenant,
          lastSeq: t.lastSeq,
          subscribers: t.subscribers,
          vmIds: t.vmIds,
        })),
        nextPageToken: more && last ? pageToken.encode(`${last.tenant}/${last.name}`) : '',
      };
    }),
  };
}
