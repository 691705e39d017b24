// TakeControlAction and ListControlActions: thin handlers over the action log and
// act(); validation here, authz in the RPC table (monitor.write / monitor.read),
// tenant scope through the VM lookup and the log's filter.
import type { TakeControlActionRequest__Output } from '../../../common/gen/nephele/v1/TakeControlActionRequest.js';
import { InvalidArgumentError } from '../../../common/errors.js';
import { ULID_RE } from '../../../common/ids.js';
import { optionalString, pageSize, requireEnum, requireId, requireName } from '../../../common/validate.js';
import { ACTION_TRIGGERS, type ActionKind, type ActionRecord } from '../../model/monitor.js';
import { pageToken, unaryRpc, type RpcLayer, type UnaryCtx } from '../../rpc/handler.js';
import type { ActionHandlers } from '../service.js';
import type { Policies, StateTable } from '../ports.js';
import { act, type ActDeps } from './act.js';
import { actionKindFromProto, actionToProto } from './convert.js';
import type { StoredActionLog } from './log.js';

const VERSION_RE = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

export interface HandlerDeps extends ActDeps {
  log: StoredActionLog;
  table: StateTable;
  policies: Policies;
}

interface ManualArgs {
  vmId: string;
  kind: ActionKind;
  pid: number;
  version: string;
  reason: string;
}

/** TakeControlAction's request, validated (the version defaults to the policy's later). */
export function manualArgs(req: {
  vmId?: string;
  kind?: unknown;
  pid?: number;
  version?: string;
  reason?: string;
}): ManualArgs {
  const vmId = requireId('vm_id', req.vmId);
  const kind = actionKindFromProto(req.kind as never, 'kind');
  if (!kind) throw new InvalidArgumentError('kind', 'is required');
  const pid = req.pid ?? 0;
  if (kind === 'kill_process' && pid <= 1) throw new InvalidArgumentError('pid', 'is required for kill_process (> 1)');
  if (kind !== 'kill_process' && pid) throw new InvalidArgumentError('pid', 'is only for kill_process');
  const version = optionalString('version', req.version, 64);
  if (version && kind !== 'update_app') throw new InvalidArgumentError('version', 'is only for update_app');
  if (version && !VERSION_RE.test(version))
    throw new InvalidArgumentError('version', 'may hold only letters, digits and . _ + -');
  return { vmId, kind, pid, version, reason: optionalString('reason', req.reason, 256) };
}

export function actionHandlers(layer: RpcLayer, d: HandlerDeps): ActionHandlers {
  const replay = async (ref: string, _req: unknown, ctx: UnaryCtx) => ({
    action: actionToProto(await d.log.get(ref, ctx.scope)),
  });
  return {
    TakeControlAction: unaryRpc(
      layer,
      'MonitorService.TakeControlAction',
      async (req: TakeControlActionRequest__Output, ctx) => {
        const m = manualArgs(req);
        const vm = await d.vms.get(m.vmId, ctx.scope);
        let version = m.version;
        if (m.kind === 'update_app' && !version) {
          version = d.policies.effective(vm.setId, vm.tenant).policy.desiredVersion;
          if (!version)
            throw new InvalidArgumentError('version', "is required: the VM's policy has no desired_version");
        }
        let row;
        try {
          row = d.table.get(vm.id, ctx.scope);
        } catch {
          row = undefined; // not polled yet: app actions go out unguarded by a process list
        }
        const a: ActionRecord = await d.log.begin({
          vmId: vm.id,
          setId: vm.setId,
          tenant: vm.tenant,
          hostId: vm.hostId,
          kind: m.kind,
          cause: m.reason || 'by hand',
          trigger: 'manual',
          attempt: 0,
          principal: ctx.principal.id,
          pid: m.pid,
          version,
        });
        return { action: actionToProto(await act(d, a, row)) };
      },
      replay,
    ),

    ListControlActions: unaryRpc(layer, 'MonitorService.ListControlActions', async (req, ctx) => {
      const size = pageSize(req.pageSize);
      const vmId = req.vmId ? requireId('vm_id', req.vmId) : undefined;
      const setId = req.setId ? requireId('set_id', req.setId) : undefined;
      const tenant = req.tenant ? requireName('tenant', req.tenant) : undefined;
      const kind = actionKindFromProto(req.kind, 'kind');
      const trigger = requireEnum('trigger', req.trigger, ACTION_TRIGGERS, { optional: true });
      const since = Number(req.sinceUnixMs ?? 0);
      if (!Number.isSafeInteger(since) || since < 0)
        throw new InvalidArgumentError('since_unix_ms', 'must be a non-negative integer');
      const token = pageToken.decode(req.pageToken);
      if (token && !ULID_RE.test(token))
        throw new InvalidArgumentError('page_token', 'is not a token this server issued');
      if (ctx.scope !== undefined && tenant !== undefined && tenant !== ctx.scope)
        return { actions: [], nextPageToken: '' };
      const { actions, next } = await d.log.list(
        { vmId, setId, tenant, kind, trigger, sinceUnixMs: since || undefined },
        ctx.scope,
        { size, token },
      );
      return { actions: actions.map(actionToProto), nextPageToken: pageToken.encode(next) };
    }),
  };
}
