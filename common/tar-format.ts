// The ustar pieces the reader (tar.ts) and the writer (tar-write.ts) share.

export const BLOCK = 512;
export const CHUNK = 64 * 1024;

export interface TarEntry {
  /** Normalized relative path ('a/b.txt', dirs without a trailing '/'). */
  path: string;
  type: 'file' | 'dir';
  size: number;
  /** Permission bits as they will be written (setuid/setgid/sticky and group/other write dropped). */
  mode: number;
}

/** The archive must not be used; `reasons` says every problem found. */
export class TarRejectedError extends Error {
  constructor(readonly reasons: string[]) {
    super(`tar refused: ${reasons.join('; ')}`);
    this.name = 'TarRejectedError';
  }
}

/** Names from the archive go into messages: no control characters, bounded. */
export const shown = (s: string) => JSON.stringify(s.length > 120 ? `${s.slice(0, 120)}…` : s);
/** A file's mode as written: no setuid/setgid/sticky, no group/other write, always readable. */
export const fileMode = (m: number) => (m & 0o755) | 0o644;
export const DIR_MODE = 0o755;

/** Sum of the header's bytes with the checksum field counted as spaces. */
export function checksum(h: Buffer): number {
  let s = 0;
  for (let i = 0; i < BLOCK; i++) s += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return s;
}
