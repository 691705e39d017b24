// Inspection of a qcow2 disk that arrived from elsewhere (a cold move's overlay
// today; uploaded images later), before any QEMU opens it. A qcow2 file can make
// QEMU open other files: an external data file (CVE-2024-32498, OSSA-2024-001),
// a backing file given as `json:{...}` or a protocol URL (nbd:, http:, file:),
// or a longer backing chain. OpenStack's format inspector is the model: parse
// the header ourselves first (magic, version, incompatible features, header
// extensions, backing name), and only if that is clean ask
// `qemu-img info -f qcow2` (never a probed format) as a second, independent
// opinion. Any finding rejects the disk with every reason found.
import { execFile } from 'node:child_process';
import { closeSync, lstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export const QCOW2_MAGIC = 0x514649fb;
/** The header and its extensions must lie in this many bytes (qemu writes them in the first few hundred). */
export const HEADER_WINDOW = 64 * 1024;
/** qemu refuses backing names longer than this. */
const MAX_BACKING_NAME = 1023;
const MAX_EXTENSIONS = 64;

// Incompatible feature bits (docs/interop/qcow2.txt).
const INCOMPAT_DIRTY = 0;
const INCOMPAT_CORRUPT = 1;
const INCOMPAT_DATA_FILE = 2;
const INCOMPAT_COMPRESSION = 3;
const INCOMPAT_EXTL2 = 4;
const KNOWN_INCOMPAT = [INCOMPAT_DIRTY, INCOMPAT_CORRUPT, INCOMPAT_DATA_FILE, INCOMPAT_COMPRESSION, INCOMPAT_EXTL2];
const AUTOCLEAR_DATA_FILE_RAW = 1;

// Header extension types.
const EXT_END = 0;
const EXT_BACKING_FORMAT = 0xe2792aca;
const EXT_FEATURE_NAMES = 0x6803f857;
const EXT_BITMAPS = 0x23852875;
const EXT_ENCRYPTION = 0x0537be77;
const EXT_DATA_FILE = 0x44415441;

/** What a disk may be: the only backing file allowed, and how large it may claim to be. */
export interface DiskExpectation {
  /** A backing file may only be a content-addressed base `/…/<sha256>.qcow2`; undefined: no backing file at all. */
  baseSha256?: string;
  /** Largest virtual size accepted (what the VM's spec allows). */
  maxVirtualBytes: number;
}

export interface Qcow2Header {
  version: number;
  clusterBits: number;
  virtualBytes: number;
  cryptMethod: number;
  snapshots: number;
  incompatible: bigint;
  autoclear: bigint;
  compressionType: number;
  /** '' when none. */
  backing: string;
  backingFormat: string;
  dataFile: string;
  /** Header extension types found, in order. */
  extensions: number[];
}

/** The disk must not be used; `reasons` says every problem found. */
export class DiskRejectedError extends Error {
  constructor(readonly reasons: string[]) {
    super(`disk refused: ${reasons.join('; ')}`);
    this.name = 'DiskRejectedError';
  }
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
const bit = (v: bigint, b: number) => (v >> BigInt(b)) & 1n;
/** Strings from the file go into messages: no control characters, bounded. */
const shown = (s: string) => JSON.stringify(s.length > 120 ? `${s.slice(0, 120)}…` : s);

/**
 * Parses the qcow2 header and its extensions from the first bytes of a file.
 * Throws DiskRejectedError for anything that is not a well-formed qcow2 header
 * within the window (a raw file, a truncated or contradictory header).
 */
export function parseQcow2Header(buf: Buffer): Qcow2Header {
  const bad = (why: string): never => {
    throw new DiskRejectedError([why]);
  };
  if (buf.length < 72 || buf.readUInt32BE(0) !== QCOW2_MAGIC) bad('not a qcow2 file (no qcow2 magic)');
  const version = buf.readUInt32BE(4);
  if (version !== 2 && version !== 3) bad(`unsupported qcow2 version ${version}`);
  const backingOffset = buf.readBigUInt64BE(8);
  const backingSize = buf.readUInt32BE(16);
  const clusterBits = buf.readUInt32BE(20);
  if (clusterBits < 9 || clusterBits > 21) bad(`implausible cluster size (2^${clusterBits})`);
  const virtual = buf.readBigUInt64BE(24);
  const cryptMethod = buf.readUInt32BE(32);
  const snapshots = buf.readUInt32BE(60);
  let incompatible = 0n;
  let autoclear = 0n;
  let compressionType = 0;
  let headerLength = 72;
  if (version === 3) {
    if (buf.length < 104) bad('truncated qcow2 v3 header');
    incompatible = buf.readBigUInt64BE(72);
    autoclear = buf.readBigUInt64BE(88);
    const refcountOrder = buf.readUInt32BE(96);
    if (refcountOrder > 6) bad(`implausible refcount order ${refcountOrder}`);
    headerLength = buf.readUInt32BE(100);
    if (headerLength < 104 || headerLength % 8 !== 0 || headerLength > Math.min(buf.length, 2 ** clusterBits))
      bad(`implausible header length ${headerLength}`);
    if (headerLength > 104) compressionType = buf[104]!;
  }
  const h: Qcow2Header = {
    version,
    clusterBits,
    virtualBytes: virtual > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(virtual),
    cryptMethod,
    snapshots,
    incompatible,
    autoclear,
    compressionType,
    backing: '',
    backingFormat: '',
    dataFile: '',
    extensions: [],
  };
  const end = Math.min(buf.length, 2 ** clusterBits);
  const text = (from: number, len: number, what: string): string => {
    if (from + len > end) bad(`${what} lies outside the header area`);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(from, from + len));
    } catch {
      return bad(`${what} is not valid UTF-8`);
    }
  };
  for (let off = headerLength, n = 0; ; n++) {
    if (n > MAX_EXTENSIONS) bad('too many header extensions');
    if (off + 8 > end) bad('header extensions run past the header area');
    const type = buf.readUInt32BE(off);
    const len = buf.readUInt32BE(off + 4);
    if (type === EXT_END) break;
    h.extensions.push(type);
    if (off + 8 + len > end) bad(`header extension ${hex(type)} runs past the header area`);
    if (type === EXT_BACKING_FORMAT) h.backingFormat = text(off + 8, len, 'the backing format name');
    if (type === EXT_DATA_FILE) h.dataFile = text(off + 8, len, 'the data file name') || '(unnamed)';
    off += 8 + Math.ceil(len / 8) * 8;
  }
  if (backingOffset !== 0n) {
    if (backingSize === 0 || backingSize > MAX_BACKING_NAME) bad(`implausible backing file name length ${backingSize}`);
    if (backingOffset > BigInt(end)) bad('the backing file name lies outside the header area');
    h.backing = text(Number(backingOffset), backingSize, 'the backing file name');
  }
  return h;
}

