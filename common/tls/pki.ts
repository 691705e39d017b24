// @peculiar/x509 uses tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
import * as x509 from '@peculiar/x509';

// X.509 with @peculiar/x509 over WebCrypto: ECDSA P-256 keys (fast to make and
// to verify, so enrolling thousands of agents is cheap).
x509.cryptoProvider.set(webcrypto as never);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const subtle = webcrypto.subtle;

export interface KeyPairPem {
  keyPem: string; // PKCS#8
  publicKeyPem: string;
}

export interface CaMaterial {
  certPem: string;
  keyPem: string;
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').trimEnd();
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}


async function generateKeys(): Promise<CryptoKeyPair> {
  return (await subtle.generateKey(ALG, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
}

async function exportKey(k: CryptoKey): Promise<string> {
  return pem('PRIVATE KEY', await subtle.exportKey('pkcs8', k as never));
}

async function importPrivateKey(keyPem: string): Promise<CryptoKey> {
  return (await subtle.importKey('pkcs8', derOf(keyPem), ALG, true, ['sign'])) as unknown as CryptoKey;
}

function serial(): string {
  const b = randomBytes(16);
  b[0]! &= 0x7f; // positive
  return b.toString('hex');
}

const DAY = 86_400_000;

export async function createCa(commonName = 'Nephele CA', validDays = 3650): Promise<CaMaterial> {
  const keys = await generateKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}, O=Nephele`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + validDays * DAY),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await exportKey(keys.privateKey) };
}

export interface IssueOptions {
  commonName: string;
  dns?: string[];
  ips?: string[];
  uris?: string[];
  validMs: number;
  usage: 'server' | 'client';
}

/** The CA parsed once: importing its key and parsing its certificate was a quarter of each enrolment. */
const caCache = new Map<string, Promise<{ caCert: x509.X509Certificate; caKey: CryptoKey; aki: x509.AuthorityKeyIdentifierExtension }>>();
function parsedCa(ca: CaMaterial) {
  let p = caCache.get(ca.keyPem);
  if (!p) {
    p = (async () => {
      const caCert = new x509.X509Certificate(ca.certPem);
      return { caCert, caKey: await importPrivateKey(ca.keyPem), aki: await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey) };
    })();
    caCache.set(ca.keyPem, p);
  }
  return p;
}

/** Signs a public key with the CA. */
async function issue(ca: CaMaterial, publicKey: x509.PublicKey | CryptoKey, o: IssueOptions): Promise<x509.X509Certificate> {
  const { caCert, caKey, aki } = await parsedCa(ca);
  const now = Date.now();
  const names: x509.JsonGeneralName[] = [
    ...(o.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(o.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
    ...(o.uris ?? []).map((value) => ({ type: 'url' as const, value })),
  ];
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([o.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
    aki,
  ];
  if (names.length) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  return x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${o.commonName}`,
    issuer: caCert.subject,
    // Backdated for clock skew, but never by more than a tenth of the lifetime,
    // so short-lived certificates still renew at two thirds of their life.
    notBefore: new Date(now - Math.min(60_000, Math.floor(o.validMs / 10))),
    notAfter: new Date(now + o.validMs),
    signingKey: caKey,
    publicKey,
    signingAlgorithm: ALG,
    extensions,
  });
}

/** A fresh key pair and certificate for it (the controller's own server certificate). */
export async function issueWithKey(ca: CaMaterial, o: IssueOptions): Promise<{ certPem: string; keyPem: string; notAfter: number }> {
  const keys = await generateKeys();
  const cert = await issue(ca, keys.publicKey, o);
  return { certPem: cert.toString('pem'), keyPem: await exportKey(keys.privateKey), notAfter: cert.notAfter.getTime() };
}

/** An agent's key pair and a CSR for it; the key stays with the agent. */
export async function createCsr(commonName: string): Promise<{ csrPem: string; keyPem: string }> {
  const keys = await generateKeys();
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=${commonName}`, keys, signingAlgorithm: ALG });
  return { csrPem: csr.toString('pem'), keyPem: await exportKey(keys.privateKey) };
}

export class CsrError extends Error {
  override name = 'CsrError';
}

/** Verifies a CSR's self-signature and signs its key for a client identity. */
export async function signCsr(ca: CaMaterial, csrPem: string, o: Omit<IssueOptions, 'usage'>): Promise<{ certPem: string; notAfter: number }> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch (e) {
    throw new CsrError(`not a PKCS#10 request: ${(e as Error).message}`);
  }
  if (!(await csr.verify())) throw new CsrError('signature does not verify');
  const cert = await issue(ca, csr.publicKey, { ...o, usage: 'client' });
  return { certPem: cert.toString('pem'), notAfter: cert.notAfter.getTime() };
}

export { certFingerprint, derToPem } from './fingerprint.js';
import { derOf } from './fingerprint.js';

export function certInfo(certPem: string): { commonName: string; notAfter: number; notBefore: number; serial: string } {
  const c = new x509.X509Certificate(certPem);
  const cn = c.subjectName.getField('CN')[0] ?? '';
  return { commonName: cn, notAfter: c.notAfter.getTime(), notBefore: c.notBefore.getTime(), serial: c.serialNumber };
}

