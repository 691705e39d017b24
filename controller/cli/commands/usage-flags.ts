// What the usage commands share: the `usage` group, the filter flags and the
// filter they make, and the granularity flag.
import type { Command } from 'commander';
import type { UsageFilter } from '../../../common/gen/nephele/v1/UsageFilter.js';
import type { UsageGranularity } from '../../../common/gen/nephele/v1/UsageGranularity.js';
import { GranularityEnum } from '../../../common/grpc/convert.js';
import { GRANULARITIES, type Granularity } from '../../../common/model/enums.js';
import { CliError, type AdminClient } from '../client.js';
import { timeFlag } from '../parse.js';
import { resolveHost, resolveSet, resolveVm } from '../resolve.js';

/** The `usage` group, whoever registers first (several files add subcommands to it). */
export function usageGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'usage') ??
    program.command('usage').description('usage records: query, export, schedules, rate cards, pushes to peers')
  );
}

export interface UsageFilterFlags {
  tenant?: string;
  app?: string;
  userGroup?: string;
  set?: string;
  vm?: string;
  host?: string;
  from?: string;
  to?: string;
  source?: string;
}

/** --tenant --app --user-group --set --vm --host --from --to, as every usage command reads them. */
export function usageFilterOptions(c: Command): Command {
  return c
    .option('--tenant <name>', 'only this tenant (tenant tokens: only their own)')
    .option('--app <app>', 'only this app')
    .option('--user-group <group>', 'only this user group')
    .option('--set <set>', 'only this set (name, id or id prefix)')
    .option('--vm <vm>', 'only this VM (name, id or id prefix)')
    .option('--host <host>', 'only this host (name, id or id prefix)')
    .option('--from <time>', 'records starting at or after (ISO time, unix ms, now, or a duration ago: 24h)')
    .option('--to <time>', 'records starting before (same forms)');
}

/** The wire filter of those flags: names resolved to ids, times parsed (one line naming the flag otherwise). */
export async function usageFilterOf(c: AdminClient, o: UsageFilterFlags): Promise<UsageFilter> {
  return {
    tenant: o.tenant ?? '',
    app: o.app ?? '',
    userGroup: o.userGroup ?? '',
    setId: o.set ? await resolveSet(c, o.set) : '',
    vmId: o.vm ? await resolveVm(c, o.vm) : '',
    hostId: o.host ? await resolveHost(c, o.host) : '',
    fromUnixMs: timeFlag('--from', o.from),
    toUnixMs: timeFlag('--to', o.to),
    source: o.source ?? '',
  };
}

/** --granularity raw|hour|day. */
export function granularityFlag(g: string): UsageGranularity {
  if (!(GRANULARITIES as readonly string[]).includes(g))
    throw new CliError(`--granularity: must be one of ${GRANULARITIES.join(', ')}`);
  return GranularityEnum.toProto(g as Granularity);
}
