import type { Plan__Output as Plan } from '../../common/gen/nephele/v1/Plan.js';
import type { PlanRow__Output as PlanRow } from '../../common/gen/nephele/v1/PlanRow.js';
import type { VmSet__Output as VmSet } from '../../common/gen/nephele/v1/VmSet.js';
import type { VmSpec__Output as VmSpec } from '../../common/gen/nephele/v1/VmSpec.js';
import { FailedPreconditionError } from '../../common/errors.js';
import { ulid } from '../../common/ids.js';
import { absent, at, del, Mutex, put, type Op, type Precondition, type Store } from '../../common/store/index.js';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/logger.js';
import type { EventLog, NewEvent } from '../events/log.js';
import type { HostRecord, HostRegistry } from '../hosts/registry.js';
import { isolationOf } from '../hosts/schemes.js';
import type { Tenants } from '../tenancy/tenants.js';
import { newVmRecord, VMS, VMS_BY_HOST, VMS_BY_TENANT, type Observed, type VmRecord, type VmRegistry } from '../vms/registry.js';
import { Fleet, type Hold, type Res, type Sla } from './fleet.js';
import { DEFAULT_PLANNER, dynamicReason, place, staticReason, unplace, type PlacementRequest, type PlannerConfig, type Strategy } from './place.js';
import type { SetRequest } from './request.js';
import type { DiskTransfers } from './transfers.js';
import { aggregate, getSet, holds, live, planRow, SETS, SETS_BY_TENANT, vmsOfSet, VMS_BY_SET, waitsForHost, word, type SetRecord } from './sets.js';
import { fateWithoutRoom, type Fate } from './evacuation.js';
import { resourcesOf } from '../../common/limits.js';

export interface PlannerOptions extends PlannerConfig {
  /** Strategy for requests that leave it unspecified. */
  strategy: Strategy;
  /** Hosts a VM may be tried on before the set reports it unplaced. */
  maxAttempts: number;
  /** A down host's guaranteed VMs are re-placed after this long. */
  replaceAfterMs: number;
}

export const DEFAULT_PLANNER_OPTIONS: PlannerOptions = { ...DEFAULT_PLANNER, strategy: 'spread', maxAttempts: 3, replaceAfterMs: 5 * 60_000 };

export type Pusher = (hostId: string) => void;

/** What one placement round did. */
interface Round {
  vms: VmRecord[];
  considered: number;
  unplaced: number;
}

const resOf = (spec: NonNullable<VmRecord['spec']>): Res => resourcesOf(spec);
const holdOf = (vm: VmRecord): Hold => ({ hostId: vm.hostId, setId: vm.setId, sla: (vm.sla === 'SLA_GUARANTEED' ? 'SLA_GUARANTEED' : 'SLA_BEST_EFFORT') as Sla, res: resOf(vm.spec!) });
const CHUNK = 500;
const MAX_ROWS_IN_ANSWER = 1000;

export interface MoveResult {
  moved: number;
  unplaced: number;
  reasons: string[];
}

/**
 * Places VM sets and keeps them placed: reservations (VM records + quota) are
 * committed in one batch per placement round; refusals, drains, down hosts and
 * evacuations re-place VMs with a bumped generation, which fences the old copy.
 * Every decision runs under one lock, so two plans never race for a host.
 */
export class Planner {
  readonly fleet = new Fleet();
  private readonly lock = new Mutex();
  /** Down hosts and when they went down (their guaranteed VMs move after the grace). */
  readonly downSince = new Map<string, number>();
  private readonly evacuating = new Set<string>();
  /** Per set, what each VM counts for (placed, confirmed, running). */
  private readonly setVms = new Map<string, Map<string, { placed: boolean; confirmed: boolean; running: boolean }>>();
  /** Set ids whose retirement completes when their last VM is destroyed. */
  private readonly retiring = new Set<string>();
  /** VMs vacated from an evacuated host with nowhere to go (id → set id): placed when capacity frees. */
  private readonly waitingVms = new Map<string, string>();
  private onSetChange: (set: SetRecord) => void = () => {};

  constructor(
    private readonly store: Store,
    private readonly events: EventLog,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly tenants: Tenants,
    private readonly hosts: HostRegistry,
    private readonly vms: VmRegistry,
    private readonly push: Pusher,
    readonly opts: PlannerOptions = DEFAULT_PLANNER_OPTIONS,
    private readonly transfers?: DiskTransfers,
  ) {}

  /** Rebuilds the fleet view and its reservations from the store; returns the sets read (the scheduler arms their timers). */
  async start(): Promise<SetRecord[]> {
    for await (const { rec } of this.hosts.all()) this.hostChanged(rec);
    const sets: SetRecord[] = [];
    const retired = new Set<string>();
    for await (const { value: set } of this.store.scan<SetRecord>(SETS)) {
      sets.push(set);
      if (set.state === 'VM_SET_STATE_RETIRING') this.retiring.add(set.id);
      if (set.state === 'VM_SET_STATE_RETIRED') retired.add(set.id);
    }
    for await (const { value: vm } of this.store.scan<VmRecord>(VMS)) {
      if (holds(vm)) this.fleet.hold(holdOf(vm));
      if (waitsForHost(vm)) this.waitingVms.set(vm.id, vm.setId);
      if (!retired.has(vm.setId)) this.noteVm(vm); // a retired set's counts are all zero: keep nothing for it
    }
    this.hosts.onChange((rec) => this.hostChanged(rec));
    this.hosts.allocation = (id) => {
      const s = this.fleet.slot(id);
      if (!s) return { allocated: { vcpus: 0, memoryBytes: 0, diskBytes: 0 }, vms: 0 };
      const g = s.guaranteed;
      const b = s.bestEffort;
      return { allocated: { vcpus: g.vcpus + b.vcpus, memoryBytes: g.memoryBytes + b.memoryBytes, diskBytes: g.diskBytes + b.diskBytes }, vms: s.vms };
    };
    this.vms.onObserved((o) => this.observed(o));
    this.vms.onChanged((vm) => {
      this.noteVm(vm);
      // Destroyed (DestroyVm) while it waits for a host: no host will report it gone.
      if (this.waitingVms.has(vm.id) && vm.desired === 'DESIRED_VM_STATE_DESTROYED') {
        void this.lock.run(() => this.dropWaiting(vm.id, 'destroyed as requested')).catch((err) => this.log.error({ err, vm_id: vm.id }, 'could not drop a waiting vm'));
      }
    });
    return sets;
  }

