// Inspection of a foreign disk (an import, an exported VM's disk from its host)
// before qemu-img opens it, for the formats a scheme's disks come in. qcow2 goes
// through common/disk-inspect.ts (no backing file, no data file). The others
// can make QEMU open other files too, and are refused for it:
//   vmdk: a descriptor file names its extents by path (a "disk" of
//         RW 8 FLAT "/etc/shadow" reads that file); a sparse KDMV file with a
//         capacity of 0 is opened through its embedded descriptor the same way;
//         parentFileNameHint is a backing file. Only a single-file sparse vmdk
//         (monolithicSparse, streamOptimized) whose extents are itself passes.
//   vhd:  a differencing disk (type 4) names a parent; fixed and dynamic pass.
//   raw:  must not be another format in disguise.
// Our own parse first; only if that is clean, `qemu-img info -f <format>`
// (limited, format fixed) as a second opinion.
import { closeSync, openSync, readSync } from 'node:fs';
import {
  DiskRejectedError,
  inspectQcow2,
  QCOW2_MAGIC,
  qemuImgInfo,
  readHeaderWindow,
} from '../../../common/disk-inspect.js';
import type { DiskFormatName } from '../../../common/spec/definition.js';
import { QEMU_FORMAT } from './formats.js';

const KDMV = 0x564d444b; // 'KDMV' little-endian
const SECTOR = 512;
const MAX_DESCRIPTOR_BYTES = 64 * 1024;
const MAX_DESCRIPTOR_LINES = 1000;
const SINGLE_FILE_TYPES = ['monolithicSparse', 'streamOptimized'];

const shown = (s: string) => JSON.stringify(s.length > 120 ? `${s.slice(0, 120)}…` : s);

/** The format a file's first bytes say it is ('raw' when none we know; 'other' for formats we never take). */
export function sniffDisk(head: Buffer): DiskFormatName | 'other' {
  if (head.length >= 4 && head.readUInt32BE(0) === QCOW2_MAGIC) return 'qcow2';
  if (head.length >= 4 && head.readUInt32LE(0) === KDMV) return 'vmdk';
  const text = head.subarray(0, 512).toString('latin1');
  if (/^\s*#\s*Disk DescriptorFile/i.test(text) || /createType\s*=/.test(text)) return 'vmdk';
  if (text.startsWith('conectix')) return 'vhd';
  const magics = ['COWD', 'vhdxfile', 'QED\0', 'LUKS\xba\xbe', '#!/bin/sh\n#V2.0 Format'];
  for (const m of magics) if (text.startsWith(m)) return 'other';
  if (head.length >= 0x44 && head.readUInt32LE(0x40) === 0xbeda107f) return 'other'; // vdi
  return 'raw';
}

/**
 * Problems with a sparse vmdk's embedded descriptor: what QEMU would open besides
 * the file itself (its extent names are not opened while the capacity is not 0,
 * so a renamed file keeps its old name there).
 */
export function descriptorProblems(text: string): string[] {
  const out: string[] = [];
  const lines = text.split(/\r?\n/);
  if (lines.length > MAX_DESCRIPTOR_LINES) return [`its descriptor has more than ${MAX_DESCRIPTOR_LINES} lines`];
  let extents = 0;
  for (const raw of lines) {
    const line = raw.replace(/\0+$/, '').trim();
    if (!line || line.startsWith('#')) continue;
    const kv = /^([A-Za-z.]+)\s*=\s*"?([^"]*)"?$/.exec(line);
    if (kv) {
      const [, key, value] = kv;
      if (key === 'createType' && !SINGLE_FILE_TYPES.includes(value!))
        out.push(`its createType is ${shown(value!)}, not a single-file vmdk (${SINGLE_FILE_TYPES.join(', ')})`);
      if (key === 'parentFileNameHint') out.push(`it names a parent (backing) disk ${shown(value!)}`);
      if (key === 'parentCID' && value!.toLowerCase() !== 'ffffffff') out.push('it is a delta disk of a parent');
      continue;
    }
    const ext = /^(RW|RDONLY|NOACCESS)\s+\d+\s+(\S+)(?:\s+"([^"]*)")?/.exec(line);
    if (!ext) continue;
    extents++;
    // QEMU reads a sparse file's own grains; a FLAT/VMFS/... extent would be another file.
    const [, , type, file = ''] = ext;
    if (type !== 'SPARSE')
      out.push(`it has a ${shown(type!)} extent ${shown(file)} (only the file's own sparse extent is accepted)`);
  }
  if (extents > 1) out.push(`it has ${extents} extents (a single-file vmdk has one)`);
  return out;
}

