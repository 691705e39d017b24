// Typed errors. Capabilities throw these; common/grpc/status.ts maps them to gRPC
// status codes in one place, so handlers never pick codes themselves.

export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  | 'PERMISSION_DENIED'
  | 'UNAUTHENTICATED'
  | 'RESOURCE_EXHAUSTED'
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED'
  | 'ABORTED'
  | 'INTERNAL';

/**
 * Longest message an error carries. Messages quote what the caller sent, and they travel
 * as the grpc-message trailer (percent-encoded, so up to 12 bytes per character) and as
 * log lines: a 400 KB quoted value once made a trailer no client would accept, and the
 * call hung until its deadline. 512 characters stay under every client's header limit.
 */
export const MAX_MESSAGE_CHARS = 512;
const MAX_FIELD_CHARS = 128;

/** `s` cut to `max` characters (never inside a surrogate pair), saying how much was cut. */
export function bounded(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max - 24;
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--; // a high surrogate would be left alone
  return `${s.slice(0, end)}… (${s.length - end} more)`;
}

export class NepheleError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(bounded(message, MAX_MESSAGE_CHARS), options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A request field is wrong. `field` is the path, e.g. `groups[2]` or `spec.vcpus`. */
export class InvalidArgumentError extends NepheleError {
  readonly field: string;
  constructor(field: string, problem: string) {
    const name = bounded(field, MAX_FIELD_CHARS);
    super('INVALID_ARGUMENT', `${name}: ${problem}`);
    this.field = name;
  }
}

export class NotFoundError extends NepheleError {
  constructor(what: string) {
    super('NOT_FOUND', `${what} not found`);
  }
}

export class AlreadyExistsError extends NepheleError {
  constructor(what: string) {
    super('ALREADY_EXISTS', `${what} already exists`);
  }
}

export class FailedPreconditionError extends NepheleError {
  constructor(message: string) {
    super('FAILED_PRECONDITION', message);
  }
}

export class UnauthenticatedError extends NepheleError {
  /** Why, for the server's log only: the caller gets `message`, which must not tell failures apart. */
  readonly reason?: string;
  constructor(message = 'missing or invalid credentials', reason?: string) {
    super('UNAUTHENTICATED', message);
    if (reason) this.reason = reason;
  }
}

export class PermissionDeniedError extends NepheleError {
  constructor(message = 'permission denied') {
    super('PERMISSION_DENIED', message);
  }
}

export class ResourceExhaustedError extends NepheleError {
  constructor(message: string) {
    super('RESOURCE_EXHAUSTED', message);
  }
}

/** What the call needs is away for now (a host not connected); the same call may work later. */
export class UnavailableError extends NepheleError {
  constructor(message: string) {
    super('UNAVAILABLE', message);
  }
}

/**
 * A watcher fell behind the live events and was ended. Everything up to
 * `resumeSeq` was sent (it is in the trailers too); a client resumes after it,
 * or after the last seq it received if that is lower (grpc-js, for one, drops
 * messages it had not handed over yet when an error status arrives).
 */
export class WatchBehindError extends NepheleError {
  readonly resumeSeq: number;
  constructor(resumeSeq: number, message: string) {
    super('ABORTED', `${message}; resume with since_seq=${resumeSeq} (or the last seq received, if lower)`);
    this.resumeSeq = resumeSeq;
  }
}

/** A store batch precondition did not hold; the batch wrote nothing. */
export class ConflictError extends NepheleError {
  readonly key: string;
  constructor(key: string, message: string) {
    super('ABORTED', message);
    this.key = key;
  }
}

export function isNepheleError(e: unknown): e is NepheleError {
  return e instanceof NepheleError;
}

/** A bus subscriber that did not read fell behind (the WatchBehindError rule, named in the bus's terms). */
export class SubscriberBehindError extends NepheleError {
  readonly resumeSeq: number;
  constructor(resumeSeq: number, message: string) {
    super('ABORTED', `${message}; resume with after_seq=${resumeSeq} (or the last seq received, if lower)`);
    this.resumeSeq = resumeSeq;
  }
}
