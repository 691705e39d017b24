import { hostname as osHostname } from 'node:os';
import type { EnrollRequest__Output } from '../../common/gen/nephele/v1/EnrollRequest.js';
import type { EnrollResponse } from '../../common/gen/nephele/v1/EnrollResponse.js';
import { InvalidArgumentError, UnauthenticatedError } from '../../common/errors.js';
import { ulid } from '../../common/ids.js';
import { absent, isConflict, put } from '../../common/store/index.js';
import { optionalString, requireString } from '../../common/validate.js';
import { CsrError, signCsr } from '../../common/tls/pki.js';
import type { Clock } from '../../common/clock.js';
import type { EventLog } from '../events/log.js';
import type { ControllerPki } from '../auth/ca.js';
import type { TokenStore } from '../auth/tokens.js';
import { HostKindEnum } from '../../common/grpc/convert.js';
import { HOSTS, type HostRecord } from './registry.js';

export const AGENT_CERT_VALID_MS = 30 * 86_400_000;

/** Consumes a one-time join token and issues the host its id and client certificate, atomically. */
export async function enroll(
  req: EnrollRequest__Output,
  peer: string,
  d: { pki: ControllerPki; tokens: TokenStore; events: EventLog; clock: Clock; certValidMs?: number },
): Promise<EnrollResponse> {
  const joinToken = requireString('join_token', req.joinToken, { max: 512 });
  const csrPem = requireString('csr_pem', req.csrPem, { max: 16_384, multiline: true });
  const name = optionalString('hostname', req.hostname, 253) || osHostname();
  const reqKind = HostKindEnum.optional(req.kind, 'kind');
  const agentVersion = optionalString('agent_version', req.agentVersion, 64);
  const hostId = ulid(d.clock.now());
  const join = await d.tokens.prepareJoin(joinToken, hostId);
  let cert: Awaited<ReturnType<typeof signCsr>>;
  try {
    cert = await signCsr(d.pki.ca, csrPem, {
      commonName: hostId,
      uris: [`spiffe://nephele/host/${hostId}`],
      validMs: d.certValidMs ?? AGENT_CERT_VALID_MS,
    });
  } catch (e) {
    if (e instanceof CsrError) throw new InvalidArgumentError('csr_pem', e.message);
    throw e;
  }
  const kind = join.rec.hostKind ?? reqKind ?? 'dedicated';
  const now = d.clock.now();
  const host: HostRecord = {
    id: hostId,
    name,
    kind: kind as HostRecord['kind'],
    state: 'pending',
    stateReason: 'enrolled',
    stateChangedUnixMs: now,
    cordoned: false,
    cordonReason: '',
    groups: [],
    addresses: [],
    agentVersion,
    schemes: [],
    inventory: null,
    enrolledUnixMs: now,
    lastSeenUnixMs: 0,
    labels: {},
    certSerial: cert.serial,
    certNotAfterUnixMs: cert.notAfter,
    revoked: false,
    revokedReason: '',
    owner: 'none',
    offersGuarantees: false,
  };
  try {
    await d.events.commit({
      ops: [put(HOSTS, hostId, host), ...join.ops],
      preconditions: [absent(HOSTS, hostId), join.pre],
      events: [
        {
          type: 'host.enrolled',
          message: 'host enrolled',
          hostId,
          actor: join.rec.id,
          attributes: { name, kind: String(kind), peer },
        },
      ],
    });
  } catch (e) {
    // Another agent consumed the token between our check and our write.
    if (isConflict(e)) throw new UnauthenticatedError('join token already used');
    throw e;
  }
  return { hostId, certificatePem: cert.certPem, caPem: d.pki.ca.certPem, certificateNotAfterUnixMs: cert.notAfter };
}
