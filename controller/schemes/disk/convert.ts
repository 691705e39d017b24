// Disk conversion between the schemes' formats with qemu-img (issue 16): the
// source inspected first (inspect.ts: nothing QEMU would open besides the file),
// `qemu-img convert -p` run directly (no shell), its progress read from its
// output, bounded in time and cancellable, and the result checked with
// `qemu-img info` (the format claimed, the same virtual size) before it is put
// in place. A failed, timed-out or cancelled conversion leaves no output file.
import { spawn } from 'node:child_process';
import { renameSync, rmSync, statSync } from 'node:fs';
import { DiskRejectedError, qemuImgInfo } from '../../../common/disk-inspect.js';
import { NepheleError } from '../../../common/errors.js';
import type { DiskFormatName } from '../../../common/spec/definition.js';
import { CREATE_OPTIONS, QEMU_FORMAT } from './formats.js';
import { inspectDisk, infoProblems } from './inspect.js';

export const DEFAULT_CONVERT_TIMEOUT_MS = 30 * 60_000;
const STDERR_KEEP = 4096;

export interface ConvertOptions {
  /** Percent done (0–100), called when it advances by at least a whole percent. */
  onProgress?: (percent: number) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** The largest virtual size accepted (source and output). */
  maxVirtualBytes: number;
  qemuImg?: string;
}

export interface Converted {
  virtualBytes: number;
  sizeBytes: number;
}

/**
 * The last percentage in a piece of `qemu-img convert -p` output, which
 * rewrites one line with "    (12.34/100%)\r"; undefined when it holds none.
 */
export function lastProgress(text: string): number | undefined {
  let out: number | undefined;
  for (const m of text.matchAll(/\((\d{1,3}(?:\.\d+)?)\/100%\)/g)) {
    const p = Number(m[1]);
    if (p >= 0 && p <= 100) out = p;
  }
  return out;
}

/** Runs qemu-img convert; rejects on a non-zero exit, the timeout or the signal (the process is killed). */
function runConvert(args: string[], o: ConvertOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    if (o.signal?.aborted) return reject(new NepheleError('ABORTED', 'the conversion was cancelled'));
    const child = spawn(o.qemuImg ?? 'qemu-img', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let carry = '';
    let reported = -1;
    let why: NepheleError | undefined;
    const kill = (e: NepheleError) => {
      why ??= e;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () => kill(new NepheleError('DEADLINE_EXCEEDED', 'the disk conversion took too long')),
      o.timeoutMs ?? DEFAULT_CONVERT_TIMEOUT_MS,
    );
    const onAbort = () => kill(new NepheleError('ABORTED', 'the conversion was cancelled'));
    o.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('latin1').on('data', (s: string) => {
      const text = carry + s;
      carry = text.slice(-32); // a percentage split across reads
      const p = lastProgress(text);
      if (p !== undefined && Math.floor(p) > reported) {
        reported = Math.floor(p);
        o.onProgress?.(p);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-STDERR_KEEP)));
    child.on('error', (e) => kill(new NepheleError('INTERNAL', `qemu-img could not run: ${e.message}`)));
    child.on('close', (code) => {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      if (why) return reject(why);
      if (code === 0) return resolve();
      // The source passed inspection but qemu-img cannot read it through (a damaged table): the disk's fault.
      const last = (stderr.trim().split('\n').pop() ?? '').replace(/[\x00-\x1f\x7f]/g, ' ');
      reject(new DiskRejectedError([`qemu-img cannot convert it (exit ${code}): ${last.slice(0, 300)}`]));
    });
  });
}

/**
 * Converts `src` (a disk from outside, declared `srcFormat`) into `dst` as
 * `dstFormat`. The source is inspected before qemu-img opens it (throws
 * DiskRejectedError); the output is checked before it appears at `dst`.
 */
export async function convertDisk(
  src: string,
  srcFormat: DiskFormatName,
  dst: string,
  dstFormat: DiskFormatName,
  o: ConvertOptions,
): Promise<Converted> {
  const virtualBytes = await inspectDisk(src, srcFormat, { maxVirtualBytes: o.maxVirtualBytes, qemuImg: o.qemuImg });
  const part = `${dst}.part`;
  try {
    await runConvert(
      [
        'convert',
        '-p',
        '-f',
        QEMU_FORMAT[srcFormat],
        '-O',
        QEMU_FORMAT[dstFormat],
        ...CREATE_OPTIONS[dstFormat],
        src,
        part,
      ],
      o,
    );
    if (o.signal?.aborted) throw new NepheleError('ABORTED', 'the conversion was cancelled');
    await verifyOutput(part, dstFormat, virtualBytes, o);
    renameSync(part, dst);
    o.onProgress?.(100);
    return { virtualBytes, sizeBytes: statSync(dst).size };
  } finally {
    rmSync(part, { force: true });
  }
}

/** The output as qemu-img reads it: the format claimed, the source's virtual size, nothing else opened. */
export async function verifyOutput(
  path: string,
  format: DiskFormatName,
  virtualBytes: number,
  o: Pick<ConvertOptions, 'qemuImg' | 'maxVirtualBytes'>,
): Promise<void> {
  const info = await qemuImgInfo(path, QEMU_FORMAT[format], { qemuImg: o.qemuImg });
  const problems = infoProblems(info, format, path, o.maxVirtualBytes);
  const size = (info as { 'virtual-size'?: unknown })['virtual-size'];
  if (size !== virtualBytes) problems.push(`its virtual size is ${String(size)} B, the source's ${virtualBytes} B`);
  if (problems.length)
    throw new NepheleError('INTERNAL', `the converted disk is not what was asked for: ${problems.join('; ')}`);
}

export { DiskRejectedError };
