// Reclassification's proto <-> model conversion (issue 15), in one place: the
// enum tables (exhaustive both ways, as in convert.ts) and the records as the
// wire shows them. Handlers and the CLI import from here.
import type * as M from '../model/reclass.js';
import { converter, type Exhaustive } from './convert.js';
import type { FindingKind__Output as PFindingKind } from '../gen/nephele/v1/FindingKind.js';
import type { RecommendationKind__Output as PRecKind } from '../gen/nephele/v1/RecommendationKind.js';
import type { RecommendationState__Output as PRecState } from '../gen/nephele/v1/RecommendationState.js';
import type { TargetKind__Output as PTargetKind } from '../gen/nephele/v1/TargetKind.js';
import type { ApplyWhen__Output as PApplyWhen } from '../gen/nephele/v1/ApplyWhen.js';
import type { VmClass__Output } from '../gen/nephele/v1/VmClass.js';
import type { Finding__Output } from '../gen/nephele/v1/Finding.js';
import type { UsageProfile__Output } from '../gen/nephele/v1/UsageProfile.js';
import type { ApplianceManifest__Output } from '../gen/nephele/v1/ApplianceManifest.js';
import type { VmAnalysis__Output } from '../gen/nephele/v1/VmAnalysis.js';
import type { Target__Output } from '../gen/nephele/v1/Target.js';
import type { Benefit__Output } from '../gen/nephele/v1/Benefit.js';
import type { Candidate__Output } from '../gen/nephele/v1/Candidate.js';
import type { Recommendation__Output } from '../gen/nephele/v1/Recommendation.js';
import type { ReclassPolicy__Output } from '../gen/nephele/v1/ReclassPolicy.js';
import type {
  BenefitModel,
  CandidateModel,
  ClassRecord,
  RecommendationRecord,
  ReclassPolicyRecord,
  TargetModel,
  VmAnalysisModel,
} from '../../controller/model/reclass.js';

// ---- enums ---------------------------------------------------------------------------------

const findingKind = {
  over_provisioned: 'FINDING_KIND_OVER_PROVISIONED',
  under_provisioned: 'FINDING_KIND_UNDER_PROVISIONED',
  idle: 'FINDING_KIND_IDLE',
  missing_feature: 'FINDING_KIND_MISSING_FEATURE',
  bandwidth_unused: 'FINDING_KIND_BANDWIDTH_UNUSED',
  insufficient_data: 'FINDING_KIND_INSUFFICIENT_DATA',
  oom: 'FINDING_KIND_OOM',
  throttled: 'FINDING_KIND_THROTTLED',
  outside_manifest: 'FINDING_KIND_OUTSIDE_MANIFEST',
} as const satisfies Record<M.FindingKind, PFindingKind>;
type _findingKind = Exhaustive<Exclude<PFindingKind, 'FINDING_KIND_UNSPECIFIED' | (typeof findingKind)[M.FindingKind]>>;
export const FindingKindEnum = converter<M.FindingKind, PFindingKind>(findingKind, 'FINDING_KIND_UNSPECIFIED');

const recKind = {
  reassign: 'RECOMMENDATION_KIND_REASSIGN',
  resize: 'RECOMMENDATION_KIND_RESIZE',
  move: 'RECOMMENDATION_KIND_MOVE',
  new_vm: 'RECOMMENDATION_KIND_NEW_VM',
} as const satisfies Record<M.RecommendationKind, PRecKind>;
type _recKind = Exhaustive<
  Exclude<PRecKind, 'RECOMMENDATION_KIND_UNSPECIFIED' | (typeof recKind)[M.RecommendationKind]>
>;
export const RecommendationKindEnum = converter<M.RecommendationKind, PRecKind>(
  recKind,
  'RECOMMENDATION_KIND_UNSPECIFIED',
);

