// Capture uploads (AgentService.PutImage): the management side expects the
// upload of one transfer id from one host (expectUpload); only that host may
// send it, once, while it is expected. The file is staged, checked (size cap,
// sha256, format inspection) and handed to the waiter, which registers it
// (registerCaptured) or discards it. Nothing is registered here.
import { rmSync } from 'node:fs';
import {
  FailedPreconditionError,
  InvalidArgumentError,
  NepheleError,
  NotFoundError,
  PermissionDeniedError,
} from '../../common/errors.js';
import type { Clock, Timer } from '../../common/clock.js';
import { ULID_RE } from '../../common/ids.js';
import type { ImageFormat } from '../../common/model/enums.js';
import type { StagedBlob } from '../tokens/ports.js';
import type { ImageBlobs } from './blobs.js';
import { inspectImage, type InspectOptions } from './inspect.js';
import { receiveFile, type ChunkStream } from './receive.js';

interface Waiter {
  hostId: string;
  receiving: boolean;
  resolve: (b: StagedBlob) => void;
  reject: (e: unknown) => void;
  timer: Timer;
}

type PutChunk = { transferId?: string; data?: Buffer | null; offset: number | string; last?: boolean; sha256?: string };

export class Captures {
  private readonly waiting = new Map<string, Waiter>();
  /** Staged, checked captures not yet registered or discarded: path → format. */
  private readonly staged = new Map<string, ImageFormat>();

  constructor(
    private readonly blobs: ImageBlobs,
    private readonly clock: Clock,
    private readonly o: InspectOptions & { idleMs: number; maxPending: number },
  ) {}

  expect(transferId: string, hostId: string, timeoutMs: number): Promise<StagedBlob> {
    if (!ULID_RE.test(transferId)) return Promise.reject(new InvalidArgumentError('transfer_id', 'not a transfer id'));
    if (this.waiting.has(transferId))
      return Promise.reject(new FailedPreconditionError('this upload is already expected'));
    if (this.waiting.size >= this.o.maxPending)
      return Promise.reject(new NepheleError('RESOURCE_EXHAUSTED', 'too many captures in flight; try again later'));
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(() => this.discard(transferId), timeoutMs);
      this.waiting.set(transferId, { hostId, receiving: false, resolve, reject, timer });
    });
  }

  discard(transferId: string): void {
    const w = this.waiting.get(transferId);
    if (w) {
      w.timer.cancel();
      this.waiting.delete(transferId);
      w.reject(new NepheleError('DEADLINE_EXCEEDED', 'the capture was not uploaded in time, or it was abandoned'));
    }
    const path = this.blobs.stagePath(transferId);
    this.staged.delete(path);
    rmSync(path, { force: true });
    rmSync(`${path}.part`, { force: true });
  }

  formatOf(path: string): ImageFormat | undefined {
    return this.staged.get(path);
  }

  forget(path: string): void {
    this.staged.delete(path);
  }

  /** PutImage from `hostId`: resolves with what it received once it is staged and checked. */
  async receive(call: ChunkStream<PutChunk>, hostId: string): Promise<StagedBlob> {
    let id = '';
    let w: Waiter | undefined;
    let claimed = false;
    try {
      const got = await receiveFile(
        call,
        async (first) => {
          id = String(first.transferId ?? '');
          if (!ULID_RE.test(id)) throw new InvalidArgumentError('transfer_id', 'not a transfer id');
          w = this.waiting.get(id);
          // Neither "unknown" nor "someone else's" tells a host anything about other hosts' captures.
          if (!w) throw new NotFoundError('transfer');
          if (w.hostId !== hostId)
            throw new PermissionDeniedError('only the host that captured this disk may upload it');
          if (w.receiving) throw new FailedPreconditionError('this capture is already being uploaded');
          w.receiving = true;
          claimed = true;
          return { dest: this.blobs.stagePath(id), maxBytes: this.o.maxBytes };
        },
        { ms: this.o.idleMs, clock: this.clock },
      );
      const format = await inspectImage(got.path, undefined, this.o);
      const blob: StagedBlob = { path: got.path, sha256: got.sha256, sizeBytes: got.sizeBytes };
      // The waiter may have given up while the last bytes were checked.
      if (this.waiting.get(id) !== w) throw new FailedPreconditionError('the capture is no longer expected');
      w!.timer.cancel();
      this.waiting.delete(id);
      this.staged.set(got.path, format);
      w!.resolve(blob);
      return blob;
    } catch (e) {
      // A failed upload fails the capture at once; a refused sender (another host, a
      // second upload) does not touch the capture it was refused.
      if (!claimed) throw e;
      if (w && this.waiting.get(id) === w) {
        w.timer.cancel();
        this.waiting.delete(id);
        w.reject(e);
      }
      rmSync(this.blobs.stagePath(id), { force: true });
      this.staged.delete(this.blobs.stagePath(id));
      throw e;
    }
  }
}
