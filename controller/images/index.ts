// The image store, put together: what controller/server.ts constructs.
import type { Clock } from '../../common/clock.js';
import { GiB } from '../../common/limits.js';
import type { Logger } from '../../common/logger.js';
import type { Store } from '../../common/store/index.js';
import type { EventLog } from '../events/log.js';
import type { Tenants } from '../tenancy/tenants.js';
import { ImageBlobs } from './blobs.js';
import { Captures } from './captures.js';
import type { InspectTar } from './inspect.js';
import { Images } from './store.js';
import { Uploads } from './upload.js';

import { imageAgentHandlers } from './agent-handlers.js';
import { imageHandlers } from './handlers.js';
import type { RevokeDeps } from './revoke.js';
import type { RpcLayer } from '../rpc/handler.js';

export { imageHandlers, imageAgentHandlers };
export { Images } from './store.js';

export const MAX_IMAGE_BYTES = 64 * GiB;

export interface ImageStoreOptions {
  dataDir: string;
  store: Store;
  events: EventLog;
  clock: Clock;
  tenants: Pick<Tenants, 'exists' | 'prepareAdmit'>;
  log: Logger;
  /** common/tar.ts inspectTar (owned by `proc`); without it tar images are refused. */
  inspectTar?: InspectTar;
  maxBytes?: number;
  /** A sender quiet this long is cut off. */
  idleMs?: number;
  maxUploads?: number;
  maxPendingCaptures?: number;
  qemuImg?: string;
}

export interface ImageStoreParts {
  images: Images;
  blobs: ImageBlobs;
  captures: Captures;
  uploads: Uploads;
}

/** Opens the store's directory and sweeps what a previous run left half-done (staged uploads, orphan blobs). */
export async function openImageStore(o: ImageStoreOptions): Promise<ImageStoreParts> {
  const blobs = new ImageBlobs(o.dataDir);
  const swept = await blobs.sweep(o.store);
  if (swept.staged || swept.orphans) o.log.info({ staged: swept.staged, orphans: swept.orphans }, 'image store swept');
  const inspect = { inspectTar: o.inspectTar, qemuImg: o.qemuImg, maxBytes: o.maxBytes ?? MAX_IMAGE_BYTES };
  const idleMs = o.idleMs ?? 60_000;
  const captures = new Captures(blobs, o.clock, { ...inspect, idleMs, maxPending: o.maxPendingCaptures ?? 16 });
  const images = new Images({
    store: o.store,
    events: o.events,
    clock: o.clock,
    tenants: o.tenants,
    blobs,
    captures,
    log: o.log,
  });
  const uploads = new Uploads(images, o.tenants, { ...inspect, idleMs, maxUploads: o.maxUploads ?? 4 });
  return { images, blobs, captures, uploads };
}

export interface ImageServiceDeps {
  parts: ImageStoreParts;
  store: Store;
  events: EventLog;
  clock: Clock;
  log: Logger;
  /** Planner.retire: RevokeImage --retire-descendants. */
  retireSet: RevokeDeps['retireSet'];
  /** The store space alarm (StoreMonitor): uploads are refused while it is raised. */
  alarm: () => Error | undefined;
}

/** The image store's handlers for AgentService (`agent`) and TokenService (`token`). */
export function imageServices(layer: RpcLayer, d: ImageServiceDeps) {
  const { parts, store, events, clock, log, retireSet, alarm } = d;
  return {
    agent: imageAgentHandlers(layer, { store, blobs: parts.blobs, captures: parts.captures, alarm, log }),
    token: imageHandlers(layer, {
      store,
      events,
      clock,
      log,
      images: parts.images,
      uploads: parts.uploads,
      retireSet,
      alarm,
    }),
  };
}
