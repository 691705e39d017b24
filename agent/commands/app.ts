// AgentCommand.app: a monitor control action carried out in the guest through
// the VM's driver, then a poll whose state goes back in CommandResult.appliance
// (the controller sees the action's effect without waiting for the schedule).
import type { AgentCommand__Output as AgentCommand } from '../../common/gen/nephele/v1/AgentCommand.js';
import type { CommandResult } from '../../common/gen/nephele/v1/CommandResult.js';
import type { ObservedAppliance } from '../../common/model/monitor.js';
import type { AppActionRequest, Driver } from '../drivers/driver.js';
import { AppActionKindEnum, observedToProto } from '../../common/grpc/convert-monitor.js';

const VERSION_RE = /^[A-Za-z0-9._+-]{1,64}$/;
const SHA_RE = /^([0-9a-f]{64})?$/;

export class AppActionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppActionError';
  }
}

/** The action as the driver takes it, checked (names the field at fault); undefined for a poll. */
export function appActionRequest(a: AgentCommand['app']): AppActionRequest | undefined {
  const kind = AppActionKindEnum.fromProto(a?.kind);
  if (!a || !kind)
    throw new AppActionError('app.kind must be one of restart_app, stop_app, update_app, kill_process, poll');
  if (kind === 'poll') return undefined;
  if (kind === 'update_app' && !VERSION_RE.test(a.version ?? ''))
    throw new AppActionError('app.version must be 1 to 64 of [A-Za-z0-9._+-]');
  if (kind === 'kill_process') {
    if (!(a.pid > 1)) throw new AppActionError('app.pid must be a process id above 1');
    if (!SHA_RE.test(a.exeSha256 ?? '')) throw new AppActionError('app.exe_sha256 must be 64 lower-case hex digits');
    return { kind, pid: a.pid, exeSha256: a.exeSha256 || undefined, name: a.name?.slice(0, 64) || undefined };
  }
  return { kind, ...(kind === 'update_app' ? { version: a.version } : {}) };
}

export interface AppDeps {
  withVm<T>(vmId: string, fn: () => Promise<T>): Promise<T>;
  /** Polls the VM now (the monitor); undefined when it could not. */
  poll?(vmId: string): Promise<ObservedAppliance | undefined>;
}

export async function performApp(cmd: AgentCommand, driver: Driver, deps: AppDeps): Promise<Partial<CommandResult>> {
  const req = appActionRequest(cmd.app);
  let detail = '';
  if (req) {
    if (!driver.appAction) throw new AppActionError(`the ${driver.scheme} driver has no app actions`);
    detail = await deps.withVm(cmd.vmId, () => driver.appAction!(cmd.vmId, req));
  }
  const state = await deps.poll?.(cmd.vmId);
  return { detail: String(detail).slice(0, 1024), ...(state ? { appliance: observedToProto(state) } : {}) };
}
