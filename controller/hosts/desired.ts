import type { DesiredVm } from '../../common/gen/nephele/v1/DesiredVm.js';
import type { ControllerMessage } from '../../common/gen/nephele/v1/ControllerMessage.js';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import { outsideCall } from '../context.js';

/** A live session desired state can be sent to. */
export interface PushTarget {
  readonly replaced: boolean;
  send(m: ControllerMessage): void;
}

/** A short delay collapses a burst of changes (a set of 200 VMs) into a few pushes. */
export const PUSH_DEBOUNCE_MS = 10;

/**
 * Sends a host its full desired state (level-triggered), debounced on the
 * Clock: requests made while a push waits collapse into it (one made while it
 * is being computed waits for one more), and the push runs outside the call
 * that caused it.
 */
export class DesiredPush {
  private readonly pending = new Set<string>();

  constructor(
    private readonly clock: Clock,
    private readonly compute: (hostId: string) => Promise<DesiredVm[]>,
    private readonly target: (hostId: string) => PushTarget | undefined,
    private readonly log: Logger,
    private readonly delayMs = PUSH_DEBOUNCE_MS,
  ) {}

  request(hostId: string): void {
    if (this.pending.has(hostId) || !this.target(hostId)) return;
    this.pending.add(hostId);
    this.clock.setTimeout(
      outsideCall(() => {
        this.pending.delete(hostId);
        const cur = this.target(hostId);
        if (!cur || cur.replaced) return;
        this.compute(hostId)
          .then((vms) => {
            if (!cur.replaced) cur.send({ desiredState: { vms } });
          })
          .catch((err) => this.log.error({ err, host_id: hostId }, 'could not compute desired state'));
      }),
      this.delayMs,
    );
  }
}
