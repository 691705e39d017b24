// MonitorService's state-table and policy RPCs: validate, authorize, call the
// table or the policy book (thin; the work is in table.ts / policies.ts).
import { InvalidArgumentError, NotFoundError, PermissionDeniedError } from '../../../common/errors.js';
import { optionalString, pageSize, requestId, requireId, requireName } from '../../../common/validate.js';
import {
  AppStateEnum,
  applianceToProto,
  policyFromProto,
  policyToProto,
} from '../../../common/grpc/convert-monitor.js';
import { can } from '../../auth/authz.js';
import { pageToken, unaryRpc, type RpcLayer, type UnaryCtx } from '../../rpc/handler.js';
import type { StateHandlers } from '../service.js';
import type { PolicyBook } from '../policy/policies.js';
import { requireScope } from '../policy/validate.js';
import type { ApplianceTable } from './table.js';

export interface HandlerDeps {
  table: ApplianceTable;
  policies: PolicyBook;
  /** The tenant of a set, undefined when there is no such set. */
  setTenant(setId: string): Promise<string | undefined>;
}

/** The scope a caller names, checked against the tenant it may touch: NOT_FOUND for another tenant's. */
async function ownScope(d: HandlerDeps, scope: string, ctx: UnaryCtx): Promise<{ setId: string; tenant: string }> {
  if (scope === 'fleet') return { setId: '', tenant: '' };
  if (scope.startsWith('tenant:')) {
    const tenant = requireName('scope', scope.slice(7));
    if (ctx.scope !== undefined && tenant !== ctx.scope) throw new NotFoundError('tenant');
    return { setId: '', tenant };
  }
  const setId = scope.slice(4);
  const tenant = await d.setTenant(setId);
  if (tenant === undefined || (ctx.scope !== undefined && tenant !== ctx.scope)) throw new NotFoundError('set');
  return { setId, tenant };
}

export function stateHandlers(layer: RpcLayer, d: HandlerDeps): StateHandlers {
  return {
    ListAppliances: unaryRpc(layer, 'MonitorService.ListAppliances', async (req, ctx) => {
      const size = pageSize(req.pageSize, 100, 1000);
      const tenant = req.tenant ? requireName('tenant', req.tenant) : undefined;
      if (tenant && ctx.scope !== undefined && tenant !== ctx.scope)
        throw new PermissionDeniedError('you may list only your own tenant');
      const filter = {
        setId: req.setId ? requireId('set_id', req.setId) : undefined,
        tenant,
        hostId: optionalString('host_id', req.hostId, 128) || undefined,
        appState: AppStateEnum.isUnspecified(req.appState)
          ? undefined
          : AppStateEnum.require(req.appState, 'app_state'),
      };
      const { rows, next } = d.table.list(filter, ctx.scope, { size, token: pageToken.decode(req.pageToken) });
      return { appliances: rows.map(applianceToProto), nextPageToken: pageToken.encode(next) };
    }),

    GetAppliance: unaryRpc(layer, 'MonitorService.GetAppliance', async (req, ctx) => ({
      appliance: applianceToProto(d.table.get(requireId('vm_id', req.vmId), ctx.scope)),
    })),

    PollAppliance: unaryRpc(layer, 'MonitorService.PollAppliance', async (req, ctx) => {
      const vmId = requireId('vm_id', req.vmId);
      const timeout = req.timeoutMs || 10_000;
      if (timeout > 60_000) throw new InvalidArgumentError('timeout_ms', 'at most 60000');
      return { appliance: applianceToProto(await d.table.poll(vmId, ctx.scope, Math.max(timeout, 100))) };
    }),

    SetMonitorPolicy: unaryRpc(layer, 'MonitorService.SetMonitorPolicy', async (req, ctx) => {
      requestId(req.requestId);
      const scope = requireScope('scope', req.scope);
      if (!req.policy) throw new InvalidArgumentError('policy', 'is required');
      if (scope === 'fleet' && !can(ctx.principal, 'monitor.admin'))
        throw new PermissionDeniedError('the fleet policy needs monitor.admin');
      await ownScope(d, scope, ctx);
      const rec = policyFromProto(req.policy, scope);
      // An exec probe runs the policy author's command on the hosts' VMs: a task permission.
      if (rec.probes.some((p) => p.kind === 'exec') && !can(ctx.principal, 'vms.task'))
        throw new PermissionDeniedError('exec probes need vms.task');
      return { policy: policyToProto(await d.policies.set(rec)) };
    }),

    GetMonitorPolicy: unaryRpc(layer, 'MonitorService.GetMonitorPolicy', async (req, ctx) => {
      const scope = requireScope('scope', req.scope);
      const { setId, tenant } = await ownScope(d, scope, ctx);
      if (req.effective) {
        const { policy, source } = d.policies.effective(setId, tenant);
        return { policy: policyToProto(policy), sourceScope: source };
      }
      const p = d.policies.get(scope);
      if (!p) throw new NotFoundError('monitor policy');
      return { policy: policyToProto(p), sourceScope: scope };
    }),
  };
}
