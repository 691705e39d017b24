// nephele backup-plan: a backup deployment on this controller from the usage a source pushed here.
import { Option, type Command } from 'commander';
import type { GetBackupPlanRequest } from '../../../common/gen/nephele/v1/GetBackupPlanRequest.js';
import type { GetBackupPlanResponse__Output } from '../../../common/gen/nephele/v1/GetBackupPlanResponse.js';
import type { VmSet__Output } from '../../../common/gen/nephele/v1/VmSet.js';
import { CliError, EXIT } from '../client.js';
import { enumWord, table } from '../format.js';
import type { CliKit } from '../kit.js';
import { timeFlag } from '../parse.js';

function numberFlag(flag: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max)
    throw new CliError(`${flag}: must be a number from ${min} to ${max}`);
  return n;
}

const MIB_PER_GIB = 1024;

function planTable(r: GetBackupPlanResponse__Output, v: Parameters<Parameters<CliKit['out']>[1]>[0]): string {
  const rows = r.demands.map((d, i) => {
    const p = r.plans[i];
    return [
      d.name,
      d.app || '-',
      d.sourceSetId || '-',
      d.vmCount,
      `${d.spec?.vcpus}c/${(d.spec?.memoryMib ?? 0) / MIB_PER_GIB}g ${d.spec?.scheme}`,
      Math.round(d.pVcpus * 100) / 100,
      `${Math.round(d.pMemoryMib)}M`,
      d.peakVms,
      p?.placed ?? 0,
      p?.unplaced ?? 0,
      [...new Set((p?.rows ?? []).map((x) => x.hostName || x.hostId))].join(',') || '-',
    ];
  });
  const t = table(
    ['NAME', 'APP', 'SOURCE-SET', 'VMS', 'SPEC', 'P-VCPUS', 'P-MEM', 'PEAK', 'PLACED', 'UNPLACED', 'HOSTS'],
    rows,
    v,
  );
  return r.unfit.length ? `${t}\n${r.unfit.map((u) => `does not fit: ${u}`).join('\n')}` : t;
}

const setsTable = (sets: VmSet__Output[], v: Parameters<Parameters<CliKit['out']>[1]>[0]) =>
  table(
    ['ID', 'NAME', 'STATE', 'SLA', 'COUNT', 'RUNNING'],
    sets.map((s) => [
      s.id,
      s.request?.name ?? '',
      enumWord(s.state, 'VM_SET_STATE_'),
      enumWord(s.request?.sla, 'SLA_'),
      s.count,
      s.running,
    ]),
    v,
  );

export function registerBackupCommands(program: Command, k: CliKit): void {
  const backup = program
    .command('backup-plan')
    .description(
      "a backup deployment from a source controller's pushed usage: demand, a dry run on this fleet, the sets",
    )
    .argument('<source>', 'the source controller (its id, as `usage push` printed it)')
    .option('--app <app>', 'only this app')
    .option('--set <id>', 'only this source set (one plan per source set)')
    .option('--percentile <p>', 'percentile of concurrent vCPUs and memory to carry', '95')
    .option('--headroom <fraction>', 'fraction added on top', '0.2')
    .option('--from <time>', 'window start (ISO time, unix ms, or a duration ago: 7d)')
    .option('--to <time>', 'window end')
    .option('--tenant <name>', 'where the backup sets go (default: yours)')
    .addOption(
      new Option(
        '--instantiate <mode>',
        'create the sets: standby (best-effort, 1 VM each) or guaranteed (full size)',
      ).choices(['standby', 'guaranteed']),
    )
    .option('--request-id <id>', 'idempotency key')
    .action(async (source: string, o) => {
      const plan: GetBackupPlanRequest = {
        source,
        app: o.app ?? '',
        setId: o.set ?? '',
        percentile: numberFlag('--percentile', o.percentile, 0.001, 100),
        // 0 on the wire means "the default" (0.2); the smallest double asks for none and adds nothing.
        headroom: numberFlag('--headroom', o.headroom, 0, 10) || Number.MIN_VALUE,
        fromUnixMs: timeFlag('--from', o.from),
        toUnixMs: timeFlag('--to', o.to),
        tenant: o.tenant ?? '',
      };
      if (o.instantiate) {
        const sla = o.instantiate === 'standby' ? 'SLA_BEST_EFFORT' : 'SLA_GUARANTEED';
        const r = await k.withClient((c) => c.applyBackupPlan({ plan, sla, requestId: o.requestId ?? '' }));
        return k.out(r.sets, (v) => setsTable(r.sets, v));
      }
      const r = await k.withClient((c) => c.getBackupPlan(plan));
      k.out(r, (v) => planTable(r, v));
      // Like a set's dry run: 2 when something does not fit.
      if (r.unfit.length) process.exitCode = EXIT.unplaced;
    });
  backup
    .command('failover <source>')
    .description("start a source's standby backup sets at full size")
    .option('--app <app>', "only this app's")
    .option('--request-id <id>', 'idempotency key')
    .action(async (source: string, o) => {
      const r = await k.withClient((c) => c.failoverBackup({ source, app: o.app ?? '', requestId: o.requestId ?? '' }));
      k.out(r.sets, (v) => setsTable(r.sets, v));
    });
}
