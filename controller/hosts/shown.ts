import type { HostShownState } from '../../common/model/enums.js';
import type { HostRecord } from '../model/index.js';
import type { LiveState } from './liveness.js';

/**
 * What a host is shown as: `revoked` above all (it can never come back,
 * whatever its liveness), then its in-memory liveness (`unknown` while a
 * restarted controller waits for its session), else its stored state. The
 * liveness leads: the record is its durable copy, written after each
 * transition, so showing the record would call a host ready for the length
 * of that write after its liveness gave up on it (and a command sent on that
 * word finds no session).
 */
export function shownState(rec: HostRecord, live: LiveState | undefined): HostShownState {
  if (rec.revoked) return 'revoked';
  return live ?? rec.state;
}

/** What QEMU guests run under on the host ("kvm" | "tcg"): its inventory says, or its qemu fingerprint; "" for neither. */
export function acceleratorOf(rec: HostRecord): string {
  return (
    rec.inventory?.hypervisors?.find((h) => h.accelerator)?.accelerator ||
    rec.schemeInfo?.find((s) => s.scheme === 'qemu')?.attributes.accelerator ||
    ''
  );
}
