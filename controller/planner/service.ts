import type { VmServiceHandlers } from '../../common/gen/nephele/v1/VmService.js';
import type { CreateVmSetRequest__Output } from '../../common/gen/nephele/v1/CreateVmSetRequest.js';
import { InvalidArgumentError, PermissionDeniedError } from '../../common/errors.js';
import { pageSize, requireId, requireName } from '../../common/validate.js';
import type { Store } from '../../common/store/index.js';
import type { Clock } from '../../common/clock.js';
import { unaryRpc, pageToken, type RpcLayer, type UnaryCtx } from '../rpc/handler.js';
import { authorizeTask } from '../auth/authz.js';
import type { HostRegistry } from '../hosts/registry.js';
import { DEFAULT_TENANT, type Tenants } from '../tenancy/tenants.js';
import type { Planner } from './planner.js';
import { requireCount, validateSetRequest } from './request.js';
import { getSet, SETS, SETS_BY_TENANT, type SetRecord } from './sets.js';
import type { SetRequest } from '../model/index.js';
import { ULID_RE } from '../../common/ids.js';

type SetHandlers = Pick<
  VmServiceHandlers,
  'CreateVmSet' | 'GetVmSet' | 'ListVmSets' | 'ScaleVmSet' | 'DeleteVmSet' | 'GetPlan'
>;

/** Thin handlers: validate, call the planner, map errors (unaryRpc does that). */
export function setHandlers(
  layer: RpcLayer,
  planner: Planner,
  hosts: HostRegistry,
  tenants: Tenants,
  store: Store,
  clock: Clock,
  /** Resolves a spec naming an image id to its base (FAILED_PRECONDITION for a revoked image); absent: refused. */
  resolveBase: (spec: SetRequest['spec'], scope: string | undefined, field: string) => Promise<SetRequest['spec']> = (
    spec,
  ) =>
    ULID_RE.test(spec.image)
      ? Promise.reject(new InvalidArgumentError('set.spec.image', 'images are not served by this controller'))
      : Promise.resolve(spec),
): SetHandlers {
  const byRef = async <R>(ref: string, _req: R, ctx: UnaryCtx) => ({
    set: await planner.view(ref, ctx.scope),
    plan: await planner.plan(ref, ctx.scope),
  });
  /** The request, validated, and the tenant it is for, checked against the caller (also on a replay). */
  const createArgs = (req: CreateVmSetRequest__Output, ctx: UnaryCtx) => {
    const r = validateSetRequest(req.set, clock.now(), ctx.principal.userGroup);
    authorizeTask(ctx.principal, r.spec.config, 'set.spec.config');
    const tenant = r.tenant || ctx.scope || DEFAULT_TENANT;
    if (ctx.scope !== undefined && tenant !== ctx.scope)
      throw new PermissionDeniedError('you may only create sets in your own tenant');
    return { r, tenant };
  };
  return {
    CreateVmSet: unaryRpc(
      layer,
      'VmService.CreateVmSet',
      async (req, ctx) => {
        const { r, tenant } = createArgs(req, ctx);
        if (!(await tenants.exists(tenant))) throw new InvalidArgumentError('set.tenant', 'unknown tenant');
        if (r.group)
          await hosts.getGroup(r.group).catch(() => {
            throw new InvalidArgumentError('set.group', 'unknown group');
          });
        r.spec = await resolveBase(r.spec, ctx.scope, 'set.spec');
        if (req.dryRun) return { set: null, plan: await planner.dryRun(r, tenant) };
        return planner.create(r, tenant);
      },
      async (ref, req, ctx) => {
        createArgs(req, ctx);
        return byRef(ref, req, ctx);
      },
    ),
    GetVmSet: unaryRpc(layer, 'VmService.GetVmSet', async (req, ctx) => ({
      set: await planner.view(requireId('set_id', req.setId), ctx.scope),
    })),
    GetPlan: unaryRpc(layer, 'VmService.GetPlan', async (req, ctx) => ({
      plan: await planner.plan(requireId('set_id', req.setId), ctx.scope),
    })),
    ListVmSets: unaryRpc(layer, 'VmService.ListVmSets', async (req, ctx) => {
      const limit = pageSize(req.pageSize);
      const wanted = req.tenant ? requireName('tenant', req.tenant) : undefined;
      if (ctx.scope !== undefined && wanted !== undefined && wanted !== ctx.scope)
        return { sets: [], nextPageToken: '' };
      const tenant = ctx.scope ?? wanted;
      const after = pageToken.decode(req.pageToken);
      const ids: string[] = [];
      let more = false;
      const [coll, prefix] = tenant !== undefined ? [SETS_BY_TENANT, `${tenant}/`] : [SETS, ''];
      for await (const { key } of store.scan(coll, { prefix, ...(after ? { gt: prefix + after } : {}) })) {
        if (ids.length === limit) {
          more = true;
          break;
        }
        ids.push(key.slice(prefix.length));
      }
      const sets = await Promise.all(ids.map((id) => planner.view(id)));
      return { sets, nextPageToken: more ? pageToken.encode(ids.at(-1)) : '' };
    }),
    ScaleVmSet: unaryRpc(
      layer,
      'VmService.ScaleVmSet',
      async (req, ctx) => {
        const id = requireId('set_id', req.setId);
        const count = requireCount('count', req.count, 0);
        const { set } = await getSet(store, id, ctx.scope);
        // More clones of a revoked image are refused like a new set of them.
        if (count > set.count) await resolveBase(set.request.spec, ctx.scope, 'set_id');
        return planner.scale(id, count, ctx.scope);
      },
      byRef,
    ),
    DeleteVmSet: unaryRpc(
      layer,
      'VmService.DeleteVmSet',
      async (req, ctx) => ({ set: await planner.retire(requireId('set_id', req.setId), 'deleted', ctx.scope) }),
      async (ref, _req, ctx) => ({ set: await planner.view(ref, ctx.scope) }),
    ),
  };
}

export type { SetRecord };
