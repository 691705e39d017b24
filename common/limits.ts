// The limits a VM spec and a label must keep, in one place: the controller validates requests
// against them and the agent's drivers re-check what they are handed, so the two cannot drift.

/** Smallest memory a guest of each scheme runs in. qemu: the guest image's own minimum
 *  (scripts/make-guest-image.sh MIN_MEMORY_MIB, written into its manifest: 80 MiB OOM-kills
 *  during boot, 88 boots, 96 leaves headroom; the Debian cloud kernel alone keeps ~37 MiB). */
export const MIN_MEMORY_MIB = { qemu: 96, process: 16, libvirt: 96 } as const;

export const MAX_VCPUS = 64;
export const MAX_MEMORY_MIB = 1 << 20;
export const MAX_DISK_GIB = 16 * 1024;

/** Guest config (spec.config): keys the guest agent stores as file names, values one line each. */
export const CONFIG_MAX_ENTRIES = 32;
export const CONFIG_KEY_RE = /^[a-z0-9_-]{1,32}$/;
export const CONFIG_VALUE_MAX = 1024;

/** Host label keys (agent --label, set label constraints): lowercase, may hold `.`, `_`, `/`, `-`. */
export const LABEL_KEY_RE = /^[a-z0-9][a-z0-9._/-]{0,62}$/;
export const LABEL_VALUE_MAX = 63;
export const LABELS_MAX = 32;

/** A label value: at most LABEL_VALUE_MAX characters, no control characters. */
export const isLabelValue = (v: unknown): v is string =>
  typeof v === 'string' && v.length <= LABEL_VALUE_MAX && !/[\x00-\x1f]/.test(v);

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

export interface Resources {
  vcpus: number;
  memoryBytes: number;
  diskBytes: number;
}

/** The wire/stored spec spells sizes memoryMib/diskGib, the agent's driver spec memoryMiB/diskGiB. */
type Sized = { vcpus: number } & ({ memoryMib: number; diskGib: number } | { memoryMiB: number; diskGiB: number });

/** What a spec holds on its host, in bytes. */
export function resourcesOf(spec: Sized): Resources {
  return 'memoryMib' in spec
    ? { vcpus: spec.vcpus, memoryBytes: spec.memoryMib * MiB, diskBytes: spec.diskGib * GiB }
    : { vcpus: spec.vcpus, memoryBytes: spec.memoryMiB * MiB, diskBytes: spec.diskGiB * GiB };
}

/** An appliance's manifest (reclassification, issue 15): in its DATA dir (process: <vm dir>/data; qemu: /data on the data disk). */
export const MANIFEST_FILE = 'nephele-manifest.json';
/** The most of it an agent reads and the controller parses. */
export const MANIFEST_MAX_BYTES = 16 * 1024;
