// nephele monitor: the appliance monitor (issue 14) — the state table, one
// appliance, the action log, polls and control actions by hand; policies in
// monitor-policy.ts.
import type { Command } from 'commander';
import type { Appliance__Output as Appliance } from '../../../common/gen/nephele/v1/Appliance.js';
import type { ControlAction__Output as ControlAction } from '../../../common/gen/nephele/v1/ControlAction.js';
import type { ControlActionKind } from '../../../common/gen/nephele/v1/ControlActionKind.js';
import type { AppState } from '../../../common/gen/nephele/v1/AppState.js';
import { ACTION_KINDS } from '../../../common/model/monitor.js';
import { CliError, type AdminClient } from '../client.js';
import type { CliKit } from '../kit.js';
import { duration, timeFlag, wholeNumber } from '../parse.js';
import { resolveHost, resolveSet, resolveVm } from '../resolve.js';
import { listing, watchOpts } from '../watch.js';
import { actionKind, actionTable, applianceDetail, applianceTable } from './monitor-view.js';
import { registerPolicyCommands } from './monitor-policy.js';

/** States `ls --state` filters by (the table's "unknown" is "not polled yet", no filter of its own). */
const FILTER_STATES = ['running', 'faulted', 'stopped'] as const;
/** What `monitor act` takes (stop is the subscription's). */
const ACT_KINDS = [
  'restart-app',
  'update-app',
  'suspend',
  'resume',
  'terminate',
  'poll',
  'reboot',
  'kill-process',
] as const;
const PAGE = 500;

