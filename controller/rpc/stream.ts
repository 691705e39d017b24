import type * as grpc from '@grpc/grpc-js';
import { InvalidArgumentError } from '../../common/errors.js';
import { isUndecodable, UNDECODABLE } from '../../common/grpc/decode.js';
import { rule } from '../auth/authz.js';
import { admit, newCtx, settle, withDeadline, type AdmitCall, type RpcLayer, type UnaryCtx } from './handler.js';

/** What the wrapper uses of a grpc-js server stream (readable, writable or both). */
export type StreamCall = AdmitCall & {
  readonly cancelled: boolean;
  readonly destroyed?: boolean;
  request?: unknown;
  emit(event: 'error', status: unknown): boolean;
};

export type StreamCtx = UnaryCtx;

/**
 * Wraps a streaming handler with the admission and the ending of unary calls
 * (handler.ts): authenticate (API token or agent certificate), rate, authorize,
 * all under the call deadline; a server-streaming request that cannot be
 * decoded is INVALID_ARGUMENT; then `fn` serves the stream. Its promise settles
 * when the call is over: a rejection becomes the call's status (or, for a
 * client stream, the callback's error); either way one log line and, for
 * refusals (and failures while ctx.audit is pending), the audit record, as for
 * unary calls. The deadline bounds admission only: a stream lives as long as
 * its client wants it (watches) or its data needs (disks).
 *
 * The handler does not run inside the call context: what a long-lived stream
 * writes (an agent's reports) is not the opening call's own change.
 */
export function streamRpc<C extends StreamCall, R = void>(
  layer: RpcLayer,
  rpc: string,
  fn: (call: C, ctx: StreamCtx) => Promise<R>,
): (call: C, callback?: grpc.sendUnaryData<R>) => void {
  const r = rule(rpc); // throws at start-up for an RPC without a rule
  return (call, callback) => {
    const started = process.hrtime.bigint();
    const ctx = newCtx(rpc, call.getPeer());
    (async () => {
      await withDeadline(admit(layer, r, call, ctx), layer.deps.limits.deadlineMs);
      if (call.request !== undefined && isUndecodable(call.request))
        throw new InvalidArgumentError('request', `cannot be decoded: ${call.request[UNDECODABLE]}`);
      return fn(call, ctx);
    })().then(
      (res) => void settle(layer, r, ctx, started, call.request, null).then(() => callback?.(null, res)),
      (err) =>
        void settle(layer, r, ctx, started, call.request, err).then((st) => {
          const status = { code: st!.code, details: st!.details, metadata: st!.metadata };
          if (callback) callback(status);
          else if (!call.cancelled && !call.destroyed) call.emit('error', status);
        }),
    );
  };
}
