import { NepheleError } from '../errors.js';

/** What went wrong with LevelDB, from its error codes and status text. */
export type LevelErrorKind = 'locked' | 'no-space' | 'corrupt' | 'io';

export function levelErrorKind(e: unknown): LevelErrorKind | undefined {
  for (
    let x = e as { code?: unknown; message?: unknown; cause?: unknown } | undefined, i = 0;
    x && i < 4;
    x = x.cause as typeof x, i++
  ) {
    const msg = String(x.message ?? '');
    if (x.code === 'LEVEL_LOCKED') return 'locked';
    if (/No space left|ENOSPC|Disk quota exceeded/i.test(msg)) return 'no-space';
    if (x.code === 'LEVEL_CORRUPTION' || /^Corruption:/.test(msg)) return 'corrupt';
    if (x.code === 'LEVEL_IO_ERROR' || /^IO error:/.test(msg)) return 'io';
  }
  return undefined;
}

/** LevelDB's status text without the file path (the OS reason, e.g. "No space left on device"). */
export function levelReason(e: unknown): string {
  let x = e as { message?: unknown; cause?: { message?: unknown } } | undefined;
  if (x?.cause && /failed to open/i.test(String(x.message))) x = x.cause;
  const msg = String(x?.message ?? e);
  return msg.replace(/^(IO error|Corruption): .*\/[^:]*: /, '$1: ').slice(0, 200);
}

/** LevelDB refused to open. `kind` lets the caller tell the operator what to do. */
export class StoreOpenError extends Error {
  constructor(
    readonly kind: LevelErrorKind | 'other',
    readonly path: string,
    cause: unknown,
  ) {
    super(`cannot open the store at ${path}: ${levelReason(cause)}`, { cause });
    this.name = 'StoreOpenError';
  }
}

/** The store cannot take writes (or reads) right now; callers may retry later. */
export class StoreUnavailableError extends NepheleError {
  constructor(what: 'write' | 'read', cause: unknown) {
    super(
      'UNAVAILABLE',
      `the controller cannot ${what} its store (${levelReason(cause)}); it recovers by itself once the disk is usable again, retry later`,
      { cause },
    );
  }
}

/** Reads while the database is closed (a reopen that failed) or failing are UNAVAILABLE, not INTERNAL. */
export function unreadable(e: unknown): unknown {
  const code = (e as { code?: unknown } | undefined)?.code;
  const closed = code === 'LEVEL_DATABASE_NOT_OPEN' || code === 'LEVEL_ITERATOR_NOT_OPEN';
  return closed || levelErrorKind(e) === 'io' || levelErrorKind(e) === 'no-space'
    ? new StoreUnavailableError('read', e)
    : e;
}
