import type { Migration } from '../common/store/index.js';

// Schema migrations of the controller store, applied in order at start.
// v1 is the initial layout: hosts, groups, group-members, tokens, events, requests.
export const MIGRATIONS: Migration[] = [
  { version: 1, name: 'initial layout', up: async () => {} },
];
