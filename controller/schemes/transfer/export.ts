// ExportVm: a stopped VM as a definition in a chosen format plus its disk in a
// chosen disk format. The disk comes from the VM's host by the cold-move path
// (exportDisk + PutDisk into vms/transfers.ts; the least new machinery: the
// agent already stops, uploads and retries it, and the controller already
// checks and stores it), marked `exportFlat` so the host folds its base in first
// (we have no copy of the shipped base). The VM must be stopped: a running
// guest would change the disk under the copy. Then: inspect, convert (progress
// messages), header, chunks with the sha256 on the last. Whatever happens,
// the transfer, its file and the scratch files are gone when the call ends.
import type { ServerWritableStream } from '@grpc/grpc-js';
import type { ExportVmChunk } from '../../../common/gen/nephele/v1/ExportVmChunk.js';
import type { ExportVmRequest__Output as ExportRequest } from '../../../common/gen/nephele/v1/ExportVmRequest.js';
import { diskChunks } from '../../../common/disk-stream.js';
import { FailedPreconditionError, InvalidArgumentError, NepheleError } from '../../../common/errors.js';
import { DefinitionFormatEnum, DiskFormatEnum, lossyToProto } from '../../../common/grpc/convert-scheme.js';
import { ulid } from '../../../common/ids.js';
import { GiB, MAX_DISK_GIB } from '../../../common/limits.js';
import { at, put, retryOnConflict } from '../../../common/store/index.js';
import { requireId } from '../../../common/validate.js';
import type { VmRecord } from '../../model/vm.js';
import { VMS } from '../../vms/registry.js';
import { codecFor } from '../formats/index.js';
import { convertDisk, DiskRejectedError } from '../disk/convert.js';
import { EXTENSION } from '../disk/formats.js';
import { inspectDisk } from '../disk/inspect.js';
import { definitionFromVm, diskFormatOf } from './mapping.js';
import type { TransferDeps } from './deps.js';

type Call = ServerWritableStream<ExportRequest, ExportVmChunk>;

/** Why a VM's disk cannot be exported now (undefined: it can). */
export function exportRefusal(vm: VmRecord): string | undefined {
  if (!diskFormatOf(vm.spec.scheme)) return `a ${vm.spec.scheme} vm has no disk to export`;
  if (vm.desired === 'destroyed') return 'the vm is being destroyed';
  if (vm.exportDisk || vm.importDisk) return 'the vm is being moved or exported';
  if (vm.desired !== 'stopped' || vm.state !== 'stopped')
    return `the vm must be stopped first (it is ${vm.state}): a running guest would change its disk under the copy`;
  return undefined;
}

const write = async (call: Call, m: ExportVmChunk) => {
  if (!call.write(m)) await new Promise((r) => call.once('drain', r));
};

export class Exports {
  private active = 0;

  constructor(private readonly d: TransferDeps) {}

  async send(call: Call, scope: string | undefined): Promise<void> {
    const req = call.request;
    const vmId = requireId('vm_id', req.vmId);
    const format = DefinitionFormatEnum.require(req.format, 'format');
    const codec = codecFor(format);
    if (!codec) throw new InvalidArgumentError('format', `${format} definitions cannot be written on this controller`);
    const diskFormat = DiskFormatEnum.require(req.diskFormat, 'disk_format');
    const { vm } = await this.d.vms.get(vmId, scope);
    const why = exportRefusal(vm);
    if (why) throw new FailedPreconditionError(why);
    if (this.active >= this.d.maxAtOnce)
      throw new NepheleError('RESOURCE_EXHAUSTED', `at most ${this.d.maxAtOnce} exports at once; try again later`);
    this.active++;
    const cancel = new AbortController();
    call.on('cancelled', () => cancel.abort());
    const work = this.d.scratch.make();
    const id = ulid(this.d.clock.now());
    try {
      await this.begin(vm.id, id);
      this.d.push(vm.hostId);
      await this.d.transfers.whenReady(id, this.d.exportWaitMs, cancel.signal);
      await this.end(vm.id, id);
      const src = this.d.transfers.path(id);
      const o = { maxVirtualBytes: MAX_DISK_GIB * GiB, qemuImg: this.d.qemuImg, signal: cancel.signal };
      const file = `${vm.name}.${EXTENSION[diskFormat]}`;
      let out = src;
      let virtualBytes: number;
      try {
        // From a host, but still from outside this process: inspected before qemu-img converts it.
        virtualBytes = await inspectDisk(src, 'qcow2', o);
        const rendered = codec.render(definitionFromVm(vm, { file, format: diskFormat, virtualBytes }));
        await write(call, {
          header: {
            definition: rendered.text,
            lossy: rendered.lossy.map(lossyToProto),
            diskFormat: DiskFormatEnum.toProto(diskFormat),
            diskSizeBytes: virtualBytes,
            diskFileName: file,
          },
        });
        if (diskFormat !== 'qcow2') {
          out = work.path(file);
          const progress = (percent: number) => void write(call, { progress: { percent } });
          await convertDisk(src, 'qcow2', out, diskFormat, { ...o, onProgress: progress });
        }
      } catch (e) {
        if (e instanceof DiskRejectedError)
          throw new NepheleError('INTERNAL', `the disk from the vm's host was refused: ${e.reasons.join('; ')}`);
        throw e;
      }
      for await (const c of diskChunks(out, '')) {
        if (cancel.signal.aborted) throw new NepheleError('ABORTED', 'the export was cancelled');
        await write(call, { data: c.data, offset: c.offset, last: c.last, sha256: c.sha256 });
      }
      call.end();
      this.d.log.info({ vm_id: vm.id, format, disk_format: diskFormat, virtual_bytes: virtualBytes }, 'vm exported');
    } finally {
      this.active--;
      work.dispose();
      await this.end(vm.id, id).catch((err) => this.d.log.error({ err, vm_id: vm.id }, 'could not end an export'));
      await this.d.transfers.finish(id);
    }
  }

  /** Asks the VM's host for its disk: the export under way, its transfer record, one batch (still stopped). */
  private begin(vmId: string, id: string): Promise<void> {
    return retryOnConflict(async () => {
      const cur = await this.d.store.get<VmRecord>(VMS, vmId);
      const why = cur ? exportRefusal(cur.value) : 'the vm is gone';
      if (why) throw new FailedPreconditionError(why);
      const vm = cur!.value;
      await this.d.events.commit({
        ops: [
          put(VMS, vm.id, { ...vm, exportDisk: id, exportFlat: true }),
          ...this.d.transfers.beginOps(id, vm, 'export'),
        ],
        preconditions: [at(VMS, vm.id, cur!.version)],
        events: [
          {
            type: 'vm.export_started',
            message: 'vm export started: its host uploads its disk',
            hostId: vm.hostId,
            tenant: vm.tenant,
            attributes: { vm_id: vm.id, transfer_id: id },
          },
        ],
      });
    });
  }

  /** The VM no longer waits for this export (idempotent). */
  private end(vmId: string, id: string): Promise<void> {
    return retryOnConflict(async () => {
      const cur = await this.d.store.get<VmRecord>(VMS, vmId);
      if (!cur || cur.value.exportDisk !== id) return;
      await this.d.store.batch(
        [put(VMS, vmId, { ...cur.value, exportDisk: '', exportFlat: undefined })],
        [at(VMS, vmId, cur.version)],
      );
    });
  }
}
