import { classOf } from '../../usage/model.js';
import { Option, type Command } from 'commander';
import type { VmSet__Output as VmSet } from '../../../common/gen/nephele/v1/VmSet.js';
import type { Plan__Output as Plan } from '../../../common/gen/nephele/v1/Plan.js';
import type { CreateVmSetRequest } from '../../../common/gen/nephele/v1/CreateVmSetRequest.js';
import type { CreateVmSetResponse__Output as CreateVmSetResponse } from '../../../common/gen/nephele/v1/CreateVmSetResponse.js';
import type { GetVmSetResponse__Output as GetVmSetResponse } from '../../../common/gen/nephele/v1/GetVmSetResponse.js';
import type { ListVmSetsResponse__Output as ListVmSetsResponse } from '../../../common/gen/nephele/v1/ListVmSetsResponse.js';
import type { ScaleVmSetResponse__Output as ScaleVmSetResponse } from '../../../common/gen/nephele/v1/ScaleVmSetResponse.js';
import type { DeleteVmSetResponse__Output as DeleteVmSetResponse } from '../../../common/gen/nephele/v1/DeleteVmSetResponse.js';
import type { GetPlanResponse__Output as GetPlanResponse } from '../../../common/gen/nephele/v1/GetPlanResponse.js';
import { parseDuration } from '../../../common/validate.js';
import { MIN_MEMORY_MIB, SCHEMES } from '../../vms/spec.js';
import { duration, gibibytes, keyValues, mebibytes, wholeNumber } from '../parse.js';
import { setVerdict, waitTarget, waitVerdict } from '../wait.js';
import { CliError, EXIT, type AdminClient } from '../client.js';

/** How many of a set's VMs run with a guest that answers (for --wait-for healthy). */
async function healthyIn(c: AdminClient, setId: string): Promise<number> {
  let n = 0;
  let pageToken = '';
  do {
    const r = await c.listVms({ setId, pageSize: 1000, pageToken });
    n += r.vms.filter((v) => v.state === 'VM_STATE_RUNNING' && v.guestReady).length;
    pageToken = r.nextPageToken;
  } while (pageToken);
  return n;
}
import type { CliKit } from '../kit.js';
import { ago, bytes, details, enumWord, table, when, type View } from '../format.js';
import { resolveSet } from '../resolve.js';
import { listing, watchOpts } from '../watch.js';

const SET_HEAD = [
  'ID',
  'NAME',
  'TENANT',
  'SLA',
  'STATE',
  'PLACED/WANTED',
  'CONFIRMED',
  'RUNNING',
  'FAILED',
  'EXPIRES',
  'CREATED',
];
const setRow = (s: VmSet) => [
  s.id,
  s.request?.name || '-',
  s.tenant,
  enumWord(s.request?.sla, 'SLA_'),
  enumWord(s.state, 'VM_SET_STATE_'),
  `${s.placed}/${s.count}`,
  s.confirmed,
  s.running,
  s.failed,
  when(s.expiresUnixMs),
  ago(s.createdUnixMs),
];

export const setTable = (sets: VmSet[], v?: View) => table(SET_HEAD, sets.map(setRow), v);

/** `set show`: one field a line, like host show and vm show. */
function setDetail(s: VmSet): string {
  const r = s.request;
  return details([
    ['ID', s.id],
    ['Name', r?.name || '-'],
    ['Tenant', s.tenant],
    ['State', `${enumWord(s.state, 'VM_SET_STATE_')}${s.stateReason ? ` (${s.stateReason})` : ''}`],
    ['SLA', enumWord(r?.sla, 'SLA_')],
    [
      'VMs',
      `${s.count} wanted, ${s.placed} placed, ${s.confirmed} confirmed, ${s.running} running, ${s.failed} failed`,
    ],
    [
      'Spec',
      `${r?.spec?.scheme || r?.schemePreference.join('|') || '-'} ${r?.spec?.vcpus} vCPU, ${r?.spec?.memoryMib} MiB, ${r?.spec?.diskGib} GiB disk, image ${r?.spec?.image}`,
    ],
    ['Group', r?.group || '-'],
    ['App', r?.app || '-'],
    ['User group', r?.userGroup || '-'],
    ['Class', r?.spec ? classOf(r.spec) : '-'],
    ['Created', `${when(s.createdUnixMs)}, started ${when(s.startedUnixMs)}`],
    ['Expires', when(s.expiresUnixMs)],
    ['Not placed', s.reasons],
  ]);
}

