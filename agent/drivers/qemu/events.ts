import type { Logger } from '../../../common/logger.js';
import type { ExitListener, GuestEvent } from '../driver.js';
import type { InstanceContext } from './qemu-process.js';

// The listeners of a driver whose VMs are QEMUs with the guest agent (qemu,
// libvirt): exits, status changes, guest events; and the instance callbacks
// that feed them. A listener that throws is logged, never breaks the others.
export class GuestDriverEvents {
  private readonly exits = new Set<ExitListener>();
  private readonly changes = new Set<(id: string) => void>();
  private readonly guestEvents = new Set<(id: string, e: GuestEvent) => void>();

  constructor(private readonly log: Logger) {}

  onExit(listener: ExitListener): void {
    this.exits.add(listener);
  }

  onStatusChange(listener: (id: string) => void): () => void {
    this.changes.add(listener);
    return () => this.changes.delete(listener);
  }

  onGuestEvent(listener: (id: string, e: GuestEvent) => void): () => void {
    this.guestEvents.add(listener);
    return () => this.guestEvents.delete(listener);
  }

  /** The callbacks an instance reports through. */
  callbacks(): Pick<InstanceContext, 'exited' | 'changed' | 'guestEvent'> {
    return {
      exited: (id, reason) => this.emit(this.exits, (l) => l(id, reason)),
      changed: (id) => this.emit(this.changes, (l) => l(id)),
      guestEvent: (id, e) => this.emit(this.guestEvents, (l) => l(id, e)),
    };
  }

  /** Agent shutdown: nobody is told anything more. */
  clear(): void {
    this.exits.clear();
    this.changes.clear();
  }

  private emit<L>(listeners: Set<L>, call: (l: L) => void): void {
    for (const l of [...listeners]) {
      try {
        call(l);
      } catch (e) {
        this.log.error({ err: e }, 'driver listener threw');
      }
    }
  }
}
