export * from './types.js';
export { LevelStore, runMigrations, META, SCHEMA_KEY } from './level.js';
export { Mutex } from './mutex.js';
