import * as grpc from '@grpc/grpc-js';
import { certValidity } from '../common/tls/fingerprint.js';
import type { CertificateRenewal } from './session.js';
import { renewalSteps, type AgentFiles } from './state.js';

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
    // Both new files first, then the renames: a crash anywhere leaves a matching
    // pair, old or new, that AgentFiles.credentials() completes at start.
    for (const step of renewalSteps(this.files, this.pendingKey, certPem)) step();
    this.pendingKey = undefined;
    this.cachedRenewAt = undefined;
    const c = this.files.credentials()!;
    return grpc.credentials.createSsl(Buffer.from(c.caPem), Buffer.from(c.keyPem), Buffer.from(c.certPem));
  }
}
