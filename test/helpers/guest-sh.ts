// The guest agent's shell on the host: every connection to a unix socket gets a
// fresh `argv` process (busybox sh running scripts/guest/agent.sh's pieces) with
// the connection as its stdin and stdout, as the guest channel is in a guest.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';

export function serveShell(
  sock: string,
  argv: string[],
  env: Record<string, string>,
  /** Its own process group (background children go with it: kill -pid). */
  detached = false,
): { server: Server; children: ChildProcess[] } {
  const children: ChildProcess[] = [];
  const server = createServer((c) => {
    const sh = spawn(argv[0]!, argv.slice(1), { env, stdio: ['pipe', 'pipe', 'ignore'], detached });
    children.push(sh);
    c.pipe(sh.stdin!);
    sh.stdout!.pipe(c);
    c.on('error', () => {});
    c.on('close', () => sh.stdin!.end());
  });
  server.listen(sock);
  return { server, children };
}
