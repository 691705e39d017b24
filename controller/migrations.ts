import { absent, put, type Migration } from '../common/store/index.js';
import { indexEventClasses } from './events/log.js';
import { toModelNames } from './model/migrate.js';
import { splitHostAcks } from './hosts/acks-migration.js';

// Schema migrations of the controller store, applied in order at start.
// v1 is the initial layout: hosts, groups, group-members, tokens, events, requests.
export const MIGRATIONS: Migration[] = [
  { version: 1, name: 'initial layout', up: async () => {} },
  {
    version: 2,
    name: 'tenants: the default tenant',
    up: async (store) => {
      if (await store.get('tenants', 'default')) return;
      const zero = { vcpus: 0, memoryBytes: 0, vms: 0, images: 0 };
      await store.batch(
        [
          put('tenants', 'default', {
            name: 'default',
            description: 'tenant of objects made without one',
            createdUnixMs: Date.now(),
            quota: zero,
            usage: zero,
          }),
        ],
        [absent('tenants', 'default')],
      );
    },
  },
  { version: 3, name: 'events: retention index by class (audit, other)', up: indexEventClasses },
  { version: 4, name: 'records: our model names for states and kinds (not the proto enum names)', up: toModelNames },
  { version: 5, name: 'hosts: durable seq and outbox epochs in their own ack record', up: splitHostAcks },
];
