// Pieces of a stand-in controller for tests of the agent's session: an
// in-process AgentService that welcomes every session and records what it gets.
import type * as grpc from '@grpc/grpc-js';
import type { AgentMessage__Output as AgentMessage } from '../../common/gen/nephele/v1/AgentMessage.js';

/** The Session handler: Welcome (long heartbeat interval) on Hello, every message recorded in `got`. */
export function welcomingSession(
  got: AgentMessage[],
  onCall?: (c: grpc.ServerDuplexStream<AgentMessage, unknown>) => void,
) {
  return (call: grpc.ServerDuplexStream<AgentMessage, unknown>) => {
    onCall?.(call);
    call.on('data', (m: AgentMessage) => {
      got.push(m);
      if (m.hello)
        call.write({
          welcome: {
            hostId: 'h',
            heartbeatIntervalMs: 600_000,
            sendInventory: false,
            durableSeq: 0,
            serverTimeUnixMs: Date.now(),
          },
        });
    });
    call.on('error', () => {});
    call.on('end', () => call.end());
  };
}
