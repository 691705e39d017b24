import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair as generateKeyPairCb,
  randomBytes,
  sign as signCb,
  verify as verifyCb,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { promisify } from 'node:util';
import { bits, DerError, expect, items, oid, oidText, one, seq, TAG, time, tlv, uint, type Tlv } from './der.js';

// Certificates and CSRs are DER built from fixed parts and signed with
// node:crypto: ECDSA P-256 only, which is what agents and the controller use.
// (The CA was made with @peculiar/x509; loading it cost every controller and
// agent start ~0.29 s of CPU. Tests still read our certificates with it.)
const generateKeyPair = promisify(generateKeyPairCb);
// On libuv's thread pool, not the event loop: the controller signs and verifies
// on another core while it serves the fleet.
const sign = promisify(signCb) as (alg: string, data: Buffer, key: KeyObject) => Promise<Buffer>;
const verify = promisify(verifyCb) as (
  alg: string,
  data: Buffer,
  key: KeyObject,
  signature: Buffer,
) => Promise<boolean>;

export interface KeyPairPem {
  keyPem: string; // PKCS#8
  publicKeyPem: string;
}

export interface CaMaterial {
  certPem: string;
  keyPem: string;
}

function pem(label: string, der: ArrayBuffer | Buffer): string {
  const b64 = Buffer.from(der as ArrayBuffer)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd();
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

const DAY = 86_400_000;

export async function createCa(commonName = 'Nephele CA', validDays = 3650): Promise<CaMaterial> {
  const { privateKey, publicKey } = await generateKeyPair('ec', { namedCurve: 'P-256' });
  const point = pointOf(publicKey);
  const now = Date.now();
  const name = seq(
    tlv(TAG.SET, seq(oid(OIDS.commonName), tlv(TAG.UTF8, Buffer.from(commonName, 'utf8')))),
    tlv(TAG.SET, seq(oid(OIDS.organization), tlv(TAG.UTF8, Buffer.from('Nephele', 'utf8')))),
  );
  const tbs = seq(
    VERSION_3,
    uint(serialBytes()),
    SIG_ALG,
    name,
    seq(time(now - 60_000), time(now + validDays * DAY)),
    name,
    Buffer.concat([P256_SPKI_PREFIX, point]),
    tlv(
      0xa3,
      seq(
        // basicConstraints: a CA that issues leaves only (path length 0)
        ext('2.5.29.19', true, seq(tlv(TAG.BOOLEAN, Buffer.from([0xff])), uint(Buffer.from([0])))),
        ext('2.5.29.15', true, tlv(TAG.BIT_STRING, Buffer.from([0x01, 0x06]))), // keyUsage: keyCertSign, cRLSign
        // subjectKeyIdentifier: SHA-1 of the public key (RFC 5280 4.2.1.2, method 1)
        ext(OIDS.subjectKeyId, false, tlv(TAG.OCTET_STRING, createHash('sha1').update(point).digest())),
      ),
    ),
  );
  const der = seq(tbs, SIG_ALG, bits(await sign('sha256', tbs, privateKey)));
  return { certPem: pem('CERTIFICATE', der), keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

export interface IssueOptions {
  commonName: string;
  dns?: string[];
  ips?: string[];
  uris?: string[];
  validMs: number;
  usage: 'server' | 'client';
}

// ── The fixed parts of every leaf certificate ───────────────────────────────

const OIDS = {
  ecPublicKey: '1.2.840.10045.2.1',
  p256: '1.2.840.10045.3.1.7',
  ecdsaSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyId: '2.5.29.14',
} as const;
const NAMES: Record<string, string> = {
  '1.2.840.113549.1.1.1': 'RSA',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
  '1.3.132.0.10': 'secp256k1',
};
const named = (o: string) => (NAMES[o] ? `${NAMES[o]} (${o})` : o);

const SIG_ALG = seq(oid(OIDS.ecdsaSha256));
/** A Name of one common name. */
const cnName = (cn: string) => seq(tlv(TAG.SET, seq(oid(OIDS.commonName), tlv(TAG.UTF8, Buffer.from(cn, 'utf8')))));
/** SubjectPublicKeyInfo of a P-256 key, up to its 65-byte uncompressed point. */
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
const VERSION_3 = tlv(0xa0, uint(Buffer.from([2])));
const ext = (id: string, critical: boolean, value: Buffer) =>
  seq(oid(id), ...(critical ? [tlv(TAG.BOOLEAN, Buffer.from([0xff]))] : []), tlv(TAG.OCTET_STRING, value));
const FIXED_EXTENSIONS = [
  ext('2.5.29.19', true, seq()), // basicConstraints: not a CA
  ext('2.5.29.15', true, tlv(TAG.BIT_STRING, Buffer.from([0x05, 0xa0]))), // keyUsage: digitalSignature, keyEncipherment
];
const EKU = {
  server: ext('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))),
  client: ext('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.2'))),
};

/** What every certificate one CA issues shares: its key, its name, its key id. Made once per CA. */
interface Issuer {
  key: KeyObject;
  name: Buffer;
  aki: Buffer;
}
const issuers = new Map<string, Issuer>();

function issuerOf(ca: CaMaterial): Issuer {
  let i = issuers.get(ca.keyPem);
  if (!i) {
    const cert = one(derOf(ca.certPem), TAG.SEQUENCE, 'CA certificate');
    const tbs = items(expect(items(cert.body)[0], TAG.SEQUENCE, 'CA tbsCertificate').body);
    const o = tbs[0]?.tag === 0xa0 ? 1 : 0; // explicit version
    const name = expect(tbs[o + 4], TAG.SEQUENCE, 'CA subject').der;
    const spkiKey = expect(items(expect(tbs[o + 5], TAG.SEQUENCE, 'CA key').body)[1], TAG.BIT_STRING, 'CA key');
    // The authority key id repeats the CA's own subject key id (RFC 5280 4.2.1.1), or is its SHA-1 (method 1).
    let keyId = createHash('sha1').update(spkiKey.body.subarray(1)).digest();
    const exts = tbs.find((t) => t.tag === 0xa3);
    for (const e of exts ? items(one(exts.body, TAG.SEQUENCE, 'CA extensions').body) : []) {
      const parts = items(e.body);
      if (oidText(expect(parts[0], TAG.OID, 'extension id').body) === OIDS.subjectKeyId)
        keyId = Buffer.from(one(parts.at(-1)!.body, TAG.OCTET_STRING, 'subject key id').body);
    }
    i = {
      key: createPrivateKey(ca.keyPem),
      name: Buffer.from(name),
      aki: ext('2.5.29.35', false, seq(tlv(0x80, keyId))),
    };
    issuers.set(ca.keyPem, i);
  }
  return i;
}

function serialBytes(): Buffer {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x40; // positive, and always 16 bytes (a leading zero byte would not be DER)
  return b;
}

function ipBytes(ip: string): Buffer {
  if (isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  if (!isIPv6(ip)) throw new Error(`not an IP address: ${ip}`);
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (v4) {
    const b = v4[1]!.split('.').map(Number);
    text = `${ip.slice(0, -v4[1]!.length)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const groups = (s: string | undefined) => (s ? s.split(':') : []);
  const h = groups(head);
  const t = groups(tail);
  const all = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  all.forEach((g, k) => out.writeUInt16BE(parseInt(g, 16), k * 2));
  return out;
}

/** Signs a P-256 public key (its uncompressed point) with the CA. */
async function issue(
  ca: CaMaterial,
  point: Buffer,
  o: IssueOptions,
): Promise<{ certPem: string; notAfter: number; serial: string }> {
  const is = issuerOf(ca);
  const now = Date.now();
  const serial = serialBytes();
  // Backdated for clock skew, but never by more than a tenth of the lifetime,
  // so short-lived certificates still renew at two thirds of their life.
  const notBefore = now - Math.min(60_000, Math.floor(o.validMs / 10));
  const notAfter = Math.floor((now + o.validMs) / 1000) * 1000;
  const names = [
    ...(o.dns ?? []).map((v) => tlv(0x82, Buffer.from(v, 'latin1'))),
    ...(o.ips ?? []).map((v) => tlv(0x87, ipBytes(v))),
    ...(o.uris ?? []).map((v) => tlv(0x86, Buffer.from(v, 'latin1'))),
  ];
  const extensions = [...FIXED_EXTENSIONS, EKU[o.usage], is.aki];
  if (names.length) extensions.push(ext('2.5.29.17', false, seq(...names)));
  const tbs = seq(
    VERSION_3,
    uint(serial),
    SIG_ALG,
    is.name,
    seq(time(notBefore), time(notAfter)),
    cnName(o.commonName),
    Buffer.concat([P256_SPKI_PREFIX, point]),
    tlv(0xa3, seq(...extensions)),
  );
  const der = seq(tbs, SIG_ALG, bits(await sign('sha256', tbs, is.key)));
  return { certPem: pem('CERTIFICATE', der), notAfter, serial: serial.toString('hex') };
}

/** The uncompressed point of a P-256 key. */
function pointOf(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
}

/** A fresh key pair and certificate for it (the controller's own server certificate). */
export async function issueWithKey(
  ca: CaMaterial,
  o: IssueOptions,
): Promise<{ certPem: string; keyPem: string; notAfter: number }> {
  const { privateKey, publicKey } = await generateKeyPair('ec', { namedCurve: 'P-256' });
  const { certPem, notAfter } = await issue(ca, pointOf(publicKey), o);
  return { certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, notAfter };
}

/** An agent's key pair and a CSR for it; the key stays with the agent. */
export async function createCsr(commonName: string): Promise<{ csrPem: string; keyPem: string }> {
  const { privateKey, publicKey } = await generateKeyPair('ec', { namedCurve: 'P-256' });
  const info = seq(
    uint(Buffer.from([0])),
    cnName(commonName),
    Buffer.concat([P256_SPKI_PREFIX, pointOf(publicKey)]),
    tlv(0xa0), // no attributes
  );
  const der = seq(info, SIG_ALG, bits(await sign('sha256', info, privateKey)));
  return {
    csrPem: pem('CERTIFICATE REQUEST', der),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}

export class CsrError extends Error {
  override name = 'CsrError';
}

const CSR_PEM =
  /^\s*-----BEGIN (NEW )?CERTIFICATE REQUEST-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END \1CERTIFICATE REQUEST-----\s*$/;

/** The DER inside one PEM block of a certificate request. */
function csrDer(text: string): Buffer {
  const m = CSR_PEM.exec(text);
  if (!m) throw new CsrError('not a PEM certificate request');
  const b64 = m[2]!.replace(/\s+/g, '');
  const der = Buffer.from(b64, 'base64');
  if (der.length === 0 || der.toString('base64') !== b64) throw new CsrError('bad base64');
  return der;
}

const field = (t: Tlv | undefined, tag: number, what: string) => expect(t, tag, what);
const idOf = (t: Tlv | undefined, what: string) => oidText(field(t, TAG.OID, what).body);

/**
 * Reads a PKCS#10 request (RFC 2986) and checks its self-signature: an ECDSA
 * P-256 key signed with SHA-256, nothing else. Returns the key's point.
 */
async function verifiedCsrKey(csrPem: string): Promise<Buffer> {
  try {
    const req = one(csrDer(csrPem), TAG.SEQUENCE, 'request');
    const [info, alg, sig, ...rest] = items(req.body, 4);
    if (rest.length) throw new CsrError('unexpected elements after the signature');
    const [version, subject, spki, attrs, ...more] = items(
      field(info, TAG.SEQUENCE, 'certificationRequestInfo').body,
      8,
    );
    if (field(version, TAG.INTEGER, 'version').body.toString('hex') !== '00')
      throw new CsrError('version must be 1 (0)');
    field(subject, TAG.SEQUENCE, 'subject');
    if ((attrs && attrs.tag !== 0xa0) || more.length)
      throw new CsrError('unexpected elements in certificationRequestInfo');
    const [keyAlg, keyBits, ...k] = items(field(spki, TAG.SEQUENCE, 'subjectPKInfo').body, 4);
    const [algId, curve, ...a] = items(field(keyAlg, TAG.SEQUENCE, 'key algorithm').body, 4);
    const algName = idOf(algId, 'key algorithm');
    if (algName !== OIDS.ecPublicKey)
      throw new CsrError(`key algorithm ${named(algName)} is not supported (ECDSA P-256 only)`);
    const curveName = idOf(curve, 'curve');
    if (curveName !== OIDS.p256 || a.length || k.length)
      throw new CsrError(`curve ${named(curveName)} is not supported (P-256 only)`);
    const keyBody = field(keyBits, TAG.BIT_STRING, 'public key').body;
    const point = keyBody.subarray(1);
    if (keyBody[0] !== 0 || point.length !== 65 || point[0] !== 4)
      throw new CsrError('public key must be an uncompressed P-256 point');
    const sigIds = items(field(alg, TAG.SEQUENCE, 'signature algorithm').body, 4);
    const sigName = idOf(sigIds[0], 'signature algorithm');
    if (sigName !== OIDS.ecdsaSha256 || sigIds.length !== 1)
      throw new CsrError(`signature algorithm ${named(sigName)} is not supported (ecdsa-with-SHA256 only)`);
    const sigBody = field(sig, TAG.BIT_STRING, 'signature').body;
    if (sigBody[0] !== 0) throw new CsrError('signature has unused bits');
    let key: KeyObject;
    try {
      // From JWK rather than SPKI DER: the same checks (the point must be on the curve) at half the cost.
      key = createPublicKey({
        key: {
          kty: 'EC',
          crv: 'P-256',
          x: point.subarray(1, 33).toString('base64url'),
          y: point.subarray(33).toString('base64url'),
        },
        format: 'jwk',
      });
    } catch {
      throw new CsrError('public key is not a point on P-256');
    }
    if (!(await verify('sha256', info!.der, key, sigBody.subarray(1)))) throw new CsrError('signature does not verify');
    return Buffer.from(point);
  } catch (e) {
    if (e instanceof CsrError) throw e;
    if (e instanceof DerError) throw new CsrError(`not a PKCS#10 request: ${e.message}`);
    throw new CsrError(`not a valid request: ${(e as Error).message}`);
  }
}

/** Verifies a CSR's self-signature and signs its key for a client identity. */
export async function signCsr(
  ca: CaMaterial,
  csrPem: string,
  o: Omit<IssueOptions, 'usage'>,
): Promise<{ certPem: string; notAfter: number; serial: string }> {
  return issue(ca, await verifiedCsrKey(csrPem), { ...o, usage: 'client' });
}

export { certFingerprint, derToPem } from './fingerprint.js';
import { derOf } from './fingerprint.js';

export function certInfo(certPem: string): { commonName: string; notAfter: number; notBefore: number; serial: string } {
  const c = new X509Certificate(certPem);
  const cn = /^CN=(.*)$/m.exec(c.subject)?.[1] ?? '';
  return {
    commonName: cn,
    notAfter: Date.parse(c.validTo),
    notBefore: Date.parse(c.validFrom),
    serial: c.serialNumber.toLowerCase(),
  };
}
