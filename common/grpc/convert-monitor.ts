// The one place where the appliance monitor's proto types meet its model types
// (common/model/monitor.ts, controller/model/monitor.ts). Enum tables are
// exhaustive in both directions like those in convert.ts; record converters list
// the wire fields explicitly so no internal field leaks by a spread. Validation
// of policies lives in controller/monitor/policy; these only copy and bound.
import type * as M from '../model/monitor.js';
import type {
  ActionRecord,
  ApplianceRecord,
  LadderRung,
  PolicyRecord,
  SubscriptionRecord,
} from '../../controller/model/monitor.js';
import {
  ActionKindEnum,
  ActionOutcomeEnum,
  AppActionKindEnum,
  AppStateEnum,
  LadderStepEnum,
  ProbeKindEnum,
  SubscriptionStateEnum,
  UpdateSourceEnum,
} from './convert-monitor-enums.js';
export * from './convert-monitor-enums.js';
import type { Appliance__Output } from '../gen/nephele/v1/Appliance.js';
import type { ApplianceProcess__Output } from '../gen/nephele/v1/ApplianceProcess.js';
import type { ApplianceState__Output } from '../gen/nephele/v1/ApplianceState.js';
import type { IoCounters__Output } from '../gen/nephele/v1/IoCounters.js';
import type { ProbeResult__Output } from '../gen/nephele/v1/ProbeResult.js';
import type { Licence__Output } from '../gen/nephele/v1/Licence.js';
import type { Probe__Output } from '../gen/nephele/v1/Probe.js';
import type { RogueSignature__Output } from '../gen/nephele/v1/RogueSignature.js';
import type { Thresholds__Output } from '../gen/nephele/v1/Thresholds.js';
import type { MonitorSpec__Output } from '../gen/nephele/v1/MonitorSpec.js';
import type { MonitorPolicy__Output } from '../gen/nephele/v1/MonitorPolicy.js';
import type { LadderRung__Output } from '../gen/nephele/v1/LadderRung.js';
import type { ControlAction__Output } from '../gen/nephele/v1/ControlAction.js';
import type { AppAction__Output } from '../gen/nephele/v1/AppAction.js';
import type { Subscription__Output } from '../gen/nephele/v1/Subscription.js';

// ---- bounds on what agents report (every agent string is hostile) -------------------------

export const MONITOR_LIMITS = {
  processes: 256,
  cmdlineBytes: 512,
  nameBytes: 64,
  probes: 16,
  probeDetailBytes: 256,
  users: 64,
  userBytes: 64,
  rogue: 64,
  rogueBytes: 100,
  versionBytes: 128,
  faultBytes: 512,
  shortBytes: 128,
} as const;

/** Cuts a string to at most `max` UTF-8 bytes without splitting a character. */
export function clip(s: unknown, max: number): string {
  const str = typeof s === 'string' ? s : '';
  if (str.length <= max / 4) return str;
  const buf = Buffer.from(str, 'utf8');
  if (buf.length <= max) return str;
  return buf
    .subarray(0, max)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
}

const num = (n: unknown): number => {
  const v = Number(n ?? 0);
  return Number.isFinite(v) && v >= 0 ? v : 0;
};

// ---- shared shapes ---------------------------------------------------------------------------

export const processToProto = (p: M.ApplianceProcess): ApplianceProcess__Output => ({
  pid: p.pid,
  name: p.name,
  cmdline: p.cmdline,
  exeSha256: p.exeSha256,
});
export const processFromProto = (p: Partial<ApplianceProcess__Output>): M.ApplianceProcess => ({
  pid: num(p.pid),
  name: clip(p.name, MONITOR_LIMITS.nameBytes),
  cmdline: clip(p.cmdline, MONITOR_LIMITS.cmdlineBytes),
  exeSha256: /^[0-9a-f]{64}$/.test(p.exeSha256 ?? '') ? p.exeSha256! : '',
});

export const ioToProto = (io: M.IoCounters): IoCounters__Output => ({ ...ioFromProto(io) });
export const ioFromProto = (io: Partial<IoCounters__Output> | M.IoCounters | null | undefined): M.IoCounters => ({
  diskReadBytes: num(io?.diskReadBytes),
  diskWriteBytes: num(io?.diskWriteBytes),
  netRxBytes: num(io?.netRxBytes),
  netTxBytes: num(io?.netTxBytes),
});

