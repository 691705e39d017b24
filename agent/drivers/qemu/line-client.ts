// The one line-protocol client under QMP and the guest channel: newline-
// delimited text over a unix socket, bounded line length, requests matched to
// their responses by id, a timeout per request, and every pending request
// failed when the connection closes. The protocols only frame and parse lines.
import type { Socket } from 'node:net';

/** A peer that never sends a newline must not grow us without bound. */
export const MAX_LINE_BYTES = 1 << 20;

interface Pending {
  /** The request as the protocol knows it (a QMP command, a guest command line). */
  what: string;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** A request taken off the pending list by its response. */
export interface Answer {
  what: string;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

export class LineClient {
  private readonly pending = new Map<string, Pending>();
  private readonly closeListeners = new Set<() => void>();
  private _closed = false;

  /**
   * `label` names a request in errors (`<label>: no answer within …`);
   * `closedWhy`: how a request still pending at close fails (`<label>: <closedWhy>`).
   */
  constructor(
    private readonly sock: Socket,
    onLine: (line: string) => void,
    private readonly label: (what: string) => string,
    private readonly closedWhy: string,
  ) {
    sock.on('data', lineReader(onLine));
    sock.on('error', () => {}); // 'close' follows
    sock.on('close', () => this.handleClose());
  }

  get closed(): boolean {
    return this._closed;
  }

  /** Writes `line` and resolves with what the response under `id` settles it to. */
  request<T>(id: string, line: string, what: string, timeoutMs: number): Promise<T> {
    if (this._closed) return Promise.reject(new Error(`${this.label(what)}: ${this.closedWhy}`));
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.label(what)}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { what, resolve: resolve as (v: unknown) => void, reject, timer });
      this.sock.write(line + '\n');
    });
  }

  /** The pending request `id`, removed (undefined if unknown: late, or another connection's). */
  take(id: string): Answer | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    this.pending.delete(id);
    clearTimeout(p.timer);
    return p;
  }

  /** Fails every pending request with `<label>: <why>`. */
  failPending(why: string): void {
    for (const id of [...this.pending.keys()]) {
      const p = this.take(id)!;
      p.reject(new Error(`${this.label(p.what)}: ${why}`));
    }
  }

  /** Called once when the connection ends (the peer went away, or close()). */
  onClose(fn: () => void): () => void {
    if (this._closed) queueMicrotask(fn);
    else this.closeListeners.add(fn);
    return () => this.closeListeners.delete(fn);
  }

  close(): void {
    this.sock.destroy();
    this.handleClose();
  }

  private handleClose(): void {
    if (this._closed) return;
    this._closed = true;
    this.failPending(this.closedWhy);
    for (const l of [...this.closeListeners]) {
      try {
        l();
      } catch {
        /* one listener's bug must not keep the others from hearing of the close */
      }
    }
    this.closeListeners.clear();
  }
}

/** Splits a byte stream into lines (LF or CRLF), calling `onLine` for each complete one. */
export function lineReader(onLine: (line: string) => void, maxLineBytes = MAX_LINE_BYTES): (chunk: Buffer) => void {
  let buf = '';
  return (chunk) => {
    buf += chunk.toString('utf8');
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).replace(/\r$/, '');
      buf = buf.slice(i + 1);
      onLine(line);
    }
    if (buf.length > maxLineBytes) buf = '';
  };
}
