// Management and image records → wire (TokenService answers). Beside convert.ts, which is
// at its size limit. Fields listed explicitly: the token's hash never leaves.
import type { ManagementToken__Output } from '../gen/nephele/v1/ManagementToken.js';
import type { ConfigChange__Output } from '../gen/nephele/v1/ConfigChange.js';
import type { ConfigChange, ImageRecord, ManagementRecord } from '../../controller/model/index.js';
import type { Image__Output } from '../gen/nephele/v1/Image.js';
import { ImageFormatEnum, ImageStateEnum, specToProto } from './convert.js';

export const configChangeToProto = (c: ConfigChange): ConfigChange__Output => ({
  version: c.version,
  timeUnixMs: c.timeUnixMs,
  config: { ...c.config },
  files: c.files.map((f) => ({ path: f.path, content: Buffer.from(f.contentB64, 'base64'), mode: f.mode })),
  applianceVersion: c.applianceVersion,
  vcpus: c.vcpus,
  memoryMib: c.memoryMib,
  diskGib: c.diskGib,
  principal: c.principal,
});

export const managementToProto = (r: ManagementRecord): ManagementToken__Output => ({
  tokenId: r.tokenId,
  tenant: r.tenant,
  vmId: r.vmId,
  setId: r.setId,
  live: r.live,
  createdUnixMs: r.createdUnixMs,
  endedUnixMs: r.endedUnixMs,
  configVersion: r.configVersion,
  changes: r.changes.map(configChangeToProto),
  cycleId: r.cycleId,
});

export const imageToProto = (i: ImageRecord, version: number): Image__Output => ({
  id: i.id,
  name: i.name,
  tenant: i.tenant,
  scheme: i.scheme,
  format: ImageFormatEnum.toProto(i.format),
  sizeBytes: i.sizeBytes,
  sha256: i.sha256,
  spec: specToProto(i.spec),
  manifest: { ...i.manifest },
  parentImageId: i.parentImageId,
  tokenId: i.tokenId,
  setId: i.setId,
  createdUnixMs: i.createdUnixMs,
  state: ImageStateEnum.toProto(i.state),
  revokedUnixMs: i.revokedUnixMs,
  revokeReason: i.revokeReason,
  version,
  sourceVmId: i.sourceVmId,
  configVersion: i.configVersion,
});
