// The update cycle at the wire's edge: its request validated into our model
// (ConfigRequest, UpdateOptions), its record out as the wire's UpdateCycle.
// (common/grpc/convert.ts is at its size limit; these are used only here.)
import type { ConfigureManagementInstanceRequest__Output as ConfigureReq } from '../../../common/gen/nephele/v1/ConfigureManagementInstanceRequest.js';
import type { UpdateCycle__Output as UpdateCycle } from '../../../common/gen/nephele/v1/UpdateCycle.js';
import type { UpdateOptions__Output as WireOptions } from '../../../common/gen/nephele/v1/UpdateOptions.js';
import { InvalidArgumentError } from '../../../common/errors.js';
import { CycleStateEnum } from '../../../common/grpc/convert.js';
import {
  CONFIG_KEY_RE,
  CONFIG_MAX_ENTRIES,
  CONFIG_VALUE_MAX,
  MAX_DISK_GIB,
  MAX_MEMORY_MIB,
  MAX_VCPUS,
} from '../../../common/limits.js';
import { CONTROL_CHARS_RE } from '../../../common/validate.js';
import type { ConfigFile, ConfigRequest, CycleRecord, UpdateOptions } from '../../model/index.js';
import { MAX_SET_COUNT } from '../../planner/request.js';

const FILES_MAX = 16;
const FILE_BYTES_MAX = 64 * 1024;
const FILE_PATH_RE = /^[A-Za-z0-9._/-]{1,128}$/;
const MAX_HEALTH_TIMEOUT_S = 86_400;

const int = (field: string, v: number, max: number) => {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new InvalidArgumentError(field, `must be between 0 and ${max}`);
  return v;
};

/** What an update changes, checked field by field under `field` (0 / "" = unchanged). */
export function changesFromProto(r: ConfigureReq | null | undefined, field = 'changes'): ConfigRequest {
  const entries = Object.entries(r?.config ?? {});
  if (entries.length > CONFIG_MAX_ENTRIES)
    throw new InvalidArgumentError(`${field}.config`, `at most ${CONFIG_MAX_ENTRIES} entries`);
  const config: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (!CONFIG_KEY_RE.test(k))
      throw new InvalidArgumentError(
        `${field}.config`,
        `key ${JSON.stringify(k.slice(0, 40))} must match [a-z0-9_-]{1,32}`,
      );
    if (v.length > CONFIG_VALUE_MAX || /[\n\r]/.test(v))
      throw new InvalidArgumentError(
        `${field}.config.${k}`,
        `must be one line of at most ${CONFIG_VALUE_MAX} characters`,
      );
    config[k] = v;
  }
  const wireFiles = r?.files ?? [];
  if (wireFiles.length > FILES_MAX) throw new InvalidArgumentError(`${field}.files`, `at most ${FILES_MAX} files`);
  const files: ConfigFile[] = wireFiles.map((f, i) => {
    const at = `${field}.files[${i}]`;
    if (!FILE_PATH_RE.test(f.path) || f.path.split('/').some((p) => p === '..' || p === '') || f.path.startsWith('/'))
      throw new InvalidArgumentError(`${at}.path`, 'must be a relative path of [A-Za-z0-9._/-], no "..", at most 128');
    if (f.content.length > FILE_BYTES_MAX) throw new InvalidArgumentError(`${at}.content`, 'at most 64 KiB');
    if (!Number.isInteger(f.mode) || f.mode < 0 || f.mode > 0o777)
      throw new InvalidArgumentError(`${at}.mode`, 'must be a permission mode (0 = 0644)');
    return { path: f.path, contentB64: Buffer.from(f.content).toString('base64'), mode: f.mode || 0o644 };
  });
  const applianceVersion = r?.applianceVersion ?? '';
  if (applianceVersion.length > 64 || CONTROL_CHARS_RE.test(applianceVersion))
    throw new InvalidArgumentError(`${field}.appliance_version`, 'at most 64 printable characters');
  return {
    config,
    files,
    applianceVersion,
    vcpus: int(`${field}.vcpus`, r?.vcpus ?? 0, MAX_VCPUS),
    memoryMib: int(`${field}.memory_mib`, r?.memoryMib ?? 0, MAX_MEMORY_MIB),
    diskGib: int(`${field}.disk_gib`, r?.diskGib ?? 0, MAX_DISK_GIB),
  };
}

/** Options with their defaults: one VM per batch after a one-VM canary, 300 s per gate, probe /health. */
export function optionsFromProto(o: WireOptions | null | undefined): UpdateOptions {
  const path = o?.healthPath || '/health';
  if (!/^\/[\x21-\x7e]{0,255}$/.test(path))
    throw new InvalidArgumentError('options.health_path', 'must be an absolute URL path of printable characters');
  const expect = o?.healthExpect ?? '';
  if (expect.length > 256 || CONTROL_CHARS_RE.test(expect))
    throw new InvalidArgumentError('options.health_expect', 'at most 256 printable characters');
  return {
    maxParallel: int('options.max_parallel', o?.maxParallel ?? 0, MAX_SET_COUNT) || 1,
    canary: o ? int('options.canary', o.canary, MAX_SET_COUNT) : 1,
    healthTimeoutS: int('options.health_timeout_s', o?.healthTimeoutS ?? 0, MAX_HEALTH_TIMEOUT_S) || 300,
    autoRevert: !!o?.autoRevert,
    healthPath: path,
    healthExpect: expect,
  };
}

export function cycleToProto(c: CycleRecord, version: number): UpdateCycle {
  const ch = c.changes;
  return {
    id: c.id,
    tenant: c.tenant,
    setId: c.setId,
    newSetId: c.newSetId,
    tokenId: c.tokenId,
    imageId: c.imageId,
    parentImageId: c.parentImageId,
    state: CycleStateEnum.toProto(c.state),
    steps: c.steps.map((s) => ({ ...s })),
    changes: {
      token: '',
      config: { ...ch.config },
      files: ch.files.map((f) => ({ path: f.path, content: Buffer.from(f.contentB64, 'base64'), mode: f.mode })),
      applianceVersion: ch.applianceVersion,
      vcpus: ch.vcpus,
      memoryMib: ch.memoryMib,
      diskGib: ch.diskGib,
      requestId: '',
    },
    options: { ...c.options },
    reason: c.reason,
    createdUnixMs: c.createdUnixMs,
    endedUnixMs: c.endedUnixMs,
    version,
    vmId: c.vmId,
  };
}
