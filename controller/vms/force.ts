import { FailedPreconditionError, PermissionDeniedError } from '../../common/errors.js';
import { retryOnConflict } from '../../common/store/index.js';
import { can, type Principal } from '../auth/authz.js';
import type { HostRecord } from '../model/index.js';
import { lifecycleEvent, type VmRecord, type VmRegistry } from './registry.js';

/**
 * Why a VM may not be forgotten (`DestroyVm` with `force`), or undefined when
 * it may: only a VM whose host will never report it gone, because the host is
 * revoked or down (or its record is gone). A reachable host destroys it and
 * reports: an ordinary destroy does that.
 */
export function forceRefusal(vm: VmRecord, host: HostRecord | undefined): string | undefined {
  if (!vm.hostId) return 'the vm has no host: destroy it without force';
  if (!host || host.revoked || host.state === 'down') return undefined;
  return `its host is ${host.state} and will report the vm gone: destroy it without force`;
}

function why(host: HostRecord | undefined): string {
  if (!host) return 'its host is gone';
  return host.revoked ? 'its host is revoked' : 'its host is down';
}

/**
 * Forgets a VM whose host will never report it: it is marked destroyed as if
 * the host had said so (VmRegistry.applyReports), so its capacity and quota are
 * given back in the same batch, exactly once: a second force, or one racing an
 * ordinary destroy, finds it destroyed already (versions fence the writes).
 */
export async function forceDestroy(
  vms: VmRegistry,
  findHost: (id: string) => Promise<HostRecord | undefined>,
  id: string,
  principal: Principal,
  scope: string | undefined,
): Promise<{ vm: VmRecord; version: number }> {
  if (!can(principal, 'fleet.write'))
    throw new PermissionDeniedError('force: forgetting a vm needs the fleet.write permission (admin, operator)');
  const { vm } = await vms.get(id, scope);
  if (vm.state === 'destroyed') return vms.get(id, scope);
  const host = vm.hostId ? await findHost(vm.hostId) : undefined;
  const refused = forceRefusal(vm, host);
  if (refused) throw new FailedPreconditionError(`force: ${refused}`);
  // Should the host come back after all, it is told to destroy its copy.
  await vms.setDesired(
    id,
    scope,
    (v) => (v.desired === 'destroyed' ? undefined : { desired: 'destroyed' }),
    lifecycleEvent('destroy_requested'),
  );
  await vms.underTenantOf(id, () =>
    retryOnConflict(async () => {
      const { vm: cur } = await vms.get(id);
      if (cur.state === 'destroyed') return;
      // A VM moved meanwhile is a stale copy to the report (no release): its new host destroys it.
      await vms.applyReports(
        vm.hostId,
        [
          {
            vmId: id,
            state: 'destroyed',
            reason: `forgotten by an operator (${why(host)})`,
            generation: cur.generation,
            hostPort: 0,
            guestReady: false,
            timeUnixMs: 0,
            taskDone: false,
          },
        ],
        { ops: [], pre: [] },
      );
    }),
  );
  return vms.get(id, scope);
}
