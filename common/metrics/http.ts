// The /metrics endpoint: a plain node:http server, bounded (timeouts, a few
// connections, no bodies read), serving GET /metrics and 404 for everything
// else. It has no authentication, hence loopback only unless asked (listen.ts).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import type { MetricsListen } from './listen.js';

export interface MetricsServer {
  /** host:port actually bound (the port is chosen when :0 was asked for). */
  address: string;
  close(): Promise<void>;
}

/** Scrapers are few (Prometheus, an operator's curl): more connections than this are refused. */
const MAX_CONNECTIONS = 16;

export async function serveMetrics(registry: Registry, at: MetricsListen, log: Logger): Promise<MetricsServer> {
  // Scrapes that arrive together share one collection: its cost does not grow with them.
  let inflight: Promise<string> | undefined;
  const scrape = () =>
    (inflight ??= registry.metrics().finally(() => {
      inflight = undefined;
    }));
  const server: Server = createServer((req, res) => {
    req.resume(); // a body is never read; let it drain
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: GET /metrics\n');
      return;
    }
    scrape().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => {
        log.error({ err }, 'metrics collection failed');
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics collection failed\n');
      },
    );
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 64;
  server.maxConnections = MAX_CONNECTIONS;
  server.setTimeout(15_000, (socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(`--metrics-listen: cannot serve on ${at.host}:${at.port} (${err.code ?? err.message})`)),
    );
    server.listen(at.port, at.host.replace(/^\[(.*)\]$/, '$1'), () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  server.on('error', (err) => log.error({ err }, 'metrics server error'));
  const a = server.address() as AddressInfo;
  const address = `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
  log.info({ metrics_listen: address, public: at.public }, 'metrics endpoint serving GET /metrics');
  return {
    address,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
