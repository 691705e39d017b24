import { createHash, X509Certificate } from 'node:crypto';

// Certificate helpers on node:crypto alone: agents use them on their hot and
// idle paths without loading the X.509 generation library.

export function derOf(p: string): Buffer {
  return Buffer.from(p.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

/** SHA-256 of the certificate's DER, base64url: the CA pin carried in join tokens. */
export function certFingerprint(certPem: string): string {
  return createHash('sha256').update(derOf(certPem)).digest('base64url');
}

export function derToPem(der: Buffer): string {
  const b64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd();
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/** Validity window and serial of a PEM certificate. */
export function certValidity(certPem: string): { notBefore: number; notAfter: number; serial: string } {
  const c = new X509Certificate(certPem);
  return { notBefore: Date.parse(c.validFrom), notAfter: Date.parse(c.validTo), serial: c.serialNumber };
}
