import protobuf from 'protobufjs';
import { readdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Rng } from './rng.js';

// A protobuf / gRPC fuzzer driven by the proto descriptors: it discovers every
// service and method at runtime and builds request bytes by hand, so it can
// send what no well-behaved encoder would (wrong wire types, invalid UTF-8,
// over-long varints, lengths past the end, deep nesting ...).
// Everything is drawn from a seeded PRNG; a case is reproducible from
// (seed, case index) alone.

// ───────────────────────────── PRNG ─────────────────────────────

// The tests' one seeded PRNG (rng.ts); fuzz.test.ts takes it from here.
export { Rng };

/** Derives the seed of one case, so any case can be regenerated on its own. */
export function caseSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** FUZZ_SEED (decimal or 0x-hex) or a fresh random seed. */
export function seedFromEnv(v: string | undefined): number {
  if (v && v.trim()) {
    const n = Number(v.trim());
    if (!Number.isFinite(n)) throw new Error(`FUZZ_SEED must be a number, got ${JSON.stringify(v)}`);
    return n >>> 0;
  }
  return (Math.random() * 0x1_0000_0000) >>> 0;
}

// ───────────────────────────── Schema discovery ─────────────────────────────

export type MethodKind = 'unary' | 'server-stream' | 'client-stream' | 'bidi';

export interface FuzzMethod {
  service: string; // nephele.v1.HostService
  name: string; // GetHost
  path: string; // /nephele.v1.HostService/GetHost
  kind: MethodKind;
  requestType: protobuf.Type;
}

export interface Schema {
  root: protobuf.Root;
  files: string[];
  methods: FuzzMethod[];
}

/** Loads every .proto in `<protoDir>/<pkgDir>` with protobufjs and lists all methods of all services. */
export function loadSchema(protoDir: string, pkgDir = 'nephele/v1'): Schema {
  const files = readdirSync(join(protoDir, pkgDir))
    .filter((f) => f.endsWith('.proto'))
    .sort()
    .map((f) => `${pkgDir}/${f}`);
  if (files.length === 0) throw new Error(`no .proto files in ${join(protoDir, pkgDir)}`);
  const root = new protobuf.Root();
  root.resolvePath = (_origin: string, target: string) => (isAbsolute(target) ? target : join(protoDir, target));
  root.loadSync(files, { keepCase: true });
  root.resolveAll();
  const methods: FuzzMethod[] = [];
  const walk = (ns: protobuf.NamespaceBase) => {
    for (const obj of ns.nestedArray) {
      if (obj instanceof protobuf.Service) {
        const service = obj.fullName.replace(/^\./, '');
        for (const m of obj.methodsArray) {
          m.resolve();
          const requestType = m.resolvedRequestType;
          if (!requestType) throw new Error(`unresolved request type of ${service}.${m.name}`);
          const kind: MethodKind = m.requestStream
            ? m.responseStream
              ? 'bidi'
              : 'client-stream'
            : m.responseStream
              ? 'server-stream'
              : 'unary';
          methods.push({ service, name: m.name, path: `/${service}/${m.name}`, kind, requestType });
        }
      } else if (obj instanceof protobuf.Namespace) {
        walk(obj);
      }
    }
  };
  walk(root);
  methods.sort((a, b) => a.path.localeCompare(b.path));
  return { root, files, methods };
}

// ───────────────────────────── Wire encoder ─────────────────────────────

export const WT = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;
const MASK64 = (1n << 64n) - 1n;

/** A byte builder that writes any wire data, valid or not. */
export class Enc {
  private parts: Buffer[] = [];
  private cur: number[] = [];
  private size = 0;

  get length(): number {
    return this.size;
  }

  private flush(): void {
    if (this.cur.length) {
      this.parts.push(Buffer.from(this.cur));
      this.cur = [];
    }
  }

  byte(b: number): this {
    this.cur.push(b & 0xff);
    this.size++;
    return this;
  }

