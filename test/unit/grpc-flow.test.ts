import t from 'tap';
import * as http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { SERVER_WINDOW_BYTES, widenServerWindows } from '../../common/grpc/flow.js';

// A grpc-js server after widenServerWindows: a raw HTTP/2 client sees the wider
// stream window in the server's SETTINGS and the wider connection window, and
// a handler that stops reading still bounds what the server takes to about
// the connection window (the rest waits at the sender).

const id = (b: Buffer) => b;
const service: grpc.ServiceDefinition = {
  Put: {
    path: '/flow.Test/Put',
    requestStream: true,
    responseStream: false,
    requestSerialize: id,
    requestDeserialize: id,
    responseSerialize: id,
    responseDeserialize: id,
  },
};

async function serve(widen: boolean): Promise<{ port: number; server: grpc.Server; tuned: number }> {
  const server = new grpc.Server();
  // Never reads: grpc-js pauses the stream once its few queued messages are unread.
  server.addService(service, { Put: () => {} });
  const port = await new Promise<number>((res, rej) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
  );
  return { port, server, tuned: widen ? widenServerWindows(server) : 0 };
}

/** Connects, opens a Put stream and pushes `bytes` of tiny gRPC messages; what the server took once it stalls. */
async function push(port: number, bytes: number) {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  session.on('error', () => {}); // the GOAWAY of the server's shutdown
  const settings = await new Promise<http2.Settings>((res) => session.once('remoteSettings', res));
  // The connection window arrives as a WINDOW_UPDATE right after the SETTINGS.
  await new Promise((r) => setTimeout(r, 200));
  const connWindow = session.state.remoteWindowSize ?? 0;
  const stream = session.request({
    ':method': 'POST',
    ':path': '/flow.Test/Put',
    'content-type': 'application/grpc',
    te: 'trailers',
  });
  stream.on('error', () => {});
  // 64 KiB writes of tiny messages, one at a time: a write calls back once HTTP/2 has sent it.
  const msg = Buffer.alloc(5 + 1024);
  msg.writeUInt32BE(1024, 1);
  const piece = Buffer.concat(Array.from({ length: 64 }, () => msg));
  let taken = 0;
  let stalled = false;
  const pushing = (async () => {
    while (!stalled && taken < bytes) {
      await new Promise<void>((res) => stream.write(piece, () => res()));
      taken += piece.length;
    }
  })();
  await Promise.race([pushing, new Promise((r) => setTimeout(r, 1500))]);
  stalled = true;
  stream.close(http2.constants.NGHTTP2_CANCEL);
  session.close();
  return { settings, connWindow, taken };
}

t.test('the server announces and grants the wider windows, and still stops a stalled stream', async (t) => {
  const { port, server, tuned } = await serve(true);
  t.teardown(() => void server.forceShutdown());
  t.equal(tuned, 1, 'the http2 server behind the port was found');
  const { settings, connWindow, taken } = await push(port, 16 * 1024 * 1024);
  t.equal(settings.initialWindowSize, SERVER_WINDOW_BYTES, 'stream window in SETTINGS');
  t.equal(connWindow, SERVER_WINDOW_BYTES, 'connection window');
  t.ok(taken > 1024 * 1024, `the server took more than 1 MiB before stalling (${taken})`);
  t.ok(taken <= SERVER_WINDOW_BYTES + 64 * 1024, `but not much more than the window (${taken})`);
});

t.test('without it: HTTP/2 defaults (what the test above must differ from)', async (t) => {
  const { port, server } = await serve(false);
  t.teardown(() => void server.forceShutdown());
  const { settings, connWindow, taken } = await push(port, 4 * 1024 * 1024);
  t.not(settings.initialWindowSize, SERVER_WINDOW_BYTES);
  t.ok(connWindow < 128 * 1024, `connection window ${connWindow}`);
  t.ok(taken < 256 * 1024, `taken ${taken}`);
});
