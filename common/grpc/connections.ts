// Caps on the TCP connections our gRPC server holds. Every connection costs a
// socket, a TLS session and an HTTP/2 session whether or not it ever makes a
// call, and grpc-js accepts without limit: one client opening connections (or
// holding half-done TLS handshakes open) could take the controller's file
// descriptors and memory from the fleet. Past the caps a new connection is
// closed at once, before TLS; connections already open are untouched.
//
// The per-address cap is generous on purpose: agents on desktops behind one
// NAT, or a lab's simulated fleet on one machine, share an address.
import type * as net from 'node:net';
import type * as grpc from '@grpc/grpc-js';
import { http2Servers } from './flow.js';

export interface ConnectionCaps {
  /** Connections open at once, in all. */
  total: number;
  /** Connections open at once from one client address. */
  perAddress: number;
}

export const DEFAULT_CONNECTION_CAPS: ConnectionCaps = { total: 16_384, perAddress: 2_048 };

export type ConnectionRefusal = 'total' | 'per_address';

/** The counting, apart from sockets: admit() a new connection or say which cap it would break. */
export class ConnectionCounter {
  private readonly byAddress = new Map<string, number>();
  open = 0;
  readonly refused: Record<ConnectionRefusal, number> = { total: 0, per_address: 0 };

  constructor(private readonly caps: ConnectionCaps) {}

  /** Counts the connection in and returns undefined, or counts a refusal and returns why. */
  admit(address: string): ConnectionRefusal | undefined {
    const mine = this.byAddress.get(address) ?? 0;
    const why: ConnectionRefusal | undefined =
      this.open >= this.caps.total ? 'total' : mine >= this.caps.perAddress ? 'per_address' : undefined;
    if (why) {
      this.refused[why]++;
      return why;
    }
    this.open++;
    this.byAddress.set(address, mine + 1);
    return undefined;
  }

  /** A counted connection closed. */
  release(address: string): void {
    const mine = this.byAddress.get(address);
    if (!mine) return;
    this.open--;
    if (mine === 1) this.byAddress.delete(address);
    else this.byAddress.set(address, mine - 1);
  }

  /** Addresses with connections open (bounded by the total cap). */
  get addresses(): number {
    return this.byAddress.size;
  }
}

/** '::ffff:10.0.0.1' and '10.0.0.1' are one client. */
export function clientAddress(socket: Pick<net.Socket, 'remoteAddress'>): string {
  const a = socket.remoteAddress ?? 'unknown';
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

/**
 * Applies `caps` to every port `server` is bound to (call once bindAsync has
 * called back). Returns the counter, or undefined when grpc-js exposed no
 * http2 server to cap (test/unit/grpc-connections.test.ts fails then).
 */
export function capConnections(
  server: grpc.Server,
  caps: ConnectionCaps,
  onRefused: (address: string, why: ConnectionRefusal) => void,
): ConnectionCounter | undefined {
  const found = http2Servers(server);
  if (!found.length) return undefined;
  const counter = new ConnectionCounter(caps);
  for (const h of found) {
    // First in line: a refused socket is closed before TLS or HTTP/2 spend anything on it.
    h.prependListener('connection', (socket: net.Socket) => {
      const address = clientAddress(socket);
      const why = counter.admit(address);
      if (why) {
        socket.destroy();
        onRefused(address, why);
        return;
      }
      socket.once('close', () => counter.release(address));
    });
  }
  return counter;
}