const recState = {
  open: 'RECOMMENDATION_STATE_OPEN',
  scheduled: 'RECOMMENDATION_STATE_SCHEDULED',
  applying: 'RECOMMENDATION_STATE_APPLYING',
  applied: 'RECOMMENDATION_STATE_APPLIED',
  failed: 'RECOMMENDATION_STATE_FAILED',
  superseded: 'RECOMMENDATION_STATE_SUPERSEDED',
  stale: 'RECOMMENDATION_STATE_STALE',
} as const satisfies Record<M.RecommendationState, PRecState>;
type _recState = Exhaustive<
  Exclude<PRecState, 'RECOMMENDATION_STATE_UNSPECIFIED' | (typeof recState)[M.RecommendationState]>
>;
export const RecommendationStateEnum = converter<M.RecommendationState, PRecState>(
  recState,
  'RECOMMENDATION_STATE_UNSPECIFIED',
);

const targetKind = {
  vm: 'TARGET_KIND_VM',
  class: 'TARGET_KIND_CLASS',
  custom: 'TARGET_KIND_CUSTOM',
  peer_vm: 'TARGET_KIND_PEER_VM',
} as const satisfies Record<M.TargetKind, PTargetKind>;
type _targetKind = Exhaustive<Exclude<PTargetKind, 'TARGET_KIND_UNSPECIFIED' | (typeof targetKind)[M.TargetKind]>>;
export const TargetKindEnum = converter<M.TargetKind, PTargetKind>(targetKind, 'TARGET_KIND_UNSPECIFIED');

const applyWhen = {
  maintenance_window: 'APPLY_WHEN_MAINTENANCE_WINDOW',
  at: 'APPLY_WHEN_AT',
} as const satisfies Record<Exclude<M.ApplyWhen, 'now'>, PApplyWhen>;
/** 'now' is both APPLY_WHEN_NOW and UNSPECIFIED (the default). */
export const ApplyWhenEnum = {
  ...converter<M.ApplyWhen, PApplyWhen, 'now'>(
    { ...applyWhen, now: 'APPLY_WHEN_NOW' } as unknown as typeof applyWhen,
    'APPLY_WHEN_UNSPECIFIED',
    'now',
  ),
};
type _applyWhen = Exhaustive<
  Exclude<PApplyWhen, 'APPLY_WHEN_UNSPECIFIED' | 'APPLY_WHEN_NOW' | (typeof applyWhen)[keyof typeof applyWhen]>
>;

// ---- records -------------------------------------------------------------------------------

export const classToProto = (c: ClassRecord): VmClass__Output => ({
  name: c.name,
  vcpus: c.vcpus,
  memoryMib: c.memoryMib,
  diskGib: c.diskGib,
  diskIoMbps: c.diskIoMbps,
  netMbps: c.netMbps,
  features: [...c.features],
  pricePerHour: c.pricePerHour,
  description: c.description,
  builtin: c.builtin,
  version: c.version,
  updatedUnixMs: c.updatedUnixMs,
});

export const findingToProto = (f: M.Finding): Finding__Output => ({
  kind: FindingKindEnum.toProto(f.kind),
  resource: f.resource,
  observed: f.observed,
  allocated: f.allocated,
  threshold: f.threshold,
  detail: f.detail,
});

const pct = (p: M.Percentiles) => ({ p50: p.p50, p95: p.p95, p99: p.p99, max: p.max, mean: p.mean });

export const profileToProto = (u: M.UsageProfile): UsageProfile__Output => ({
  cpuVcpus: pct(u.cpuVcpus),
  memoryMib: pct(u.memoryMib),
  diskIoMbps: pct(u.diskIoMbps),
  netMbps: pct(u.netMbps),
  dataHours: u.dataHours,
  gapHours: u.gapHours,
  sufficient: u.sufficient,
  idle: u.idle,
  oomKills: u.oomKills,
  throttledSeconds: u.throttledSeconds,
});

export const manifestToProto = (m: M.ApplianceManifest | undefined): ApplianceManifest__Output | null =>
  m
    ? {
        minVcpus: m.minVcpus,
        maxVcpus: m.maxVcpus,
        minMemoryMib: m.minMemoryMib,
        maxMemoryMib: m.maxMemoryMib,
        requiredFeatures: [...m.requiredFeatures],
        netMbps: m.netMbps,
        modules: [...m.modules],
        source: m.source,
      }
    : null;

