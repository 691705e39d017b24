// The state table's place in the controller: agents' appliance reports come in
// over their sessions, each VM's desired state carries its MonitorSpec, rows
// follow their VMs (moved, destroyed), and a policy change pushes desired state.
import type { Logger } from 'pino';
import type { Clock } from '../../../common/clock.js';
import type { Store } from '../../../common/store/index.js';
import { monitorSpecToProto } from '../../../common/grpc/convert-monitor.js';
import type { SetRecord, VmRecord } from '../../model/index.js';
import { SETS } from '../../planner/sets.js';
import type { SessionManager } from '../../hosts/session.js';
import type { VmRegistry } from '../../vms/registry.js';
import type { AgentCommands } from '../../tokens/ports.js';
import type { MonitorMirror } from '../ports.js';
import { startMonitorState, type VmInfo } from './index.js';

const info = (vm: VmRecord): VmInfo => ({
  vmId: vm.id,
  name: vm.name,
  setId: vm.setId,
  tenant: vm.tenant,
  hostId: vm.hostId,
});
const gone = (vm: VmRecord) => vm.desired === 'destroyed' || vm.state === 'destroyed';

export async function wireMonitorState(o: {
  store: Store;
  clock: Clock;
  log: Logger;
  sessions: SessionManager;
  vms: VmRegistry;
  commands: AgentCommands;
  mirror?: MonitorMirror;
  active?(setId: string, tenant: string): boolean;
}) {
  const st = await startMonitorState({
    ...o,
    vmOf: async (id) => {
      const vm = await o.vms.get(id).then(
        (r) => r.vm,
        () => undefined,
      );
      return vm && !gone(vm) ? info(vm) : undefined;
    },
    setTenant: async (id) => (await o.store.get<SetRecord>(SETS, id))?.value.tenant,
    // Policies change rarely: every connected host re-reads its desired state (pushes coalesce per host).
    hostsFor: () => o.sessions.sessions.keys(),
    pushDesired: (h) => o.sessions.pushDesired(h),
  });
  o.sessions.appliance = st.table;
  o.vms.monitorOf = (vm) =>
    monitorSpecToProto(st.policies.specFor({ setId: vm.setId, tenant: vm.tenant, vmId: vm.id }));
  const follow = (vm: VmRecord) =>
    void st.table
      .vmChanged(gone(vm) ? { vmId: vm.id, gone: true } : info(vm))
      .catch((err) => o.log.error({ err, vm_id: vm.id }, 'appliance row not updated'));
  o.vms.onChanged(follow);
  o.vms.onObserved((ob) => follow(ob.vm));
  return st;
}
