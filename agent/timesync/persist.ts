import type { Logger } from '../../common/logger.js';
import { put, type Store } from '../../common/store/index.js';
import type { ControllerClock } from './controller-clock.js';
import type { Estimate } from './estimate.js';

const KEY = 'controller-clock';

/**
 * Keeps the learned offset across agent restarts: an agent that comes back
 * while the controller is away meters with it rather than waiting (or stamping
 * its own, possibly skewed, time). The first Welcome replaces it.
 */
export async function keepControllerClock(store: Store, clock: ControllerClock, log: Logger): Promise<void> {
  const kept = await store.get<Estimate>('state', KEY);
  if (kept?.value) clock.restore(kept.value);
  clock.onMoved(
    (e) =>
      void store
        .batch([put('state', KEY, e)])
        .catch((err: unknown) => log.warn({ err }, "controller's clock offset not kept")),
  );
}
