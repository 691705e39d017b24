// The planner in process, like Nomad's scheduler Harness: an in-memory Store,
// a FakeClock, the real EventLog, host and VM registries and tenants over it,
// and a recording desired-state pusher. Hosts are records written straight to
// the store; "agent reports" go through VmRegistry.observe + commit +
// committed as the session does. Placement rounds, refusals, moves, preemption
// and timers run in milliseconds.
import type { VmSetSpec__Output as VmSetSpec } from '../../common/gen/nephele/v1/VmSetSpec.js';
import { FakeClock } from '../../common/clock.js';
import { ulid } from '../../common/ids.js';
import { silentLogger } from '../../common/logger.js';
import { put } from '../../common/store/index.js';
import { EventLog, EVENTS, type Event } from '../../controller/events/log.js';
import { HOSTS, HostRegistry, type HostRecord } from '../../controller/hosts/registry.js';
import { DEFAULT_PLANNER_OPTIONS, Planner, type PlannerOptions } from '../../controller/planner/planner.js';
import { validateSetRequest, type SetRequest } from '../../controller/planner/request.js';
import { SetScheduler } from '../../controller/planner/scheduler.js';
import { getSet, vmsOfSet, type SetRecord } from '../../controller/planner/sets.js';
import { DEFAULT_TENANT, Tenants } from '../../controller/tenancy/tenants.js';
import { VmRegistry, type VmRecord } from '../../controller/vms/registry.js';
import { DiskTransfers } from '../../controller/vms/transfers.js';
import { MemoryStore } from './memory-store.js';

export const T0 = Date.UTC(2026, 0, 1);
const MiB = 1048576;
const GiB = 1073741824;

export interface HostFacts {
  name: string;
  vcpus?: number;
  memoryMib?: number;
  diskGib?: number;
  kind?: HostRecord['kind'];
  schemes?: string[];
  groups?: string[];
  labels?: Record<string, string>;
  offersGuarantees?: boolean;
}

type VmState = VmRecord['state'];

type RequestFields = Omit<Partial<VmSetSpec>, 'spec'> & { spec?: Partial<NonNullable<VmSetSpec['spec']>> };

/** A validated set request: process VMs of the given fields, defaults for the rest. */
export function setRequest(s: RequestFields = {}, now = T0): SetRequest {
  const spec = { scheme: 'process', vcpus: 1, memoryMib: 128, diskGib: 1, image: 'busybox', ...s.spec };
  const base = {
    name: '',
    tenant: '',
    count: 1,
    sla: 'SLA_GUARANTEED',
    startAtUnixMs: 0,
    batchWindowS: 0,
    durationS: 0,
    endOnTask: false,
    group: '',
    labels: {},
    affinity: 'SET_AFFINITY_UNSPECIFIED',
    schemePreference: [],
    strategy: 'PLACEMENT_STRATEGY_UNSPECIFIED',
  };
  return validateSetRequest({ ...base, ...s, spec } as VmSetSpec, now);
}

export class PlannerHarness {
  readonly store = new MemoryStore();
  readonly clock = new FakeClock(T0);
  /** Host ids in the order the planner pushed desired state to them. */
  readonly pushes: string[] = [];
  events!: EventLog;
  hosts!: HostRegistry;
  tenants!: Tenants;
  vms!: VmRegistry;
  planner!: Planner;
  scheduler!: SetScheduler;
  private readonly facts = new Map<string, HostRecord>();

  private constructor(private readonly opts: PlannerOptions) {}

  /** Hosts first (`hosts`), then the planner starts, as the controller does. */
  static async open(
    /** `transfersDir`: cold moves hand disks over (DiskTransfers keeps its files there). */
    o: { hosts?: HostFacts[]; opts?: Partial<PlannerOptions>; transfersDir?: string } = {},
  ): Promise<PlannerHarness & { ids: string[] }> {
    const h = new PlannerHarness({ ...DEFAULT_PLANNER_OPTIONS, ...o.opts });
    h.events = await EventLog.open(h.store, h.clock, silentLogger);
    h.hosts = new HostRegistry(h.store, h.events, h.clock);
    h.tenants = new Tenants(h.store, h.events, h.clock);
    await h.tenants.create(DEFAULT_TENANT, 'harness', { vcpus: 0, memoryBytes: 0, vms: 0, images: 0 });
    h.vms = new VmRegistry(h.store, h.events, h.clock, h.tenants);
    const ids: string[] = [];
    for (const f of o.hosts ?? []) ids.push(await h.writeHost(f));
    h.planner = new Planner(
      h.store,
      h.events,
      h.clock,
      silentLogger,
      h.tenants,
      h.hosts,
      h.vms,
      (id) => h.pushes.push(id),
      h.opts,
      o.transfersDir ? new DiskTransfers(h.store, h.clock, o.transfersDir) : undefined,
    );
    const sets = await h.planner.start();
    h.scheduler = new SetScheduler(h.planner, h.store, h.clock, silentLogger);
    await h.scheduler.start({ sets });
    return Object.assign(h, { ids });
  }

