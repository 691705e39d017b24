// The scheme abstraction assembled for server.ts (issue 16): the schemes catalog and
// definition formats, imports and exports, foreign vocabularies and cross-scheme
// migration, and the VM messaging bus, with SchemeService over them.
import type { RpcLayer } from '../rpc/handler.js';
import type { SchemeDeps } from './deps.js';
import { schemeHandlers, type NativeHandlers, type SchemeParts } from './service.js';
import { startMigrate } from './migrate/index.js';

export async function startSchemesCapability(d: SchemeDeps) {
  // Each part adds its construction here, e.g. `const bus = await startBus(d);`.
  // Coordinator: hand controller/schemes/disk's convertDisk in here ({ convertDisk }) once merged.
  const migrate = startMigrate(d);
  await migrate.migrations.recover();
  const stops: (() => Promise<void>)[] = [];
  return {
    handlers: (layer: RpcLayer) => {
      void layer;
      const parts: Partial<SchemeParts> = {
        // definitions: definitions.handlers(layer),
        // transfers: transfer.handlers(layer),
        // native: { ...native.handlers(layer), ...migrate.handlers(layer) },
        native: migrate.handlers(layer) as NativeHandlers, // cast until the native part is merged
        // bus: bus.handlers(layer),
      };
      return schemeHandlers(parts);
    },
    /** VmService.MigrateVm (server.ts adds it to VmService). */
    migrateVm: (layer: RpcLayer) => migrate.vmHandlers(layer).MigrateVm,
    stop: async () => {
      for (const s of stops) await s();
    },
  };
}