  raw(buf: Uint8Array): this {
    if (buf.length < 64) {
      for (const b of buf) this.cur.push(b);
    } else {
      this.flush();
      this.parts.push(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
    }
    this.size += buf.length;
    return this;
  }

  /** Unsigned LEB128 of the low 64 bits (negative numbers: two's complement, 10 bytes). */
  varint(v: bigint | number): this {
    if (typeof v === 'number' && v >= 0 && v <= Number.MAX_SAFE_INTEGER) {
      let n = Math.trunc(v);
      while (n >= 128) {
        this.byte((n % 128) | 0x80);
        n = Math.floor(n / 128);
      }
      return this.byte(n);
    }
    let x = (typeof v === 'bigint' ? v : BigInt(Math.trunc(v))) & MASK64;
    do {
      const b = Number(x & 0x7fn);
      x >>= 7n;
      this.byte(x ? b | 0x80 : b);
    } while (x);
    return this;
  }

  tag(field: number, wt: number): this {
    return this.varint(field * 8 + (wt & 7));
  }

  /** Length-delimited payload: varint length + bytes. */
  len(buf: Uint8Array): this {
    return this.varint(buf.length).raw(buf);
  }

  fixed32(v: bigint | number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(Number((typeof v === 'bigint' ? v : BigInt(Math.trunc(v))) & 0xffffffffn));
    return this.raw(b);
  }

  fixed64(v: bigint | number): this {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE((typeof v === 'bigint' ? v : BigInt(Math.trunc(v))) & MASK64);
    return this.raw(b);
  }

  double(x: number): this {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(x);
    return this.raw(b);
  }

  float(x: number): this {
    const b = Buffer.alloc(4);
    b.writeFloatLE(x);
    return this.raw(b);
  }

  finish(): Buffer {
    this.flush();
    return this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
  }
}

export function varintBytes(v: bigint | number): Buffer {
  return new Enc().varint(v).finish();
}

// ───────────────────────────── Value generators ─────────────────────────────

/** Strings from the environment that reach deeper code paths (real ids, join tokens, a valid CSR ...). */
export interface Dictionary {
  strings: string[];
  /** Hints by proto field name (e.g. join_token → real join tokens): used for that field ≈40 % of the time. */
  byField?: Record<string, string[]>;
}

export interface GenCtx {
  rng: Rng;
  dict: Dictionary;
  /** Whether this case may carry huge (64 KB .. 1 MB) strings. */
  huge: boolean;
  /** Labels of what was generated, for reports. */
  notes: Set<string>;
  /** Bytes of strings and repeated data this message may still take (keeps generation fast and the total sent sane). */
  budget: number;
  /** Top-level oneofs pick their lowest-numbered member (streams tend to open with a handshake message there). */
  firstOneof?: boolean;
}

/** Per-message budget: room for one huge string plus ordinary content. */
export const MESSAGE_BUDGET = 1_200_000;

/** Starts a new message (frame) of a case: fresh notes, fresh budget. */
export function newFrame(g: GenCtx): GenCtx {
  g.notes = new Set();
  g.budget = MESSAGE_BUDGET;
  return g;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ASCII = ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~';
const NAME_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789-';

const UNICODE = [
  'é',
  'ß',
  'Ä',
  '中文',
  '日本語',
  '한국어',
  'עברית',
  'العربية',
  '🙂',
  '👨‍👩‍👧‍👦',
  '🏳️‍🌈',
  'e\u0301\u0301\u0301',
  '\u202e',
  '\u200b',
  '\u200d',
  '\ufeff',
  '\uffff',
  '\ufffd',
  '\u2028',
  '\u2029',
  '\ud800',
  '\udfff',
  '\udbff\udfff',
  '𝕳𝖊𝖑𝖑𝖔',
];
const NASTY = [
  '../../etc/passwd',
  '..\\..\\windows',
  '/',
  '.',
  '..',
  '%s%s%s%n',
  '%x%x',
  "' OR 1=1 --",
  '"; DROP TABLE hosts; --',
  '${jndi:ldap://x/a}',
  '<script>alert(1)</script>',
  '\u0000',
  'a\u0000b',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  'null',
  'undefined',
  'true',
  'NaN',
  'Infinity',
  '-0',
  '0',
  '-1',
  '1e309',
  '9007199254740993',
  '18446744073709551616',
  '0x10',
  '*',
  '?',
  '\\',
  '\r\n\r\n',
  ' ',
  '\t',
  'Bearer x',
  'HOST_KIND_ADHOC',
  'TOKEN_KIND_API',
  'HOST_STATE_READY',
  'info',
  'error',
  'host.',
  'agent.',
  'group.',
  'a'.repeat(63),
  'a'.repeat(64),
  '-a',
  'a-',
  'A',
  'aa--bb',
  'web-1',
  'x'.repeat(129),
  'x'.repeat(257),
];
const BOUNDARY_LENGTHS = [
  1, 25, 26, 27, 62, 63, 64, 65, 127, 128, 129, 253, 254, 255, 256, 257, 511, 512, 513, 1023, 1024, 1025, 4096, 16_384,
  16_385, 65_536,
];

/** Byte sequences that are not UTF-8. */
export const INVALID_UTF8: readonly Buffer[] = [
  Buffer.from([0xc3, 0x28]), // bad continuation
  Buffer.from([0xff]),
  Buffer.from([0xfe, 0xff]),
  Buffer.from([0x80]), // lone continuation
  Buffer.from([0xc0, 0x80]), // over-long NUL
  Buffer.from([0xe0, 0x80, 0xaf]), // over-long '/'
  Buffer.from([0xed, 0xa0, 0x80]), // UTF-16 surrogate
  Buffer.from([0xf4, 0x90, 0x80, 0x80]), // > U+10FFFF
  Buffer.from([0xe2, 0x82]), // truncated
  Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]), // 5-byte form
];

function fromAlphabet(rng: Rng, alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[rng.int(alphabet.length)];
  return s;
}

export function ulidLike(rng: Rng): string {
  return fromAlphabet(rng, CROCKFORD, 26);
}

function mutateString(rng: Rng, s: string): string {
  if (!s) return fromAlphabet(rng, ASCII, rng.range(1, 8));
  const i = rng.int(s.length);
  switch (rng.int(6)) {
    case 0:
      return s.slice(0, i);
    case 1:
      return s.slice(0, i) + fromAlphabet(rng, ASCII, 1) + s.slice(i + 1);
    case 2:
      return s.slice(0, i) + rng.pick(UNICODE) + s.slice(i);
    case 3:
      return s + s;
    case 4:
      return s.toLowerCase() === s ? s.toUpperCase() : s.toLowerCase();
    default:
      return ` ${s}\n`;
  }
}

