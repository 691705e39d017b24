// What an image file must be before it is registered (uploads are hostile):
// its first bytes must match the declared format, a qcow2 must be standalone
// (common/disk-inspect.ts: no backing file, no data file, no json:/protocol
// names, header parsed by us before qemu-img sees it), a tar must pass
// common/tar.ts inspectTar (no links, devices, absolute or `..` paths), and a
// raw disk must not be another format in disguise (QEMU would probe it).
import { closeSync, openSync, readSync } from 'node:fs';
import { DiskRejectedError, inspectQcow2, QCOW2_MAGIC } from '../../common/disk-inspect.js';
import { InvalidArgumentError } from '../../common/errors.js';
import { GiB, MAX_DISK_GIB } from '../../common/limits.js';
import type { ImageFormat } from '../../common/model/enums.js';

/** common/tar.ts's limits for inspectTar (owned by `proc`). */
export interface TarLimits {
  maxEntries: number;
  maxBytes: number;
}
/** common/tar.ts inspectTar: every problem found (none: the tar may be extracted). */
export type InspectTar = (path: string, limits: TarLimits) => { problems: string[] } | Promise<{ problems: string[] }>;

export const TAR_MAX_ENTRIES = 100_000;

/** The format a file's first bytes say it is ('raw' when none we know). */
export function sniff(head: Buffer): ImageFormat | 'other' {
  if (head.length >= 4 && head.readUInt32BE(0) === QCOW2_MAGIC) return 'qcow2';
  if (head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  // Formats QEMU probes that a "raw" upload must not be (vmdk, vhdx, vdi, qed, luks, QFI-less cloop, vpc).
  const magics = ['KDMV', 'vhdxfile', 'QED\0', 'LUKS\xba\xbe', 'conectix', '#!/bin/sh\n#V2.0 Format'];
  for (const m of magics) if (head.subarray(0, m.length).toString('latin1') === m) return 'other';
  if (head.length >= 0x44 && head.readUInt32LE(0x40) === 0xbeda107f) return 'other'; // vdi
  return 'raw';
}

function head(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(512);
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
}

const refuse = (reasons: string[]) => new InvalidArgumentError('data', `image refused: ${reasons.join('; ')}`);

export interface InspectOptions {
  inspectTar?: InspectTar;
  qemuImg?: string;
  maxBytes: number;
}

/**
 * Throws INVALID_ARGUMENT (field `data`, or `format` for a mismatch) with every
 * reason found. `declared` undefined: a capture, which is a qcow2 or a tar.
 */
export async function inspectImage(
  path: string,
  want: ImageFormat | undefined,
  o: InspectOptions,
): Promise<ImageFormat> {
  const found = sniff(head(path));
  if (!want && found !== 'qcow2' && found !== 'tar')
    throw new InvalidArgumentError('data', 'a capture must be a qcow2 or a tar');
  const declared = want ?? (found as ImageFormat);
  if (found !== declared)
    throw new InvalidArgumentError(
      'format',
      `declared ${declared}, but the data is ${found === 'other' ? 'another disk format' : found}`,
    );
  if (declared === 'qcow2') {
    try {
      await inspectQcow2(path, { maxVirtualBytes: MAX_DISK_GIB * GiB }, { qemuImg: o.qemuImg });
    } catch (e) {
      if (e instanceof DiskRejectedError) throw refuse(e.reasons);
      throw e;
    }
  } else if (declared === 'tar') {
    if (!o.inspectTar) throw new InvalidArgumentError('format', 'tar images cannot be checked on this controller yet');
    const { problems } = await o.inspectTar(path, { maxEntries: TAR_MAX_ENTRIES, maxBytes: o.maxBytes });
    if (problems.length) throw refuse(problems.slice(0, 20));
  }
  return declared;
}
