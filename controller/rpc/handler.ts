import { createHash } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import {
  InvalidArgumentError,
  NepheleError,
  ResourceExhaustedError,
  UnauthenticatedError,
} from '../../common/errors.js';
import { toStatus, statusName } from '../../common/grpc/status.js';
import { isUndecodable, UNDECODABLE } from '../../common/grpc/decode.js';
import { rpcLevel, type Logger } from '../../common/logger.js';
import { isConflict, type Store } from '../../common/store/index.js';
import type { Clock } from '../../common/clock.js';
import { callContext, type CallContext } from '../context.js';
import { auditEvent, REQUESTS, requestKey, type EventLog, type RequestRecord } from '../events/log.js';
import type { TokenStore } from '../auth/tokens.js';
import { authorize, rule, tenantScope, tokenPrincipal, type Principal, type Rule } from '../auth/authz.js';
import { requestId as validRequestId } from '../../common/validate.js';
import { RateLimiter, type RateLimit } from './ratelimit.js';
import { DEFAULT_REFUSAL_AUDIT, RefusalAudit, type RefusalAuditLimits, type Refuser } from './refusals.js';
import { DEFAULT_WATCH_LIMITS, type WatchLimits } from '../events/watch.js';

export interface RpcLimits {
  /** Calls per API token. */
  perToken: RateLimit;
  /**
   * Failed anonymous calls per peer address. A peer over it is refused public
   * calls (Enroll) before any work; successes cost nothing, so many agents
   * behind one address still enrol in bulk.
   */
  perPeerRefused: RateLimit;
  /** How refused calls are audited: a few one by one per caller and window, the rest aggregated. */
  refusalAudit: RefusalAuditLimits;
  /** WatchEvents streams and their buffers. */
  watches: WatchLimits;
  /** Server-side work per call. */
  deadlineMs: number;
}

export const DEFAULT_LIMITS: RpcLimits = {
  perToken: { perSec: 100, burst: 200 },
  perPeerRefused: { perSec: 20, burst: 50 },
  refusalAudit: DEFAULT_REFUSAL_AUDIT,
  watches: DEFAULT_WATCH_LIMITS,
  deadlineMs: 30_000,
};

export interface RpcDeps {
  /** Checks the client certificate of agent RPCs (Session, PutDisk, GetDisk). */
  agents?: AgentAuthenticator;
  log: Logger;
  tokens: TokenStore;
  store: Store;
  events: EventLog;
  clock: Clock;
  limits: RpcLimits;
  /** Told of every finished call, unary or streaming ("Service.Method", gRPC code name): metrics. */
  metrics?: { rpcDone(rpc: string, code: string, seconds: number): void };
}

/** Per-server state of the RPC layer. */
export class RpcLayer {
  readonly tokenLimiter: RateLimiter;
  readonly refusedLimiter: RateLimiter;
  readonly refusals: RefusalAudit;
  constructor(readonly deps: RpcDeps) {
    this.tokenLimiter = new RateLimiter(deps.limits.perToken, deps.clock);
    this.refusedLimiter = new RateLimiter(deps.limits.perPeerRefused, deps.clock);
    this.refusals = new RefusalAudit(
      deps.limits.refusalAudit,
      deps.clock,
      (e) => deps.events.append(e),
      (err) => deps.log.error({ err }, 'audit write failed'),
    );
    this.refusals.start();
  }

  /** Writes the refusal counts still open; once no more calls come in. */
  stop(): Promise<void> {
    return this.refusals.stop();
  }
}

export type { Principal };

type Meta = { metadata: grpc.Metadata; getPeer(): string };
/** What admission reads of a call: its metadata, its peer and (agents) its TLS peer certificate. */
export type AdmitCall = Meta & Pick<grpc.ServerUnaryCall<unknown, unknown>, 'getAuthContext'>;

/** The host behind an agent call. */
export interface AgentPeer {
  hostId: string;
  /** It presented its current certificate while the one it replaced is still accepted: that one can be retired. */
  retirePrevious: boolean;
}

export interface AgentAuthenticator {
  /** The host a call comes from (UNAUTHENTICATED, or NOT_FOUND for an unknown host, otherwise). */
  authenticate(call: AdmitCall): Promise<AgentPeer>;
}

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
  /** Agent RPCs: the host and its certificate's standing. */
  agent?: AgentPeer;
}

const TARGET_FIELDS = ['hostId', 'tokenId', 'name', 'tenant', 'vmId', 'setId', 'group'] as const;

