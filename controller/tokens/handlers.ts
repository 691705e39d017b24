// Thin TokenService handlers for management instances: validate, authorize,
// call the Management port, convert. The plaintext token is in the answer of
// BeginManagement only: never in its idempotency record (a replay answers
// without it), a log line, an event or an error.
import type { TokenServiceHandlers } from '../../common/gen/nephele/v1/TokenService.js';
import type { BeginManagementResponse } from '../../common/gen/nephele/v1/BeginManagementResponse.js';
import { InvalidArgumentError, PermissionDeniedError } from '../../common/errors.js';
import { emptySetSpec } from '../../common/grpc/convert.js';
import { imageToProto, managementToProto } from '../../common/grpc/convert-tokens.js';
import { requireId } from '../../common/validate.js';
import type { Clock } from '../../common/clock.js';
import type { Store } from '../../common/store/index.js';
import { can, authorizeTask } from '../auth/authz.js';
import { unaryRpc, type RpcLayer, type UnaryCtx } from '../rpc/handler.js';
import type { Planner } from '../planner/planner.js';
import { validateSetRequest } from '../planner/request.js';
import { requireCount } from '../planner/request.js';
import type { VmRegistry } from '../vms/registry.js';
import type { VmSetSpec__Output as VmSetSpec } from '../../common/gen/nephele/v1/VmSetSpec.js';
import type { ImageStore } from './ports.js';
import { BOOT_WAIT_MS, type ManagementService } from './service-impl.js';
import { validateConfig } from './input.js';
import { byId } from './records.js';
import { overImage } from './clones.js';
import { configurationTable, type TableDeps } from './table.js';
import { CAPTURE_TIMEOUT_MS } from './capture.js';

export type ManagementHandlers = Pick<
  TokenServiceHandlers,
  | 'BeginManagement'
  | 'ConfigureManagementInstance'
  | 'CaptureImage'
  | 'EndManagement'
  | 'PopulateSet'
  | 'GetConfigurationTable'
>;

export interface HandlerDeps extends TableDeps {
  mgmt: ManagementService;
  images: ImageStore;
  vms: VmRegistry;
  planner: Planner;
  store: Store;
  clock: Clock;
}

function target(req: { setId?: string; vmId?: string; imageId?: string; target?: string }) {
  if (req.target === 'setId') return { setId: requireId('set_id', req.setId) };
  if (req.target === 'vmId') return { vmId: requireId('vm_id', req.vmId) };
  if (req.target === 'imageId') return { imageId: requireId('image_id', req.imageId) };
  throw new InvalidArgumentError('target', 'set_id, vm_id or image_id is required');
}

export function managementHandlers(layer: RpcLayer, d: HandlerDeps): ManagementHandlers {
  const answer = async (tokenId: string, ctx: UnaryCtx, token: string): Promise<BeginManagementResponse> => {
    const { rec } = await byId(d.store, tokenId, ctx.scope);
    const { vm, version } = await d.vms.get(rec.vmId);
    return { token, management: managementToProto(rec), vm: d.vms.view(vm, version) };
  };
  return {
    BeginManagement: unaryRpc(
      layer,
      'TokenService.BeginManagement',
      async (req, ctx) => {
        const { token, record, vm } = await d.mgmt.begin(target(req), ctx.scope);
        const { version } = await d.vms.get(vm.id);
        return { token, management: managementToProto(record), vm: d.vms.view(vm, version) };
      },
      // A replay never shows the token again (only its hash was kept).
      (ref, _req, ctx) => answer(ref, ctx, ''),
      { deadlineMs: BOOT_WAIT_MS + 60_000 }, // begin(image) waits for a new VM to boot
    ),
    ConfigureManagementInstance: unaryRpc(
      layer,
      'TokenService.ConfigureManagementInstance',
      async (req, ctx) => {
        const change = validateConfig(req);
        const rec = await d.mgmt.configure(req.token, change, ctx.scope, ctx.principal.id);
        return { management: managementToProto(rec) };
      },
      // A retried change is not applied twice: the record as it is now.
      async (ref, _req, ctx) => ({ management: managementToProto((await byId(d.store, ref, ctx.scope)).rec) }),
    ),
    CaptureImage: unaryRpc(
      layer,
      'TokenService.CaptureImage',
      async (req, ctx) => {
        const image = await d.mgmt.capture(req.token, req.name, ctx.scope);
        return { image: imageToProto(image, 1) };
      },
      undefined,
      { deadlineMs: CAPTURE_TIMEOUT_MS + 60_000 },
    ),
    EndManagement: unaryRpc(
      layer,
      'TokenService.EndManagement',
      async (req, ctx) => {
        const { record, vm } = await d.mgmt.end(req.token, ctx.scope);
        const { version } = await d.vms.get(vm.id);
        return { management: managementToProto(record), vm: d.vms.view(vm, version) };
      },
      async (ref, _req, ctx) => {
        const { token: _t, ...rest } = await answer(ref, ctx, '');
        return rest;
      },
    ),
    PopulateSet: unaryRpc(
      layer,
      'TokenService.PopulateSet',
      async (req, ctx) => {
        if (!can(ctx.principal, 'vms.write')) throw new PermissionDeniedError('populating a set needs vms.write');
        const imageId = requireId('image_id', req.imageId);
        const count = requireCount('count', req.count, 1);
        const { image, ref } = await d.images.refForClone(imageId, ctx.scope, 'image_id');
        const wire = { ...emptySetSpec(), ...req.request };
        const spec = overImage(image, wire.spec) as VmSetSpec['spec'];
        const r = validateSetRequest(
          { ...wire, count, spec, schemePreference: [image.scheme] },
          d.clock.now(),
          ctx.principal.userGroup,
        );
        authorizeTask(ctx.principal, r.spec.config, 'request.spec.config');
        const tenant = r.tenant || image.tenant;
        if (tenant !== image.tenant) throw new InvalidArgumentError('request.tenant', "must be the image's tenant");
        if (r.group)
          await d.hosts.getGroup(r.group).catch(() => {
            throw new InvalidArgumentError('request.group', 'unknown group');
          });
        if (req.dryRun)
          return { set: null, plan: await d.planner.dryRun({ ...r, spec: { ...r.spec, base: ref } }, tenant) };
        return d.mgmt.clones(r, ref, tenant);
      },
      // A retry does not make a second set: the one the first call made.
      async (ref, _req, ctx) => ({
        set: await d.planner.view(ref, ctx.scope),
        plan: await d.planner.plan(ref, ctx.scope),
      }),
    ),
    GetConfigurationTable: unaryRpc(layer, 'TokenService.GetConfigurationTable', async (req, ctx) => ({
      table: await configurationTable(d, requireId('set_id', req.setId), ctx.scope),
    })),
  };
}
