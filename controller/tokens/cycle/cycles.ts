// The Cycles seam (controller/tokens/ports.ts): starts an update cycle (one
// record and its indexes in one batch, then the runner drives it) and reads one.
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../../../common/errors.js';
import { ulid } from '../../../common/ids.js';
import { live } from '../../planner/sets.js';
import { currentCall } from '../../context.js';
import type { ConfigRequest, CycleRecord } from '../../model/index.js';
import type { Cycles, Scope } from '../ports.js';
import type { CycleDeps, CycleRunner } from './act.js';
import { insertCycle, loadCycle, runningCycles } from './store.js';

/** Batches one cycle may take (canary included). */
export const MAX_BATCHES = 128;

export class CycleService implements Cycles {
  /** Sets with a cycle being started or run by this process: one cycle per set at a time. */
  private readonly busy = new Map<string, string>();

  constructor(
    private readonly d: Pick<CycleDeps, 'store' | 'events' | 'clock' | 'sets'>,
    private readonly runner: CycleRunner,
  ) {}

  /** Resumes the cycles left running by the last controller, and learns which sets they hold. */
  async resume(): Promise<void> {
    for (const id of await runningCycles(this.d.store)) {
      const { cycle } = await loadCycle(this.d.store, id, undefined);
      this.drive(cycle);
    }
  }

  private drive(c: CycleRecord): void {
    this.busy.set(c.setId, c.id);
    void this.runner.run(c.id).finally(() => {
      if (this.busy.get(c.setId) === c.id) this.busy.delete(c.setId);
    });
  }

  async start(
    setId: string,
    changes: ConfigRequest,
    options: CycleRecord['options'],
    scope: Scope,
  ): Promise<CycleRecord> {
    const set = await this.d.sets.get(setId);
    if (!set || (scope !== undefined && set.tenant !== scope)) throw new NotFoundError('set');
    if (set.state === 'retiring' || set.state === 'retired')
      throw new FailedPreconditionError(`set_id: the set is ${set.state}`);
    // Every batch adds two steps to the record: their number is bounded, so is the record.
    const first = options.canary > 0 ? options.canary : options.maxParallel;
    const batches = 1 + Math.ceil(Math.max(0, set.count - first) / options.maxParallel);
    if (batches > MAX_BATCHES)
      throw new InvalidArgumentError(
        'options.max_parallel',
        `at least ${Math.ceil((set.count - first) / (MAX_BATCHES - 1))} for a set of ${set.count} (at most ${MAX_BATCHES} batches)`,
      );
    if (this.busy.has(setId))
      throw new FailedPreconditionError('set_id: an update cycle is already running on this set');
    // The cycle makes its own management instance and retires the prior set: a user's live
    // management instance would be destroyed under its token (one per set, as BeginManagement says).
    if ((await this.d.sets.members(setId)).some((v) => v.managed && live(v)))
      throw new FailedPreconditionError('set_id has a management instance already');
    const now = this.d.clock.now();
    const c: CycleRecord = {
      id: ulid(now),
      tenant: set.tenant,
      principal: currentCall()?.actor ?? '',
      setId,
      newSetId: '',
      vmId: '',
      tokenId: '',
      imageId: '',
      parentImageId: '',
      state: 'running',
      steps: [],
      changes,
      options,
      reason: '',
      createdUnixMs: now,
      endedUnixMs: 0,
    };
    this.busy.set(setId, c.id);
    try {
      await insertCycle(this.d.events, c, {
        type: 'update_cycle.started',
        message: 'update cycle started',
        tenant: c.tenant,
        attributes: { cycle_id: c.id, set_id: setId },
      });
    } catch (e) {
      this.busy.delete(setId);
      throw e;
    }
    this.drive(c);
    return c;
  }

  get(id: string, scope: Scope): Promise<{ cycle: CycleRecord; version: number }> {
    return loadCycle(this.d.store, id, scope);
  }
}
