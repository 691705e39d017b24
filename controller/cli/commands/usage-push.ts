// nephele usage push: a filtered subset of this controller's usage, sent to a peer now.
import type { Command } from 'commander';
import { CliError } from '../client.js';
import type { CliKit } from '../kit.js';

/** A point in time: ISO 8601 (2026-12-01, 2026-12-01T10:00:00Z) or unix milliseconds. */
export function timeFlag(flag: string, v: string | undefined): number {
  if (v === undefined || v === '') return 0;
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isSafeInteger(ms) || ms < 0)
    throw new CliError(`${flag}: must be an ISO 8601 date/time (2026-12-01T10:00:00Z) or unix milliseconds`);
  return ms;
}

/** The `usage` group, whoever registers first (several files add subcommands to it). */
export function usageGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'usage') ??
    program.command('usage').description('usage records: query, export, push to peers')
  );
}

export function registerUsagePushCommand(program: Command, k: CliKit): void {
  usageGroup(program)
    .command('push')
    .description("send a filtered subset of this controller's usage to a peer controller now (stored there once)")
    .requiredOption('--peer <name>', 'the peer (nephele peer add)')
    .option('--app <app>', 'only this app')
    .option('--user-group <group>', 'only this user group')
    .option('--tenant <name>', 'only this tenant')
    .option('--set <id>', 'only this set')
    .option('--from <time>', 'records starting at or after this (ISO 8601 or unix ms)')
    .option('--to <time>', 'records starting before this')
    .option('--request-id <id>', 'idempotency key')
    .action(async (o) => {
      const filter = {
        tenant: o.tenant ?? '',
        app: o.app ?? '',
        userGroup: o.userGroup ?? '',
        setId: o.set ?? '',
        vmId: '',
        hostId: '',
        fromUnixMs: timeFlag('--from', o.from),
        toUnixMs: timeFlag('--to', o.to),
        source: '',
      };
      const r = await k.withClient((c) => c.pushUsage({ peer: o.peer, filter, requestId: o.requestId ?? '' }));
      k.out(
        r,
        () =>
          `pushed ${r.sent} records to ${o.peer} (as source ${r.source}): ${r.imported} imported, ${r.duplicates} already there`,
      );
    });
}