  private async writeHost(f: HostFacts): Promise<string> {
    const id = ulid(this.clock.now());
    const rec: HostRecord = {
      id,
      name: f.name,
      kind: f.kind ?? 'dedicated',
      state: 'ready',
      stateReason: '',
      stateChangedUnixMs: this.clock.now(),
      cordoned: false,
      cordonReason: '',
      groups: f.groups ?? [],
      addresses: [],
      agentVersion: 'harness',
      schemes: f.schemes ?? ['process', 'qemu'],
      inventory: {
        guest: { vcpus: f.vcpus ?? 8, memoryBytes: (f.memoryMib ?? 8192) * MiB, diskBytes: (f.diskGib ?? 100) * GiB },
      } as HostRecord['inventory'],
      enrolledUnixMs: this.clock.now(),
      lastSeenUnixMs: this.clock.now(),
      labels: f.labels ?? {},
      certSerial: '',
      certNotAfterUnixMs: 0,
      revoked: false,
      revokedReason: '',
      owner: 'idle',
      offersGuarantees: !!f.offersGuarantees,
    };
    await this.store.batch([put(HOSTS, id, rec)]);
    this.facts.set(f.name, rec);
    return id;
  }

  /** A host joining after the start (the registry tells the planner, as on enrolment and Hello). */
  async addHost(f: HostFacts): Promise<string> {
    const id = await this.writeHost(f);
    await this.hosts.update(id, (r) => ({ ...r }));
    return id;
  }

  /** Runs the scheduler's one-second sweep (capacity freed, down hosts). */
  async sweep(): Promise<void> {
    await this.scheduler.sweep();
    await this.idle();
  }

  /** Waits until every planner decision queued so far (refusals, evacuations, releases) has run. */
  async idle(): Promise<void> {
    // A decision may queue another (a refusal re-placed, then preemption): a few rounds of both.
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setImmediate(r));
      await this.planner.settled();
    }
  }

  /** Moves the fake time on and lets what fired run. */
  async advance(ms: number): Promise<void> {
    this.clock.advance(ms);
    await this.idle();
  }

  request(s: RequestFields = {}): SetRequest {
    return setRequest(s, this.clock.now());
  }

  async createSet(s: Parameters<PlannerHarness['request']>[0] = {}): Promise<string> {
    const { set } = await this.planner.create(this.request(s), DEFAULT_TENANT);
    await this.idle();
    return set!.id;
  }

  async set(id: string): Promise<SetRecord> {
    return (await getSet(this.store, id)).set;
  }

  async vmsOf(setId: string): Promise<VmRecord[]> {
    return (await vmsOfSet(this.store, setId)).map((x) => x.vm);
  }

  /** VMs holding capacity, per host id. */
  async placement(setId: string): Promise<Map<string, number>> {
    const m = new Map<string, number>();
    for (const vm of await this.vmsOf(setId))
      if (vm.hostId && vm.desired !== 'destroyed') m.set(vm.hostId, (m.get(vm.hostId) ?? 0) + 1);
    return m;
  }

  /** A host's report about one VM, committed as the session commits it; the planner hears it. */
  async report(hostId: string, vm: VmRecord, state: VmState, reason = ''): Promise<void> {
    const r = {
      vmId: vm.id,
      state,
      reason,
      generation: vm.generation,
      hostPort: 0,
      guestReady: state === 'running',
      timeUnixMs: this.clock.now(),
      taskDone: false,
    };
    await this.vms.underTenantOf(vm.id, async () => {
      await this.vms.applyReport(hostId, r as Parameters<VmRegistry['applyReport']>[1], { ops: [], pre: [] });
    });
    await this.idle();
  }

  /** Every VM of the set reports `state` from where it is placed now. */
  async reportAll(setId: string, state: VmState, reason = ''): Promise<void> {
    for (const vm of await this.vmsOf(setId)) if (vm.hostId) await this.report(vm.hostId, vm, state, reason);
  }

  /** Hosts acting on their desired state: VMs asked to be destroyed report destroyed. */
  async destroyRetired(): Promise<void> {
    for (const { key } of await collect(this.store.scan<VmRecord>('vms'))) {
      const cur = await this.store.get<VmRecord>('vms', key);
      const vm = cur?.value;
      if (vm && vm.hostId && vm.desired === 'destroyed' && vm.state !== 'destroyed')
        await this.report(vm.hostId, vm, 'destroyed');
    }
  }

  async setHostState(hostId: string, state: HostRecord['state']): Promise<void> {
    await this.hosts.setState(hostId, state as Parameters<HostRegistry['setState']>[1], 'harness', this.clock.now());
    await this.idle();
  }

  async setOwner(hostId: string, owner: HostRecord['owner']): Promise<void> {
    await this.hosts.update(hostId, (r) => ({ ...r, owner }));
    await this.idle();
  }

  /** Stored events of a type, oldest first. */
  async eventsOf(type: string): Promise<Event[]> {
    return (await collect(this.store.scan<Event>(EVENTS))).map((e) => e.value).filter((e) => e.type === type);
  }

  close(): void {
    this.scheduler.stop();
  }
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