/** The ids a request names, for the audit record. */
function targetsOf(req: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!req || typeof req !== 'object') return out;
  for (const k of TARGET_FIELDS) {
    const v = (req as Record<string, unknown>)[k];
    if (typeof v === 'string' && v)
      out[`target_${k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())}`] = v.slice(0, 128);
  }
  return out;
}

export function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(
        () => reject(new NepheleError('DEADLINE_EXCEEDED', 'the controller could not finish in time')),
        ms,
      );
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
  /** A call that does long work by design (CaptureImage flattens and uploads a disk) gets its own deadline. */
  opts: { deadlineMs?: number } = {},
): grpc.handleUnaryCall<Req, Res> {
  const deps = layer.deps;
  const r = rule(rpc); // throws at start-up for an RPC without a rule
  return (call, callback) => {
    const started = process.hrtime.bigint();
    const ctx = newCtx(rpc, call.getPeer());
    (async () => {
      await admit(layer, r, call, ctx);
      if (isUndecodable(call.request))
        throw new InvalidArgumentError('request', `cannot be decoded: ${call.request[UNDECODABLE]}`);
      const req = call.request as Req & { requestId?: string };
      const requestId = req && typeof req === 'object' && 'requestId' in req ? validRequestId(req.requestId) : '';
      // A request_id belongs to an authenticated caller (principal + RPC + id, with
      // a hash of the body). Public RPCs keep no request records: Enroll's join token
      // is single-use, and an anonymous caller has nothing to own one by.
      const idempotent = !!requestId && ctx.principal.kind === 'token';
      if (idempotent) {
        ctx.requestId = requestId;
        ctx.requestHash = bodyHash(req);
      }
      if (r.mutating)
        ctx.audit = { pending: true, attributes: { ...principalAttrs(ctx.principal), ...targetsOf(req) } };
      // The caller's own earlier answer, if any. The RPC table was checked above;
      // `replay` re-runs the handler's own checks against the caller as it is now.
      const prior = async (): Promise<string | undefined> => {
        const rec = await deps.store.get<RequestRecord>(REQUESTS, requestKey(ctx.principal.id, rpc, requestId));
        if (!rec) return undefined;
        if (rec.value.bodyHash !== ctx.requestHash)
          throw new InvalidArgumentError('request_id', 'was already used for a different request; use a new one');
        return rec.value.ref;
      };
      return callContext.run(ctx, () =>
        withDeadline(
          (async () => {
            if (idempotent && replay) {
              const ref = await prior();
              if (ref !== undefined) return replay(ref, req, ctx);
            }
            try {
              return await fn(req, ctx);
            } catch (e) {
              // Two calls with one request_id raced; the loser answers as a replay.
              if (idempotent && replay && isConflict(e)) {
                const ref = await prior();
                if (ref !== undefined) return replay(ref, req, ctx);
              }
              throw e;
            }
          })(),
          opts.deadlineMs ?? deps.limits.deadlineMs,
        ),
      );
    })().then(
      (res) => void settle(layer, r, ctx, started, call.request, null).then(() => callback(null, res)),
      (err) =>
        void settle(layer, r, ctx, started, call.request, err).then((st) =>
          callback({ code: st!.code, details: st!.details, metadata: st!.metadata }),
        ),
    );
  };
}

/** A call's context before admission: nobody yet. */
export function newCtx(rpc: string, peer: string): UnaryCtx {
  return { rpc, actor: '', peer, principal: { kind: 'anonymous', id: '', role: '', tenant: '' }, scope: '' };
}

/**
 * Admission, the same for every RPC, unary or streaming: who the caller is
 * (API token, agent certificate, or nobody for public RPCs), its rate, and
 * whether its role may call the RPC. Fills `ctx`; throws the refusal.
 */
