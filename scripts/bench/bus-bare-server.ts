import '../../common/quiet.js';
import type * as grpc from '@grpc/grpc-js';
import type { AgentServiceHandlers } from '../../common/gen/nephele/v1/AgentService.js';
import type { AgentMessage__Output } from '../../common/gen/nephele/v1/AgentMessage.js';
import type { ControllerMessage } from '../../common/gen/nephele/v1/ControllerMessage.js';
import { serveBare } from './bare.js';

// The raw baseline of the bus bench: one bare grpc-js relay process with the
// controller's proto, server options and TLS whose Session hands every
// BusPublish to the other open sessions as a BusDeliver, nothing else (no
// checks, no order, no store). bus.bare_grpc_msgs_per_s is what grpc-js itself
// moves through one relay hop over loopback TLS.
// Usage: bus-bare-server.js <controller data dir> (see bare.ts).

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: bus-bare-server.js <controller data dir>');
type Session = grpc.ServerDuplexStream<AgentMessage__Output, ControllerMessage>;
const sessions = new Set<Session>();
let seq = 0;
const handlers: Pick<AgentServiceHandlers, 'Session'> = {
  Session: (call) => {
    sessions.add(call);
    call.on('data', (m: AgentMessage__Output) => {
      const p = m.busPublish;
      if (!p) return;
      const d = { busDeliver: { vmIds: ['b'], topic: p.topic, seq: ++seq, payload: p.payload, fromVmId: p.vmId, fromScheme: 'process', timeUnixMs: Date.now() } };
      for (const s of sessions) if (s !== call) s.write(d);
    });
    const gone = () => sessions.delete(call);
    call.on('end', () => (gone(), call.end()));
    call.on('error', gone);
    call.on('cancelled', gone);
  },
};
serveBare('bus-bare-server', dataDir, handlers, false);