  /**
   * One VM outside any set (CreateVm). Without a host it is placed like a one-VM
   * set with the set defaults (guaranteed, the default strategy): the same
   * filters, capacity, SLA and owner policy. An operator's explicit host pins it
   * there as best-effort work (as before), but that host must still pass the
   * filters and have room for it. Returns the reasons when no host takes it.
   */
  async createVm(o: { name: string; tenant: string; spec: VmSpec; hostId?: string }): Promise<{ vm: VmRecord; version: number } | { reasons: string[] }> {
    return this.lock.run(async () => {
      this.refreshLoad();
      const pr: PlacementRequest = { setId: '', sla: o.hostId ? 'SLA_BEST_EFFORT' : 'SLA_GUARANTEED', res: resOf(o.spec), schemes: [o.spec.scheme], affinity: 'none', strategy: this.opts.strategy };
      let hostId = o.hostId;
      if (hostId) {
        const slot = this.fleet.slot(hostId);
        const why = slot ? staticReason(slot, pr) ?? dynamicReason(slot, pr, this.fleet, this.opts) : 'not in the fleet';
        if (why) return { reasons: [why] };
        this.fleet.hold({ hostId, setId: '', sla: pr.sla, res: pr.res });
      } else {
        const res = place(this.fleet, pr, 1, this.opts);
        if (!res.placements.length) return { reasons: res.reasons };
        hostId = res.placements[0]!.hostId;
      }
      let made: { vm: VmRecord; version: number };
      try {
        made = await this.vms.create({ name: o.name, tenant: o.tenant, spec: o.spec, hostId, sla: pr.sla });
      } catch (e) {
        this.fleet.release({ hostId, setId: '', sla: pr.sla, res: pr.res });
        throw e;
      }
      this.push(hostId);
      if (pr.sla === 'SLA_GUARANTEED') await this.preempt([hostId]);
      return made;
    });
  }

  /** The scheduler listens, to arm timers for the set's times. */
  watchSets(fn: (set: SetRecord) => void): void {
    this.onSetChange = fn;
  }

  hostChanged(rec: HostRecord): void {
    const wasEvacuate = this.fleet.slot(rec.id) && this.evacuating.has(rec.id);
    const owner = rec.owner ?? 'OWNER_STATE_UNSPECIFIED';
    this.fleet.upsert(rec.id, {
      name: rec.name,
      adhoc: rec.kind === 'HOST_KIND_ADHOC',
      offersGuarantees: !!rec.offersGuarantees,
      ready: rec.state === 'HOST_STATE_READY' && !rec.revoked,
      cordoned: rec.cordoned,
      ownerBusy: owner === 'OWNER_STATE_BUSY' || owner === 'OWNER_STATE_EVACUATE',
      schemes: rec.schemes,
      isolation: isolationOf(rec.schemeInfo),
      groups: rec.groups,
      labels: rec.labels ?? {},
      capacity: { vcpus: rec.inventory?.guest?.vcpus ?? 0, memoryBytes: Number(rec.inventory?.guest?.memoryBytes ?? 0), diskBytes: Number(rec.inventory?.guest?.diskBytes ?? 0) },
    });
    if (rec.state === 'HOST_STATE_READY' && !rec.cordoned) this.fleet.freedGen++; // waiting sets may fit now
    if (rec.state === 'HOST_STATE_DOWN') {
      if (!this.downSince.has(rec.id)) this.downSince.set(rec.id, rec.stateChangedUnixMs || this.clock.now());
    } else this.downSince.delete(rec.id);
    if (owner === 'OWNER_STATE_EVACUATE' && !wasEvacuate) {
      this.evacuating.add(rec.id);
      void this.evacuate(rec.id).catch((err) => this.log.error({ err, host_id: rec.id }, 'evacuation failed'));
    } else if (owner !== 'OWNER_STATE_EVACUATE') this.evacuating.delete(rec.id);
  }

  private refreshLoad(): void {
    for (const [id, l] of this.hosts.live) {
      const s = this.fleet.slot(id);
      if (s) s.loadPct = l.load?.cpuPct ?? 0;
    }
  }

  private request(set: SetRecord, exclude?: ReadonlySet<string>): PlacementRequest {
    const r = set.request;
    return {
      setId: set.id,
      sla: r.sla as Sla,
      res: resOf(r.spec),
      schemes: r.schemePreference,
      task: !!r.spec.config?.task,
      group: r.group || undefined,
      labels: r.labels,
      affinity: r.affinity === 'SET_AFFINITY_AFFINITY' ? 'affinity' : r.affinity === 'SET_AFFINITY_ANTI_AFFINITY' ? 'anti' : 'none',
      strategy: r.strategy === 'PLACEMENT_STRATEGY_BINPACK' ? 'binpack' : r.strategy === 'PLACEMENT_STRATEGY_SPREAD' ? 'spread' : this.opts.strategy,
      exclude,
    };
  }

  private hostName(id: string): string {
    return this.fleet.slot(id)?.name ?? '';
  }

  /** Plans a request without reserving anything. */
  async dryRun(req: SetRequest, tenant: string): Promise<Plan> {
    return this.lock.run(async () => {
      this.refreshLoad();
      const set = this.newSet(req, tenant, this.clock.now());
      const pr = this.request(set);
      const res = place(this.fleet, pr, req.count, this.opts);
      unplace(this.fleet, pr, res.placements); // nothing leaves this function held
      const name = req.name || 'set';
      const rows: PlanRow[] = res.placements.map((p, i) => ({
        vmId: '',
        vmName: `${name}-${i + 1}`,
        hostId: p.hostId,
        hostName: this.hostName(p.hostId),
        scheme: p.scheme,
        vcpus: pr.res.vcpus,
        memoryBytes: pr.res.memoryBytes,
        diskBytes: pr.res.diskBytes,
        reservedUnixMs: 0,
        confirmedUnixMs: 0,
        status: 'planned',
        attempts: 0,
        reason: '',
        score: Math.round(p.score * 1000) / 1000,
      }));
      const reasons = [...res.reasons];
      try {
        const n = res.placements.length;
        await this.tenants.prepareAdmit(tenant, 'dry-run', { vcpus: pr.res.vcpus * n, memoryBytes: pr.res.memoryBytes * n, vms: n, images: 0 });
      } catch (e) {
        reasons.unshift((e as Error).message);
      }
      return aggregate('', rows, res.unplaced, reasons, res.considered);
    });
  }

  private newSet(req: SetRequest, tenant: string, now: number): SetRecord {
    const startAt = req.startAtUnixMs > now ? req.startAtUnixMs : 0;
    return {
      id: ulid(now),
      tenant,
      request: { ...req, tenant },
      state: startAt ? 'VM_SET_STATE_SCHEDULED' : 'VM_SET_STATE_PLACED',
      stateReason: startAt ? 'waiting for its start time' : '',
      count: req.count,
      reasons: [],
      createdUnixMs: now,
      startedUnixMs: 0,
      expiresUnixMs: 0,
      windowEndsUnixMs: req.batchWindowS ? (startAt || now) + req.batchWindowS * 1000 : 0,
      retiredUnixMs: 0,
      nextIndex: 1,
    };
  }

