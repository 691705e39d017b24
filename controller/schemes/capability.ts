// The scheme abstraction assembled for server.ts (issue 16): the schemes catalog and
// definition formats, imports and exports, foreign vocabularies and cross-scheme
// migration, and the VM messaging bus, with SchemeService over them.
import type { RpcLayer } from '../rpc/handler.js';
import type { SchemeDeps } from './deps.js';
import { schemeHandlers, type NativeHandlers, type SchemeParts } from './service.js';
import { nativeHandlers } from './native/handlers.js';
import { startTransfers } from './transfer/index.js';
import { definitionHandlers } from './catalog/service.js';
import { nativeVerbs } from './catalog/verbs.js';

export async function startSchemesCapability(d: SchemeDeps) {
  // Each part adds its construction here, e.g. `const bus = await startBus(d);`.
  const transfer = startTransfers(d);
  const stops: (() => Promise<void>)[] = [];
  return {
    handlers: (layer: RpcLayer) => {
      const parts: Partial<SchemeParts> = {
        definitions: definitionHandlers(layer, d, nativeVerbs),
        transfers: transfer.handlers(layer),
        // ControlVmNative only here; MigrateAcrossSchemes comes from the migrate part (the coordinator joins them).
        native: nativeHandlers(layer, {
          vms: d.vms,
          push: (id) => d.sessions.pushDesired(id),
          log: d.log,
        }) as NativeHandlers,
        // bus: bus.handlers(layer),
      };
      return schemeHandlers(parts);
    },
    stop: async () => {
      for (const s of stops) await s();
    },
  };
}
