import type * as grpc from '@grpc/grpc-js';

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