/** Problems with a backing file name (as the header or qemu-img states it) for this expectation. */
export function backingProblems(name: string, expect: DiskExpectation): string[] {
  if (!name) return [];
  if (expect.baseSha256 === undefined) return [`has a backing file ${shown(name)} (none is expected)`];
  // qemu treats `<letters>:` before any '/' as a protocol, and `json:` as a whole block-device spec.
  if (/^json:/i.test(name)) return [`its backing file is a json: block device specification ${shown(name)}`];
  if (/^[^/]*:/.test(name)) return [`its backing file names a protocol ${shown(name)}`];
  if (/[\x00-\x1f\x7f]/.test(name)) return [`its backing file name contains control characters ${shown(name)}`];
  if (!name.startsWith('/')) return [`its backing file is not an absolute path ${shown(name)}`];
  if (basename(name) !== `${expect.baseSha256}.qcow2`)
    return [`it is backed by ${shown(name)}, not by this host's base image ${expect.baseSha256}.qcow2`];
  return [];
}

/** Everything wrong with a parsed header for this expectation ([] when it may be opened). */
export function headerProblems(h: Qcow2Header, expect: DiskExpectation): string[] {
  const out: string[] = [];
  if (bit(h.incompatible, INCOMPAT_DATA_FILE) || h.dataFile || bit(h.autoclear, AUTOCLEAR_DATA_FILE_RAW))
    out.push(`it names an external data file${h.dataFile ? ` ${shown(h.dataFile)}` : ''}`);
  if (bit(h.incompatible, INCOMPAT_CORRUPT)) out.push('it is marked corrupt');
  const unknown: number[] = [];
  for (let b = 0; b < 64; b++) if (bit(h.incompatible, b) && !KNOWN_INCOMPAT.includes(b)) unknown.push(b);
  if (unknown.length) out.push(`it has unknown incompatible features (bits ${unknown.join(', ')})`);
  if (bit(h.incompatible, INCOMPAT_COMPRESSION) && h.compressionType > 1)
    out.push(`unknown compression type ${h.compressionType}`);
  if (h.cryptMethod !== 0 || h.extensions.includes(EXT_ENCRYPTION)) out.push('it is encrypted');
  if (h.snapshots > 0) out.push(`it carries ${h.snapshots} internal snapshot${h.snapshots === 1 ? '' : 's'}`);
  const known = new Set([EXT_BACKING_FORMAT, EXT_FEATURE_NAMES, EXT_BITMAPS, EXT_ENCRYPTION, EXT_DATA_FILE]);
  const strange = h.extensions.filter((e) => !known.has(e));
  if (strange.length) out.push(`unknown header extensions ${strange.map(hex).join(', ')}`);
  out.push(...backingProblems(h.backing, expect));
  if (h.backing && h.backingFormat && h.backingFormat !== 'qcow2')
    out.push(`its backing file is declared as ${shown(h.backingFormat)}, not qcow2`);
  if (h.virtualBytes > expect.maxVirtualBytes)
    out.push(`its virtual size ${h.virtualBytes} B exceeds the ${expect.maxVirtualBytes} B allowed`);
  return out;
}

