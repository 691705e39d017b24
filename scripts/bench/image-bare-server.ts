import '../../common/quiet.js';
import type { AgentServiceHandlers } from '../../common/gen/nephele/v1/AgentService.js';
import { serveBare } from './bare.js';

// The raw baseline of the image-transfer bench: a bare grpc-js server with the
// controller's proto, server options and TLS certificate whose PutImage only
// counts the bytes it is sent (no hashing, no disk). The client streams the
// same DiskChunks the real upload does, so image.bare_grpc_stream_mb_per_s is
// what grpc-js itself moves over loopback TLS.
// Usage: image-bare-server.js <controller data dir> (see bare.ts).

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: image-bare-server.js <controller data dir>');
const handlers: Pick<AgentServiceHandlers, 'PutImage'> = {
  PutImage: (call, cb) => {
    let n = 0;
    call.on('data', (c) => (n += c.data.length));
    call.on('end', () => cb(null, { sizeBytes: n, sha256: '' }));
    call.on('error', () => {});
  },
};

// Client certificates not required: the admin client the real bench uses has none either.
serveBare('image-bare-server', dataDir, handlers, false);
