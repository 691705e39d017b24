// Looks inside a qemu guest's disk without the controller or the agent: a
// copy converted to raw (`qemu-img convert -U`, so a running guest's overlay
// can be read), its journal replayed on the copy (e2fsck), then debugfs. The
// guest agent keeps its token in /token of the data filesystem (/data/token).
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from './tmp.js';

function run(cmd: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Runs `fn` on a raw copy of the qcow2 at `path` (journal replayed), removed afterwards. */
export function withRawCopy<T>(path: string, fn: (raw: string) => T): T {
  const raw = join(tmpDir('nephele-raw-'), 'disk.raw');
  try {
    const c = run('qemu-img', ['convert', '-U', '-O', 'raw', path, raw]);
    if (c.code !== 0) throw new Error(`qemu-img convert ${path}: ${c.stderr}`);
    // -p replays the journal and fixes what is safe; exit codes 0..2 mean clean or fixed.
    const f = run('e2fsck', ['-fp', raw]);
    if (f.code === null || f.code > 2) throw new Error(`e2fsck on the copy of ${path}: ${f.code} ${f.stderr}`);
    return fn(raw);
  } finally {
    rmSync(raw, { force: true });
  }
}

/** The content of /token on the disk's filesystem, or undefined if there is none. */
export function tokenOnDisk(path: string): string | undefined {
  return withRawCopy(path, (raw) => {
    const s = run('debugfs', ['-R', 'stat /token', raw]);
    if (/File not found/.test(s.stderr + s.stdout)) return undefined;
    return run('debugfs', ['-R', 'cat /token', raw]).stdout.trim();
  });
}

/** A file of the disk's filesystem (debugfs cat), '' if absent. */
export function fileOnDisk(path: string, file: string): string {
  return withRawCopy(path, (raw) => run('debugfs', ['-R', `cat ${file}`, raw]).stdout);
}

/** Whether `needle` occurs anywhere in the file (read in 1 MiB chunks, overlapping by needle length). */
export function bytesContain(path: string, needle: string): boolean {
  const n = Buffer.from(needle);
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    let carry = Buffer.alloc(0);
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, null);
      if (got === 0) return false;
      const chunk = Buffer.concat([carry, buf.subarray(0, got)]);
      if (chunk.includes(n)) return true;
      carry = chunk.subarray(Math.max(0, chunk.length - n.length + 1));
    }
  } finally {
    closeSync(fd);
  }
}

/** `qemu-img info --backing-chain -U` of a qcow2: the files of its chain, top first. */
export function backingChain(path: string): { filename: string; format: string }[] {
  const r = run('qemu-img', ['info', '--backing-chain', '-U', '--output=json', path]);
  if (r.code !== 0) throw new Error(`qemu-img info ${path}: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { filename: string; format: string }[]).map((x) => ({
    filename: x.filename,
    format: x.format,
  }));
}