/** Everything wrong with `qemu-img info --output=json -f qcow2` output for this expectation. */
export function qemuImgInfoProblems(info: unknown, expect: DiskExpectation): string[] {
  if (!info || typeof info !== 'object') return ['qemu-img gave no information'];
  const i = info as Record<string, unknown>;
  const fs = (i['format-specific'] ?? {}) as { type?: unknown; data?: Record<string, unknown> };
  const d = fs.data ?? {};
  const out: string[] = [];
  if (i.format !== 'qcow2' || fs.type !== 'qcow2')
    out.push(`qemu-img reads it as ${shown(String(i.format ?? 'nothing'))}, not qcow2`);
  if (d['data-file'] !== undefined || d['data-file-raw'] === true)
    out.push(`qemu-img: it names an external data file ${shown(String(d['data-file'] ?? ''))}`);
  if (d.corrupt === true) out.push('qemu-img: it is marked corrupt');
  if (i.encrypted === true || d.encrypt !== undefined) out.push('qemu-img: it is encrypted');
  if (Array.isArray(i.snapshots) && i.snapshots.length)
    out.push(`qemu-img: it carries ${i.snapshots.length} internal snapshots`);
  if (i['backing-image'] !== undefined) out.push('qemu-img: it has a backing chain');
  for (const k of ['backing-filename', 'full-backing-filename']) {
    if (typeof i[k] === 'string') out.push(...backingProblems(i[k] as string, expect).map((p) => `qemu-img: ${p}`));
  }
  const bf = i['backing-filename-format'];
  if (bf !== undefined && bf !== 'qcow2')
    out.push(`qemu-img: its backing file is declared as ${shown(String(bf))}, not qcow2`);
  const size = i['virtual-size'];
  if (typeof size !== 'number' || !(size >= 0)) out.push('qemu-img reports no virtual size');
  else if (size > expect.maxVirtualBytes)
    out.push(`qemu-img: its virtual size ${size} B exceeds the ${expect.maxVirtualBytes} B allowed`);
  return out;
}

/** The first HEADER_WINDOW bytes of a regular file (never follows a symlink). */
export function readHeaderWindow(path: string): Buffer {
  const st = lstatSync(path);
  if (!st.isFile())
    throw new DiskRejectedError([st.isSymbolicLink() ? 'it is a symbolic link' : 'it is not a regular file']);
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(HEADER_WINDOW, st.size));
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Inspects a disk from elsewhere: our own header parse, then (only if that is
 * clean) qemu-img with the format fixed and its CPU time and address space
 * limited, as nova does for untrusted images. Throws DiskRejectedError with
 * every reason found; resolves with the disk's header.
 */
export async function inspectQcow2(
  path: string,
  expect: DiskExpectation,
  o: { qemuImg?: string; timeoutMs?: number } = {},
): Promise<Qcow2Header> {
  const h = parseQcow2Header(readHeaderWindow(path));
  const problems = headerProblems(h, expect);
  if (problems.length) throw new DiskRejectedError(problems);
  const info = await qemuImgInfo(path, 'qcow2', o);
  const more = qemuImgInfoProblems(info, expect);
  if (more.length) throw new DiskRejectedError(more);
  return h;
}

/**
 * `qemu-img info --output=json -f <format>` of a file that may be hostile: the
 * format fixed (never probed), CPU time and address space limited (the fixed
 * `sh -c` script takes no input of ours; the path is an argument). Throws
 * DiskRejectedError when qemu-img cannot read it as that format.
 */
export async function qemuImgInfo(
  path: string,
  format: string,
  o: { qemuImg?: string; timeoutMs?: number } = {},
): Promise<unknown> {
  try {
    const { stdout } = await execFileP(
      'sh',
      [
        '-c',
        'ulimit -v 1048576 && ulimit -t 30 && exec "$0" "$@"',
        o.qemuImg ?? 'qemu-img',
        'info',
        '--output=json',
        '-f',
        format,
        path,
      ],
      { timeout: o.timeoutMs ?? 30_000, maxBuffer: 1024 * 1024 },
    );
    return JSON.parse(stdout);
  } catch (e) {
    const msg = ((e as { stderr?: string }).stderr || (e as Error).message).trim().split('\n').pop() ?? '';
    throw new DiskRejectedError([
      `qemu-img cannot read it as ${format}: ${msg.replace(/[\x00-\x1f\x7f]/g, ' ').slice(0, 200)}`,
    ]);
  }
}
