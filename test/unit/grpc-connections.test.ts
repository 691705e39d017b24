import t from 'tap';
import * as net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import {
  capConnections,
  clientAddress,
  ConnectionCounter,
  type ConnectionRefusal,
} from '../../common/grpc/connections.js';
import { waitFor } from '../helpers/wait.js';

// The connection caps: the counting on its own, then on a real grpc-js server,
// where a connection over a cap is closed on arrival and a closed one frees
// its place.

t.test('the counter: per address, in all, and released', async (t) => {
  const c = new ConnectionCounter({ total: 5, perAddress: 2 });
  t.equal(c.admit('a'), undefined);
  t.equal(c.admit('a'), undefined);
  t.equal(c.admit('a'), 'per_address', "a third from one address is over that address's cap");
  t.equal(c.admit('b'), undefined, 'another address is not');
  t.equal(c.admit('b'), undefined);
  t.equal(c.admit('c'), undefined);
  t.equal(c.admit('d'), 'total', 'past five in all, any address is refused');
  t.same(c.refused, { total: 1, per_address: 1 });
  t.equal(c.open, 5);
  c.release('a');
  t.equal(c.admit('d'), undefined, 'a release frees a place');
  c.release('nobody');
  t.equal(c.open, 5, 'releasing an address with nothing open changes nothing');
  for (const a of ['a', 'b', 'b', 'c', 'd']) c.release(a);
  t.equal(c.open, 0);
  t.equal(c.addresses, 0, 'no address is remembered once its connections closed');
});

t.test('an IPv4 client seen through an IPv6 socket is the same client', async (t) => {
  t.equal(clientAddress({ remoteAddress: '::ffff:10.1.2.3' }), '10.1.2.3');
  t.equal(clientAddress({ remoteAddress: '::1' }), '::1');
  t.equal(clientAddress({ remoteAddress: undefined }), 'unknown');
});

t.test('on a grpc-js server: over the cap a connection is closed at once; a closed one frees its place', async (t) => {
  const server = new grpc.Server();
  const port = await new Promise<number>((res, rej) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
  );
  t.teardown(() => void server.forceShutdown());
  const refusals: [string, ConnectionRefusal][] = [];
  const counter = capConnections(server, { total: 100, perAddress: 2 }, (a, why) => refusals.push([a, why]));
  t.ok(counter, 'the http2 server behind the port was found');
  const open = (): Promise<net.Socket> =>
    new Promise((res, rej) => {
      const s = net.connect(port, '127.0.0.1', () => res(s));
      s.on('error', () => {}); // a refused one is reset
      s.once('close', () => rej(new Error('closed before connecting')));
    });
  const a = await open();
  const b = await open();
  await waitFor(() => counter!.open === 2, { message: 'two connections counted' });
  const c = await open().catch(() => undefined);
  await waitFor(() => !c || c.destroyed, { message: 'the server closing the third connection from one address' });
  t.same(refusals, [['127.0.0.1', 'per_address']], 'and reported with its address and cap');
  t.equal(counter!.open, 2);
  a.destroy();
  await waitFor(() => counter!.open === 1, { message: 'a closed connection released' });
  const d = await open();
  await waitFor(() => counter!.open === 2, { message: 'a new one admitted in its place' });
  t.equal(refusals.length, 1, 'without a refusal');
  b.destroy();
  d.destroy();
  await waitFor(() => counter!.open === 0, { message: 'all released' });
});
