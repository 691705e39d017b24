// What a host may download (AgentService.FetchImage): only the base of a VM
// desired on it (its spec.base names the sha256), only while the store keeps it.
import type * as grpc from '@grpc/grpc-js';
import { encodedChunks, transferIdField, type EncodedChunk } from '../../common/chunk-codec.js';
import { DISK_CHUNK_BYTES } from '../../common/disk-stream.js';
import type { DiskChunk } from '../../common/gen/nephele/v1/DiskChunk.js';
import { InvalidArgumentError, NotFoundError } from '../../common/errors.js';
import type { Store } from '../../common/store/index.js';
import { IMAGES_BY_SHA } from '../model/image.js';
import type { VmRecord } from '../model/index.js';
import { VMS, VMS_BY_HOST } from '../vms/registry.js';
import { SHA256_RE, type ImageBlobs } from './blobs.js';

/** VMs read per look (a host runs at most this many that matter). */
const MAX_HOST_VMS = 10_000;
const PAGE = 256;

/** Whether a VM desired on `hostId` is a clone of the blob `sha256`. */
export async function hostNeeds(store: Store, hostId: string, sha256: string): Promise<boolean> {
  const prefix = `${hostId}/`;
  let ids: string[] = [];
  let seen = 0;
  const look = async () => {
    const recs = await store.getMany<VmRecord>(VMS, ids);
    ids = [];
    return recs.some((r) => r && r.value.desired !== 'destroyed' && r.value.spec.base?.sha256 === sha256);
  };
  for await (const { key } of store.scan(VMS_BY_HOST, { prefix, limit: MAX_HOST_VMS })) {
    ids.push(key.slice(prefix.length));
    if (++seen % PAGE === 0 && (await look())) return true;
  }
  return ids.length > 0 && look();
}

/** Streams a blob the store keeps (tagged with its sha256 as the transfer id), minding flow control. */
export async function sendBlob(
  call: Pick<grpc.ServerWritableStream<unknown, DiskChunk | EncodedChunk>, 'write' | 'once' | 'end'>,
  blobs: ImageBlobs,
  store: Store,
  sha256: string,
): Promise<void> {
  if (!SHA256_RE.test(sha256)) throw new InvalidArgumentError('sha256', 'is not a sha256 (64 lowercase hex digits)');
  let kept = false;
  for await (const _ of store.scan(IMAGES_BY_SHA, { prefix: `${sha256}\x00`, limit: 1 })) kept = true;
  if (!kept || !blobs.has(sha256)) throw new NotFoundError('image');
  // Pre-encoded (common/chunk-codec.ts; the services' serializers take them, common/grpc/decode.ts safeService).
  const head = transferIdField(sha256);
  for await (const c of encodedChunks(blobs.path(sha256), () => head, DISK_CHUNK_BYTES, sha256))
    if (!call.write(c)) await new Promise((r) => call.once('drain', r));
  call.end();
}
