export * from './types.js';
export { LevelStore, runMigrations, META, SCHEMA_KEY, REOPEN_NEEDS_BYTES } from './level.js';
export {
  StoreOpenError,
  StoreUnavailableError,
  levelErrorKind,
  levelReason,
  type LevelErrorKind,
} from './level-errors.js';
export { Mutex, KeyedMutex, Semaphore } from './mutex.js';
export { retryOnConflict, isConflict, CONFLICT_ATTEMPTS } from './retry.js';