/** The plan as people read it: one row per VM, per-host totals, then what could not be placed and why. */
export function planText(p: Plan): string {
  const rows = table(
    ['VM', 'NAME', 'HOST', 'SCHEME', 'CPU', 'MEM', 'RESERVED', 'CONFIRMED', 'STATUS', 'TRIES', 'SCORE'],
    p.rows.map((r) => [
      r.vmId || '-',
      r.vmName,
      r.hostName || r.hostId || '-',
      r.scheme,
      r.vcpus,
      bytes(r.memoryBytes),
      when(r.reservedUnixMs),
      when(r.confirmedUnixMs),
      r.status,
      r.attempts,
      r.vmId ? '-' : r.score.toFixed(3),
    ]),
  );
  const hosts = table(
    ['HOST', 'ID', 'VMS', 'CPU', 'MEM', 'DISK'],
    p.hosts.map((h) => [h.hostName || '-', h.hostId, h.vms, h.vcpus, bytes(h.memoryBytes), bytes(h.diskBytes)]),
  );
  const lines = [
    rows,
    '',
    hosts,
    '',
    `placed ${p.placed}, unplaced ${p.unplaced}${p.hostsConsidered ? `, hosts scored ${p.hostsConsidered}` : ''}`,
  ];
  for (const r of p.reasons) lines.push(`  not placed: ${r}`);
  return lines.join('\n');
}

function startTime(v: string | undefined): number {
  if (!v) return 0;
  if (/^\+?\d+[smhd]$/.test(v)) return Date.now() + parseDuration(v.replace(/^\+/, ''));
  const t = Date.parse(v);
  if (Number.isNaN(t))
    throw new CliError(`--start-at wants an ISO time or +duration (e.g. +10m), got ${JSON.stringify(v)}`);
  return t;
}

const seconds = (flag: string, v: string | undefined) => (v ? Math.round(duration(flag, v) / 1000) : 0);

