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

/** Trailer of a watch that fell behind: the seq it was sent up to, to resume after (see WatchBehindError). */
export const RESUME_SEQ = 'nephele-resume-seq';

export interface StatusLike {
  code: grpc.status;
  details: string;
  metadata?: grpc.Metadata;
}

/**
 * A metadata value from text that may quote the caller (a config key, a path): grpc-js
 * throws on anything but printable ASCII, and a throw here would leave the call unanswered.
 */
function asciiHeader(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Status text from text that may quote the caller: grpc-js percent-encodes it with
 * encodeURI, which throws on a lone UTF-16 surrogate (a fuzzed string field can decode
 * to one), and that throw escaped the call and ended the controller. U+FFFD instead.
 */
function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** Maps any thrown value to a status; unknown errors become INTERNAL without leaking internals. */
export function toStatus(err: unknown): StatusLike {
  if (err instanceof NepheleError) {
    const metadata = new grpc.Metadata();
    if ('field' in err && typeof err.field === 'string') metadata.set('nephele-field', asciiHeader(err.field));
    if ('resumeSeq' in err && typeof err.resumeSeq === 'number') metadata.set(RESUME_SEQ, String(err.resumeSeq));
    return { code: CODES[err.code], details: wellFormed(err.message), metadata };
  }
  return { code: grpc.status.INTERNAL, details: 'internal error' };
}

export function statusName(code: number): string {
  return grpc.status[code] ?? String(code);
}

/** The seq a watch that fell behind was sent up to; undefined for any other end. */
export function resumeSeqOf(e: unknown): number | undefined {
  if (!isStatus(e, grpc.status.ABORTED)) return undefined;
  const v = (e as { metadata?: grpc.Metadata }).metadata?.get(RESUME_SEQ)[0];
  const n = typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

export function isStatus(e: unknown, code: grpc.status): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}
