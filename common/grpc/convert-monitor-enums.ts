// Exhaustive enum tables of the appliance monitor (as in convert.ts): a missing
// or extra entry is a compile error in both directions. Re-exported by convert-monitor.ts.
import type * as M from '../model/monitor.js';
import { converter, type Exhaustive } from './convert.js';
import type { AppState__Output as PAppState } from '../gen/nephele/v1/AppState.js';
import type { UpdateSource__Output as PSource } from '../gen/nephele/v1/UpdateSource.js';
import type { ProbeKind__Output as PProbeKind } from '../gen/nephele/v1/ProbeKind.js';
import type { LadderStep__Output as PLadderStep } from '../gen/nephele/v1/LadderStep.js';
import type { ControlActionKind__Output as PActionKind } from '../gen/nephele/v1/ControlActionKind.js';
import type { ActionOutcome__Output as POutcome } from '../gen/nephele/v1/ActionOutcome.js';
import type { AppActionKind__Output as PAppActionKind } from '../gen/nephele/v1/AppActionKind.js';
import type { SubscriptionState__Output as PSubState } from '../gen/nephele/v1/SubscriptionState.js';

// ---- enums ---------------------------------------------------------------------------------

const appState = {
  running: 'APP_STATE_RUNNING',
  faulted: 'APP_STATE_FAULTED',
  stopped: 'APP_STATE_STOPPED',
} as const satisfies Record<Exclude<M.AppState, 'unknown'>, PAppState>;
type _appState = Exhaustive<Exclude<PAppState, 'APP_STATE_UNSPECIFIED' | (typeof appState)[keyof typeof appState]>>;
/** 'unknown' (not polled yet) is the proto's UNSPECIFIED. */
export const AppStateEnum = converter<M.AppState, PAppState, 'unknown'>(appState, 'APP_STATE_UNSPECIFIED', 'unknown');

const source = {
  poll: 'UPDATE_SOURCE_POLL',
  event: 'UPDATE_SOURCE_EVENT',
  push: 'UPDATE_SOURCE_PUSH',
} as const satisfies Record<M.UpdateSource, PSource>;
type _source = Exhaustive<Exclude<PSource, 'UPDATE_SOURCE_UNSPECIFIED' | (typeof source)[M.UpdateSource]>>;
export const UpdateSourceEnum = converter<M.UpdateSource, PSource>(source, 'UPDATE_SOURCE_UNSPECIFIED');

const probeKind = {
  http: 'PROBE_KIND_HTTP',
  tcp: 'PROBE_KIND_TCP',
  exec: 'PROBE_KIND_EXEC',
} as const satisfies Record<M.ProbeKind, PProbeKind>;
type _probeKind = Exhaustive<Exclude<PProbeKind, 'PROBE_KIND_UNSPECIFIED' | (typeof probeKind)[M.ProbeKind]>>;
export const ProbeKindEnum = converter<M.ProbeKind, PProbeKind>(probeKind, 'PROBE_KIND_UNSPECIFIED');

const ladderStep = {
  restart_app: 'LADDER_STEP_RESTART_APP',
  reboot: 'LADDER_STEP_REBOOT',
  terminate: 'LADDER_STEP_TERMINATE',
  kill_process: 'LADDER_STEP_KILL_PROCESS',
  suspend: 'LADDER_STEP_SUSPEND',
  update_app: 'LADDER_STEP_UPDATE_APP',
  none: 'LADDER_STEP_NONE',
} as const satisfies Record<M.LadderStep, PLadderStep>;
type _ladderStep = Exhaustive<Exclude<PLadderStep, 'LADDER_STEP_UNSPECIFIED' | (typeof ladderStep)[M.LadderStep]>>;
export const LadderStepEnum = converter<M.LadderStep, PLadderStep>(ladderStep, 'LADDER_STEP_UNSPECIFIED');

const actionKind = {
  restart_app: 'CONTROL_ACTION_KIND_RESTART_APP',
  update_app: 'CONTROL_ACTION_KIND_UPDATE_APP',
  suspend: 'CONTROL_ACTION_KIND_SUSPEND',
  resume: 'CONTROL_ACTION_KIND_RESUME',
  terminate: 'CONTROL_ACTION_KIND_TERMINATE',
  poll: 'CONTROL_ACTION_KIND_POLL',
  reboot: 'CONTROL_ACTION_KIND_REBOOT',
  kill_process: 'CONTROL_ACTION_KIND_KILL_PROCESS',
  stop: 'CONTROL_ACTION_KIND_STOP',
} as const satisfies Record<M.ActionKind, PActionKind>;
type _actionKind = Exhaustive<
  Exclude<PActionKind, 'CONTROL_ACTION_KIND_UNSPECIFIED' | (typeof actionKind)[M.ActionKind]>
>;
export const ActionKindEnum = converter<M.ActionKind, PActionKind>(actionKind, 'CONTROL_ACTION_KIND_UNSPECIFIED');

const outcome = {
  pending: 'ACTION_OUTCOME_PENDING',
  done: 'ACTION_OUTCOME_DONE',
  failed: 'ACTION_OUTCOME_FAILED',
  skipped: 'ACTION_OUTCOME_SKIPPED',
} as const satisfies Record<M.ActionOutcome, POutcome>;
type _outcome = Exhaustive<Exclude<POutcome, 'ACTION_OUTCOME_UNSPECIFIED' | (typeof outcome)[M.ActionOutcome]>>;
export const ActionOutcomeEnum = converter<M.ActionOutcome, POutcome>(outcome, 'ACTION_OUTCOME_UNSPECIFIED');

const appActionKind = {
  restart_app: 'APP_ACTION_KIND_RESTART_APP',
  stop_app: 'APP_ACTION_KIND_STOP_APP',
  update_app: 'APP_ACTION_KIND_UPDATE_APP',
  kill_process: 'APP_ACTION_KIND_KILL_PROCESS',
  poll: 'APP_ACTION_KIND_POLL',
} as const satisfies Record<M.AppActionKind, PAppActionKind>;
type _appActionKind = Exhaustive<
  Exclude<PAppActionKind, 'APP_ACTION_KIND_UNSPECIFIED' | (typeof appActionKind)[M.AppActionKind]>
>;
export const AppActionKindEnum = converter<M.AppActionKind, PAppActionKind>(
  appActionKind,
  'APP_ACTION_KIND_UNSPECIFIED',
);

const subState = {
  pending: 'SUBSCRIPTION_STATE_PENDING',
  active: 'SUBSCRIPTION_STATE_ACTIVE',
  ended: 'SUBSCRIPTION_STATE_ENDED',
  retired: 'SUBSCRIPTION_STATE_RETIRED',
} as const satisfies Record<M.SubscriptionState, PSubState>;
type _subState = Exhaustive<
  Exclude<PSubState, 'SUBSCRIPTION_STATE_UNSPECIFIED' | (typeof subState)[M.SubscriptionState]>
>;
export const SubscriptionStateEnum = converter<M.SubscriptionState, PSubState>(
  subState,
  'SUBSCRIPTION_STATE_UNSPECIFIED',
);
