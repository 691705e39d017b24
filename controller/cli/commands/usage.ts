// nephele usage query | usage rates set|show: reading usage and pricing it.
import type { Command } from 'commander';
import type { QueryUsageRequest } from '../../../common/gen/nephele/v1/QueryUsageRequest.js';
import type { QueryUsageResponse__Output } from '../../../common/gen/nephele/v1/QueryUsageResponse.js';
import type { UsageRow__Output as UsageRow } from '../../../common/gen/nephele/v1/UsageRow.js';
import type { Rate } from '../../../common/gen/nephele/v1/Rate.js';
import type { RateCard__Output as RateCard } from '../../../common/gen/nephele/v1/RateCard.js';
import type { GetRateCardResponse__Output } from '../../../common/gen/nephele/v1/GetRateCardResponse.js';
import type { SetRateCardResponse__Output } from '../../../common/gen/nephele/v1/SetRateCardResponse.js';
import { CliError, type AdminClient } from '../client.js';
import { enumWord, table, when } from '../format.js';
import { wholeNumber } from '../parse.js';
import { granularityFlag, usageFilterOf, usageFilterOptions, usageGroup } from './usage-flags.js';
import { collect, type CliKit } from '../kit.js';

const hours = (s: number) => (s / 3600).toFixed(3);
const gb = (b: number) => (b / 1e9).toFixed(3);

function rowsTable(rows: UsageRow[], by: string[], wide: boolean): string {
  const dims: [string, (r: UsageRow) => string][] = [
    ['TENANT', (r) => r.tenant],
    ['APP', (r) => r.app],
    ['USER GROUP', (r) => r.userGroup],
    ['SET', (r) => r.setId],
    ['VM', (r) => r.vmName || r.vmId],
    ['HOST', (r) => r.hostId],
    ['SCHEME', (r) => r.scheme],
    ['CLASS', (r) => r.vmClass],
    ['SLA', (r) => (r.sla === 'SLA_UNSPECIFIED' ? '' : enumWord(r.sla, 'SLA_'))],
  ];
  const names = ['tenant', 'app', 'user_group', 'set', 'vm', 'host', 'scheme', 'class', 'sla'];
  const shown = by.length ? dims.filter((_, i) => by.includes(names[i]!)) : wide ? dims : dims.slice(0, 6);
  return table(
    ['START', ...shown.map(([h]) => h), 'CPU-H', 'VCPU-H', 'MEM GIB-H', 'DISK GB', 'NET GB', 'RECORDS'],
    rows.map((r) => [
      new Date(r.startUnixMs).toISOString(),
      ...shown.map(([, f]) => f(r) || '-'),
      hours(r.cpuSeconds),
      hours(r.vcpuSeconds),
      hours(r.memoryMibSeconds / 1024),
      gb(r.diskReadBytes + r.diskWriteBytes),
      gb(r.netRxBytes + r.netTxBytes),
      r.records,
    ]),
  );
}

const RATE_KEYS: Record<string, keyof Rate> = {
  class: 'vmClass',
  vcpu_hour: 'vcpuHour',
  memory_gib_hour: 'memoryGibHour',
  disk_io_gb: 'diskIoGb',
  network_gb: 'networkGb',
  monitor_k_polls: 'monitorKPolls',
  monitor_probe_hour: 'monitorProbeHour',
  monitor_action: 'monitorAction',
};

/** `--rate class=gold,sla=guaranteed,vcpu_hour=0.04,...`: one line of the card (the controller validates values). */
export function rateArg(spec: string): Rate {
  const r: Rate = { vmClass: '', sla: 'SLA_UNSPECIFIED' };
  for (const part of spec.split(',').filter(Boolean)) {
    const [k0, v = ''] = part.split('=', 2);
    const k = k0!.trim().replace(/-/g, '_');
    if (k === 'sla')
      r.sla =
        v === 'guaranteed'
          ? 'SLA_GUARANTEED'
          : v === 'best_effort' || v === 'best-effort'
            ? 'SLA_BEST_EFFORT'
            : (v as Rate['sla']);
    else if (k === 'class') r.vmClass = v;
    else if (Object.hasOwn(RATE_KEYS, k)) (r as Record<string, unknown>)[RATE_KEYS[k]!] = Number(v);
    else
      throw new CliError(
        `--rate: unknown key ${JSON.stringify(k)} (class, sla, ${Object.keys(RATE_KEYS).slice(1).join(', ')})`,
      );
  }
  return r;
}

