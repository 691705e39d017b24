export * from './types.js';
export { LevelStore, runMigrations, META, SCHEMA_KEY, REOPEN_NEEDS_BYTES, StoreOpenError, StoreUnavailableError, levelErrorKind, levelReason, type LevelErrorKind } from './level.js';
export { Mutex } from './mutex.js';