/** Everything wrong with a vmdk's first bytes (the sparse header and its embedded descriptor). */
export function vmdkProblems(head: Buffer, read: (offset: number, len: number) => Buffer): string[] {
  if (head.length < 4 || head.readUInt32LE(0) !== KDMV) {
    if (head.length >= 4 && head.subarray(0, 4).toString('latin1') === 'COWD')
      return ['it is an old (VMware 3) COWD vmdk'];
    // A text descriptor is never the disk itself: every extent it names is another file.
    return [
      'it is a vmdk descriptor file: its extents are other files (upload a single-file monolithicSparse or streamOptimized vmdk)',
    ];
  }
  if (head.length < 64) return ['truncated vmdk header'];
  const out: string[] = [];
  const version = head.readUInt32LE(4);
  if (version < 1 || version > 3) out.push(`unsupported vmdk version ${version}`);
  const capacity = head.readBigUInt64LE(12);
  // QEMU opens a sparse file of capacity 0 through its embedded descriptor, extents and all.
  if (capacity === 0n) out.push('its capacity is 0 (QEMU would open the extents its descriptor names)');
  const descOffset = head.readBigUInt64LE(28);
  const descSize = head.readBigUInt64LE(36);
  if (descOffset > 0n && descSize > 0n) {
    const bytes = descSize * BigInt(SECTOR);
    if (bytes > BigInt(MAX_DESCRIPTOR_BYTES))
      out.push(`its embedded descriptor is larger than ${MAX_DESCRIPTOR_BYTES} bytes`);
    else if (descOffset > 1n << 40n) out.push('its embedded descriptor lies outside the file');
    else {
      const text = read(Number(descOffset) * SECTOR, Number(bytes)).toString('latin1');
      out.push(...descriptorProblems(text));
    }
  }
  return out;
}

/** Everything wrong with a VHD footer (at the start: dynamic, or the last 512 bytes: fixed). */
export function vhdProblems(footer: Buffer): string[] {
  if (footer.length < 512 || footer.subarray(0, 8).toString('latin1') !== 'conectix') return ['no VHD footer'];
  const type = footer.readUInt32BE(60);
  if (type === 4) return ['it is a differencing VHD (it names a parent disk)'];
  if (type !== 2 && type !== 3) return [`unknown VHD disk type ${type}`];
  return [];
}

/** Everything wrong with `qemu-img info` output for a foreign disk of `format`. */
export function infoProblems(info: unknown, format: DiskFormatName, path: string, maxVirtualBytes: number): string[] {
  if (!info || typeof info !== 'object') return ['qemu-img gave no information'];
  const i = info as Record<string, unknown>;
  const out: string[] = [];
  if (i.format !== QEMU_FORMAT[format]) out.push(`qemu-img reads it as ${shown(String(i.format))}, not ${format}`);
  for (const k of ['backing-filename', 'full-backing-filename', 'backing-image'])
    if (i[k] !== undefined) out.push('qemu-img: it has a backing file');
  const fs = (i['format-specific'] ?? {}) as { data?: Record<string, unknown> };
  const d = fs.data ?? {};
  if (d['data-file'] !== undefined) out.push('qemu-img: it names an external data file');
  if (Array.isArray(d.extents))
    for (const e of d.extents as { filename?: unknown }[])
      if (e.filename !== path) out.push(`qemu-img: it has an extent outside the file ${shown(String(e.filename))}`);
  const size = i['virtual-size'];
  if (typeof size !== 'number' || !(size > 0)) out.push('qemu-img reports no virtual size');
  else if (size > maxVirtualBytes) out.push(`its virtual size ${size} B exceeds the ${maxVirtualBytes} B allowed`);
  return out;
}

function readAt(path: string, offset: number, len: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(len);
    return buf.subarray(0, readSync(fd, buf, 0, len, offset));
  } finally {
    closeSync(fd);
  }
}

export interface InspectOptions {
  maxVirtualBytes: number;
  qemuImg?: string;
}

/**
 * Inspects a disk from outside as `format` (the declared one, never probed).
 * Throws DiskRejectedError with every reason found; resolves with its virtual size.
 */
export async function inspectDisk(path: string, format: DiskFormatName, o: InspectOptions): Promise<number> {
  const head = readHeaderWindow(path); // a regular file, never a symlink
  const found = sniffDisk(head);
  if (found !== format)
    throw new DiskRejectedError([
      `declared ${format}, but the data is ${found === 'other' ? 'another disk format' : found}`,
    ]);
  if (format === 'qcow2') {
    const h = await inspectQcow2(path, { maxVirtualBytes: o.maxVirtualBytes }, { qemuImg: o.qemuImg });
    return h.virtualBytes;
  }
  const problems =
    format === 'vmdk'
      ? vmdkProblems(head, (off, len) => readAt(path, off, len))
      : format === 'vhd'
        ? vhdProblems(head)
        : [];
  if (problems.length) throw new DiskRejectedError(problems);
  const info = await qemuImgInfo(path, QEMU_FORMAT[format], { qemuImg: o.qemuImg });
  const more = infoProblems(info, format, path, o.maxVirtualBytes);
  if (more.length) throw new DiskRejectedError(more);
  return (info as { 'virtual-size': number })['virtual-size'];
}