export const probeResultToProto = (r: M.ProbeResult): ProbeResult__Output => ({
  name: r.name,
  ok: r.ok,
  latencyMs: r.latencyMs,
  consecutiveFailures: r.consecutiveFailures,
  failuresInWindow: r.failuresInWindow,
  detail: r.detail,
  timeUnixMs: r.timeUnixMs,
});
export const probeResultFromProto = (r: Partial<ProbeResult__Output>): M.ProbeResult => ({
  name: clip(r.name, MONITOR_LIMITS.nameBytes),
  ok: r.ok === true,
  latencyMs: num(r.latencyMs),
  consecutiveFailures: num(r.consecutiveFailures),
  failuresInWindow: num(r.failuresInWindow),
  detail: clip(r.detail, MONITOR_LIMITS.probeDetailBytes),
  timeUnixMs: num(r.timeUnixMs),
});

export const licenceToProto = (l: M.Licence): Licence__Output => ({ ...licenceFromProto(l) });
export const licenceFromProto = (l: Partial<Licence__Output> | M.Licence | null | undefined): M.Licence => ({
  licenceId: clip(l?.licenceId, MONITOR_LIMITS.shortBytes),
  seatsInUse: num(l?.seatsInUse),
  seats: num(l?.seats),
  expiresUnixMs: num(l?.expiresUnixMs),
});

export const probeSpecToProto = (p: M.ProbeSpec): Probe__Output => ({
  name: p.name,
  kind: ProbeKindEnum.toProto(p.kind),
  path: p.path,
  expectStatus: p.expectStatus,
  expectBody: p.expectBody,
  port: p.port,
  command: [...p.command],
  expectExit: p.expectExit,
  timeoutMs: p.timeoutMs,
});
/** INVALID_ARGUMENT naming `field` for an unknown kind; other checks are the policy validator's. */
export const probeSpecFromProto = (p: Partial<Probe__Output>, field: string): M.ProbeSpec => ({
  name: p.name ?? '',
  kind: ProbeKindEnum.require(p.kind, `${field}.kind`),
  path: p.path ?? '',
  expectStatus: p.expectStatus ?? 0,
  expectBody: p.expectBody ?? '',
  port: p.port ?? 0,
  command: [...(p.command ?? [])],
  expectExit: p.expectExit ?? 0,
  timeoutMs: p.timeoutMs ?? 0,
});

export const rogueToProto = (r: M.RogueSignature): RogueSignature__Output => ({
  name: r.name,
  nameRegex: r.nameRegex,
  cmdlineRegex: r.cmdlineRegex,
  exeSha256: r.exeSha256,
});
export const rogueFromProto = (r: Partial<RogueSignature__Output>): M.RogueSignature => ({
  name: r.name ?? '',
  nameRegex: r.nameRegex ?? '',
  cmdlineRegex: r.cmdlineRegex ?? '',
  exeSha256: (r.exeSha256 ?? '').toLowerCase(),
});

export const thresholdsToProto = (t: M.Thresholds): Thresholds__Output => ({
  failures: t.failures,
  windowS: t.windowS,
});
export const thresholdsFromProto = (t: Partial<Thresholds__Output> | null | undefined): M.Thresholds => ({
  failures: t?.failures ?? 0,
  windowS: t?.windowS ?? 0,
});

// ---- agent side: MonitorSpec down, ApplianceState up, AppAction -------------------------

export const monitorSpecToProto = (s: M.MonitorSpec): MonitorSpec__Output => ({
  enabled: s.enabled,
  intervalMs: s.intervalMs,
  cron: s.cron,
  jitterPct: s.jitterPct,
  probes: s.probes.map(probeSpecToProto),
  thresholds: thresholdsToProto(s.thresholds),
  rogue: s.rogue.map(rogueToProto),
});

