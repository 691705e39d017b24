// The update cycle at the wire's edge: its request validated into our model
// (ConfigRequest, UpdateOptions), its record out as the wire's UpdateCycle.
// (common/grpc/convert.ts is at its size limit; these are used only here.)
import type { ConfigureManagementInstanceRequest__Output as ConfigureReq } from '../../../common/gen/nephele/v1/ConfigureManagementInstanceRequest.js';
import type { UpdateCycle__Output as UpdateCycle } from '../../../common/gen/nephele/v1/UpdateCycle.js';
import type { UpdateOptions__Output as WireOptions } from '../../../common/gen/nephele/v1/UpdateOptions.js';
import { InvalidArgumentError } from '../../../common/errors.js';
import { CycleStateEnum } from '../../../common/grpc/convert.js';
import { CONTROL_CHARS_RE } from '../../../common/validate.js';
import type { ConfigRequest, CycleRecord, UpdateOptions } from '../../model/index.js';
import { MAX_SET_COUNT } from '../../planner/request.js';
import { validateConfig } from '../input.js';

const MAX_HEALTH_TIMEOUT_S = 86_400;

const int = (field: string, v: number, max: number) => {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new InvalidArgumentError(field, `must be between 0 and ${max}`);
  return v;
};

/** What an update changes: checked as ConfigureManagementInstance checks it, fields under `changes`. */
export const changesFromProto = (r: ConfigureReq | null | undefined): ConfigRequest =>
  validateConfig(r ?? {}, 'changes');

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
