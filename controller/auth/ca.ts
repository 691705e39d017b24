import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { certFingerprint, certInfo, createCa, issueWithKey, type CaMaterial } from '../../common/tls/pki.js';

export interface ControllerPki {
  ca: CaMaterial;
  caPin: string; // sha256 of the CA certificate, carried in join tokens
  server: { certPem: string; keyPem: string; notAfter: number };
}

const SERVER_VALID_MS = 365 * 86_400_000;

function writeSecret(path: string, data: string): void {
  writeFileSync(path, data, { mode: 0o600 });
}

/**
 * Loads the controller's CA and server certificate from its data dir, creating
 * them on first start. The server certificate is re-issued when its names change
 * or it is within 30 days of expiry.
 */
export async function loadOrCreatePki(dataDir: string, extraNames: string[] = []): Promise<ControllerPki> {
  const dir = join(dataDir, 'pki');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caCert = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca.key');
  let ca: CaMaterial;
  if (existsSync(caCert) && existsSync(caKey)) {
    ca = { certPem: readFileSync(caCert, 'utf8'), keyPem: readFileSync(caKey, 'utf8') };
  } else {
    ca = await createCa();
    writeSecret(caKey, ca.keyPem);
    writeFileSync(caCert, ca.certPem);
    // A copy at the top of the data dir, where the CLI looks for it.
    writeFileSync(join(dataDir, 'ca.pem'), ca.certPem);
  }
  const names = [...new Set(['localhost', hostname(), ...extraNames])];
  const dns = names.filter((n) => !isIp(n));
  const ips = [...new Set(['127.0.0.1', '::1', ...names.filter(isIp)])];
  const srvCert = join(dir, 'server.pem');
  const srvKey = join(dir, 'server.key');
  const namesFile = join(dir, 'server.names');
  const wanted = JSON.stringify({ dns, ips });
  let server: ControllerPki['server'] | undefined;
  if (
    existsSync(srvCert) &&
    existsSync(srvKey) &&
    existsSync(namesFile) &&
    readFileSync(namesFile, 'utf8') === wanted
  ) {
    const certPem = readFileSync(srvCert, 'utf8');
    const { notAfter } = certInfo(certPem);
    if (notAfter - Date.now() > 30 * 86_400_000) server = { certPem, keyPem: readFileSync(srvKey, 'utf8'), notAfter };
  }
  if (!server) {
    server = await issueWithKey(ca, {
      commonName: 'nephele-controller',
      dns,
      ips,
      validMs: SERVER_VALID_MS,
      usage: 'server',
    });
    writeSecret(srvKey, server.keyPem);
    writeFileSync(srvCert, server.certPem);
    writeFileSync(namesFile, wanted);
  }
  return { ca, caPin: certFingerprint(ca.certPem), server };
}

function isIp(s: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(s) || s.includes(':');
}
