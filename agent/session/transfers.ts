import * as grpc from '@grpc/grpc-js';
import { DiskReceiver, diskChunks } from '../../common/disk-stream.js';
import type { AgentServiceClient } from '../../common/gen/nephele/v1/AgentService.js';
import type { ConsoleChunk } from '../../common/gen/nephele/v1/ConsoleChunk.js';
import type { ConsoleCall } from '../console.js';

// Calls beside the session stream, on the same channel: cold-move disks and consoles.

/** Identifies the host in --insecure mode (otherwise its client certificate does). */
export function hostMetadata(o: { insecure: boolean; hostId: string }): grpc.Metadata {
  const md = new grpc.Metadata();
  if (o.insecure) md.set('x-nephele-host-id', o.hostId);
  return md;
}

export class Transfers {
  constructor(
    private readonly client: () => AgentServiceClient,
    private readonly metadata: () => grpc.Metadata,
  ) {}

  /** Cold move, source side: streams a stopped VM's disk to the controller under a transfer id. */
  async putDisk(transferId: string, path: string): Promise<void> {
    await this.upload('PutDisk', transferId, path);
  }

  /** A capture's upload (PutImage) under its command's transfer id; resolves with what the controller stored. */
  async putImage(transferId: string, path: string): Promise<{ sha256: string; sizeBytes: number }> {
    const r = await this.upload('PutImage', transferId, path);
    return { sha256: r?.sha256 ?? '', sizeBytes: Number(r?.sizeBytes ?? 0) };
  }

  private upload(
    rpc: 'PutDisk' | 'PutImage',
    transferId: string,
    path: string,
  ): Promise<{ sha256: string; sizeBytes: number | string } | undefined> {
    return new Promise((resolve, reject) => {
      const client = this.client();
      const call = client[rpc](this.metadata(), { deadline: Date.now() + 30 * 60_000 }, (err, res) =>
        err ? reject(err) : resolve(res),
      );
      (async () => {
        for await (const c of diskChunks(path, transferId))
          if (!call.write(c)) await new Promise((r) => call.once('drain', r));
        call.end();
      })().catch((e) => {
        call.cancel();
        reject(e);
      });
    });
  }

  /** Cold move, target side: downloads a moved disk to `dest`, checking its sha256. */
  async getDisk(transferId: string, dest: string): Promise<void> {
    const call = this.client().GetDisk({ transferId }, this.metadata(), { deadline: Date.now() + 30 * 60_000 });
    await receive(call, new DiskReceiver(dest, (field, problem) => new Error(`moved disk: ${field} ${problem}`)));
  }

  /** A base image by sha256 (FetchImage) to `dest`, at most maxBytes, checked; resolves with its sha256. */
  async fetchImage(sha256: string, dest: string, maxBytes: number): Promise<string> {
    const call = this.client().FetchImage({ sha256 }, this.metadata(), { deadline: Date.now() + 60 * 60_000 });
    const rx = new DiskReceiver(dest, (field, problem) => new Error(`base image: ${field} ${problem}`), maxBytes);
    await receive(call, rx);
    return rx.sha256;
  }

  /** The call a console asked for by the controller goes back on (see agent/console.ts). */
  putConsole(): ConsoleCall {
    let call!: grpc.ClientWritableStream<ConsoleChunk>;
    const done = new Promise<void>((resolve, reject) => {
      call = this.client().PutConsole(this.metadata(), (err) => (err ? reject(err) : resolve()));
    });
    return { call, done };
  }
}

/** Writes a download's chunks through the receiver; the file is in place only when all arrived and matched. */
async function receive(call: AsyncIterable<unknown> & { cancel(): void }, rx: DiskReceiver): Promise<void> {
  try {
    for await (const c of call as AsyncIterable<{
      data: Buffer;
      offset: number | string;
      last: boolean;
      sha256: string;
    }>)
      await rx.write(c);
    if (!rx.done) throw new Error('download ended early');
  } catch (e) {
    call.cancel();
    throw e;
  } finally {
    rx.abort();
  }
}
