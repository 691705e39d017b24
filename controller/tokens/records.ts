// Management records: found by token (hash) or id, in the caller's scope, and
// the guest commands every management operation sends to its VM.
import type { AgentCommand } from '../../common/gen/nephele/v1/AgentCommand.js';
import type { CommandResult__Output as CommandResult } from '../../common/gen/nephele/v1/CommandResult.js';
import { FailedPreconditionError, NotFoundError, UnavailableError } from '../../common/errors.js';
import { ulid } from '../../common/ids.js';
import type { Store } from '../../common/store/index.js';
import type { Clock } from '../../common/clock.js';
import { MGMT_BY_HASH, MGMT_TOKENS, type ManagementRecord, type VmRecord } from '../model/index.js';
import type { AgentCommands, Scope } from './ports.js';
import { requireToken, tokenHash } from './input.js';

export interface Found {
  rec: ManagementRecord;
  version: number;
}

/** By id; NOT_FOUND ('token') when unknown or outside `scope`. */
export async function byId(store: Store, tokenId: string, scope: Scope): Promise<Found> {
  const r = await store.get<ManagementRecord>(MGMT_TOKENS, tokenId);
  if (!r || (scope !== undefined && r.value.tenant !== scope)) throw new NotFoundError('token');
  return { rec: r.value, version: r.version };
}

/**
 * By the plaintext token: NOT_FOUND ('token') for an unknown one (or another
 * tenant's), FAILED_PRECONDITION for a used one (its management ended).
 */
export async function byToken(store: Store, token: string, scope: Scope): Promise<Found> {
  const id = await store.get<string>(MGMT_BY_HASH, tokenHash(requireToken(token)));
  if (!id) throw new NotFoundError('token');
  const f = await byId(store, id.value, scope);
  if (!f.rec.live) throw new FailedPreconditionError('token was used: its management instance has ended');
  return f;
}

export const COMMAND_TIMEOUT_MS = 30_000;

/** One guest command to the VM's host; an agent's refusal is FAILED_PRECONDITION with its words. */
export async function guest(
  commands: AgentCommands,
  vm: VmRecord,
  body: Omit<AgentCommand, 'commandId' | 'vmId' | 'generation' | 'op'>,
  timeoutMs = COMMAND_TIMEOUT_MS,
  clock?: Clock,
): Promise<CommandResult> {
  if (!vm.hostId) throw new UnavailableError('the management instance is on no host');
  const r = await commands.run(
    vm.hostId,
    { commandId: ulid(clock?.now()), vmId: vm.id, generation: vm.generation, ...body },
    timeoutMs,
  );
  const op = Object.keys(body)[0] ?? 'command';
  if (!r.ok) throw new FailedPreconditionError(`the host refused ${op}: ${r.error.slice(0, 300)}`);
  return r;
}
