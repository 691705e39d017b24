// The one place where proto enum names meet the controller's model names
// (controller/model). Each table maps every model value to its proto name; the
// types make a missing or extra entry a compile error in both directions, the
// way Temporal's TypeScript SDK builds its enum converters.
import type * as M from '../model/enums.js';
import { InvalidArgumentError } from '../errors.js';
import type { VmState__Output as PVmState } from '../gen/nephele/v1/VmState.js';
import type { DesiredVmState__Output as PDesired } from '../gen/nephele/v1/DesiredVmState.js';
import type { Sla__Output as PSla } from '../gen/nephele/v1/Sla.js';
import type { HostKind__Output as PHostKind } from '../gen/nephele/v1/HostKind.js';
import type { HostState__Output as PHostState } from '../gen/nephele/v1/HostState.js';
import type { OwnerState__Output as POwner } from '../gen/nephele/v1/OwnerState.js';
import type { TokenKind__Output as PTokenKind } from '../gen/nephele/v1/TokenKind.js';
import type { VmSetState__Output as PSetState } from '../gen/nephele/v1/VmSetState.js';
import type { PlacementStrategy__Output as PStrategy } from '../gen/nephele/v1/PlacementStrategy.js';
import type { UsageGranularity__Output as PGranularity } from '../gen/nephele/v1/UsageGranularity.js';
import type { SetAffinity__Output as PAffinity } from '../gen/nephele/v1/SetAffinity.js';
import type { HostView__Output as PHostView } from '../gen/nephele/v1/HostView.js';
import type { ImageFormat__Output as PImageFormat } from '../gen/nephele/v1/ImageFormat.js';
import type { ImageState__Output as PImageState } from '../gen/nephele/v1/ImageState.js';
import type { CycleState__Output as PCycleState } from '../gen/nephele/v1/CycleState.js';
import type { ImageRef__Output } from '../gen/nephele/v1/ImageRef.js';
import type { ImageRef } from '../../controller/model/image.js';

import type { VmRecord, VmSpec, SetRecord, SetRequest, HostRecord, TokenRecord } from '../../controller/model/index.js';
import type { Vm__Output } from '../gen/nephele/v1/Vm.js';
import type { VmSpec__Output } from '../gen/nephele/v1/VmSpec.js';
import type { VmSet__Output } from '../gen/nephele/v1/VmSet.js';
import type { VmSetSpec__Output } from '../gen/nephele/v1/VmSetSpec.js';
import type { Host__Output } from '../gen/nephele/v1/Host.js';
import type { Token__Output } from '../gen/nephele/v1/Token.js';

import type { DesiredVm__Output } from '../gen/nephele/v1/DesiredVm.js';
import type { VmStatusReport } from '../gen/nephele/v1/VmStatusReport.js';

/** Compile-time check that `T` is `never` (here: no proto value left unmapped). */
export type Exhaustive<T extends never> = T;

export interface EnumConverter<Model extends string, Proto extends string> {
  readonly values: readonly Model[];
  /** Model → proto; `undefined` → the proto's UNSPECIFIED. */
  toProto(m: Model | undefined): Proto;
  /** Proto → model; UNSPECIFIED (unless it is the enum's default) and unknown numbers → undefined. */
  fromProto(p: Proto | number | null | undefined): Model | undefined;
  /** fromProto that answers INVALID_ARGUMENT naming `field` (and the proto names a caller may send) for anything else. */
  require(p: Proto | number | null | undefined, field: string): Model;
  /** Whether `p` is the proto's UNSPECIFIED (or absent). */
  isUnspecified(p: Proto | number | null | undefined): boolean;
  /** require, but UNSPECIFIED (or nothing) is undefined rather than an error. */
  optional(p: Proto | number | null | undefined, field: string): Model | undefined;
  /** Model value of a stored string in either form (the old proto name or the model name). */
  fromStored(s: unknown): Model | undefined;
}

