// What the planner's jobs share: their dependencies, the one lock every
// decision runs under, the in-memory fleet and ledgers, and the small helpers
// more than one job uses (the placement request of a set or VM, fenced set
// updates). Each job (rounds, lifecycle, preempt, moves, waiting) holds this.
import { put, Mutex, retryOnConflict, at, type Store } from '../../common/store/index.js';
import { resourcesOf } from '../../common/limits.js';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { EventLog, NewEvent } from '../events/log.js';
import type { HostRegistry } from '../hosts/registry.js';
import type { Tenants } from '../tenancy/tenants.js';
import type { VmRecord, VmRegistry } from '../vms/registry.js';
import type { DiskTransfers } from '../vms/transfers.js';
import { Fleet, type Hold, type Res, type Sla } from './fleet.js';
import { DEFAULT_PLANNER, type PlacementRequest, type PlannerConfig, type Strategy } from './place.js';
import { SetCounts } from './counts.js';
import { getSet, partiallyPlaced, SETS, type SetRecord } from './sets.js';
import type { Rounds } from './rounds.js';
import type { SetLifecycle } from './lifecycle.js';
import type { Moves } from './moves.js';
import type { Waiting } from './waiting.js';
import type { Preemption } from './preempt.js';

export interface PlannerOptions extends PlannerConfig {
  /** Strategy for requests that leave it unspecified. */
  strategy: Strategy;
  /** Hosts a VM may be tried on before the set reports it unplaced. */
  maxAttempts: number;
  /** A down host's guaranteed VMs are re-placed after this long. */
  replaceAfterMs: number;
}

export const DEFAULT_PLANNER_OPTIONS: PlannerOptions = {
  ...DEFAULT_PLANNER,
  strategy: 'spread',
  maxAttempts: 3,
  replaceAfterMs: 5 * 60_000,
};

export type Pusher = (hostId: string) => void;

export interface MoveResult {
  moved: number;
  unplaced: number;
  reasons: string[];
}

export const resOf = (spec: NonNullable<VmRecord['spec']>): Res => resourcesOf(spec);
export const holdOf = (vm: VmRecord): Hold => ({
  hostId: vm.hostId,
  setId: vm.setId,
  sla: (vm.sla === 'guaranteed' ? 'guaranteed' : 'best_effort') as Sla,
  res: resOf(vm.spec!),
});

export interface PlannerDeps {
  store: Store;
  events: EventLog;
  clock: Clock;
  log: Logger;
  tenants: Tenants;
  hosts: HostRegistry;
  vms: VmRegistry;
  push: Pusher;
  opts: PlannerOptions;
  transfers?: DiskTransfers;
}

/** The jobs, wired by the Planner facade (each calls the others through here). */
export interface Jobs {
  rounds: Rounds;
  lifecycle: SetLifecycle;
  preemption: Preemption;
  moves: Moves;
  waiting: Waiting;
}

export class PlannerCore {
  readonly fleet = new Fleet();
  /** One lock for every decision, so two plans never race for a host. */
  readonly lock = new Mutex();
  /** Down hosts and when they went down (their guaranteed VMs move after the grace). */
  readonly downSince = new Map<string, number>();
  readonly evacuating = new Set<string>();
  /** Per set, what each VM counts for (placed, confirmed, running). */
  readonly counts = new SetCounts();
  /** Set ids whose retirement completes when their last VM is destroyed. */
  readonly retiring = new Set<string>();
  /** VMs vacated from an evacuated host with nowhere to go (id → set id): placed when capacity frees. */
  readonly waitingVms = new Map<string, string>();
  onSetChange: (set: SetRecord) => void = () => {};
  jobs!: Jobs;

  readonly store: Store;
  readonly events: EventLog;
  readonly clock: Clock;
  readonly log: Logger;
  readonly tenants: Tenants;
  readonly hosts: HostRegistry;
  readonly vms: VmRegistry;
  readonly push: Pusher;
  readonly opts: PlannerOptions;
  readonly transfers?: DiskTransfers;

