import * as grpc from '@grpc/grpc-js';
import { certValidity } from '../common/tls/fingerprint.js';
import type { CertificateRenewal } from './session.js';
import type { AgentFiles } from './state.js';

/**
 * Certificate rotation from the agent's data dir: a fresh key per renewal,
 * written only together with the certificate that matches it.
 */
export class FileRenewal implements CertificateRenewal {
  private pendingKey?: string;
  private cachedRenewAt?: number; // checked every heartbeat: parse the certificate once
  constructor(private readonly files: AgentFiles) {}

  renewAt(): number {
    if (this.cachedRenewAt === undefined) {
      const pem = this.files.read('cert.pem');
      if (!pem) return Infinity;
      const { notBefore, notAfter } = certValidity(pem);
      this.cachedRenewAt = notBefore + ((notAfter - notBefore) * 2) / 3;
    }
    return this.cachedRenewAt;
  }

  async request(): Promise<string> {
    const { createCsr } = await import('../common/tls/pki.js');
    const { csrPem, keyPem } = await createCsr('nephele-agent');
    this.pendingKey = keyPem;
    return csrPem;
  }

  install(certPem: string): grpc.ChannelCredentials {
    if (!this.pendingKey) throw new Error('certificate arrived without a pending request');
    // Key first, then certificate: after a crash in between, the old pair is
    // gone but the controller still accepts the previous serial until first use
    // of the new one, and re-enrolment remains possible.
    this.files.write('key.pem.next', this.pendingKey);
    this.files.write('cert.pem.next', certPem);
    this.files.rename('key.pem.next', 'key.pem');
    this.files.rename('cert.pem.next', 'cert.pem');
    this.pendingKey = undefined;
    this.cachedRenewAt = undefined;
    const c = this.files.credentials()!;
    return grpc.credentials.createSsl(Buffer.from(c.caPem), Buffer.from(c.keyPem), Buffer.from(c.certPem));
  }
}
