import type { Store } from '../../common/store/index.js';
import type { VmRecord } from '../model/index.js';
import { observable } from '../../common/store/observable.js';
import { VMS } from '../vms/registry.js';

/** What ingest needs of a VM: who may report for it and the dimensions a record carries. */
export type UsageVm = Pick<
  VmRecord,
  'id' | 'name' | 'setId' | 'tenant' | 'hostId' | 'tried' | 'sla' | 'app' | 'userGroup'
> & {
  spec: Pick<VmRecord['spec'], 'scheme' | 'vcpus' | 'memoryMib' | 'vmClass'>;
};

function project(v: VmRecord): UsageVm {
  const s = v.spec;
  return {
    id: v.id,
    name: v.name,
    setId: v.setId,
    tenant: v.tenant,
    hostId: v.hostId,
    tried: v.tried,
    sla: v.sla,
    app: v.app,
    userGroup: v.userGroup,
    spec: { scheme: s.scheme, vcpus: s.vcpus, memoryMib: s.memoryMib, vmClass: s.vmClass },
  };
}

/**
 * The VMs usage batches name, kept between batches: every batch of a host
 * names the same VMs again, and reading and parsing their whole records from
 * LevelDB was the largest cost of ingest beyond the write itself. Correct by
 * the store's write observer: a committed write of a VM drops its entry, and
 * a read that overlapped any VM write (or a failed write) fills nothing, so an
 * entry is never older than the store. Without an observable store, no cache.
 * Bounded: emptied when full (~250 bytes an entry).
 */
export class UsageVms {
  private readonly map = new Map<string, UsageVm>();
  /** Bumped by every committed VM write and every failed write: reads that saw it changed do not fill. */
  private gen = 0;
  private readonly cached: boolean;

  constructor(
    private readonly store: Store,
    private readonly max = 200_000,
  ) {
    this.cached = observable(store);
    if (!observable(store)) return;
    store.observeWrites((ops) => {
      for (const op of ops)
        if (op.coll === VMS) {
          this.map.delete(op.key);
          this.gen++;
        }
    });
    store.onWriteFailure(() => {
      this.map.clear();
      this.gen++;
    });
  }

  get size(): number {
    return this.map.size;
  }

  /** The VMs by id (absent: no such VM), from the cache where it has them, the rest in one read. */
  async get(ids: string[]): Promise<Map<string, UsageVm>> {
    const out = new Map<string, UsageVm>();
    const missing: string[] = [];
    for (const id of ids) {
      const v = this.map.get(id);
      if (v) out.set(id, v);
      else missing.push(id);
    }
    if (!missing.length) return out;
    const gen = this.gen;
    const read = await this.store.getMany<VmRecord>(VMS, missing);
    const fill = this.cached && gen === this.gen;
    if (fill && this.map.size + missing.length > this.max) this.map.clear();
    read.forEach((r, i) => {
      if (!r) return;
      const v = project(r.value);
      out.set(missing[i]!, v);
      if (fill) this.map.set(missing[i]!, v);
    });
    return out;
  }
}