/** A string field's bytes: usually UTF-8 of an interesting string, sometimes not UTF-8 at all. */
export function stringBytes(g: GenCtx, fieldName?: string): Buffer {
  const { rng } = g;
  const hints = fieldName ? g.dict.byField?.[fieldName] : undefined;
  if (hints?.length && rng.chance(0.4)) {
    const h = rng.pick(hints);
    const b = Buffer.from(rng.chance(0.75) ? h : mutateString(rng, h), 'utf8');
    g.budget -= b.length;
    return b;
  }
  if (rng.chance(0.04)) {
    g.notes.add('invalid-utf8');
    const parts: Buffer[] = [];
    const n = rng.range(1, 4);
    for (let i = 0; i < n; i++) {
      if (rng.chance(0.5)) parts.push(Buffer.from(fromAlphabet(rng, ASCII, rng.range(0, 12))));
      parts.push(rng.pick(INVALID_UTF8));
    }
    return Buffer.concat(parts);
  }
  const b = Buffer.from(randomString(g), 'utf8');
  g.budget -= b.length + 2;
  return b;
}

export function randomString(g: GenCtx): string {
  const { rng } = g;
  const pick = rng.weighted<() => string>([
    [8, () => ''],
    [14, () => fromAlphabet(rng, ASCII, rng.range(1, 16))],
    [10, () => ulidLike(rng)],
    [4, () => mutateString(rng, ulidLike(rng))],
    [8, () => fromAlphabet(rng, NAME_CHARS, rng.range(1, 70))],
    [12, () => (g.dict.strings.length ? rng.pick(g.dict.strings) : '')],
    [6, () => (g.dict.strings.length ? mutateString(rng, rng.pick(g.dict.strings)) : '')],
    [
      6,
      () =>
        Buffer.from(
          g.dict.strings.length && rng.chance(0.5)
            ? rng.pick(g.dict.strings)
            : fromAlphabet(rng, ASCII, rng.range(1, 40)),
        ).toString('base64url'),
    ],
    [8, () => Array.from({ length: rng.range(1, 6) }, () => rng.pick(UNICODE)).join('')],
    [
      6,
      () =>
        Array.from({ length: rng.range(1, 12) }, () => String.fromCharCode(rng.chance(0.9) ? rng.int(32) : 0x7f)).join(
          '',
        ),
    ],
    [10, () => rng.pick(NASTY)],
    [
      6,
      () => {
        const n = rng.pick(BOUNDARY_LENGTHS);
        if (n > g.budget) return fromAlphabet(rng, ASCII, rng.range(1, 16));
        g.notes.add('long-string');
        return (rng.chance(0.5) ? 'x' : fromAlphabet(rng, ASCII, 1)).repeat(n);
      },
    ],
    [
      2,
      () => {
        const n = rng.logSize(256, 8192);
        if (n * 3 > g.budget) return fromAlphabet(rng, ASCII, rng.range(1, 16));
        g.notes.add('long-string');
        return fromAlphabet(rng, ASCII + UNICODE.join(''), n);
      },
    ],
  ]);
  if (g.huge && rng.chance(0.2)) {
    const n = rng.logSize(64 * 1024, 1024 * 1024);
    if (n <= g.budget) {
      g.notes.add('huge-string');
      const u = rng.chance(0.7) ? 'A' : rng.pick(UNICODE);
      return u.repeat(Math.ceil(n / Buffer.byteLength(u)));
    }
  }
  return pick();
}

const INT_EDGES: readonly bigint[] = [
  0n,
  1n,
  -1n,
  2n,
  7n,
  100n,
  127n,
  128n,
  255n,
  256n,
  1000n,
  1001n,
  65_535n,
  65_536n,
  2n ** 31n - 1n,
  -(2n ** 31n),
  2n ** 31n,
  2n ** 32n - 1n,
  2n ** 32n,
  4_000_000_000n,
  315_360_000n,
  315_360_001n,
  2n ** 53n - 1n,
  2n ** 53n,
  2n ** 53n + 1n,
  -(2n ** 53n),
  2n ** 63n - 1n,
  -(2n ** 63n),
  2n ** 64n - 1n,
];

export function randomInt(rng: Rng): bigint {
  return rng.weighted<() => bigint>([
    [6, () => rng.pick(INT_EDGES)],
    [3, () => BigInt(rng.int(1000))],
    [1, () => BigInt(rng.u32())],
    [1, () => rng.u64()],
  ])();
}

const DOUBLE_EDGES = [
  0,
  -0,
  1,
  -1,
  0.5,
  NaN,
  Infinity,
  -Infinity,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  -Number.MAX_VALUE,
  2 ** 53,
  1e-300,
  3.4e38,
  1.2e-38,
];

export function randomDouble(rng: Rng): number {
  return rng.chance(0.7) ? rng.pick(DOUBLE_EDGES) : (rng.float() - 0.5) * 10 ** rng.range(-10, 20);
}

const zigzag = (v: bigint) => ((v << 1n) ^ (v < 0n ? -1n : 0n)) & MASK64;

const SCALAR_WIRE: Record<string, number> = {
  double: WT.I64,
  float: WT.I32,
  int32: WT.VARINT,
  int64: WT.VARINT,
  uint32: WT.VARINT,
  uint64: WT.VARINT,
  sint32: WT.VARINT,
  sint64: WT.VARINT,
  fixed32: WT.I32,
  fixed64: WT.I64,
  sfixed32: WT.I32,
  sfixed64: WT.I64,
  bool: WT.VARINT,
  string: WT.LEN,
  bytes: WT.LEN,
};