/** The agent's reading of DesiredVm.monitor: absent or with unknown probe kinds it is disabled. */
export function monitorSpecFromProto(s: MonitorSpec__Output | null | undefined): M.MonitorSpec {
  const off: M.MonitorSpec = {
    enabled: false,
    intervalMs: 0,
    cron: '',
    jitterPct: 0,
    probes: [],
    thresholds: { failures: 0, windowS: 0 },
    rogue: [],
  };
  if (!s) return off;
  const probes: M.ProbeSpec[] = [];
  for (const p of s.probes ?? []) {
    const kind = ProbeKindEnum.fromProto(p.kind);
    if (kind) probes.push({ ...probeSpecFromProto({ ...p, kind: ProbeKindEnum.toProto(kind) }, 'probe') });
  }
  return {
    enabled: s.enabled === true,
    intervalMs: s.intervalMs ?? 0,
    cron: s.cron ?? '',
    jitterPct: s.jitterPct ?? 0,
    probes,
    thresholds: thresholdsFromProto(s.thresholds),
    rogue: (s.rogue ?? []).map(rogueFromProto),
  };
}

export const observedToProto = (o: M.ObservedAppliance): ApplianceState__Output => ({
  vmId: o.vmId,
  applianceVersion: o.applianceVersion,
  configHash: o.configHash,
  appState: AppStateEnum.toProto(o.appState),
  fault: o.fault,
  processes: o.processes.map(processToProto),
  rogue: [...o.rogue],
  io: ioToProto(o.io),
  probes: o.probes.map(probeResultToProto),
  licence: licenceToProto(o.licence),
  users: [...o.users],
  timeUnixMs: o.timeUnixMs,
  source: UpdateSourceEnum.toProto(o.source),
  trigger: o.trigger,
  polls: o.polls,
  generation: o.generation,
});

/** An agent's report of one appliance, bounded: counts capped, strings clipped, unknown enums defaulted. */
export const observedFromProto = (s: Partial<ApplianceState__Output>): M.ObservedAppliance => ({
  vmId: clip(s.vmId, MONITOR_LIMITS.shortBytes),
  applianceVersion: clip(s.applianceVersion, MONITOR_LIMITS.versionBytes),
  configHash: clip(s.configHash, MONITOR_LIMITS.shortBytes),
  appState: AppStateEnum.fromProto(s.appState) ?? 'unknown',
  fault: clip(s.fault, MONITOR_LIMITS.faultBytes),
  processes: (s.processes ?? []).slice(0, MONITOR_LIMITS.processes).map(processFromProto),
  rogue: (s.rogue ?? []).slice(0, MONITOR_LIMITS.rogue).map((r) => clip(r, MONITOR_LIMITS.rogueBytes)),
  io: ioFromProto(s.io),
  probes: (s.probes ?? []).slice(0, MONITOR_LIMITS.probes).map(probeResultFromProto),
  licence: licenceFromProto(s.licence),
  users: (s.users ?? []).slice(0, MONITOR_LIMITS.users).map((u) => clip(u, MONITOR_LIMITS.userBytes)),
  timeUnixMs: num(s.timeUnixMs),
  source: UpdateSourceEnum.fromProto(s.source) ?? 'poll',
  trigger: clip(s.trigger, 32),
  polls: num(s.polls),
  generation: num(s.generation),
});

export interface AppActionModel {
  kind: M.AppActionKind;
  pid: number;
  exeSha256: string;
  name: string;
  version: string;
}
export const appActionToProto = (a: AppActionModel): AppAction__Output => ({
  kind: AppActionKindEnum.toProto(a.kind),
  pid: a.pid,
  exeSha256: a.exeSha256,
  name: a.name,
  version: a.version,
});
/** undefined for an unknown kind (an agent newer than the controller, or a malformed command). */
export function appActionFromProto(a: Partial<AppAction__Output> | null | undefined): AppActionModel | undefined {
  const kind = AppActionKindEnum.fromProto(a?.kind);
  if (!a || !kind) return undefined;
  return { kind, pid: a.pid ?? 0, exeSha256: a.exeSha256 ?? '', name: a.name ?? '', version: a.version ?? '' };
}

// ---- controller records ------------------------------------------------------------------

