// Stand-in for the image store (controller/images) until it is wired: no image
// exists, so no clone, capture or upload can happen. The coordinator replaces
// it in server.ts with the real ImageStore.
import { FailedPreconditionError, NotFoundError } from '../../common/errors.js';
import type { ImageStore } from './ports.js';

export const noImages: ImageStore = {
  get: () => Promise.reject(new NotFoundError('image')),
  refForClone: () => Promise.reject(new NotFoundError('image')),
  expectUpload: () => Promise.reject(new FailedPreconditionError('this controller has no image store yet')),
  discardUpload: () => {},
  registerCaptured: () => Promise.reject(new FailedPreconditionError('this controller has no image store yet')),
};