/** Wire type a field's values use (messages: LEN; enums: VARINT). */
export function wireTypeOf(field: protobuf.FieldBase): number {
  if (field.resolvedType instanceof protobuf.Type) return WT.LEN;
  if (field.resolvedType instanceof protobuf.Enum) return WT.VARINT;
  return SCALAR_WIRE[field.type] ?? WT.LEN;
}

const MAX_DEPTH = 6;

/** Writes one value of `field` (no tag). */
function writeValue(
  e: Enc,
  field: protobuf.FieldBase,
  type: string,
  g: GenCtx,
  depth: number,
  name = field.name,
): void {
  const { rng } = g;
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Type) {
    e.len(depth >= MAX_DEPTH ? Buffer.alloc(0) : encodeMessage(rt, g, depth + 1));
    return;
  }
  if (rt instanceof protobuf.Enum) {
    const values = Object.values(rt.values);
    if (rng.chance(0.75) && values.length) e.varint(rng.pick(values));
    else {
      g.notes.add('enum-out-of-range');
      e.varint(rng.pick([-1n, 99n, BigInt(values.length), 2n ** 31n - 1n, -(2n ** 31n), 2n ** 32n, 2n ** 64n - 1n]));
    }
    return;
  }
  scalarValue(e, type, g, name);
}

function scalarValue(e: Enc, type: string, g: GenCtx, name?: string): void {
  const { rng } = g;
  switch (type) {
    case 'string':
      e.len(stringBytes(g, name));
      return;
    case 'bytes': {
      const b = rng.chance(0.1)
        ? Buffer.from(randomString(g))
        : rng.bytes(Math.min(Math.max(0, g.budget), rng.logSize(1, 4096) - 1));
      g.budget -= b.length + 2;
      e.len(b);
      return;
    }
    case 'bool':
      e.varint(
        rng.weighted([
          [45, 0n],
          [45, 1n],
          [5, 2n],
          [5, 2n ** 64n - 1n],
        ] as const),
      );
      return;
    case 'double':
      e.double(randomDouble(rng));
      return;
    case 'float':
      e.float(randomDouble(rng));
      return;
    case 'fixed32':
    case 'sfixed32':
      e.fixed32(randomInt(rng));
      return;
    case 'fixed64':
    case 'sfixed64':
      e.fixed64(randomInt(rng));
      return;
    case 'sint32':
    case 'sint64':
      e.varint(zigzag(randomInt(rng)));
      return;
    default:
      e.varint(randomInt(rng));
      return; // int32 int64 uint32 uint64
  }
}

const PACKABLE = new Set([
  'double',
  'float',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
  'bool',
]);

function writeField(e: Enc, field: protobuf.Field, g: GenCtx, depth: number): void {
  const { rng } = g;
  if (field instanceof protobuf.MapField) {
    let n = depth <= 1 && g.budget > 100_000 && rng.chance(0.05) ? rng.range(33, 300) : rng.range(0, 4);
    if (g.budget <= 0) n = Math.min(n, 1);
    if (n > 32) g.notes.add('many-map-entries');
    let lastKey: Buffer | undefined;
    for (let i = 0; i < n && (i === 0 || g.budget > 0); i++) {
      const entry = new Enc();
      if (!rng.chance(0.05)) {
        const k = new Enc();
        if (lastKey && rng.chance(0.15)) k.raw(lastKey);
        else scalarValue(k, field.keyType, g, `${field.name}.key`);
        lastKey = k.finish();
        entry.tag(1, SCALAR_WIRE[field.keyType] ?? WT.LEN).raw(lastKey);
      }
      if (!rng.chance(0.05)) {
        entry.tag(2, wireTypeOf(field));
        writeValue(entry, field, field.type, g, depth);
      }
      e.tag(field.id, WT.LEN).len(entry.finish());
    }
    return;
  }
  const wt = wireTypeOf(field);
  if (field.repeated) {
    let n =
      depth <= 1 && g.budget > 100_000 && rng.chance(0.04)
        ? rng.range(65, field.resolvedType instanceof protobuf.Type ? 200 : 2000)
        : rng.range(0, 4);
    if (g.budget <= 0) n = Math.min(n, 1);
    if (n > 64) g.notes.add('many-repeated');
    if (PACKABLE.has(field.type) || field.resolvedType instanceof protobuf.Enum) {
      if (rng.chance(0.6)) {
        const inner = new Enc();
        for (let i = 0; i < n && (i === 0 || g.budget > 0); i++, g.budget -= 2)
          writeValue(inner, field, field.type, g, depth);
        e.tag(field.id, WT.LEN).len(inner.finish());
        return;
      }
    }
    for (let i = 0; i < n && (i === 0 || g.budget > 0); i++, g.budget -= 2) {
      e.tag(field.id, wt);
      writeValue(e, field, field.type, g, depth);
    }
    return;
  }
  e.tag(field.id, wt);
  writeValue(e, field, field.type, g, depth);
}