/**
 * `table` maps every model value but `dflt` to its proto name. `dflt` (when
 * given) is the model value the proto spells UNSPECIFIED, for enums where
 * "unspecified" is a real choice (no owner policy, the default strategy).
 */
export function converter<Model extends string, Proto extends string, D extends Model = never>(
  table: Record<Exclude<Model, D>, Exclude<Proto, `${string}_UNSPECIFIED`>>,
  unspecified: Extract<Proto, `${string}_UNSPECIFIED`>,
  dflt?: D,
): EnumConverter<Model, Proto> {
  const back = new Map<string, Model>();
  for (const [m, p] of Object.entries(table) as [Model, string][]) back.set(p, m);
  if (dflt !== undefined) back.set(unspecified, dflt);
  const values = [...(dflt !== undefined ? [dflt] : []), ...(Object.keys(table) as Model[])];
  const known = new Set<string>(values);
  const c: EnumConverter<Model, Proto> = {
    values,
    toProto: (m) => (m === undefined || m === dflt ? unspecified : (table as Record<string, Proto>)[m]!),
    fromProto: (p) => (typeof p === 'string' ? back.get(p) : p === 0 || p == null ? dflt : undefined),
    require(p, field) {
      const m = c.fromProto(p);
      if (m === undefined)
        throw new InvalidArgumentError(field, `must be one of ${Object.values<string>(table).join(', ')}`);
      return m;
    },
    isUnspecified: (p) => p === undefined || p === null || p === '' || p === 0 || p === unspecified,
    optional: (p, field) => (c.isUnspecified(p) ? dflt : c.require(p, field)),
    fromStored: (s) =>
      typeof s !== 'string'
        ? s == null
          ? dflt
          : undefined
        : known.has(s)
          ? (s as Model)
          : (back.get(s) ?? (s === '' ? dflt : undefined)),
  };
  return c;
}

// Each table must name every model value (Record<Model, …>) and every proto value but UNSPECIFIED (Exhaustive<…>).
const vmState = {
  pending: 'VM_STATE_PENDING',
  creating: 'VM_STATE_CREATING',
  running: 'VM_STATE_RUNNING',
  suspended: 'VM_STATE_SUSPENDED',
  stopped: 'VM_STATE_STOPPED',
  failed: 'VM_STATE_FAILED',
  destroyed: 'VM_STATE_DESTROYED',
} as const satisfies Record<M.VmState, PVmState>;
type _vmState = Exhaustive<Exclude<PVmState, 'VM_STATE_UNSPECIFIED' | (typeof vmState)[M.VmState]>>;
export const VmStateEnum = converter<M.VmState, PVmState>(vmState, 'VM_STATE_UNSPECIFIED');

const desired = {
  running: 'DESIRED_VM_STATE_RUNNING',
  stopped: 'DESIRED_VM_STATE_STOPPED',
  suspended: 'DESIRED_VM_STATE_SUSPENDED',
  destroyed: 'DESIRED_VM_STATE_DESTROYED',
} as const satisfies Record<M.DesiredState, PDesired>;
type _desired = Exhaustive<Exclude<PDesired, 'DESIRED_VM_STATE_UNSPECIFIED' | (typeof desired)[M.DesiredState]>>;
export const DesiredStateEnum = converter<M.DesiredState, PDesired>(desired, 'DESIRED_VM_STATE_UNSPECIFIED');

const sla = { guaranteed: 'SLA_GUARANTEED', best_effort: 'SLA_BEST_EFFORT' } as const satisfies Record<M.Sla, PSla>;
type _sla = Exhaustive<Exclude<PSla, 'SLA_UNSPECIFIED' | (typeof sla)[M.Sla]>>;
export const SlaEnum = converter<M.Sla, PSla>(sla, 'SLA_UNSPECIFIED');

const hostKind = { dedicated: 'HOST_KIND_DEDICATED', adhoc: 'HOST_KIND_ADHOC' } as const satisfies Record<
  M.HostKind,
  PHostKind
