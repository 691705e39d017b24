// A QMP client over QEMU's unix socket: reads the greeting, negotiates
// capabilities, runs commands (each with an id and a timeout) and passes on
// asynchronous events (STOP, RESUME, SHUTDOWN, RESET, ...).
//
// QEMU serves one QMP client per socket at a time: a second connection is
// accepted by the kernel but gets no greeting until the first one closes, which
// shows up here as a greeting timeout.
import type { Socket } from 'node:net';
import { LineClient } from './line-client.js';
import { connectUnix, type ConnectOptions } from './unix.js';

export interface QmpEvent {
  event: string;
  data: Record<string, unknown>;
  timestamp?: { seconds: number; microseconds: number };
}

export interface QmpGreeting {
  version: { qemu: { major: number; minor: number; micro: number }; package: string };
  capabilities: string[];
}

/** QEMU answered a command with { error: { class, desc } }. */
export class QmpError extends Error {
  constructor(
    readonly command: string,
    readonly errorClass: string,
    desc: string,
  ) {
    super(`QMP ${command}: ${errorClass}: ${desc}`);
    this.name = 'QmpError';
  }
}

type EventListener = (ev: QmpEvent) => void;

export class QmpClient {
  private nextId = 1;
  private readonly lines: LineClient;
  private readonly eventListeners = new Set<EventListener>();
  private greetingWaiter?: { resolve: (g: QmpGreeting) => void; reject: (e: Error) => void };
  greeting?: QmpGreeting;

  private constructor(sock: Socket) {
    this.lines = new LineClient(
      sock,
      (l) => this.onLine(l),
      (command) => `QMP ${command}`,
      'connection closed',
    );
    this.lines.onClose(() => {
      this.greetingWaiter?.reject(new Error('QMP connection closed before the greeting'));
      this.greetingWaiter = undefined;
    });
  }

  /** Connects (retrying while the socket is not there yet), reads the greeting, runs qmp_capabilities. */
  static async connect(path: string, opts: ConnectOptions & { commandTimeoutMs?: number } = {}): Promise<QmpClient> {
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const started = Date.now();
    const sock = await connectUnix(path, opts);
    const c = new QmpClient(sock);
    try {
      const left = Math.max(500, timeoutMs - (Date.now() - started));
      c.greeting = await new Promise<QmpGreeting>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no QMP greeting on ${path} within ${left} ms (another client connected?)`)),
          left,
        );
        c.greetingWaiter = {
          resolve: (g) => (clearTimeout(timer), resolve(g)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        };
      });
      await c.execute('qmp_capabilities', undefined, opts.commandTimeoutMs ?? 5_000);
      return c;
    } catch (e) {
      c.close();
      throw e;
    }
  }

  get closed(): boolean {
    return this.lines.closed;
  }

  /** Runs one command; resolves with its `return` value, rejects with QmpError or on timeout/close. */
  execute<T = unknown>(command: string, args?: Record<string, unknown>, timeoutMs = 5_000): Promise<T> {
    const id = `n${this.nextId++}`;
    const msg: Record<string, unknown> = { execute: command, id };
    if (args) msg.arguments = args;
    return this.lines.request<T>(id, JSON.stringify(msg), command, timeoutMs);
  }

  /** Subscribes to events; returns the unsubscribe function. */
  onEvent(fn: EventListener): () => void {
    this.eventListeners.add(fn);
    return () => this.eventListeners.delete(fn);
  }

  /** Called once when the connection ends (QEMU exited, or close()). */
  onClose(fn: () => void): () => void {
    return this.lines.onClose(fn);
  }

  /** Resolves with the next event named `name` (and matching `match`), rejects on timeout or close. */
  waitForEvent(name: string, timeoutMs: number, match: (ev: QmpEvent) => boolean = () => true): Promise<QmpEvent> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        offEvent();
        offClose();
      };
      const timer = setTimeout(
        () => (done(), reject(new Error(`no QMP ${name} event within ${timeoutMs} ms`))),
        timeoutMs,
      );
      const offEvent = this.onEvent((ev) => {
        if (ev.event === name && match(ev)) {
          done();
          resolve(ev);
        }
      });
      const offClose = this.onClose(() => (done(), reject(new Error(`QMP closed before ${name} event`))));
    });
  }

  close(): void {
    this.lines.close();
  }

  private onLine(line: string): void {
    if (!line.trim()) return;
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return; // not QMP; ignore
    }
    if ('QMP' in msg) {
      this.greetingWaiter?.resolve(msg.QMP as QmpGreeting);
      this.greetingWaiter = undefined;
      return;
    }
    if (typeof msg.event === 'string') {
      const ev: QmpEvent = {
        event: msg.event,
        data: (msg.data as Record<string, unknown>) ?? {},
        timestamp: msg.timestamp as QmpEvent['timestamp'],
      };
      for (const l of [...this.eventListeners]) {
        try {
          l(ev);
        } catch {
          /* a listener's bug must not break the stream */
        }
      }
      return;
    }
    const p = typeof msg.id === 'string' ? this.lines.take(msg.id) : undefined;
    if (!p) return;
    if ('error' in msg) {
      const err = msg.error as { class?: string; desc?: string };
      p.reject(new QmpError(p.what, err.class ?? 'GenericError', err.desc ?? 'unknown error'));
    } else {
      p.resolve(msg.return);
    }
  }
}
