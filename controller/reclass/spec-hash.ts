// What a recommendation remembers of the VM it was made for: a VM whose spec
// changed since (resized, another image) makes the recommendation stale.
// Recommend stores it (RecommendationRecord.vmSpecHash); apply compares it.
import { createHash } from 'node:crypto';
import type { VmSpec } from '../model/vm.js';

/** sha256 (hex, 16 chars) of what sizes and shapes the VM: scheme, vcpus, memory, disk, image, class, base image. */
export function vmSpecHash(spec: VmSpec): string {
  const shape = [
    spec.scheme,
    spec.vcpus,
    spec.memoryMib,
    spec.diskGib,
    spec.image,
    spec.vmClass ?? '',
    spec.base?.imageId ?? '',
  ];
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 16);
}
