// Preemption: guaranteed work never counts best-effort reservations, so a
// host can end up holding more than best-effort work may overcommit.
import { live } from './sets.js';
import { resOf, type PlannerCore } from './core.js';

export class Preemption {
  constructor(private readonly c: PlannerCore) {}

  /**
   * Best-effort VMs on a host past the overcommit ratio are preempted, newest
   * first: moved to another host, or retired when none can take them.
   */
  async preempt(hostIds: Iterable<string>): Promise<void> {
    const c = this.c;
    for (const hostId of hostIds) {
      const s = c.fleet.slot(hostId);
      if (!s) continue;
      // Best-effort work may overcommit up to the ratio; past it, guaranteed work wins.
      let excessCpu = s.guaranteed.vcpus + s.bestEffort.vcpus - s.capacity.vcpus * c.opts.overcommit;
      let excessMem = s.guaranteed.memoryBytes + s.bestEffort.memoryBytes - s.capacity.memoryBytes * c.opts.overcommit;
      let excessDisk = s.guaranteed.diskBytes + s.bestEffort.diskBytes - s.capacity.diskBytes * c.opts.overcommit;
      if (excessCpu <= 0 && excessMem <= 0 && excessDisk <= 0) continue;
      const victims = (await c.vms.onHost(hostId))
        .filter(({ vm }) => vm.sla === 'best_effort' && live(vm))
        .map(({ vm }) => vm)
        .sort((a, b) => (a.id < b.id ? 1 : -1));
      for (const vm of victims) {
        if (excessCpu <= 0 && excessMem <= 0 && excessDisk <= 0) break;
        const m = await c.jobs.moves.moveOne(vm.id, 'preempted by guaranteed work', false);
        // Not movable: retired (its capacity is freed when its host reports it destroyed).
        if (!m.moved)
          await c.jobs.lifecycle.retireVms([vm.id], 'preempted by guaranteed work; no other host could take it');
        const r = resOf(vm.spec!);
        excessCpu -= r.vcpus;
        excessMem -= r.memoryBytes;
        excessDisk -= r.diskBytes;
        c.log.info({ vm_id: vm.id, host_id: hostId }, 'best-effort vm preempted');
      }
    }
  }
}