export const applianceToProto = (r: ApplianceRecord): Appliance__Output => ({
  vmId: r.vmId,
  vmName: r.vmName,
  setId: r.setId,
  tenant: r.tenant,
  hostId: r.hostId,
  applianceVersion: r.applianceVersion,
  configHash: r.configHash,
  appState: AppStateEnum.toProto(r.appState),
  fault: r.fault,
  processes: r.processes.map(processToProto),
  rogue: [...r.rogue],
  io: ioToProto(r.io),
  probes: r.probes.map(probeResultToProto),
  licence: licenceToProto(r.licence),
  users: [...r.users],
  updatedUnixMs: r.updatedUnixMs,
  source: UpdateSourceEnum.toProto(r.source),
  lastPollUnixMs: r.lastPollUnixMs,
  polls: r.polls,
  monitored: r.monitored,
  licenceProblem: r.licenceProblem,
});

const rungToProto = (r: LadderRung): LadderRung__Output => ({ step: LadderStepEnum.toProto(r.step), times: r.times });
const rungsFromProto = (rs: LadderRung__Output[] | undefined, field: string): LadderRung[] =>
  (rs ?? []).map((r, i) => ({ step: LadderStepEnum.require(r.step, `${field}[${i}].step`), times: r.times ?? 0 }));

export const policyToProto = (p: PolicyRecord): MonitorPolicy__Output => ({
  scope: p.scope,
  intervalS: p.intervalS,
  cron: p.cron,
  jitterPct: p.jitterPct,
  probes: p.probes.map(probeSpecToProto),
  thresholds: thresholdsToProto(p.thresholds),
  rogue: p.rogue.map(rogueToProto),
  licence: { maxSeats: p.licence.maxSeats, enforceExpiry: p.licence.enforceExpiry },
  ladders: {
    faulted: p.ladders.faulted.map(rungToProto),
    rogue: p.ladders.rogue.map(rungToProto),
    outdated: p.ladders.outdated.map(rungToProto),
    backoffS: p.ladders.backoffS,
  },
  desiredVersion: p.desiredVersion,
  enabled: p.enabled,
  version: p.version,
  updatedUnixMs: p.updatedUnixMs,
});

/**
 * A policy as sent (no defaults applied: zero means "default" to the policy
 * module). Field names in errors are the request's ("policy.probes[0].kind").
 */
export function policyFromProto(p: Partial<MonitorPolicy__Output>, scope: string): PolicyRecord {
  return {
    scope,
    intervalS: p.intervalS ?? 0,
    cron: p.cron ?? '',
    jitterPct: p.jitterPct ?? 0,
    probes: (p.probes ?? []).map((x, i) => probeSpecFromProto(x, `policy.probes[${i}]`)),
    thresholds: thresholdsFromProto(p.thresholds),
    rogue: (p.rogue ?? []).map(rogueFromProto),
    licence: { maxSeats: p.licence?.maxSeats ?? 0, enforceExpiry: p.licence?.enforceExpiry === true },
    ladders: {
      faulted: rungsFromProto(p.ladders?.faulted, 'policy.ladders.faulted'),
      rogue: rungsFromProto(p.ladders?.rogue, 'policy.ladders.rogue'),
      outdated: rungsFromProto(p.ladders?.outdated, 'policy.ladders.outdated'),
      backoffS: p.ladders?.backoffS ?? 0,
    },
    desiredVersion: p.desiredVersion ?? '',
    enabled: p.enabled === true,
    version: 0,
    updatedUnixMs: 0,
  };
}

export const actionToProto = (a: ActionRecord): ControlAction__Output => ({
  id: a.id,
  vmId: a.vmId,
  setId: a.setId,
  tenant: a.tenant,
  kind: ActionKindEnum.toProto(a.kind),
  cause: a.cause,
  trigger: a.trigger,
  attempt: a.attempt,
  outcome: ActionOutcomeEnum.toProto(a.outcome),
  detail: a.detail,
  principal: a.principal,
  createdUnixMs: a.createdUnixMs,
  endedUnixMs: a.endedUnixMs,
  pid: a.pid,
  version: a.version,
  hostId: a.hostId,
});

export const subscriptionToProto = (s: SubscriptionRecord): Subscription__Output => ({
  scope: s.scope,
  startUnixMs: s.startUnixMs,
  endUnixMs: s.endUnixMs,
  graceS: s.graceS,
  warnS: s.warnS,
  state: SubscriptionStateEnum.toProto(s.state),
  version: s.version,
  updatedUnixMs: s.updatedUnixMs,
});