/** A valid-shaped message of `type`: every field kind, oneofs, maps, nesting; values from the edge sets. */
export function encodeMessage(type: protobuf.Type, g: GenCtx, depth = 0): Buffer {
  const { rng } = g;
  const e = new Enc();
  const presence = Math.max(0.25, 0.75 - depth * 0.1);
  const inOneof = new Set<protobuf.Field>();
  const chosen: protobuf.Field[] = [];
  for (const o of type.oneofsArray) {
    for (const f of o.fieldsArray) inOneof.add(f);
    if (!o.fieldsArray.length) continue;
    if (depth === 0 && g.firstOneof) {
      chosen.push(o.fieldsArray.reduce((a, b) => (b.id < a.id ? b : a)));
      continue;
    }
    if (rng.chance(0.15)) continue;
    chosen.push(rng.pick(o.fieldsArray));
    if (rng.chance(0.08)) {
      g.notes.add('oneof-multiple');
      chosen.push(rng.pick(o.fieldsArray));
    }
  }
  const fields = type.fieldsArray.filter((f) => !inOneof.has(f) && rng.chance(presence)).concat(chosen);
  if (rng.chance(0.15)) {
    for (let i = fields.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [fields[i], fields[j]] = [fields[j]!, fields[i]!];
    }
  }
  if (fields.length && rng.chance(0.05)) {
    g.notes.add('duplicate-field');
    fields.push(rng.pick(fields));
  }
  for (const f of fields) writeField(e, f, g, depth);
  return e.finish();
}

// ───────────────────────────── Mutators ─────────────────────────────

/** Paths of field numbers from `type` down to fields that satisfy `pred` (maps as key 1 / value 2). */
export interface FieldPath {
  path: number[];
  /** The wire type the leaf's values use. */
  wt: number;
}

export function fieldPaths(
  type: protobuf.Type,
  pred: (f: protobuf.FieldBase, scalarType: string) => boolean,
  maxDepth = 4,
): FieldPath[] {
  const out: FieldPath[] = [];
  const walk = (t: protobuf.Type, prefix: number[], depth: number) => {
    for (const f of t.fieldsArray) {
      if (f instanceof protobuf.MapField) {
        const key = { type: f.keyType, repeated: false } as unknown as protobuf.FieldBase;
        if (pred(key, f.keyType)) out.push({ path: [...prefix, f.id, 1], wt: SCALAR_WIRE[f.keyType] ?? WT.LEN });
        if (pred(f, f.type)) out.push({ path: [...prefix, f.id, 2], wt: wireTypeOf(f) });
        if (f.resolvedType instanceof protobuf.Type && depth < maxDepth)
          walk(f.resolvedType, [...prefix, f.id, 2], depth + 1);
        continue;
      }
      if (pred(f, f.type)) out.push({ path: [...prefix, f.id], wt: wireTypeOf(f) });
      if (f.resolvedType instanceof protobuf.Type && depth < maxDepth)
        walk(f.resolvedType, [...prefix, f.id], depth + 1);
    }
  };
  walk(type, [], 0);
  return out;
}

/** Wraps already-encoded `leaf` (a tag + value for the last path element) in the LEN frames of its parents. */
export function wrapPath(parents: number[], leaf: Buffer): Buffer {
  let inner = leaf;
  for (let i = parents.length - 1; i >= 0; i--) inner = new Enc().tag(parents[i]!, WT.LEN).len(inner).finish();
  return inner;
}

const varintLen = (n: number) => {
  let len = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
};

