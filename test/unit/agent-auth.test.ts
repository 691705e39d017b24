// Agent authentication, shared by Session, PutDisk and GetDisk: the peer
// certificate names the host; revoked hosts and superseded certificates are out.
import t from 'tap';
import * as grpc from '@grpc/grpc-js';
import { AgentAuth } from '../../controller/hosts/agent-auth.js';
import type { HostRecord } from '../../controller/hosts/registry.js';

const HOST = '01HZZZZZZZZZZZZZZZZZZZZZZA';

function hosts(rec: Partial<HostRecord> | undefined) {
  return {
    find: async (id: string) =>
      rec && id === HOST
        ? ({ id, revoked: false, certSerial: '', previousCertSerial: '', ...rec } as HostRecord)
        : undefined,
  };
}

function call(cert?: { CN?: string; serial?: string }, md: Record<string, string> = {}) {
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(md)) metadata.set(k, v);
  return {
    metadata,
    getPeer: () => 'ipv4:10.0.0.1:5000',
    getAuthContext: () =>
      (cert ? { sslPeerCertificate: { subject: { CN: cert.CN }, serialNumber: cert.serial } } : {}) as never,
  };
}

t.test(
  'the current certificate admits its host; with a previous one still stored, that one is to be retired',
  async (t) => {
    t.same(
      await new AgentAuth(hosts({ certSerial: '0A1B' }), false).authenticate(call({ CN: HOST, serial: 'a1b' })),
      { hostId: HOST, retirePrevious: false },
      'serials compare without case and leading zeros',
    );
    t.same(
      await new AgentAuth(hosts({ certSerial: 'c2', previousCertSerial: 'b1' }), false).authenticate(
        call({ CN: HOST, serial: 'C2' }),
      ),
      { hostId: HOST, retirePrevious: true },
    );
    t.same(
      await new AgentAuth(hosts({ certSerial: 'c2', previousCertSerial: 'b1' }), false).authenticate(
        call({ CN: HOST, serial: 'b1' }),
      ),
      { hostId: HOST, retirePrevious: false },
      'the replaced certificate still admits until the new one is used',
    );
  },
);

t.test('refusals', async (t) => {
  const auth = new AgentAuth(hosts({ certSerial: 'c2', previousCertSerial: 'b1' }), false);
  await t.rejects(
    auth.authenticate(call()),
    { code: 'UNAUTHENTICATED', message: /client certificate/ },
    'no certificate',
  );
  await t.rejects(
    auth.authenticate(call({ CN: 'not-a-host-id', serial: 'c2' })),
    { code: 'UNAUTHENTICATED' },
    'a certificate that names no host',
  );
  await t.rejects(
    auth.authenticate(call({ CN: HOST, serial: 'a0' })),
    { code: 'UNAUTHENTICATED', message: /superseded/ },
    'an older certificate',
  );
  await t.rejects(new AgentAuth(hosts({ revoked: true }), false).authenticate(call({ CN: HOST, serial: 'c2' })), {
    code: 'UNAUTHENTICATED',
    message: /revoked/,
  });
  await t.rejects(
    new AgentAuth(hosts(undefined), false).authenticate(call({ CN: HOST, serial: 'c2' })),
    { code: 'NOT_FOUND' },
    'an unknown host',
  );
});

t.test('insecure (loopback) mode: the host names itself in metadata', async (t) => {
  const auth = new AgentAuth(hosts({ certSerial: 'c2' }), true);
  t.same(await auth.authenticate(call(undefined, { 'x-nephele-host-id': HOST })), {
    hostId: HOST,
    retirePrevious: false,
  });
  await t.rejects(auth.authenticate(call()), { code: 'UNAUTHENTICATED', message: /x-nephele-host-id/ });
});
