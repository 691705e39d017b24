// An in-memory world for update-cycle tests: a MemoryStore and the real
// EventLog, a FakeClock, a fake Management (tokens written to the store as the
// real one does, plaintext never) and fake sets (the planner's seam). Every
// fake operation passes a fault hook, so a test can fail or "crash" (hang
// forever, before or after the effect) at any chosen operation.
import { FakeClock } from '../../common/clock.js';
import { ulid } from '../../common/ids.js';
import { silentLogger } from '../../common/logger.js';
import { put } from '../../common/store/index.js';
import { EventLog } from '../../controller/events/log.js';
import {
  indexKey,
  MGMT_BY_SET,
  MGMT_TOKENS,
  type ImageRecord,
  type ManagementRecord,
  type SetRecord,
  type SetRequest,
  type VmRecord,
} from '../../controller/model/index.js';
import { CycleRunner } from '../../controller/tokens/cycle/act.js';
import { CycleService } from '../../controller/tokens/cycle/cycles.js';
import type { CycleSets } from '../../controller/tokens/cycle/observe.js';
import type { Management } from '../../controller/tokens/ports.js';
import { MemoryStore } from './memory-store.js';
import { setRequest } from './planner-harness.js';

export const T0 = Date.UTC(2026, 0, 1);

/** The prior set's request in tests. */
export const REQ: SetRequest = {
  ...setRequest({ name: 'web', count: 3, spec: { memoryMib: 64, image: 'nephele-guest', config: { title: 'old' } } }),
  tenant: 'default',
};

export type Fault = 'throw-before' | 'throw-after' | 'crash-before' | 'crash-after';

const never = () => new Promise<never>(() => {});

export class CycleWorld {
  readonly store = new MemoryStore();
  readonly clock = new FakeClock(T0);
  readonly sets = new Map<string, SetRecord>();
  readonly vms = new Map<string, VmRecord>();
  readonly images = new Map<string, ImageRecord>();
  readonly clones = new Map<string, string[]>(); // image id → set ids
  /** Images whose clones never answer their probe. */
  readonly badImages = new Set<string>();
  /** The next capture makes such an image. */
  badCapture = false;
  /** Operations performed (names, in order); `faultAt` picks one by index. */
  readonly ops: string[] = [];
  faultAt = -1;
  fault: Fault = 'throw-before';
  /** A VM is running with a ready guest this long after it was created. */
  bootMs = 0;
  /** Plaintext tokens handed out (a test checks none reached the store). */
  readonly tokens: string[] = [];
  private n = 0;
  crashed = false;

  /** One fake operation: the fault hook around its effect. */
  private async op<T>(name: string, effect: () => T | Promise<T>): Promise<T> {
    const i = this.ops.push(name) - 1;
    if (this.crashed) return never();
    if (i !== this.faultAt) return effect();
    if (this.fault === 'throw-before') throw new Error(`injected failure in ${name}`);
    if (this.fault === 'crash-before') return this.crash();
    await effect();
    if (this.fault === 'throw-after') throw new Error(`injected failure after ${name}`);
    return this.crash();
  }

  private crash(): Promise<never> {
    this.crashed = true;
    return never();
  }

  private id(): string {
    return ulid(this.clock.now() + this.n++);
  }

  addSet(request: SetRequest, count: number, ready = true): SetRecord {
    const set: SetRecord = {
      id: this.id(),
      tenant: request.tenant,
      request: { ...request, count },
      state: 'placed',
      stateReason: '',
      count,
      reasons: [],
      createdUnixMs: this.clock.now(),
      startedUnixMs: this.clock.now(),
      expiresUnixMs: 0,
      windowEndsUnixMs: 0,
      retiredUnixMs: 0,
      nextIndex: 0,
    };
    this.sets.set(set.id, set);
    this.grow(set, count, ready);
    return set;
  }

  private grow(set: SetRecord, count: number, ready: boolean): void {
    const live = this.membersOf(set.id).filter((v) => v.desired === 'running' && !v.managed);
    for (let i = live.length; i < count; i++) {
      const vm = {
        id: this.id(),
        name: `${set.request.name}-${set.nextIndex++}`,
        tenant: set.tenant,
        hostId: 'h1',
        setId: set.id,
        spec: set.request.spec,
        desired: 'running',
        state: ready ? 'running' : 'pending',
        guestReady: ready,
        createdUnixMs: this.clock.now(),
      } as VmRecord;
      this.vms.set(vm.id, vm);
    }
    for (const vm of live.slice(count)) vm.desired = 'destroyed';
  }

  membersOf(setId: string): VmRecord[] {
    return [...this.vms.values()].filter((v) => v.setId === setId);
  }

  /** Members come up `bootMs` after they were created. */
  private booted(vm: VmRecord): VmRecord {
    if (vm.desired === 'running' && vm.state === 'pending' && this.clock.now() >= vm.createdUnixMs + this.bootMs) {
      vm.state = 'running';
      vm.guestReady = true;
    }
    return structuredClone(vm);
  }

