// Thin handlers for update cycles: validate, authorize, call the cycle service.
import type { TokenServiceHandlers } from '../../../common/gen/nephele/v1/TokenService.js';
import { PermissionDeniedError } from '../../../common/errors.js';
import type { Store } from '../../../common/store/index.js';
import { pageSize, requireId } from '../../../common/validate.js';
import { can } from '../../auth/authz.js';
import { CYCLES, CYCLES_BY_SET, type CycleRecord } from '../../model/index.js';
import { getSet } from '../../planner/sets.js';
import { pageToken, unaryRpc, type RpcLayer, type UnaryCtx } from '../../rpc/handler.js';
import type { Cycles } from '../ports.js';
import { changesFromProto, cycleToProto, optionsFromProto } from './convert.js';
import { CYCLES_BY_TENANT, cyclePage } from './store.js';

export type CycleHandlers = Pick<TokenServiceHandlers, 'UpdateVmSet' | 'GetUpdateCycle' | 'ListUpdateCycles'>;

export interface CycleHandlerDeps {
  store: Store;
  cycles: Cycles;
}

export function cycleHandlers(layer: RpcLayer, deps: CycleHandlerDeps): CycleHandlers {
  const { store, cycles } = deps;
  const one = async (id: string, ctx: UnaryCtx) => {
    const { cycle, version } = await cycles.get(id, ctx.scope);
    return { cycle: cycleToProto(cycle, version) };
  };
  return {
    UpdateVmSet: unaryRpc(
      layer,
      'TokenService.UpdateVmSet',
      async (req, ctx) => {
        // It creates and retires sets: the caller must also be allowed to change VMs.
        if (!can(ctx.principal, 'vms.write'))
          throw new PermissionDeniedError(`role ${ctx.principal.role || 'none'} may not change vms (vms.write)`);
        const setId = requireId('set_id', req.setId);
        const changes = changesFromProto(req.changes);
        const options = optionsFromProto(req.options);
        const c = await cycles.start(setId, changes, options, ctx.scope);
        return one(c.id, ctx);
      },
      (ref, _req, ctx) => one(ref, ctx),
    ),
    GetUpdateCycle: unaryRpc(layer, 'TokenService.GetUpdateCycle', (req, ctx) =>
      one(requireId('cycle_id', req.cycleId), ctx),
    ),
    ListUpdateCycles: unaryRpc(layer, 'TokenService.ListUpdateCycles', async (req, ctx) => {
      const limit = pageSize(req.pageSize);
      const after = pageToken.decode(req.pageToken);
      let page: { ids: string[]; more: boolean };
      if (req.setId) {
        const setId = requireId('set_id', req.setId);
        await getSet(store, setId, ctx.scope); // NOT_FOUND outside the caller's tenant
        page = await cyclePage(store, CYCLES_BY_SET, setId, after, limit);
      } else if (ctx.scope !== undefined) page = await cyclePage(store, CYCLES_BY_TENANT, ctx.scope, after, limit);
      else page = await cyclePage(store, CYCLES, undefined, after, limit);
      const recs = await store.getMany<CycleRecord>(CYCLES, page.ids);
      const out = recs.flatMap((r) => (r ? [cycleToProto(r.value, r.version)] : []));
      return { cycles: out, nextPageToken: page.more ? pageToken.encode(page.ids.at(-1)) : '' };
    }),
  };
}
