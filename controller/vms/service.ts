import type { VmServiceHandlers } from '../../common/gen/nephele/v1/VmService.js';
import type { CreateVmRequest__Output } from '../../common/gen/nephele/v1/CreateVmRequest.js';
import type { VmSpec__Output as VmSpec } from '../../common/gen/nephele/v1/VmSpec.js';
import {
  FailedPreconditionError,
  NotFoundError,
  PermissionDeniedError,
  ResourceExhaustedError,
} from '../../common/errors.js';
import { authorizeTask, can } from '../auth/authz.js';
import { pageSize, requireId, requireName } from '../../common/validate.js';
import { unaryRpc, pageToken, type RpcLayer, type UnaryCtx } from '../rpc/handler.js';
import type { HostRegistry } from '../hosts/registry.js';
import { DEFAULT_TENANT } from '../tenancy/tenants.js';
import { validateSpec } from './spec.js';
import { dimValueArg } from '../usage/convert.js';
import { forceDestroy } from './force.js';
import { resourcesOf } from '../../common/limits.js';
import { VmStateEnum } from '../../common/grpc/convert.js';
import type { VmRecord, VmRegistry } from './registry.js';
import { applyVmAction, VM_ACTIONS, type DesiredPusher, type VmAction } from './actions.js';

export type { DesiredPusher };

type SetHandlers = Pick<
  VmServiceHandlers,
  'CreateVmSet' | 'GetVmSet' | 'ListVmSets' | 'ScaleVmSet' | 'DeleteVmSet' | 'GetPlan'
>;

const isGone = (vm: VmRecord) => vm.desired === 'destroyed';

/** Places (and reserves) one VM outside any set: the planner's createVm. */
export type VmPlacer = (o: PlaceVm) => Promise<{ vm: VmRecord; version: number } | { reasons: string[] }>;

/** One VM outside any set, as CreateVm (and ImportVm, with CreateExtra) asks the planner for it. */
export interface PlaceVm {
  name: string;
  tenant: string;
  spec: VmSpec;
  hostId?: string;
  app?: string;
  userGroup?: string;
}

