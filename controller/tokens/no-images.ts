// Stand-in for the image store (controller/images) until it is wired: images
// are read from the store (clones, lineage of sets), but none can be captured or
// uploaded. The coordinator replaces it in server.ts with the real ImageStore.
import { FailedPreconditionError, NotFoundError } from '../../common/errors.js';
import { ULID_RE } from '../../common/ids.js';
import type { Store } from '../../common/store/index.js';
import type { Clock } from '../../common/clock.js';
import { IMAGES, type ImageRecord } from '../model/index.js';
import type { ImageStore } from './ports.js';

export function storedImages(store: Store, clock: Clock): ImageStore {
  const none = () => Promise.reject(new FailedPreconditionError('this controller has no image store yet'));
  const get: ImageStore['get'] = async (id, scope) => {
    const r = ULID_RE.test(id) ? await store.get<ImageRecord>(IMAGES, id) : undefined;
    if (!r || (scope !== undefined && r.value.tenant !== scope)) throw new NotFoundError('image');
    return { image: r.value, version: r.version };
  };
  return {
    get,
    async refForClone(id, scope, field) {
      const { image } = await get(id, scope);
      if (image.state === 'revoked' || (image.revokedUnixMs && image.revokedUnixMs <= clock.now()))
        throw new FailedPreconditionError(`${field}: the image is revoked; it gives no new clones`);
      const ref = {
        imageId: image.id,
        sha256: image.sha256,
        sizeBytes: image.sizeBytes,
        format: image.format,
        bootImage: image.manifest.boot_image ?? '',
      };
      return { image, ref };
    },
    expectUpload: none,
    discardUpload: () => {},
    registerCaptured: none,
  };
}
