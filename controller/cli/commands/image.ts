// nephele image: golden images (ls, show, import, download, revoke, lineage).
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import type * as grpc from '@grpc/grpc-js';
import { encodedChunks, passEncoded, type EncodedChunk } from '../../../common/chunk-codec.js';
import { DISK_CHUNK_BYTES, DiskReceiver } from '../../../common/disk-stream.js';
import type { DiskChunk__Output } from '../../../common/gen/nephele/v1/DiskChunk.js';
import type { GetImageLineageResponse__Output } from '../../../common/gen/nephele/v1/GetImageLineageResponse.js';
import type { Image__Output as Image } from '../../../common/gen/nephele/v1/Image.js';
import type { ListImagesResponse__Output } from '../../../common/gen/nephele/v1/ListImagesResponse.js';
import type { RevokeImageResponse__Output } from '../../../common/gen/nephele/v1/RevokeImageResponse.js';
import type { UploadImageChunk } from '../../../common/gen/nephele/v1/UploadImageChunk.js';
import type { UploadImageResponse__Output } from '../../../common/gen/nephele/v1/UploadImageResponse.js';
import { sniff } from '../../images/inspect.js';
import { CliError, type AdminClient } from '../client.js';
import { bytes, details, enumWord, table, terminalSafe, when, type View } from '../format.js';
import type { CliKit } from '../kit.js';
import { gibibytes, keyValues, mebibytes, timeFlag, wholeNumber } from '../parse.js';

const FORMAT = { qcow2: 'IMAGE_FORMAT_QCOW2', raw: 'IMAGE_FORMAT_RAW', tar: 'IMAGE_FORMAT_TAR' } as const;

const imageRow = (i: Image) => [
  i.id,
  terminalSafe(i.name),
  enumWord(i.format, 'IMAGE_FORMAT_'),
  bytes(Number(i.sizeBytes)),
  enumWord(i.state, 'IMAGE_STATE_'),
  i.parentImageId || '-',
  when(Number(i.createdUnixMs)),
];
const HEAD = ['ID', 'NAME', 'FORMAT', 'SIZE', 'STATE', 'PARENT', 'CREATED'];

const imageDetails = (i: Image) =>
  details([
    ['ID', i.id],
    ['Name', terminalSafe(i.name)],
    ['Tenant', i.tenant],
    ['Scheme', i.scheme],
    ['Format', enumWord(i.format, 'IMAGE_FORMAT_')],
    ['Size', `${bytes(Number(i.sizeBytes))} (${i.sizeBytes} B)`],
    ['SHA-256', i.sha256],
    ['State', enumWord(i.state, 'IMAGE_STATE_')],
    ['Revoked', Number(i.revokedUnixMs) ? `${when(Number(i.revokedUnixMs))} ${terminalSafe(i.revokeReason)}` : '-'],
    ['Parent', i.parentImageId || '-'],
    ['Token', i.tokenId || '-'],
    ['Set', i.setId || '-'],
    ['Spec', `${i.spec?.vcpus} vCPU, ${i.spec?.memoryMib} MiB, ${i.spec?.diskGib} GiB disk`],
    ['Created', when(Number(i.createdUnixMs))],
  ]);

/** The first bytes of a file: its format, as the controller will check it. */
function formatOf(file: string): 'qcow2' | 'raw' | 'tar' {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(512);
    const f = sniff(buf.subarray(0, readSync(fd, buf, 0, 512, 0)));
    if (f === 'other') throw new CliError(`${file}: a disk format other than qcow2, raw or tar`);
    return f;
  } finally {
    closeSync(fd);
  }
}

export async function uploadImage(c: AdminClient, file: string, meta: object): Promise<UploadImageResponse__Output> {
  // The chunks go out pre-encoded (common/chunk-codec.ts): read straight into the message buffer.
  const m = (c.tokens.constructor as grpc.ServiceClientConstructor).service.UploadImage!;
  const metaField = m.requestSerialize({ meta });
  const none = Buffer.alloc(0);
  return new Promise((resolve, reject) => {
    const call = c.tokens.makeClientStreamRequest<UploadImageChunk | EncodedChunk, UploadImageResponse__Output>(
      m.path,
      passEncoded(m.requestSerialize),
      m.responseDeserialize,
      c.metadata(),
      {},
      (err, r) => (err ? reject(err) : resolve(r!)),
    );
    void (async () => {
      for await (const ch of encodedChunks(file, (offset) => (offset ? none : metaField), DISK_CHUNK_BYTES))
        if (!call.write(ch)) await new Promise((r) => call.once('drain', r));
      call.end();
    })().catch((e: unknown) => {
      call.cancel();
      reject(e instanceof Error ? new CliError(`${file}: ${e.message}`) : e);
    });
  });
}

/** Writes the image to `file` (via file.part), checking offsets and the sha256 the image record names. */
export async function downloadImage(c: AdminClient, id: string, want: string, file: string): Promise<number> {
  const rx = new DiskReceiver(file, (field, problem) => new CliError(`download: ${field} ${problem}`));
  const call = c.tokens.DownloadImage({ imageId: id }, c.metadata());
  try {
    for await (const ch of call as AsyncIterable<DiskChunk__Output>) {
      // The receiver checks the data against the last chunk's sha256; that must be the image's.
      if (ch.last && ch.sha256 !== want) throw new CliError('download: the sha256 does not match the image');
      await rx.write(ch);
    }
    if (!rx.done) throw new CliError('download: the stream ended before the last chunk');
    return rx.bytes;
  } catch (e) {
    call.cancel();
    throw e;
  } finally {
    rx.abort();
  }
}

