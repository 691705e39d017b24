import type { VmPhase, VmStats } from '../driver.js';
import type { GuestChannel } from './guest-channel.js';

// Network bytes of a QEMU guest for metering: user-mode networking (slirp)
// keeps no counters on the host, so the guest agent reads its /proc/net/dev
// (every interface but lo). The guest's word: bounded, never trusted further.

export const GUEST_NET_SOURCE = 'guest:/proc/net/dev';

/** `<rx> <tx>` from the guest agent's net-dev answer; undefined when it is not that. */
export function parseNetDev(answer: string): { rx: number; tx: number } | undefined {
  const m = /^(\d{1,16}) (\d{1,16})$/.exec(answer.trim());
  if (!m) return undefined;
  const rx = Number(m[1]);
  const tx = Number(m[2]);
  return Number.isSafeInteger(rx) && Number.isSafeInteger(tx) ? { rx, tx } : undefined;
}

/** Fills `s`'s net counters from a running, ready guest (user-mode networking keeps none on the host). */
export async function addGuestNet(
  s: VmStats,
  vm: { guestReady: boolean; phase: VmPhase; gaOf(): Promise<GuestChannel> },
): Promise<void> {
  const net =
    vm.guestReady && vm.phase === 'running' ? await vm.gaOf().then(guestNetBytes, () => undefined) : undefined;
  if (net) [s.netRxBytes, s.netTxBytes, (s.sources ??= {}).net] = [net.rx, net.tx, GUEST_NET_SOURCE];
}

/** Asks the guest (a guest image without the command, or one that does not answer in time: undefined). */
export async function guestNetBytes(ga: GuestChannel): Promise<{ rx: number; tx: number } | undefined> {
  try {
    return parseNetDev(await ga.request('net-dev', 1_000));
  } catch {
    return undefined;
  }
}
