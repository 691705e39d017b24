// Process appliance images are ustar archives. Our own reader and writer (no
// package): the format is small, and a tarball from a tenant is hostile until
// inspected. Only regular files and directories exist in our archives; every
// other entry type, every path that could leave the target dir, and every size
// over the limits is refused with a reason, and extraction never follows or
// writes a symlink.
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { BLOCK, CHUNK, checksum, DIR_MODE, fileMode, shown, TarRejectedError, type TarEntry } from './tar-format.js';

export { TarRejectedError, type TarEntry } from './tar-format.js';
export { writeTar, type WriteTarOptions, type WriteTarResult } from './tar-write.js';

export interface TarLimits {
  /** Entries (files and dirs) at most. */
  maxEntries: number;
  /** Bytes of file content in all, at most (the archive itself is at most this plus headers). */
  maxBytes: number;
  /** Bytes of one file at most. */
  maxFileBytes: number;
  /** Path depth (components) at most. */
  maxDepth: number;
}

export const DEFAULT_TAR_LIMITS: TarLimits = {
  maxEntries: 10_000,
  maxBytes: 1024 ** 3,
  maxFileBytes: 1024 ** 3,
  maxDepth: 32,
};

/** Limits left out take the defaults; one file may be as large as all content unless said otherwise. */
function limitsOf(given: Partial<TarLimits>): TarLimits {
  return { ...DEFAULT_TAR_LIMITS, maxFileBytes: given.maxBytes ?? DEFAULT_TAR_LIMITS.maxFileBytes, ...given };
}

export interface TarInspection {
  entries: TarEntry[];
  /** Empty: the archive is safe to extract. Bounded (MAX_PROBLEMS). */
  problems: string[];
}

const MAX_PROBLEMS = 20;

const TYPE_NAMES: Record<string, string> = {
  '1': 'a hard link',
  '2': 'a symlink',
  '3': 'a character device',
  '4': 'a block device',
  '6': 'a fifo',
  '7': 'a contiguous file',
  x: 'a pax header',
  g: 'a pax global header',
  L: 'a GNU long name (paths over 100 bytes: tar --format=ustar)',
  K: 'a GNU long link name',
};

// ---- reading ----

/** One parsed header, or why the archive cannot be read further. */
type Step =
  | { kind: 'entry'; entry: TarEntry; dataOffset: number }
  | { kind: 'fatal'; problem: string }
  /** Not extracted: refused (problem), or nothing to extract (the archive's root dir). */
  | { kind: 'skip'; problem?: string; next: number };

/** A NUL-terminated field; raw bytes kept so control characters are seen. */
const field = (h: Buffer, off: number, len: number) => {
  const b = h.subarray(off, off + len);
  const nul = b.indexOf(0);
  return b.subarray(0, nul < 0 ? len : nul).toString('utf8');
};

function parseOctal(h: Buffer, off: number, len: number): number | undefined {
  const s = field(h, off, len).replace(/^[ ]+|[ ]+$/g, '');
  if (!/^[0-7]{1,12}$/.test(s)) return undefined; // also refuses GNU base-256 sizes
  return parseInt(s, 8);
}

/** The normalized path, or why it may not be extracted. */
export function pathProblem(raw: string, maxDepth: number): { path: string } | { problem: string } {
  if (/[\x00-\x1f\x7f]/.test(raw)) return { problem: `${shown(raw)} has control characters` };
  if (raw.includes('\\')) return { problem: `${shown(raw)} has a backslash` };
  if (raw.startsWith('/')) return { problem: `${shown(raw)} is an absolute path` };
  const parts = raw
    .replace(/^(\.\/)+/, '')
    .replace(/\/$/, '')
    .split('/');
  if (parts.includes('..')) return { problem: `${shown(raw)} leaves the target dir ('..')` };
  if (parts.some((p) => p === '' || p === '.')) return { problem: `${shown(raw)} has an empty or '.' component` };
  if (parts.length > maxDepth) return { problem: `${shown(raw)} is deeper than ${maxDepth}` };
  return { path: parts.join('/') };
}

