#!/usr/bin/env node
// The appliance of a process VM: a small HTTP service whose page comes from the
// VM's config (its "disk": <vm dir>/config.json). Run by the process driver.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? '') : '';
};
const dir = arg('dir');
const port = Number(arg('port'));

function config(): Record<string, string> {
  try {
    return JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const server = createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    return;
  }
  const title = config().title || 'Nephele appliance';
  res
    .writeHead(200, { 'content-type': 'text/html' })
    .end(`<!doctype html><title>${esc(title)}</title><h1>${esc(title)}</h1><p>vm ${esc(arg('vm'))}</p>\n`);
});
server.listen(port, '127.0.0.1');
// As init of its own PID namespace it gets SIGTERM only with a handler.
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => server.close(() => process.exit(0)));