export async function admit(layer: RpcLayer, r: Rule, call: Meta | AdmitCall, ctx: UnaryCtx): Promise<void> {
  const deps = layer.deps;
  if (r.need === 'public') {
    // An address that keeps failing is turned away before any work (join-token lookup, CSR parse).
    if (!layer.refusedLimiter.has(peerHost(ctx.peer)))
      throw new ResourceExhaustedError('too many failed calls from this address; slow down and retry');
    return;
  }
  if (r.need === 'agent') {
    if (!deps.agents || !('getAuthContext' in call))
      throw new UnauthenticatedError('this controller does not serve agents here');
    ctx.agent = await deps.agents.authenticate(call);
    ctx.principal = { kind: 'host', id: ctx.agent.hostId, role: 'agent', tenant: '' };
  } else ctx.principal = await authenticateApi(deps, call);
  ctx.actor = ctx.principal.id;
  ctx.tenant = ctx.principal.tenant;
  ctx.scope = tenantScope(ctx.principal);
  // The rate before authorization: a caller over it costs no further work, and denied calls count too.
  if (!layer.tokenLimiter.take(ctx.principal.id))
    throw new ResourceExhaustedError(
      `rate limit exceeded for this ${ctx.principal.kind === 'host' ? 'host' : 'token'}; slow down and retry`,
    );
  authorize(ctx.principal, ctx.rpc);
}

/**
 * The end of every call: one log line, and the audit record. Every mutating
 * call and every refused one is audited; successful mutations were audited
 * inside their own batch, the rest are appended here. Failures are audited one
 * by one only up to a few per caller and window, the rest counted into one
 * aggregate event, so a flood cannot flood the log. Resolves (with the status
 * of a failure) once the audit record is written, so the caller sees it after
 * its answer.
 */
export async function settle(
  layer: RpcLayer,
  r: Rule,
  ctx: UnaryCtx,
  started: bigint,
  request: unknown,
  err: unknown,
): Promise<ReturnType<typeof toStatus> | undefined> {
  const { deps } = layer;
  const { rpc, peer } = ctx;
  const duration_ms = Number(process.hrtime.bigint() - started) / 1e6;
  const st = err ? toStatus(err) : undefined;
  const refused = st ? REFUSED.has(st.code) : false;
  deps.metrics?.rpcDone(rpc, st ? statusName(st.code) : 'OK', duration_ms / 1000);
  const who =
    ctx.principal.kind === 'host' ? { host_id: ctx.principal.id } : { token_id: ctx.principal.id || undefined };
  if (st?.code === grpc.status.INTERNAL) deps.log.error({ err, rpc, peer, duration_ms }, 'rpc failed');
  else if (st)
    deps.log[rpcLevel(st.code)](
      { rpc, peer, duration_ms, code: statusName(st.code), ...who, reason: (err as { reason?: string }).reason },
      st.details,
    );
  else deps.log.debug({ rpc, peer, duration_ms }, 'rpc ok');
  // A failed call whose audit is still pending (a mutation, or a stream that
  // marked its opening as such) is audited like a refusal.
  const auditNow = (r.mutating && (st || ctx.audit?.pending)) || refused || (!!st && !!ctx.audit?.pending);
  const throttled = !!st && auditNow && !layer.refusals.admit(refuserOf(ctx), rpc, statusName(st.code));
  if (st && ctx.principal.kind === 'anonymous') layer.refusedLimiter.take(peerHost(peer));
  if (auditNow && !throttled) {
    ctx.audit ??= { pending: true, attributes: { ...principalAttrs(ctx.principal), ...targetsOf(request) } };
    await deps.events
      .append(auditEvent(ctx, st ? statusName(st.code) : 'OK'))
      .catch((e) => deps.log.error({ err: e, rpc }, 'audit write failed'));
  }
  return st;
}

/** Keys sorted at every level, so one request always gives one text. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (!v || typeof v !== 'object' || Buffer.isBuffer(v)) return v;
  const o = v as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, canonical(o[k])]),
  );
}

/** Hash of a decoded request without its request_id: what a replay must repeat exactly. */
export function bodyHash(req: object): string {
  const { requestId: _id, ...body } = req as Record<string, unknown>;
  return createHash('sha256')
    .update(JSON.stringify(canonical(body)))
    .digest('base64url');
}

export function principalAttrs(p: Principal): Record<string, string> {
  if (p.kind === 'anonymous') return {};
  return { [p.kind === 'host' ? 'host_id' : 'token_id']: p.id, role: p.role, tenant: p.tenant };
}

/** Refusals count against the principal, or against the address of an anonymous caller. */
function refuserOf(ctx: UnaryCtx): Refuser {
  const p = ctx.principal;
  if (p.kind === 'anonymous') {
    const host = peerHost(ctx.peer);
    return { key: `peer:${host}`, actor: '', tenant: '', attributes: { peer: host } };
  }
  return {
    key: `${p.kind}:${p.id}`,
    actor: p.id,
    tenant: p.tenant,
    hostId: p.kind === 'host' ? p.id : undefined,
    attributes: principalAttrs(p),
  };
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
