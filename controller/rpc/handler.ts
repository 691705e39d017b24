import * as grpc from '@grpc/grpc-js';
import { InvalidArgumentError, UnauthenticatedError } from '../../common/errors.js';
import { toStatus, statusName } from '../../common/grpc/status.js';
import type { Logger } from '../../common/logger.js';
import type { Store } from '../../common/store/index.js';
import { callContext, type CallContext } from '../context.js';
import { REQUESTS, requestKey } from '../events/log.js';
import type { TokenStore } from '../auth/tokens.js';
import { requestId as validRequestId } from '../../common/validate.js';

export interface RpcDeps {
  log: Logger;
  tokens: TokenStore;
  store: Store;
}

export type Principal = { kind: 'api'; tokenId: string };

type Meta = { metadata: grpc.Metadata; getPeer(): string };

export async function authenticateApi(deps: RpcDeps, call: Meta): Promise<Principal> {
  const v = call.metadata.get('authorization')[0];
  if (typeof v !== 'string' || !v) throw new UnauthenticatedError('missing API token (authorization: Bearer <token>)');
  const m = /^Bearer\s+(\S+)$/i.exec(v);
  if (!m) throw new UnauthenticatedError('authorization metadata must be "Bearer <token>"');
  const rec = await deps.tokens.verifyApi(m[1]!);
  return { kind: 'api', tokenId: rec.id };
}

export interface UnaryCtx extends CallContext {
  principal: Principal;
}

/**
 * Wraps an admin unary handler: authenticate, validate and run inside a call
 * context, replay on a repeated request_id, map errors, log one line.
 */
export function adminUnary<Req, Res>(
  deps: RpcDeps,
  rpc: string,
  fn: (req: Req, ctx: UnaryCtx) => Promise<Res>,
  replay?: (ref: string, req: Req, ctx: UnaryCtx) => Promise<Res>,
  opts: { public?: boolean } = {},
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const started = process.hrtime.bigint();
    const peer = call.getPeer();
    const finish = (err: unknown, res?: Res) => {
      const duration_ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (err) {
        const st = toStatus(err);
        if (st.code === grpc.status.INTERNAL) deps.log.error({ err, rpc, peer, duration_ms }, 'rpc failed');
        else deps.log.info({ rpc, peer, duration_ms, code: statusName(st.code) }, st.details);
        callback({ code: st.code, details: st.details, metadata: st.metadata });
      } else {
        deps.log.debug({ rpc, peer, duration_ms }, 'rpc ok');
        callback(null, res);
      }
    };
    (async () => {
      // Public RPCs (Enroll) authenticate with what the request itself carries.
      const principal: Principal = opts.public ? { kind: 'api', tokenId: '' } : await authenticateApi(deps, call);
      const req = call.request as Req & { requestId?: string };
      const requestId = 'requestId' in (req as object) ? validRequestId(req.requestId) : '';
      const ctx: UnaryCtx = { rpc, actor: principal.tokenId, peer, principal, requestId: requestId || undefined };
      return callContext.run(ctx, async () => {
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
      });
    })().then((res) => finish(null, res), (err) => finish(err));
  };
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