>;
type _hostKind = Exhaustive<Exclude<PHostKind, 'HOST_KIND_UNSPECIFIED' | (typeof hostKind)[M.HostKind]>>;
export const HostKindEnum = converter<M.HostKind, PHostKind>(hostKind, 'HOST_KIND_UNSPECIFIED');

const hostState = {
  pending: 'HOST_STATE_PENDING',
  ready: 'HOST_STATE_READY',
  unreachable: 'HOST_STATE_UNREACHABLE',
  down: 'HOST_STATE_DOWN',
  unknown: 'HOST_STATE_UNKNOWN',
  revoked: 'HOST_STATE_REVOKED',
} as const satisfies Record<M.HostShownState, PHostState>;
type _hostState = Exhaustive<Exclude<PHostState, 'HOST_STATE_UNSPECIFIED' | (typeof hostState)[M.HostShownState]>>;
export const HostStateEnum = converter<M.HostShownState, PHostState>(hostState, 'HOST_STATE_UNSPECIFIED');

// OWNER_STATE_UNSPECIFIED means "a dedicated host, no owner policy": a real state, so `none` maps to it.
const owner = {
  idle: 'OWNER_STATE_IDLE',
  busy: 'OWNER_STATE_BUSY',
  evacuate: 'OWNER_STATE_EVACUATE',
} as const satisfies Record<Exclude<M.OwnerState, 'none'>, POwner>;
type _owner = Exhaustive<Exclude<POwner, 'OWNER_STATE_UNSPECIFIED' | (typeof owner)[Exclude<M.OwnerState, 'none'>]>>;
export const OwnerStateEnum = converter<M.OwnerState, POwner, 'none'>(owner, 'OWNER_STATE_UNSPECIFIED', 'none');

const tokenKind = { join: 'TOKEN_KIND_JOIN', api: 'TOKEN_KIND_API' } as const satisfies Record<M.TokenKind, PTokenKind>;
type _tokenKind = Exhaustive<Exclude<PTokenKind, 'TOKEN_KIND_UNSPECIFIED' | (typeof tokenKind)[M.TokenKind]>>;
export const TokenKindEnum = converter<M.TokenKind, PTokenKind>(tokenKind, 'TOKEN_KIND_UNSPECIFIED');

const setState = {
  scheduled: 'VM_SET_STATE_SCHEDULED',
  waiting: 'VM_SET_STATE_WAITING',
  placed: 'VM_SET_STATE_PLACED',
  partial: 'VM_SET_STATE_PARTIAL',
  retiring: 'VM_SET_STATE_RETIRING',
  retired: 'VM_SET_STATE_RETIRED',
} as const satisfies Record<M.SetState, PSetState>;
type _setState = Exhaustive<Exclude<PSetState, 'VM_SET_STATE_UNSPECIFIED' | (typeof setState)[M.SetState]>>;
export const SetStateEnum = converter<M.SetState, PSetState>(setState, 'VM_SET_STATE_UNSPECIFIED');

// UNSPECIFIED is meaningful here too: the controller's default strategy / no affinity constraint.
const strategy = {
  binpack: 'PLACEMENT_STRATEGY_BINPACK',
  spread: 'PLACEMENT_STRATEGY_SPREAD',
} as const satisfies Record<Exclude<M.Strategy, 'default'>, PStrategy>;
type _strategy = Exhaustive<
  Exclude<PStrategy, 'PLACEMENT_STRATEGY_UNSPECIFIED' | (typeof strategy)[Exclude<M.Strategy, 'default'>]>
>;
export const StrategyEnum = converter<M.Strategy, PStrategy, 'default'>(
  strategy,
  'PLACEMENT_STRATEGY_UNSPECIFIED',
  'default',
);

const affinity = {
  affinity: 'SET_AFFINITY_AFFINITY',
  anti_affinity: 'SET_AFFINITY_ANTI_AFFINITY',
} as const satisfies Record<Exclude<M.Affinity, 'none'>, PAffinity>;
type _affinity = Exhaustive<
  Exclude<PAffinity, 'SET_AFFINITY_UNSPECIFIED' | (typeof affinity)[Exclude<M.Affinity, 'none'>]>
