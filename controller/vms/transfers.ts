// Disk transfers for cold moves of qemu VMs. The source host uploads the
// stopped VM's disk (its qcow2 overlay: only the blocks the guest changed), the
// controller keeps it in <data-dir>/transfers until the target host has
// downloaded it and the VM runs there. Agents only dial the controller, so it
// relays; every chunk is checked against the transfer record and the final
// sha256, and a file is used only once it is complete.
import { mkdirSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { DiskReceiver, diskChunks } from '../../common/disk-stream.js';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import type { DiskChunk__Output as DiskChunk } from '../../common/gen/nephele/v1/DiskChunk.js';
import type { DiskChunk as DiskChunkIn } from '../../common/gen/nephele/v1/DiskChunk.js';
import type { PutDiskResponse } from '../../common/gen/nephele/v1/PutDiskResponse.js';
import type { GetDiskRequest__Output as GetDiskRequest } from '../../common/gen/nephele/v1/GetDiskRequest.js';
import {
  FailedPreconditionError,
  InvalidArgumentError,
  NepheleError,
  NotFoundError,
  PermissionDeniedError,
} from '../../common/errors.js';
import { ULID_RE } from '../../common/ids.js';
import { isUndecodable } from '../../common/grpc/decode.js';
import { del, type Op, put, type Store } from '../../common/store/index.js';
import type { Clock } from '../../common/clock.js';
import { VMS, type VmRecord } from './registry.js';

export const TRANSFERS = 'disk-transfers';
export const MAX_DISK_BYTES = 64 * 1024 ** 3;

export interface Transfer {
  id: string;
  vmId: string;
  fromHost: string;
  state: 'exporting' | 'ready';
  sizeBytes: number;
  sha256: string;
  createdUnixMs: number;
  /** Why the disk travels: a cold move (absent) re-places the VM once it is in; an export (ExportVm) only waits for it. */
  purpose?: 'export' | 'import';
}

export class DiskTransfers {
  readonly dir: string;
  /** ExportVm calls waiting for their upload (in memory: the call that waits is on this controller). */
  private readonly waiters = new Map<string, (t: Transfer) => void>();

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
  beginOps(id: string, vm: VmRecord, purpose?: 'export'): Op[] {
    const t: Transfer = {
      id,
      vmId: vm.id,
      fromHost: vm.hostId,
      state: 'exporting',
      sizeBytes: 0,
      sha256: '',
      createdUnixMs: this.clock.now(),
      ...(purpose ? { purpose } : {}),
    };
    return [put(TRANSFERS, id, t)];
  }

  /** The record of an imported disk already at path(id), for the batch that creates its VM (ImportVm). */
  importOps(id: string, vmId: string, sizeBytes: number): Op[] {
    const t: Transfer = {
      id,
      vmId,
      fromHost: '',
      state: 'ready',
      sizeBytes,
      sha256: '',
      createdUnixMs: this.clock.now(),
      purpose: 'import',
    };
    return [put(TRANSFERS, id, t)];
  }

  /** Resolves when the upload of transfer `id` is complete; rejects after `timeoutMs` or when `signal` aborts. */
  whenReady(id: string, timeoutMs: number, signal?: AbortSignal): Promise<Transfer> {
    return new Promise((resolve, reject) => {
      const done = (e: Error | undefined, t?: Transfer) => {
        this.waiters.delete(id);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (e) reject(e);
        else resolve(t!);
      };
      const timer = setTimeout(
        () => done(new NepheleError('DEADLINE_EXCEEDED', "the vm's host did not hand over its disk in time")),
        timeoutMs,
      );
      const onAbort = () => done(new NepheleError('ABORTED', 'the export was cancelled'));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.set(id, (t) => done(undefined, t));
      void this.get(id).then((t) => t?.state === 'ready' && done(undefined, t)); // already in
    });
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
      let rx: DiskReceiver | undefined;
      let chain = Promise.resolve();
      let settled = false;
      const fail = (e: unknown) => {
        if (settled) return;
        settled = true;
        rx?.abort();
        reject(e);
      };
      call.on('data', (c: DiskChunk) => {
        chain = chain
          .then(async () => {
            if (settled) return;
            if (isUndecodable(c)) throw new InvalidArgumentError('chunk', 'cannot be decoded');
            if (!rx) {
              t = await this.openUpload(String(c.transferId ?? ''), hostId);
              rx = new DiskReceiver(
                this.path(t.id),
                (field, problem) => new InvalidArgumentError(field, problem),
                MAX_DISK_BYTES,
              );
            }
            await rx.write(c);
            if (!rx.done) return;
            const ready: Transfer = { ...t!, state: 'ready', sizeBytes: rx.bytes, sha256: rx.sha256 };
            await this.store.batch([put(TRANSFERS, ready.id, ready)]);
            settled = true;
            this.waiters.get(ready.id)?.(ready);
            resolve(ready);
          })
          .catch(fail);
      });
      call.on(
        'end',
        () => void chain.then(() => fail(new InvalidArgumentError('last', 'the upload ended without its last chunk'))),
      );
      call.on('error', fail);
    });
  }

  /** Only the VM's source host may upload, and only while the VM still waits for this export. */
  private async openUpload(id: string, hostId: string): Promise<Transfer> {
    if (!ULID_RE.test(id)) throw new InvalidArgumentError('transfer_id', 'not a transfer id');
    const rec = await this.get(id);
    if (!rec) throw new NotFoundError('transfer');
    if (rec.fromHost !== hostId) throw new PermissionDeniedError('only the source host may upload this disk');
    if (rec.state !== 'exporting') throw new FailedPreconditionError('this disk was already uploaded');
    const vm = await this.store.get<VmRecord>(VMS, rec.vmId);
    if (!vm || vm.value.exportDisk !== id) throw new FailedPreconditionError('the vm no longer waits for this export');
    return rec;
  }

  /** Streams a complete transfer to the VM's current host (the move's target). */
  async send(call: grpc.ServerWritableStream<GetDiskRequest, DiskChunkIn>, hostId: string): Promise<void> {
    const id = String(call.request?.transferId ?? '');
    if (!ULID_RE.test(id)) throw new InvalidArgumentError('transfer_id', 'not a transfer id');
    const t = await this.get(id);
    if (!t || t.state !== 'ready' || !existsSync(this.path(id))) throw new NotFoundError('transfer');
    const vm = await this.store.get<VmRecord>(VMS, t.vmId);
    if (!vm || vm.value.hostId !== hostId || vm.value.importDisk !== id)
      throw new PermissionDeniedError('only the target host of this move may download its disk');
    for await (const c of diskChunks(this.path(id), id))
      if (!call.write(c)) await new Promise((r) => call.once('drain', r));
    call.end();
  }
}
