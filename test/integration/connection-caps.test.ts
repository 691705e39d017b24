import t from 'tap';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { FAST, startController } from '../helpers/procs.js';
import { statusOf } from '../helpers/status.js';
import { grpc, unary } from '../helpers/procs.js';
import { v1 } from '../../common/grpc/load.js';

// A real controller with small connection caps: connections that never make
// a call (a client hoarding them, or holding TLS handshakes open) fill a
// client address's share, past which that address's new connections are
// closed before TLS while other addresses still connect; past the total cap
// every address is refused; a closed connection frees its place, and the
// refusals are logged (not one line each) and counted in the metrics.

t.test('--max-connections-per-ip and --max-connections', async (t) => {
  const dir = tmpDir();
  const ctl = await startController(join(dir, 'c'), {
    args: [...FAST, '--max-connections', '5', '--max-connections-per-ip', '3', '--metrics-listen', '127.0.0.1:0'],
  });
  t.teardown(() => ctl.stop());
  const ca = readFileSync(join(ctl.dataDir, 'ca.pem'));
  const held: tls.TLSSocket[] = [];
  t.teardown(() => held.forEach((s) => s.destroy()));
  /** A TLS connection from `from`: 'accepted' once its handshake completes, 'closed' if the server closes it first. */
  const connect = (from: string): Promise<'accepted' | 'closed'> =>
    new Promise((res) => {
      const raw = net.connect({ host: '127.0.0.1', port: ctl.port, localAddress: from });
      raw.on('error', () => {});
      const s = tls.connect({
        socket: raw,
        ca,
        ALPNProtocols: ['h2'],
        checkServerIdentity: () => undefined,
      });
      s.on('error', () => {});
      s.once('secureConnect', () => {
        held.push(s);
        res('accepted');
      });
      s.once('close', () => res('closed'));
    });
  const hosts = new (v1().HostService)(ctl.address, grpc.credentials.createSsl(ca));
  t.teardown(() => hosts.close());
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${readFileSync(join(ctl.dataDir, 'admin.token'), 'utf8').trim()}`);
  const listHosts = () => unary((cb) => hosts.ListHosts({}, md, { deadline: Date.now() + 3000 }, cb as never));

  for (let i = 0; i < 3; i++) t.equal(await connect('127.0.0.1'), 'accepted', `127.0.0.1: connection ${i + 1} of 3`);
  t.equal(await connect('127.0.0.1'), 'closed', "127.0.0.1's fourth connection is closed before TLS");
  t.equal((await statusOf(listHosts())).code, grpc.status.UNAVAILABLE, "so is a gRPC client's from that address");
  t.equal(await connect('127.0.0.2'), 'accepted', 'another address still connects');
  t.equal(await connect('127.0.0.2'), 'accepted', 'five in all');
  t.equal(await connect('127.0.0.3'), 'closed', 'past the total cap a new address is refused too');

  held.shift()!.destroy(); // one of 127.0.0.1's
  await waitFor(() => listHosts().then(() => true), { message: 'a gRPC call from 127.0.0.1 in the freed place' });
  t.pass('a closed connection freed its place');

  const log = ctl.output();
  const lines = log.split('\n').filter((l) => l.includes('grpc connections refused'));
  t.ok(lines.length >= 1, 'refusals are logged');
  t.ok(lines.length < 3, `at most one line per 10 s, not one per refusal (${lines.length})`);
  t.match(lines[0], /"client_address":"127\.0\.0\.1"/, 'naming the address');
  t.match(lines[0], /"reason":"per_address"/, 'and the cap');

  const metricsAt = /"metrics":"([^"]+)"/.exec(log)?.[1];
  t.ok(metricsAt, 'the metrics address is in the ready line');
  const text = await (await fetch(`http://${metricsAt}/metrics`)).text();
  const n = (reason: string) =>
    Number(new RegExp(`nephele_grpc_connections_refused_total\\{reason="${reason}"\\} (\\d+)`).exec(text)?.[1]);
  t.ok(n('per_address') >= 2, `refusals per address counted (${n('per_address')})`);
  t.ok(n('total') >= 1, `refusals over the total counted (${n('total')})`);
  t.match(text, /nephele_grpc_connections_open \d+/, 'open connections are a gauge');
});
