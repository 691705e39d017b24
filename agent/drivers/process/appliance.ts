#!/usr/bin/env node
// The appliance of a process VM: a tiny HTTP server on 127.0.0.1, run by the
// process driver (through the VM's init) as
//
//   node appliance.js <vm dir>
//
// with the listening socket as fd $NEPHELE_LISTEN_FD (else it listens on
// $NEPHELE_PORT, or an ephemeral port, on 127.0.0.1). Its "disk" is
// <vm dir>/config.json, a flat object of strings, read on every request, so a
// config change (the driver's config-set) shows at once and survives restarts.
//
//   GET /        the page; <title> from config "title" (default "Nephele appliance")
//   GET /health  200 ok
//
// Standalone on purpose: Node built-ins only, nothing of the agent, so it
// starts in tens of milliseconds.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const DEFAULT_TITLE = 'Nephele appliance';
const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: appliance.js <vm dir>\n');
  process.exit(64);
}
const configFile = join(dir, 'config.json');

function config(): Record<string, string> {
  try {
    const c = JSON.parse(readFileSync(configFile, 'utf8')) as unknown;
    return c && typeof c === 'object' ? (c as Record<string, string>) : {};
  } catch {
    return {};
  }
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(): string {
  const raw = config().title;
  const title = esc(typeof raw === 'string' && raw.trim() ? raw : DEFAULT_TITLE);
  return [
    '<!DOCTYPE html>',
    '<html>',
    `<head><meta charset="utf-8"><title>${title}</title></head>`,
    '<body>',
    `<h1>${title}</h1>`,
    '<p>Served by a Nephele process appliance.</p>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  const send = (status: number, type: string, body: string) => {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed\n');
  if (path === '/health') return send(200, 'text/plain', 'ok\n');
  if (path === '/' || path === '/index.html') return send(200, 'text/html; charset=utf-8', page());
  send(404, 'text/plain', 'not found\n');
}

const server = createServer(handle);
server.keepAliveTimeout = 2_000;
server.on('error', (e: NodeJS.ErrnoException) => {
  process.stderr.write(`appliance: ${e.code === 'EADDRINUSE' ? 'port already in use' : e.message}\n`);
  process.exit(e.code === 'EADDRINUSE' ? 98 : 1);
});
const fd = Number(process.env.NEPHELE_LISTEN_FD);
const onListening = () => {
  const a = server.address() as AddressInfo;
  process.stdout.write(`appliance: pid ${process.pid} serving http://${a.address}:${a.port}/ (${configFile})\n`);
};
if (Number.isInteger(fd) && fd > 2) server.listen({ fd }, onListening);
else server.listen(Number(process.env.NEPHELE_PORT) || 0, '127.0.0.1', onListening);

// Graceful stop: no new connections, idle ones closed, then exit. (The driver
// sends SIGKILL after its timeout anyway.)
let stopping = false;
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`appliance: ${sig}, stopping\n`);
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => {
      server.closeAllConnections();
      process.exit(0);
    }, 1_000).unref();
  });
}
