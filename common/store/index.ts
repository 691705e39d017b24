export * from './types.js';
export { LevelStore, runMigrations, META, SCHEMA_KEY, StoreOpenError, StoreUnavailableError, levelErrorKind, levelReason, type LevelErrorKind } from './level.js';
export { Mutex } from './mutex.js';
