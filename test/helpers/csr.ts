import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { bits, oid, seq, tlv, uint } from '../../common/tls/der.js';
import { createCsr } from '../../common/tls/pki.js';

// Malformed certificate requests: each must be refused as bad input (CsrError
// from signCsr, INVALID_ARGUMENT naming the field over gRPC), never an internal error.

const NAME = seq(tlv(0x31, seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from('host')))));
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

const b64 = (der: Buffer) =>
  der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd();
export const csrPem = (der: Buffer) =>
  `-----BEGIN CERTIFICATE REQUEST-----\n${b64(der)}\n-----END CERTIFICATE REQUEST-----\n`;
export const pemDer = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');

/** A correctly self-signed request for any key: `spki` and the signature algorithm as given. */
function signedCsr(
  key: KeyObject,
  spki: Buffer,
  sigAlg: Buffer,
  hash: string | null,
  o: { version?: number; p1363?: boolean } = {},
): Buffer {
  const info = seq(uint(Buffer.from([o.version ?? 0])), NAME, spki, tlv(0xa0));
  return seq(info, sigAlg, bits(sign(hash, info, o.p1363 ? { key, dsaEncoding: 'ieee-p1363' } : key)));
}

function keyOf(type: 'ec' | 'rsa' | 'ed25519', curve?: string) {
  const opts = type === 'ec' ? { namedCurve: curve! } : type === 'rsa' ? { modulusLength: 2048 } : {};
  const { privateKey, publicKey } = generateKeyPairSync(type as 'ec', opts as { namedCurve: string });
  return { privateKey, spki: publicKey.export({ type: 'spki', format: 'der' }) };
}

export interface BadCsr {
  name: string;
  pem: string;
}

/**
 * One of each way a request can be wrong, built around good P-256 requests;
 * `control` is built the way the self-signed cases are, and is fine.
 */
export async function malformedCsrs(): Promise<{ control: string; cases: BadCsr[] }> {
  const good = await createCsr('host');
  const der = pemDer(good.csrPem);
  const p256 = keyOf('ec', 'prime256v1');
  const cases: BadCsr[] = [];
  const add = (name: string, pem: string) => cases.push({ name, pem });
  const addDer = (name: string, d: Buffer) => add(name, csrPem(d));

  // Bad PEM.
  add('empty after trimming', '   \n');
  add('not PEM', 'garbage');
  add('a certificate label', good.csrPem.replace(/CERTIFICATE REQUEST/g, 'CERTIFICATE'));
  add('bad base64', good.csrPem.replace(/\n[A-Za-z0-9+/]{8}/, '\nAA==AA=='));
  add('text after the block', `${good.csrPem}trailing text\n`);
  add('two blocks', good.csrPem + good.csrPem);

  // Bad DER.
  addDer('empty DER', Buffer.alloc(3));
  addDer('truncated', der.subarray(0, der.length - 10));
  addDer('trailing garbage after the request', Buffer.concat([der, Buffer.from([0x05, 0x00])]));
  addDer('indefinite length', Buffer.concat([Buffer.from([0x30, 0x80]), der.subarray(2), Buffer.from([0, 0])]));
  addDer('non-minimal length', Buffer.concat([Buffer.from([0x30, 0x82, 0x00, der[1]!]), der.subarray(2)]));
  addDer('multi-byte tag', Buffer.from([0x1f, 0x81, 0x01, 0x00]));
  addDer('a sequence of nothing', seq());
  addDer('version 2', signedCsr(p256.privateKey, p256.spki, ECDSA_SHA256, 'sha256', { version: 1 }));

  // Keys we do not take, each correctly self-signed.
  const rsa = keyOf('rsa');
  addDer('RSA key', signedCsr(rsa.privateKey, rsa.spki, seq(oid('1.2.840.113549.1.1.11'), tlv(0x05)), 'sha256'));
  const ed = keyOf('ed25519');
  addDer('Ed25519 key', signedCsr(ed.privateKey, ed.spki, seq(oid('1.3.101.112')), null));
  const p384 = keyOf('ec', 'secp384r1');
  addDer('P-384 key', signedCsr(p384.privateKey, p384.spki, seq(oid('1.2.840.10045.4.3.3')), 'sha384'));
  const k1 = keyOf('ec', 'secp256k1');
  addDer('secp256k1 key', signedCsr(k1.privateKey, k1.spki, ECDSA_SHA256, 'sha256'));
  // An algorithm nobody knows (the fuzzer's find): the P-256 key under another OID.
  const unknown = Buffer.from(p256.spki);
  unknown[unknown.indexOf(Buffer.from('2a8648ce3d0201', 'hex')) + 6] = 0x63; // 1.2.840.10045.2.99
  addDer('unknown key algorithm', signedCsr(p256.privateKey, unknown, ECDSA_SHA256, 'sha256'));
  const noCurve = seq(seq(oid('1.2.840.10045.2.1')), p256.spki.subarray(p256.spki.length - 68));
  addDer('EC key without a curve', signedCsr(p256.privateKey, noCurve, ECDSA_SHA256, 'sha256'));
  const jwk = p256.privateKey.export({ format: 'jwk' });
  const cPoint = Buffer.concat([
    Buffer.from([2 + (Buffer.from(jwk.y!, 'base64url').at(-1)! & 1)]),
    Buffer.from(jwk.x!, 'base64url'),
  ]);
  addDer(
    'compressed point',
    signedCsr(
      p256.privateKey,
      seq(seq(oid('1.2.840.10045.2.1'), oid('1.2.840.10045.3.1.7')), bits(cPoint)),
      ECDSA_SHA256,
      'sha256',
    ),
  );
  const offCurve = Buffer.from(p256.spki);
  offCurve[offCurve.length - 1]! ^= 0x01;
  addDer('point not on the curve', signedCsr(p256.privateKey, offCurve, ECDSA_SHA256, 'sha256'));

  // Signatures that do not hold.
  const flipped = Buffer.from(der);
  flipped[flipped.length - 3]! ^= 0x01;
  addDer('bad signature', flipped);
  addDer('signed with SHA-384, says SHA-256', signedCsr(p256.privateKey, p256.spki, ECDSA_SHA256, 'sha384'));
  addDer(
    'signature algorithm RSA',
    signedCsr(p256.privateKey, p256.spki, seq(oid('1.2.840.113549.1.1.11'), tlv(0x05)), 'sha256'),
  );
  addDer('signature algorithm unknown', signedCsr(p256.privateKey, p256.spki, seq(oid('1.2.3.4.5')), 'sha256'));
  addDer('signature as r||s, not DER', signedCsr(p256.privateKey, p256.spki, ECDSA_SHA256, 'sha256', { p1363: true }));

  // Big: valid base64 of 12 KiB of nothing in particular.
  addDer('huge', seq(Buffer.alloc(12 * 1024, 0x41)));
  return { control: csrPem(signedCsr(p256.privateKey, p256.spki, ECDSA_SHA256, 'sha256')), cases };
}
