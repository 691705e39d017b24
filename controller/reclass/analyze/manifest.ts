// nephele-manifest.json: what an appliance declares it needs. The file comes
// from inside a VM (hostile): size-capped, every field type- and range-checked,
// unknown keys ignored, a bad file is an error string (a finding, not a crash).
// The image record's manifest (a string map, same snake_case keys; lists
// comma-separated) lies under the VM's file: the file's keys win.
import { MANIFEST_MAX_BYTES } from '../../../common/limits.js';
import type { ApplianceManifest } from '../../../common/model/reclass.js';

export const MAX_MANIFEST_BYTES = MANIFEST_MAX_BYTES;
const MAX_LIST = 32;
const NAME_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const MAX_VCPUS = 4096;
const MAX_MEMORY_MIB = 64 * 1024 * 1024;
const MAX_NET_MBPS = 1_000_000;

type Parsed = Partial<Omit<ApplianceManifest, 'source'>>;

const INTS = {
  min_vcpus: ['minVcpus', MAX_VCPUS],
  max_vcpus: ['maxVcpus', MAX_VCPUS],
  min_memory_mib: ['minMemoryMib', MAX_MEMORY_MIB],
  max_memory_mib: ['maxMemoryMib', MAX_MEMORY_MIB],
  net_mbps: ['netMbps', MAX_NET_MBPS],
} as const;
const LISTS = { required_features: 'requiredFeatures', modules: 'modules' } as const;

// The file speaks JSON types; the image map only strings (`strings`).
function intField(key: string, v: unknown, max: number, strings: boolean): number {
  const n = strings && typeof v === 'string' && /^\d{1,10}$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n > max)
    throw new Error(`${key} must be a whole number from 0 to ${max}`);
  return n;
}

function listField(key: string, v: unknown, strings: boolean): string[] {
  const items =
    strings && typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : v;
  if (!Array.isArray(items) || items.length > MAX_LIST) throw new Error(`${key} must be a list of at most ${MAX_LIST}`);
  for (const x of items)
    if (typeof x !== 'string' || !NAME_RE.test(x)) throw new Error(`${key} holds a name that is not [a-z0-9._-]{1,64}`);
  return [...new Set(items as string[])];
}

/** The known fields of an object (file or image map); throws with the field's name on a bad one. */
function fieldsOf(obj: Record<string, unknown>, strings: boolean): Parsed {
  const out: Record<string, unknown> = {};
  for (const [key, [name, max]] of Object.entries(INTS))
    if (Object.hasOwn(obj, key)) out[name] = intField(key, obj[key], max, strings);
  for (const [key, name] of Object.entries(LISTS))
    if (Object.hasOwn(obj, key)) out[name] = listField(key, obj[key], strings);
  return out as Parsed;
}

/** A manifest file's text: its fields, or an error saying why not. */
export function parseManifestText(text: string): { fields: Parsed } | { error: string } {
  if (Buffer.byteLength(text) > MAX_MANIFEST_BYTES) return { error: `larger than ${MAX_MANIFEST_BYTES} bytes` };
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    return { error: 'not JSON' };
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return { error: 'not a JSON object' };
  try {
    return { fields: fieldsOf(obj as Record<string, unknown>, false) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** The image record's manifest map; a bad key is dropped alone (the image was accepted long ago). */
export function imageManifestFields(map: Record<string, string>): Parsed {
  const out: Parsed = {};
  for (const [key, v] of Object.entries(map)) {
    try {
      Object.assign(out, fieldsOf({ [key]: v }, true));
    } catch {
      // ignored: an image's map also holds keys of other uses (boot_image)
    }
  }
  return out;
}

const declares = (p: Parsed) => Object.keys(p).length > 0;

/** The VM's file over the image's map; undefined when neither declares anything. */
export function mergeManifest(image: Parsed, imageId: string, vm: Parsed | undefined): ApplianceManifest | undefined {
  if (!declares(image) && !(vm && declares(vm))) return undefined;
  const m = { ...image, ...(vm ?? {}) };
  return {
    minVcpus: m.minVcpus ?? 0,
    maxVcpus: m.maxVcpus ?? 0,
    minMemoryMib: m.minMemoryMib ?? 0,
    maxMemoryMib: m.maxMemoryMib ?? 0,
    requiredFeatures: m.requiredFeatures ?? [],
    netMbps: m.netMbps ?? 0,
    modules: m.modules ?? [],
    source: vm && declares(vm) ? 'vm' : `image:${imageId}`,
  };
}
