import type {
  ApplianceManifest,
  ApplyWhen,
  Finding,
  RecommendationKind,
  RecommendationState,
  TargetKind,
  UsageProfile,
} from '../../common/model/reclass.js';

// Reclassification (issue 15) as the controller stores it. Wire types meet these
// in common/grpc/convert-reclass.ts.

export const CLASSES = 'vm-classes'; // class name → ClassRecord
export const RECOMMENDATIONS = 'reclass-recs'; // recommendation id (ULID) → RecommendationRecord
/** `${vmId}\x00${recId}`: a VM's recommendations, oldest first (ULIDs). Written in the record's batch. */
export const RECS_BY_VM = 'reclass-recs-by-vm';
/** `${tenant}\x00${recId}`: a tenant's recommendations, oldest first. Written in the record's batch. */
export const RECS_BY_TENANT = 'reclass-recs-by-tenant';
export const RECLASS_POLICIES = 'reclass-policies'; // set id → ReclassPolicyRecord
/** vm id → ReclassHistory: what anti-noise remembers per VM (hysteresis, OOM/throttle bumps). */
export const RECLASS_HISTORY = 'reclass-history';
/** Catalog bookkeeping: key 'seeded' once the default catalog was written (a deleted default stays deleted). */
export const CLASS_META = 'vm-classes-meta';

export interface ClassRecord {
  name: string;
  vcpus: number;
  memoryMib: number;
  diskGib: number;
  /** Caps; 0 = none. */
  diskIoMbps: number;
  netMbps: number;
  features: string[];
  /** 0 = priced by the rate card. */
  pricePerHour: number;
  description: string;
  builtin: boolean;
  version: number;
  updatedUnixMs: number;
}

export interface TargetModel {
  kind: TargetKind;
  vmId: string;
  vmClass: string;
  vcpus: number;
  memoryMib: number;
  diskGib: number;
  features: string[];
  hostId: string;
  peer: string;
}

export interface BenefitModel {
  projectedCpuP95Pct: number;
  projectedMemoryP95Pct: number;
  headroomTargetPct: number;
  riskPct: number;
  costPerHourNow: number;
  costPerHourTarget: number;
  /** (target − now) × 730 h; negative = saving. */
  costDeltaPerMonth: number;
  currency: string;
  rateCardVersion: number;
  moves: number;
  score: number;
}

export interface CandidateModel {
  kind: RecommendationKind;
  target: TargetModel;
  benefit: BenefitModel;
  fits: boolean;
  explanation: string;
}

/** One VM's analysis (the Analyze answer's row; also what a recommendation is made from). */
export interface VmAnalysisModel {
  vmId: string;
  vmName: string;
  setId: string;
  tenant: string;
  hostId: string;
  scheme: string;
  vmClass: string;
  vcpus: number;
  memoryMib: number;
  diskGib: number;
  usage: UsageProfile;
  manifest?: ApplianceManifest;
  findings: Finding[];
  hostFeatures: string[];
}

export interface RecommendationRecord {
  id: string;
  vmId: string;
  vmName: string;
  setId: string;
  tenant: string;
  kind: RecommendationKind;
  target: TargetModel;
  benefit: BenefitModel;
  findings: Finding[];
  explanation: string;
  /** Ranked, best first (at most 10). */
  candidates: CandidateModel[];
  state: RecommendationState;
  applicable: boolean;
  notApplicableReason: string;
  createdUnixMs: number;
  updatedUnixMs: number;
  windowHours: number;
  dataHours: number;
  /** The VM as analyzed: a VM that changed since makes the recommendation stale. */
  vmGeneration: number;
  vmSpecHash: string;
  stateReason: string;
  newVmId: string;
  scheduledUnixMs: number;
  /** How it is to be applied once scheduled. */
  when?: ApplyWhen;
  usage: UsageProfile;
  vcpus: number;
  memoryMib: number;
  vmClass: string;
}

export interface ReclassPolicyRecord {
  setId: string;
  tenant: string;
  autoApply: boolean;
  windowCron: string;
  windowMinutes: number;
  /** Auto-applied kinds (empty = resize and move). */
  kinds: RecommendationKind[];
  updatedUnixMs: number;
}

/** Anti-noise memory per VM. */
export interface ReclassHistory {
  vmId: string;
  /** Classes/sizes applied, newest last (at most 16): a change back within the cool-down is refused (hysteresis). */
  changes: { unixMs: number; fromVcpus: number; fromMemoryMib: number; toVcpus: number; toMemoryMib: number }[];
  /** OOM kills / throttled seconds already answered by a bump: only pressure beyond these bumps again. */
  oomKillsAnswered: number;
  throttledSecondsAnswered: number;
  lastBumpUnixMs: number;
}
