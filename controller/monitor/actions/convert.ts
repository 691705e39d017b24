// Proto <-> model for the action log's RPCs. LOCAL until the merge: the state
// helper's common/grpc/convert-monitor.ts holds all monitor conversion, and the
// coordinator folds these maps into it.
import type { ControlAction } from '../../../common/gen/nephele/v1/ControlAction.js';
import type { ControlActionKind } from '../../../common/gen/nephele/v1/ControlActionKind.js';
import type { AppActionKind } from '../../../common/gen/nephele/v1/AppActionKind.js';
import type { ActionOutcome as PActionOutcome } from '../../../common/gen/nephele/v1/ActionOutcome.js';
import { InvalidArgumentError } from '../../../common/errors.js';
import type { ActionKind, ActionOutcome, ActionRecord } from '../../model/monitor.js';

type Named<T> = Extract<T, string>;

const KIND = {
  restart_app: 'CONTROL_ACTION_KIND_RESTART_APP',
  update_app: 'CONTROL_ACTION_KIND_UPDATE_APP',
  suspend: 'CONTROL_ACTION_KIND_SUSPEND',
  resume: 'CONTROL_ACTION_KIND_RESUME',
  terminate: 'CONTROL_ACTION_KIND_TERMINATE',
  poll: 'CONTROL_ACTION_KIND_POLL',
  reboot: 'CONTROL_ACTION_KIND_REBOOT',
  kill_process: 'CONTROL_ACTION_KIND_KILL_PROCESS',
  stop: 'CONTROL_ACTION_KIND_STOP',
} as const satisfies Record<ActionKind, Exclude<Named<ControlActionKind>, 'CONTROL_ACTION_KIND_UNSPECIFIED'>>;

const OUTCOME = {
  pending: 'ACTION_OUTCOME_PENDING',
  done: 'ACTION_OUTCOME_DONE',
  failed: 'ACTION_OUTCOME_FAILED',
  skipped: 'ACTION_OUTCOME_SKIPPED',
} as const satisfies Record<ActionOutcome, Exclude<Named<PActionOutcome>, 'ACTION_OUTCOME_UNSPECIFIED'>>;

/** The app actions the agent carries out (the others are not sent to it). */
const APP = {
  restart_app: 'APP_ACTION_KIND_RESTART_APP',
  update_app: 'APP_ACTION_KIND_UPDATE_APP',
  kill_process: 'APP_ACTION_KIND_KILL_PROCESS',
  poll: 'APP_ACTION_KIND_POLL',
} as const satisfies Partial<Record<ActionKind, Named<AppActionKind>>>;

const KIND_BACK = new Map<string, ActionKind>(Object.entries(KIND).map(([m, p]) => [p, m as ActionKind]));
const KIND_NUMBERS: readonly (ActionKind | undefined)[] = [undefined, ...(Object.keys(KIND) as ActionKind[])];

export const actionKindToProto = (k: ActionKind): Named<ControlActionKind> => KIND[k];

/** The request's kind, or undefined when unset; INVALID_ARGUMENT naming `field` when unknown. */
export function actionKindFromProto(p: ControlActionKind | undefined | null, field: string): ActionKind | undefined {
  if (p === undefined || p === null || p === 0 || p === 'CONTROL_ACTION_KIND_UNSPECIFIED') return undefined;
  const k = typeof p === 'number' ? KIND_NUMBERS[p] : KIND_BACK.get(p);
  if (!k) throw new InvalidArgumentError(field, `must be one of ${Object.values(KIND).join(', ')}`);
  return k;
}

export function appActionKindToProto(k: ActionKind): Named<AppActionKind> {
  const p = (APP as Partial<Record<ActionKind, Named<AppActionKind>>>)[k];
  if (!p) throw new Error(`${k} is not an app action`);
  return p;
}

export const isAppAction = (k: ActionKind): boolean => k in APP;

export function actionToProto(a: ActionRecord): ControlAction {
  return {
    id: a.id,
    vmId: a.vmId,
    setId: a.setId,
    tenant: a.tenant,
    hostId: a.hostId,
    kind: KIND[a.kind],
    cause: a.cause,
    trigger: a.trigger,
    attempt: a.attempt,
    outcome: OUTCOME[a.outcome],
    detail: a.detail,
    principal: a.principal,
    createdUnixMs: a.createdUnixMs,
    endedUnixMs: a.endedUnixMs,
    pid: a.pid,
    version: a.version,
  };
}
