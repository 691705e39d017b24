// Pieces of a stand-in controller for tests of the agent's session: an
// in-process AgentService that welcomes every session and records what it gets.
import * as grpc from '@grpc/grpc-js';
import { v1 } from '../../common/grpc/load.js';
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

/**
 * A stand-in controller with only the Session (every other RPC refused): the
 * agent's messages recorded in `got`; `send` writes to the newest session.
 */
export async function startSessionOnlyController(): Promise<{
  address: string;
  got: AgentMessage[];
  send(msg: object): void;
  hangUp(): void;
  stop(): void;
}> {
  const got: AgentMessage[] = [];
  let call: grpc.ServerDuplexStream<AgentMessage, unknown> | undefined;
  const server = new grpc.Server();
  const refuse = (_c: unknown, cb: grpc.sendUnaryData<never>) => cb({ code: grpc.status.UNIMPLEMENTED });
  const refuseStream = (c: grpc.ServerWritableStream<unknown, unknown>) => c.destroy(new Error('unimplemented'));
  server.addService(v1().AgentService.service, {
    Enroll: refuse,
    PutDisk: refuse,
    GetDisk: refuseStream,
    PutConsole: refuse,
    PutImage: refuse,
    FetchImage: refuseStream,
    Session: welcomingSession(got, (c) => (call = c)),
  });
  const port = await new Promise<number>((res, rej) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
  );
  return {
    address: `127.0.0.1:${port}`,
    got,
    send: (msg) => call!.write(msg),
    hangUp: () => call!.end(),
    stop: () => server.forceShutdown(),
  };
}
