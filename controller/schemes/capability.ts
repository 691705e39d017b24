// The scheme abstraction assembled for server.ts (issue 16): the schemes catalog and
// definition formats, imports and exports, foreign vocabularies and cross-scheme
// migration, and the VM messaging bus, with SchemeService over them.
import type { RpcLayer } from '../rpc/handler.js';
import type { SchemeDeps } from './deps.js';
import { schemeHandlers, type SchemeParts } from './service.js';
import { startBus } from './bus/index.js';

export async function startSchemesCapability(d: SchemeDeps) {
  void d;
  // Each part adds its construction here, e.g. `const bus = await startBus(d);`.
  const stops: (() => Promise<void>)[] = [];
  const bus = await startBus(d);
  stops.push(bus.stop);
  return {
    handlers: (layer: RpcLayer) => {
      void layer;
      const parts: Partial<SchemeParts> = {
        // definitions: definitions.handlers(layer),
        // transfers: transfer.handlers(layer),
        // native: native.handlers(layer),
        bus: bus.handlers(layer),
      };
      return schemeHandlers(parts);
    },
    stop: async () => {
      for (const s of stops) await s();
    },
  };
}