>;
export const AffinityEnum = converter<M.Affinity, PAffinity, 'none'>(affinity, 'SET_AFFINITY_UNSPECIFIED', 'none');

// UNSPECIFIED: the caller's default (hour for queries and exports; see usage/convert.ts).
const granularity = {
  raw: 'USAGE_GRANULARITY_RAW',
  hour: 'USAGE_GRANULARITY_HOUR',
  day: 'USAGE_GRANULARITY_DAY',
} as const satisfies Record<M.Granularity, PGranularity>;
type _granularity = Exhaustive<
  Exclude<PGranularity, 'USAGE_GRANULARITY_UNSPECIFIED' | (typeof granularity)[M.Granularity]>
>;
export const GranularityEnum = converter<M.Granularity, PGranularity>(granularity, 'USAGE_GRANULARITY_UNSPECIFIED');

const hostView = { basic: 'HOST_VIEW_BASIC', full: 'HOST_VIEW_FULL' } as const satisfies Record<M.HostView, PHostView>;
type _hostView = Exhaustive<Exclude<PHostView, 'HOST_VIEW_UNSPECIFIED' | (typeof hostView)[M.HostView]>>;
export const HostViewEnum = converter<M.HostView, PHostView>(hostView, 'HOST_VIEW_UNSPECIFIED');

const imageFormat = {
  qcow2: 'IMAGE_FORMAT_QCOW2',
  raw: 'IMAGE_FORMAT_RAW',
  tar: 'IMAGE_FORMAT_TAR',
} as const satisfies Record<M.ImageFormat, PImageFormat>;
type _imageFormat = Exhaustive<Exclude<PImageFormat, 'IMAGE_FORMAT_UNSPECIFIED' | (typeof imageFormat)[M.ImageFormat]>>;
export const ImageFormatEnum = converter<M.ImageFormat, PImageFormat>(imageFormat, 'IMAGE_FORMAT_UNSPECIFIED');

const imageState = { active: 'IMAGE_STATE_ACTIVE', revoked: 'IMAGE_STATE_REVOKED' } as const satisfies Record<
  M.ImageState,
  PImageState
>;
type _imageState = Exhaustive<Exclude<PImageState, 'IMAGE_STATE_UNSPECIFIED' | (typeof imageState)[M.ImageState]>>;
export const ImageStateEnum = converter<M.ImageState, PImageState>(imageState, 'IMAGE_STATE_UNSPECIFIED');

const cycleState = {
  running: 'CYCLE_STATE_RUNNING',
  succeeded: 'CYCLE_STATE_SUCCEEDED',
  failed: 'CYCLE_STATE_FAILED',
  reverted: 'CYCLE_STATE_REVERTED',
} as const satisfies Record<M.CycleState, PCycleState>;
type _cycleState = Exhaustive<Exclude<PCycleState, 'CYCLE_STATE_UNSPECIFIED' | (typeof cycleState)[M.CycleState]>>;
export const CycleStateEnum = converter<M.CycleState, PCycleState>(cycleState, 'CYCLE_STATE_UNSPECIFIED');

// ---- records: model → proto (responses) -------------------------------------------------
// Each lists the wire fields explicitly, so internal fields (ran, tried, certSerial,
// durableSeq, secretHash …) can never leak into a response by a spread.

export const specToProto = (s: VmSpec): VmSpec__Output => ({
  scheme: s.scheme,
  vcpus: s.vcpus,
  memoryMib: s.memoryMib,
  diskGib: s.diskGib,
  image: s.image,
  appliancePort: s.appliancePort,
  config: { ...s.config },
  vmClass: s.vmClass ?? '',
  baseImage: s.base ? imageRefToProto(s.base) : null,
});

