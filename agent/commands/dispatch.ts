// AgentCommand dispatch (management instances): every command answered by one
// CommandResult. Idempotent on command_id (a repeat gets the first answer, or
// joins the one under way); bounded: at most MAX_RUNNING run at once, at most
// MAX_QUEUED wait, the answers of the last RESULT_CACHE commands are kept.
import type { AgentCommand__Output as AgentCommand } from '../../common/gen/nephele/v1/AgentCommand.js';
import type { CommandResult } from '../../common/gen/nephele/v1/CommandResult.js';
import type { Logger } from '../../common/logger.js';
import { perform, type CommandVm, type OpDeps } from './ops.js';

export const MAX_RUNNING = 4;
export const MAX_QUEUED = 64;
export const RESULT_CACHE = 256;
const COMMAND_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
const VM_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

export interface DispatchDeps extends OpDeps {
  /** The VM as this host runs it; undefined when it does not. */
  vm(vmId: string): CommandVm | undefined;
  log: Logger;
}

type Result = CommandResult & { commandId: string; ok: boolean };

export class CommandDispatcher {
  /** Answers by command id, oldest first (a Map keeps insertion order: the LRU end). */
  private readonly results = new Map<string, Result>();
  private readonly underWay = new Map<string, Promise<Result>>();
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly d: DispatchDeps) {}

  /** Never rejects: a failure is an answer with ok false. */
  handle(cmd: AgentCommand): Promise<Result> {
    const id = cmd.commandId;
    if (!COMMAND_ID_RE.test(id ?? ''))
      return Promise.resolve(fail(String(id ?? '').slice(0, 64), 'command_id is malformed'));
    const known = this.results.get(id);
    if (known) return Promise.resolve(known);
    const going = this.underWay.get(id);
    if (going) return going;
    if (this.running >= MAX_RUNNING && this.queue.length >= MAX_QUEUED)
      // Not remembered: the controller's retry may find room.
      return Promise.resolve(fail(id, 'agent busy: too many commands queued; retry later'));
    const p = this.run(cmd).then((r) => {
      this.underWay.delete(id);
      this.remember(r);
      return r;
    });
    this.underWay.set(id, p);
    return p;
  }

  private remember(r: Result): void {
    this.results.set(r.commandId, r);
    while (this.results.size > RESULT_CACHE) this.results.delete(this.results.keys().next().value!);
  }

  private async run(cmd: AgentCommand): Promise<Result> {
    await this.slot();
    const started = Date.now();
    try {
      const r = { commandId: cmd.commandId, ok: true, ...(await this.act(cmd)) } as Result;
      this.d.log.info(
        { command_id: cmd.commandId, vm_id: cmd.vmId, op: cmd.op, ok: r.ok, ms: Date.now() - started },
        'command done',
      );
      return r;
    } catch (e) {
      const msg = (e as Error).message ?? String(e);
      this.d.log.warn({ command_id: cmd.commandId, vm_id: cmd.vmId, op: cmd.op, err: msg }, 'command failed');
      return fail(cmd.commandId, msg);
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }

  private async act(cmd: AgentCommand): Promise<Partial<CommandResult>> {
    if (!VM_ID_RE.test(cmd.vmId ?? '')) throw new Error('vm_id is malformed');
    const vm = this.d.vm(cmd.vmId);
    if (!vm) throw new Error('this host does not run the vm');
    // A command meant for an earlier (or later) incarnation of the VM must not act on this one.
    if (Number(cmd.generation) !== vm.generation)
      throw new Error(`generation ${cmd.generation} does not match the vm's ${vm.generation}`);
    return perform(cmd, vm, this.d);
  }

  private async slot(): Promise<void> {
    while (this.running >= MAX_RUNNING) await new Promise<void>((r) => this.queue.push(r));
    this.running++;
  }

  /** Commands running or waiting (metrics, tests). */
  get pending(): number {
    return this.underWay.size;
  }
}

function fail(commandId: string, error: string): Result {
  return { commandId, ok: false, error: error.slice(0, 1024) };
}
