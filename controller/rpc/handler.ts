import * as grpc from '@grpc/grpc-js';
import { InvalidArgumentError, NepheleError, ResourceExhaustedError, UnauthenticatedError } from '../../common/errors.js';
import { toStatus, statusName } from '../../common/grpc/status.js';
import { isUndecodable, UNDECODABLE } from '../../common/grpc/decode.js';
import type { Logger } from '../../common/logger.js';
import type { Store } from '../../common/store/index.js';
import type { Clock } from '../../common/clock.js';
import { callContext, type CallContext } from '../context.js';
import { auditEvent, REQUESTS, requestKey, type EventLog } from '../events/log.js';
import type { TokenStore } from '../auth/tokens.js';
import { authorize, rule, tenantScope, tokenPrincipal, type Principal } from '../auth/authz.js';
import { requestId as validRequestId } from '../../common/validate.js';
import { RateLimiter, type RateLimit } from './ratelimit.js';

export interface RpcLimits {
  /** Calls per API token. */
  perToken: RateLimit;
  /** Refused (unauthenticated) calls per peer address, so floods cannot fill the audit log. */
  perPeerRefused: RateLimit;
  /** Server-side work per call. */
  deadlineMs: number;
}

export const DEFAULT_LIMITS: RpcLimits = {
  perToken: { perSec: 100, burst: 200 },
  perPeerRefused: { perSec: 20, burst: 50 },
  deadlineMs: 30_000,
};

export interface RpcDeps {
  log: Logger;
  tokens: TokenStore;
  store: Store;
  events: EventLog;
  clock: Clock;
  limits: RpcLimits;
}

/** Per-server state of the RPC layer. */
export class RpcLayer {
  readonly tokenLimiter: RateLimiter;
  readonly refusedLimiter: RateLimiter;
  constructor(readonly deps: RpcDeps) {
    this.tokenLimiter = new RateLimiter(deps.limits.perToken, deps.clock);
    this.refusedLimiter = new RateLimiter(deps.limits.perPeerRefused, deps.clock);
  }
}

export type { Principal };

type Meta = { metadata: grpc.Metadata; getPeer(): string };

export async function authenticateApi(deps: RpcDeps, call: Meta): Promise<Principal> {
  const v = call.metadata.get('authorization')[0];
  if (typeof v !== 'string' || !v) throw new UnauthenticatedError('missing API token (authorization: Bearer <token>)');
  const m = /^Bearer\s+(\S{1,512})$/i.exec(v);
  if (!m) throw new UnauthenticatedError('authorization metadata must be "Bearer <token>"');
  const rec = await deps.tokens.verifyApi(m[1]!);
  return tokenPrincipal(rec);
}

export interface UnaryCtx extends CallContext {
  principal: Principal;
  /** undefined = every tenant; otherwise the only tenant this caller may touch. */
  scope: string | undefined;
}

const TARGET_FIELDS = ['hostId', 'tokenId', 'name', 'tenant', 'vmId', 'setId', 'group'] as const;

/** The ids a request names, for the audit record. */
function targetsOf(req: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!req || typeof req !== 'object') return out;
  for (const k of TARGET_FIELDS) {
    const v = (req as Record<string, unknown>)[k];
    if (typeof v === 'string' && v) out[`target_${k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())}`] = v.slice(0, 128);
  }
  return out;
}

function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new NepheleError('DEADLINE_EXCEEDED', 'the controller could not finish in time')), ms);
    }),
  ]);
}

const REFUSED = new Set([grpc.status.UNAUTHENTICATED, grpc.status.PERMISSION_DENIED, grpc.status.RESOURCE_EXHAUSTED]);

/**
 * Wraps a unary handler: authenticate, authorize by the RPC table, rate-limit,
 * run inside a call context with a deadline, replay on a repeated request_id,
 * audit, map errors, log one line. `rpc` is "Service.Method".
 */
