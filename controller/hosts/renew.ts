import { FailedPreconditionError, InvalidArgumentError } from '../../common/errors.js';
import { CsrError, signCsr, type CaMaterial } from '../../common/tls/pki.js';
import type { Session } from './live-session.js';
import type { HostRegistry } from './registry.js';

export interface RenewalOptions {
  /** Signs renewed agent certificates (absent without TLS). */
  ca?: CaMaterial;
  certValidMs: number;
}

/** Signs a renewed client certificate over the live mTLS session and records its serial. */
export async function renewCertificate(
  hosts: HostRegistry,
  o: RenewalOptions,
  s: Session,
  csrPem: string,
): Promise<void> {
  if (!o.ca) throw new FailedPreconditionError('certificate renewal needs TLS');
  if (typeof csrPem !== 'string' || csrPem.length > 16_384)
    throw new InvalidArgumentError('renew.csr_pem', 'missing or too long');
  let cert: Awaited<ReturnType<typeof signCsr>>;
  try {
    cert = await signCsr(o.ca, csrPem, {
      commonName: s.hostId,
      uris: [`spiffe://nephele/host/${s.hostId}`],
      validMs: o.certValidMs,
    });
  } catch (e) {
    if (e instanceof CsrError) throw new InvalidArgumentError('renew.csr_pem', e.message);
    throw e;
  }
  await hosts.renewCertificate(s.hostId, cert.serial, cert.notAfter);
  if (!s.replaced) s.send({ certificate: { certificatePem: cert.certPem, notAfterUnixMs: cert.notAfter } });
}
