// The agent's local control socket, <data-dir>/control.sock (0600, in the
// agent's own 0700 data dir): what `virsh qemu-agent-command` is to libvirt. An
// operator on the host runs a command inside one of its VMs (`nephele-agent exec
// VM -- argv`) to look at an appliance the monitor flags; tests use it to act
// inside a real guest behind a real agent. Whoever can open the socket is root on
// the host already (it could read the agent's key), so it grants nothing new; it
// is never reachable from the network.
//
// Protocol: one JSON request line, one JSON answer line, then the agent closes.
//   → {"vm":"<ulid>","argv":["sh","-c","..."],"timeout_ms":5000}
//   ← {"ok":true,"exit_code":0,"output":"..."} | {"ok":false,"error":"..."}
import { chmodSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Driver } from '../drivers/driver.js';
import { ULID_RE } from '../../common/ids.js';
import type { Logger } from '../../common/logger.js';

export const CONTROL_SOCKET = 'control.sock';
const MAX_REQUEST = 16 * 1024;
const MAX_ARGV = 64;
const MAX_TIMEOUT_MS = 120_000;
const MAX_CONNECTIONS = 8;

export interface ExecRequest {
  vm: string;
  argv: string[];
  timeoutMs: number;
}

export interface ExecAnswer {
  exitCode: number;
  output: string;
}

/** Checks a request line; throws with the field at fault. */
export function parseRequest(line: string): ExecRequest {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new Error('request: not JSON');
  }
  const o = (v ?? {}) as Record<string, unknown>;
  if (typeof o.vm !== 'string' || !ULID_RE.test(o.vm)) throw new Error('vm: must be a VM id');
  const argv = o.argv;
  if (!Array.isArray(argv) || argv.length === 0 || argv.length > MAX_ARGV)
    throw new Error(`argv: 1 to ${MAX_ARGV} words`);
  if (!argv.every((w) => typeof w === 'string' && !/[\0\r\n]/.test(w)))
    throw new Error('argv: words without NUL or newline');
  const t = o.timeout_ms === undefined ? 10_000 : o.timeout_ms;
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > MAX_TIMEOUT_MS)
    throw new Error(`timeout_ms: 1..${MAX_TIMEOUT_MS}`);
  return { vm: o.vm, argv: argv as string[], timeoutMs: t };
}

export class ControlServer {
  private server?: Server;
  private readonly socks = new Set<Socket>();

  constructor(
    private readonly path: string,
    private readonly exec: (r: ExecRequest) => Promise<ExecAnswer>,
    private readonly log: Logger,
  ) {}

  async listen(): Promise<void> {
    rmSync(this.path, { force: true });
    const server = createServer((sock) => this.serve(sock));
    server.maxConnections = MAX_CONNECTIONS;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.path, () => resolve());
    });
    chmodSync(this.path, 0o600);
    this.server = server;
  }

  private serve(sock: Socket): void {
    this.socks.add(sock);
    sock.on('close', () => this.socks.delete(sock));
    sock.on('error', () => sock.destroy());
    let buf = '';
    const answer = (o: object) => sock.end(`${JSON.stringify(o)}\n`);
    const onData = (d: Buffer) => {
      buf += d.toString('utf8');
      if (buf.length > MAX_REQUEST) return answer({ ok: false, error: 'request: too long' });
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      sock.off('data', onData);
      let req: ExecRequest;
      try {
        req = parseRequest(buf.slice(0, nl));
      } catch (e) {
        return answer({ ok: false, error: (e as Error).message });
      }
      this.log.info({ vm_id: req.vm, argv0: req.argv[0] }, 'exec in a VM through the local control socket');
      this.exec(req).then(
        (r) => answer({ ok: true, exit_code: r.exitCode, output: r.output }),
        (e: unknown) => answer({ ok: false, error: (e as Error).message }),
      );
    };
    sock.on('data', onData);
  }

  async close(): Promise<void> {
    for (const s of this.socks) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    rmSync(this.path, { force: true });
  }
}

/** The client side (`nephele-agent exec`, tests). */
export function controlExec(socketPath: string, r: ExecRequest): Promise<ExecAnswer> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(socketPath);
    let buf = '';
    sock.on('connect', () => sock.write(`${JSON.stringify({ vm: r.vm, argv: r.argv, timeout_ms: r.timeoutMs })}\n`));
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      if (buf.length > 1024 * 1024) sock.destroy(new Error('answer too long'));
    });
    sock.on('error', reject);
    sock.on('close', () => {
      try {
        const a = JSON.parse(buf) as { ok: boolean; error?: string; exit_code?: number; output?: string };
        if (!a.ok) return reject(new Error(a.error ?? 'failed'));
        resolve({ exitCode: a.exit_code ?? -1, output: a.output ?? '' });
      } catch {
        reject(new Error('the agent closed the control socket without an answer'));
      }
    });
  });
}

/** The agent's control socket over its VMs: `vmOf` finds the VM's driver (undefined: not on this host). */
export async function startControl(
  dataDir: string,
  vmOf: (id: string) => { driver: Pick<Driver, 'scheme' | 'guestExec'> } | undefined,
  log: Logger,
): Promise<ControlServer> {
  const srv = new ControlServer(
    join(dataDir, CONTROL_SOCKET),
    async (r) => {
      const vm = vmOf(r.vm);
      if (!vm) throw new Error('no such VM on this host');
      if (!vm.driver.guestExec) throw new Error(`the ${vm.driver.scheme} scheme cannot run commands in its VMs`);
      return vm.driver.guestExec(r.vm, r.argv, r.timeoutMs);
    },
    log,
  );
  await srv.listen();
  return srv;
}
