import {
  DISK_FORMATS,
  DefinitionError,
  type CanonicalDefinition,
  type CanonicalDisk,
  type CanonicalNic,
  type DefinitionCodec,
  type Lossy,
} from '../../../common/spec/definition.js';

// Nephele's canonical JSON: the definition itself, checked field by field.
// Unknown keys are reported as lossy rather than refused (a newer writer's fields).

const FIELD = 'text';
const BUSES = ['virtio', 'scsi', 'ide', 'sata'] as const;
const NICS = ['virtio', 'e1000', 'rtl8139', 'vmxnet3'] as const;
const KNOWN = new Set([
  'version',
  'name',
  'vcpus',
  'memoryMib',
  'arch',
  'firmware',
  'machine',
  'disks',
  'nics',
  'kernel',
  'serial',
  'appliancePort',
  'config',
]);

type Raw = Record<string, unknown>;
const bad = (where: string, problem: string) => new DefinitionError(FIELD, where, problem);

function obj(v: unknown, where: string): Raw {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(where, 'must be an object');
  return v as Raw;
}
function str(v: unknown, where: string, max = 1024): string {
  if (typeof v !== 'string') throw bad(where, 'must be a string');
  if (v.length > max) throw bad(where, `longer than ${max} characters`);
  return v;
}
function int(v: unknown, where: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max)
    throw bad(where, `must be a whole number from ${min} to ${max}`);
  return v;
}
function oneOf<T extends string>(v: unknown, where: string, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v))
    throw bad(where, `must be one of ${allowed.join(', ')}`);
  return v as T;
}

function disk(v: unknown, i: number): CanonicalDisk {
  const w = `$.disks[${i}]`;
  const d = obj(v, w);
  const out: CanonicalDisk = {
    file: str(d.file, `${w}.file`),
    format: oneOf(d.format, `${w}.format`, DISK_FORMATS),
    bus: oneOf(d.bus ?? 'virtio', `${w}.bus`, BUSES),
    device: oneOf(d.device ?? 'disk', `${w}.device`, ['disk', 'cdrom'] as const),
    readonly: d.readonly === true,
  };
  if (d.sizeBytes !== undefined) out.sizeBytes = int(d.sizeBytes, `${w}.sizeBytes`, 0, Number.MAX_SAFE_INTEGER);
  return out;
}

function nic(v: unknown, i: number): CanonicalNic {
  const w = `$.nics[${i}]`;
  const n = obj(v, w);
  const out: CanonicalNic = { model: oneOf(n.model ?? 'virtio', `${w}.model`, NICS), network: '' };
  if (n.network !== undefined) out.network = str(n.network, `${w}.network`, 256);
  if (n.mac !== undefined) {
    const mac = str(n.mac, `${w}.mac`, 17).toLowerCase();
    if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac)) throw bad(`${w}.mac`, 'must look like 52:54:00:12:34:56');
    out.mac = mac;
  }
  return out;
}

function list<T>(v: unknown, where: string, max: number, each: (x: unknown, i: number) => T): T[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw bad(where, 'must be a list');
  if (v.length > max) throw bad(where, `at most ${max} entries`);
  return v.map(each);
}

/** Checks a parsed JSON value as a canonical definition (also used on what other codecs build). */
export function checkCanonical(v: unknown): { def: CanonicalDefinition; lossy: Lossy[] } {
  const r = obj(v, '$');
  const version = r.version ?? 1;
  if (version !== 1) throw bad('$.version', 'only version 1 is known');
  const def: CanonicalDefinition = {
    version: 1,
    name: str(r.name, '$.name', 128),
    vcpus: int(r.vcpus, '$.vcpus', 1, 512),
    memoryMib: int(r.memoryMib, '$.memoryMib', 16, 16 * 1024 * 1024),
    arch: oneOf(r.arch ?? 'x86_64', '$.arch', ['x86_64', 'aarch64'] as const),
    firmware: oneOf(r.firmware ?? 'bios', '$.firmware', ['bios', 'uefi'] as const),
    disks: list(r.disks, '$.disks', 64, disk),
    nics: list(r.nics, '$.nics', 32, nic),
    serial: r.serial === undefined ? true : r.serial === true,
  };
  if (!def.name) throw bad('$.name', 'is required');
  if (r.machine !== undefined) def.machine = str(r.machine, '$.machine', 64);
  if (r.kernel !== undefined) {
    const k = obj(r.kernel, '$.kernel');
    def.kernel = { path: str(k.path, '$.kernel.path') };
    if (k.initrd !== undefined) def.kernel.initrd = str(k.initrd, '$.kernel.initrd');
    if (k.cmdline !== undefined) def.kernel.cmdline = str(k.cmdline, '$.kernel.cmdline', 4096);
  }
  if (r.appliancePort !== undefined) def.appliancePort = int(r.appliancePort, '$.appliancePort', 1, 65535);
  if (r.config !== undefined) {
    const c = obj(r.config, '$.config');
    const keys = Object.keys(c);
    if (keys.length > 64) throw bad('$.config', 'at most 64 keys');
    def.config = Object.fromEntries(keys.map((k) => [k, str(c[k], `$.config.${k.slice(0, 64)}`, 4096)]));
  }
  const lossy: Lossy[] = Object.keys(r)
    .filter((k) => !KNOWN.has(k))
    .slice(0, 64)
    .map((k) => ({
      path: `$.${k.slice(0, 64)}`,
      value: JSON.stringify(r[k]).slice(0, 256),
      reason: 'not a canonical field',
    }));
  return { def, lossy };
}

export const canonicalCodec: DefinitionCodec = {
  format: 'canonical',
  parse(text) {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      // V8 says "... in JSON at position N": turn the position into a line.
      const pos = /position (\d+)/.exec((e as Error).message);
      const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : 0;
      throw bad(line ? `line ${line}` : '', `is not valid JSON (${(e as Error).message.slice(0, 160)})`);
    }
    return checkCanonical(v);
  },
  render(def) {
    return { text: `${JSON.stringify(def, null, 2)}\n`, lossy: [] };
  },
};
