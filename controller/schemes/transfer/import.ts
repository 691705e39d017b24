// ImportVm: a foreign definition plus its disk becomes a VM of a chosen scheme.
// The first chunk's meta is checked before any data is taken (format and codec,
// the definition parsed and mapped to a VmSpec, scheme, tenant, announced size,
// room in the tenant's quota); the disk arrives as images do (receive.ts:
// order, size cap, sha256, idle and rate bounds), is inspected, converted to the
// scheme's disk format, and handed to the VM's host the way a cold move hands
// over a disk: a ready transfer (vms/transfers.ts) the new VM is created from
// (importDisk; the agent fetches it with GetDisk), VM, quota and transfer record
// in one batch. Any failure or cancellation leaves no file and no record.
import { renameSync } from 'node:fs';
import type { ImportVmChunk__Output as ImportChunk } from '../../../common/gen/nephele/v1/ImportVmChunk.js';
import {
  FailedPreconditionError,
  InvalidArgumentError,
  NepheleError,
  PermissionDeniedError,
  ResourceExhaustedError,
} from '../../../common/errors.js';
import { DefinitionFormatEnum, DiskFormatEnum } from '../../../common/grpc/convert-scheme.js';
import type { VmSpec__Output as WireSpec } from '../../../common/gen/nephele/v1/VmSpec.js';
import { ulid } from '../../../common/ids.js';
import { GiB, MAX_DISK_GIB, resourcesOf } from '../../../common/limits.js';
import { DefinitionError, type DiskFormatName, type Lossy } from '../../../common/spec/definition.js';
import { requireName } from '../../../common/validate.js';
import { receiveFile, type ChunkStream } from '../../images/receive.js';
import type { VmRecord, VmSpec } from '../../model/vm.js';
import { DEFAULT_TENANT } from '../../tenancy/tenants.js';
import { validateSpec } from '../../vms/spec.js';
import { codecFor } from '../formats/index.js';
import { convertDisk, DiskRejectedError } from '../disk/convert.js';
import { EXTENSION } from '../disk/formats.js';
import { inspectDisk } from '../disk/inspect.js';
import { diskFormatOf, specFromDefinition, vmDiskIndex } from './mapping.js';
import type { TransferDeps } from './deps.js';

export const MAX_DEFINITION_CHARS = 1024 * 1024;

interface Admitted {
  name: string;
  tenant: string;
  scheme: string;
  hostId: string;
  start: boolean;
  appliancePort: number;
  diskFormat: DiskFormatName;
  sizeBytes: number;
  def: ReturnType<NonNullable<ReturnType<typeof codecFor>>['parse']>['def'];
  lossy: Lossy[];
}

/** A definition error of a codec (field `text`), re-aimed at the request's field. */
function parseDefinition(format: ReturnType<typeof DefinitionFormatEnum.require>, text: string) {
  const codec = codecFor(format);
  if (!codec) throw new InvalidArgumentError('meta.format', `${format} definitions cannot be read on this controller`);
  try {
    return codec.parse(text);
  } catch (e) {
    if (e instanceof DefinitionError)
      throw new DefinitionError(
        'meta.definition',
        e.where,
        e.message.replace(/^[^:]*: /, '').replace(`${e.where}: `, ''),
      );
    throw e;
  }
}

/** The spec, validated as CreateVm validates one (errors name meta.definition's fields). */
function checkedSpec(spec: VmSpec): WireSpec {
  return validateSpec({ ...spec, vmClass: '', baseImage: null }, 'meta.definition');
}

export class Imports {
  private active = 0;

  constructor(private readonly d: TransferDeps) {}

