// HTTP/2 receive windows of our gRPC servers. grpc-js leaves a server at
// HTTP/2's defaults: 64 KiB per stream (SETTINGS_INITIAL_WINDOW_SIZE) and
// 64 KiB for the whole connection, and exposes neither. A client streaming an
// image then stops every 32 KiB until the server's WINDOW_UPDATE arrives:
// measured, a 256 MiB upload blocked each process ~2,000-5,500 times (one
// voluntary context switch each), ~250-350 times with both windows at 4 MiB,
// and used ~20% less CPU. Both are needed: either alone leaves the other at
// 64 KiB and changed nothing (which is why a wider connection window alone
// did not help before).
//
// Memory stays bounded: when a handler stops reading (grpc-js pauses the
// stream), Node stops handing back window, so a peer can have at most the
// connection window (4 MiB) unread per connection.
//
// grpc-js keeps its Node http2 servers in a private map; this is the one place
// that reaches into it. Node's documented hooks then do the work:
// Http2SecureServer.updateSettings() for the stream window new sessions
// announce, and the 'session' event with Http2Session.setLocalWindowSize() for
// the connection window. If grpc-js ever drops the map, the servers keep the
// defaults (slower, still correct) and test/unit/grpc-flow.test.ts fails.
import type * as http2 from 'node:http2';
import type * as grpc from '@grpc/grpc-js';

/** The receive window of each stream and of each connection to our servers. */
export const SERVER_WINDOW_BYTES = 4 * 1024 * 1024;

type Http2Server = Pick<http2.Http2SecureServer, 'updateSettings' | 'on' | 'prependListener'>;

/** The http2 servers grpc-js made for `server`'s ports (none before bindAsync has called back). */
export function http2Servers(server: grpc.Server): Http2Server[] {
  const m = (server as unknown as { http2Servers?: unknown }).http2Servers;
  if (!(m instanceof Map)) return [];
  return [...m.keys()].filter(
    (s): s is Http2Server =>
      typeof (s as Http2Server)?.updateSettings === 'function' &&
      typeof (s as Http2Server)?.on === 'function' &&
      typeof (s as Http2Server)?.prependListener === 'function',
  );
}

/**
 * Widens the receive windows of every port `server` is bound to; call once
 * bindAsync has called back (before that grpc-js has made no http2 server).
 * Returns how many http2 servers it tuned (0: not possible with this grpc-js).
 */
export function widenServerWindows(server: grpc.Server, windowBytes = SERVER_WINDOW_BYTES): number {
  const found = http2Servers(server);
  for (const h of found) {
    h.updateSettings({ initialWindowSize: windowBytes });
    h.on('session', (session: http2.ServerHttp2Session) => {
      try {
        session.setLocalWindowSize(windowBytes);
      } catch {
        // A session already closing: nothing to widen.
      }
    });
  }
  return found.length;
}