function parseHeader(h: Buffer, at: number, limits: TarLimits): Step {
  const sum = parseOctal(h, 148, 8);
  if (sum === undefined || sum !== checksum(h)) return { kind: 'fatal', problem: `bad header checksum at ${at}` };
  const magic = h.subarray(257, 263).toString('latin1');
  if (magic !== 'ustar\u0000' && magic !== 'ustar ') return { kind: 'fatal', problem: `not a ustar header at ${at}` };
  const size = parseOctal(h, 124, 12);
  if (size === undefined) return { kind: 'fatal', problem: `bad size field at ${at}` };
  const next = at + BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  // GNU headers keep times, not a prefix, at 345.
  const prefix = magic === 'ustar\u0000' ? field(h, 345, 155) : '';
  const name = field(h, 0, 100);
  const raw = prefix ? `${prefix}/${name}` : name;
  const type = String.fromCharCode(h[156]!);
  const shownType = TYPE_NAMES[type];
  if (shownType) return { kind: 'skip', problem: `${shown(raw)} is ${shownType}`, next };
  if (type !== '0' && type !== '\u0000' && type !== '5')
    return { kind: 'skip', problem: `${shown(raw)} has an unknown entry type ${shown(type)}`, next };
  const dir = type === '5';
  // `tar -C dir -cf x.tar .` starts with './': the target dir itself.
  if (dir && /^\.(\/\.)*\/?$/.test(raw)) return { kind: 'skip', next };
  const p = pathProblem(raw, limits.maxDepth);
  if ('problem' in p) return { kind: 'skip', problem: p.problem, next };
  if (dir && size !== 0) return { kind: 'fatal', problem: `${shown(raw)} is a dir with content` };
  if (size > limits.maxFileBytes)
    return { kind: 'fatal', problem: `${shown(raw)} is ${size} bytes, over the limit of ${limits.maxFileBytes}` };
  const mode = parseOctal(h, 100, 8) ?? 0o644;
  const entry: TarEntry = dir
    ? { path: p.path, type: 'dir', size: 0, mode: DIR_MODE }
    : { path: p.path, type: 'file', size, mode: fileMode(mode) };
  return { kind: 'entry', entry, dataOffset: at + BLOCK };
}

/**
 * Walks the archive's headers (file content is skipped, never loaded), calling
 * `onEntry` for each acceptable entry. Structural damage stops the walk.
 */
function walkTar(fd: number, fileSize: number, limits: TarLimits, onEntry: (e: TarEntry, at: number) => void) {
  const problems: string[] = [];
  const entries: TarEntry[] = [];
  const seen = new Map<string, Seen>();
  const problem = (s: string) => problems.length < MAX_PROBLEMS && problems.push(s);
  // Enough said: a hostile archive of a million bad entries is not walked to its end.
  const more = () => problems.length < MAX_PROBLEMS;
  const h = Buffer.alloc(BLOCK);
  let at = 0;
  let total = 0;
  for (let headers = 0; more(); headers++) {
    if (headers > limits.maxEntries) {
      problem(`more than ${limits.maxEntries} entries`);
      break;
    }
    if (at + BLOCK > fileSize) {
      problem(at === fileSize ? 'no end-of-archive marker (truncated)' : `truncated header at ${at}`);
      break;
    }
    readSync(fd, h, 0, BLOCK, at);
    if (h.every((b) => b === 0)) {
      const rest = tailProblem(fd, at + BLOCK, fileSize);
      if (rest) problem(rest);
      break;
    }
    const step = parseHeader(h, at, limits);
    if (step.kind === 'fatal') {
      problem(step.problem);
      break;
    }
    if (step.kind === 'skip') {
      if (step.problem) problem(step.problem);
      if (step.next > fileSize) {
        problem(`entry at ${at} runs past the end of the archive (truncated)`);
        break;
      }
      at = step.next;
      continue;
    }
    const e = step.entry;
    const next = step.dataOffset + Math.ceil(e.size / BLOCK) * BLOCK;
    if (next > fileSize) {
      problem(`${shown(e.path)} runs past the end of the archive (truncated)`);
      break;
    }
    if (entries.length >= limits.maxEntries) {
      problem(`more than ${limits.maxEntries} entries`);
      break;
    }
    total += e.size;
    if (total > limits.maxBytes) {
      problem(`content over the limit of ${limits.maxBytes} bytes`);
      break;
    }
    const clash = conflict(seen, e);
    if (clash) problem(clash);
    else {
      entries.push(e);
      onEntry(e, step.dataOffset);
    }
    at = next;
  }
  return { entries, problems };
}

