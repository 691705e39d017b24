// A process VM as a management instance: its token file, configuration
// changes, the capture of its appliance dir as an image (a tar without the
// token or anything of the agent's), and clones made from such a tar.
import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  CONFIG_KEY_RE,
  CONFIG_MAX_ENTRIES,
  CONFIG_VALUE_MAX,
  GiB,
  MANIFEST_FILE,
  MANIFEST_MAX_BYTES,
  MiB,
} from '../../../common/limits.js';
import {
  APPLIANCE_IMAGE_TOP,
  DEFAULT_TAR_LIMITS,
  extractTar,
  inspectApplianceTar,
  pathProblem,
  TarRejectedError,
  writeFileUnder,
  writeTar,
} from '../../../common/tar.js';
import { renderPage, writeReadable } from './files.js';
import { DriverError, type BaseImage, type CaptureResult, type ConfigApply } from '../driver.js';

/** The token of a management instance: root-only, in the VM's root-only dir. */
export const TOKEN_FILE = 'token';
const DATA_DIR = 'data';
const VERSION_FILE = 'appliance-version';
// Characters JSON and HTML keep as they are: a token copied into a config value is found byte for byte.
const TOKEN_RE = /^[A-Za-z0-9+/=_.-]{16,256}$/;
const MAX_FILES = 64;
const MAX_FILE_BYTES = 4 * MiB;

// ---- token ----

export function putToken(dir: string, token: string): void {
  if (!TOKEN_RE.test(token)) throw new DriverError('token: 16-256 characters of [A-Za-z0-9+/=_.-]', 'INVALID_SPEC');
  writeFileUnder(dir, TOKEN_FILE, Buffer.from(token), 0o600);
}