  constructor(d: PlannerDeps) {
    this.store = d.store;
    this.events = d.events;
    this.clock = d.clock;
    this.log = d.log;
    this.tenants = d.tenants;
    this.hosts = d.hosts;
    this.vms = d.vms;
    this.push = d.push;
    this.opts = d.opts;
    this.transfers = d.transfers;
  }

  refreshLoad(): void {
    for (const [id, l] of this.hosts.live) {
      const s = this.fleet.slot(id);
      if (s) s.loadPct = l.load?.cpuPct ?? 0;
    }
  }

  request(set: SetRecord, exclude?: ReadonlySet<string>): PlacementRequest {
    const r = set.request;
    return {
      setId: set.id,
      sla: r.sla as Sla,
      res: resOf(r.spec),
      schemes: r.schemePreference,
      task: !!r.spec.config?.task,
      group: r.group || undefined,
      labels: r.labels,
      affinity: r.affinity === 'affinity' ? 'affinity' : r.affinity === 'anti_affinity' ? 'anti' : 'none',
      strategy: r.strategy === 'binpack' ? 'binpack' : r.strategy === 'spread' ? 'spread' : this.opts.strategy,
      exclude,
    };
  }

  /** Where one VM may go instead of its host: its set's rules (or none), same scheme, not a host it tried. */
  async requestFor(vm: VmRecord): Promise<PlacementRequest> {
    const set = vm.setId ? (await this.store.get<SetRecord>(SETS, vm.setId))?.value : undefined;
    const exclude = new Set([...(vm.tried ?? []), vm.hostId]);
    return set
      ? // The VM's own size: a reclassified member may differ from its set's spec.
        { ...this.request(set, exclude), schemes: [vm.spec!.scheme], res: resOf(vm.spec!) }
      : {
          setId: '',
          sla: holdOf(vm).sla,
          res: resOf(vm.spec!),
          schemes: [vm.spec!.scheme],
          task: !!vm.spec!.config?.task,
          affinity: 'none',
          strategy: this.opts.strategy,
          exclude,
        };
  }

  hostName(id: string): string {
    return this.fleet.slot(id)?.name ?? '';
  }

  /** Ids of the set's VMs that wait for a host. */
  waitingIn(setId: string): string[] {
    const out: string[] = [];
    for (const [vm, set] of this.waitingVms) if (set === setId) out.push(vm);
    return out;
  }

  /**
   * Read-modify-write of a set record, fenced on its version and retried when
   * another writer got there first. `change` edits the set and returns its
   * event, or undefined to leave it as it is. Returns the set as written.
   */
  updateSet(id: string, change: (set: SetRecord) => NewEvent | undefined): Promise<SetRecord | undefined> {
    return retryOnConflict(async () => {
      const { set, version } = await getSet(this.store, id);
      const event = change(set);
      if (!event) return undefined;
      await this.events.commit({ ops: [put(SETS, id, set)], preconditions: [at(SETS, id, version)], events: [event] });
      return set;
    });
  }

  /** A VM of the set that no host would run: the set is partial, and says why. */
  async noteUnplaced(id: string, why: string): Promise<void> {
    await this.updateSet(id, (set) => {
      if (set.state === 'retiring' || set.state === 'retired') return undefined;
      set.state = 'partial';
      set.stateReason = 'a vm could not be run on any host tried';
      set.reasons = [...set.reasons.filter((r) => r !== why), why].slice(-20);
      return partiallyPlaced(set, why);
    });
  }

  async markRetiring(id: string, why: string): Promise<void> {
    await this.updateSet(id, (set) => {
      if (set.state === 'retiring' || set.state === 'retired') return undefined;
      set.state = 'retiring';
      set.stateReason = why;
      return {
        type: 'set.retiring',
        message: `vm set retiring: ${why}`,
        tenant: set.tenant,
        attributes: { set_id: id },
      };
    });
  }
}
