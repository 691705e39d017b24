import { fork } from 'node:child_process';
import { closeSync, createReadStream, fsyncSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { DISK_CHUNK_BYTES, MAX_DISK_CHUNK_BYTES } from '../../common/disk-stream.js';
import { v1 } from '../../common/grpc/load.js';
import { CLIENT_CHANNEL_OPTIONS } from '../../common/grpc/options.js';
import { downloadImage, uploadImage } from '../../controller/cli/commands/image.js';
import { removeDir, stopChild, tempDir, track } from './children.js';
import { DIST, profileArgs, startController } from './controller.js';
import { fig, median, type Figures } from './results.js';

// Image transfer: a raw disk of BENCH_IMAGE_MB MiB uploaded to a real
// controller (UploadImage: chunked, offsets and sha256 checked, format
// inspected, registered) and streamed back out of the store (DownloadImage,
// the same blob sender as AgentService.FetchImage), checked against its sha256
// on arrival. MB/s over both legs: each byte crosses the wire twice, as a base
// does from a user's disk to an agent's cache, and is written durably (fsync)
// and hashed at each end. Beside it, in the same run, the bare equivalent:
// image.bare_copy_mb_per_s is the same two hops as plain file copies (file →
// copy → copy of the copy) through userspace (read/write in 1 MiB blocks, then
// fsync), MiB/s over both hops; not copyFileSync, whose copy_file_range or
// reflink moves no bytes through the process at all. And the raw floor of the
// wire: image.bare_grpc_stream_mb_per_s, a bare grpc-js client streaming the
// same DiskChunks to a bare grpc-js server (image-bare-server.ts) over
// loopback TLS that only counts them (no hashing, no disk), one hop. Each
// figure is the median of BENCH_IMAGE_ROUNDS (3) rounds in which ours and the
// baselines take turns; image.transfer_vs_bare_copy is the ratio of medians.

const log = (msg: string) => process.stdout.write(`[image-transfer] ${msg}\n`);

export async function runImageTransfer(): Promise<Figures> {
  const mb = Number(process.env.BENCH_IMAGE_MB ?? 256);
  if (!Number.isInteger(mb) || mb <= 0) throw new Error('BENCH_IMAGE_MB must be a positive whole number');
  const rounds = Number(process.env.BENCH_IMAGE_ROUNDS ?? 3);
  if (!Number.isInteger(rounds) || rounds <= 0) throw new Error('BENCH_IMAGE_ROUNDS must be a positive whole number');
  const dir = tempDir('image-transfer');
  const ctl = await startController(join(dir, 'controller'));
  const admin = ctl.admin();
  try {
    // Ours and the baselines take turns, round by round, and each figure is the
    // median of its rounds: this machine's noise comes in bursts of seconds, and
    // one burst must not land on one side of the ratio only.
    const up: number[] = [];
    const down: number[] = [];
    const copy: number[] = [];
    const grpcS: number[] = [];
    let size = 0;
    for (let round = 0; round < rounds; round++) {
      // A file of its own each round (fresh bytes: nothing is deduplicated by its sha256).
      const file = join(dir, `disk-${round}.raw`);
      writeFileSync(file, Buffer.alloc(0));
      for (let i = 0; i < mb; i++) writeFileSync(file, randomBytes(1024 * 1024), { flag: 'a' });
      size = statSync(file).size;
      const meta = {
        name: `bench-${round}`,
        format: 'IMAGE_FORMAT_RAW',
        scheme: 'qemu',
        sizeBytes: size,
        spec: { scheme: 'qemu', vcpus: 1, memoryMib: 128 },
      };
      let t0 = performance.now();
      const image = (await uploadImage(admin, file, meta)).image!;
      up.push((performance.now() - t0) / 1000);
      t0 = performance.now();
      await downloadImage(admin, image.id, image.sha256, join(dir, 'back.raw'));
      down.push((performance.now() - t0) / 1000);
      const want = createHash('sha256').update(readFileSync(file)).digest('hex');
      if (image.sha256 !== want) throw new Error('the stored image is not the file');
      t0 = performance.now();
      plainCopy(file, join(dir, 'copy.raw'));
      plainCopy(join(dir, 'copy.raw'), join(dir, 'copy2.raw'));
      copy.push((performance.now() - t0) / 1000);
      grpcS.push(await bareGrpcStream(ctl.dataDir, file));
      for (const f of [file, ...['back.raw', 'copy.raw', 'copy2.raw'].map((n) => join(dir, n))]) rmSync(f, { force: true });
      const s = (xs: number[]) => `${xs[round]!.toFixed(2)} s`;
      log(
        `round ${round + 1}/${rounds}, ${mb} MiB: upload ${s(up)}, download ${s(down)}; ` +
          `plain copy, two hops ${s(copy)}; bare grpc stream, one hop ${s(grpcS)}`,
      );
    }
    const mib = size / 2 ** 20;
    const transfer = up.map((u, i) => u + down[i]!);
    return {
      'image.transfer_mb_per_s': fig(mib / median(transfer), 'MiB/s'),
      'image.upload_mb_per_s': fig(mib / median(up), 'MiB/s'),
      'image.download_mb_per_s': fig(mib / median(down), 'MiB/s'),
      'image.bare_copy_mb_per_s': fig(mib / median(copy), 'MiB/s'),
      'image.bare_grpc_stream_mb_per_s': fig(mib / median(grpcS), 'MiB/s'),
      'image.transfer_vs_bare_copy': fig(median(copy) / median(transfer), 'ratio', 2),
    };
  } finally {
    admin.close();
    await ctl.stop();
    removeDir(dir);
  }
}

/** A plain copy through userspace: 1 MiB reads and writes, then fsync (as each of our hops ends). */
function plainCopy(from: string, to: string): void {
  const buf = Buffer.allocUnsafe(MAX_DISK_CHUNK_BYTES);
  const src = openSync(from, 'r');
  const dst = openSync(to, 'w', 0o600);
  try {
    for (let n; (n = readSync(src, buf, 0, buf.length, null)) > 0; ) writeSync(dst, buf, 0, n);
    fsyncSync(dst);
  } finally {
    closeSync(src);
    closeSync(dst);
  }
}

/** Seconds for a bare grpc-js client to stream `file` as DiskChunks to the bare server (TLS, loopback). */
async function bareGrpcStream(dataDir: string, file: string): Promise<number> {
  const proc = track(
    fork(join(DIST, 'scripts/bench/image-bare-server.js'), [dataDir], {
      execArgv: profileArgs(),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  const client = await new Promise<InstanceType<ReturnType<typeof v1>['AgentService']>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('image bare server not ready after 15 s')), 15_000);
    proc.once('message', (m: { port: number }) => {
      clearTimeout(timer);
      const ca = readFileSync(join(dataDir, 'ca.pem'));
      resolve(new (v1().AgentService)(`127.0.0.1:${m.port}`, grpc.credentials.createSsl(ca), CLIENT_CHANNEL_OPTIONS));
    });
    proc.once('exit', (code) => reject(new Error(`image bare server exited (${code})`)));
  });
  try {
    await new Promise<void>((resolve, reject) =>
      client.waitForReady(Date.now() + 15_000, (e) => (e ? reject(e) : resolve())),
    );
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const call = client.PutImage((err) => (err ? reject(err) : resolve()));
      void (async () => {
        let offset = 0;
        for await (const data of createReadStream(file, { highWaterMark: DISK_CHUNK_BYTES })) {
          const c = { transferId: 'bench', data: data as Buffer, offset, last: false, sha256: '' };
          offset += c.data.length;
          if (!call.write(c)) await new Promise((r) => call.once('drain', r));
        }
        call.end();
      })().catch(reject);
    });
    return (performance.now() - t0) / 1000;
  } finally {
    client.close();
    await stopChild(proc);
  }
}