/** `one-of` flags: the word as typed (dashes or underscores), checked against `allowed`. */
function word<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  const w = v.trim().toLowerCase().replaceAll('_', '-');
  const hit = allowed.find((a) => a.replaceAll('_', '-') === w);
  if (!hit) throw new CliError(`${flag}: must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
  return hit;
}

export const actionKindProto = (k: string): ControlActionKind =>
  `CONTROL_ACTION_KIND_${k.replaceAll('-', '_').toUpperCase()}` as ControlActionKind;

interface ActOpts {
  pid?: string;
  appVersion?: string;
  reason?: string;
  requestId?: string;
}

/** TakeControlAction's request from `act VM KIND`: --pid only (and always) for kill-process, --version only for update-app. */
function actRequest(vmId: string, kind: (typeof ACT_KINDS)[number], o: ActOpts) {
  if (kind === 'kill-process' && o.pid === undefined) throw new CliError('--pid: kill-process needs the pid to kill');
  if (kind !== 'kill-process' && o.pid !== undefined) throw new CliError('--pid: only with kill-process');
  if (kind !== 'update-app' && o.appVersion !== undefined) throw new CliError('--app-version: only with update-app');
  return {
    vmId,
    kind: actionKindProto(kind),
    pid: o.pid === undefined ? 0 : wholeNumber('--pid', o.pid, 2, 2 ** 32 - 1),
    version: o.appVersion ?? '',
    reason: o.reason ?? '',
    requestId: o.requestId ?? '',
  };
}

const getAppliance = async (c: AdminClient, ref: string): Promise<Appliance> =>
  (await c.getAppliance({ vmId: await resolveVm(c, ref) })).appliance!;

export function registerMonitorCommands(program: Command, k: CliKit): void {
  const monitor = program
    .command('monitor')
    .description('the appliance monitor: state table, control actions, policies');

  watchOpts(
    monitor
      .command('ls')
      .description('the state table: one row per appliance (VM)')
      .option('--set <set>', 'only of this set (id, id prefix or name)')
      .option('--state <state>', `only in this app state: ${FILTER_STATES.join(', ')}`)
      .option('--host <host>', 'only on this host (id, id prefix or name)')
      .option('--tenant <name>', 'only of this tenant (admins)'),
  ).action(async (o) => {
    const state = o.state === undefined ? undefined : word('--state', o.state as string, FILTER_STATES);
    let filter: { setId: string; hostId: string; tenant: string; appState: AppState } | undefined;
    await listing(
      k,
      o,
      async (c) => {
        filter ??= {
          setId: o.set ? await resolveSet(c, o.set) : '',
          hostId: o.host ? await resolveHost(c, o.host) : '',
          tenant: o.tenant ?? '',
          appState: state ? (`APP_STATE_${state.toUpperCase()}` as AppState) : 'APP_STATE_UNSPECIFIED',
        };
        return k.listAll<Appliance>(async (pageToken) => {
          const r = await c.listAppliances({ ...filter, pageSize: PAGE, pageToken });
          return { items: r.appliances, next: r.nextPageToken };
        });
      },
      (rows, v) => applianceTable(rows, v),
    );
  });

  monitor
    .command('show <vm>')
    .description("an appliance's row of the state table (VM id, id prefix or name)")
    .action(async (ref: string) => {
      const a = await k.withClient((c) => getAppliance(c, ref));
      k.out(a, () => applianceDetail(a));
    });

  monitor
    .command('poll <vm>')
    .description("ask the appliance's agent to poll it now; prints the fresh row")
    .option('--timeout <duration>', 'how long the controller waits for the poll (at most 60s)', '10s')
    .action(async (ref: string, o: { timeout: string }) => {
      const timeoutMs = duration('--timeout', o.timeout);
      if (timeoutMs < 1 || timeoutMs > 60_000) throw new CliError('--timeout: between 1ms and 60s');
      const a = await k.withClient(
        async (c) => (await c.pollAppliance({ vmId: await resolveVm(c, ref), timeoutMs })).appliance!,
      );
      k.out(a, () => applianceDetail(a));
    });

  monitor
    .command('act <vm> <action>')
    .description(`take a control action by hand: ${ACT_KINDS.join(', ')}`)
    .option('--pid <pid>', 'kill-process: the process to kill')
    // Not --version: the global -V/--version would take it wherever it is written.
    .option('--app-version <version>', "update-app: the version (default: the policy's desired version)")
    .option('--reason <text>', 'why (recorded in the action log)')
    .option('--request-id <id>', 'retry-safe: the same id again does not act twice')
    .action(async (ref: string, action: string, o: ActOpts) => {
      const kind = word('action', action, ACT_KINDS);
      const req = actRequest('', kind, o);
      const a = await k.withClient(
        async (c) => (await c.takeControlAction({ ...req, vmId: await resolveVm(c, ref) })).action!,
      );
      k.out(
        a,
        () => `${actionKind(a)} ${a.id} on ${a.vmId}: ${a.outcome.replace('ACTION_OUTCOME_', '').toLowerCase()}`,
      );
    });

  monitor
    .command('actions')
    .description('the action log, newest first')
    .option('--vm <vm>', 'only of this VM (id, id prefix or name)')
    .option('--set <set>', 'only of this set (id, id prefix or name)')
    .option('--kind <kind>', `only of this kind: ${ACTION_KINDS.join(', ')}`)
    .option('--trigger <trigger>', 'only of this trigger: faulted, rogue, outdated, licence, manual, subscription')
    .option('--since <time>', 'only since then: ISO time, unix ms, or a duration ago (2h, 7d)')
    .option('--tenant <name>', 'only of this tenant (admins)')
    .option('--limit <n>', 'at most this many', '100')
    .action(async (o) => {
      const kind = o.kind === undefined ? undefined : word('--kind', o.kind as string, ACTION_KINDS);
      const limit = wholeNumber('--limit', o.limit, 1, 100_000);
      const sinceUnixMs = timeFlag('--since', o.since);
      const rows = await k.withClient(async (c) => {
        const filter = {
          vmId: o.vm ? await resolveVm(c, o.vm) : '',
          setId: o.set ? await resolveSet(c, o.set) : '',
          tenant: o.tenant ?? '',
          kind: kind ? actionKindProto(kind) : 'CONTROL_ACTION_KIND_UNSPECIFIED',
          trigger: o.trigger ?? '',
          sinceUnixMs,
        };
        const all: ControlAction[] = [];
        let pageToken = '';
        do {
          const r = await c.listControlActions({ ...filter, pageSize: Math.min(PAGE, limit - all.length), pageToken });
          all.push(...r.actions);
          pageToken = r.nextPageToken;
        } while (pageToken && all.length < limit);
        return all.slice(0, limit);
      });
      k.out(rows, (v) => actionTable(rows, v));
    });

  registerPolicyCommands(monitor, k);
}
