// Consoles asked for through the controller (`nephele vm console` from anywhere):
// the controller sends ConsoleOpen on the session, and the agent streams the VM's
// console file back on a PutConsole call of its own: the last tail_bytes, then
// (follow) what is appended, until the controller ends the call. The write side
// waits for 'drain', so a slow reader holds back only this call. Bounded: a few
// consoles at once per host, 64 KiB per chunk, and only VMs this host runs.
import { once } from 'node:events';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import type * as grpc from '@grpc/grpc-js';
import type { ConsoleChunk } from '../common/gen/nephele/v1/ConsoleChunk.js';
import type { ConsoleOpen__Output as ConsoleOpen } from '../common/gen/nephele/v1/ConsoleOpen.js';
import { ULID_RE } from '../common/ids.js';
import type { Logger } from '../common/logger.js';

export const CONSOLE_CHUNK = 64 * 1024;
const MAX_TAIL = 1024 * 1024;

export interface ConsoleCall {
  call: grpc.ClientWritableStream<ConsoleChunk>;
  /** Settles when the controller ends the call (it does when the reader goes away). */
  done: Promise<void>;
}

export interface ConsoleServerDeps {
  /** Opens the PutConsole call. */
  open: () => ConsoleCall;
  /** The console file of a VM this host runs. */
  pathOf: (vmId: string) => string | undefined;
  log: Logger;
  max?: number;
  pollMs?: number;
}

export class ConsoleServer {
  private active = 0;
  private closed = false;

  constructor(private readonly d: ConsoleServerDeps) {}

  /** Serves one ConsoleOpen; never throws (a failure ends that console only). */
  async serve(o: ConsoleOpen): Promise<void> {
    const { call, done } = this.d.open();
    let over = false;
    void done.then(
      () => (over = true),
      () => (over = true),
    );
    const write = async (c: ConsoleChunk) => {
      if (!call.write(c)) await Promise.race([once(call, 'drain'), done.catch(() => undefined)]);
    };
    this.active++;
    try {
      const path = this.check(o);
      if (typeof path !== 'string') {
        await write({ streamId: o.streamId, error: path.error });
        return;
      }
      await write({ streamId: o.streamId });
      await this.pump(path, o, write, () => over || this.closed);
    } catch (err) {
      this.d.log.warn({ err, vm_id: o.vmId }, 'console stream failed');
    } finally {
      this.active--;
      call.end();
      await done.catch(() => undefined);
    }
  }

  /** The file to serve, or why not. */
  private check(o: ConsoleOpen): string | { error: string } {
    if (this.active > (this.d.max ?? 4)) return { error: 'too many consoles are open on this host' };
    if (!ULID_RE.test(o.vmId)) return { error: 'not a vm id' };
    const path = this.d.pathOf(o.vmId);
    return path ?? { error: 'this host has no console for that vm (not here, or not started yet)' };
  }

  /** Sends the tail, then (follow) what is appended, until `stop()` says the call is over. */
  private async pump(
    path: string,
    o: ConsoleOpen,
    write: (c: ConsoleChunk) => Promise<void>,
    stop: () => boolean,
  ): Promise<void> {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      let pos = Math.max(0, size - Math.min(o.tailBytes || CONSOLE_CHUNK, MAX_TAIL));
      const buf = Buffer.alloc(CONSOLE_CHUNK);
      // Without follow, the tail is what the console held when asked: bytes written meanwhile are not in it.
      const end = o.follow ? Infinity : size;
      for (;;) {
        if (stop()) return;
        const n = pos < end ? readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos) : 0;
        if (n > 0) {
          pos += n;
          await write({ data: Buffer.from(buf.subarray(0, n)) });
          continue;
        }
        if (!o.follow) return;
        // A console that was truncated (the VM recreated) starts over; a removed one (destroyed) ends.
        let now: number;
        try {
          now = statSync(path).size;
        } catch {
          return;
        }
        if (now < pos) pos = 0;
        await new Promise((r) => setTimeout(r, this.d.pollMs ?? 250));
      }
    } finally {
      closeSync(fd);
    }
  }

  close(): void {
    this.closed = true;
  }
}
