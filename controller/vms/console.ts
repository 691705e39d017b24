// A VM's console, read from anywhere: the controller asks the VM's host over its
// session (ConsoleOpen), the host answers with a PutConsole call of its own, and
// the controller relays that call's chunks to the GetConsole caller. Each console
// is its own pair of calls, so gRPC flow control holds back a slow reader's host
// stream and never the host's session. Streams are bounded per host and in all,
// a host must answer within a deadline, and a host can only feed a stream it was
// asked for.
import { randomBytes } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import type { ConsoleChunk__Output as ConsoleChunk } from '../../common/gen/nephele/v1/ConsoleChunk.js';
import type { ConsoleOutput } from '../../common/gen/nephele/v1/ConsoleOutput.js';
import type { ControllerMessage } from '../../common/gen/nephele/v1/ControllerMessage.js';
import type { GetConsoleRequest__Output as GetConsoleRequest } from '../../common/gen/nephele/v1/GetConsoleRequest.js';
import type { PutConsoleResponse } from '../../common/gen/nephele/v1/PutConsoleResponse.js';
import {
  FailedPreconditionError,
  InvalidArgumentError,
  NepheleError,
  NotFoundError,
  ResourceExhaustedError,
  UnavailableError,
} from '../../common/errors.js';
import { isUndecodable } from '../../common/grpc/decode.js';
import type { Logger } from '../../common/logger.js';
import { requireId } from '../../common/validate.js';
import type { VmRecord } from '../model/index.js';

export const CONSOLE_DEFAULT_TAIL = 64 * 1024;
export const CONSOLE_MAX_TAIL = 1024 * 1024;
export const CONSOLE_MAX_CHUNK = 64 * 1024;

export interface ConsoleLimits {
  perHost: number;
  total: number;
  /** How long a host has to answer ConsoleOpen with its PutConsole call. */
  openTimeoutMs: number;
}

export const DEFAULT_CONSOLE_LIMITS: ConsoleLimits = { perHost: 4, total: 64, openTimeoutMs: 10_000 };

export interface ConsoleDeps {
  /** The VM as the caller may see it (NOT_FOUND outside the caller's tenant). */
  getVm: (id: string, scope: string | undefined) => Promise<VmRecord>;
  /** Sends on the host's live session; false when it has none. */
  send: (hostId: string, m: ControllerMessage) => boolean;
  log: Logger;
  limits?: Partial<ConsoleLimits>;
}

type ClientCall = grpc.ServerWritableStream<GetConsoleRequest, ConsoleOutput>;
type HostCall = grpc.ServerReadableStream<ConsoleChunk, PutConsoleResponse>;

interface Stream {
  hostId: string;
  vmId: string;
  client: ClientCall;
  /** Settles the GetConsole call: resolved when the console ended, rejected with why it could not be served. */
  done: (err?: Error) => void;
  attached: boolean;
  timer?: NodeJS.Timeout;
}

/** The GetConsole request, validated. */
export function consoleArgs(req: GetConsoleRequest): { vmId: string; follow: boolean; tailBytes: number } {
  const vmId = requireId('vm_id', req.vmId);
  const tail = req.tailBytes ?? 0;
  if (tail > CONSOLE_MAX_TAIL) throw new InvalidArgumentError('tail_bytes', `at most ${CONSOLE_MAX_TAIL}`);
  return { vmId, follow: !!req.follow, tailBytes: tail || CONSOLE_DEFAULT_TAIL };
}

export class ConsoleRelay {
  private readonly streams = new Map<string, Stream>();
  private readonly limits: ConsoleLimits;

  constructor(private readonly d: ConsoleDeps) {
    this.limits = { ...DEFAULT_CONSOLE_LIMITS, ...d.limits };
  }

  /** Open consoles (asked for or flowing). */
  get size(): number {
    return this.streams.size;
  }

