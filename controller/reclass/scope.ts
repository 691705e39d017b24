// Which VMs an Analyze or Recommend call is about: one VM, a set, a tenant, or
// every VM in the caller's reach, one bounded page at a time. Shared by the
// analyze and recommend parts so both read the same scope the same way.
import { InvalidArgumentError, NotFoundError, PermissionDeniedError } from '../../common/errors.js';
import { optionalString, pageSize, requireId, requireName } from '../../common/validate.js';
import type { VmRecord } from '../model/index.js';
import type { VmRegistry } from '../vms/registry.js';
import type { Scope } from './ports.js';

export interface ScopeRequest {
  vmId?: string;
  setId?: string;
  tenant?: string;
  pageSize?: number;
  pageToken?: string;
}

export interface ResolvedScope {
  vmId?: string;
  setId?: string;
  /** The tenant the call is limited to (the caller's own when it is scoped). */
  tenant?: string;
  size: number;
  /** The VM id to resume after ('' = from the start). */
  after: string;
}

/** Validates the scope fields (INVALID_ARGUMENT naming the field; at most one of vm_id, set_id, tenant). */
export function resolveScope(req: ScopeRequest, scope: Scope): ResolvedScope {
  const given = [req.vmId, req.setId, req.tenant].filter((v) => !!v).length;
  if (given > 1) throw new InvalidArgumentError('vm_id', 'give at most one of vm_id, set_id and tenant');
  const tenant = req.tenant ? requireName('tenant', req.tenant) : scope;
  if (req.tenant && scope !== undefined && tenant !== scope)
    throw new PermissionDeniedError('you may analyze only your own tenant');
  const after = optionalString('page_token', req.pageToken, 64);
  if (after && !/^[0-9A-HJKMNP-TV-Z]{26}$/.test(after))
    throw new InvalidArgumentError('page_token', 'is not a token this server issued');
  return {
    vmId: req.vmId ? requireId('vm_id', req.vmId) : undefined,
    setId: req.setId ? requireId('set_id', req.setId) : undefined,
    tenant,
    size: pageSize(req.pageSize, 100, 1000),
    after,
  };
}

/** One page of the VMs in scope that are not destroyed (another tenant's VM or set is NOT_FOUND). */
export async function vmsInScope(
  vms: VmRegistry,
  s: ResolvedScope,
  scope: Scope,
): Promise<{ vms: VmRecord[]; next: string }> {
  if (s.vmId) {
    const { vm } = await vms.get(s.vmId, scope);
    if (vm.state === 'destroyed' || vm.desired === 'destroyed') throw new NotFoundError('vm');
    return { vms: [vm], next: '' };
  }
  const page = await vms.list({
    after: s.after,
    limit: s.size,
    ...(s.setId ? { setId: s.setId } : {}),
    ...(s.tenant !== undefined ? { tenant: s.tenant } : {}),
  });
  const out = page.vms
    .map((v) => v.vm)
    .filter(
      (vm) => vm.state !== 'destroyed' && vm.desired !== 'destroyed' && (scope === undefined || vm.tenant === scope),
    );
  if (s.setId && scope !== undefined && page.vms.length && page.vms.every((v) => v.vm.tenant !== scope))
    throw new NotFoundError('set');
  return { vms: out, next: page.more ? page.last : '' };
}
