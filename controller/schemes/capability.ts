// The scheme abstraction assembled for server.ts (issue 16): the schemes catalog and
// definition formats, imports and exports, foreign vocabularies and cross-scheme
// migration, and the VM messaging bus, with SchemeService over them.
import type { RpcLayer } from '../rpc/handler.js';
import type { SchemeDeps } from './deps.js';
import { schemeHandlers } from './service.js';
import { rename } from 'node:fs/promises';
import type { DiskFormatName } from '../../common/spec/definition.js';
import { GiB, MAX_DISK_GIB } from '../../common/limits.js';
import { nativeHandlers } from './native/handlers.js';
import { startTransfers } from './transfer/index.js';
import { definitionHandlers } from './catalog/service.js';
import { nativeVerbs } from './catalog/verbs.js';
import { convertDisk } from './disk/convert.js';
import { startMigrate, type ConvertDisk } from './migrate/index.js';

/** Migration converts the moved disk in place when the two schemes' disk formats differ. */
const convertInPlace: ConvertDisk = async (path, from, to) => {
  const out = `${path}.${to}`;
  await convertDisk(path, from as DiskFormatName, out, to as DiskFormatName, { maxVirtualBytes: MAX_DISK_GIB * GiB });
  await rename(out, path);
};
import { startBus } from './bus/index.js';

export async function startSchemesCapability(d: SchemeDeps) {
  const transfer = startTransfers(d);
  const migrate = startMigrate(d, { convertDisk: convertInPlace });
  await migrate.migrations.recover();
  const stops: (() => Promise<void>)[] = [];
  const bus = await startBus(d);
  stops.push(bus.stop);
  return {
    handlers: (layer: RpcLayer) => {
      return schemeHandlers({
        definitions: definitionHandlers(layer, d, nativeVerbs),
        transfers: transfer.handlers(layer),
        native: {
          ...nativeHandlers(layer, { vms: d.vms, push: (id) => d.sessions.pushDesired(id), log: d.log }),
          ...migrate.handlers(layer),
        },
        bus: bus.handlers(layer),
      });
    },
    /** VmService.MigrateVm (server.ts adds it to VmService). */
    migrateVm: (layer: RpcLayer) => migrate.vmHandlers(layer).MigrateVm,
    stop: async () => {
      for (const s of stops) await s();
    },
  };
}
