// Guest images: <imageRoot>/<name>/{vmlinux, initramfs.cpio.gz, data.qcow2,
// manifest.json}, as scripts/make-guest-image.sh writes them.
import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  readFileSync,
  readdirSync,
  statSync,
  openSync,
  readSync,
  closeSync,
} from 'node:fs';
import { join } from 'node:path';
import { DriverError } from '../driver.js';

export interface GuestManifest {
  bootArgs: string;
  guestAgentPort: string;
  appliancePort: number;
  files: Record<string, string>;
  kernelVersion?: string;
  [k: string]: unknown;
}

export interface GuestImage {
  name: string;
  dir: string;
  kernel: string;
  initrd: string;
  dataDisk: string;
  manifest: GuestManifest;
}

export const IMAGE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const FILES = ['vmlinux', 'initramfs.cpio.gz', 'data.qcow2', 'manifest.json'] as const;

/** Missing files of an image directory ([] when complete). */
export function missingImageFiles(dir: string): string[] {
  return FILES.filter((f) => !existsSync(join(dir, f)));
}

export function loadImage(imageRoot: string, name: string): GuestImage {
  if (!IMAGE_NAME_RE.test(name) || name.includes('..'))
    throw new DriverError(`image name ${JSON.stringify(name)} is not valid`, 'INVALID_SPEC');
  const dir = join(imageRoot, name);
  const missing = missingImageFiles(dir);
  if (missing.length)
    throw new DriverError(`image ${name} not usable: missing ${missing.join(', ')} in ${dir}`, 'INVALID_SPEC');
  let manifest: GuestManifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as GuestManifest;
  } catch (e) {
    throw new DriverError(`image ${name}: bad manifest.json: ${(e as Error).message}`, 'INVALID_SPEC');
  }
  return {
    name,
    dir,
    kernel: join(dir, 'vmlinux'),
    initrd: join(dir, 'initramfs.cpio.gz'),
    dataDisk: join(dir, 'data.qcow2'),
    manifest: {
      ...manifest,
      bootArgs: typeof manifest.bootArgs === 'string' ? manifest.bootArgs : 'console=ttyS0',
      guestAgentPort: typeof manifest.guestAgentPort === 'string' ? manifest.guestAgentPort : 'org.nephele.agent',
      appliancePort: typeof manifest.appliancePort === 'number' ? manifest.appliancePort : 8080,
      files: manifest.files ?? {},
    },
  };
}

const hashCache = new Map<string, { size: number; mtimeMs: number; sha256: string }>();

/** SHA-256 of a file, memoised by (path, size, mtime). */
export async function fileSha256(path: string): Promise<string> {
  const st = statSync(path);
  const c = hashCache.get(path);
  if (c && c.size === st.size && c.mtimeMs === st.mtimeMs) return c.sha256;
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  const sha256 = h.digest('hex');
  hashCache.set(path, { size: st.size, mtimeMs: st.mtimeMs, sha256 });
  return sha256;
}

/** Virtual size of a qcow2 file from its header (bytes 24..31, big-endian). */
export function qcow2VirtualSize(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(32);
    if (readSync(fd, b, 0, 32, 0) < 32 || b.readUInt32BE(0) !== 0x514649fb)
      throw new Error(`${path} is not a qcow2 file`);
    return Number(b.readBigUInt64BE(24));
  } finally {
    closeSync(fd);
  }
}

/** 'nephele-guest' if complete, else the first complete image directory under `imageRoot`. */
export function defaultImage(imageRoot: string): GuestImage | undefined {
  const names = ['nephele-guest'];
  try {
    for (const d of readdirNames(imageRoot)) if (!names.includes(d)) names.push(d);
  } catch {
    return undefined;
  }
  for (const n of names) {
    if (!IMAGE_NAME_RE.test(n) || missingImageFiles(join(imageRoot, n)).length) continue;
    try {
      return loadImage(imageRoot, n);
    } catch {
      /* next */
    }
  }
  return undefined;
}

function readdirNames(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}