/** `levels` nested LEN frames of `field`, built outside-in without quadratic copying. */
export function deepNest(levels: number, field: number, core: Buffer = Buffer.alloc(0)): Buffer {
  const tag = varintBytes(field * 8 + 2);
  const lens: number[] = new Array(levels);
  let size = core.length;
  for (let i = levels - 1; i >= 0; i--) {
    lens[i] = size;
    size += tag.length + varintLen(size);
  }
  const out = Buffer.allocUnsafe(size);
  let off = 0;
  for (let i = 0; i < levels; i++) {
    off += tag.copy(out, off);
    let n = lens[i]!;
    while (n >= 128) {
      out[off++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    out[off++] = n;
  }
  core.copy(out, off);
  return out;
}

/** A value of wire type `wt` (for wrong-wire-type and unknown-field frames). */
function valueOfWire(e: Enc, wt: number, rng: Rng): void {
  switch (wt) {
    case WT.VARINT:
      e.varint(randomInt(rng));
      break;
    case WT.I64:
      e.fixed64(rng.u64());
      break;
    case WT.LEN:
      e.len(rng.chance(0.5) ? rng.bytes(rng.range(0, 64)) : Buffer.from(fromAlphabet(rng, ASCII, rng.range(0, 32))));
      break;
    case WT.I32:
      e.fixed32(rng.u32());
      break;
    case WT.SGROUP:
      break; // caller decides what follows
    default:
      break;
  }
}

export const MUTATIONS = [
  'bitflip',
  'byteset',
  'truncate',
  'insert',
  'delete',
  'duplicate',
  'splice',
  'garbage',
  'wrong-wire-type',
  'unknown-field',
  'field-zero',
  'invalid-wire-type',
  'invalid-utf8',
  'deep-nest',
  'deep-nest-known',
  'deep-group',
  'unbalanced-group',
  'overlong-varint',
  'unterminated-varint',
  'length-past-end',
  'packed-bad',
  'many-fields',
  'oversize',
  'empty',
] as const;
export type Mutation = (typeof MUTATIONS)[number];

export interface Payload {
  bytes: Buffer;
  how: string;
}

/** One request payload for `type`: valid-shaped (`validShare`, default 40 %) or mutated bytes. */
export function fuzzPayload(type: protobuf.Type, g: GenCtx, validShare = 0.4): Payload {
  const { rng } = g;
  if (rng.chance(validShare)) {
    const bytes = encodeMessage(type, g);
    return { bytes, how: ['valid', ...g.notes].join('+') };
  }
  const m: Mutation = rng.weighted([
    [6, 'bitflip'],
    [4, 'byteset'],
    [6, 'truncate'],
    [5, 'insert'],
    [5, 'delete'],
    [3, 'duplicate'],
    [3, 'splice'],
    [5, 'garbage'],
    [8, 'wrong-wire-type'],
    [5, 'unknown-field'],
    [2, 'field-zero'],
    [3, 'invalid-wire-type'],
    [9, 'invalid-utf8'],
    [2, 'deep-nest'],
    [2, 'deep-nest-known'],
    [2, 'deep-group'],
    [2, 'unbalanced-group'],
    [4, 'overlong-varint'],
    [3, 'unterminated-varint'],
    [5, 'length-past-end'],
    [3, 'packed-bad'],
    [2, 'many-fields'],
    [0.05, 'oversize'],
    [2, 'empty'],
  ] as const);
  const bytes = mutate(m, type, g);
  return { bytes, how: [m, ...[...g.notes].filter((n) => n !== m)].join('+') };
}

export function mutate(m: Mutation, type: protobuf.Type, g: GenCtx): Buffer {
  const { rng } = g;
  const base = () => encodeMessage(type, g);
  const pos = (b: Buffer) => rng.int(b.length + 1);
  switch (m) {
    case 'bitflip': {
      const b = Buffer.from(base());
      if (!b.length) return Buffer.from([rng.u32() & 0xff]);
      for (let i = rng.range(1, 8); i > 0; i--) b[rng.int(b.length)]! ^= 1 << rng.int(8);
      return b;
    }
    case 'byteset': {
      const b = Buffer.from(base());
      if (!b.length) return Buffer.from([0xff]);
      for (let i = rng.range(1, 4); i > 0; i--)
        b[rng.int(b.length)] = rng.pick([0x00, 0xff, 0x7f, 0x80, 0x08, 0x0a, 0x12]);
      return b;
    }
    case 'truncate': {
      const b = base();
      return b.subarray(0, b.length ? rng.int(b.length) : 0);
    }
    case 'insert': {
      const b = base();
      const p = pos(b);
      return Buffer.concat([b.subarray(0, p), rng.bytes(rng.range(1, 16)), b.subarray(p)]);
    }
    case 'delete': {
      const b = base();
      const p = pos(b);
      return Buffer.concat([b.subarray(0, p), b.subarray(Math.min(b.length, p + rng.range(1, 16)))]);
    }
    case 'duplicate': {
      const b = base();
      const p = pos(b);
      const q = Math.min(b.length, p + rng.range(1, 64));
      return Buffer.concat([b.subarray(0, q), b.subarray(p, q), b.subarray(q)]);
    }
    case 'splice': {
      const a = base();
      const b = base();
      return Buffer.concat([a.subarray(0, pos(a)), b.subarray(pos(b))]);
    }
    case 'garbage':
      return rng.bytes(rng.chance(0.1) ? rng.logSize(1024, 256 * 1024) : rng.range(1, 512));
    case 'wrong-wire-type': {
      const f = type.fieldsArray.length ? rng.pick(type.fieldsArray) : undefined;
      const paths = fieldPaths(type, () => true);
      const target: FieldPath =
        paths.length && rng.chance(0.5)
          ? rng.pick(paths)
          : f
            ? { path: [f.id], wt: wireTypeOf(f) }
            : { path: [rng.range(1, 20)], wt: WT.LEN };
      const right = target.wt;
      const wrong = rng.pick([WT.VARINT, WT.I64, WT.LEN, WT.I32].filter((w) => w !== right));
      const leaf = new Enc().tag(target.path.at(-1)!, wrong);
      valueOfWire(leaf, wrong, rng);
      const wrapped = wrapPath(target.path.slice(0, -1), leaf.finish());
      const b = base();
      return rng.chance(0.5) ? Buffer.concat([wrapped, b]) : Buffer.concat([b, wrapped]);
    }
    case 'unknown-field': {
      const known = new Set(type.fieldsArray.map((f) => f.id));
      const e = new Enc();
      for (let i = rng.range(1, 5); i > 0; i--) {
        let id: number;
        do
          id = rng.pick([
            rng.range(1, 50),
            rng.range(1, 20_000),
            18_999,
            19_000,
            19_999,
            536_870_911,
            rng.range(1, 536_870_911),
          ]);
        while (known.has(id));
        const wt = rng.pick([WT.VARINT, WT.I64, WT.LEN, WT.I32, WT.SGROUP]);
        e.tag(id, wt);
        if (wt === WT.SGROUP) {
          if (rng.chance(0.5)) e.tag(id + 1 > 536_870_911 ? 1 : id + 1, WT.VARINT).varint(1);
          e.tag(id, WT.EGROUP);
        } else valueOfWire(e, wt, rng);
      }
      const b = base();
      const p = rng.chance(0.5) ? 0 : b.length;
      return Buffer.concat([b.subarray(0, p), e.finish(), b.subarray(p)]);
    }
    case 'field-zero': {
      const e = new Enc().tag(0, rng.pick([WT.VARINT, WT.LEN, WT.I32]));
      valueOfWire(e, WT.VARINT, rng);
      return Buffer.concat([e.finish(), base()]);
    }
    case 'invalid-wire-type': {
      const f = type.fieldsArray.length && rng.chance(0.7) ? rng.pick(type.fieldsArray).id : rng.range(1, 100);
      const e = new Enc().tag(f, rng.pick([6, 7, WT.EGROUP]));
      return Buffer.concat([base(), e.finish(), rng.bytes(rng.range(0, 8))]);
    }
    case 'invalid-utf8': {
      const paths = fieldPaths(type, (_f, t) => t === 'string');
      const bad = () => {
        const parts = [
          rng.chance(0.5) ? Buffer.from(fromAlphabet(rng, ASCII, rng.range(0, 8))) : Buffer.alloc(0),
          rng.pick(INVALID_UTF8),
        ];
        if (rng.chance(0.3)) parts.push(Buffer.from('ok'));
        return Buffer.concat(parts);
      };
      if (!paths.length) {
        // No string field: the bytes still go somewhere (an unknown field), the parser must skip them.
        return Buffer.concat([base(), new Enc().tag(rng.range(1, 30), WT.LEN).len(bad()).finish()]);
      }
      const out: Buffer[] = [base()];
      for (let i = rng.range(1, 3); i > 0; i--) {
        const p = rng.pick(paths);
        out.push(wrapPath(p.path.slice(0, -1), new Enc().tag(p.path.at(-1)!, WT.LEN).len(bad()).finish()));
      }
      return Buffer.concat(rng.chance(0.5) ? out : out.reverse());
    }
    case 'deep-nest': {
      const levels = rng.pick([1000, 5000, 5000, 20_000, 50_000]);
      return deepNest(levels, rng.chance(0.7) ? 1 : rng.range(1, 30));
    }
    case 'deep-nest-known': {
      // Follow message-typed fields as deep as the schema goes, then keep nesting field 1.
      const paths = fieldPaths(type, (f) => f.resolvedType instanceof protobuf.Type, 8);
      const prefix = paths.length ? paths.reduce((a, b) => (b.path.length > a.path.length ? b : a)).path : [];
      const inner = deepNest(rng.pick([100, 1000, 5000]), rng.chance(0.5) ? 1 : rng.range(1, 15));
      return wrapPath(prefix, inner);
    }
    case 'deep-group': {
      const levels = rng.pick([1000, 5000, 20_000, 100_000]);
      const f = rng.range(16, 100);
      const open = varintBytes(f * 8 + 3);
      const close = varintBytes(f * 8 + 4);
      return Buffer.concat([
        base(),
        Buffer.alloc(levels * open.length, open),
        Buffer.alloc(levels * close.length, close),
      ]);
    }
    case 'unbalanced-group': {
      const f = rng.range(16, 100);
      const e = new Enc();
      if (rng.chance(0.5)) e.tag(f, WT.SGROUP).tag(f + 1, WT.EGROUP);
      else e.tag(f, rng.chance(0.5) ? WT.SGROUP : WT.EGROUP);
      return Buffer.concat([base(), e.finish()]);
    }
    case 'overlong-varint': {
      const vf = fieldPaths(type, (f) => wireTypeOf(f) === WT.VARINT);
      const path = vf.length ? rng.pick(vf).path : [rng.range(1, 20)];
      const n = rng.range(10, 40);
      const body = Buffer.concat([
        Buffer.alloc(n, rng.pick([0xff, 0x80])),
        Buffer.from([rng.pick([0x00, 0x01, 0x7f])]),
      ]);
      const leaf = rng.chance(0.8)
        ? Buffer.concat([new Enc().tag(path.at(-1)!, WT.VARINT).finish(), body])
        : Buffer.concat([Buffer.alloc(n, 0x88), Buffer.from([0x00])]); // over-long tag
      return Buffer.concat([base(), wrapPath(path.slice(0, -1), leaf)]);
    }
    case 'unterminated-varint': {
      const vf = fieldPaths(type, (f) => wireTypeOf(f) === WT.VARINT);
      const tag = vf.length ? new Enc().tag(rng.pick(vf).path[0]!, WT.VARINT).finish() : Buffer.alloc(0);
      return Buffer.concat([base(), tag, Buffer.alloc(rng.range(1, 12), 0xff)]);
    }
    case 'length-past-end': {
      const lf = fieldPaths(type, (f) => wireTypeOf(f) === WT.LEN);
      const path = lf.length && rng.chance(0.8) ? rng.pick(lf).path : [rng.range(1, 20)];
      const payload = rng.bytes(rng.range(0, 16));
      const claimed = rng.pick([
        BigInt(payload.length + 1),
        BigInt(payload.length + 1000),
        2n ** 31n - 1n,
        2n ** 31n,
        2n ** 32n - 1n,
        2n ** 32n + 3n,
        2n ** 53n,
        2n ** 64n - 1n,
      ]);
      const leaf = Buffer.concat([new Enc().tag(path.at(-1)!, WT.LEN).varint(claimed).finish(), payload]);
      // The frame lies about its own length, so only the outermost frame may be honest.
      return Buffer.concat([base(), path.length > 1 ? wrapPath(path.slice(0, -1), leaf) : leaf]);
    }
    case 'packed-bad': {
      const pf = fieldPaths(
        type,
        (f, t) => (f as protobuf.Field).repeated && (PACKABLE.has(t) || f.resolvedType instanceof protobuf.Enum),
      );
      const path = pf.length ? rng.pick(pf).path : [rng.range(1, 20)];
      const body = rng.pick([
        Buffer.from([0xff, 0xff]),
        Buffer.from([1, 2, 3]),
        Buffer.from([0x80]),
        rng.bytes(rng.range(1, 9)),
      ]);
      return Buffer.concat([
        base(),
        wrapPath(path.slice(0, -1), new Enc().tag(path.at(-1)!, WT.LEN).len(body).finish()),
      ]);
    }
    case 'many-fields': {
      const f = type.fieldsArray.length ? rng.pick(type.fieldsArray) : undefined;
      const n = rng.range(10_000, 100_000);
      const unit = new Enc();
      if (f) {
        unit.tag(f.id, wireTypeOf(f));
        writeValue(unit, f, f.type, { ...g, huge: false }, MAX_DEPTH); // nested messages: empty
      } else unit.tag(rng.range(1, 30), WT.VARINT).varint(0);
      const u = unit.finish();
      const cap = Math.max(1, Math.floor((256 * 1024) / Math.max(1, u.length)));
      return Buffer.alloc(Math.min(n, cap) * u.length, u);
    }
    case 'oversize': {
      // Past the server's receive limit (4 MiB by default): must be RESOURCE_EXHAUSTED, not a crash.
      const paths = fieldPaths(type, (_f, t) => t === 'string' || t === 'bytes', 1);
      const big = Buffer.alloc(4 * 1024 * 1024 + rng.range(1, 4096), 0x41);
      const id = paths.length ? paths[0]!.path[0]! : rng.range(1, 20);
      return new Enc().tag(id, WT.LEN).len(big).finish();
    }
    case 'empty':
      return Buffer.alloc(0);
  }
}

// ───────────────────────────── Metadata ─────────────────────────────

export interface Tokens {
  admin: string; // a valid API token
  revoked?: string; // a revoked API token
  join?: string; // a join token (not an API token)
}

/** Call metadata: the admin bearer token ≈85 % of the time, else something wrong. */
export function fuzzMetadata(rng: Rng, tok: Tokens): { md: grpc.Metadata; how: string } {
  const md = new grpc.Metadata();
  const bearer = (v: string, how: string) => {
    md.set('authorization', v);
    return { md, how };
  };
  if (rng.chance(0.85)) return bearer(`Bearer ${tok.admin}`, 'admin');
  const [id] = tok.admin.split('.');
  const variant = rng.int(14);
  switch (variant) {
    case 0:
      return { md, how: 'no-token' };
    case 1:
      return bearer('Bearer', 'bearer-empty');
    case 2:
      return bearer(`Bearer ${fromAlphabet(rng, ASCII.replace(' ', ''), rng.range(1, 64))}`, 'garbage-token');
    case 3:
      return bearer(`Bearer ${id}.${fromAlphabet(rng, 'abcdefghijklmnopqrstuvwxyz0123456789_-', 43)}`, 'wrong-secret');
    case 4:
      return bearer(`Bearer ${'A'.repeat(rng.pick([1024, 4096, 7000]))}.${'b'.repeat(rng.range(1, 64))}`, 'huge-token');
    case 5:
      return bearer(`Basic ${Buffer.from('admin:admin').toString('base64')}`, 'basic-auth');
    case 6:
      return bearer(`bearer ${tok.admin}`, 'admin-lowercase-scheme');
    case 7:
      return bearer(`Bearer  ${tok.admin} `, 'admin-extra-spaces');
    case 8:
      return bearer(`Bearer ${tok.revoked ?? 'x.y'}`, 'revoked-token');
    case 9:
      return bearer(`Bearer ${tok.join ?? 'x.y'}`, 'join-token-as-bearer');
    case 10:
      return bearer(`BEARER ${tok.admin}`, 'admin-uppercase-scheme');
    case 11:
      return bearer(`Bearer ${tok.admin.slice(0, rng.int(tok.admin.length))}`, 'truncated-token');
    case 12:
      return bearer(`Bearer ${id}.${'.'.repeat(rng.range(1, 5))}`, 'dots-token');
    default: {
      md.set('authorization', `Bearer ${tok.admin}`);
      for (let i = rng.range(1, 20); i > 0; i--)
        md.add(`x-fuzz-${rng.int(1000)}`, fromAlphabet(rng, ASCII.replace(' ', ''), rng.range(0, 200)));
      md.set('x-nephele-host-id', ulidLike(rng));
      return { md, how: 'admin+junk-headers' };
    }
  }
}

// ───────────────────────────── Reporting ─────────────────────────────

export function hexSample(b: Buffer, max = 48): string {
  const head = b.subarray(0, max).toString('hex');
  return b.length > max ? `${head}… (${b.length} bytes)` : `${head} (${b.length} bytes)`;
}

export function statusName(code: number): string {
  return (grpc.status as unknown as Record<number, string>)[code] ?? `CODE_${code}`;
}
