// The image store (ImageStore of controller/tokens/ports.ts): image records and
// their indexes, tenant-scoped reads, the base a clone gets, and registration
// (blob into its content address, then record + indexes + quota in one batch).
import type { Clock } from '../../common/clock.js';
import { FailedPreconditionError, NotFoundError } from '../../common/errors.js';
import { ULID_RE, ulid } from '../../common/ids.js';
import type { Logger } from '../../common/logger.js';
import { put, retryOnConflict, type Op, type Store } from '../../common/store/index.js';
import { MAX_SCAN, type EventLog, type NewEvent } from '../events/log.js';
import {
  IMAGES,
  IMAGES_BY_PARENT,
  IMAGES_BY_SHA,
  IMAGES_BY_TENANT,
  indexKey,
  type ImageRecord,
  type ImageRef,
} from '../model/image.js';
import type { Tenants } from '../tenancy/tenants.js';
import type { CapturedImage, ImageStore, Scope, StagedBlob } from '../tokens/ports.js';
import type { ImageBlobs } from './blobs.js';
import type { Captures } from './captures.js';

export const DEFAULT_BOOT_IMAGE = 'nephele-guest';

export interface ImagesDeps {
  store: Store;
  events: EventLog;
  clock: Clock;
  tenants: Pick<Tenants, 'prepareAdmit'>;
  blobs: ImageBlobs;
  captures: Captures;
  log: Logger;
}

/** A record as callers see it: a revocation whose time has come is in force. */
export const effective = (i: ImageRecord, now: number): ImageRecord =>
  i.state === 'active' && i.revokedUnixMs > 0 && i.revokedUnixMs <= now ? { ...i, state: 'revoked' } : i;

export const isRevoked = (i: ImageRecord, now: number) => effective(i, now).state === 'revoked';

/** The fields an image gets from where it came from (an upload or a capture). */
export type NewImage = Omit<
  ImageRecord,
  'id' | 'sha256' | 'sizeBytes' | 'createdUnixMs' | 'state' | 'revokedUnixMs' | 'revokeReason'
>;

export class Images implements ImageStore {
  constructor(readonly d: ImagesDeps) {}

  async get(id: string, scope: Scope): Promise<{ image: ImageRecord; version: number }> {
    if (!ULID_RE.test(id)) throw new NotFoundError('image');
    const r = await this.d.store.get<ImageRecord>(IMAGES, id);
    // Another tenant's image does not exist for this caller.
    if (!r || (scope !== undefined && r.value.tenant !== scope)) throw new NotFoundError('image');
    return { image: effective(r.value, this.d.clock.now()), version: r.version };
  }

  async refForClone(id: string, scope: Scope, field: string): Promise<{ image: ImageRecord; ref: ImageRef }> {
    const { image } = await this.get(id, scope);
    if (image.state === 'revoked')
      throw new FailedPreconditionError(`${field}: the image is revoked; no new clones may be made of it`);
    const ref: ImageRef = {
      imageId: image.id,
      sha256: image.sha256,
      sizeBytes: image.sizeBytes,
      format: image.format,
      bootImage: image.scheme === 'qemu' ? image.manifest.boot_image || DEFAULT_BOOT_IMAGE : '',
    };
    return { image, ref };
  }

  expectUpload(transferId: string, hostId: string, timeoutMs: number): Promise<StagedBlob> {
    return this.d.captures.expect(transferId, hostId, timeoutMs);
  }

  discardUpload(transferId: string): void {
    this.d.captures.discard(transferId);
  }

  async registerCaptured(c: CapturedImage, blob: StagedBlob, extraOps: Op[]): Promise<ImageRecord> {
    const format = this.d.captures.formatOf(blob.path);
    if (format !== c.format)
      throw new FailedPreconditionError(`the captured disk is ${format ?? 'not a staged upload'}, not ${c.format}`);
    const rec = await this.register({ ...c, spec: { ...c.spec } }, blob, extraOps, 'image.captured', 'image captured');
    this.d.captures.forget(blob.path);
    return rec;
  }

  /**
   * Moves the staged blob into the store and writes the record, its indexes,
   * the tenant's `images` quota and `extraOps` in one batch. When the batch
   * fails (quota, conflict, store), the blob goes again unless another image
   * names the same content: no record, no blob.
   */
  async register(n: NewImage, blob: StagedBlob, extraOps: Op[], type: string, message: string): Promise<ImageRecord> {
    const id = ulid(this.d.clock.now());
    const rec: ImageRecord = {
      ...n,
      id,
      spec: { ...n.spec, image: id, base: undefined },
      sha256: blob.sha256,
      sizeBytes: blob.sizeBytes,
      createdUnixMs: this.d.clock.now(),
      state: 'active',
      revokedUnixMs: 0,
      revokeReason: '',
    };
    delete rec.spec.base;
    const { blobs, store, events } = this.d;
    return blobs.lock.run(blob.sha256, async () => {
      blobs.adopt(blob.path, blob.sha256);
      try {
        await retryOnConflict(async () => {
          const quota = await this.d.tenants.prepareAdmit(rec.tenant, `image-${id}`, {
            vcpus: 0,
            memoryBytes: 0,
            vms: 0,
            images: 1,
          });
          const ops: Op[] = [
            put(IMAGES, id, rec),
            put(IMAGES_BY_TENANT, indexKey(rec.tenant, id), ''),
            put(IMAGES_BY_SHA, indexKey(rec.sha256, id), ''),
            ...(rec.parentImageId ? [put(IMAGES_BY_PARENT, indexKey(rec.parentImageId, id), '')] : []),
            ...quota.ops,
            ...extraOps,
          ];
          const ev: NewEvent = {
            type,
            message,
            tenant: rec.tenant,
            attributes: { image_id: id, sha256: rec.sha256, size_bytes: String(rec.sizeBytes), format: rec.format },
          };
          await events.commit({ ops, preconditions: quota.pre, events: [ev], ref: id });
        });
      } catch (e) {
        await blobs.dropIfUnused(store, blob.sha256);
        throw e;
      }
      this.d.log.info({ image_id: id, tenant: rec.tenant, size_bytes: rec.sizeBytes }, message);
      return rec;
    });
  }

  /** One page of the images of `tenant` (undefined: every tenant), in id order. */
  async list(
    tenant: string | undefined,
    o: { pageSize: number; after: string; includeRevoked: boolean },
  ): Promise<{ images: { image: ImageRecord; version: number }[]; last: string | undefined }> {
    const now = this.d.clock.now();
    const out: { image: ImageRecord; version: number }[] = [];
    const prefix = tenant === undefined ? '' : indexKey(tenant, '');
    const coll = tenant === undefined ? IMAGES : IMAGES_BY_TENANT;
    let last: string | undefined;
    let scanned = 0;
    // A page reads at most MAX_SCAN index entries, matching or not.
    for await (const { key } of this.d.store.scan(coll, { prefix, gt: o.after ? prefix + o.after : undefined })) {
      if (++scanned > MAX_SCAN) break;
      const id = key.slice(prefix.length);
      const r = await this.d.store.get<ImageRecord>(IMAGES, id);
      last = id;
      if (!r) continue;
      const image = effective(r.value, now);
      if (!o.includeRevoked && image.state === 'revoked') continue;
      out.push({ image, version: r.version });
      if (out.length >= o.pageSize) return { images: out, last };
    }
    return { images: out, last: scanned > MAX_SCAN ? last : undefined };
  }
}