/** An instantiation request with every field at CreateVmSet's default (callers spread their own over it). */
export const emptySetSpec = (): VmSetSpec__Output => ({
  name: '',
  tenant: '',
  spec: null,
  count: 0,
  sla: SlaEnum.toProto(undefined),
  startAtUnixMs: 0,
  batchWindowS: 0,
  durationS: 0,
  endOnTask: false,
  group: '',
  labels: {},
  affinity: AffinityEnum.toProto('none'),
  schemePreference: [],
  strategy: StrategyEnum.toProto('default'),
  app: '',
  userGroup: '',
});

export const imageRefToProto = (r: ImageRef): ImageRef__Output => ({
  imageId: r.imageId,
  sha256: r.sha256,
  sizeBytes: r.sizeBytes,
  format: ImageFormatEnum.toProto(r.format),
  bootImage: r.bootImage,
});

/** The wire's base image (agents read it from their desired state); undefined when absent or malformed. */
export const imageRefFromProto = (r: ImageRef__Output | null | undefined): ImageRef | undefined => {
  const format = ImageFormatEnum.fromProto(r?.format);
  if (!r || !r.sha256 || !format) return undefined;
  return { imageId: r.imageId, sha256: r.sha256, sizeBytes: Number(r.sizeBytes), format, bootImage: r.bootImage };
};

/** Wire spec → ours (validation happens in vms/spec.ts; this only copies the fields). */
export const specFromProto = (s: Partial<VmSpec__Output> | null | undefined): VmSpec => ({
  scheme: s?.scheme ?? '',
  vcpus: s?.vcpus ?? 0,
  memoryMib: s?.memoryMib ?? 0,
  diskGib: s?.diskGib ?? 0,
  image: s?.image ?? '',
  appliancePort: s?.appliancePort ?? 0,
  config: { ...(s?.config ?? {}) },
  vmClass: s?.vmClass ?? '',
});

export function vmToProto(vm: VmRecord, version: number): Vm__Output {
  return {
    id: vm.id,
    name: vm.name,
    tenant: vm.tenant,
    hostId: vm.hostId,
    spec: specToProto(vm.spec),
    desired: DesiredStateEnum.toProto(vm.desired),
    state: VmStateEnum.toProto(vm.state),
    stateReason: vm.stateReason,
    stateChangedUnixMs: vm.stateChangedUnixMs,
    createdUnixMs: vm.createdUnixMs,
    generation: vm.generation,
    rebootCount: vm.rebootCount,
    // A management instance is hidden: its port forward is removed, so no port is shown.
    hostPort: vm.managed ? 0 : vm.hostPort,
    guestReady: vm.guestReady,
    version,
    setId: vm.setId,
    sla: SlaEnum.toProto(vm.sla),
    placedUnixMs: vm.placedUnixMs,
    confirmedUnixMs: vm.confirmedUnixMs,
    placementAttempts: vm.placementAttempts,
    taskDone: vm.taskDone,
    hostName: '', // filled at the edge, for callers who may read the fleet
    app: vm.app ?? '',
    userGroup: vm.userGroup ?? '',
  };
}

export const setRequestToProto = (r: SetRequest): VmSetSpec__Output => ({
  name: r.name,
  tenant: r.tenant,
  spec: specToProto(r.spec),
  count: r.count,
  sla: SlaEnum.toProto(r.sla),
  startAtUnixMs: r.startAtUnixMs,
  batchWindowS: r.batchWindowS,
  durationS: r.durationS,
  endOnTask: r.endOnTask,
  group: r.group,
  labels: { ...r.labels },
  affinity: AffinityEnum.toProto(r.affinity),
  schemePreference: [...r.schemePreference],
  strategy: StrategyEnum.toProto(r.strategy),
  app: r.app ?? '',
  userGroup: r.userGroup ?? '',
});

