// The catalog's and set policies' RPCs: validate, authorize (the RPC table and
// the set's tenant), call the catalog or the policy book. Thin on purpose.
import { InvalidArgumentError, NotFoundError } from '../../../common/errors.js';
import { requestId, requireId, requireString } from '../../../common/validate.js';
import {
  classFromProto,
  classToProto,
  reclassPolicyFromProto,
  reclassPolicyToProto,
} from '../../../common/grpc/convert-reclass.js';
import { unaryRpc, type RpcLayer } from '../../rpc/handler.js';
import type { RateCards } from '../../usage/rates.js';
import { DEFAULT_CURRENCY } from '../../usage/export/row.js';
import type { ClassHandlers } from '../service.js';
import { CLASS_NAME_RE, validateClass, type ClassCatalog } from './catalog.js';
import type { ReclassPolicyBook } from './policies.js';

export interface ClassHandlerDeps {
  catalog: ClassCatalog;
  policies: ReclassPolicyBook;
  rates: Pick<RateCards, 'current'>;
}

export function classHandlers(layer: RpcLayer, d: ClassHandlerDeps): ClassHandlers {
  const stored = async (name: string) => {
    const c = await d.catalog.get(name);
    if (!c) throw new NotFoundError(`class ${name}`);
    return c;
  };
  return {
    DefineClass: unaryRpc(
      layer,
      'ReclassService.DefineClass',
      async (req, ctx) => {
        requestId(req.requestId);
        if (!req.vmClass) throw new InvalidArgumentError('vm_class', 'is required');
        const c = validateClass(classFromProto(req.vmClass));
        return { vmClass: classToProto(await d.catalog.define(c, ctx.actor)) };
      },
      async (ref) => ({ vmClass: classToProto(await stored(ref)) }),
    ),

    ListClasses: unaryRpc(layer, 'ReclassService.ListClasses', async () => ({
      classes: (await d.catalog.list()).map(classToProto),
      currency: (await d.rates.current())?.currency ?? DEFAULT_CURRENCY,
    })),

    DeleteClass: unaryRpc(
      layer,
      'ReclassService.DeleteClass',
      async (req, ctx) => {
        requestId(req.requestId);
        const name = requireString('name', req.name, { max: 63 });
        if (!CLASS_NAME_RE.test(name)) throw new InvalidArgumentError('name', 'is not a class name');
        await d.catalog.delete(name, ctx.actor);
        return {};
      },
      async () => ({}),
    ),

    SetReclassPolicy: unaryRpc(
      layer,
      'ReclassService.SetReclassPolicy',
      async (req, ctx) => {
        requestId(req.requestId);
        if (!req.policy) throw new InvalidArgumentError('policy', 'is required');
        const setId = requireId('policy.set_id', req.policy.setId);
        const p = await d.policies.set(setId, reclassPolicyFromProto(req.policy), ctx.scope, ctx.actor);
        return { policy: reclassPolicyToProto(p) };
      },
      async (ref, _req, ctx) => ({ policy: reclassPolicyToProto(await d.policies.get(ref, ctx.scope)) }),
    ),

    GetReclassPolicy: unaryRpc(layer, 'ReclassService.GetReclassPolicy', async (req, ctx) => ({
      policy: reclassPolicyToProto(await d.policies.get(requireId('set_id', req.setId), ctx.scope)),
    })),
  };
}
