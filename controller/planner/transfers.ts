// Disk transfers for cold moves of qemu VMs. The source host uploads the
// stopped VM's disk (its qcow2 overlay: only the blocks the guest changed), the
// controller keeps it in <data-dir>/transfers until the target host has
// downloaded it and the VM runs there. Agents only dial the controller, so it
// relays; every chunk is checked against the transfer record and the final
// sha256, and a file is used only once it is complete.
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, renameSync, rmSync, statSync, openSync, writeSync, closeSync, fsyncSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import type { DiskChunk__Output as DiskChunk } from '../../common/gen/nephele/v1/DiskChunk.js';
import type { DiskChunk as DiskChunkIn } from '../../common/gen/nephele/v1/DiskChunk.js';
import type { PutDiskResponse } from '../../common/gen/nephele/v1/PutDiskResponse.js';
import type { GetDiskRequest__Output as GetDiskRequest } from '../../common/gen/nephele/v1/GetDiskRequest.js';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError, PermissionDeniedError } from '../../common/errors.js';
import { ULID_RE } from '../../common/ids.js';
import { isUndecodable } from '../../common/grpc/decode.js';
import { del, type Op, put, type Store } from '../../common/store/index.js';
import type { Clock } from '../../common/clock.js';
import { VMS, type VmRecord } from '../vms/registry.js';

export const TRANSFERS = 'disk-transfers';
const CHUNK = 256 * 1024;
const MAX_CHUNK = 1024 * 1024;
export const MAX_DISK_BYTES = 64 * 1024 ** 3;

export interface Transfer {
  id: string;
  vmId: string;
  fromHost: string;
  state: 'exporting' | 'ready';
  sizeBytes: number;
  sha256: string;
  createdUnixMs: number;
}

export class DiskTransfers {
  readonly dir: string;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    dataDir: string,
  ) {
    this.dir = join(dataDir, 'transfers');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    // A partial upload from before a restart is never used.
    for (const f of readdirSync(this.dir)) if (f.endsWith('.part')) rmSync(join(this.dir, f), { force: true });
  }

  path(id: string): string {
    return join(this.dir, `${id}.qcow2`);
  }

  /** The record of a new export, for the caller's batch. */
  beginOps(id: string, vm: VmRecord): Op[] {
    const t: Transfer = { id, vmId: vm.id, fromHost: vm.hostId, state: 'exporting', sizeBytes: 0, sha256: '', createdUnixMs: this.clock.now() };
    return [put(TRANSFERS, id, t)];
  }

  async get(id: string): Promise<Transfer | undefined> {
    return ULID_RE.test(id) ? (await this.store.get<Transfer>(TRANSFERS, id))?.value : undefined;
  }

  /** Drops a transfer and its file (the VM runs on its new host, or the move was abandoned). */
  async finish(id: string): Promise<void> {
    rmSync(this.path(id), { force: true });
    rmSync(`${this.path(id)}.part`, { force: true });
    await this.store.batch([del(TRANSFERS, id)]);
  }

  /**
   * Receives an upload from `hostId`. Only the VM's source host may upload,
   * only while the VM still waits for this export. Resolves with the transfer
   * once the file is complete, hashed and durable.
   */
  receive(call: grpc.ServerReadableStream<DiskChunk, PutDiskResponse>, hostId: string): Promise<Transfer> {
    return new Promise<Transfer>((resolve, reject) => {
      let t: Transfer | undefined;
      let fd = -1;
      let size = 0;
      const hash = createHash('sha256');
      let chain = Promise.resolve();
      let done = false;
      const fail = (e: unknown) => {
        if (done) return;
        done = true;
        if (fd >= 0) closeSync(fd);
        if (t) rmSync(`${this.path(t.id)}.part`, { force: true });
        reject(e);
      };
      call.on('data', (c: DiskChunk) => {
        chain = chain.then(async () => {
          if (done) return;
          if (isUndecodable(c)) throw new InvalidArgumentError('chunk', 'cannot be decoded');
          if (!t) {
            const id = String(c.transferId ?? '');
            if (!ULID_RE.test(id)) throw new InvalidArgumentError('transfer_id', 'not a transfer id');
            const rec = await this.get(id);
            if (!rec) throw new NotFoundError('transfer');
            if (rec.fromHost !== hostId) throw new PermissionDeniedError('only the source host may upload this disk');
            if (rec.state !== 'exporting') throw new FailedPreconditionError('this disk was already uploaded');
            const vm = await this.store.get<VmRecord>(VMS, rec.vmId);
            if (!vm || vm.value.exportDisk !== id) throw new FailedPreconditionError('the vm no longer waits for this export');
            t = rec;
            fd = openSync(`${this.path(id)}.part`, 'w', 0o600);
          }
          const data = Buffer.from(c.data ?? []);
          if (data.length > MAX_CHUNK) throw new InvalidArgumentError('data', `chunks are at most ${MAX_CHUNK} bytes`);
          if (Number(c.offset) !== size) throw new InvalidArgumentError('offset', `expected ${size}`);
          if (size + data.length > MAX_DISK_BYTES) throw new InvalidArgumentError('data', 'disk too large');
          if (data.length) writeSync(fd, data);
          hash.update(data);
          size += data.length;
          if (c.last) {
            const sha = hash.digest('hex');
            if (c.sha256 !== sha) throw new InvalidArgumentError('sha256', 'does not match the data received');
            fsyncSync(fd);
            closeSync(fd);
            fd = -1;
            renameSync(`${this.path(t.id)}.part`, this.path(t.id));
            const ready: Transfer = { ...t, state: 'ready', sizeBytes: size, sha256: sha };
            await this.store.batch([put(TRANSFERS, t.id, ready)]);
            done = true;
            resolve(ready);
          }
        }).catch(fail);
      });
      call.on('end', () => void chain.then(() => fail(new InvalidArgumentError('last', 'the upload ended without its last chunk'))));
      call.on('error', fail);
    });
  }

  /** Streams a complete transfer to the VM's current host (the move's target). */
  async send(call: grpc.ServerWritableStream<GetDiskRequest, DiskChunkIn>, hostId: string): Promise<void> {
    const id = String(call.request?.transferId ?? '');
    if (!ULID_RE.test(id)) throw new InvalidArgumentError('transfer_id', 'not a transfer id');
    const t = await this.get(id);
    if (!t || t.state !== 'ready' || !existsSync(this.path(id))) throw new NotFoundError('transfer');
    const vm = await this.store.get<VmRecord>(VMS, t.vmId);
    if (!vm || vm.value.hostId !== hostId || vm.value.importDisk !== id) throw new PermissionDeniedError('only the target host of this move may download its disk');
    const size = statSync(this.path(id)).size;
    let offset = 0;
    for await (const buf of createReadStream(this.path(id), { highWaterMark: CHUNK })) {
      const data = buf as Buffer;
      const last = offset + data.length === size;
      if (!call.write({ transferId: id, data, offset, last, sha256: last ? t.sha256 : '' })) await new Promise((r) => call.once('drain', r));
      offset += data.length;
    }
    if (size === 0) call.write({ transferId: id, data: Buffer.alloc(0), offset: 0, last: true, sha256: t.sha256 });
    call.end();
  }
}
