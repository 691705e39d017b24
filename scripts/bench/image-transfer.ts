import { copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { downloadImage, uploadImage } from '../../controller/cli/commands/image.js';
import { removeDir, tempDir } from './children.js';
import { startController } from './controller.js';
import { fig, type Figures } from './results.js';

// Image transfer: a raw disk of BENCH_IMAGE_MB MiB uploaded to a real
// controller (UploadImage: chunked, offsets and sha256 checked, format
// inspected, registered) and streamed back out of the store (DownloadImage,
// the same blob sender as AgentService.FetchImage), checked against its sha256
// on arrival. MB/s over both legs: each byte crosses the wire twice, as a base
// does from a user's disk to an agent's cache. Beside it, in the same run, a
// plain file copy (copyFileSync) of the same file on the same disk.

const log = (msg: string) => process.stdout.write(`[image-transfer] ${msg}\n`);

export async function runImageTransfer(): Promise<Figures> {
  const mb = Number(process.env.BENCH_IMAGE_MB ?? 256);
  if (!Number.isInteger(mb) || mb <= 0) throw new Error('BENCH_IMAGE_MB must be a positive whole number');
  const dir = tempDir('image-transfer');
  const ctl = await startController(join(dir, 'controller'));
  const admin = ctl.admin();
  try {
    const file = join(dir, 'disk.raw');
    const block = randomBytes(1024 * 1024);
    writeFileSync(file, Buffer.alloc(0));
    for (let i = 0; i < mb; i++) writeFileSync(file, block, { flag: 'a' });
    const size = statSync(file).size;
    const meta = {
      name: 'bench',
      format: 'IMAGE_FORMAT_RAW',
      scheme: 'qemu',
      sizeBytes: size,
      spec: { scheme: 'qemu', vcpus: 1, memoryMib: 128 },
    };
    let t0 = performance.now();
    const up = await uploadImage(admin, file, meta);
    const upS = (performance.now() - t0) / 1000;
    t0 = performance.now();
    await downloadImage(admin, up.image!.id, up.image!.sha256, join(dir, 'back.raw'));
    const downS = (performance.now() - t0) / 1000;
    const want = createHash('sha256').update(readFileSync(file)).digest('hex');
    if (up.image!.sha256 !== want) throw new Error('the stored image is not the file');
    t0 = performance.now();
    copyFileSync(file, join(dir, 'copy.raw'));
    const copyS = (performance.now() - t0) / 1000;
    const mib = size / 2 ** 20;
    log(`${mib} MiB: upload ${upS.toFixed(2)} s, download ${downS.toFixed(2)} s, plain copy ${copyS.toFixed(2)} s`);
    return {
      'image.transfer_mb_per_s': fig(mib / (upS + downS), 'MiB/s'),
      'image.upload_mb_per_s': fig(mib / upS, 'MiB/s'),
      'image.download_mb_per_s': fig(mib / downS, 'MiB/s'),
      'image.bare_copy_mb_per_s': fig(mib / copyS, 'MiB/s'),
    };
  } finally {
    admin.close();
    await ctl.stop();
    removeDir(dir);
  }
}
