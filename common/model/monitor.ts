// The appliance monitor's own names (issue 14), shared by controller and agent.
// Short, lower-case, independent of the proto enum names; converted in one place
// (common/grpc/convert-monitor.ts).

export const APP_STATES = ['unknown', 'running', 'faulted', 'stopped'] as const;
export type AppState = (typeof APP_STATES)[number];

/** What brought a state change: a scheduled poll, a poll an event triggered, or the guest on its own. */
export const UPDATE_SOURCES = ['poll', 'event', 'push'] as const;
export type UpdateSource = (typeof UPDATE_SOURCES)[number];

export const PROBE_KINDS = ['http', 'tcp', 'exec'] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];

export const LADDER_STEPS = [
  'restart_app',
  'reboot',
  'terminate',
  'kill_process',
  'suspend',
  'update_app',
  'none',
] as const;
export type LadderStep = (typeof LADDER_STEPS)[number];

export const ACTION_KINDS = [
  'restart_app',
  'update_app',
  'suspend',
  'resume',
  'terminate',
  'poll',
  'reboot',
  'kill_process',
  'stop',
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export const ACTION_OUTCOMES = ['pending', 'done', 'failed', 'skipped'] as const;
export type ActionOutcome = (typeof ACTION_OUTCOMES)[number];

/** Why an action was taken: one of the ladders, by hand, or a subscription step. */
export const ACTION_TRIGGERS = ['faulted', 'rogue', 'outdated', 'licence', 'manual', 'subscription'] as const;
export type ActionTrigger = (typeof ACTION_TRIGGERS)[number];

/** Carried out by the agent in the guest (AgentCommand.app). */
export const APP_ACTION_KINDS = ['restart_app', 'stop_app', 'update_app', 'kill_process', 'poll'] as const;
export type AppActionKind = (typeof APP_ACTION_KINDS)[number];

export const SUBSCRIPTION_STATES = ['pending', 'active', 'ended', 'retired'] as const;
export type SubscriptionState = (typeof SUBSCRIPTION_STATES)[number];

export interface ApplianceProcess {
  pid: number;
  name: string;
  cmdline: string;
  exeSha256: string;
}

export interface IoCounters {
  diskReadBytes: number;
  diskWriteBytes: number;
  netRxBytes: number;
  netTxBytes: number;
}

export interface ProbeResult {
  name: string;
  ok: boolean;
  latencyMs: number;
  consecutiveFailures: number;
  failuresInWindow: number;
  detail: string;
  timeUnixMs: number;
}

export interface Licence {
  licenceId: string;
  seatsInUse: number;
  seats: number;
  expiresUnixMs: number;
}

export interface ProbeSpec {
  name: string;
  kind: ProbeKind;
  path: string;
  expectStatus: number;
  expectBody: string;
  port: number;
  command: string[];
  expectExit: number;
  timeoutMs: number;
}

export interface RogueSignature {
  name: string;
  nameRegex: string;
  cmdlineRegex: string;
  exeSha256: string;
}

export interface Thresholds {
  failures: number;
  windowS: number;
}

/** What the agent monitors on one VM (sent down with its desired state). */
export interface MonitorSpec {
  enabled: boolean;
  intervalMs: number;
  cron: string;
  jitterPct: number;
  probes: ProbeSpec[];
  thresholds: Thresholds;
  rogue: RogueSignature[];
}

/** What an appliance shows of itself: config, execution, I/O, probe, licence and user state. */
export interface ApplianceView {
  vmId: string;
  applianceVersion: string;
  configHash: string;
  appState: AppState;
  fault: string;
  processes: ApplianceProcess[];
  rogue: string[];
  io: IoCounters;
  probes: ProbeResult[];
  licence: Licence;
  users: string[];
  source: UpdateSource;
  polls: number;
}

/** One appliance's state as the agent observed it (full, not a delta). */
export interface ObservedAppliance extends ApplianceView {
  timeUnixMs: number;
  /** What caused an event poll: vm-status, probe-failed, guest-fault, request. */
  trigger: string;
  generation: number;
}