export function registerSetCommands(program: Command, k: CliKit): void {
  const set = program
    .command('set')
    .description('VM sets: N VMs from one instantiation request, placed by the planner');
  const create = set
    .command('create')
    .description('create a VM set (the planner chooses the hosts)')
    .requiredOption('--count <n>', 'how many VMs')
    .option('--name <name>', 'set name (VMs are <name>-1, <name>-2, ...)')
    .option('--tenant <name>', 'tenant (default: yours, or default)')
    .addOption(new Option('--scheme <scheme>', 'how to run the VMs').choices(['qemu', 'process', 'libvirt']))
    .option('--prefer <schemes>', 'acceptable schemes, best first, e.g. qemu,process')
    .option('--vcpus <n>', 'vCPUs per VM', '1')
    .option('--memory <size>', 'memory per VM: 512M, 1G, 1.5GiB (a bare number is MiB)', '128')
    .option('--disk <size>', 'disk per VM: 10G (a bare number is GiB)', '1')
    .option('--image <name>', 'image', 'nephele-guest')
    .option('--config <k=v...>', 'appliance settings (task=... runs a task in process VMs)')
    .addOption(
      new Option(
        '--sla <sla>',
        'guaranteed: reserved, never overcommitted; best-effort: may overcommit, use ad-hoc hosts, be preempted',
      )
        .choices(['guaranteed', 'best-effort'])
        .default('guaranteed'),
    )
    .option('--start-at <time>', 'start later: an ISO time or +duration (e.g. +10m)')
    .option('--batch-window <duration>', 'start when capacity frees, within this long (e.g. 4h)')
    .option('--duration <duration>', 'retire the set this long after it started (e.g. 1h)')
    .option('--end-on-task', 'each VM ends when its task is done (process VMs with --config task=...)')
    .option('--group <name>', 'only hosts of this virtual group')
    .option('--label <k=v...>', 'only hosts with these labels')
    .option('--vm-class <name>', "its VMs' class for usage and the rate card (default: their shape, e.g. 1c-128m)")
    .option('--app <name>', 'the application its VMs belong to (usage is grouped by it)')
    .option('--user-group <name>', "the user group its VMs are accounted to (default: your token's)")
    .addOption(
      new Option('--affinity <kind>', 'where the set VMs go relative to each other')
        .choices(['none', 'same-host', 'anti'])
        .default('none'),
    )
    .addOption(
      new Option('--strategy <name>', "placement strategy (default: the controller's)").choices(['binpack', 'spread']),
    )
    .option('--dry-run', 'print the plan only; nothing is reserved');
  waitOptions(create)
    .option('--request-id <id>', 'idempotency key')
    .action(async (o) => {
      const req: CreateVmSetRequest = {
        set: {
          name: o.name ?? '',
          tenant: o.tenant ?? '',
          count: wholeNumber('--count', o.count, 1),
          spec: {
            scheme: o.scheme ?? '',
            vcpus: wholeNumber('--vcpus', o.vcpus, 1),
            memoryMib: mebibytes('--memory', o.memory),
            diskGib: gibibytes('--disk', o.disk),
            image: o.image,
            config: keyValues('--config', o.config),
            vmClass: o.vmClass ?? '',
          },
          schemePreference: o.prefer
            ? String(o.prefer)
                .split(',')
                .map((x: string) => x.trim())
                .filter(Boolean)
            : o.scheme
              ? []
              : SCHEMES.filter((x) => mebibytes('--memory', o.memory) >= MIN_MEMORY_MIB[x]),
          sla: o.sla === 'best-effort' ? 'SLA_BEST_EFFORT' : 'SLA_GUARANTEED',
          startAtUnixMs: startTime(o.startAt),
          batchWindowS: seconds('--batch-window', o.batchWindow),
          durationS: seconds('--duration', o.duration),
          endOnTask: !!o.endOnTask,
          group: o.group ?? '',
          labels: keyValues('--label', o.label),
          app: o.app ?? '',
          userGroup: o.userGroup ?? '',
          affinity:
            o.affinity === 'same-host'
              ? 'SET_AFFINITY_AFFINITY'
              : o.affinity === 'anti'
                ? 'SET_AFFINITY_ANTI_AFFINITY'
                : 'SET_AFFINITY_UNSPECIFIED',
          strategy:
            o.strategy === 'binpack'
              ? 'PLACEMENT_STRATEGY_BINPACK'
              : o.strategy === 'spread'
                ? 'PLACEMENT_STRATEGY_SPREAD'
                : 'PLACEMENT_STRATEGY_UNSPECIFIED',
        },
        dryRun: !!o.dryRun,
        requestId: o.requestId ?? '',
      };
      const waitFor = setWaitOf(o);
      const r = await k.withClient(async (c) => {
        const res = await c.call<CreateVmSetResponse>((md, op, cb) => c.vms.CreateVmSet(req, md, op, cb));
        if (!o.wait || !res.set || o.dryRun) return res;
        return { ...res, set: await waitFor(c, res.set, k.quiet()) };
      });
      if (o.dryRun) {
        k.note('dry run: nothing was reserved');
        k.out(r.plan, () => planText(r.plan!));
        if (r.plan!.unplaced > 0)
          throw new CliError(`the plan leaves ${r.plan!.unplaced} vm(s) unplaced`, EXIT.unplaced);
        return;
      }
      // The set itself, as `set show --json` prints it.
      k.out(
        r.set,
        (v) =>
          `${setTable([r.set!], v)}${r.set!.reasons.length ? '\n' + r.set!.reasons.map((x) => `  not placed: ${x}`).join('\n') : ''}`,
      );
    });
  watchOpts(set.command('ls').description('list VM sets').option('--tenant <name>', 'only of this tenant')).action(
    async (o) =>
      listing(
        k,
        o,
        (c) =>
          k.listAll<VmSet>(async (pageToken) => {
            const r = await c.call<ListVmSetsResponse>((md, op, cb) =>
              c.vms.ListVmSets({ pageSize: 200, pageToken, tenant: o.tenant ?? '' }, md, op, cb),
            );
            return { items: r.sets, next: r.nextPageToken };
          }),
        setTable,
      ),
  );
  set
    .command('show <set>')
    .description('show a VM set (id, id prefix or name)')
    .action(async (ref) => {
      const r = await k.withClient(async (c) => {
        const setId = await resolveSet(c, ref);
        return c.call<GetVmSetResponse>((md, op, cb) => c.vms.GetVmSet({ setId }, md, op, cb));
      });
      const s = r.set!;
      k.out(s, () => setDetail(s));
    });
  set
    .command('scale <set> <count>')
    .description('change the number of VMs (down: the newest are retired)')
    .action(async (ref, count) => {
      const n = wholeNumber('count', count);
      const r = await k.withClient(async (c) => {
        const setId = await resolveSet(c, ref);
        return c.call<ScaleVmSetResponse>((md, op, cb) => c.vms.ScaleVmSet({ setId, count: n }, md, op, cb));
      });
      k.out(r.set, (v) => setTable([r.set!], v));
    });
  set
    .command('delete <set>')
    .description('retire every VM of the set')
    .action(async (ref) => {
      const r = await k.withClient(async (c) => {
        const setId = await resolveSet(c, ref);
        return c.call<DeleteVmSetResponse>((md, op, cb) => c.vms.DeleteVmSet({ setId }, md, op, cb));
      });
      k.out(r.set, (v) => setTable([r.set!], v));
    });
  set
    .command('plan <set>')
    .description("the set's resource aggregation table: VM -> host, reserved, confirmed")
    .action(async (ref) => {
      const r = await k.withClient(async (c) => {
        const setId = await resolveSet(c, ref);
        return c.call<GetPlanResponse>((md, op, cb) => c.vms.GetPlan({ setId }, md, op, cb));
      });
      k.out(r.plan, () => planText(r.plan!));
    });
}