export const analysisToProto = (a: VmAnalysisModel): VmAnalysis__Output => ({
  vmId: a.vmId,
  vmName: a.vmName,
  setId: a.setId,
  tenant: a.tenant,
  hostId: a.hostId,
  scheme: a.scheme,
  vmClass: a.vmClass,
  vcpus: a.vcpus,
  memoryMib: a.memoryMib,
  diskGib: a.diskGib,
  usage: profileToProto(a.usage),
  manifest: manifestToProto(a.manifest),
  findings: a.findings.map(findingToProto),
  hostFeatures: [...a.hostFeatures],
});

export const targetToProto = (t: TargetModel): Target__Output => ({
  kind: TargetKindEnum.toProto(t.kind),
  vmId: t.vmId,
  vmClass: t.vmClass,
  vcpus: t.vcpus,
  memoryMib: t.memoryMib,
  diskGib: t.diskGib,
  features: [...t.features],
  hostId: t.hostId,
  peer: t.peer,
});

export const benefitToProto = (b: BenefitModel): Benefit__Output => ({ ...b });

export const candidateToProto = (c: CandidateModel): Candidate__Output => ({
  kind: RecommendationKindEnum.toProto(c.kind),
  target: targetToProto(c.target),
  benefit: benefitToProto(c.benefit),
  fits: c.fits,
  explanation: c.explanation,
});

export const recommendationToProto = (r: RecommendationRecord): Recommendation__Output => ({
  id: r.id,
  vmId: r.vmId,
  vmName: r.vmName,
  setId: r.setId,
  tenant: r.tenant,
  kind: RecommendationKindEnum.toProto(r.kind),
  target: targetToProto(r.target),
  benefit: benefitToProto(r.benefit),
  findings: r.findings.map(findingToProto),
  explanation: r.explanation,
  candidates: r.candidates.map(candidateToProto),
  state: RecommendationStateEnum.toProto(r.state),
  applicable: r.applicable,
  notApplicableReason: r.notApplicableReason,
  createdUnixMs: r.createdUnixMs,
  updatedUnixMs: r.updatedUnixMs,
  windowHours: r.windowHours,
  dataHours: r.dataHours,
  vmGeneration: r.vmGeneration,
  vmSpecHash: r.vmSpecHash,
  stateReason: r.stateReason,
  newVmId: r.newVmId,
  scheduledUnixMs: r.scheduledUnixMs,
  usage: profileToProto(r.usage),
  vcpus: r.vcpus,
  memoryMib: r.memoryMib,
  vmClass: r.vmClass,
});

export const reclassPolicyToProto = (p: ReclassPolicyRecord): ReclassPolicy__Output => ({
  setId: p.setId,
  autoApply: p.autoApply,
  windowCron: p.windowCron,
  windowMinutes: p.windowMinutes,
  kinds: p.kinds.map((k) => RecommendationKindEnum.toProto(k)),
  updatedUnixMs: p.updatedUnixMs,
});

// ---- from the wire (classes, policies) ------------------------------------------------------

/** A requested class's content (validated by the catalog; read-only fields ignored). */
export const classFromProto = (c: VmClass__Output) => {
  const { builtin: _b, version: _v, updatedUnixMs: _u, ...content } = c;
  return { ...content, features: [...(c.features ?? [])] };
};

/** A requested policy's content (validated by the policy book); kinds checked here, naming policy.kinds[i]. */
export const reclassPolicyFromProto = (p: ReclassPolicy__Output) => ({
  autoApply: !!p.autoApply,
  windowCron: p.windowCron ?? '',
  windowMinutes: p.windowMinutes ?? 0,
  kinds: (p.kinds ?? []).map((k, i) => RecommendationKindEnum.require(k, `policy.kinds[${i}]`)),
});
