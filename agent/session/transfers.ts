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
    await new Promise<void>((resolve, reject) => {
      const call = this.client().PutDisk(this.metadata(), { deadline: Date.now() + 30 * 60_000 }, (err) =>
        err ? reject(err) : resolve(),
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
    const rx = new DiskReceiver(dest, (field, problem) => new Error(`moved disk: ${field} ${problem}`));
    try {
      for await (const c of call as AsyncIterable<{
        data: Buffer;
        offset: number | string;
        last: boolean;
        sha256: string;
      }>)
        rx.write(c);
      if (!rx.done) throw new Error('moved disk ended early');
    } finally {
      rx.abort();
    }
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
