// Management records → wire (TokenService answers). Beside convert.ts, which is
// at its size limit. Fields listed explicitly: the token's hash never leaves.
import type { ManagementToken__Output } from '../gen/nephele/v1/ManagementToken.js';
import type { ConfigChange__Output } from '../gen/nephele/v1/ConfigChange.js';
import type { ConfigChange, ManagementRecord } from '../../controller/model/index.js';

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
