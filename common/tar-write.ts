// Writing process appliance images (ustar); tar.ts reads them.
import { createHash } from 'node:crypto';
import { closeSync, constants, lstatSync, openSync, readdirSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BLOCK, CHUNK, checksum, DIR_MODE, fileMode, shown, TarRejectedError, type TarEntry } from './tar-format.js';

export interface WriteTarOptions {
  /** Relative paths left out ('token', 'logs'); a dir leaves out everything under it. */
  exclude?: readonly string[];
}

export interface WriteTarResult {
  sha256: string;
  sizeBytes: number;
  entries: TarEntry[];
}

/**
 * Archives `dir` into `out` (created 0600): regular files and dirs only (a
 * symlink, device or socket in `dir` throws), sorted, uid/gid/mtime zero so the
 * same content gives the same sha256.
 */
export function writeTar(dir: string, out: string, opts: WriteTarOptions = {}): WriteTarResult {
  const exclude = new Set((opts.exclude ?? []).map((p) => p.replace(/\/+$/, '')));
  const fd = openSync(out, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
  const hash = createHash('sha256');
  let size = 0;
  const put = (b: Buffer) => {
    hash.update(b);
    for (let off = 0; off < b.length;) off += writeSync(fd, b, off, b.length - off);
    size += b.length;
  };
  const entries: TarEntry[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      if (exclude.has(path)) continue;
      const st = lstatSync(join(dir, path));
      if (st.isDirectory()) {
        entries.push({ path, type: 'dir', size: 0, mode: DIR_MODE });
        put(header(`${path}/`, '5', 0, DIR_MODE));
        walk(path);
      } else if (st.isFile()) {
        const e: TarEntry = { path, type: 'file', size: st.size, mode: fileMode(st.mode) };
        entries.push(e);
        put(header(path, '0', st.size, e.mode));
        copyInto(join(dir, path), st.size, put);
      } else throw new TarRejectedError([`${shown(path)} is not a regular file or dir`]);
    }
  };
  try {
    walk('');
    put(Buffer.alloc(2 * BLOCK));
  } finally {
    closeSync(fd);
  }
  return { sha256: hash.digest('hex'), sizeBytes: size, entries };
}

/** Copies exactly `size` bytes of `file` (never through a symlink), padded to a block. */
function copyInto(file: string, size: number, put: (b: Buffer) => void): void {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const buf = Buffer.alloc(CHUNK);
    let left = size;
    while (left > 0) {
      const n = readSync(fd, buf, 0, Math.min(CHUNK, left), null);
      if (n === 0) throw new TarRejectedError([`${shown(file)} shrank while archived`]);
      put(Buffer.from(buf.subarray(0, n)));
      left -= n;
    }
    const pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (pad) put(Buffer.alloc(pad));
  } finally {
    closeSync(fd);
  }
}

function header(path: string, type: '0' | '5', size: number, mode: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  let name = path;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    // ustar splits a long path at a '/' into prefix (155) and name (100).
    const cut = path.lastIndexOf('/', path.length - 2);
    [prefix, name] = cut > 0 ? [path.slice(0, cut), path.slice(cut + 1)] : ['', path];
    if (Buffer.byteLength(name) > 100 || Buffer.byteLength(prefix) > 155)
      throw new TarRejectedError([`${shown(path)} is too long for ustar`]);
  }
  h.write(name, 0, 100, 'utf8');
  octal(h, 100, 8, mode);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, size);
  octal(h, 136, 12, 0);
  h.write(type, 156, 1, 'latin1');
  h.write('ustar\u000000', 257, 8, 'latin1');
  h.write(prefix, 345, 155, 'utf8');
  h.fill(0x20, 148, 156);
  octal(h, 148, 8, checksum(h));
  return h;
}

function octal(h: Buffer, off: number, len: number, v: number): void {
  h.write(v.toString(8).padStart(len - 1, '0'), off, len - 1, 'latin1');
  h[off + len - 1] = 0;
}
