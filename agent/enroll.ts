import { connect } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import type { HostKind } from '../common/model/enums.js';
import { HostKindEnum } from '../common/grpc/convert.js';
import type { EnrollResponse__Output } from '../common/gen/nephele/v1/EnrollResponse.js';
import { v1 } from '../common/grpc/load.js';
import { unary } from '../common/grpc/promisify.js';
import { certFingerprint, derToPem } from '../common/tls/fingerprint.js';
import type { AgentFiles } from './state.js';

export class EnrollError extends Error {}

/** `nj1.<ca pin>.<id>.<secret>` → the pin (or undefined for a bare `<id>.<secret>`). */
export function joinTokenPin(token: string): string | undefined {
  const p = token.trim().split('.');
  return p.length === 4 && p[0] === 'nj1' ? p[1] : undefined;
}

/**
 * Trust on first use, but pinned: fetch the controller's chain and keep the CA
 * whose SHA-256 matches the pin in the join token (as kubeadm's CA cert hash).
 */
export async function fetchPinnedCa(address: string, pin: string, timeoutMs = 10_000): Promise<string> {
  const [host, portStr] = splitAddr(address);
  const chain = await new Promise<Buffer[]>((resolve, reject) => {
    const sock = connect({
      host,
      port: Number(portStr),
      rejectUnauthorized: false,
      ALPNProtocols: ['h2'],
      servername: isIp(host) ? undefined : host,
    });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new EnrollError(`no TLS answer from ${address}`));
    }, timeoutMs);
    sock.once('secureConnect', () => {
      clearTimeout(timer);
      const out: Buffer[] = [];
      let c = sock.getPeerCertificate(true) as
        (ReturnType<typeof sock.getPeerCertificate> & { issuerCertificate?: unknown }) | undefined;
      const seen = new Set<string>();
      while (c && c.raw && !seen.has(c.fingerprint256)) {
        seen.add(c.fingerprint256);
        out.push(c.raw);
        c = c.issuerCertificate as typeof c;
      }
      sock.end();
      resolve(out);
    });
    sock.once('error', (e) => {
      clearTimeout(timer);
      reject(new EnrollError(`cannot reach controller at ${address}: ${e.message}`));
    });
  });
  for (const der of chain) {
    const pem = derToPem(der);
    if (certFingerprint(pem) === pin) return pem;
  }
  throw new EnrollError(
    'the controller presented no CA matching the join token: wrong controller, or a man in the middle',
  );
}

export function splitAddr(address: string): [string, string] {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  if (!m) throw new EnrollError(`controller address must be host:port, got ${JSON.stringify(address)}`);
  return [m[1]!, m[2]!];
}

function isIp(h: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(h) || h.includes(':');
}

export interface EnrollOptions {
  controller: string;
  joinToken: string;
  hostname: string;
  kind: HostKind;
  agentVersion: string;
  insecure: boolean;
  caPem?: string;
}

/** Enrols with a join token; writes host id, key, certificate and CA into the data dir. */
export async function enrollAgent(files: AgentFiles, o: EnrollOptions): Promise<EnrollResponse__Output> {
  let creds: grpc.ChannelCredentials;
  let caPem = o.caPem;
  if (o.insecure) {
    creds = grpc.credentials.createInsecure();
  } else {
    if (!caPem) {
      const pin = joinTokenPin(o.joinToken);
      if (!pin) throw new EnrollError('the join token carries no CA pin; pass --ca-file with the controller CA');
      caPem = await fetchPinnedCa(o.controller, pin);
    }
    creds = grpc.credentials.createSsl(Buffer.from(caPem));
  }
  // The X.509 generation library is loaded only when a key is made.
  const { createCsr } = await import('../common/tls/pki.js');
  const { csrPem, keyPem } = await createCsr('nephele-agent');
  const client = new (v1().AgentService)(o.controller, creds);
  try {
    const req = {
      joinToken: o.joinToken,
      csrPem,
      hostname: o.hostname,
      kind: HostKindEnum.toProto(o.kind),
      agentVersion: o.agentVersion,
    };
    const res = await unary<EnrollResponse__Output>((cb) =>
      client.Enroll(req, new grpc.Metadata(), { deadline: Date.now() + 15_000 }, cb),
    );
    files.write('key.pem', keyPem);
    files.write('cert.pem', res.certificatePem);
    files.write('ca.pem', caPem ?? res.caPem, 0o644);
    files.write(
      'host.json',
      JSON.stringify({ hostId: res.hostId, controller: o.controller, enrolledAt: new Date().toISOString() }, null, 2) +
        '\n',
      0o644,
    );
    return res;
  } finally {
    client.close();
  }
}