  /** Serves one GetConsole call: resolves when the console ended (or the caller went away). */
  async serve(call: ClientCall, scope: string | undefined): Promise<void> {
    const { vmId, follow, tailBytes } = consoleArgs(call.request);
    const vm = await this.d.getVm(vmId, scope);
    if (!vm.hostId) throw new FailedPreconditionError('the vm has no host yet: its console starts once it is placed');
    const hostId = vm.hostId;
    if (this.streams.size >= this.limits.total)
      throw new ResourceExhaustedError('too many consoles are open on this controller; try again later');
    if ([...this.streams.values()].filter((s) => s.hostId === hostId).length >= this.limits.perHost)
      throw new ResourceExhaustedError("too many consoles are open on the vm's host; try again later");
    if (call.cancelled) return;
    const id = randomBytes(16).toString('base64url');
    return new Promise<void>((resolve, reject) => {
      const s: Stream = {
        hostId,
        vmId,
        client: call,
        attached: false,
        done: (err) => {
          if (this.streams.get(id) !== s) return; // settled once
          this.streams.delete(id);
          clearTimeout(s.timer);
          if (err) reject(err);
          else resolve();
        },
      };
      this.streams.set(id, s);
      call.once('cancelled', () => s.done());
      s.timer = setTimeout(
        () => s.done(new UnavailableError("the vm's host did not open its console in time; try again")),
        this.limits.openTimeoutMs,
      );
      if (!this.d.send(hostId, { consoleOpen: { streamId: id, vmId, tailBytes, follow } }))
        s.done(new UnavailableError("the vm's host is not connected now; its console is readable once it is back"));
    });
  }

  /** Serves one host's PutConsole call: relays its chunks to the stream it names. */
  receive(put: HostCall, hostId: string): Promise<PutConsoleResponse> {
    return new Promise<PutConsoleResponse>((resolve, reject) => {
      let s: Stream | undefined;
      let over = false;
      const finish = (err?: Error) => {
        if (over) return;
        over = true;
        put.removeAllListeners('data');
        if (err) reject(err);
        else resolve({});
      };
      // The host must name its stream at once.
      const first = setTimeout(
        () => finish(new InvalidArgumentError('stream_id', 'no first chunk in time')),
        this.limits.openTimeoutMs,
      );
      const clientGone = () => finish(new NepheleError('ABORTED', 'the console reader went away'));
      put.on('data', (c: ConsoleChunk) => {
        if (over) return;
        if (isUndecodable(c)) {
          s?.done(new UnavailableError("the vm's host sent a console chunk that cannot be decoded"));
          return finish(new InvalidArgumentError('chunk', 'cannot be decoded'));
        }
        if (!s) {
          clearTimeout(first);
          const found = this.streams.get(c.streamId);
          // Another host's stream, or one nobody asked for: the same answer, nothing learnt.
          if (!found || found.hostId !== hostId || found.attached) return finish(new NotFoundError('console stream'));
          s = found;
          s.attached = true;
          clearTimeout(s.timer);
          s.client.once('cancelled', clientGone);
        }
        if (c.error) {
          s.done(new FailedPreconditionError(`the vm's host cannot serve its console: ${c.error.slice(0, 256)}`));
          return finish();
        }
        if (c.data.length > CONSOLE_MAX_CHUNK) {
          s.done(new UnavailableError("the vm's host sent a console chunk over the limit"));
          return finish(new InvalidArgumentError('data', `at most ${CONSOLE_MAX_CHUNK} bytes per chunk`));
        }
        if (c.data.length && !s.client.write({ data: c.data })) {
          put.pause();
          s.client.once('drain', () => put.resume());
        }
      });
      put.once('end', () => {
        clearTimeout(first);
        if (s) {
          s.client.removeListener('cancelled', clientGone);
          if (!s.client.cancelled) s.client.end();
          s.done();
        }
        finish();
      });
      put.once('error', (err: Error) => {
        clearTimeout(first);
        s?.done(new UnavailableError("the vm's host stopped sending its console"));
        finish(err);
      });
      put.once('cancelled', () => {
        clearTimeout(first);
        s?.done(new UnavailableError("the vm's host stopped sending its console"));
        finish();
      });
    });
  }

  /** Controller shutdown. */
  close(): void {
    for (const s of [...this.streams.values()]) s.done(new UnavailableError('the controller is shutting down'));
  }
}
