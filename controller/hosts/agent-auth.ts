import { NotFoundError, UnauthenticatedError } from '../../common/errors.js';
import { ULID_RE } from '../../common/ids.js';
import type { AdmitCall, AgentAuthenticator, AgentPeer } from '../rpc/handler.js';
import type { HostRegistry } from './registry.js';

function normSerial(s: string): string {
  return s.toLowerCase().replace(/^0+/, '');
}

/**
 * Agent authentication, the same for Session, PutDisk and GetDisk: the client
 * certificate this controller issued (the current one or the one its renewal
 * replaced), a known host, not revoked. In insecure (loopback) mode the host
 * names itself in metadata.
 */
export class AgentAuth implements AgentAuthenticator {
  constructor(
    private readonly hosts: Pick<HostRegistry, 'find'>,
    private readonly insecure: boolean,
  ) {}

  async authenticate(call: AdmitCall): Promise<AgentPeer> {
    const { hostId, serial: peerSerial } = this.identify(call);
    const found = await this.hosts.find(hostId);
    if (!found) throw new NotFoundError('host');
    if (found.revoked) throw new UnauthenticatedError('host credentials have been revoked');
    let retirePrevious = false;
    if (!this.insecure && found.certSerial) {
      const serial = normSerial(peerSerial);
      const current = serial === normSerial(found.certSerial);
      if (!current && serial !== normSerial(found.previousCertSerial ?? ''))
        throw new UnauthenticatedError('certificate has been superseded');
      retirePrevious = current && !!found.previousCertSerial;
    }
    return { hostId, retirePrevious };
  }

  /** Who the call is from. The peer certificate is read once: grpc-js builds it anew on every getAuthContext(). */
  private identify(call: AdmitCall): { hostId: string; serial: string } {
    if (this.insecure) {
      const id = call.metadata.get('x-nephele-host-id')[0];
      if (typeof id !== 'string' || !ULID_RE.test(id))
        throw new UnauthenticatedError('insecure session needs x-nephele-host-id');
      return { hostId: id, serial: '' };
    }
    const cert = call.getAuthContext().sslPeerCertificate;
    const cn = cert?.subject?.CN;
    if (!cert || typeof cn !== 'string' || !ULID_RE.test(cn))
      throw new UnauthenticatedError('a client certificate issued by this controller is required');
    return { hostId: cn, serial: cert.serialNumber ?? '' };
  }
}
