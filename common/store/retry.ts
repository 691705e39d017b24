import { ConflictError } from '../errors.js';

/**
 * Optimistic-concurrency attempts: a read-check-write that lost a version race
 * is re-run from its read. Twenty attempts is far past any contention we have
 * seen (a handful of writers per record); past it the ConflictError surfaces as
 * ABORTED, which callers may retry.
 */
export const CONFLICT_ATTEMPTS = 20;

/** Runs `fn` again while it throws ConflictError, at most `attempts` times in all. */
export async function retryOnConflict<T>(
  fn: (attempt: number) => Promise<T>,
  attempts = CONFLICT_ATTEMPTS,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (!(e instanceof ConflictError) || attempt >= attempts) throw e;
    }
  }
}

export const isConflict = (e: unknown): e is ConflictError => e instanceof ConflictError;
