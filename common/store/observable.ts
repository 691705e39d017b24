import type { Op, Store } from './types.js';

/** A store that reports its committed writes and its failed ones (LevelStore): for caches kept in step with it. */
export interface Observable {
  observeWrites(fn: (ops: readonly Op[]) => void): void;
  onWriteFailure(fn: () => void): void;
}

export const observable = (s: Store): s is Store & Observable =>
  typeof (s as Partial<Observable>).observeWrites === 'function' &&
  typeof (s as Partial<Observable>).onWriteFailure === 'function';
