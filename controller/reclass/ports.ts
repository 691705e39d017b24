// The seams between the parts of reclassification (issue 15), so each is built
// and tested on its own:
//   classes    the catalog (default classes, DefineClass/ListClasses/DeleteClass),
//              class prices, host features; per-set policies (auto-apply in a
//              maintenance window), the --reclass-schedule cron and the webhook
//              (controller/reclass/classes, controller/reclass/notice)
//   analyze    usage series from the hourly rollups, percentiles, manifests,
//              findings; the Analyze RPC (controller/reclass/analyze)
//   recommend  candidates, the benefit simulation, ranking and anti-noise, the
//              recommendation records; Recommend/List/Get, OfferTargets
//              (controller/reclass/recommend)
//   apply      ApplyRecommendation: reassign, resize, move, new VM, through the
//              planner and quotas (controller/reclass/apply)
// Implementations live with their owners; tests use in-memory fakes of these.
import type { ApplianceManifest } from '../../common/model/reclass.js';
import type { ApplyWhen } from '../../common/model/reclass.js';
import type { HostRecord, VmRecord } from '../model/index.js';
import type { ClassRecord, RecommendationRecord, ReclassPolicyRecord, VmAnalysisModel } from '../model/reclass.js';
import type { RateCard } from '../usage/model.js';

/** undefined = every tenant (admins), else the only tenant the caller may touch (as UnaryCtx.scope). */
export type Scope = string | undefined;

// ---- classes --------------------------------------------------------------------------

export interface Catalog {
  /** Every class, by vcpus, then memory, then name. */
  list(): Promise<ClassRecord[]>;
  /** undefined for an unknown class. */
  get(name: string): Promise<ClassRecord | undefined>;
  /**
   * A class's price per hour: its own price, else the rate card's arithmetic for
   * its size (vcpus × vcpu_hour + GiB × memory_gib_hour of the most specific
   * rate line for the class name, sla best_effort). 0 without either.
   */
  pricePerHour(c: Pick<ClassRecord, 'name' | 'vcpus' | 'memoryMib' | 'pricePerHour'>, card?: RateCard): number;
}

/** What a host offers, as features: labels whose value is "true"/"yes"/"1" (e.g. secure-os=true), its CPU flags (avx2), gpu when it has GPUs. */
export type HostFeatures = (host: HostRecord) => string[];

// ---- analyze ----------------------------------------------------------------------------

/** One VM's hourly samples over a window, columnar (one index per hour with data, oldest first). */
export interface UsageSeries {
  vmId: string;
  hourStartUnixMs: Float64Array;
  cpuVcpus: Float64Array;
  memoryMib: Float64Array;
  diskIoMbps: Float64Array;
  netMbps: Float64Array;
  oomKills: number;
  throttledSeconds: number;
}

export interface AnalyzeOptions {
  windowHours: number;
  minDataHours: number;
  nowUnixMs: number;
  /** Ask the VMs' agents for their manifests (default true); false: image manifests and cached reads only. */
  askAgents?: boolean;
  /** performance.now() after which no agent is asked (a call over many pages shares one budget); default 5 s from the analysis. */
  agentsUntil?: number;
}

export interface Analyzer {
  /**
   * The analyses of `vms` (already scoped and bounded by the caller): their
   * series read from the hourly rollups of the window (one bounded scan), their
   * manifests (Manifests), their hosts' features, and the findings.
   */
  analyze(vms: VmRecord[], opts: AnalyzeOptions): Promise<VmAnalysisModel[]>;
  /** The series of one VM (the simulation replays it). */
  series(vmId: string, opts: AnalyzeOptions): Promise<UsageSeries | undefined>;
}

export interface Manifests {
  /**
   * The VM's manifest: the one read from the running VM (AgentCommand
   * read_manifest; cached per VM generation) over its image record's; undefined
   * when neither has one. A manifest that does not parse is a finding, not an error.
   * askAgent false: no agent round trip (the cached read, else the image's).
   */
  of(vm: VmRecord, o?: { askAgent?: boolean }): Promise<ApplianceManifest | undefined>;
}

// ---- recommend ---------------------------------------------------------------------------

export interface Recommendations {
  get(id: string, scope: Scope): Promise<{ rec: RecommendationRecord; version: number }>;
  /**
   * Writes `next` if the stored record is still at `version` (ConflictError
   * otherwise), with `extraOps` in the same batch.
   */
  update(next: RecommendationRecord, version: number): Promise<void>;
  /** Records due for application (scheduled, scheduledUnixMs <= now), bounded. */
  due(nowUnixMs: number, limit: number): Promise<RecommendationRecord[]>;
}

// ---- apply ------------------------------------------------------------------------------------

export interface ApplyStepModel {
  name: string;
  state: 'planned' | 'done' | 'failed' | 'skipped';
  detail: string;
}

export interface Applier {
  /**
   * Applies (or with dryRun plans and checks, writing nothing) a recommendation:
   * FAILED_PRECONDITION naming `id` when it is stale (the VM changed or is gone,
   * or a newer one superseded it) or not applicable (quota, no fitting host).
   */
  apply(
    id: string,
    o: { when: ApplyWhen; atUnixMs: number; dryRun: boolean; principal: string },
    scope: Scope,
  ): Promise<{ rec: RecommendationRecord; steps: ApplyStepModel[] }>;
}

// ---- classes / notice -------------------------------------------------------------------

export interface ReclassPolicies {
  /** The set's policy (defaults: auto-apply off) — NOT_FOUND for a set outside scope. */
  get(setId: string, scope: Scope): Promise<ReclassPolicyRecord>;
  /** The next maintenance window of the set at or after `nowUnixMs` (its start), undefined without a window. */
  nextWindow(setId: string, nowUnixMs: number): Promise<number | undefined>;
}

/** Tells the administrator: the `reclass.recommended` event and the optional webhook (--reclass-webhook). */
export interface Notifier {
  recommended(rec: RecommendationRecord): Promise<void>;
}
