import type { HostShownState } from '../../common/model/enums.js';
import type { HostRecord } from '../model/index.js';
import type { LiveState } from './liveness.js';

/**
 * What a host is shown as: `revoked` above all (it can never come back,
 * whatever its liveness), then `unknown` while a restarted controller waits
 * for its session, else its stored state.
 */
export function shownState(rec: HostRecord, live: LiveState | undefined): HostShownState {
  if (rec.revoked) return 'revoked';
  return live === 'unknown' ? 'unknown' : rec.state;
}

/** What QEMU guests run under on the host ("kvm" | "tcg"): its inventory says, or its qemu fingerprint; "" for neither. */
export function acceleratorOf(rec: HostRecord): string {
  return (
    rec.inventory?.hypervisors?.find((h) => h.accelerator)?.accelerator ||
    rec.schemeInfo?.find((s) => s.scheme === 'qemu')?.attributes.accelerator ||
    ''
  );
}
