import * as grpc from '@grpc/grpc-js';
import { NepheleError, type ErrorCode } from '../errors.js';

// The one place where typed errors become gRPC statuses (and back, for clients).

const CODES: Record<ErrorCode, grpc.status> = {
  INVALID_ARGUMENT: grpc.status.INVALID_ARGUMENT,
  NOT_FOUND: grpc.status.NOT_FOUND,
  ALREADY_EXISTS: grpc.status.ALREADY_EXISTS,
  FAILED_PRECONDITION: grpc.status.FAILED_PRECONDITION,
  PERMISSION_DENIED: grpc.status.PERMISSION_DENIED,
  UNAUTHENTICATED: grpc.status.UNAUTHENTICATED,
  RESOURCE_EXHAUSTED: grpc.status.RESOURCE_EXHAUSTED,
  UNAVAILABLE: grpc.status.UNAVAILABLE,
  DEADLINE_EXCEEDED: grpc.status.DEADLINE_EXCEEDED,
  ABORTED: grpc.status.ABORTED,
  INTERNAL: grpc.status.INTERNAL,
};

export interface StatusLike {
  code: grpc.status;
  details: string;
  metadata?: grpc.Metadata;
}

/** Maps any thrown value to a status; unknown errors become INTERNAL without leaking internals. */
export function toStatus(err: unknown): StatusLike {
  if (err instanceof NepheleError) {
    const metadata = new grpc.Metadata();
    if ('field' in err && typeof err.field === 'string') metadata.set('nephele-field', err.field);
    return { code: CODES[err.code], details: err.message, metadata };
  }
  return { code: grpc.status.INTERNAL, details: 'internal error' };
}

export function statusName(code: number): string {
  return grpc.status[code] ?? String(code);
}

export function isStatus(e: unknown, code: grpc.status): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}
