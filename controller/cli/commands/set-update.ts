// `nephele set update` (an update cycle, its steps shown on stderr as they
// happen, the finished cycle on stdout) and `nephele set cycles` / `set cycle`.
import { Option, type Command } from 'commander';
import type { UpdateCycle__Output as UpdateCycle } from '../../../common/gen/nephele/v1/UpdateCycle.js';
import { CliError, EXIT, type AdminClient } from '../client.js';
import { ago, details, enumWord, table, when, type View } from '../format.js';
import type { CliKit } from '../kit.js';
import { duration, gibibytes, keyValues, mebibytes, wholeNumber } from '../parse.js';
import { resolveSet } from '../resolve.js';

const POLL_MS = 500;

const state = (c: UpdateCycle) => enumWord(c.state, 'CYCLE_STATE_');

const cycleTable = (cycles: UpdateCycle[], v?: View) =>
  table(
    ['ID', 'SET', 'STATE', 'STEP', 'NEW SET', 'IMAGE', 'CREATED', 'REASON'],
    cycles.map((c) => {
      const s = c.steps.at(-1);
      return [
        c.id,
        c.setId,
        state(c),
        s ? `${s.name} ${s.status}` : '-',
        c.newSetId || '-',
        c.imageId || '-',
        ago(c.createdUnixMs),
        c.reason || '-',
      ];
    }),
    v,
  );

const stepLine = (s: UpdateCycle['steps'][number]) => `${s.name} ${s.status}${s.detail ? `: ${s.detail}` : ''}`;

function cycleDetail(c: UpdateCycle): string {
  const o = c.options;
  const head = details([
    ['ID', c.id],
    ['Set', c.setId],
    ['State', `${state(c)}${c.reason ? ` (${c.reason})` : ''}`],
    ['Instance', c.vmId || '-'],
    ['Token', c.tokenId || '-'],
    ['Image', `${c.imageId || '-'} (parent ${c.parentImageId || 'the shipped guest'})`],
    ['Revised set', c.newSetId || '-'],
    [
      'Options',
      `canary ${o?.canary}, max parallel ${o?.maxParallel}, health ${o?.healthPath} within ${o?.healthTimeoutS}s${o?.autoRevert ? ', auto-revert' : ''}`,
    ],
    ['Created', when(c.createdUnixMs)],
    ['Ended', c.endedUnixMs ? when(c.endedUnixMs) : '-'],
  ]);
  const steps = table(
    ['STEP', 'STATUS', 'STARTED', 'ENDED', 'DETAIL'],
    c.steps.map((s) => [s.name, s.status, when(s.startedUnixMs), s.endedUnixMs ? when(s.endedUnixMs) : '-', s.detail]),
  );
  return `${head}\n\n${steps}`;
}

/** Follows the cycle, writing each step change on stderr, until it ends (or the timeout: exit 3). */
async function follow(c: AdminClient, k: CliKit, first: UpdateCycle, timeoutMs: number): Promise<UpdateCycle> {
  const deadline = Date.now() + timeoutMs;
  const shown: string[] = [];
  let cycle = first;
  for (;;) {
    cycle.steps.forEach((s, i) => {
      const line = stepLine(s);
      if (shown[i] === line) return;
      shown[i] = line;
      if (!k.quiet()) k.note(`${s.name}: ${s.status}${s.detail ? ` (${s.detail})` : ''}`);
    });
    if (cycle.state !== 'CYCLE_STATE_RUNNING') return cycle;
    if (Date.now() >= deadline)
      throw new CliError(
        `timed out after ${Math.round(timeoutMs / 1000)}s; the cycle goes on: nephele set cycle ${cycle.id}`,
        EXIT.timeout,
      );
    await new Promise((ok) => setTimeout(ok, POLL_MS));
    cycle = (await c.getUpdateCycle({ cycleId: cycle.id })).cycle!;
  }
}

/** The cycle on stdout; a cycle that did not succeed exits 1 with its reason. */
function finish(k: CliKit, c: UpdateCycle): void {
  k.out(c, () => cycleDetail(c));
  if (c.state === 'CYCLE_STATE_FAILED' || c.state === 'CYCLE_STATE_REVERTED')
    throw new CliError(`update cycle ${state(c)}: ${c.reason || 'no reason given'}`, EXIT.failed);
}

