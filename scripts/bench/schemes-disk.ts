import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { convertDisk } from '../../controller/schemes/disk/convert.js';

import { fig, median, type Figures } from './results.js';

// Disk conversion for imports, exports and cross-scheme moves: a qcow2 of
// BENCH_DISK_MB MiB virtual (default 1024), one MiB of random data in every
// four (sparse-ish, as a used guest disk), converted to a monolithicSparse vmdk.
// schemes.disk_convert_mb_per_s is our path (controller/schemes/disk: the
// source inspected by our parse and a limited qemu-img info, qemu-img convert -p
// with its progress read, the output checked with qemu-img info);
// schemes.bare_qemu_img_mb_per_s is plain `qemu-img convert` of the same disk,
// in the same run, alternating, median of BENCH_ROUNDS (5). MiB of virtual size
// per second. The files live on tmpfs (/dev/shm, or BENCH_DISK_DIR): on a shared
// disk the page cache's writeback of one run throttles the next by seconds, far
// more than the difference measured; tmpfs shows what our path costs beside
// qemu-img itself.

const log = (msg: string) => process.stdout.write(`[schemes-disk] ${msg}\n`);

export async function runSchemesDisk(): Promise<Figures> {
  const mb = Number(process.env.BENCH_DISK_MB ?? 1024);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const base = process.env.BENCH_DISK_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
  const dir = mkdtempSync(join(base, 'nephele-bench-schemes-disk-'));
  try {
    const raw = join(dir, 'disk.raw');
    const fd = openSync(raw, 'w');
    const block = randomBytes(1024 * 1024);
    for (let i = 0; i < mb; i += 4) writeSync(fd, block, 0, block.length, i * 1024 * 1024);
    closeSync(fd);
    execFileSync('truncate', ['-s', `${mb}M`, raw]);
    const src = join(dir, 'disk.qcow2');
    execFileSync('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', raw, src]);
    rmSync(raw);
    const dst = join(dir, 'out.vmdk');
    const bare = async () => {
      const t0 = performance.now();
      execFileSync('qemu-img', ['convert', '-f', 'qcow2', '-O', 'vmdk', src, dst]);
      return (performance.now() - t0) / 1000;
    };
    const ours = async () => {
      const t0 = performance.now();
      await convertDisk(src, 'qcow2', dst, 'vmdk', { maxVirtualBytes: 2 * mb * 1024 * 1024 });
      return (performance.now() - t0) / 1000;
    };
    await bare(); // warm the page cache for both
    rmSync(dst, { force: true });
    const b: number[] = [];
    const o: number[] = [];
    for (let i = 0; i < rounds; i++) {
      b.push(await bare());
      rmSync(dst, { force: true });
      o.push(await ours());
      rmSync(dst, { force: true });
      log(`round ${i + 1}: bare ${b.at(-1)!.toFixed(2)} s, ours ${o.at(-1)!.toFixed(2)} s`);
    }
    const oursRate = mb / median(o);
    const bareRate = mb / median(b);
    log(`ours ${oursRate.toFixed(1)} MiB/s, bare ${bareRate.toFixed(1)} MiB/s, ratio ${(oursRate / bareRate).toFixed(3)}`);
    return {
      'schemes.disk_convert_mb_per_s': fig(oursRate, 'MiB/s'),
      'schemes.bare_qemu_img_mb_per_s': fig(bareRate, 'MiB/s'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