export function unaryRpc<Req, Res>(
  layer: RpcLayer,
  rpc: string,
  fn: (req: Req, ctx: UnaryCtx) => Promise<Res>,
  replay?: (ref: string, req: Req, ctx: UnaryCtx) => Promise<Res>,
): grpc.handleUnaryCall<Req, Res> {
  const deps = layer.deps;
  const r = rule(rpc); // throws at start-up for an RPC without a rule
  return (call, callback) => {
    const started = process.hrtime.bigint();
    const peer = call.getPeer();
    const ctx: UnaryCtx = { rpc, actor: '', peer, principal: { kind: 'anonymous', id: '', role: '', tenant: '' }, scope: '' };
    const finish = (err: unknown, res?: Res) => {
      const duration_ms = Number(process.hrtime.bigint() - started) / 1e6;
      const st = err ? toStatus(err) : undefined;
      const refused = st ? REFUSED.has(st.code) : false;
      if (st?.code === grpc.status.INTERNAL) deps.log.error({ err, rpc, peer, duration_ms }, 'rpc failed');
      else if (st) deps.log.info({ rpc, peer, duration_ms, code: statusName(st.code), token_id: ctx.principal.id || undefined }, st.details);
      else deps.log.debug({ rpc, peer, duration_ms }, 'rpc ok');
      // Audit: every mutating call, every refused call. Successful mutations were
      // audited inside their own batch; the rest are appended here.
      const auditNow = (r.mutating && (st || ctx.audit?.pending)) || refused;
      const throttled = refused && ctx.principal.kind === 'anonymous' && !layer.refusedLimiter.take(`audit:${peerHost(peer)}`);
      const reply = () => (st ? callback({ code: st.code, details: st.details, metadata: st.metadata }) : callback(null, res));
      if (auditNow && !throttled) {
        ctx.audit ??= { pending: true, attributes: { ...principalAttrs(ctx.principal), ...targetsOf(call.request) } };
        deps.events.append(auditEvent(ctx, st ? statusName(st.code) : 'OK')).catch((e) => deps.log.error({ err: e, rpc }, 'audit write failed')).finally(reply);
      } else reply();
    };
    (async () => {
      if (r.need !== 'public') {
        ctx.principal = await authenticateApi(deps, call);
        ctx.actor = ctx.principal.id;
        ctx.tenant = ctx.principal.tenant;
        ctx.scope = tenantScope(ctx.principal);
        authorize(ctx.principal, rpc);
        if (!layer.tokenLimiter.take(ctx.principal.id)) throw new ResourceExhaustedError('rate limit exceeded for this token; slow down and retry');
      }
      if (isUndecodable(call.request)) throw new InvalidArgumentError('request', `cannot be decoded: ${call.request[UNDECODABLE]}`);
      const req = call.request as Req & { requestId?: string };
      const requestId = req && typeof req === 'object' && 'requestId' in req ? validRequestId(req.requestId) : '';
      ctx.requestId = requestId || undefined;
      if (r.mutating) ctx.audit = { pending: true, attributes: { ...principalAttrs(ctx.principal), ...targetsOf(req) } };
      return callContext.run(ctx, () => withDeadline((async () => {
        if (requestId && replay) {
          const prior = await deps.store.get<{ ref: string }>(REQUESTS, requestKey(rpc, requestId));
          if (prior) return replay(prior.value.ref, req, ctx);
        }
        try {
          return await fn(req, ctx);
        } catch (e) {
          // Two calls with one request_id raced; the loser answers as a replay.
          if (requestId && replay && (e as { code?: string }).code === 'ABORTED') {
            const prior = await deps.store.get<{ ref: string }>(REQUESTS, requestKey(rpc, requestId));
            if (prior) return replay(prior.value.ref, req, ctx);
          }
          throw e;
        }
      })(), deps.limits.deadlineMs));
    })().then((res) => finish(null, res), (err) => finish(err));
  };
}

function principalAttrs(p: Principal): Record<string, string> {
  if (p.kind === 'anonymous') return {};
  return { [p.kind === 'host' ? 'host_id' : 'token_id']: p.id, role: p.role, tenant: p.tenant };
}

function peerHost(peer: string): string {
  return peer.replace(/:\d+$/, '');
}

/** Page tokens are opaque to clients: base64url of the last key returned. */
export const pageToken = {
  encode: (key: string | undefined) => (key ? Buffer.from(key).toString('base64url') : ''),
  decode: (tok: unknown): string => {
    if (typeof tok !== 'string' || !tok) return '';
    const s = Buffer.from(tok, 'base64url').toString();
    if (!s || s.length > 256 || Buffer.from(s).toString('base64url') !== tok) {
      throw new InvalidArgumentError('page_token', 'is not a token this server issued');
    }
    return s;
  },
};
