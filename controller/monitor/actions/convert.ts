// The action log's kinds at the edge: the enum tables live in common/grpc/convert-monitor.ts;
// this adds which control actions the agent carries out in the guest.
import type { ControlActionKind } from '../../../common/gen/nephele/v1/ControlActionKind.js';
import type { AppActionKind as PAppActionKind } from '../../../common/gen/nephele/v1/AppActionKind.js';
import { ActionKindEnum, AppActionKindEnum } from '../../../common/grpc/convert-monitor.js';
import type { ActionKind, AppActionKind } from '../../model/monitor.js';

export { actionToProto } from '../../../common/grpc/convert-monitor.js';

/** The control actions the agent carries out (AgentCommand.app); the others are VM operations. */
const APP_KINDS: ReadonlySet<ActionKind> = new Set<ActionKind>(['restart_app', 'update_app', 'kill_process', 'poll']);

/** The request's kind, or undefined when unset; INVALID_ARGUMENT naming `field` when unknown. */
export const actionKindFromProto = (p: ControlActionKind | undefined | null, field: string): ActionKind | undefined =>
  ActionKindEnum.optional(p, field);

export const isAppAction = (k: ActionKind): boolean => APP_KINDS.has(k);

export function appActionKindToProto(k: ActionKind): Extract<PAppActionKind, string> {
  if (!isAppAction(k)) throw new Error(`${k} is not an app action`);
  return AppActionKindEnum.toProto(k as AppActionKind);
}
