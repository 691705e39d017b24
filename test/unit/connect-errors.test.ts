// Each way grpc-js reports a failed connection (the details text below is what
// grpc-js 1.14 gives for it) becomes one line naming the address and what to check.
import t from 'tap';
import { status } from '@grpc/grpc-js';
import { ConnectTimeout, connectionMessage, lastError, type ConnInfo } from '../../controller/cli/connect-errors.js';

const tls: ConnInfo = {
  address: '127.0.0.1:7443',
  caFile: '/x/ca.pem',
  insecure: false,
  connectTimeoutMs: 10_000,
  callTimeoutMs: 15_000,
};
const plain: ConnInfo = { ...tls, caFile: undefined, insecure: true };
const unavailable = (last: string) => ({
  code: status.UNAVAILABLE,
  details: `No connection established. Last error: ${last}. Resolution note: `,
});

const shapes: [string, ConnInfo, unknown, RegExp][] = [
  [
    'wrong CA',
    tls,
    unavailable('Error: self-signed certificate in certificate chain'),
    /^cannot verify the controller at 127\.0\.0\.1:7443 with CA \/x\/ca\.pem: its certificate was not issued by this CA \(check --ca-file \/ NEPHELE_CA\)$/,
  ],
  ['CA of another chain', tls, unavailable('Error: unable to get local issuer certificate'), /not issued by this CA/],
  ['expired', tls, unavailable('Error: certificate has expired'), /certificate has expired \(check the clocks/],
  [
    'wrong name',
    { ...tls, address: 'ctl.example.org:7443' },
    unavailable(
      "Error: Hostname/IP does not match certificate's altnames: Host: ctl.example.org. is not in the cert's altnames: IP:127.0.0.1",
    ),
    /not valid for ctl\.example\.org \(.*nephele controller --name/,
  ],
  [
    'nothing listening',
    tls,
    unavailable('Error: connect ECONNREFUSED 127.0.0.1:7443'),
    /^nothing is listening at 127\.0\.0\.1:7443 \(is the controller running\? check --controller \/ NEPHELE_CONTROLLER\)$/,
  ],
  [
    'no route',
    tls,
    unavailable('Error: connect EHOSTUNREACH 10.0.0.9:7443'),
    /^cannot reach 127\.0\.0\.1:7443: EHOSTUNREACH/,
  ],
  [
    'unknown name',
    { ...tls, address: 'nosuch.invalid:7443' },
    { code: status.UNAVAILABLE, details: 'Name resolution failed for target dns:nosuch.invalid:7443' },
    /^cannot resolve nosuch\.invalid \(check --controller/,
  ],
  [
    'plain-text server, TLS expected',
    tls,
    unavailable(
      'Error: 80FC6509207F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n',
    ),
    /^127\.0\.0\.1:7443 does not speak TLS \(a controller started with --insecure\? then pass --insecure/,
  ],
  [
    'closed before the TLS handshake',
    tls,
    unavailable('Error: Client network socket disconnected before secure TLS connection was established'),
    /does not speak TLS/,
  ],
  [
    'TLS server, plain text expected',
    plain,
    unavailable('Failed to connect (2026-12-06T19:34:14.225Z)'),
    /^127\.0\.0\.1:7443 does not speak plain-text gRPC \(a TLS controller\? drop --insecure/,
  ],
  ['garbage, plain text expected', plain, unavailable('Protocol error (2026-12-06T19:34:14.212Z)'), /plain-text gRPC/],
  [
    'hanging endpoint',
    tls,
    new ConnectTimeout(5000),
    /^no answer from 127\.0\.0\.1:7443 within 5s \(is the controller running\? .*--connect-timeout\)$/,
  ],
  [
    'no answer to a call',
    tls,
    {
      code: status.DEADLINE_EXCEEDED,
      details: 'Deadline exceeded after 15.001s,LB pick: 0.001s,remote_addr=127.0.0.1:7443',
    },
    /^the controller at 127\.0\.0\.1:7443 did not answer within 15s/,
  ],
  [
    'anything else unavailable',
    tls,
    unavailable('Connection dropped'),
    /^cannot reach the controller at 127\.0\.0\.1:7443: Connection dropped \(check --controller/,
  ],
];

for (const [name, conn, err, want] of shapes) {
  t.test(name, async (t) => {
    const m = connectionMessage(err, conn);
    t.match(m, want);
    t.notMatch(m, /Last error|Resolution note|\n/, 'no grpc-js wrapping, one line');
  });
}

t.test('answers from the controller are not connection failures', async (t) => {
  t.equal(connectionMessage({ code: status.PERMISSION_DENIED, details: 'role viewer may not' }, tls), undefined);
  t.equal(connectionMessage({ code: status.UNAVAILABLE }, tls), undefined, 'no details: not a grpc-js status');
  t.equal(connectionMessage(new Error('x'), tls), undefined);
});

t.test('lastError unwraps the cause', async (t) => {
  t.equal(lastError(unavailable('Error: connect ECONNREFUSED ::1:1').details), 'connect ECONNREFUSED ::1:1');
});

t.test('an UNAVAILABLE the controller answered is not a connection failure', async (t) => {
  const c = {
    address: '127.0.0.1:7443',
    insecure: false,
    caFile: 'ca.pem',
    connectTimeoutMs: 10_000,
    callTimeoutMs: 15_000,
  };
  t.equal(
    connectionMessage(
      { code: 14, details: "the vm's host is not connected now; its console is readable once it is back" },
      c,
    ),
    undefined,
  );
});