/** --wait, --wait-for and --timeout, as `set create` and `set populate` take them. */
export function waitOptions(cmd: Command): Command {
  return cmd
    .option(
      '--wait',
      'wait until every VM runs (see --wait-for); exit 1 if the set cannot be placed or a VM fails, 3 on --timeout; progress on stderr',
    )
    .option('--wait-for <what>', 'with --wait: placed, running or healthy (the guests answer)', 'running')
    .option('--timeout <duration>', 'how long --wait waits', '5m');
}

/** The wait those options ask for (flags checked now, before any call): the set once its verdict is in. */
export function setWaitOf(o: { waitFor?: string; timeout?: string }) {
  const timeoutMs = duration('--timeout', o.timeout);
  const target = waitTarget('--wait-for', o.waitFor);
  return (c: AdminClient, first: VmSet, quiet: boolean): Promise<VmSet> => {
    const setId = first.id;
    return waitVerdict(
      `set ${first.request?.name || setId} to be ${target}`,
      timeoutMs,
      async () => {
        const s = (await c.call<GetVmSetResponse>((md, op, cb) => c.vms.GetVmSet({ setId }, md, op, cb))).set!;
        return { ...s, healthy: target === 'healthy' ? await healthyIn(c, setId) : undefined };
      },
      (s) => setVerdict(s, target),
      { quiet },
    );
  };
}