  /** The first chunk's meta, checked before any data is taken. */
  async admit(c: ImportChunk, scope: string | undefined): Promise<Admitted> {
    const m = c.meta;
    if (!m) throw new InvalidArgumentError('meta', 'the first chunk must carry the metadata');
    const format = DefinitionFormatEnum.require(m.format, 'meta.format');
    if (!m.definition) throw new InvalidArgumentError('meta.definition', 'is required');
    if (m.definition.length > MAX_DEFINITION_CHARS)
      throw new InvalidArgumentError('meta.definition', `at most ${MAX_DEFINITION_CHARS} characters`);
    const { def, lossy } = parseDefinition(format, m.definition);
    const main = def.disks[vmDiskIndex(def)]!;
    const diskFormat = DiskFormatEnum.optional(m.diskFormat, 'meta.disk_format') ?? main.format;
    const scheme = m.scheme;
    if (!diskFormatOf(scheme))
      throw new InvalidArgumentError('meta.scheme', 'must be a scheme whose VMs run from a disk (qemu, libvirt)');
    const tenant = m.tenant || scope || DEFAULT_TENANT;
    if (scope !== undefined && tenant !== scope)
      throw new PermissionDeniedError('you may only import vms into your own tenant');
    if (!(await this.d.tenants.exists(tenant))) throw new InvalidArgumentError('meta.tenant', 'unknown tenant');
    const name = requireName('meta.name', m.name || def.name); // the definition's name unless one is given
    const sizeBytes = Number(m.diskSizeBytes);
    const max = this.d.maxDiskBytes;
    if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0 || sizeBytes > max)
      throw new InvalidArgumentError('meta.disk_size_bytes', `must be from 1 to ${max} bytes`);
    const appliancePort = m.appliancePort ?? 0;
    // The shape is checked now (the disk's size comes later): a bad definition costs no upload.
    const early = checkedSpec(specFromDefinition(def, { scheme, virtualBytes: 1, appliancePort }).spec);
    // Refused before any data is taken: a tenant at its quota cannot fill the disk first.
    await this.d.tenants.prepareAdmit(tenant, `import-probe-${ulid()}`, {
      vcpus: early.vcpus,
      memoryBytes: resourcesOf(early).memoryBytes,
      vms: 1,
      images: 0,
    });
    const hostId = m.hostId ? requireName('meta.host_id', m.hostId) : '';
    return { name, tenant, scheme, hostId, start: !!m.start, appliancePort, diskFormat, sizeBytes, def, lossy };
  }

  async receive(
    call: ChunkStream<ImportChunk> & { on(ev: 'cancelled', fn: () => void): unknown },
    scope: string | undefined,
  ): Promise<{ vm: VmRecord; version: number; lossy: Lossy[] }> {
    if (this.active >= this.d.maxAtOnce)
      throw new NepheleError('RESOURCE_EXHAUSTED', `at most ${this.d.maxAtOnce} imports at once; try again later`);
    this.active++;
    const work = this.d.scratch.make();
    const cancel = new AbortController();
    call.on('cancelled', () => cancel.abort());
    let transferId = '';
    try {
      let meta: Admitted | undefined;
      const got = await receiveFile<ImportChunk>(
        call,
        async (first) => {
          meta = await this.admit(first, scope);
          return { dest: work.path(`upload.${EXTENSION[meta.diskFormat]}`), maxBytes: meta.sizeBytes };
        },
        { ms: this.d.idleMs, clock: this.d.clock },
      );
      const a = meta!;
      if (got.sizeBytes !== a.sizeBytes)
        throw new InvalidArgumentError(
          'meta.disk_size_bytes',
          `announced ${a.sizeBytes} bytes, received ${got.sizeBytes}`,
        );
      const target = diskFormatOf(a.scheme)!;
      const o = { maxVirtualBytes: MAX_DISK_GIB * GiB, qemuImg: this.d.qemuImg, signal: cancel.signal };
      let disk = got.path;
      let virtualBytes: number;
      try {
        if (a.diskFormat === target) virtualBytes = await inspectDisk(disk, target, o);
        else {
          disk = work.path(`disk.${EXTENSION[target]}`);
          virtualBytes = (await convertDisk(got.path, a.diskFormat, disk, target, o)).virtualBytes;
        }
      } catch (e) {
        if (e instanceof DiskRejectedError)
          throw new InvalidArgumentError('data', `disk refused: ${e.reasons.join('; ')}`);
        throw e;
      }
      const mapped = specFromDefinition(a.def, { scheme: a.scheme, virtualBytes, appliancePort: a.appliancePort });
      const spec = checkedSpec(mapped.spec);
      transferId = ulid(this.d.clock.now());
      renameSync(disk, this.d.transfers.path(transferId));
      const vmId = ulid(this.d.clock.now());
      const r = await this.d.planner.createVm({
        id: vmId,
        name: a.name,
        tenant: a.tenant,
        spec,
        hostId: a.hostId || undefined,
        desired: a.start ? 'running' : 'stopped',
        importDisk: transferId,
        ops: this.d.transfers.importOps(transferId, vmId, virtualBytes),
      });
      if ('reasons' in r) {
        if (a.hostId)
          throw new FailedPreconditionError(`meta.host_id: the host cannot take this vm now: ${r.reasons.join('; ')}`);
        throw new ResourceExhaustedError(`no host can take the vm now: ${r.reasons.join('; ')}`);
      }
      transferId = ''; // the VM's now: its host fetches it, and it is dropped once the VM runs
      this.d.log.info(
        {
          vm_id: r.vm.id,
          host_id: r.vm.hostId,
          scheme: a.scheme,
          disk_format: a.diskFormat,
          virtual_bytes: virtualBytes,
        },
        'vm imported',
      );
      return { ...r, lossy: [...a.lossy, ...mapped.lossy] };
    } finally {
      this.active--;
      work.dispose();
      if (transferId) await this.d.transfers.finish(transferId);
    }
  }
}
