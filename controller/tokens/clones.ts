// Linked clones: a spec naming a Nephele image id gets the image's base (its
// sha256, format, boot image) in `base`, set by the controller only. A revoked
// image gives no new clones (FAILED_PRECONDITION naming the field).
import { InvalidArgumentError } from '../../common/errors.js';
import { ULID_RE } from '../../common/ids.js';
import type { ImageRecord, SetRequest, VmSpec } from '../model/index.js';
import type { ImageStore, Scope } from './ports.js';

/** Whether a spec's image names a Nephele image (an id) rather than a shipped guest image. */
export const namesImage = (spec: Pick<VmSpec, 'image'>): boolean => ULID_RE.test(spec.image);

/**
 * The spec with its base resolved when its image is an image id; unchanged
 * otherwise. The clone's scheme must be the image's.
 */
export async function resolveBase(images: ImageStore, spec: VmSpec, scope: Scope, field: string): Promise<VmSpec> {
  if (!namesImage(spec)) return spec;
  const { image, ref } = await images.refForClone(spec.image, scope, `${field}.image`);
  if (spec.scheme !== image.scheme)
    throw new InvalidArgumentError(`${field}.scheme`, `must be ${image.scheme}, the image's scheme`);
  return { ...spec, base: ref };
}

/** A populate request's spec: the image's, with the fields the request sets (non-zero) on top. */
export function overImage(image: ImageRecord, req: Partial<VmSpec> | null | undefined): VmSpec {
  const s = image.spec;
  return {
    scheme: image.scheme,
    vcpus: req?.vcpus || s.vcpus,
    memoryMib: req?.memoryMib || s.memoryMib,
    diskGib: req?.diskGib || s.diskGib,
    image: image.id,
    appliancePort: req?.appliancePort || s.appliancePort,
    config: { ...s.config, ...(req?.config ?? {}) },
    vmClass: req?.vmClass || s.vmClass || '',
  };
}

/** The set request of clones of `image` (count and the image's spec over `req`'s). */
export function cloneRequest(image: ImageRecord, count: number, req: SetRequest): SetRequest {
  return {
    ...req,
    count,
    spec: { ...image.spec, image: image.id, vmClass: req.spec.vmClass },
    schemePreference: [image.scheme],
  };
}
