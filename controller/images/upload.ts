// UploadImage (bring your own image): the first chunk's meta says what is
// coming and is checked before any data is taken (name, format for the scheme,
// spec, tenant, announced size under the cap, room in the tenant's `images`
// quota); the data is received against the announced size and its sha256,
// inspected as the declared format, and only then registered. Any failure
// leaves neither a record nor a file.
import { rmSync } from 'node:fs';
import type { UploadImageChunk__Output as UploadChunk } from '../../common/gen/nephele/v1/UploadImageChunk.js';
import { InvalidArgumentError, NepheleError, PermissionDeniedError } from '../../common/errors.js';
import { ImageFormatEnum, specFromProto } from '../../common/grpc/convert.js';
import { ulid } from '../../common/ids.js';
import type { ImageFormat } from '../../common/model/enums.js';
import { requireName } from '../../common/validate.js';
import type { ImageRecord } from '../model/image.js';
import { DEFAULT_TENANT, type Tenants } from '../tenancy/tenants.js';
import { validateSpec } from '../vms/spec.js';
import { inspectImage, type InspectOptions } from './inspect.js';
import { receiveFile, type ChunkStream } from './receive.js';
import { DEFAULT_BOOT_IMAGE, type Images, type NewImage } from './store.js';

const FORMATS_OF: Record<string, ImageFormat[]> = { qemu: ['qcow2', 'raw'], process: ['tar'] };

export interface UploadOptions extends InspectOptions {
  idleMs: number;
  /** Uploads received at once (each holds a staged file and a stream). */
  maxUploads: number;
}

export class Uploads {
  private active = 0;

  constructor(
    private readonly images: Images,
    private readonly tenants: Pick<Tenants, 'exists' | 'prepareAdmit'>,
    private readonly o: UploadOptions,
  ) {}

  /** The meta of the first chunk, checked; the image it will make, less what the data decides. */
  async admit(c: UploadChunk, scope: string | undefined): Promise<{ image: NewImage; sizeBytes: number }> {
    const m = c.meta;
    if (!m) throw new InvalidArgumentError('meta', 'the first chunk must carry the metadata');
    const name = requireName('meta.name', m.name);
    const scheme = m.scheme;
    // Own keys only: a scheme of "constructor" or "__proto__" must not find Object's.
    const formats = Object.hasOwn(FORMATS_OF, scheme) ? FORMATS_OF[scheme] : undefined;
    if (!formats) throw new InvalidArgumentError('meta.scheme', 'must be qemu or process');
    const format = ImageFormatEnum.fromProto(m.format);
    if (!format || !formats.includes(format))
      throw new InvalidArgumentError('meta.format', `a ${scheme} image is ${formats.join(' or ')}`);
    if (m.spec && m.spec.scheme && m.spec.scheme !== scheme)
      throw new InvalidArgumentError('meta.spec.scheme', 'must be the image scheme');
    const spec = specFromProto(validateSpec({ ...specFromProto(m.spec), scheme, image: '' } as never, 'meta.spec'));
    const tenant = m.tenant || scope || DEFAULT_TENANT;
    if (scope !== undefined && tenant !== scope)
      throw new PermissionDeniedError('you may only upload images to your own tenant');
    if (!(await this.tenants.exists(tenant))) throw new InvalidArgumentError('meta.tenant', 'unknown tenant');
    const sizeBytes = Number(m.sizeBytes);
    if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0 || sizeBytes > this.o.maxBytes)
      throw new InvalidArgumentError('meta.size_bytes', `must be from 1 to ${this.o.maxBytes} bytes`);
    // Refused before any data is taken: a tenant at its quota cannot fill the disk first.
    await this.tenants.prepareAdmit(tenant, `image-probe-${ulid()}`, { vcpus: 0, memoryBytes: 0, vms: 0, images: 1 });
    const image: NewImage = {
      name,
      tenant,
      scheme,
      format,
      spec,
      manifest: scheme === 'qemu' ? { boot_image: DEFAULT_BOOT_IMAGE } : {},
      parentImageId: '',
      tokenId: '',
      setId: '',
      sourceVmId: '',
      configVersion: 0,
    };
    return { image, sizeBytes };
  }

  async receive(call: ChunkStream<UploadChunk>, scope: string | undefined): Promise<ImageRecord> {
    if (this.active >= this.o.maxUploads)
      throw new NepheleError(
        'RESOURCE_EXHAUSTED',
        `at most ${this.o.maxUploads} image uploads at once; try again later`,
      );
    this.active++;
    const dest = this.images.d.blobs.stagePath(ulid());
    let meta: { image: NewImage; sizeBytes: number } | undefined;
    try {
      const got = await receiveFile(
        call,
        async (first) => {
          meta = await this.admit(first, scope);
          return { dest, maxBytes: meta.sizeBytes };
        },
        { ms: this.o.idleMs, clock: this.images.d.clock },
      );
      if (got.sizeBytes !== meta!.sizeBytes)
        throw new InvalidArgumentError(
          'meta.size_bytes',
          `announced ${meta!.sizeBytes} bytes, received ${got.sizeBytes}`,
        );
      await inspectImage(got.path, meta!.image.format, this.o);
      const blob = { path: got.path, sha256: got.sha256, sizeBytes: got.sizeBytes };
      return await this.images.register(meta!.image, blob, [], 'image.imported', 'image imported');
    } finally {
      this.active--;
      rmSync(dest, { force: true });
      rmSync(`${dest}.part`, { force: true });
    }
  }
}
