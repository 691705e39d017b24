// The CA: issuing certificates, signing CSRs, fingerprints.
import 'reflect-metadata';
import t from 'tap';
import { X509Certificate, createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';
import { connect, createServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import * as x509 from '@peculiar/x509';
import {
  createCa,
  issueWithKey,
  createCsr,
  signCsr,
  certFingerprint,
  certInfo,
  derToPem,
  CsrError,
} from '../../common/tls/pki.js';
import { malformedCsrs } from '../helpers/csr.js';

const DAY = 86_400_000;
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );

t.test('CA + server certificate', async (t) => {
  const ca = await createCa('Test CA', 30);
  const caCert = new X509Certificate(ca.certPem);
  t.equal(caCert.ca, true, 'CA cert is a CA');
  t.match(caCert.subject, /CN=Test CA/);
  t.equal(caCert.subject, caCert.issuer, 'self-signed');
  t.ok(caCert.verify(caCert.publicKey), 'self-signature verifies');
  t.ok(caCert.checkPrivateKey(createPrivateKey(ca.keyPem)), 'key matches the cert');
  t.equal(createPrivateKey(ca.keyPem).asymmetricKeyDetails?.namedCurve, 'prime256v1', 'P-256');
  const caInfo = certInfo(ca.certPem);
  t.equal(caInfo.commonName, 'Test CA');
  t.ok(Math.abs(caInfo.notAfter - (Date.now() + 30 * DAY)) < 5 * 60_000, 'valid for the requested days');
  t.ok(caInfo.notBefore <= Date.now());

  const before = Date.now();
  const srv = await issueWithKey(ca, {
    commonName: 'controller',
    dns: ['localhost', 'ctl.example'],
    ips: ['127.0.0.1'],
    validMs: 7 * DAY,
    usage: 'server',
  });
  const cert = new X509Certificate(srv.certPem);
  t.ok(cert.verify(caCert.publicKey), 'signed by the CA');
  t.ok(cert.checkIssued(caCert), 'issued by the CA');
  t.equal(cert.ca, false, 'leaf is not a CA');
  t.ok(cert.checkPrivateKey(createPrivateKey(srv.keyPem)), 'returned key matches');
  t.match(cert.subject, /CN=controller/);
  t.equal(cert.issuer, caCert.subject);
  t.match(cert.subjectAltName ?? '', /DNS:localhost/);
  t.match(cert.subjectAltName ?? '', /DNS:ctl\.example/);
  t.match(cert.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
  t.ok(cert.checkHost('ctl.example'), 'valid for its DNS name');
  t.ok(cert.checkIP('127.0.0.1'), 'valid for its IP');
  t.notOk(cert.checkHost('evil.example'));
  t.same(cert.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'serverAuth only');
  t.ok(srv.notAfter >= before + 7 * DAY - 1000 && srv.notAfter <= Date.now() + 7 * DAY + 1000, 'notAfter returned');
  t.equal(new Date(cert.validTo).getTime(), srv.notAfter);

  const other = await createCa('Other CA');
  const otherCert = new X509Certificate(other.certPem);
  t.notOk(cert.verify(otherCert.publicKey), 'does not verify against another CA');
  t.notOk(cert.checkIssued(otherCert));
  t.not(
    certInfo(srv.certPem).serial,
    certInfo((await issueWithKey(ca, { commonName: 'controller', validMs: DAY, usage: 'server' })).certPem).serial,
    'serials differ',
  );
});

t.test('CSR → client certificate for the host id', async (t) => {
  const ca = await createCa();
  const caCert = new X509Certificate(ca.certPem);
  const hostId = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
  const csr = await createCsr('whatever-the-agent-asked-for');
  const { certPem, notAfter } = await signCsr(ca, csr.csrPem, { commonName: hostId, validMs: 90 * DAY });
  const cert = new X509Certificate(certPem);
  t.equal(certInfo(certPem).commonName, hostId, 'CN is the host id chosen by the controller, not the CSR');
  t.match(cert.subject, new RegExp(`CN=${hostId}`));
  t.ok(cert.verify(caCert.publicKey), 'verifies against the CA');
  t.ok(cert.checkIssued(caCert), 'issued by the CA');
  t.ok(cert.checkPrivateKey(createPrivateKey(csr.keyPem)), "certifies the agent's own key");
  t.same(cert.keyUsage, ['1.3.6.1.5.5.7.3.2'], 'clientAuth only');
  t.equal(cert.ca, false);
  t.equal(new Date(cert.validTo).getTime(), notAfter);
  t.ok(Math.abs(notAfter - (Date.now() + 90 * DAY)) < 60_000);
  t.equal(
    cert.publicKey.export({ format: 'der', type: 'spki' }).toString('hex'),
    createPublicKey(createPrivateKey(csr.keyPem)).export({ format: 'der', type: 'spki' }).toString('hex'),
  );
});

t.test('the CA certificate reads and verifies with @peculiar/x509: a CA for leaves only', async (t) => {
  x509.cryptoProvider.set(webcrypto as never);
  const ca = await createCa('Lab CA', 10);
  const c = new x509.X509Certificate(ca.certPem);
  t.ok(await c.verify({ publicKey: c.publicKey, date: new Date() }), 'self-signature and validity check out');
  t.equal(c.subject, 'CN=Lab CA, O=Nephele');
  t.equal(c.issuer, c.subject, 'self-issued');
  t.equal(c.serialNumber, certInfo(ca.certPem).serial, 'serial read alike');
  t.ok(Math.abs(c.notAfter.getTime() - (Date.now() + 10 * DAY)) < 5 * 60_000, 'valid for the requested days');
  const bc = c.getExtension(x509.BasicConstraintsExtension);
  t.same([bc?.ca, bc?.pathLength, bc?.critical], [true, 0, true], 'a CA, path length 0, critical');
  const ku = c.getExtension(x509.KeyUsagesExtension);
  t.same([ku?.usages, ku?.critical], [x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true]);
  const ski = c.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  t.equal(ski, (await x509.SubjectKeyIdentifierExtension.create(c.publicKey)).keyId, 'key id is the SHA-1 of the key');
  t.equal(
    new x509.X509Certificate(ca.certPem).publicKey.algorithm.name,
    'ECDSA',
    'an ECDSA key (P-256: checked against node:crypto above)',
  );
});

t.test('the client certificate reads and verifies with @peculiar/x509 and carries what mTLS needs', async (t) => {
  x509.cryptoProvider.set(webcrypto as never);
  const ca = await createCa();
  const hostId = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
  const csr = await createCsr('nephele-agent');
  const parsedCsr = new x509.Pkcs10CertificateRequest(csr.csrPem);
  t.ok(await parsedCsr.verify(), 'our CSR verifies with another implementation');
  t.equal(parsedCsr.subject, 'CN=nephele-agent');
  const out = await signCsr(ca, csr.csrPem, {
    commonName: hostId,
    uris: [`spiffe://nephele/host/${hostId}`],
    validMs: DAY,
  });
  const cert = new x509.X509Certificate(out.certPem);
  const caCert = new x509.X509Certificate(ca.certPem);
  t.ok(await cert.verify({ publicKey: caCert.publicKey, date: new Date() }), 'signature and validity check out');
  t.equal(cert.subject, `CN=${hostId}`);
  t.equal(cert.issuer, caCert.subject);
  t.equal(cert.serialNumber, out.serial, 'serial returned as written');
  t.equal(cert.notAfter.getTime(), out.notAfter);
  t.ok(
    cert.notBefore.getTime() <= Date.now() && cert.notBefore.getTime() >= Date.now() - 120_000,
    'backdated a little',
  );
  t.equal(cert.getExtension(x509.BasicConstraintsExtension)?.ca, false);
  t.equal(cert.getExtension(x509.BasicConstraintsExtension)?.critical, true);
  t.equal(
    cert.getExtension(x509.KeyUsagesExtension)?.usages,
    x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
  );
  t.same(cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages, [x509.ExtendedKeyUsage.clientAuth]);
  t.same(cert.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON(), [
    { type: 'url', value: `spiffe://nephele/host/${hostId}` },
  ]);
  t.equal(
    cert.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId,
    caCert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId,
    'AKI is the CA key id',
  );
  t.ok(new X509Certificate(out.certPem).checkIssued(new X509Certificate(ca.certPem)), 'node:crypto: issued by the CA');

  // The server side too (DNS and IP names, v4 and v6).
  const srv = await issueWithKey(ca, {
    commonName: 'nephele-controller',
    dns: ['localhost'],
    ips: ['127.0.0.1', '::1', '2001:db8::8:800:200c:417a', '::ffff:10.1.2.3'],
    validMs: DAY,
    usage: 'server',
  });
  const s = new x509.X509Certificate(srv.certPem);
  t.ok(await s.verify({ publicKey: caCert.publicKey, date: new Date() }));
  t.same(s.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON(), [
    { type: 'dns', value: 'localhost' },
    { type: 'ip', value: '127.0.0.1' },
    { type: 'ip', value: '::1' },
    { type: 'ip', value: '2001:db8::8:800:200c:417a' },
    { type: 'ip', value: '::ffff:a01:203' },
  ]);

  // Beyond 2049 validity is a GeneralizedTime (RFC 5280 4.1.2.5).
  const long = await issueWithKey(ca, { commonName: 'far', validMs: 30 * 365 * DAY, usage: 'server' });
  t.equal(
    new Date(new X509Certificate(long.certPem).validTo).getTime(),
    long.notAfter,
    'a notAfter past 2049 reads back',
  );
  t.ok(new Date(long.notAfter).getUTCFullYear() >= 2050);

  // A real mutual-TLS session with both.
  const seen = new Promise<{ authorized: boolean; cn: unknown }>((resolve) => {
    const server = createServer(
      {
        key: srv.keyPem,
        cert: srv.certPem,
        ca: ca.certPem,
        requestCert: true,
        rejectUnauthorized: true,
        minVersion: 'TLSv1.3',
      },
      (sock: TLSSocket) => {
        resolve({ authorized: sock.authorized, cn: sock.getPeerCertificate().subject?.CN });
        sock.end('hi');
      },
    );
    server.listen(0, '127.0.0.1', () => {
      const c = connect({
        host: '127.0.0.1',
        port: (server.address() as AddressInfo).port,
        servername: 'localhost',
        ca: ca.certPem,
        key: csr.keyPem,
        cert: out.certPem,
      });
      c.on('secureConnect', () => t.ok(c.authorized, 'client trusts the server certificate'));
      c.on('data', () => c.end());
      c.on('close', () => server.close());
      c.on('error', (e) => t.fail(String(e)));
    });
  });
  t.same(await seen, { authorized: true, cn: hostId }, 'server authenticated the client as the host id');
});

t.test('malformed CSRs are CsrErrors, each for its own reason', async (t) => {
  const ca = await createCa();
  const { control, cases } = await malformedCsrs();
  t.ok(
    (await signCsr(ca, control, { commonName: 'h', validMs: DAY })).certPem,
    'the control, built like the cases, is signed',
  );
  for (const c of cases) {
    const e = await errorOf(signCsr(ca, c.pem, { commonName: 'h', validMs: DAY }));
    t.type(e, CsrError, `${c.name}: ${(e as Error).message}`);
  }
});

t.test('signCsr rejects garbage and tampered requests', async (t) => {
  const ca = await createCa();
  for (const g of ['', 'garbage', '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n']) {
    t.type(
      await errorOf(signCsr(ca, g, { commonName: 'h', validMs: DAY })),
      CsrError,
      `garbage ${JSON.stringify(g.slice(0, 20))}`,
    );
  }
  t.type(
    await errorOf(signCsr(ca, ca.certPem, { commonName: 'h', validMs: DAY })),
    CsrError,
    'a certificate is not a CSR',
  );

  // Tamper with the signed body: change one byte of the subject CN.
  const { csrPem } = await createCsr('host-aaaa');
  const der = Buffer.from(csrPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const at = der.indexOf(Buffer.from('host-aaaa'));
  t.ok(at > 0, 'found the CN in the DER');
  der[at + 5] = 'b'.charCodeAt(0);
  const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd()}\n-----END CERTIFICATE REQUEST-----\n`;
  const e = await signCsr(ca, tampered, { commonName: 'h', validMs: DAY }).catch((x: unknown) => x);
  t.type(e, CsrError, 'tampered CSR → CsrError');
  t.match((e as Error).message, /signature does not verify/);

  // Tamper with the signature instead.
  const der2 = Buffer.from(csrPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  der2[der2.length - 3]! ^= 0x01;
  const tampered2 = `-----BEGIN CERTIFICATE REQUEST-----\n${der2.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
  t.type(
    await errorOf(signCsr(ca, tampered2, { commonName: 'h', validMs: DAY })),
    CsrError,
    'bad signature → CsrError',
  );

  // The untouched CSR is fine.
  t.ok((await signCsr(ca, csrPem, { commonName: 'h', validMs: DAY })).certPem.includes('BEGIN CERTIFICATE'));
});

t.test('certFingerprint', async (t) => {
  const a = await createCa();
  const b = await createCa();
  const fa = certFingerprint(a.certPem);
  t.match(fa, /^[A-Za-z0-9_-]{43}$/, 'sha-256, base64url, no padding, no dots');
  t.equal(certFingerprint(a.certPem), fa, 'stable');
  t.equal(certFingerprint(a.certPem.replace(/\n/g, '\r\n')), fa, 'independent of line endings');
  t.not(certFingerprint(b.certPem), fa, 'differs between CAs');
  const sha = new X509Certificate(a.certPem).fingerprint256.replace(/:/g, '');
  t.equal(
    Buffer.from(fa, 'base64url').toString('hex').toUpperCase(),
    sha,
    "equals node's SHA-256 fingerprint of the DER",
  );

  const der = Buffer.from(new X509Certificate(a.certPem).raw);
  t.equal(certFingerprint(derToPem(der)), fa, 'derToPem round-trips');
  t.equal(derToPem(der).trim(), a.certPem.trim());
});
