import type { CycleState, ImageFormat, ImageState } from '../../common/model/enums.js';
import type { VmSpec } from './vm.js';

// Management instances, images and update cycles as the controller stores them
// (TokenService). Wire types meet these in common/grpc/convert.ts.

/** Collections (one record per key; indexes hold '' values and are written in the record's batch). */
export const IMAGES = 'images'; // image id → ImageRecord
export const IMAGES_BY_TENANT = 'images-by-tenant'; // `${tenant}\x00${imageId}`
export const IMAGES_BY_PARENT = 'images-by-parent'; // `${parentImageId}\x00${imageId}` (lineage)
export const IMAGES_BY_SHA = 'images-by-sha'; // `${sha256}\x00${imageId}`: a blob is kept while one is listed
export const SETS_BY_IMAGE = 'sets-by-image'; // `${imageId}\x00${setId}`: sets cloned from an image
export const MGMT_TOKENS = 'mgmt-tokens'; // token id → ManagementRecord
export const MGMT_BY_HASH = 'mgmt-by-hash'; // sha256(token) → token id (live tokens only)
export const MGMT_BY_SET = 'mgmt-by-set'; // `${setId}\x00${tokenId}`: the set's tokens, oldest first (ULIDs)
export const CYCLES = 'update-cycles'; // cycle id → CycleRecord
export const CYCLES_BY_SET = 'cycles-by-set'; // `${setId}\x00${cycleId}`
export const CAPTURES = 'image-captures'; // transfer id → CaptureRecord (in flight only)

export const indexKey = (a: string, b: string): string => `${a}\x00${b}`;

/** A VM's base as its host needs it (VmSpec.base). */
export interface ImageRef {
  imageId: string;
  sha256: string;
  sizeBytes: number;
  format: ImageFormat;
  /** qemu: the shipped image directory that supplies kernel + initramfs (e.g. nephele-guest). */
  bootImage: string;
}

export interface ImageRecord {
  id: string;
  name: string;
  tenant: string;
  scheme: string;
  format: ImageFormat;
  sizeBytes: number;
  sha256: string;
  /** What clones get; its `image` is this image's id, its `base` absent (filled per VM). */
  spec: VmSpec;
  manifest: Record<string, string>;
  parentImageId: string;
  tokenId: string;
  setId: string;
  sourceVmId: string;
  configVersion: number;
  createdUnixMs: number;
  state: ImageState;
  /** When it is (or will be) revoked; 0 = not. A future time: `state` turns `revoked` then. */
  revokedUnixMs: number;
  revokeReason: string;
}

export interface ConfigFile {
  path: string;
  /** base64 of the content (records are JSON). */
  contentB64: string;
  mode: number;
}

export interface ConfigChange {
  version: number;
  timeUnixMs: number;
  config: Record<string, string>;
  files: ConfigFile[];
  applianceVersion: string;
  vcpus: number;
  memoryMib: number;
  diskGib: number;
  principal: string;
}

/** A management token (collection mgmt-tokens): the secret is never stored, only its sha256. */
export interface ManagementRecord {
  tokenId: string;
  tenant: string;
  vmId: string;
  setId: string;
  tokenSha256: string;
  live: boolean;
  createdUnixMs: number;
  endedUnixMs: number;
  configVersion: number;
  /** Versioned configuration history, newest last, at most MAX_CHANGES. */
  changes: ConfigChange[];
  cycleId: string;
  /** The image the VM ran when management began ('' = the shipped guest): the captured image's parent. */
  parentImageId: string;
}

export const MAX_CHANGES = 64;

/** A capture in flight (collection image-captures, key = transfer id); removed when it ends either way. */
export interface CaptureRecord {
  transferId: string;
  tokenId: string;
  vmId: string;
  hostId: string;
  tenant: string;
  name: string;
  startedUnixMs: number;
}

export interface CycleStep {
  name: string;
  status: 'running' | 'done' | 'failed';
  detail: string;
  startedUnixMs: number;
  endedUnixMs: number;
}

export interface UpdateOptions {
  maxParallel: number;
  canary: number;
  healthTimeoutS: number;
  autoRevert: boolean;
  healthPath: string;
  healthExpect: string;
}

/** What an update changes (ConfigureManagementInstance's fields, without the token). */
export interface ConfigRequest {
  config: Record<string, string>;
  files: ConfigFile[];
  applianceVersion: string;
  vcpus: number;
  memoryMib: number;
  diskGib: number;
}

export interface CycleRecord {
  id: string;
  tenant: string;
  principal: string;
  setId: string;
  newSetId: string;
  vmId: string;
  tokenId: string;
  imageId: string;
  parentImageId: string;
  state: CycleState;
  steps: CycleStep[];
  changes: ConfigRequest;
  options: UpdateOptions;
  reason: string;
  createdUnixMs: number;
  endedUnixMs: number;
}