export function registerSetUpdateCommands(program: Command, k: CliKit): void {
  const set = program.commands.find((c) => c.name() === 'set') ?? program.command('set').description('VM sets');
  set
    .command('update <set>')
    .description(
      'update cycle: token a running member, configure it, capture a child image, populate the revised set (canary, then batches behind a health gate), retire the prior set',
    )
    .option('--config <k=v...>', 'appliance settings to change (k= removes one)')
    .option('--appliance-version <v>', 'appliance version the clones run')
    .option('--vcpus <n>', 'vCPUs per VM of the revised set')
    .option('--memory <size>', 'memory per VM of the revised set: 512M, 1G (a bare number is MiB)')
    .option('--disk <size>', 'disk per VM of the revised set: 10G (a bare number is GiB)')
    .option('--max-parallel <n>', 'VMs added per batch after the canary', '1')
    .option('--canary <n>', 'VMs brought up first, alone (0 = none)', '1')
    .option('--auto-revert', 'on failure remove the revised set (the prior set stays)')
    .option('--health-path <path>', 'HTTP path probed on each new VM', '/health')
    .option('--health-expect <text>', 'text the answer must contain (default: any 2xx)')
    .option('--health-timeout <dur>', 'per batch: how long new VMs have to answer', '5m')
    .addOption(new Option('--no-wait', 'answer at once with the cycle (follow it with `set cycle ID`)'))
    .option('--timeout <dur>', 'how long to follow the cycle', '1h')
    .action(async (ref, o) => {
      const healthTimeoutS = Math.round(duration('--health-timeout', o.healthTimeout) / 1000);
      const timeoutMs = duration('--timeout', o.timeout);
      const req = {
        changes: {
          config: keyValues('--config', o.config),
          applianceVersion: o.applianceVersion ?? '',
          vcpus: o.vcpus ? wholeNumber('--vcpus', o.vcpus, 1) : 0,
          memoryMib: o.memory ? mebibytes('--memory', o.memory) : 0,
          diskGib: o.disk ? gibibytes('--disk', o.disk) : 0,
        },
        options: {
          maxParallel: wholeNumber('--max-parallel', o.maxParallel, 1),
          canary: wholeNumber('--canary', o.canary),
          healthTimeoutS,
          autoRevert: !!o.autoRevert,
          healthPath: o.healthPath,
          healthExpect: o.healthExpect ?? '',
        },
      };
      const done = await k.withClient(async (c) => {
        const setId = await resolveSet(c, ref);
        const r = await c.updateVmSet({ setId, ...req });
        if (!o.wait) return r.cycle!;
        if (!k.quiet()) k.note(`update cycle ${r.cycle!.id} started`);
        return follow(c, k, r.cycle!, timeoutMs);
      });
      if (!o.wait) return k.out(done, () => (k.quiet() ? done.id : cycleDetail(done)));
      finish(k, done);
    });
  set
    .command('cycles [set]')
    .description("a set's update cycles, oldest first (every set in scope without one)")
    .action(async (ref) => {
      const cycles = await k.withClient(async (c) => {
        const setId = ref ? await resolveSet(c, ref) : '';
        return k.listAll<UpdateCycle>(async (pageToken) => {
          const r = await c.listUpdateCycles({ setId, pageSize: 200, pageToken });
          return { items: r.cycles, next: r.nextPageToken };
        });
      });
      k.out(cycles, (v) => cycleTable(cycles, v));
    });
  set
    .command('cycle <id>')
    .description('one update cycle and its steps')
    .option('--follow', 'show its steps as they happen until it ends')
    .action(async (id, o) => {
      const c = await k.withClient(async (c) => {
        const first = (await c.getUpdateCycle({ cycleId: id })).cycle!;
        return o.follow ? follow(c, k, first, duration('--timeout', '24h')) : first;
      });
      if (o.follow) finish(k, c);
      else k.out(c, () => cycleDetail(c));
    });
}
