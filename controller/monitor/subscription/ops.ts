// What a subscription step does to the VMs of its scope, over the controller's
// existing paths: the VM registry's desired state (as StopVm does) and the
// planner's retirement of a set (as DeleteVmSet does).
import type { Store } from '../../../common/store/index.js';
import type { SetRecord } from '../../model/set.js';
import { SETS } from '../../planner/sets.js';
import { lifecycleEvent, type VmRegistry } from '../../vms/registry.js';
import type { SubScope } from './convert.js';

export interface ScopeOps {
  /** The tenant a scope belongs to; undefined when its set does not exist. */
  tenantOf(s: SubScope): Promise<string | undefined>;
  /** Ids of the scope's VMs that are not being destroyed. */
  vmsOf(s: SubScope): Promise<string[]>;
  /** Desired state stopped (idempotent: a stopped VM is left as it is). */
  stopVms(ids: string[]): Promise<void>;
  /** Retires the set, or every set of the tenant (idempotent). */
  retire(s: SubScope, why: string): Promise<void>;
}

/** Pages read per listing; a scope's VMs are read page by page, never all keys at once. */
const PAGE = 500;

export function scopeOps(d: {
  store: Store;
  vms: VmRegistry;
  push: (hostId: string) => void;
  retireSet: (setId: string, why: string) => Promise<unknown>;
}): ScopeOps {
  async function* pages(s: SubScope) {
    let after = '';
    for (;;) {
      const page = await d.vms.list({
        after,
        limit: PAGE,
        ...(s.kind === 'set' ? { setId: s.id } : { tenant: s.name }),
      });
      yield page.vms.map((x) => x.vm).filter((vm) => vm.desired !== 'destroyed');
      if (!page.more) return;
      after = page.last;
    }
  }
  return {
    async tenantOf(s) {
      if (s.kind === 'tenant') return s.name;
      return (await d.store.get<SetRecord>(SETS, s.id))?.value.tenant;
    },
    async vmsOf(s) {
      const out: string[] = [];
      for await (const vms of pages(s)) out.push(...vms.map((v) => v.id));
      return out;
    },
    async stopVms(ids) {
      for (const id of ids) {
        const { vm } = await d.vms.setDesired(
          id,
          undefined,
          (v) => (v.desired === 'stopped' || v.desired === 'destroyed' ? undefined : { desired: 'stopped' }),
          lifecycleEvent('stop_requested'),
        );
        if (vm.hostId) d.push(vm.hostId);
      }
    },
    async retire(s, why) {
      if (s.kind === 'set') {
        await d.retireSet(s.id, why);
        return;
      }
      // A tenant's sets, found through its VMs (bounded pages); VMs outside sets stay stopped.
      const setIds = new Set<string>();
      for await (const vms of pages(s)) for (const vm of vms) if (vm.setId) setIds.add(vm.setId);
      for (const id of setIds) await d.retireSet(id, why);
    },
  };
}
