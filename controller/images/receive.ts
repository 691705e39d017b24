// Receives one file from a client stream of chunks (UploadImage, PutImage):
// the first chunk opens the transfer (the caller checks who may send what and
// how much), every chunk is checked by common/disk-stream's DiskReceiver
// (order, size cap, sha256), a sender that goes quiet for `idleMs` is cut off,
// and a stream that ends, errs or is cancelled before its last chunk leaves no
// file behind.
import { InvalidArgumentError, NepheleError } from '../../common/errors.js';
import { DiskReceiver } from '../../common/disk-stream.js';
import { isUndecodable } from '../../common/grpc/decode.js';
import type { Clock, Timer } from '../../common/clock.js';

export interface Chunk {
  data?: Buffer | Uint8Array | null;
  offset: number | string;
  last?: boolean;
  sha256?: string;
}

export interface ChunkStream<C> {
  on(ev: 'data', fn: (c: C) => void): unknown;
  on(ev: 'end' | 'cancelled', fn: () => void): unknown;
  on(ev: 'error', fn: (e: unknown) => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

/**
 * The slowest average rate a transfer may keep (256 KiB/s): a sender that
 * trickles a byte before each idle timeout would otherwise hold an upload slot
 * and a staged file forever.
 */
export const MIN_BYTES_PER_S = 256 * 1024;

export interface Opened {
  /** The file lands here (`<dest>.part` while it arrives). */
  dest: string;
  maxBytes: number;
}

export interface Received<C> {
  first: C;
  path: string;
  sha256: string;
  sizeBytes: number;
}

export function receiveFile<C extends Chunk>(
  call: ChunkStream<C>,
  open: (first: C) => Promise<Opened>,
  idle: { ms: number; clock: Clock },
): Promise<Received<C>> {
  return new Promise((resolve, reject) => {
    let first: C | undefined;
    let opened: Opened | undefined;
    let rx: DiskReceiver | undefined;
    let chain = Promise.resolve();
    let settled = false;
    let timer: Timer | undefined;
    let whole: Timer | undefined;
    const arm = () => {
      timer?.cancel();
      timer = idle.clock.setTimeout(
        () => fail(new NepheleError('DEADLINE_EXCEEDED', 'no data from the sender for too long')),
        idle.ms,
      );
    };
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      timer?.cancel();
      whole?.cancel();
      rx?.abort();
      reject(e);
    };
    arm();
    call.on('data', (c: C) => {
      arm();
      call.pause();
      chain = chain
        .then(async () => {
          if (settled) return;
          if (isUndecodable(c)) throw new InvalidArgumentError('chunk', 'cannot be decoded');
          if (!rx) {
            first = c;
            opened = await open(c);
            if (settled) return;
            whole = idle.clock.setTimeout(
              () => fail(new NepheleError('DEADLINE_EXCEEDED', 'the upload is too slow')),
              idle.ms + (opened.maxBytes / MIN_BYTES_PER_S) * 1000,
            );
            rx = new DiskReceiver(
              opened.dest,
              (field, problem) => new InvalidArgumentError(field, problem),
              opened.maxBytes,
            );
          }
          await rx.write(c);
          if (!rx.done) return;
          settled = true;
          timer?.cancel();
          whole?.cancel();
          resolve({ first: first!, path: opened!.dest, sha256: rx.sha256, sizeBytes: rx.bytes });
        })
        .catch(fail)
        .finally(() => call.resume());
    });
    const ended = (why: string) => () =>
      void chain.then(() => fail(new InvalidArgumentError('last', `the upload ${why} before its last chunk`)));
    call.on('end', ended('ended'));
    call.on('cancelled', ended('was cancelled'));
    call.on('error', fail);
  });
}
