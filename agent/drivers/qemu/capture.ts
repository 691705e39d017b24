// Capture of a management instance's disk (DESIGN §8): the copy must hold no token,
// and we prove it with e2fsprogs on the raw filesystem (nothing is mounted):
//   1. e2fsck -p replays the journal (the guest's filesystem was live, so the
//      copy is crash-consistent: the directory entry may still sit in the journal);
//   2. debugfs reads /token, its data blocks are zeroed in place, `rm /token`;
//   3. `stat /token` must fail, e2fsck -fn must find the filesystem clean, and
//      the token's bytes must occur nowhere in the whole raw image (journal and
//      free blocks included); any occurrence fails the capture.
// Pausing the VM is the driver's (capture-paused marker, see driver.ts).
import { execFile } from 'node:child_process';
import {
  closeSync,
  existsSync,
  createReadStream,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { promisify } from 'node:util';
import type { Logger } from '../../../common/logger.js';
import { DriverError, type CaptureResult } from '../driver.js';
import { fileSha256 } from './image.js';
import type { QemuInstance } from './instance.js';
import { tokenGet } from './manage.js';

const execFileP = promisify(execFile);
const TOOL_TIMEOUT_MS = 120_000;
const EXT_MAGIC = 0xef53;

/** Runs a tool; resolves with its output and exit code instead of throwing on a non-zero exit. */
async function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await execFileP(cmd, args, { timeout: TOOL_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: unknown; stdout?: string; stderr?: string; message: string };
    if (typeof x.code !== 'number') throw new DriverError(`${cmd} failed: ${x.message}`, 'FAILED');
    return { code: x.code, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

const debugfs = (raw: string, request: string, write = false) =>
  run('debugfs', [...(write ? ['-w'] : []), '-R', request, raw]);

/** Block size of the ext2/3/4 filesystem at the start of `raw` (its superblock at byte 1024). */
export function extBlockSize(raw: string): number {
  const fd = openSync(raw, 'r');
  try {
    const sb = Buffer.alloc(1024);
    if (readSync(fd, sb, 0, 1024, 1024) < 1024 || sb.readUInt16LE(56) !== EXT_MAGIC)
      throw new DriverError('the captured disk holds no ext filesystem', 'FAILED');
    return 1024 << sb.readUInt32LE(24);
  } finally {
    closeSync(fd);
  }
}

/**
 * How often `needle` occurs in the file, or in its byte ranges `[start, end)`
 * (streamed; matches across chunk borders count, not across ranges).
 */
export async function countOccurrences(
  path: string,
  needle: Buffer,
  ranges?: Array<[number, number]>,
): Promise<number> {
  if (!needle.length) return 0;
  let n = 0;
  for (const [start, end] of ranges ?? [[0, Infinity]]) {
    if (end <= start) continue;
    let carry = Buffer.alloc(0);
    const opts = { highWaterMark: 1 << 20, start, ...(Number.isFinite(end) ? { end: end - 1 } : {}) };
    for await (const chunk of createReadStream(path, opts)) {
      const buf = Buffer.concat([carry, chunk as Buffer]);
      for (let i = buf.indexOf(needle); i >= 0; i = buf.indexOf(needle, i + 1)) n++;
      carry = buf.subarray(Math.max(0, buf.length - needle.length + 1));
    }
  }
  return n;
}

/**
 * The ranges of a sparse raw file that hold data (`qemu-img map`, adjacent
 * ones merged): holes read as zeros and a token has no zero byte, so scanning
 * these finds every occurrence without reading a mostly empty virtual size.
 */
export async function dataRanges(qemuImg: string, raw: string): Promise<Array<[number, number]>> {
  const r = await run(qemuImg, ['map', '-f', 'raw', '--output=json', raw]);
  if (r.code !== 0) throw new DriverError(`qemu-img map: ${r.stderr.trim()}`, 'FAILED');
  const out: Array<[number, number]> = [];
  for (const e of JSON.parse(r.stdout) as Array<{ start: number; length: number; data: boolean }>) {
    if (!e.data) continue;
    const last = out.at(-1);
    if (last && last[1] === e.start) last[1] = e.start + e.length;
    else out.push([e.start, e.start + e.length]);
  }
  return out;
}

/** Zeroes the listed filesystem blocks of `raw`. */
function zeroBlocks(raw: string, blocks: number[], blockSize: number): void {
  const fd = openSync(raw, 'r+');
  try {
    const zero = Buffer.alloc(blockSize);
    for (const b of blocks) writeSync(fd, zero, 0, blockSize, b * blockSize);
  } finally {
    closeSync(fd);
  }
}

async function fsck(raw: string, args: string[], what: string): Promise<void> {
  const r = await run('e2fsck', [...args, raw]);
  // 0 clean, 1 errors corrected (journal replay counts): anything else is a broken copy.
  if (r.code > 1) throw new DriverError(`e2fsck ${what} of the captured disk: exit ${r.code}`, 'FAILED');
}

/**
 * Removes /token from the raw filesystem image and proves it gone. `tokens`: the
 * token(s) to look for (the guest's, read over the channel before the pause).
 * Returns the proof text; throws when any proof fails.
 */
export async function scrubToken(raw: string, tokens: string[], qemuImg = 'qemu-img'): Promise<string> {
  await fsck(raw, ['-p'], 'journal replay');
  const blockSize = extBlockSize(raw);
  const found = await debugfs(raw, 'cat /token');
  const onDisk = found.stdout.trim();
  const needles = [...new Set([...tokens, ...(onDisk ? [onDisk] : [])])].filter(Boolean);
  let zeroed = 0;
  const there = !/not found/i.test((await debugfs(raw, 'stat /token')).stderr);
  if (there) {
    const blocks = (await debugfs(raw, 'blocks /token')).stdout.trim().split(/\s+/).filter(Boolean).map(Number);
    if (blocks.some((b) => !Number.isSafeInteger(b) || b <= 0))
      throw new DriverError('debugfs listed unexpected blocks for /token', 'FAILED');
    zeroBlocks(raw, blocks, blockSize);
    zeroed = blocks.length;
    const rm = await debugfs(raw, 'rm /token', true);
    if (rm.code !== 0) throw new DriverError(`debugfs rm /token: exit ${rm.code}`, 'FAILED');
  }
  if (!/not found/i.test((await debugfs(raw, 'stat /token')).stderr))
    throw new DriverError('debugfs still finds /token in the captured disk', 'FAILED');
  await fsck(raw, ['-fn'], 'check');
  const size = statSync(raw).size;
  const ranges = await dataRanges(qemuImg, raw);
  const scanned = ranges.reduce((sum, [a, b]) => sum + b - a, 0);
  for (const t of needles) {
    const n = await countOccurrences(raw, Buffer.from(t), ranges);
    if (n) throw new DriverError(`the token's bytes remain ${n} time(s) in the captured disk`, 'FAILED');
  }
  return (
    `debugfs: /token ${there ? `removed (${zeroed} block(s) of ${blockSize} B zeroed)` : 'was absent'}, ` +
    `stat /token fails; e2fsck -fn clean; 0 occurrences of ${needles.length} token(s) in ${size} bytes (${scanned} bytes of data, the rest holes)`
  );
}

/** Converts the scrubbed raw image into a standalone qcow2 at `out` and describes it. */
export async function writeQcow2(qemuImg: string, raw: string, out: string, proof: string): Promise<CaptureResult> {
  const tmp = `${out}.tmp`;
  try {
    const r = await run(qemuImg, ['convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, tmp]);
    if (r.code !== 0) throw new DriverError(`qemu-img convert to qcow2: ${r.stderr.trim()}`, 'FAILED');
    renameSync(tmp, out);
  } finally {
    rmSync(tmp, { force: true });
  }
  return { format: 'qcow2', sha256: await fileSha256(out), sizeBytes: statSync(out).size, proof };
}

/** Flattens the (paused) VM's overlay + base into a raw file; -U: QEMU holds the image lock. */
export async function flattenToRaw(qemuImg: string, overlay: string, raw: string): Promise<void> {
  const r = await run(qemuImg, ['convert', '-q', '-U', '-f', 'qcow2', '-O', 'raw', overlay, raw]);
  if (r.code !== 0) throw new DriverError(`qemu-img convert of the overlay: ${r.stderr.trim()}`, 'FAILED');
}

/**
 * The whole capture of a running VM: read its token (for the byte scan), guest
 * `sync`, QMP `stop` with the capture-paused marker written first, flatten,
 * QMP `cont` (always, also when flattening failed), then scrub and write `out`.
 */
export async function captureInstance(
  vm: QemuInstance,
  qemuImg: string,
  out: string,
  log: Logger,
): Promise<CaptureResult> {
  if (vm.phase !== 'running') throw new DriverError(`VM ${vm.id} is ${vm.phase}: a capture needs it running`, 'FAILED');
  const ga = await vm.gaOf();
  const token = await tokenGet(ga);
  await ga.request('sync', 60_000);
  const raw = `${out}.raw`;
  try {
    const qmp = await vm.qmpOf();
    writeFileSync(vm.paths.capturePaused, new Date().toISOString() + '\n');
    const t0 = Date.now();
    try {
      await qmp.execute('stop');
      await flattenToRaw(qemuImg, vm.paths.overlay, raw);
    } finally {
      await continueAfterCapture(vm);
    }
    const pausedMs = Date.now() - t0;
    const result = await writeQcow2(qemuImg, raw, out, await scrubToken(raw, token ? [token] : [], qemuImg));
    log.info({ vm_id: vm.id, paused_ms: pausedMs, size_bytes: result.sizeBytes, sha256: result.sha256 }, 'captured');
    return result;
  } finally {
    rmSync(raw, { force: true });
  }
}

/** Continues a VM a capture paused (also one a crashed agent left paused) and drops the marker. */
export async function continueAfterCapture(vm: QemuInstance): Promise<void> {
  await (await vm.qmpOf()).execute('cont');
  vm.phase = 'running';
  rmSync(vm.paths.capturePaused, { force: true });
  vm.pingAgain();
}

/** After an agent restart: an agent that died mid-capture left the VM paused; continue it. */
export async function continueIfCaptureLeftPaused(vm: QemuInstance, log: Logger): Promise<void> {
  if (!existsSync(vm.paths.capturePaused)) return;
  log.warn({ vm_id: vm.id }, 'continuing a VM a capture left paused');
  // The VM is recovered either way; the marker stays for the next recover if QMP fails now.
  await continueAfterCapture(vm).catch((e: unknown) =>
    log.error({ vm_id: vm.id, err: e }, 'could not continue a VM a capture left paused'),
  );
}