/** The token's bytes, or undefined when the VM holds none. */
function readToken(dir: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(join(dir, TOKEN_FILE), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const buf = Buffer.alloc(257);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

export function tokenHashOf(dir: string): string {
  const t = readToken(dir);
  return t ? createHash('sha256').update(t).digest('hex') : '';
}

export function removeToken(dir: string): void {
  const file = join(dir, TOKEN_FILE);
  // Overwritten in place, then unlinked: the freed blocks do not keep the token.
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_NOFOLLOW);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (fd !== undefined) {
    try {
      writeSync(fd, Buffer.alloc(fstatSync(fd).size));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  rmSync(file, { force: true });
  if (existsSync(file)) throw new DriverError('the token file is still there after removal');
}

// ---- configure ----

function configProblem(cfg: Record<string, string>): string | undefined {
  const keys = Object.keys(cfg);
  if (keys.length > CONFIG_MAX_ENTRIES) return `more than ${CONFIG_MAX_ENTRIES} config keys`;
  for (const k of keys) {
    if (!CONFIG_KEY_RE.test(k)) return 'a config key is not [a-z0-9_-]{1,32}';
    if (k === 'task') return 'config key task cannot be set on an appliance';
    const v = cfg[k];
    if (typeof v !== 'string' || v.length > CONFIG_VALUE_MAX || /[\x00-\x1f]/.test(v))
      return `config value of ${k} is not one line of at most ${CONFIG_VALUE_MAX} characters`;
  }
  return undefined;
}

export function readConfig(dir: string): Record<string, string> {
  try {
    return JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

/** The config after `change` ('' removes a key); throws INVALID_SPEC for a bad change. */
export function mergedConfig(dir: string, change: ConfigApply): Record<string, string> {
  const next = { ...readConfig(dir) };
  for (const [k, v] of Object.entries(change.config)) {
    if (v === '') delete next[k];
    else next[k] = v;
  }
  const p = configProblem(next);
  if (p) throw new DriverError(p, 'INVALID_SPEC');
  if (change.files.length > MAX_FILES) throw new DriverError(`more than ${MAX_FILES} files`, 'INVALID_SPEC');
  for (const f of change.files) {
    const bad = pathProblem(f.path, 16);
    if ('problem' in bad) throw new DriverError(`file path: ${bad.problem}`, 'INVALID_SPEC');
  }
  if (change.files.some((f) => f.content.length > MAX_FILE_BYTES))
    throw new DriverError(`a file is over ${MAX_FILE_BYTES} bytes`, 'INVALID_SPEC');
  if (change.applianceVersion.length > 64 || /[^\x21-\x7e]/.test(change.applianceVersion))
    throw new DriverError('appliance version: at most 64 printable characters', 'INVALID_SPEC');
  return next;
}

/** Applies `change` to the VM's dir, all of it checked before anything is written. */
export function configureDir(dir: string, id: string, change: ConfigApply, task: boolean): void {
  const next = mergedConfig(dir, change);
  applyFiles(dir, change);
  // In place: config.json is bound into a running sandbox.
  writeReadable(join(dir, 'config.json'), JSON.stringify(next));
  if (!task) renderPage(dir, id);
}

function applyFiles(dir: string, change: ConfigApply): void {
  for (const f of change.files) {
    try {
      writeFileUnder(dir, `${DATA_DIR}/${f.path}`, f.content, (f.mode & 0o755) | 0o644);
    } catch (e) {
      if (e instanceof TarRejectedError) throw new DriverError(`file path: ${e.reasons.join('; ')}`, 'INVALID_SPEC');
      throw e;
    }
  }
  if (change.applianceVersion) writeFileUnder(dir, VERSION_FILE, Buffer.from(`${change.applianceVersion}\n`), 0o644);
}

// ---- capture ----

/** Occurrences of `needle` in the file, read in chunks (overlapping, so none is missed at a boundary). */
export function occurrences(path: string, needle: Buffer): number {
  if (needle.length === 0) return 0;
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const chunk = Buffer.alloc(1024 * 1024);
    let carry = Buffer.alloc(0);
    let count = 0;
    for (let at = 0; ;) {
      const n = readSync(fd, chunk, 0, chunk.length, at);
      if (n === 0) return count;
      at += n;
      const hay = Buffer.concat([carry, chunk.subarray(0, n)]);
      for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) count++;
      carry = Buffer.from(hay.subarray(Math.max(0, hay.length - needle.length + 1)));
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes the appliance dir's image to `out` and proves the token absent: no
 * token entry, and the token's bytes nowhere in the archive (a config value or
 * data file holding them fails the capture and removes `out`).
 */
export function captureDir(dir: string, out: string): CaptureResult {
  if (readConfig(dir).task) throw new DriverError('capture refused: a task vm is not an appliance', 'INVALID_SPEC');
  const token = readToken(dir);
  const exclude = readdirSync(dir).filter((n) => !(APPLIANCE_IMAGE_TOP as readonly string[]).includes(n));
  const w = writeTar(dir, out, { exclude: [...exclude, TOKEN_FILE] });
  const check = inspectApplianceTar(out);
  const found = token ? occurrences(out, token) : 0;
  const tokenEntry = check.entries.some((e) => e.path === TOKEN_FILE);
  if (check.problems.length || tokenEntry || found > 0) {
    rmSync(out, { force: true });
    throw new DriverError(
      found > 0
        ? 'capture refused: the token occurs in the appliance files (config value or data file)'
        : `capture refused: the archive failed its own check (${tokenEntry ? 'token entry' : check.problems.join('; ')})`,
    );
  }
  return {
    format: 'tar',
    sha256: w.sha256,
    sizeBytes: w.sizeBytes,
    proof: token
      ? `no ${TOKEN_FILE} entry among ${w.entries.length} entries; 0 occurrences of the token in ${w.sizeBytes} bytes`
      : `the vm held no token; no ${TOKEN_FILE} entry among ${w.entries.length} entries`,
  };
}

// ---- clone ----

/**
 * Extracts the base image into the VM's dir (before spec.config is applied)
 * and returns its config. Refuses (INVALID_SPEC) what is not a process appliance.
 */
export function extractBase(dir: string, base: BaseImage, diskGiB: number): Record<string, string> {
  if (base.format !== 'tar')
    throw new DriverError(`base image format ${base.format}: process needs tar`, 'INVALID_SPEC');
  const limits = { maxBytes: Math.min(DEFAULT_TAR_LIMITS.maxBytes, diskGiB * GiB) };
  const ins = inspectApplianceTar(base.path, limits);
  if (ins.problems.length) throw new DriverError(`base image refused: ${ins.problems.join('; ')}`, 'INVALID_SPEC');
  try {
    extractTar(base.path, dir, limits);
  } catch (e) {
    if (e instanceof TarRejectedError)
      throw new DriverError(`base image refused: ${e.reasons.join('; ')}`, 'INVALID_SPEC');
    throw e;
  }
  let cfg: Record<string, string> = {};
  // Only the image's own config (never one left in the dir from before).
  if (ins.entries.some((e) => e.path === 'config.json')) {
    try {
      cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, string>;
    } catch {
      throw new DriverError('base image refused: config.json is not JSON', 'INVALID_SPEC');
    }
  }
  const bad =
    typeof cfg !== 'object' || cfg === null || Array.isArray(cfg) ? 'config.json is not an object' : configProblem(cfg);
  if (bad) throw new DriverError(`base image refused: ${bad}`, 'INVALID_SPEC');
  return cfg;
}

// ---- manifest (reclassification) ----

/**
 * The appliance's nephele-manifest.json as text ('' when it has none), not
 * parsed here (the controller does). Not followed through a symlink, a regular
 * file only, at most MANIFEST_MAX_BYTES.
 */
export function manifestOf(dir: string): string {
  let fd: number;
  try {
    fd = openSync(join(dir, DATA_DIR, MANIFEST_FILE), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new DriverError(`manifest: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`, 'FAILED');
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new DriverError('manifest: not a regular file', 'FAILED');
    if (st.size > MANIFEST_MAX_BYTES)
      throw new DriverError(`manifest: larger than ${MANIFEST_MAX_BYTES} bytes`, 'FAILED');
    const buf = Buffer.alloc(st.size);
    const n = readSync(fd, buf, 0, st.size, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
