import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { SERVER_OPTIONS } from '../../common/grpc/options.js';
import { widenServerWindows } from '../../common/grpc/flow.js';
import type { AgentServiceHandlers } from '../../common/gen/nephele/v1/AgentService.js';
import { loadNephele } from '../../common/grpc/load.js';

/**
 * Serves `handlers` as the baselines do: the controller's proto, server options
 * and TLS (its server certificate with the CA in the chain, client certificates
 * requested and checked), from the controller data dir given on the command
 * line. Tells the parent {type:'ready', port} over IPC and serves until killed.
 */
export function serveBare(
  name: string,
  dataDir: string,
  handlers: Partial<AgentServiceHandlers>,
  checkClientCertificate = true,
): void {
  const pki = (f: string) => readFileSync(join(dataDir, 'pki', f), 'utf8');
  const server = new grpc.Server(SERVER_OPTIONS);
  server.addService(loadNephele().pkg.nephele.v1.AgentService.service, handlers as unknown as grpc.UntypedServiceImplementation);
  const creds = grpc.ServerCredentials.createSsl(
    Buffer.from(pki('ca.pem')),
    [{ private_key: Buffer.from(pki('server.key')), cert_chain: Buffer.from(`${pki('server.pem').trim()}\n${pki('ca.pem').trim()}\n`) }],
    checkClientCertificate,
  );
  server.bindAsync('127.0.0.1:0', creds, (err, port) => {
    if (err) {
      process.stderr.write(`${name}: ${err.message}\n`);
      process.exit(1);
    }
    // The controller's transport settings, windows included (common/grpc/flow.ts): a like-for-like floor.
    widenServerWindows(server);
    process.send?.({ type: 'ready', port });
  });
  process.on('SIGTERM', () => process.exit(0));
  process.on('disconnect', () => process.exit(0));
}
