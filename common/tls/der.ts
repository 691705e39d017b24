// Just enough DER to read a PKCS#10 request and write a certificate, with
// node:crypto doing the cryptography. The reader is strict (definite, minimal
// lengths; no bytes left over) because it reads what anonymous callers send.

export class DerError extends Error {
  override name = 'DerError';
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8: 0x0c,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** One element: its tag, its content and its whole encoding (header included). */
export interface Tlv {
  tag: number;
  body: Buffer;
  der: Buffer;
}

function readAt(buf: Buffer, at: number): Tlv {
  if (at + 2 > buf.length) throw new DerError('truncated');
  const tag = buf[at]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not supported');
  let len = buf[at + 1]!;
  let head = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new DerError('indefinite length');
    if (n > 3) throw new DerError('element too long');
    if (at + 2 + n > buf.length) throw new DerError('truncated');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[at + 2 + i]!;
    if (buf[at + 2] === 0 || len < 0x80) throw new DerError('length not minimally encoded');
    head += n;
  }
  const end = at + head + len;
  if (end > buf.length) throw new DerError('truncated');
  return { tag, body: buf.subarray(at + head, end), der: buf.subarray(at, end) };
}

/** The one element `buf` holds, of the expected tag; nothing may follow it. */
export function one(buf: Buffer, tag: number, what: string): Tlv {
  const t = readAt(buf, 0);
  if (t.tag !== tag) throw new DerError(`${what}: unexpected tag 0x${t.tag.toString(16)}`);
  if (t.der.length !== buf.length) throw new DerError(`${what}: trailing bytes`);
  return t;
}

/** The elements inside a constructed element's content, which they must fill exactly. */
export function items(body: Buffer, max = 64): Tlv[] {
  const out: Tlv[] = [];
  for (let at = 0; at < body.length;) {
    if (out.length >= max) throw new DerError('too many elements');
    const t = readAt(body, at);
    out.push(t);
    at += t.der.length;
  }
  return out;
}

/** An element of the expected tag. */
export function expect(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t) throw new DerError(`${what}: missing`);
  if (t.tag !== tag) throw new DerError(`${what}: unexpected tag 0x${t.tag.toString(16)}`);
  return t;
}

/** Dotted form of an OBJECT IDENTIFIER's content. */
export function oidText(body: Buffer): string {
  if (body.length === 0 || body.length > 64) throw new DerError('bad object identifier');
  const arcs: number[] = [];
  let v = 0;
  for (let i = 0; i < body.length; i++) {
    const b = body[i]!;
    if (v === 0 && b === 0x80) throw new DerError('object identifier not minimally encoded');
    v = v * 128 + (b & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 128) throw new DerError('object identifier arc too large');
    if (!(b & 0x80)) {
      arcs.push(v);
      v = 0;
    } else if (i === body.length - 1) throw new DerError('truncated object identifier');
  }
  const first = arcs[0]!;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}

// ── Writing ─────────────────────────────────────────────────────────────────

function header(tag: number, len: number): Buffer {
  if (len < 0x80) return Buffer.from([tag, len]);
  const bytes: number[] = [];
  for (let n = len; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...parts: Buffer[]): Buffer {
  const body = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  return Buffer.concat([header(tag, body.length), body]);
}

export const seq = (...parts: Buffer[]) => tlv(TAG.SEQUENCE, ...parts);

export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [];
  for (const a of [arcs[0]! * 40 + arcs[1]!, ...arcs.slice(2)]) {
    const b = [a & 0x7f];
    for (let n = Math.floor(a / 128); n > 0; n = Math.floor(n / 128)) b.unshift(0x80 | (n & 0x7f));
    out.push(...b);
  }
  return tlv(TAG.OID, Buffer.from(out));
}

/** A non-negative INTEGER from its unsigned big-endian bytes. */
export function uint(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const b = bytes.subarray(i);
  return tlv(TAG.INTEGER, b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
}

/** A BIT STRING of whole bytes. */
export const bits = (bytes: Buffer) => tlv(TAG.BIT_STRING, Buffer.from([0]), bytes);

/** UTCTime up to 2049, GeneralizedTime from 2050 (RFC 5280 4.1.2.5), in whole seconds. */
export function time(ms: number): Buffer {
  const iso = new Date(ms).toISOString(); // 2025-01-31T12:34:56.789Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '') + 'Z';
  const year = new Date(ms).getUTCFullYear();
  return year < 2050
    ? tlv(TAG.UTC_TIME, Buffer.from(digits.slice(2), 'latin1'))
    : tlv(TAG.GENERALIZED_TIME, Buffer.from(digits, 'latin1'));
}