  readonly cycleSets: CycleSets = {
    get: async (id) => structuredClone(this.sets.get(id)),
    members: async (id) => this.membersOf(id).map((vm) => this.booted(vm)),
    scale: (id, count) =>
      this.op('scale', () => {
        const set = this.sets.get(id)!;
        set.count = count;
        this.grow(set, count, false);
      }),
    retire: (id) =>
      this.op('retire', () => {
        const set = this.sets.get(id)!;
        set.state = 'retired';
        for (const vm of this.membersOf(id)) vm.desired = 'destroyed';
      }),
    replace: (vmId) =>
      this.op('replace', () => {
        const vm = this.vms.get(vmId);
        if (vm) vm.desired = 'destroyed';
      }),
    clonedFrom: async (imageId, limit) => (this.clones.get(imageId) ?? []).slice(0, limit),
  };

  private async putToken(r: ManagementRecord): Promise<void> {
    await this.store.batch([put(MGMT_TOKENS, r.tokenId, r), put(MGMT_BY_SET, indexKey(r.setId, r.tokenId), '')]);
  }

  private async byToken(token: string): Promise<ManagementRecord> {
    const id = token.slice('tok-'.length);
    const r = (await this.store.get<ManagementRecord>(MGMT_TOKENS, id))?.value;
    if (!r?.live) throw new Error('unknown or used token');
    return r;
  }

  private async endRecord(r: ManagementRecord): Promise<void> {
    r.live = false;
    r.endedUnixMs = this.clock.now();
    await this.putToken(r);
    const vm = this.vms.get(r.vmId);
    if (vm) delete vm.managed;
  }

  readonly mgmt: Management = {
    begin: (target, _scope, opts) =>
      this.op('begin', async () => {
        const vm = this.vms.get((target as { vmId: string }).vmId)!;
        if (vm.managed) throw new Error('already a management instance');
        const tokenId = this.id();
        const record: ManagementRecord = {
          tokenId,
          tenant: vm.tenant,
          vmId: vm.id,
          setId: vm.setId,
          tokenSha256: `sha-${tokenId}`,
          live: true,
          createdUnixMs: this.clock.now(),
          endedUnixMs: 0,
          configVersion: 0,
          changes: [],
          cycleId: opts?.cycleId ?? '',
          parentImageId: vm.spec.image,
        };
        vm.managed = tokenId;
        await this.putToken(record);
        const token = `tok-${tokenId}`;
        this.tokens.push(token);
        return { token, record, vm };
      }),
    configure: (token) =>
      this.op('configure', async () => {
        const r = await this.byToken(token);
        r.configVersion++;
        await this.putToken(r);
        return r;
      }),
    capture: (token, name) =>
      this.op('capture', async () => {
        const r = await this.byToken(token);
        const img = { id: this.id(), name, tenant: r.tenant, sizeBytes: 1, tokenId: r.tokenId } as ImageRecord;
        this.images.set(img.id, img);
        if (this.badCapture) this.badImages.add(img.id);
        return img;
      }),
    end: (token) =>
      this.op('end', async () => {
        const r = await this.byToken(token);
        await this.endRecord(r);
        return { record: r, vm: this.vms.get(r.vmId)! };
      }),
    endById: (tokenId) =>
      this.op('endById', async () => {
        const r = (await this.store.get<ManagementRecord>(MGMT_TOKENS, tokenId))?.value;
        if (r?.live) await this.endRecord(r);
      }),
    populate: (imageId, count, request) =>
      this.op('populate', () => {
        const set = this.addSet({ ...request, spec: { ...request.spec, image: imageId } }, count, false);
        this.clones.set(imageId, [...(this.clones.get(imageId) ?? []), set.id]);
        return { setId: set.id };
      }),
    probe: (vmId) =>
      this.op('probe', () => {
        const vm = this.vms.get(vmId)!;
        const ok = !this.badImages.has(vm.spec.image);
        return { ok, status: ok ? 200 : 500, detail: ok ? 'ok' : 'bad' };
      }),
  };

  /** A controller over this world: the real EventLog, runner and service (a restart makes a new one). */
  async controller(): Promise<{ runner: CycleRunner; service: CycleService }> {
    this.crashed = false;
    const events = await EventLog.open(this.store, this.clock, silentLogger);
    const d = {
      store: this.store,
      events,
      clock: this.clock,
      log: silentLogger,
      mgmt: this.mgmt,
      sets: this.cycleSets,
    };
    const runner = new CycleRunner(d);
    return { runner, service: new CycleService(d, runner) };
  }

  /** Lets promises run, moving the clock `stepMs` each round, until `done()` or `rounds` are used. */
  async settle(done: () => boolean, stepMs = 500, rounds = 5000): Promise<boolean> {
    for (let i = 0; i < rounds; i++) {
      if (done()) return true;
      await new Promise((r) => setImmediate(r));
      this.clock.advance(stepMs);
    }
    return done();
  }
}
