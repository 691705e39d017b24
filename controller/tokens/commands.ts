// AgentCommands over the agent sessions: a command goes out on the host's live
// session as ControllerMessage.command and is answered by AgentMessage.command_result
// carrying its command_id. Results are not durable (the caller retries with the same
// command id; the agent answers a repeat from its result cache).
import type { AgentCommand } from '../../common/gen/nephele/v1/AgentCommand.js';
import type { CommandResult__Output as CommandResult } from '../../common/gen/nephele/v1/CommandResult.js';
import type { ControllerMessage } from '../../common/gen/nephele/v1/ControllerMessage.js';
import { NepheleError, ResourceExhaustedError, UnavailableError } from '../../common/errors.js';
import type { Clock, Timer } from '../../common/clock.js';
import type { AgentCommands } from './ports.js';

/** Commands waiting for their answer, fleet-wide (each holds a promise and a timer). */
export const MAX_PENDING_COMMANDS = 4096;

interface Pending {
  hostId: string;
  done: Promise<CommandResult>;
  resolve(r: CommandResult): void;
  reject(e: Error): void;
  timer: Timer;
}

export class AgentCommandHub implements AgentCommands {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly send: (hostId: string, m: ControllerMessage) => boolean,
    private readonly clock: Clock,
    private readonly max = MAX_PENDING_COMMANDS,
  ) {}

  run(hostId: string, cmd: AgentCommand, timeoutMs: number): Promise<CommandResult> {
    const id = cmd.commandId ?? '';
    const same = this.pending.get(id);
    // The same command again while it runs: one answer for both.
    if (same && same.hostId === hostId) return same.done;
    if (same || !id) return Promise.reject(new UnavailableError('a command with this id is already running'));
    if (this.pending.size >= this.max)
      return Promise.reject(new ResourceExhaustedError('too many agent commands in flight; retry later'));
    let resolve!: (r: CommandResult) => void;
    let reject!: (e: Error) => void;
    const done = new Promise<CommandResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const timer = this.clock.setTimeout(
      () => this.finish(id, undefined, new NepheleError('DEADLINE_EXCEEDED', 'the host did not answer in time')),
      timeoutMs,
    );
    this.pending.set(id, { hostId, done, resolve, reject, timer });
    if (!this.send(hostId, { command: cmd }))
      this.finish(id, undefined, new UnavailableError('the host is not connected'));
    return done;
  }

  /** A CommandResult from `hostId`'s session: only the host a command went to may answer it. */
  result(hostId: string, r: CommandResult): void {
    const p = this.pending.get(r.commandId);
    if (p && p.hostId === hostId) this.finish(r.commandId, r);
  }

  /** The host's session ended: its commands will not be answered on it. */
  closed(hostId: string): void {
    for (const [id, p] of this.pending)
      if (p.hostId === hostId) this.finish(id, undefined, new UnavailableError('the host disconnected'));
  }

  get inFlight(): number {
    return this.pending.size;
  }

  private finish(id: string, r: CommandResult | undefined, err?: Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.timer.cancel();
    if (r) p.resolve(r);
    else p.reject(err!);
  }
}