type Seen = TarEntry['type'] | 'implied';

/** A second entry of one path, or a path under a file (either would overwrite or redirect). */
function conflict(seen: Map<string, Seen>, e: TarEntry): string | undefined {
  const prev = seen.get(e.path);
  // A dir listed after what is in it is fine; anything else twice would overwrite.
  if (prev && !(prev === 'implied' && e.type === 'dir')) return `${shown(e.path)} appears twice`;
  const parts = e.path.split('/');
  for (let i = 1; i < parts.length; i++) {
    const parent = parts.slice(0, i).join('/');
    const t = seen.get(parent);
    if (t === 'file') return `${shown(e.path)} is under ${shown(parent)}, which is a file`;
    if (!t) seen.set(parent, 'implied');
  }
  seen.set(e.path, e.type);
  return undefined;
}

/** After the end marker only zero padding may follow (anything else is hidden content). */
function tailProblem(fd: number, from: number, fileSize: number): string | undefined {
  if (fileSize - from > 64 * 1024 * 1024) return 'over 64 MiB after the end-of-archive marker';
  const buf = Buffer.alloc(CHUNK);
  for (let at = from; at < fileSize;) {
    const n = readSync(fd, buf, 0, Math.min(CHUNK, fileSize - at), at);
    if (n === 0) break;
    if (!buf.subarray(0, n).every((b) => b === 0)) return `data after the end-of-archive marker at ${from - BLOCK}`;
    at += n;
  }
  return undefined;
}

/** Never through a symlink; O_NONBLOCK so a fifo in its place cannot hang us (refused after fstat). */
const openArchive = (path: string) => openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);

/** What the archive holds and every reason it must not be extracted (none: safe). */
export function inspectTar(path: string, limits: Partial<TarLimits> = {}): TarInspection {
  const fd = openArchive(path);
  try {
    if (!fstatSync(fd).isFile()) return { entries: [], problems: ['not a regular file'] };
    return walkTar(fd, fstatSync(fd).size, limitsOf(limits), () => {});
  } finally {
    closeSync(fd);
  }
}

/**
 * Extracts into `dir` (created if missing) after inspecting: a problem throws
 * TarRejectedError before anything is written. Files are created only under
 * `dir`, never through a symlink (a symlink already in `dir` on the way throws),
 * modes masked to 0644/0755. The archive is read through one descriptor for
 * both passes, so it cannot be swapped in between.
 */
export function extractTar(path: string, dir: string, given: Partial<TarLimits> = {}): TarEntry[] {
  const limits = limitsOf(given);
  const fd = openArchive(path);
  try {
    if (!fstatSync(fd).isFile()) throw new TarRejectedError(['not a regular file']);
    const size = fstatSync(fd).size;
    const first = walkTar(fd, size, limits, () => {});
    if (first.problems.length) throw new TarRejectedError(first.problems);
    mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    const second = walkTar(fd, size, limits, (e, at) => {
      ensureDirs(dir, e.type === 'dir' ? e.path : e.path.split('/').slice(0, -1).join('/'));
      if (e.type === 'file') writeEntry(fd, at, e, join(dir, e.path));
    });
    if (second.problems.length) throw new TarRejectedError(second.problems);
    return second.entries;
  } finally {
    closeSync(fd);
  }
}

/** Makes each component of `rel` under `dir` a real dir (refusing a symlink or file in the way). */
function ensureDirs(dir: string, rel: string): void {
  if (!rel) return;
  let cur = dir;
  for (const part of rel.split('/')) {
    cur = join(cur, part);
    let st;
    try {
      st = lstatSync(cur);
    } catch {
      mkdirSync(cur, { mode: DIR_MODE });
      continue;
    }
    if (!st.isDirectory()) throw new TarRejectedError([`${shown(rel)}: a non-dir is in the way`]);
  }
}

