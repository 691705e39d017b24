// Client of the guest agent's line protocol over the virtio-serial port
// (QEMU exposes it on the host as a unix socket; we connect as a client).
//
//   guest → host   ready <boot_id>                 (agent started: after every boot)
//   host  → guest  <id> <cmd> [args]
//   guest → host   <id> ok [data] | <id> err <msg> (exactly one line per request)
//   guest → host   event <kind> [detail]           (on its own: the app stopped, ...)
//   guest → host   bus <pub|subs> ...              (on its own: the messaging bus, agent/drivers/bus-lines.ts)
//
// Ids carry a per-connection random prefix so a late answer to a request of an
// earlier connection (or an earlier boot) never matches a new one.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { LineClient } from './line-client.js';
import { connectUnix, type ConnectOptions } from './unix.js';

/** How a request is named in errors: `guest <verb>`. */
const labelOf = (command: string) => `guest ${command.split(' ')[0]}`;

/** The guest answered `<id> err <msg>`. */
export class GuestError extends Error {
  constructor(
    readonly command: string,
    readonly guestMessage: string,
  ) {
    super(`${labelOf(command)}: ${guestMessage}`);
    this.name = 'GuestError';
  }
}

export class GuestChannel {
  private readonly prefix = randomBytes(3).toString('hex');
  private nextId = 1;
  private readonly lines: LineClient;
  private readonly readyListeners = new Set<(bootId: string) => void>();
  private readonly eventListeners = new Set<(kind: string, detail: string) => void>();
  private readonly busListeners = new Set<(rest: string) => void>();
  /** Boot id of the last `ready` line seen on this connection. */
  lastBootId?: string;

  private constructor(sock: Socket) {
    this.lines = new LineClient(sock, (l) => this.onLine(l), labelOf, 'guest channel closed');
  }

  static async connect(path: string, opts: ConnectOptions = {}): Promise<GuestChannel> {
    return new GuestChannel(await connectUnix(path, opts));
  }

  get closed(): boolean {
    return this.lines.closed;
  }

  /** Sends `<id> <command>` and resolves with the reply's data (may be ''). */
  request(command: string, timeoutMs = 5_000): Promise<string> {
    if (/[\r\n]/.test(command)) return Promise.reject(new Error('guest command must be a single line'));
    if (!command.trim()) return Promise.reject(new Error('empty guest command'));
    if (this.closed) return Promise.reject(new Error('guest channel closed'));
    const id = `${this.prefix}-${this.nextId++}`;
    return this.lines.request<string>(id, `${id} ${command}`, command, timeoutMs);
  }

  /** Called for every `ready <boot_id>` line. */
  onReady(fn: (bootId: string) => void): () => void {
    this.readyListeners.add(fn);
    return () => this.readyListeners.delete(fn);
  }

  /** Called for every `event <kind> [detail]` line (kind and detail capped: the guest is not trusted). */
  onEvent(fn: (kind: string, detail: string) => void): () => void {
    this.eventListeners.add(fn);
    return () => this.eventListeners.delete(fn);
  }

  /** Called for every `bus <rest>` line (the messaging bus: agent/drivers/guest-bus.ts parses `rest`). */
  onBus(fn: (rest: string) => void): () => void {
    this.busListeners.add(fn);
    return () => this.busListeners.delete(fn);
  }

  onClose(fn: () => void): () => void {
    return this.lines.onClose(fn);
  }

  /** Resolves with the boot id of the next `ready` line. */
  waitReady(timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const done = () => (clearTimeout(timer), offReady(), offClose());
      const timer = setTimeout(
        () => (done(), reject(new Error(`guest agent not ready within ${timeoutMs} ms`))),
        timeoutMs,
      );
      const offReady = this.onReady((b) => (done(), resolve(b)));
      const offClose = this.onClose(() => (done(), reject(new Error('guest channel closed before ready'))));
    });
  }

  close(): void {
    this.lines.close();
  }

  private onLine(line: string): void {
    const ready = /^ready(?: (\S+))?\s*$/.exec(line);
    if (ready) {
      const bootId = ready[1] ?? '';
      // The agent re-announces itself on every (re)connect with the same boot id;
      // a new boot id means a new boot, which will never answer what the previous one was asked.
      if (this.lastBootId !== undefined && bootId !== this.lastBootId) this.lines.failPending('guest rebooted');
      this.lastBootId = bootId;
      for (const l of [...this.readyListeners]) l(this.lastBootId);
      return;
    }
    const ev = /^event ([a-z][a-z0-9_-]{0,31})(?: (.*))?$/.exec(line);
    if (ev) {
      for (const l of [...this.eventListeners]) l(ev[1]!, (ev[2] ?? '').slice(0, 256));
      return;
    }
    if (line.startsWith('bus ')) {
      for (const l of [...this.busListeners]) l(line.slice(4));
      return;
    }
    const m = /^(\S+) (ok|err)(?: (.*))?$/.exec(line);
    if (!m) return;
    const p = this.lines.take(m[1]!);
    if (!p) return;
    if (m[2] === 'ok') p.resolve(m[3] ?? '');
    else p.reject(new GuestError(p.what, m[3] ?? 'error'));
  }
}
