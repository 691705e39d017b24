// Reclassification's own names (issue 15). Short, lower-case, independent of the
// proto enum names; converted in one place (common/grpc/convert-reclass.ts).

export const FINDING_KINDS = [
  'over_provisioned',
  'under_provisioned',
  'idle',
  'missing_feature',
  'bandwidth_unused',
  'insufficient_data',
  'oom',
  'throttled',
  'outside_manifest',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export const RECOMMENDATION_KINDS = ['reassign', 'resize', 'move', 'new_vm'] as const;
export type RecommendationKind = (typeof RECOMMENDATION_KINDS)[number];

export const RECOMMENDATION_STATES = [
  'open',
  'scheduled',
  'applying',
  'applied',
  'failed',
  'superseded',
  'stale',
] as const;
export type RecommendationState = (typeof RECOMMENDATION_STATES)[number];

export const TARGET_KINDS = ['vm', 'class', 'custom', 'peer_vm'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export const APPLY_WHENS = ['now', 'maintenance_window', 'at'] as const;
export type ApplyWhen = (typeof APPLY_WHENS)[number];

/** The resources a finding is about. */
export type Resource = 'cpu' | 'memory' | 'disk_io' | 'net' | 'feature';

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** One VM's usage over a window, from one sample per hour it ran (hourly rollups). */
export interface UsageProfile {
  cpuVcpus: Percentiles;
  memoryMib: Percentiles;
  diskIoMbps: Percentiles;
  netMbps: Percentiles;
  dataHours: number;
  gapHours: number;
  sufficient: boolean;
  idle: boolean;
  oomKills: number;
  throttledSeconds: number;
}

/** nephele-manifest.json as parsed (the file's keys are the snake_case of these). */
export interface ApplianceManifest {
  minVcpus: number;
  /** 0 = no upper bound. */
  maxVcpus: number;
  minMemoryMib: number;
  maxMemoryMib: number;
  requiredFeatures: string[];
  netMbps: number;
  modules: string[];
  /** 'vm' (read from the running VM), 'image:<id>', '' = none. */
  source: string;
}

export interface Finding {
  kind: FindingKind;
  resource: Resource;
  observed: number;
  allocated: number;
  threshold: number;
  /** Words with the numbers. */
  detail: string;
}
