// Client of the guest agent's line protocol over the virtio-serial port
// (QEMU exposes it on the host as a unix socket; we connect as a client).
//
//   guest → host   ready <boot_id>                 (agent started: after every boot)
//   host  → guest  <id> <cmd> [args]
//   guest → host   <id> ok [data] | <id> err <msg> (exactly one line per request)
//
// Ids carry a per-connection random prefix so a late answer to a request of an
// earlier connection (or an earlier boot) never matches a new one.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { connectUnix, lineReader, type ConnectOptions } from './unix.js';

/** The guest answered `<id> err <msg>`. */
export class GuestError extends Error {
  constructor(
    readonly command: string,
    readonly guestMessage: string,
  ) {
    super(`guest ${command.split(' ')[0]}: ${guestMessage}`);
    this.name = 'GuestError';
  }
}

interface Pending {
  command: string;
  resolve: (v: string) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class GuestChannel {
  private readonly prefix = randomBytes(3).toString('hex');
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private readonly readyListeners = new Set<(bootId: string) => void>();
  private readonly closeListeners = new Set<() => void>();
  private _closed = false;
  /** Boot id of the last `ready` line seen on this connection. */
  lastBootId?: string;

  private constructor(private readonly sock: Socket) {
    sock.on('data', lineReader((l) => this.onLine(l)));
    sock.on('error', () => {});
    sock.on('close', () => this.handleClose());
  }

  static async connect(path: string, opts: ConnectOptions = {}): Promise<GuestChannel> {
    return new GuestChannel(await connectUnix(path, opts));
  }

  get closed(): boolean {
    return this._closed;
  }

  /** Sends `<id> <command>` and resolves with the reply's data (may be ''). */
  request(command: string, timeoutMs = 5_000): Promise<string> {
    if (/[\r\n]/.test(command)) return Promise.reject(new Error('guest command must be a single line'));
    if (!command.trim()) return Promise.reject(new Error('empty guest command'));
    if (this._closed) return Promise.reject(new Error('guest channel closed'));
    const id = `${this.prefix}-${this.nextId++}`;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`guest ${command.split(' ')[0]}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { command, resolve, reject, timer });
      this.sock.write(`${id} ${command}\n`);
    });
  }

  /** Called for every `ready <boot_id>` line. */
  onReady(fn: (bootId: string) => void): () => void {
    this.readyListeners.add(fn);
    return () => this.readyListeners.delete(fn);
  }

  onClose(fn: () => void): () => void {
    if (this._closed) queueMicrotask(fn);
    else this.closeListeners.add(fn);
    return () => this.closeListeners.delete(fn);
  }

  /** Resolves with the boot id of the next `ready` line. */
  waitReady(timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const done = () => (clearTimeout(timer), offReady(), offClose());
      const timer = setTimeout(() => (done(), reject(new Error(`guest agent not ready within ${timeoutMs} ms`))), timeoutMs);
      const offReady = this.onReady((b) => (done(), resolve(b)));
      const offClose = this.onClose(() => (done(), reject(new Error('guest channel closed before ready'))));
    });
  }

  close(): void {
    this.sock.destroy();
    this.handleClose();
  }

  private failPending(why: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`guest ${p.command.split(' ')[0]}: ${why}`));
      this.pending.delete(id);
    }
  }

  private onLine(line: string): void {
    const ready = /^ready(?: (\S+))?\s*$/.exec(line);
    if (ready) {
      const bootId = ready[1] ?? '';
      // The agent re-announces itself on every (re)connect with the same boot id;
      // a new boot id means a new boot, which will never answer what the previous one was asked.
      if (this.lastBootId !== undefined && bootId !== this.lastBootId) this.failPending('guest rebooted');
      this.lastBootId = bootId;
      for (const l of [...this.readyListeners]) l(this.lastBootId);
      return;
    }
    const m = /^(\S+) (ok|err)(?: (.*))?$/.exec(line);
    if (!m) return;
    const p = this.pending.get(m[1]!);
    if (!p) return;
    this.pending.delete(m[1]!);
    clearTimeout(p.timer);
    if (m[2] === 'ok') p.resolve(m[3] ?? '');
    else p.reject(new GuestError(p.command, m[3] ?? 'error'));
  }

  private handleClose(): void {
    if (this._closed) return;
    this._closed = true;
    this.failPending('guest channel closed');
    for (const l of [...this.closeListeners]) l();
    this.closeListeners.clear();
  }
}
