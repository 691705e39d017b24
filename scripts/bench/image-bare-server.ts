import '../../common/quiet.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { AgentServiceHandlers } from '../../common/gen/nephele/v1/AgentService.js';
import { loadNephele } from '../../common/grpc/load.js';
import { SERVER_OPTIONS } from '../../common/grpc/options.js';

// The raw baseline of the image-transfer bench: a bare grpc-js server with the
// controller's proto, server options and TLS certificate whose PutImage only
// counts the bytes it is sent (no hashing, no disk). The client streams the
// same DiskChunks the real upload does, so image.bare_grpc_stream_mb_per_s is
// what grpc-js itself moves over loopback TLS.
// Usage: image-bare-server.js <controller data dir>. Tells its parent
// {type:'ready', port} over IPC, then serves until killed.

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: image-bare-server.js <controller data dir>');
const pki = (f: string) => readFileSync(join(dataDir, 'pki', f), 'utf8');

const handlers: Pick<AgentServiceHandlers, 'PutImage'> = {
  PutImage: (call, cb) => {
    let n = 0;
    call.on('data', (c) => (n += c.data.length));
    call.on('end', () => cb(null, { sizeBytes: n } as never));
    call.on('error', () => {});
  },
};

const server = new grpc.Server(SERVER_OPTIONS);
server.addService(loadNephele().pkg.nephele.v1.AgentService.service, handlers as unknown as grpc.UntypedServiceImplementation);
// Client certificates not required: the admin client the real bench uses has none either.
const creds = grpc.ServerCredentials.createSsl(
  Buffer.from(pki('ca.pem')),
  [{ private_key: Buffer.from(pki('server.key')), cert_chain: Buffer.from(`${pki('server.pem').trim()}\n${pki('ca.pem').trim()}\n`) }],
  false,
);
server.bindAsync('127.0.0.1:0', creds, (err, port) => {
  if (err) {
    process.stderr.write(`image-bare-server: ${err.message}\n`);
    process.exit(1);
  }
  process.send?.({ type: 'ready', port });
});
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
