import '../../common/quiet.js';
import * as grpc from '@grpc/grpc-js';
import type { AgentServiceHandlers } from '../../common/gen/nephele/v1/AgentService.js';
import { serveBare } from './bare.js';

// The baseline: a bare grpc-js server with the controller's proto, TLS setup
// and server options, whose Session answers Hello with Welcome and each
// Heartbeat with an Ack. No store, no registry, no liveness, no logging.
// Usage: bare-server.js <controller data dir>  (uses its CA and server certificate)
// Tells its parent {type:'ready', port} over IPC, then serves until killed.

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: bare-server.js <controller data dir>');

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

serveBare('bare-server', dataDir, handlers);
