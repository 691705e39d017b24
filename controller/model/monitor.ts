// Stored records of the appliance monitor (issue 14). See common/model/monitor.ts
// for the names shared with the agent.
import type {
  ApplianceView,
  ActionKind,
  ActionOutcome,
  ActionTrigger,
  LadderStep,
  ProbeSpec,
  RogueSignature,
  SubscriptionState,
  Thresholds,
} from '../../common/model/monitor.js';

export * from '../../common/model/monitor.js';

/** Collections (common/store). */
export const APPLIANCES = 'appliances'; // key: vm id
export const MONITOR_POLICIES = 'monitor-policies'; // key: scope ("fleet", "tenant:<name>", "set:<id>")
export const MONITOR_ACTIONS = 'monitor-actions'; // key: action id (ULID: ordered by time)
export const MONITOR_ACTIONS_BY_VM = 'monitor-actions-by-vm'; // key: `<vm id>/<action id>`
export const SUBSCRIPTIONS = 'subscriptions'; // key: scope ("set:<id>", "tenant:<name>")
export const MONITOR_MIRROR = 'monitor-mirror'; // the external store's durable backlog (controller/monitor/sink)

/** One row of the state table (in memory; stored on change). */
export interface ApplianceRecord extends ApplianceView {
  vmName: string;
  setId: string;
  tenant: string;
  hostId: string;
  updatedUnixMs: number;
  lastPollUnixMs: number;
  monitored: boolean;
  licenceProblem: string;
}

export interface LadderRung {
  step: LadderStep;
  times: number;
}

export interface ActionLadders {
  faulted: LadderRung[];
  rogue: LadderRung[];
  outdated: LadderRung[];
  backoffS: number;
}

export interface PolicyRecord {
  scope: string;
  intervalS: number;
  cron: string;
  jitterPct: number;
  probes: ProbeSpec[];
  thresholds: Thresholds;
  rogue: RogueSignature[];
  licence: { maxSeats: number; enforceExpiry: boolean };
  ladders: ActionLadders;
  desiredVersion: string;
  enabled: boolean;
  version: number;
  updatedUnixMs: number;
}

export interface ActionRecord {
  id: string;
  vmId: string;
  setId: string;
  tenant: string;
  hostId: string;
  kind: ActionKind;
  cause: string;
  trigger: ActionTrigger;
  attempt: number;
  outcome: ActionOutcome;
  detail: string;
  principal: string;
  createdUnixMs: number;
  endedUnixMs: number;
  pid: number;
  version: string;
}

export interface SubscriptionRecord {
  scope: string;
  startUnixMs: number;
  endUnixMs: number;
  graceS: number;
  warnS: number;
  state: SubscriptionState;
  /** The warning event before the end was written. */
  warned: boolean;
  version: number;
  updatedUnixMs: number;
}
