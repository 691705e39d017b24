// Cold migration's RPCs: VmService.MigrateVm (same scheme, another host) and
// SchemeService.MigrateAcrossSchemes (another scheme, maybe another host), both thin
// over Migrations (run.ts). Both answer once the VM runs healthy where it went.
import type { SchemeServiceHandlers } from '../../../common/gen/nephele/v1/SchemeService.js';
import type { VmServiceHandlers } from '../../../common/gen/nephele/v1/VmService.js';
import { FailedPreconditionError, InvalidArgumentError } from '../../../common/errors.js';
import { requireId } from '../../../common/validate.js';
import { unaryRpc, type RpcLayer } from '../../rpc/handler.js';
import type { SchemeDeps } from '../deps.js';
import { KNOWN_SCHEMES } from './decide.js';
import { Migrations, type ConvertDisk, type Migrated } from './run.js';

export { Migrations, type ConvertDisk } from './run.js';

/** No scheme pair needs a conversion yet (qemu and libvirt both run qcow2); the transfer part's convertDisk replaces this. */
export const noDiskConversion: ConvertDisk = (_path, from, to) =>
  Promise.reject(new FailedPreconditionError(`no disk conversion from ${from} to ${to} is available`));

export function startMigrate(d: SchemeDeps, o: { convertDisk?: ConvertDisk; verifyMs?: number } = {}) {
  const m = new Migrations({ ...d, convertDisk: o.convertDisk ?? noDiskConversion, verifyMs: o.verifyMs });
  const hostId = (raw: string) => (raw ? requireId('target_host_id', raw) : '');
  // A replayed call (its request_id seen before) answers with the vm as it is now; where it came from is not kept.
  const view = (r: Pick<Migrated, 'vm' | 'version'>) => {
    const vm = d.vms.view(r.vm, r.version);
    if (r.vm.hostId) vm.hostName = d.planner.fleet.slot(r.vm.hostId)?.name ?? '';
    return vm;
  };
  const opts = { deadlineMs: m.deadlineMs };
  return {
    migrations: m,
    handlers: (layer: RpcLayer): Pick<SchemeServiceHandlers, 'MigrateAcrossSchemes'> => ({
      MigrateAcrossSchemes: unaryRpc(
        layer,
        'SchemeService.MigrateAcrossSchemes',
        async (req, ctx) => {
          const id = requireId('vm_id', req.vmId);
          if (!req.targetScheme)
            throw new InvalidArgumentError('target_scheme', `required (one of ${KNOWN_SCHEMES.join(', ')})`);
          const r = await m.migrate(id, ctx.scope, req.targetScheme, hostId(req.targetHostId));
          return {
            vm: view(r),
            fromScheme: r.fromScheme,
            fromHostId: r.fromHost,
            diskConverted: r.diskConverted,
            seconds: r.seconds,
          };
        },
        async (ref, req, ctx) => {
          requireId('vm_id', req.vmId);
          const { vm, version } = await d.vms.get(ref, ctx.scope);
          return { vm: view({ vm, version }), fromScheme: '', fromHostId: '', diskConverted: false, seconds: 0 };
        },
        opts,
      ),
    }),
    vmHandlers: (layer: RpcLayer): Pick<VmServiceHandlers, 'MigrateVm'> => ({
      MigrateVm: unaryRpc(
        layer,
        'VmService.MigrateVm',
        async (req, ctx) => {
          const id = requireId('vm_id', req.vmId);
          const r = await m.migrate(id, ctx.scope, '', hostId(req.targetHostId));
          return { vm: view(r), fromHostId: r.fromHost };
        },
        async (ref, req, ctx) => {
          requireId('vm_id', req.vmId);
          const { vm, version } = await d.vms.get(ref, ctx.scope);
          return { vm: view({ vm, version }), fromHostId: '' };
        },
        opts,
      ),
    }),
  };
}
