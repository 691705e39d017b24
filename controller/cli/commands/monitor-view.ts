// How the monitor's rows and actions look on a terminal (issue 14): the state
// table, one appliance, the action log. --json prints the objects themselves.
import type { Appliance__Output as Appliance } from '../../../common/gen/nephele/v1/Appliance.js';
import type { ControlAction__Output as ControlAction } from '../../../common/gen/nephele/v1/ControlAction.js';
import { ago, bytes, details, enumWord, table, when, type View } from '../format.js';

export const appState = (a: Appliance): string =>
  a.appState === 'APP_STATE_UNSPECIFIED' ? 'unknown' : enumWord(a.appState, 'APP_STATE_');

const probesOk = (a: Appliance) =>
  a.probes.length ? `${a.probes.filter((p) => p.ok).length}/${a.probes.length}` : '-';

const APPLIANCE_HEAD = ['VM', 'NAME', 'SET', 'STATE', 'VERSION', 'PROBES', 'ROGUE', 'UPDATED', 'SOURCE'];
const APPLIANCE_WIDE = ['HOST', 'TENANT', 'POLLS', 'LAST POLL', 'FAULT'];

export function applianceTable(rows: Appliance[], v: View, now = Date.now()): string {
  return table(
    v.wide ? [...APPLIANCE_HEAD, ...APPLIANCE_WIDE] : APPLIANCE_HEAD,
    rows.map((a) => [
      a.vmId,
      a.vmName || '-',
      a.setId || '-',
      appState(a) + (a.monitored ? '' : ' (unmonitored)'),
      a.applianceVersion || '-',
      probesOk(a),
      a.rogue.length || '-',
      ago(a.updatedUnixMs, now),
      enumWord(a.source, 'UPDATE_SOURCE_'),
      ...(v.wide
        ? [a.hostId || '-', a.tenant || '-', a.polls, ago(a.lastPollUnixMs, now), a.fault || a.licenceProblem || '-']
        : []),
    ]),
    v,
  );
}

export function applianceDetail(a: Appliance): string {
  const l = a.licence;
  const io = a.io;
  return details([
    ['VM', a.vmName ? `${a.vmName} (${a.vmId})` : a.vmId],
    ['Set', a.setId || '-'],
    ['Tenant', a.tenant || '-'],
    ['Host', a.hostId || '-'],
    ['App', appState(a) + (a.fault ? ` (${a.fault})` : '')],
    ['Monitored', a.monitored ? 'yes' : 'no'],
    ['Version', a.applianceVersion || '-'],
    ['Config hash', a.configHash || '-'],
    [
      'Processes',
      a.processes.map((p) => `${p.pid}  ${p.name}  ${p.cmdline || '-'}  ${p.exeSha256.slice(0, 12) || '-'}`),
    ],
    ['Rogue', a.rogue],
    [
      'Probes',
      a.probes.map(
        (p) =>
          `${p.name}  ${p.ok ? 'ok' : 'FAILED'}  ${p.latencyMs}ms` +
          (p.consecutiveFailures ? `  ${p.consecutiveFailures} consecutive failure(s)` : '') +
          (p.detail ? `  ${p.detail}` : ''),
      ),
    ],
    [
      'Licence',
      l?.licenceId
        ? `${l.licenceId}, ${l.seatsInUse}/${l.seats || '?'} seats, expires ${when(l.expiresUnixMs)}` +
          (a.licenceProblem ? ` (${a.licenceProblem})` : '')
        : a.licenceProblem || '-',
    ],
    ['Users', a.users],
    [
      'I/O',
      io
        ? `disk ${bytes(io.diskReadBytes)} read, ${bytes(io.diskWriteBytes)} written; net ${bytes(io.netRxBytes)} in, ${bytes(io.netTxBytes)} out`
        : '-',
    ],
    ['Updated', `${when(a.updatedUnixMs)} (${enumWord(a.source, 'UPDATE_SOURCE_')})`],
    ['Last poll', `${when(a.lastPollUnixMs)}, ${a.polls} poll(s)`],
  ]);
}

const ACTION_HEAD = ['ID', 'VM', 'KIND', 'TRIGGER', 'ATTEMPT', 'OUTCOME', 'CAUSE', 'CREATED'];
const ACTION_WIDE = ['PRINCIPAL', 'HOST', 'DETAIL', 'ENDED'];

export const actionKind = (a: ControlAction): string => enumWord(a.kind, 'CONTROL_ACTION_KIND_');

export function actionTable(rows: ControlAction[], v: View): string {
  return table(
    v.wide ? [...ACTION_HEAD, ...ACTION_WIDE] : ACTION_HEAD,
    rows.map((a) => [
      a.id,
      a.vmId,
      actionKind(a) + (a.pid ? ` ${a.pid}` : '') + (a.version ? ` ${a.version}` : ''),
      a.trigger || '-',
      a.attempt || '-',
      enumWord(a.outcome, 'ACTION_OUTCOME_'),
      a.cause || '-',
      when(a.createdUnixMs),
      ...(v.wide ? [a.principal || '-', a.hostId || '-', a.detail || '-', when(a.endedUnixMs)] : []),
    ]),
    v,
  );
}