  /** Creates a set: stores it and, unless it starts later, places it in the same batch. */
  async create(req: SetRequest, tenant: string): Promise<{ set: VmSet; plan: Plan }> {
    const { set, round } = await this.lock.run(async () => {
      const now = this.clock.now();
      const s = this.newSet(req, tenant, now);
      const created: NewEvent = { type: 'set.created', message: 'vm set created', tenant, attributes: { set_id: s.id, count: String(req.count), sla: word(req.sla) } };
      if (s.state === 'VM_SET_STATE_SCHEDULED') {
        await this.events.commit({
          ops: [put(SETS, s.id, s), put(SETS_BY_TENANT, `${tenant}/${s.id}`, 1)],
          preconditions: [absent(SETS, s.id)],
          events: [{ ...created, attributes: { ...created.attributes, start_at: new Date(req.startAtUnixMs).toISOString() } }],
          ref: s.id,
        });
        return { set: s, round: undefined };
      }
      return { set: s, round: await this.placeRound(s, 0, req.count, [created], true) };
    });
    this.onSetChange(set);
    // Answered from what was just written (a set of 10,000 is not read back).
    const { version } = await getSet(this.store, set.id);
    const rows = (round?.vms ?? []).map((vm) => planRow(vm, this.hostName(vm.hostId)));
    const plan = aggregate(set.id, rows, round?.unplaced ?? 0, set.reasons, round?.considered ?? 0);
    // The per-host totals always; the rows of a big set are GetPlan's (a 10,000-row answer is megabytes).
    if (plan.rows.length > MAX_ROWS_IN_ANSWER) plan.rows = [];
    return { set: this.viewOf(set, version), plan };
  }

  /**
   * Places `want` more VMs of `set` (whose stored version is `version`, 0 = new)
   * and commits them with the set record, the quota reservations and the events.
   * A quota refusal of a new set fails the call; later rounds record it as a reason.
   */
  private async placeRound(set: SetRecord, version: number, want: number, extraEvents: NewEvent[], isNew: boolean): Promise<Round> {
    this.refreshLoad();
    const now = this.clock.now();
    const pr = this.request(set);
    const created: VmRecord[] = [];
    return this.tenants.withAdmission(set.tenant, async () => {
      const res = want > 0 ? place(this.fleet, pr, want, this.opts) : { placements: [], unplaced: 0, reasons: [], considered: 0 };
      try {
        const ops: Op[] = [];
        const pre: Precondition[] = [];
        const ids = res.placements.map(() => ulid(now));
        if (ids.length) {
          const adm = await this.tenants.prepareAdmitMany(set.tenant, ids, { vcpus: pr.res.vcpus, memoryBytes: pr.res.memoryBytes, vms: 1, images: 0 });
          ops.push(...adm.ops);
          pre.push(...adm.pre);
        }
        const base = set.request.name || `set-${set.id.slice(-6).toLowerCase()}`;
        created.length = 0;
        res.placements.forEach((p, i) => {
          const id = ids[i]!;
          const vm = newVmRecord({ id, name: `${base}-${set.nextIndex + i}`, tenant: set.tenant, hostId: p.hostId, spec: { ...set.request.spec, scheme: p.scheme }, now, setId: set.id, sla: set.request.sla, reason: 'placed; waiting for the host' });
          created.push(vm);
          ops.push(put(VMS, id, vm), put(VMS_BY_TENANT, `${set.tenant}/${id}`, 1), put(VMS_BY_HOST, `${p.hostId}/${id}`, 1), put(VMS_BY_SET, `${set.id}/${id}`, 1));
          pre.push(absent(VMS, id));
        });
        set.nextIndex += res.placements.length;
        const placedNow = (this.fleet.setHolds.get(set.id) ?? 0);
        this.settle(set, placedNow, res.reasons, now);
        ops.push(put(SETS, set.id, set));
        if (isNew) ops.push(put(SETS_BY_TENANT, `${set.tenant}/${set.id}`, 1));
        pre.push(isNew ? absent(SETS, set.id) : at(SETS, set.id, version));
        const events: NewEvent[] = [...extraEvents];
        if (want > 0) {
          events.push({
            type: res.unplaced ? 'set.partially_placed' : 'set.placed',
            severity: res.unplaced ? 'warning' : 'info',
            message: res.unplaced ? `vm set partially placed: ${res.reasons.join('; ')}` : 'vm set placed',
            tenant: set.tenant,
            attributes: { set_id: set.id, placed: String(res.placements.length), unplaced: String(res.unplaced), hosts: String(new Set(res.placements.map((p) => p.hostId)).size) },
          });
        }
        await this.events.commit({ ops, preconditions: pre, events, ref: set.id });
      } catch (e) {
        unplace(this.fleet, pr, res.placements);
        set.nextIndex -= res.placements.length;
        if (!isNew && (e as { code?: string }).code === 'RESOURCE_EXHAUSTED') {
          // A later round (scale up, batch window) keeps the set and says why.
          this.settle(set, this.fleet.setHolds.get(set.id) ?? 0, [(e as Error).message], now);
          await this.events.commit({ ops: [put(SETS, set.id, set)], preconditions: [at(SETS, set.id, version)], events: [{ type: 'set.partially_placed', severity: 'warning', message: `vm set partially placed: ${(e as Error).message}`, tenant: set.tenant, attributes: { set_id: set.id } }] });
          return { vms: [], considered: res.considered, unplaced: want };
        }
        throw e;
      }
      for (const vm of created) this.noteVm(vm);
      const hosts = new Set(res.placements.map((p) => p.hostId));
      for (const h of hosts) this.push(h);
      if (pr.sla === 'SLA_GUARANTEED') await this.preempt(hosts);
      return { vms: [...created], considered: res.considered, unplaced: res.unplaced };
    });
  }

  /**
   * Guaranteed work never counts best-effort reservations, so a host can end
   * up holding more than best-effort work may overcommit. Best-effort VMs there
   * are preempted, newest first: moved to another host, or retired when none
   * can take them.
   */
  private async preempt(hostIds: Iterable<string>): Promise<void> {
    for (const hostId of hostIds) {
      const s = this.fleet.slot(hostId);
      if (!s) continue;
      // Best-effort work may overcommit up to the ratio; past it, guaranteed work wins.
      let excessCpu = s.guaranteed.vcpus + s.bestEffort.vcpus - s.capacity.vcpus * this.opts.overcommit;
      let excessMem = s.guaranteed.memoryBytes + s.bestEffort.memoryBytes - s.capacity.memoryBytes * this.opts.overcommit;
      let excessDisk = s.guaranteed.diskBytes + s.bestEffort.diskBytes - s.capacity.diskBytes * this.opts.overcommit;
      if (excessCpu <= 0 && excessMem <= 0 && excessDisk <= 0) continue;
      const victims = (await this.vms.onHost(hostId))
        .filter(({ vm }) => vm.sla === 'SLA_BEST_EFFORT' && live(vm))
        .map(({ vm }) => vm)
        .sort((a, b) => (a.id < b.id ? 1 : -1));
      for (const vm of victims) {
        if (excessCpu <= 0 && excessMem <= 0 && excessDisk <= 0) break;
        const m = await this.moveOne(vm.id, 'preempted by guaranteed work', false);
        // Not movable: retired (its capacity is freed when its host reports it destroyed).
        if (!m.moved) await this.retireVms([vm.id], 'preempted by guaranteed work; no other host could take it');
        const r = resOf(vm.spec!);
        excessCpu -= r.vcpus;
        excessMem -= r.memoryBytes;
        excessDisk -= r.diskBytes;
        this.log.info({ vm_id: vm.id, host_id: hostId }, 'best-effort vm preempted');
      }
    }
  }

