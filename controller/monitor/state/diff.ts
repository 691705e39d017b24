// Pure decisions of the state table: how a report becomes a row, and whether a
// row changed enough to be stored (counters and timings that move on every
// poll do not count: they live in memory and are flushed now and then).
import type { ObservedAppliance } from '../../../common/model/monitor.js';
import type { ApplianceRecord, PolicyRecord } from '../../model/monitor.js';

/** What the controller knows of the VM an appliance runs in. */
export interface VmInfo {
  vmId: string;
  name: string;
  setId: string;
  tenant: string;
  hostId: string;
}

export function emptyRow(vm: VmInfo): ApplianceRecord {
  return {
    vmId: vm.vmId,
    vmName: vm.name,
    setId: vm.setId,
    tenant: vm.tenant,
    hostId: vm.hostId,
    applianceVersion: '',
    configHash: '',
    appState: 'unknown',
    fault: '',
    processes: [],
    rogue: [],
    io: { diskReadBytes: 0, diskWriteBytes: 0, netRxBytes: 0, netTxBytes: 0 },
    probes: [],
    licence: { licenceId: '', seatsInUse: 0, seats: 0, expiresUnixMs: 0 },
    users: [],
    updatedUnixMs: 0,
    source: 'poll',
    lastPollUnixMs: 0,
    polls: 0,
    monitored: true,
    licenceProblem: '',
  };
}

/** The licence rule an appliance breaks ('' = none). */
export function licenceProblem(l: ApplianceRecord['licence'], rules: PolicyRecord['licence'], now: number): string {
  if (rules.maxSeats > 0 && l.seatsInUse > rules.maxSeats) return `seats exceeded: ${l.seatsInUse} > ${rules.maxSeats}`;
  if (l.seats > 0 && l.seatsInUse > l.seats) return `seats exceeded: ${l.seatsInUse} > ${l.seats} entitled`;
  if (rules.enforceExpiry && l.expiresUnixMs > 0 && l.expiresUnixMs <= now) return 'licence expired';
  return '';
}

/** The row after an observation (the caller decides with `changed` whether to store it). */
export function applyObserved(
  prev: ApplianceRecord,
  o: ObservedAppliance,
  rules: PolicyRecord['licence'],
  now: number,
): ApplianceRecord {
  // Config state outlives the app: a VM that is down (or an app the guest cannot
  // read while it is) reports no version, and that is not a downgrade.
  const unread = !o.applianceVersion && !o.configHash && o.appState !== 'running';
  const next: ApplianceRecord = {
    ...prev,
    applianceVersion: unread ? prev.applianceVersion : o.applianceVersion,
    configHash: unread ? prev.configHash : o.configHash,
    appState: o.appState,
    fault: o.appState === 'faulted' ? o.fault : '',
    processes: o.processes,
    rogue: o.rogue,
    io: o.io,
    probes: o.probes,
    licence: o.licence,
    users: o.users,
    lastPollUnixMs: now,
    polls: prev.polls + 1,
  };
  next.licenceProblem = licenceProblem(next.licence, rules, now);
  return next;
}

const probeKey = (r: ApplianceRecord) =>
  r.probes.map(
    (p) => `${p.name}\u0000${p.ok}\u0000${p.consecutiveFailures}\u0000${p.failuresInWindow}\u0000${p.detail}`,
  );
const procKey = (r: ApplianceRecord) =>
  r.processes.map((p) => `${p.pid}\u0000${p.name}\u0000${p.cmdline}\u0000${p.exeSha256}`);
const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Whether the durable part of a row differs (io counters, latencies, poll counts and times do not count). */
export function changed(prev: ApplianceRecord | undefined, next: ApplianceRecord): boolean {
  if (!prev) return true;
  return (
    prev.appState !== next.appState ||
    prev.fault !== next.fault ||
    prev.applianceVersion !== next.applianceVersion ||
    prev.configHash !== next.configHash ||
    prev.licenceProblem !== next.licenceProblem ||
    prev.monitored !== next.monitored ||
    prev.hostId !== next.hostId ||
    prev.licence.licenceId !== next.licence.licenceId ||
    prev.licence.seatsInUse !== next.licence.seatsInUse ||
    prev.licence.seats !== next.licence.seats ||
    prev.licence.expiresUnixMs !== next.licence.expiresUnixMs ||
    !same(prev.rogue, next.rogue) ||
    !same(prev.users, next.users) ||
    !same(probeKey(prev), probeKey(next)) ||
    !same(procKey(prev), procKey(next))
  );
}
