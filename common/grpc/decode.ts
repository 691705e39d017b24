import type * as grpc from '@grpc/grpc-js';
import { passEncoded } from '../chunk-codec.js';
import { InvalidArgumentError } from '../errors.js';
import { toStatus } from './status.js';

// grpc-js answers INTERNAL when a request cannot be decoded, and offers no hook
// to change that. Wrapping each method's deserializer turns undecodable bytes
// into a marker that the handlers answer with INVALID_ARGUMENT.

export const UNDECODABLE = Symbol('undecodable request');

export interface Undecodable {
  [UNDECODABLE]: string;
}

export function isUndecodable(v: unknown): v is Undecodable {
  return typeof v === 'object' && v !== null && UNDECODABLE in v;
}

export function safeService<T extends grpc.ServiceDefinition>(def: T): T {
  const out: Record<string, unknown> = {};
  for (const [name, m] of Object.entries(def)) {
    out[name] = {
      ...m,
      // A handler may write a pre-encoded chunk (common/chunk-codec.ts): its bytes go out as they are.
      responseSerialize: passEncoded(m.responseSerialize),
      requestDeserialize: (buf: Buffer) => {
        try {
          return m.requestDeserialize(buf);
        } catch (e) {
          return { [UNDECODABLE]: (e as Error).message.slice(0, 200) };
        }
      },
    };
  }
  return out as T;
}

/**
 * For services whose handlers are not ours (the standard health service):
 * their requests are decoded with safeService's deserializers and an
 * undecodable one is answered INVALID_ARGUMENT before it reaches them, as
 * every nephele.v1 method answers it.
 */
export function rejectUndecodable(
  def: grpc.ServiceDefinition,
  impl: grpc.UntypedServiceImplementation,
): grpc.UntypedServiceImplementation {
  const out: grpc.UntypedServiceImplementation = {};
  for (const [key, handler] of Object.entries(impl)) {
    const m = def[key] ?? Object.values(def).find((x) => x.originalName === key);
    const refuse = (request: unknown) => {
      const st = toStatus(
        new InvalidArgumentError('request', `cannot be decoded: ${(request as Undecodable)[UNDECODABLE]}`),
      );
      return { code: st.code, details: st.details, metadata: st.metadata };
    };
    if (!m || m.requestStream) out[key] = handler;
    else if (m.responseStream) {
      out[key] = ((call: grpc.ServerWritableStream<unknown, unknown>) => {
        if (isUndecodable(call.request)) call.emit('error', refuse(call.request));
        else (handler as grpc.handleServerStreamingCall<unknown, unknown>)(call);
      }) as grpc.UntypedHandleCall;
    } else {
      out[key] = ((call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => {
        if (isUndecodable(call.request)) cb(refuse(call.request));
        else (handler as grpc.handleUnaryCall<unknown, unknown>)(call, cb);
      }) as grpc.UntypedHandleCall;
    }
  }
  return out;
}