/** Counts are derived from the set's VMs by the caller. */
export function setToProto(
  s: SetRecord,
  version: number,
  counts: { placed: number; confirmed: number; running: number; failed: number },
): VmSet__Output {
  return {
    id: s.id,
    tenant: s.tenant,
    request: setRequestToProto(s.request),
    state: SetStateEnum.toProto(s.state),
    stateReason: s.stateReason,
    count: s.count,
    placed: counts.placed,
    confirmed: counts.confirmed,
    running: counts.running,
    reasons: [...s.reasons],
    createdUnixMs: s.createdUnixMs,
    startedUnixMs: s.startedUnixMs,
    expiresUnixMs: s.expiresUnixMs,
    windowEndsUnixMs: s.windowEndsUnixMs,
    retiredUnixMs: s.retiredUnixMs,
    version,
    failed: counts.failed,
  };
}

/** Live figures a host's API view adds to its record. */
export type HostLive = Pick<
  Host__Output,
  | 'free'
  | 'load'
  | 'peer'
  | 'heartbeatIntervalMs'
  | 'allocated'
  | 'vmCount'
  | 'lastSeenUnixMs'
  | 'inventory'
  | 'accelerator'
> & { owner: HostRecord['owner']; state: M.HostShownState };

export function hostToProto(h: HostRecord, version: number, live: HostLive): Host__Output {
  return {
    id: h.id,
    name: h.name,
    kind: HostKindEnum.toProto(h.kind),
    state: HostStateEnum.toProto(live.state),
    stateReason: h.stateReason,
    stateChangedUnixMs: h.stateChangedUnixMs,
    cordoned: h.cordoned,
    cordonReason: h.cordonReason,
    groups: [...h.groups],
    addresses: [...h.addresses],
    agentVersion: h.agentVersion,
    schemes: [...h.schemes],
    inventory: live.inventory,
    free: live.free,
    load: live.load,
    enrolledUnixMs: h.enrolledUnixMs,
    lastSeenUnixMs: live.lastSeenUnixMs,
    heartbeatIntervalMs: live.heartbeatIntervalMs,
    labels: { ...(h.labels ?? {}) },
    peer: live.peer,
    version,
    revoked: h.revoked,
    revokedReason: h.revokedReason,
    certNotAfterUnixMs: h.certNotAfterUnixMs,
    owner: OwnerStateEnum.toProto(live.owner),
    offersGuarantees: h.offersGuarantees ?? false,
    allocated: live.allocated,
    vmCount: live.vmCount,
    schemeInfo: (h.schemeInfo ?? []).map((s) => ({ scheme: s.scheme, attributes: { ...s.attributes } })),
    accelerator: live.accelerator,
  };
}

export function tokenToProto(t: TokenRecord): Token__Output {
  return {
    id: t.id,
    kind: TokenKindEnum.toProto(t.kind),
    description: t.description,
    createdUnixMs: t.createdUnixMs,
    expiresUnixMs: t.expiresUnixMs,
    revoked: t.revoked,
    usedUnixMs: t.usedUnixMs,
    usedByHost: t.usedByHost,
    createdBy: t.createdBy,
    hostKind: HostKindEnum.toProto(t.hostKind),
    role: t.role,
    tenant: t.tenant,
    grants: [...(t.grants ?? [])],
    userGroup: t.userGroup ?? '',
  };
}

// ---- agent session messages ------------------------------------------------------------

/** What the agent converges to: the wire DesiredVm with our name for its desired state (optional flags: false when absent). */
export type DesiredVm = Omit<DesiredVm__Output, 'desired' | 'hardStop' | 'exportFlat'> & {
  desired: M.DesiredState | undefined;
  hardStop?: boolean;
  exportFlat?: boolean;
};
/** A VM state report as the agent's runner makes it (the session numbers and converts it). */
export type StatusReport = Omit<VmStatusReport, 'seq' | 'epoch' | 'state'> & { state: M.VmState };

export const desiredVmFromProto = (d: DesiredVm__Output): DesiredVm => ({
  ...d,
  desired: DesiredStateEnum.fromProto(d.desired),
});
export const statusReportToProto = (r: StatusReport): Omit<VmStatusReport, 'seq' | 'epoch'> => ({
  ...r,
  state: VmStateEnum.toProto(r.state),
});