function cardText(c: RateCard): string {
  const head = `rate card v${c.version}, ${c.currency}, set ${when(c.createdUnixMs)}`;
  return `${head}\n${table(
    ['CLASS', 'SLA', 'VCPU-HOUR', 'MEM GIB-HOUR', 'DISK IO GB', 'NETWORK GB', '1K POLLS', 'PROBE-HOUR', 'ACTION'],
    c.rates.map((r) => [
      r.vmClass || '*',
      r.sla === 'SLA_UNSPECIFIED' ? '*' : enumWord(r.sla, 'SLA_'),
      r.vcpuHour,
      r.memoryGibHour,
      r.diskIoGb,
      r.networkGb,
      r.monitorKPolls,
      r.monitorProbeHour,
      r.monitorAction,
    ]),
  )}`;
}

export function registerUsageCommands(program: Command, k: CliKit): void {
  const usage = usageGroup(program);
  usageFilterOptions(
    usage.command('query').description('usage rows: raw records, or per hour/day, filtered and grouped'),
  )
    .option('--source <controller>', "a source controller's imported usage instead of this one's")
    .option('--granularity <g>', 'raw, hour or day', 'hour')
    .option(
      '--group-by <dim>',
      'group by a dimension, repeatable: tenant, app, user_group, set, vm, host, scheme, class, sla',
      collect,
      [],
    )
    .option('--page-size <n>', 'rows per call (at most 1000)', '500')
    .option('--limit <n>', 'rows printed at most (the rest is announced on stderr)', '10000')
    .action(async (o) => {
      const granularity = granularityFlag(o.granularity);
      const limit = wholeNumber('--limit', o.limit, 1);
      const groupBy = (o.groupBy as string[]).flatMap((x) => x.split(',')).filter(Boolean);
      const rows = await k.withClient(async (c: AdminClient) => {
        const req: QueryUsageRequest = {
          filter: await usageFilterOf(c, o),
          granularity,
          groupBy,
          pageSize: wholeNumber('--page-size', o.pageSize),
          pageToken: '',
        };
        const all: UsageRow[] = [];
        do {
          const r = await c.call<QueryUsageResponse__Output>((md, op, cb) => c.usage.QueryUsage(req, md, op, cb));
          all.push(...r.rows);
          req.pageToken = r.nextPageToken;
        } while (req.pageToken && all.length < limit);
        if (all.length > limit || req.pageToken)
          k.note(`# more rows than --limit ${limit}: narrow the filter or raise it`);
        return all.slice(0, limit);
      });
      k.out(rows, (v) => rowsTable(rows, groupBy, !!v.wide));
    });

  const rates = usage.command('rates').description('the rate card that prices usage (versioned)');
  rates
    .command('set')
    .description('store a new rate card version')
    .requiredOption('--currency <code>', 'ISO 4217 currency, e.g. EUR')
    .option(
      '--rate <k=v,...>',
      'a rate, repeatable: class=<c>,sla=guaranteed|best-effort,vcpu_hour=,memory_gib_hour=,disk_io_gb=,network_gb=',
      collect,
      [],
    )
    .option('--request-id <id>', 'idempotency key')
    .action(async (o) => {
      const card = { version: 0, currency: o.currency, rates: (o.rate as string[]).map(rateArg), createdUnixMs: 0 };
      const r = await k.withClient((c) =>
        c.call<SetRateCardResponse__Output>((md, op, cb) =>
          c.usage.SetRateCard({ card, requestId: o.requestId ?? '' }, md, op, cb),
        ),
      );
      k.out(r.card, () => cardText(r.card!));
    });
  rates
    .command('show [version]')
    .description('the current rate card, or an older version of it')
    .action(async (v: string | undefined) => {
      const version = v ? wholeNumber('version', v, 1) : 0;
      const r = await k.withClient((c) =>
        c.call<GetRateCardResponse__Output>((md, op, cb) => c.usage.GetRateCard({ version }, md, op, cb)),
      );
      k.out(r.card, () => cardText(r.card!));
    });
}