  /** The set's state after a placement round. */
  private settle(set: SetRecord, placed: number, reasons: string[], now: number): void {
    if (!set.startedUnixMs) {
      set.startedUnixMs = now;
      if (set.request.durationS) set.expiresUnixMs = now + set.request.durationS * 1000;
    }
    if (placed >= set.count) {
      set.state = 'VM_SET_STATE_PLACED';
      set.stateReason = `${placed} of ${set.count} placed`;
      set.reasons = [];
    } else if (set.windowEndsUnixMs > now) {
      set.state = 'VM_SET_STATE_WAITING';
      set.stateReason = `${placed} of ${set.count} placed; waiting for capacity until the batch window ends`;
      set.reasons = reasons;
    } else {
      set.state = 'VM_SET_STATE_PARTIAL';
      set.stateReason = `${placed} of ${set.count} placed`;
      set.reasons = reasons;
    }
  }

  async view(id: string, scope?: string): Promise<VmSet> {
    const { set, version } = await getSet(this.store, id, scope);
    return this.viewOf(set, version);
  }

  /** A set with its counts, kept in memory as its VMs change (GetVmSet is polled; a set may hold 10,000 VMs). */
  private viewOf(set: SetRecord, version: number): VmSet {
    return { ...set, ...this.counts(set.id), version };
  }

  private counts(setId: string): { placed: number; confirmed: number; running: number } {
    const c = { placed: 0, confirmed: 0, running: 0 };
    for (const b of this.setVms.get(setId)?.values() ?? []) {
      if (!b.placed) continue;
      c.placed++;
      if (b.confirmed) c.confirmed++;
      if (b.running) c.running++;
    }
    return c;
  }

  /** Keeps a set's counts current: called with every committed change of one of its VMs. */
  private noteVm(vm: VmRecord): void {
    if (!vm.setId) return;
    let m = this.setVms.get(vm.setId);
    if (!m) this.setVms.set(vm.setId, (m = new Map()));
    m.set(vm.id, { placed: live(vm), confirmed: vm.confirmedUnixMs > 0, running: vm.state === 'VM_STATE_RUNNING' });
  }

  /** The resource aggregation table of a set. */
  async plan(id: string, scope?: string): Promise<Plan> {
    const { set } = await getSet(this.store, id, scope);
    const vms = await vmsOfSet(this.store, id);
    const rows = vms.map(({ vm }) => planRow(vm, this.hostName(vm.hostId)));
    const open = set.state !== 'VM_SET_STATE_RETIRING' && set.state !== 'VM_SET_STATE_RETIRED' && set.state !== 'VM_SET_STATE_SCHEDULED';
    return aggregate(id, rows, open ? Math.max(0, set.count - this.counts(id).placed) : 0, set.reasons, 0);
  }

  /** Starts a scheduled set, or retries a waiting one. Called by the scheduler. */
  async startOrRetry(id: string): Promise<void> {
    const changed = await this.lock.run(async () => {
      const { set, version } = await getSet(this.store, id);
      const now = this.clock.now();
      if (set.state === 'VM_SET_STATE_SCHEDULED') {
        if (set.request.startAtUnixMs > now) return undefined;
        await this.placeRound(set, version, set.count, [{ type: 'set.started', message: 'scheduled vm set started', tenant: set.tenant, attributes: { set_id: id } }], false);
        return set;
      }
      if (set.state === 'VM_SET_STATE_WAITING' || set.state === 'VM_SET_STATE_PARTIAL' || set.state === 'VM_SET_STATE_PLACED') {
        // Counted in memory: the sweep retries waiting sets often, and a set may hold 10,000 VMs.
        // Evacuated VMs waiting for a host are still the set's: they are placed themselves, not replaced.
        const want = set.count - this.counts(id).placed - this.waitingIn(id).length;
        // Its batch window may be over: evacuated best-effort VMs that waited are retired, and their places stay empty.
        if (await this.reconsiderWaiting(id)) return (await getSet(this.store, id)).set;
        if (want <= 0) {
          // Only evacuated VMs that keep waiting (placeWaiting) are missing: once the window is over the set stops its own tries.
          if (set.state === 'VM_SET_STATE_WAITING' && set.windowEndsUnixMs <= now) {
            return this.updateSet(id, (s) => {
              if (s.state !== 'VM_SET_STATE_WAITING') return undefined;
              s.state = 'VM_SET_STATE_PARTIAL';
              s.stateReason = `${this.counts(id).placed} of ${s.count} placed; the batch window is over, evacuated vms still wait for a host`;
              return { type: 'set.partially_placed', severity: 'warning', message: 'vm set partially placed: its batch window is over', tenant: s.tenant, attributes: { set_id: id } };
            });
          }
          return undefined; // nothing to place (a partial set's failed VMs still hold their host)
        }
        if (set.state === 'VM_SET_STATE_PARTIAL' && set.windowEndsUnixMs !== 0) return undefined; // its batch window is over: no more tries
        await this.placeRound(set, version, Math.max(0, want), [], false);
        return set;
      }
      return undefined;
    });
    if (changed) this.onSetChange(changed);
  }

  /** Sets the size of a set: places more, or retires the newest VMs. */
  async scale(id: string, count: number, scope?: string): Promise<{ set: VmSet; plan: Plan }> {
    const changed = await this.lock.run(async () => {
      const { set, version } = await getSet(this.store, id, scope);
      if (set.state === 'VM_SET_STATE_RETIRING' || set.state === 'VM_SET_STATE_RETIRED') throw new FailedPreconditionError(`set is ${word(set.state)}`);
      const current = (await vmsOfSet(this.store, id)).filter(({ vm }) => live(vm) || waitsForHost(vm));
      const ev: NewEvent = { type: 'set.scaled', message: 'vm set scaled', tenant: set.tenant, attributes: { set_id: id, from: String(set.count), to: String(count) } };
      set.count = count;
      if (set.state === 'VM_SET_STATE_SCHEDULED') {
        set.request = { ...set.request, count };
        await this.events.commit({ ops: [put(SETS, id, set)], preconditions: [at(SETS, id, version)], events: [ev], ref: id });
        return set;
      }
      if (count >= current.length) {
        await this.placeRound(set, version, count - current.length, [ev], false);
        return set;
      }
      // Retire VMs waiting for a host first, then the newest: the oldest have been confirmed the longest.
      const victims = current.sort((a, b) => Number(waitsForHost(b.vm)) - Number(waitsForHost(a.vm)) || (a.vm.id < b.vm.id ? 1 : -1)).slice(0, current.length - count);
      this.settle(set, count, [], this.clock.now());
      await this.events.commit({ ops: [put(SETS, id, set)], preconditions: [at(SETS, id, version)], events: [ev], ref: id });
      await this.retireVms(victims.map((v) => v.vm.id), 'scaled down');
      return set;
    });
    this.onSetChange(changed);
    return { set: await this.view(id), plan: await this.plan(id) };
  }

  /** Retires every VM of a set; the set is retired when the last one is destroyed. */
  async retire(id: string, why: string, scope?: string): Promise<VmSet> {
    const changed = await this.lock.run(async () => {
      const { set, version } = await getSet(this.store, id, scope);
      if (set.state === 'VM_SET_STATE_RETIRED') return undefined;
      const vms = await vmsOfSet(this.store, id);
      if (set.state !== 'VM_SET_STATE_RETIRING') {
        set.state = 'VM_SET_STATE_RETIRING';
        set.stateReason = why;
        await this.events.commit({
          ops: [put(SETS, id, set)],
          preconditions: [at(SETS, id, version)],
          events: [{ type: 'set.retiring', message: `vm set retiring: ${why}`, tenant: set.tenant, attributes: { set_id: id, vms: String(vms.length) } }],
          ref: id,
        });
      }
      this.retiring.add(id);
      await this.retireVms(vms.filter(({ vm }) => vm.desired !== 'DESIRED_VM_STATE_DESTROYED' && vm.state !== 'VM_STATE_DESTROYED').map(({ vm }) => vm.id), why);
      await this.maybeRetired(id);
      return set;
    });
    if (changed) this.onSetChange(changed);
    return this.view(id, scope);
  }

