// Host ports for process VMs' appliances (127.0.0.1).
import { createServer } from 'node:net';
import type { VmHandle } from '../driver.js';

/** Ports handed out but maybe not yet bound by their appliance. */
const reserved = new Set<number>();

/** Free TCP port on 127.0.0.1 (the kernel picks it), not one just handed to another VM. */
export async function freePort(): Promise<number> {
  for (;;) {
    const p = await kernelPort();
    if (reserved.has(p)) continue;
    reserved.add(p);
    setTimeout(() => reserved.delete(p), 30_000).unref();
    return p;
  }
}

function kernelPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** The appliance answers GET /health on its port. */
export async function answersHealth(port: number): Promise<boolean> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(500) });
    return r.ok;
  } catch {
    return false;
  }
}

/** The VM's last port when still free, else a new one. */
export async function portFor(h: VmHandle): Promise<number> {
  const last = h.hostPort || Number(h.extra.port ?? 0);
  return last && (await portFree(last)) ? last : freePort();
}
