// Connecting to the unix sockets QEMU listens on (QMP, guest channel). QEMU
// creates them a few milliseconds after it starts, so connect retries until a
// deadline; `alive` lets the caller stop early when the process has died.
import { connect, type Socket } from 'node:net';

/** Linux sun_path is 108 bytes including the NUL. */
export const MAX_SOCKET_PATH = 107;

export interface ConnectOptions {
  timeoutMs?: number;
  /** Returns false when waiting is pointless (QEMU exited). */
  alive?: () => boolean;
}

function tryConnect(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(path);
    const onErr = (e: Error) => {
      s.destroy();
      reject(e);
    };
    s.once('error', onErr);
    s.once('connect', () => {
      s.off('error', onErr);
      resolve(s);
    });
  });
}

export async function connectUnix(path: string, opts: ConnectOptions = {}): Promise<Socket> {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH)
    throw new Error(`socket path too long (${Buffer.byteLength(path)} > ${MAX_SOCKET_PATH} bytes): ${path}`);
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  for (;;) {
    try {
      return await tryConnect(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ECONNREFUSED') throw e;
      if (opts.alive && !opts.alive()) throw new Error(`process exited before ${path} accepted a connection`);
      if (Date.now() > deadline) throw new Error(`timed out connecting to ${path} (${code})`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
