// The CA: issuing certificates, signing CSRs, fingerprints.
import t from 'tap';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { createCa, issueWithKey, createCsr, signCsr, certFingerprint, certInfo, derToPem, CsrError } from '../../common/tls/pki.js';

const DAY = 86_400_000;

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
  const srv = await issueWithKey(ca, { commonName: 'controller', dns: ['localhost', 'ctl.example'], ips: ['127.0.0.1'], validMs: 7 * DAY, usage: 'server' });
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
  t.not(certInfo(srv.certPem).serial, certInfo((await issueWithKey(ca, { commonName: 'controller', validMs: DAY, usage: 'server' })).certPem).serial, 'serials differ');
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

const errorOf = (p: Promise<unknown>) => p.then(() => new Error('expected a rejection'), (e: unknown) => e);

t.test('signCsr rejects garbage and tampered requests', async (t) => {
  const ca = await createCa();
  for (const g of ['', 'garbage', '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n']) {
    t.type(await errorOf(signCsr(ca, g, { commonName: 'h', validMs: DAY })), CsrError, `garbage ${JSON.stringify(g.slice(0, 20))}`);
  }
  t.type(await errorOf(signCsr(ca, ca.certPem, { commonName: 'h', validMs: DAY })), CsrError, 'a certificate is not a CSR');

  // Tamper with the signed body: change one byte of the subject CN.
  const { csrPem } = await createCsr('host-aaaa');
  const der = Buffer.from(csrPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const at = der.indexOf(Buffer.from('host-aaaa'));
  t.ok(at > 0, 'found the CN in the DER');
  der[at + 5] = 'b'.charCodeAt(0);
  const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').trimEnd()}\n-----END CERTIFICATE REQUEST-----\n`;
  const e = await signCsr(ca, tampered, { commonName: 'h', validMs: DAY }).catch((x: unknown) => x);
  t.type(e, CsrError, 'tampered CSR → CsrError');
  t.match((e as Error).message, /signature does not verify/);

  // Tamper with the signature instead.
  const der2 = Buffer.from(csrPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  der2[der2.length - 3]! ^= 0x01;
  const tampered2 = `-----BEGIN CERTIFICATE REQUEST-----\n${der2.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
  t.type(await errorOf(signCsr(ca, tampered2, { commonName: 'h', validMs: DAY })), CsrError, 'bad signature → CsrError');

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
  t.equal(Buffer.from(fa, 'base64url').toString('hex').toUpperCase(), sha, "equals node's SHA-256 fingerprint of the DER");

  const der = Buffer.from(new X509Certificate(a.certPem).raw);
  t.equal(certFingerprint(derToPem(der)), fa, 'derToPem round-trips');
  t.equal(derToPem(der).trim(), a.certPem.trim());
});
