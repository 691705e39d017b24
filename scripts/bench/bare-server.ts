import '../../common/quiet.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { SERVER_OPTIONS } from '../../common/grpc/options.js';
import type { AgentServiceHandlers } from '../../common/gen/nephele/v1/AgentService.js';
import { loadNephele } from '../../common/grpc/load.js';

// The baseline: a bare grpc-js server with the controller's proto, TLS setup
// and server options, whose Session answers Hello with Welcome and each
// Heartbeat with an Ack. No store, no registry, no liveness, no logging.
// Usage: bare-server.js <controller data dir>  (uses its CA and server certificate)
// Tells its parent {type:'ready', port} over IPC, then serves until killed.

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: bare-server.js <controller data dir>');
const pki = (f: string) => readFileSync(join(dataDir, 'pki', f), 'utf8');

// Only what the heartbeat baseline needs; grpc-js answers the rest UNIMPLEMENTED.
const handlers: Pick<AgentServiceHandlers, 'Enroll' | 'Session'> = {
  Enroll: (_call, cb) => cb({ code: grpc.status.UNIMPLEMENTED, details: 'bare server' }),
  Session: (call) => {
    call.on('data', (m) => {
      if (m.body === 'heartbeat') call.write({ ack: { beat: m.heartbeat!.beat } });
      else if (m.body === 'hello') call.write({ welcome: { heartbeatIntervalMs: 1000, serverTimeUnixMs: Date.now() } });
    });
    call.on('end', () => call.end());
    call.on('error', () => {});
  },
};

// The same transport options as the controller.
const server = new grpc.Server(SERVER_OPTIONS);
server.addService(loadNephele().pkg.nephele.v1.AgentService.service, handlers as grpc.UntypedServiceImplementation);
// As the controller: server certificate plus CA in the chain, client certificates requested and checked.
const creds = grpc.ServerCredentials.createSsl(
  Buffer.from(pki('ca.pem')),
  [{ private_key: Buffer.from(pki('server.key')), cert_chain: Buffer.from(`${pki('server.pem').trim()}\n${pki('ca.pem').trim()}\n`) }],
  true,
);
server.bindAsync('127.0.0.1:0', creds, (err, port) => {
  if (err) {
    process.stderr.write(`bare-server: ${err.message}\n`);
    process.exit(1);
  }
  process.send?.({ type: 'ready', port });
});
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