export function vmHandlers(
  layer: RpcLayer,
  vms: VmRegistry,
  hosts: HostRegistry,
  push: DesiredPusher,
  sets: SetHandlers,
  createVm: VmPlacer,
  hostName: (hostId: string) => string = () => '',
): { [K in keyof VmServiceHandlers as K extends 'GetConsole' | 'MigrateVm' ? never : K]: VmServiceHandlers[K] } {
  /** The VM as the caller sees it: its host's name only for those who may read the fleet. */
  const view = (vm: VmRecord, version: number, ctx: UnaryCtx) => {
    const v = vms.view(vm, version);
    if (vm.hostId && can(ctx.principal, 'fleet.read')) v.hostName = hostName(vm.hostId);
    return v;
  };
  async function byRef<R>(ref: string, _req: R, ctx: UnaryCtx) {
    const { vm, version } = await vms.get(ref, ctx.scope);
    return { vm: view(vm, version, ctx) };
  }

  /** CreateVm's request, validated and checked against the caller (also on a replay). */
  function createArgs(req: CreateVmRequest__Output, ctx: UnaryCtx) {
    // Choosing the host bypasses the planner's choice: fleet work. Checked before
    // the host is even parsed, so a tenant learns nothing about it.
    if (req.hostId && !can(ctx.principal, 'fleet.write'))
      throw new PermissionDeniedError(
        'choosing the host (host_id) needs the fleet.write permission; leave it empty and the planner places the vm',
      );
    const name = req.name ? requireName('name', req.name) : '';
    const hostId = req.hostId ? requireId('host_id', req.hostId) : '';
    const spec = validateSpec(req.spec);
    authorizeTask(ctx.principal, spec.config, 'spec.config');
    const tenant = req.tenant ? requireName('tenant', req.tenant) : (ctx.scope ?? DEFAULT_TENANT);
    if (ctx.scope !== undefined && tenant !== ctx.scope)
      throw new PermissionDeniedError('you may only create VMs in your own tenant');
    // Usage dimensions; user_group defaults to the caller token's.
    const app = dimValueArg('app', req.app);
    const userGroup = dimValueArg('user_group', req.userGroup) || ctx.principal.userGroup || '';
    return { name, hostId, spec, tenant, app, userGroup };
  }

  /** What one lifecycle RPC does: validate the id, change desired state, tell the host. */
  const desire = (a: VmAction) => async (req: { vmId: string }, ctx: UnaryCtx) => {
    const { vm, version } = await applyVmAction(vms, push, requireId('vm_id', req.vmId), ctx.scope, a);
    return { vm: view(vm, version, ctx) };
  };
  const lifecycle = (rpc: string, a: VmAction) => unaryRpc(layer, `VmService.${rpc}`, desire(a), byRef);
  const destroy = desire({
    kind: 'destroy_requested',
    change: (v) => (isGone(v) ? undefined : { desired: 'destroyed' }),
    whileGone: true,
  });

  return {
    ...sets,
    CreateVm: unaryRpc(
      layer,
      'VmService.CreateVm',
      async (req, ctx) => {
        const { name, hostId, spec, tenant, app, userGroup } = createArgs(req, ctx);
        if (hostId) {
          // Only fleet operators get here: they may learn the host's state.
          const host = await hosts.find(hostId);
          if (!host) throw new NotFoundError('host');
          if (host.revoked) throw new FailedPreconditionError('host_id: the host is revoked');
          if (host.state !== 'ready') throw new FailedPreconditionError(`host_id: the host is ${host.state}`);
          if (host.cordoned) throw new FailedPreconditionError('host_id: the host is cordoned');
          if (!host.inventory)
            throw new FailedPreconditionError('host_id: the host has not reported its capacity yet; retry shortly');
          if (!host.schemes.includes(spec.scheme))
            throw new FailedPreconditionError(
              `spec.scheme: the host does not offer ${spec.scheme} (it offers ${host.schemes.join(', ') || 'none'})`,
            );
          const guest = host.inventory?.guest;
          if (guest && (spec.vcpus > guest.vcpus || resourcesOf(spec).memoryBytes > guest.memoryBytes)) {
            throw new FailedPreconditionError(
              `spec: larger than the host's guest capacity (${guest.vcpus} vCPUs, ${Math.floor(guest.memoryBytes / 1048576)} MiB)`,
            );
          }
        }
        const r = await createVm({ name, tenant, spec, hostId: hostId || undefined, app, userGroup });
        if ('reasons' in r) {
          if (hostId)
            throw new FailedPreconditionError(`host_id: the host cannot take this vm now: ${r.reasons.join('; ')}`);
          // Why no host fits is fleet information: only those who may read the fleet are told.
          throw new ResourceExhaustedError(
            can(ctx.principal, 'fleet.read')
              ? `no host can take the vm now: ${r.reasons.join('; ')}`
              : 'no host can take the vm now; try again later or ask an operator',
          );
        }
        return { vm: view(r.vm, r.version, ctx) };
      },
      async (ref, req, ctx) => {
        createArgs(req, ctx);
        return byRef(ref, req, ctx);
      },
    ),

    ListVms: unaryRpc(layer, 'VmService.ListVms', async (req, ctx) => {
      const limit = pageSize(req.pageSize);
      const wanted = req.tenant ? requireName('tenant', req.tenant) : undefined;
      const hostId = req.hostId ? requireId('host_id', req.hostId) : undefined;
      const setId = req.setId ? requireId('set_id', req.setId) : undefined;
      const state = VmStateEnum.optional(req.state, 'state');
      if (ctx.scope !== undefined && wanted !== undefined && wanted !== ctx.scope)
        return { vms: [], nextPageToken: '' };
      const {
        vms: page,
        more,
        last,
      } = await vms.list({
        after: pageToken.decode(req.pageToken),
        limit,
        tenant: ctx.scope ?? wanted,
        hostId,
        setId,
        state,
      });
      return {
        vms: page.map((x) => view(x.vm, x.version, ctx)),
        nextPageToken: more ? pageToken.encode(last) : '',
      };
    }),

    GetVm: unaryRpc(layer, 'VmService.GetVm', async (req, ctx) => byRef(requireId('vm_id', req.vmId), req, ctx)),

    StartVm: lifecycle('StartVm', VM_ACTIONS.start),
    StopVm: lifecycle('StopVm', VM_ACTIONS.stop),
    SuspendVm: lifecycle('SuspendVm', VM_ACTIONS.suspend),
    ResumeVm: lifecycle('ResumeVm', VM_ACTIONS.resume),
    RebootVm: lifecycle('RebootVm', VM_ACTIONS.reboot),
    DestroyVm: unaryRpc(
      layer,
      'VmService.DestroyVm',
      async (req, ctx) => {
        if (!req.force) return destroy(req, ctx);
        const r = await forceDestroy(
          vms,
          (id) => hosts.find(id),
          requireId('vm_id', req.vmId),
          ctx.principal,
          ctx.scope,
        );
        return { vm: view(r.vm, r.version, ctx) };
      },
      byRef,
    ),
  };
}
