// The scheme abstraction assembled for server.ts (issue 16): the schemes catalog and
// definition formats, imports and exports, foreign vocabularies and cross-scheme
// migration, and the VM messaging bus, with SchemeService over them.
import type { RpcLayer } from '../rpc/handler.js';
import type { SchemeDeps } from './deps.js';
import { schemeHandlers, type SchemeParts } from './service.js';
import { definitionHandlers } from './catalog/service.js';
import { temporaryNativeVerbs } from './catalog/verbs.js';

export async function startSchemesCapability(d: SchemeDeps) {
  // Each part adds its construction here, e.g. `const bus = await startBus(d);`.
  const stops: (() => Promise<void>)[] = [];
  return {
    handlers: (layer: RpcLayer) => {
      void layer;
      const parts: Partial<SchemeParts> = {
        // SEAM: the coordinator swaps temporaryNativeVerbs for the native part's vocabulary export.
        definitions: definitionHandlers(layer, d, temporaryNativeVerbs),
        // transfers: transfer.handlers(layer),
        // native: native.handlers(layer),
        // bus: bus.handlers(layer),
      };
      return schemeHandlers(parts);
    },
    stop: async () => {
      for (const s of stops) await s();
    },
  };
}