  /** Asks the VMs' hosts to destroy them, in chunks (each an atomic batch fenced on the VMs' versions). */
  private async retireVms(ids: string[], why: string): Promise<void> {
    // A VM waiting for a host has no host to destroy it: it ends here.
    for (const id of ids.filter((x) => this.waitingVms.has(x))) await this.dropWaiting(id, why);
    ids = ids.filter((x) => !this.waitingVms.has(x));
    const touched = new Set<string>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      for (let attempt = 0; ; attempt++) {
        const rs = await this.store.getMany<VmRecord>(VMS, chunk);
        const ops: Op[] = [];
        const pre: Precondition[] = [];
        const next: VmRecord[] = [];
        rs.forEach((r) => {
          if (!r || r.value.desired === 'DESIRED_VM_STATE_DESTROYED') return;
          const n: VmRecord = { ...r.value, desired: 'DESIRED_VM_STATE_DESTROYED', stateReason: r.value.state === 'VM_STATE_DESTROYED' ? r.value.stateReason : `retiring: ${why}` };
          next.push(n);
          ops.push(put(VMS, r.value.id, n));
          pre.push(at(VMS, r.value.id, r.version));
          touched.add(r.value.hostId);
        });
        if (!ops.length) break;
        try {
          await this.events.commit({ ops, preconditions: pre });
          for (const n of next) this.noteVm(n);
          break;
        } catch (e) {
          if ((e as { code?: string }).code !== 'ABORTED' || attempt > 20) throw e;
        }
      }
    }
    for (const h of touched) if (h) this.push(h);
  }

  /** A retiring set whose VMs are all gone is retired. */
  private async maybeRetired(id: string): Promise<void> {
    if (!this.retiring.has(id) || (this.fleet.setHolds.get(id) ?? 0) > 0) return;
    const set = await this.updateSet(id, (s) => {
      if (s.state !== 'VM_SET_STATE_RETIRING') return undefined;
      s.state = 'VM_SET_STATE_RETIRED';
      s.retiredUnixMs = this.clock.now();
      return { type: 'set.retired', message: 'vm set retired', tenant: s.tenant, attributes: { set_id: id, reason: s.stateReason } };
    });
    if (!set) return;
    this.retiring.delete(id);
    this.setVms.delete(id);
    this.onSetChange(set);
  }

  /**
   * Read-modify-write of a set record, fenced on its version and retried when
   * another writer got there first. `change` edits the set and returns its
   * event, or undefined to leave it as it is. Returns the set as written.
   */
  private async updateSet(id: string, change: (set: SetRecord) => NewEvent | undefined): Promise<SetRecord | undefined> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const { set, version } = await getSet(this.store, id);
      const event = change(set);
      if (!event) return undefined;
      try {
        await this.events.commit({ ops: [put(SETS, id, set)], preconditions: [at(SETS, id, version)], events: [event] });
        return set;
      } catch (e) {
        if ((e as { code?: string }).code !== 'ABORTED') throw e;
      }
    }
    return undefined;
  }

  /** After a host's report was committed: free capacity, re-place refusals, end finished tasks. */
  private observed(o: Observed): void {
    const vm = o.vm;
    if (vm.hostId) this.noteVm(vm);
    if (o.imported) void this.transfers?.finish(o.imported).catch((err) => this.log.error({ err, vm_id: vm.id }, 'could not drop a finished disk transfer'));
    if (o.released) {
      this.fleet.release(holdOf({ ...vm, state: 'VM_STATE_RUNNING' }));
      if (vm.setId && this.retiring.has(vm.setId)) void this.lock.run(() => this.maybeRetired(vm.setId)).catch((err) => this.log.error({ err, set_id: vm.setId }, 'could not retire set'));
    }
    if (o.refused) {
      void this.lock
        .run(async () => {
          // A moved disk goes with it: the next host imports the same transfer, never a fresh disk.
          const m = await this.moveOne(vm.id, `host could not run it: ${vm.stateReason}`, true, vm.importDisk ?? '');
          if (!m.moved && vm.setId) await this.noteUnplaced(vm.setId, `${vm.name} failed on ${vm.placementAttempts} host${vm.placementAttempts === 1 ? '' : 's'} (last: ${vm.stateReason})${m.reasons.length ? `; ${m.reasons.join('; ')}` : ''}`);
        })
        .catch((err) => this.log.error({ err, vm_id: vm.id }, 're-placement failed'));
    }
    if (o.taskDone && vm.setId) {
      void this.lock.run(async () => {
        const { set } = await getSet(this.store, vm.setId);
        if (!set.request.endOnTask) return;
        await this.retireVms([vm.id], 'task done');
        const rest = (await vmsOfSet(this.store, set.id)).filter(({ vm: v }) => v.desired !== 'DESIRED_VM_STATE_DESTROYED');
        if (rest.length === 0) {
          this.retiring.add(set.id);
          await this.markRetiring(set.id, 'every task is done');
          await this.maybeRetired(set.id);
        }
      }).catch((err) => this.log.error({ err, set_id: vm.setId }, 'could not end finished task'));
    }
  }

  /** A VM of the set that no host would run: the set is partial, and says why. */
  private async noteUnplaced(id: string, why: string): Promise<void> {
    await this.updateSet(id, (set) => {
      if (set.state === 'VM_SET_STATE_RETIRING' || set.state === 'VM_SET_STATE_RETIRED') return undefined;
      set.state = 'VM_SET_STATE_PARTIAL';
      set.stateReason = 'a vm could not be run on any host tried';
      set.reasons = [...set.reasons.filter((r) => r !== why), why].slice(-20);
      return { type: 'set.partially_placed', severity: 'warning', message: `vm set partially placed: ${why}`, tenant: set.tenant, attributes: { set_id: id } };
    });
  }

  private async markRetiring(id: string, why: string): Promise<void> {
    await this.updateSet(id, (set) => {
      if (set.state === 'VM_SET_STATE_RETIRING' || set.state === 'VM_SET_STATE_RETIRED') return undefined;
      set.state = 'VM_SET_STATE_RETIRING';
      set.stateReason = why;
      return { type: 'set.retiring', message: `vm set retiring: ${why}`, tenant: set.tenant, attributes: { set_id: id } };
    });
  }

  /**
   * Moves one VM to another host: new host, generation + 1 (the old host's copy
   * is now stale and is stopped when that host hears its desired state). With
   * `countAttempt`, a VM that has used up its attempts stays failed.
   */
  private async moveOne(vmId: string, reason: string, countAttempt: boolean, importDisk = ''): Promise<{ moved: boolean; reasons: string[] }> {
    for (let attempt = 0; ; attempt++) {
      const cur = await this.store.get<VmRecord>(VMS, vmId);
      if (!cur || !holds(cur.value) || cur.value.desired === 'DESIRED_VM_STATE_DESTROYED') return { moved: false, reasons: [] };
      const vm = cur.value;
      if (countAttempt && vm.placementAttempts >= this.opts.maxAttempts) {
        this.log.warn({ vm_id: vm.id, set_id: vm.setId, attempts: vm.placementAttempts }, 'vm not re-placed: attempts used up');
        return { moved: false, reasons: [`attempts used up (${vm.placementAttempts})`] };
      }
      const base = await this.requestFor(vm);
      this.refreshLoad();
      // The VM's own hold on its old host does not count against affinity rules elsewhere.
      const res = place(this.fleet, base, 1, this.opts);
      const to = res.placements[0];
      if (!to) return { moved: false, reasons: res.reasons };
      const now = this.clock.now();
      const next: VmRecord = {
        ...vm,
        hostId: to.hostId,
        generation: vm.generation + 1,
        state: 'VM_STATE_PENDING',
        stateReason: `re-placed: ${reason}`,
        stateChangedUnixMs: now,
        placedUnixMs: now,
        confirmedUnixMs: 0,
        placementAttempts: vm.placementAttempts + 1,
        hostPort: 0,
        guestReady: false,
        ran: false,
        tried: [...(vm.tried ?? []), vm.hostId].slice(-16),
        exportDisk: '',
        importDisk,
      };
      try {
        await this.events.commit({
          ops: [put(VMS, vm.id, next), del(VMS_BY_HOST, `${vm.hostId}/${vm.id}`), put(VMS_BY_HOST, `${to.hostId}/${vm.id}`, 1)],
          preconditions: [at(VMS, vm.id, cur.version)],
          events: [{ type: 'vm.replaced', severity: 'warning', message: `vm re-placed: ${reason}`, hostId: to.hostId, tenant: vm.tenant, attributes: { vm_id: vm.id, from_host: vm.hostId, to_host: to.hostId, generation: String(next.generation), ...(vm.setId ? { set_id: vm.setId } : {}) } }],
        });
      } catch (e) {
        unplace(this.fleet, base, res.placements);
        if ((e as { code?: string }).code !== 'ABORTED' || attempt > 10) throw e;
        continue;
      }
      this.fleet.release(holdOf(vm));
      this.noteVm(next);
      if (vm.exportDisk && vm.exportDisk !== importDisk) await this.transfers?.finish(vm.exportDisk); // an export overtaken by a fresh re-placement
      this.push(vm.hostId);
      this.push(to.hostId);
      return { moved: true, reasons: [] };
    }
  }

  /**
   * Cold move, source side: the VM's host stops it and uploads its disk; when
   * the upload is complete (finishExport) the VM is re-placed with that disk.
   * Only started when another host could take the VM now.
   */
  private async startExport(vmId: string, reason: string): Promise<{ moved: boolean; reasons: string[] }> {
    for (let attempt = 0; ; attempt++) {
      const cur = await this.store.get<VmRecord>(VMS, vmId);
      if (!cur || !this.transfers) return { moved: false, reasons: [] };
      const vm = cur.value;
      if (vm.exportDisk) return { moved: true, reasons: [] }; // already under way
      const probe = await this.requestFor(vm);
      const res = place(this.fleet, probe, 1, this.opts);
      unplace(this.fleet, probe, res.placements); // only asking whether it fits somewhere
      if (!res.placements.length) return { moved: false, reasons: res.reasons };
      const id = ulid(this.clock.now());
      try {
        await this.events.commit({
          ops: [put(VMS, vm.id, { ...vm, exportDisk: id, stateReason: `moving (${reason}): exporting its disk` }), ...this.transfers.beginOps(id, vm)],
          preconditions: [at(VMS, vm.id, cur.version)],
          events: [{ type: 'vm.move_started', message: `cold move started: ${reason}`, hostId: vm.hostId, tenant: vm.tenant, attributes: { vm_id: vm.id, transfer_id: id, ...(vm.setId ? { set_id: vm.setId } : {}) } }],
        });
      } catch (e) {
        if ((e as { code?: string }).code !== 'ABORTED' || attempt > 10) throw e;
        continue;
      }
      this.push(vm.hostId);
      return { moved: true, reasons: [] };
    }
  }

  /** Cold move, after the upload: re-place the VM with its disk (or let it run where it was when nothing fits now). */
  async finishExport(transferId: string): Promise<void> {
    await this.lock.run(async () => {
      const t = await this.transfers?.get(transferId);
      if (!t) return;
      const cur = await this.store.get<VmRecord>(VMS, t.vmId);
      if (!cur || cur.value.exportDisk !== transferId) return;
      const m = await this.moveOne(t.vmId, 'cold move: disk copied', false, transferId);
      if (m.moved) return;
      const vm = cur.value;
      if (this.evacuating.has(vm.hostId)) {
        // The owner wants the machine back: the VM leaves it even with nowhere to go now.
        await this.transfers?.finish(transferId);
        await this.vacate(vm.id, m.reasons);
        return;
      }
      await this.events.commit({
        ops: [put(VMS, vm.id, { ...vm, exportDisk: '', stateReason: 'move abandoned: no host can take it now' })],
        preconditions: [at(VMS, vm.id, cur.version)],
        events: [{ type: 'vm.move_failed', severity: 'warning', message: `cold move abandoned: ${m.reasons.join('; ') || 'no host'}`, hostId: vm.hostId, tenant: vm.tenant, attributes: { vm_id: vm.id } }],
      });
      await this.transfers?.finish(transferId);
      this.push(vm.hostId);
    });
  }

  /** Where one VM may go instead of its host: its set's rules (or none), same scheme, not a host it tried. */
  private async requestFor(vm: VmRecord): Promise<PlacementRequest> {
    const set = vm.setId ? (await this.store.get<SetRecord>(SETS, vm.setId))?.value : undefined;
    const exclude = new Set([...(vm.tried ?? []), vm.hostId]);
    return set
      ? { ...this.request(set, exclude), schemes: [vm.spec!.scheme] }
      : { setId: '', sla: holdOf(vm).sla, res: resOf(vm.spec!), schemes: [vm.spec!.scheme], task: !!vm.spec!.config?.task, affinity: 'none', strategy: this.opts.strategy, exclude };
  }

  /** Moves one VM off `hostId`: a reachable host hands over a qemu VM's disk (cold move); a process VM, or any VM of a host that is gone, starts afresh elsewhere. */
  private moveAway(hostId: string, vm: VmRecord, reason: string, cold: boolean): Promise<{ moved: boolean; reasons: string[] }> {
    return cold && vm.spec!.scheme === 'qemu' && this.transfers && this.fleet.slot(hostId)?.ready && vm.state !== 'VM_STATE_FAILED'
      ? this.startExport(vm.id, reason)
      : this.moveOne(vm.id, reason, false);
  }

  private async moveAll(hostId: string, reason: string, filter: (vm: VmRecord) => boolean, cold = false): Promise<MoveResult> {
    const out: MoveResult = { moved: 0, unplaced: 0, reasons: [] };
    for (const { vm } of await this.vms.onHost(hostId)) {
      if (!live(vm) || !filter(vm)) continue;
      const m = await this.moveAway(hostId, vm, reason, cold);
      if (m.moved) out.moved++;
      else {
        out.unplaced++;
        for (const x of m.reasons) if (!out.reasons.includes(x)) out.reasons.push(x);
      }
    }
    return out;
  }

  /** Cordons a host and moves its VMs away. */
  async drain(hostId: string, reason: string): Promise<MoveResult> {
    await this.hosts.cordon(hostId, true, reason || 'drained');
    const res = await this.lock.run(() => this.moveAll(hostId, 'host drained', () => true, true));
    await this.events.append({ type: 'host.drained', severity: res.unplaced ? 'warning' : 'info', message: res.unplaced ? 'host drained; some vms could not be moved' : 'host drained', hostId, attributes: { moved: String(res.moved), unplaced: String(res.unplaced) } });
    return res;
  }

  /**
   * The owner of an ad-hoc host wants it back: every VM leaves it (HTCondor's
   * PREEMPT). Those another host can take now move there; the others are
   * vacated anyway: they wait, on no host, until capacity frees, or are
   * retired where their set's SLA says so (fateWithoutRoom).
   */
  async evacuate(hostId: string): Promise<MoveResult & { waiting: number; retired: number }> {
    const res = await this.lock.run(async () => {
      const out = { moved: 0, unplaced: 0, reasons: [] as string[], waiting: 0, retired: 0 };
      for (const { vm } of await this.vms.onHost(hostId)) {
        if (!live(vm)) continue;
        const m = await this.moveAway(hostId, vm, 'host owner evacuated it', true);
        if (m.moved) {
          out.moved++;
          continue;
        }
        out.unplaced++;
        for (const x of m.reasons) if (!out.reasons.includes(x)) out.reasons.push(x);
        const fate = await this.vacate(vm.id, m.reasons);
        if (fate?.fate === 'wait') out.waiting++;
        if (fate?.fate === 'retire') out.retired++;
      }
      return out;
    });
    await this.events.append({
      type: 'host.evacuated',
      severity: res.unplaced ? 'warning' : 'info',
      message: res.unplaced ? 'ad-hoc host evacuated for its owner; some vms had nowhere to go' : 'ad-hoc host evacuated for its owner',
      hostId,
      attributes: { moved: String(res.moved), waiting: String(res.waiting), retired: String(res.retired) },
    });
    this.log.info({ host_id: hostId, moved: res.moved, waiting: res.waiting, retired: res.retired }, 'ad-hoc host evacuated');
    return res;
  }

  /** The facts fateWithoutRoom decides on. */
  private async fateOf(vm: VmRecord): Promise<Fate> {
    const set = vm.setId ? (await this.store.get<SetRecord>(SETS, vm.setId))?.value : undefined;
    const retiring = !!vm.setId && (!set || set.state === 'VM_SET_STATE_RETIRING' || set.state === 'VM_SET_STATE_RETIRED');
    return fateWithoutRoom({ sla: holdOf(vm).sla, windowEndsUnixMs: set?.windowEndsUnixMs ?? 0, setRetiring: retiring }, this.clock.now());
  }

  /**
   * Takes a VM off its host although no other host can take it (`reasons`:
   * why not): decides its fate, then either retires it or leaves it waiting on
   * no host (a new generation fences the old copy, which its host stops and
   * removes; the capacity there is released now, once). Its set says why.
   */
  private async vacate(vmId: string, reasons: string[], attempt = 0): Promise<Fate | undefined> {
    const cur = await this.store.get<VmRecord>(VMS, vmId);
    if (!cur || !live(cur.value)) return undefined;
    const vm = cur.value;
    const fate = await this.fateOf(vm);
    const why = `${fate.reason}${reasons.length ? ` (${reasons.join('; ')})` : ''}`;
    if (fate.fate === 'retire') {
      await this.retireVms([vm.id], `evacuated: ${why}`);
      await this.events.append({ type: 'vm.evacuation_retired', severity: 'warning', message: `vm retired: its host's owner evacuated it; ${why}`, hostId: vm.hostId, tenant: vm.tenant, attributes: { vm_id: vm.id, ...(vm.setId ? { set_id: vm.setId } : {}) } });
      if (vm.setId) await this.noteUnplaced(vm.setId, `${vm.name} retired: ${why}`);
      return fate;
    }
    const now = this.clock.now();
    const next: VmRecord = {
      ...vm,
      hostId: '',
      generation: vm.generation + 1,
      state: 'VM_STATE_PENDING',
      stateReason: `unplaced: ${why}; waiting for capacity`,
      stateChangedUnixMs: now,
      confirmedUnixMs: 0,
      hostPort: 0,
      guestReady: false,
      ran: false,
      tried: [...(vm.tried ?? []), vm.hostId].slice(-16),
      exportDisk: '',
      importDisk: '',
    };
    try {
      await this.events.commit({
        ops: [put(VMS, vm.id, next), del(VMS_BY_HOST, `${vm.hostId}/${vm.id}`)],
        preconditions: [at(VMS, vm.id, cur.version)],
        events: [{ type: 'vm.unplaced', severity: 'warning', message: `vm left its host for the owner and waits for capacity: ${why}`, hostId: vm.hostId, tenant: vm.tenant, attributes: { vm_id: vm.id, from_host: vm.hostId, generation: String(next.generation), ...(vm.setId ? { set_id: vm.setId } : {}) } }],
      });
    } catch (e) {
      if ((e as { code?: string }).code !== 'ABORTED' || attempt > 10) throw e;
      return this.vacate(vmId, reasons, attempt + 1); // changed meanwhile (a report): decide on the new record
    }
    this.fleet.release(holdOf(vm));
    this.waitingVms.set(vm.id, vm.setId);
    this.noteVm(next);
    if (vm.exportDisk) await this.transfers?.finish(vm.exportDisk);
    this.push(vm.hostId);
    if (vm.setId) await this.noteWaiting(vm.setId, `${vm.name}: ${why}`);
    return fate;
  }

  /** A set with VMs waiting for a host: waiting (inside its batch window) or partial, saying why. */
  private async noteWaiting(id: string, why: string): Promise<void> {
    const set = await this.updateSet(id, (set) => {
      if (set.state === 'VM_SET_STATE_RETIRING' || set.state === 'VM_SET_STATE_RETIRED' || set.state === 'VM_SET_STATE_SCHEDULED') return undefined;
      const now = this.clock.now();
      const placed = this.counts(id).placed;
      const waiting = this.waitingIn(id).length;
      set.state = set.windowEndsUnixMs > now ? 'VM_SET_STATE_WAITING' : 'VM_SET_STATE_PARTIAL';
      set.stateReason = `${placed} of ${set.count} placed; ${waiting} evacuated vm${waiting === 1 ? '' : 's'} waiting for a host`;
      set.reasons = [...set.reasons.filter((r) => r !== why), why].slice(-20);
      return { type: 'set.partially_placed', severity: 'warning', message: `vm set partially placed: ${why}`, tenant: set.tenant, attributes: { set_id: id, waiting: String(waiting) } };
    });
    if (set) this.onSetChange(set);
  }

  /** Ids of the set's VMs that wait for a host. */
  private waitingIn(setId: string): string[] {
    const out: string[] = [];
    for (const [vm, set] of this.waitingVms) if (set === setId) out.push(vm);
    return out;
  }

  /** Some VM waits for a host (the sweep then looks for capacity even with no waiting set). */
  hasWaitingVms(): boolean {
    return this.waitingVms.size > 0;
  }

  /** Applies fateWithoutRoom again to a set's waiting VMs (its window may be over now); true if one was retired. */
  private async reconsiderWaiting(setId: string): Promise<boolean> {
    let retired = false;
    for (const id of this.waitingIn(setId)) {
      const cur = await this.store.get<VmRecord>(VMS, id);
      if (!cur || !waitsForHost(cur.value)) {
        this.waitingVms.delete(id);
        continue;
      }
      const fate = await this.fateOf(cur.value);
      if (fate.fate === 'retire') {
        await this.dropWaiting(id, fate.reason);
        await this.noteUnplaced(setId, `${cur.value.name} retired: ${fate.reason}`);
        retired = true;
      }
    }
    return retired;
  }

  /** Ends a VM that waits for a host (retired, or destroyed by request): no host will report it gone, so its record and quota end here. */
  private async dropWaiting(vmId: string, why: string): Promise<void> {
    // Its desired state may already say destroyed (DestroyVm): what matters is that no host has it.
    const onNoHost = (vm: VmRecord) => vm.hostId === '' && vm.state !== 'VM_STATE_DESTROYED';
    const cur0 = await this.store.get<VmRecord>(VMS, vmId);
    if (!cur0 || !onNoHost(cur0.value)) {
      this.waitingVms.delete(vmId);
      return;
    }
    const next = await this.tenants.withAdmission(cur0.value.tenant, async () => {
      const cur = await this.store.get<VmRecord>(VMS, vmId);
      if (!cur || !onNoHost(cur.value)) return undefined;
      const vm = cur.value;
      const n: VmRecord = { ...vm, desired: 'DESIRED_VM_STATE_DESTROYED', state: 'VM_STATE_DESTROYED', stateReason: `retired while waiting for a host: ${why}`, stateChangedUnixMs: this.clock.now() };
      const ops: Op[] = [put(VMS, vm.id, n)];
      const pre: Precondition[] = [at(VMS, vm.id, cur.version)];
      const rel = await this.tenants.releaseOps(vm.tenant, vm.id);
      if (rel) {
        ops.push(...rel.ops);
        pre.push(...rel.pre);
      }
      await this.events.commit({ ops, preconditions: pre, events: [{ type: 'vm.state_changed', message: `vm is destroyed: ${n.stateReason}`, tenant: vm.tenant, attributes: { vm_id: vm.id, state: 'destroyed', ...(vm.setId ? { set_id: vm.setId } : {}) } }] });
      return n;
    });
    this.waitingVms.delete(vmId);
    if (!next) return;
    this.noteVm(next);
    if (next.setId && this.retiring.has(next.setId)) await this.maybeRetired(next.setId);
  }

  /**
   * Places VMs that wait for a host, where capacity has freed (the sweep calls
   * this when it has). Any host may take one again, the one it left included
   * once its owner is idle. Returns how many were placed.
   */
  async placeWaiting(): Promise<number> {
    if (!this.waitingVms.size) return 0;
    const changed = await this.lock.run(async () => {
      const sets = new Set<string>();
      let placed = 0;
      for (const [id, setId] of [...this.waitingVms]) {
        if (!(await this.placeOneWaiting(id))) continue;
        placed++;
        if (setId) sets.add(setId);
      }
      const out: SetRecord[] = [];
      for (const s of sets) {
        const set = await this.updateSet(s, (set) => {
          if (set.state !== 'VM_SET_STATE_PARTIAL' && set.state !== 'VM_SET_STATE_WAITING') return undefined;
          const n = this.counts(s).placed;
          if (n < set.count || this.waitingIn(s).length) return undefined;
          set.state = 'VM_SET_STATE_PLACED';
          set.stateReason = `${n} of ${set.count} placed`;
          set.reasons = [];
          return { type: 'set.placed', message: 'vm set placed: its evacuated vms found a host', tenant: set.tenant, attributes: { set_id: s } };
        });
        if (set) out.push(set);
      }
      return { placed, sets: out };
    });
    for (const s of changed.sets) this.onSetChange(s);
    return changed.placed;
  }

  private async placeOneWaiting(vmId: string): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      const cur = await this.store.get<VmRecord>(VMS, vmId);
      if (!cur || !waitsForHost(cur.value)) {
        this.waitingVms.delete(vmId);
        return false;
      }
      const vm = cur.value;
      const fate = await this.fateOf(vm);
      if (fate.fate === 'retire') {
        await this.dropWaiting(vm.id, fate.reason);
        if (vm.setId) await this.noteUnplaced(vm.setId, `${vm.name} retired: ${fate.reason}`);
        return false;
      }
      const req = { ...(await this.requestFor(vm)), exclude: undefined };
      this.refreshLoad();
      const res = place(this.fleet, req, 1, this.opts);
      const to = res.placements[0];
      if (!to) return false;
      const now = this.clock.now();
      const next: VmRecord = { ...vm, hostId: to.hostId, state: 'VM_STATE_PENDING', stateReason: 'placed: capacity freed after it was evacuated', stateChangedUnixMs: now, placedUnixMs: now, confirmedUnixMs: 0, placementAttempts: vm.placementAttempts + 1 };
      try {
        await this.events.commit({
          ops: [put(VMS, vm.id, next), put(VMS_BY_HOST, `${to.hostId}/${vm.id}`, 1)],
          preconditions: [at(VMS, vm.id, cur.version)],
          events: [{ type: 'vm.placed', message: 'vm placed: capacity freed after it was evacuated', hostId: to.hostId, tenant: vm.tenant, attributes: { vm_id: vm.id, to_host: to.hostId, generation: String(next.generation), ...(vm.setId ? { set_id: vm.setId } : {}) } }],
        });
      } catch (e) {
        unplace(this.fleet, req, res.placements);
        if ((e as { code?: string }).code !== 'ABORTED' || attempt > 10) throw e;
        continue;
      }
      this.waitingVms.delete(vm.id);
      this.noteVm(next);
      this.push(to.hostId);
      return true;
    }
  }

  /** Re-places the guaranteed VMs of hosts that have been down for longer than the grace. */
  async replaceFromDownHosts(): Promise<number> {
    const now = this.clock.now();
    let moved = 0;
    for (const [hostId, since] of this.downSince) {
      if (now - since < this.opts.replaceAfterMs) continue;
      const res = await this.lock.run(() => this.moveAll(hostId, 'host is down', (vm) => vm.sla === 'SLA_GUARANTEED'));
      moved += res.moved;
      if (res.moved) this.log.warn({ host_id: hostId, moved: res.moved, unplaced: res.unplaced }, 'vms of a down host re-placed');
    }
    return moved;
  }

  /** Capacity freed since the last call (waiting sets retry only then). */
  private lastFreed = -1;
  freedSinceLastLook(): boolean {
    const changed = this.fleet.freedGen !== this.lastFreed;
    this.lastFreed = this.fleet.freedGen;
    return changed;
  }
}