function lineageTree(r: GetImageLineageResponse__Output): string {
  const depths = r.nodes.map((n) => n.depth);
  // The last child of its parent: no later sibling before the walk climbs above it.
  const isLast = (i: number) => {
    for (let j = i + 1; j < depths.length && depths[j]! >= depths[i]!; j++) if (depths[j] === depths[i]) return false;
    return true;
  };
  const open: boolean[] = []; // per depth: its node still has siblings to come (draw a bar under it)
  return r.nodes
    .map((n, i) => {
      const img = n.image!;
      const last = isLast(i);
      open[n.depth] = !last;
      const bars = Array.from({ length: Math.max(0, n.depth - 1) }, (_, d) => (open[d + 1] ? '│  ' : '   ')).join('');
      const sets = n.setIds.length ? `  sets: ${n.setIds.join(', ')}` : '';
      const state = enumWord(img.state, 'IMAGE_STATE_');
      return `${bars}${n.depth ? (last ? '└─ ' : '├─ ') : ''}${img.id} ${terminalSafe(img.name)} (${state})${sets}`;
    })
    .join('\n');
}

export function registerImageCommands(program: Command, k: CliKit): void {
  const image = program.command('image').description('golden images: captured or imported bases for linked clones');
  image
    .command('ls')
    .description('list images')
    .option('--tenant <name>', "another tenant's images (admins)")
    .option('--include-revoked', 'also revoked images')
    .action(async (o) => {
      const all = await k.withClient((c) =>
        k.listAll(async (pageToken) => {
          const r = await c.call<ListImagesResponse__Output>((md, op, cb) =>
            c.tokens.ListImages({ pageToken, tenant: o.tenant ?? '', includeRevoked: !!o.includeRevoked }, md, op, cb),
          );
          return { items: r.images, next: r.nextPageToken };
        }),
      );
      k.out(all, (v: View) => table(HEAD, all.map(imageRow), v));
    });
  image
    .command('show')
    .description("an image's record")
    .argument('<id>')
    .action(async (id: string) => {
      const r = await k.withClient((c) => c.getImage({ imageId: id }));
      k.out(r.image, () => imageDetails(r.image!));
    });
  image
    .command('import')
    .description('upload a qcow2, raw disk or process appliance tarball as an image')
    .argument('<file>')
    .requiredOption('--name <name>', "the image's name")
    .option('--vcpus <n>', 'vCPUs of clones', '1')
    .option('--memory <size>', 'memory of clones: 512M, 1G (a bare number is MiB)', '128')
    .option('--disk <size>', 'disk of clones: 10G (a bare number is GiB)', '1')
    .option('--config <k=v...>', 'appliance settings clones get')
    .option('--tenant <name>', 'the tenant it belongs to (admins)')
    .action(async (file: string, o) => {
      const format = formatOf(file);
      const scheme = format === 'tar' ? 'process' : 'qemu';
      const { size } = statSync(file);
      const meta = {
        name: o.name,
        format: FORMAT[format],
        scheme,
        tenant: o.tenant ?? '',
        sizeBytes: size,
        spec: {
          scheme,
          vcpus: wholeNumber('--vcpus', o.vcpus, 1),
          memoryMib: mebibytes('--memory', o.memory),
          diskGib: gibibytes('--disk', o.disk),
          config: keyValues('--config', o.config as string[] | undefined),
        },
      };
      const r = await k.withClient((c) => uploadImage(c, file, meta));
      k.out(r.image, () => (k.quiet() ? r.image!.id : imageDetails(r.image!)));
    });
  image
    .command('download')
    .description("write an image's disk to a file (checked against its sha256)")
    .argument('<id>')
    .argument('<file>')
    .action(async (id: string, file: string) => {
      const n = await k.withClient(async (c) => {
        const { image: i } = await c.getImage({ imageId: id });
        return downloadImage(c, id, i!.sha256, file);
      });
      k.out({ imageId: id, file, sizeBytes: n }, () => `${file}: ${bytes(n)} (${n} B), sha256 checked`);
    });
  image
    .command('revoke')
    .description('no new clones of the image; running descendants are flagged')
    .argument('<id>')
    .option('--at <time>', 'when it takes effect: ISO time or unix ms (default now)')
    .option('--reason <text>', 'why', '')
    .option('--retire-descendants', 'also retire the sets cloned from it and its descendants')
    .option('--request-id <id>', 'idempotency key')
    .action(async (id: string, o) => {
      const req = {
        imageId: id,
        atUnixMs: timeFlag('--at', o.at),
        reason: o.reason,
        retireDescendants: !!o.retireDescendants,
        requestId: o.requestId ?? '',
      };
      const r = await k.withClient((c) =>
        c.call<RevokeImageResponse__Output>((md, op, cb) => c.tokens.RevokeImage(req, md, op, cb)),
      );
      k.out(r, () =>
        [
          imageDetails(r.image!),
          `flagged VMs: ${r.flaggedVmIds.join(', ') || '-'}`,
          `retired sets: ${r.retiredSetIds.join(', ') || '-'}`,
        ].join('\n'),
      );
    });
  image
    .command('lineage')
    .description("an image's family: parent → children → sets cloned from each")
    .argument('<id>')
    .action(async (id: string) => {
      const r = await k.withClient((c) => c.getImageLineage({ imageId: id }));
      k.out(r, () => lineageTree(r));
    });
}
