import type { VmSpec__Output as VmSpec } from '../../common/gen/nephele/v1/VmSpec.js';
import { InvalidArgumentError } from '../../common/errors.js';
import { ULID_RE } from '../../common/ids.js';
import {
  CONFIG_KEY_RE,
  CONFIG_MAX_ENTRIES,
  CONFIG_VALUE_MAX,
  MAX_DISK_GIB,
  MAX_MEMORY_MIB,
  MAX_VCPUS,
  MIN_MEMORY_MIB,
} from '../../common/limits.js';

export const SCHEMES = ['qemu', 'process', 'libvirt'] as const;
export type Scheme = (typeof SCHEMES)[number];

export { MIN_MEMORY_MIB };

/** Validates a requested spec and fills defaults; every error names its field under `field`. */
export function validateSpec(s: VmSpec | null | undefined, field = 'spec'): VmSpec {
  if (!s) throw new InvalidArgumentError(field, 'is required');
  const scheme = s.scheme as Scheme;
  if (!SCHEMES.includes(scheme))
    throw new InvalidArgumentError(`${field}.scheme`, `must be one of ${SCHEMES.join(', ')}`);
  const int = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max)
      throw new InvalidArgumentError(`${field}.${name}`, `must be between ${min} and ${max}`);
    return v;
  };
  const vcpus = int('vcpus', s.vcpus, 1, MAX_VCPUS);
  if (s.memoryMib < MIN_MEMORY_MIB[scheme])
    throw new InvalidArgumentError(
      `${field}.memory_mib`,
      `under the ${scheme} guest minimum of ${MIN_MEMORY_MIB[scheme]} MiB`,
    );
  const memoryMib = int('memory_mib', s.memoryMib, MIN_MEMORY_MIB[scheme], MAX_MEMORY_MIB);
  const diskGib = s.diskGib ? int('disk_gib', s.diskGib, 1, MAX_DISK_GIB) : 1;
  const image = s.image || 'nephele-guest';
  // A shipped guest image by name, or a Nephele image by id (resolved to its base by the controller).
  if (!/^[a-z0-9][a-z0-9._-]{0,62}$/.test(image) && !ULID_RE.test(image))
    throw new InvalidArgumentError(`${field}.image`, 'not a valid image name or image id');
  const appliancePort = s.appliancePort ? int('appliance_port', s.appliancePort, 1, 65535) : 8080;
  const config: Record<string, string> = {};
  const entries = Object.entries(s.config ?? {});
  if (entries.length > CONFIG_MAX_ENTRIES)
    throw new InvalidArgumentError(`${field}.config`, `at most ${CONFIG_MAX_ENTRIES} entries`);
  for (const [k, v] of entries) {
    if (!CONFIG_KEY_RE.test(k))
      throw new InvalidArgumentError(
        `${field}.config`,
        `key ${JSON.stringify(k.slice(0, 40))} must match ${CONFIG_KEY_RE.source.slice(1, -1)}`,
      );
    if (typeof v !== 'string' || v.length > CONFIG_VALUE_MAX || /[\n\r]/.test(v))
      throw new InvalidArgumentError(
        `${field}.config.${k}`,
        `must be one line of at most ${CONFIG_VALUE_MAX} characters`,
      );
    config[k] = v;
  }
  const vmClass = s.vmClass ?? '';
  if (vmClass && !/^[a-z0-9][a-z0-9._-]{0,62}$/.test(vmClass))
    throw new InvalidArgumentError(`${field}.vm_class`, 'must match [a-z0-9][a-z0-9._-]*, at most 63 characters');
  return { scheme, vcpus, memoryMib, diskGib, image, appliancePort, config, vmClass, baseImage: null };
}