/**
 * Opens `target` as a new file with exactly `mode`: a regular file in the way
 * is replaced (a fresh inode, never written in place), anything else refuses.
 */
function openFresh(target: string, mode: number, shownPath: string): number {
  try {
    const st = lstatSync(target);
    if (!st.isFile()) throw new TarRejectedError([`${shown(shownPath)}: a non-file is in the way`]);
    unlinkSync(target);
  } catch (err) {
    if (err instanceof TarRejectedError) throw err;
  }
  // O_EXCL with O_NOFOLLOW: a symlink planted in between fails the open, never followed.
  const fd = openSync(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  fchmodSync(fd, mode); // whatever the umask
  return fd;
}

/**
 * Writes `data` to `rel` under `dir` (its dirs made as needed) the way
 * extraction does: never through a symlink, never outside `dir`. Throws
 * TarRejectedError for a path that would leave `dir`.
 */
export function writeFileUnder(dir: string, rel: string, data: Buffer, mode: number): void {
  const p = pathProblem(rel, DEFAULT_TAR_LIMITS.maxDepth);
  if ('problem' in p) throw new TarRejectedError([p.problem]);
  ensureDirs(dir, p.path.split('/').slice(0, -1).join('/'));
  const fd = openFresh(join(dir, p.path), mode, p.path);
  try {
    for (let off = 0; off < data.length;) off += writeSync(fd, data, off, data.length - off);
  } finally {
    closeSync(fd);
  }
}

function writeEntry(src: number, at: number, e: TarEntry, target: string): void {
  const out = openFresh(target, e.mode, e.path);
  try {
    const buf = Buffer.alloc(CHUNK);
    for (let left = e.size, off = at; left > 0;) {
      const n = readSync(src, buf, 0, Math.min(CHUNK, left), off);
      if (n === 0) throw new TarRejectedError([`${shown(e.path)}: archive shrank while extracted`]);
      for (let w = 0; w < n;) w += writeSync(out, buf, w, n - w);
      left -= n;
      off += n;
    }
  } finally {
    closeSync(out);
  }
}

// ---- process appliance images ----

/**
 * What an image of a process appliance may hold: its config, data files and
 * version. Everything else in a process VM's dir is the agent's (handle, uid,
 * exit status, console) or the token: a tar holding `uid` or `handle.json`
 * would take over another VM's identity or process, one holding `token` would
 * make every clone a management instance.
 */
export const APPLIANCE_IMAGE_TOP = ['config.json', 'data', 'appliance-version'] as const;
const SMALL_FILE = { 'config.json': 64 * 1024, 'appliance-version': 256 } as Record<string, number>;

/** Why inspected entries are not a process appliance image (undefined: they are). */
export function applianceImageProblem(entries: TarEntry[]): string | undefined {
  for (const e of entries) {
    const top = e.path.split('/')[0]!;
    if (!(APPLIANCE_IMAGE_TOP as readonly string[]).includes(top))
      return `the image holds ${shown(e.path)}, outside ${APPLIANCE_IMAGE_TOP.join(', ')}`;
    const cap = SMALL_FILE[top];
    if (cap !== undefined && (e.type !== 'file' || e.path !== top)) return `${top} in the image is not a file`;
    if (cap !== undefined && e.size > cap) return `${top} in the image is over ${cap} bytes`;
    if (top === 'data' && e.path === top && e.type !== 'dir') return 'data in the image is not a dir';
  }
  return undefined;
}

/** inspectTar, plus the process appliance layout: what an import or a clone checks. */
export function inspectApplianceTar(path: string, limits: Partial<TarLimits> = {}): TarInspection {
  const ins = inspectTar(path, limits);
  const layout = ins.problems.length ? undefined : applianceImageProblem(ins.entries);
  return layout ? { entries: ins.entries, problems: [layout] } : ins;
}
