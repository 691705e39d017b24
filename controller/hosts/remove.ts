import { FailedPreconditionError } from '../../common/errors.js';
import type { Store } from '../../common/store/index.js';
import { VMS_BY_HOST } from '../vms/registry.js';
import type { HostRecord, HostRegistry } from './registry.js';

/** Counting a host's VMs stops here (the refusal then says "at least"). */
const MAX_COUNT = 10_000;

/** How many VMs a host still holds (its `vms-by-host` entries: each leaves when the host reports it destroyed). */
export async function vmsHeld(store: Store, hostId: string): Promise<number> {
  let n = 0;
  for await (const _ of store.scan(VMS_BY_HOST, { prefix: `${hostId}/`, limit: MAX_COUNT })) n++;
  return n;
}

function refuseHeld(n: number): never {
  const count = n >= MAX_COUNT ? `at least ${n} VMs` : `${n} VM${n === 1 ? '' : 's'}`;
  throw new FailedPreconditionError(
    `the host still holds ${count}: destroy or drain them first (vm destroy --force forgets those of a down or revoked host)`,
  );
}

/**
 * Decommissions a host once it holds no VMs. Refused without side effects
 * while it holds some. Otherwise its credentials are revoked first (the planner
 * stops placing there), decisions already under way are let finish (`settled`),
 * the count is taken again, and the record goes with its index entries in one
 * batch fenced on the revoked record's version. Its certificate then names an
 * unknown host and is refused.
 */
export async function removeHost(
  hosts: HostRegistry,
  id: string,
  settled: () => Promise<void>,
): Promise<{ rec: HostRecord; version: number }> {
  await hosts.get(id); // NOT_FOUND before anything else
  const held = await vmsHeld(hosts.store, id);
  if (held) refuseHeld(held);
  const revoked = await hosts.revoke(id, 'removed by an operator');
  await settled();
  const late = await vmsHeld(hosts.store, id);
  if (late) refuseHeld(late); // placed while it was being revoked: it stays, revoked
  await hosts.remove(id, revoked.version);
  return revoked;
}
