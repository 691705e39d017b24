// nephele usage push: a filtered subset of this controller's usage, sent to a peer now.
import type { Command } from 'commander';
import type { CliKit } from '../kit.js';
import { timeFlag } from '../parse.js';

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
    .option('--from <time>', 'records starting at or after this (ISO time, unix ms, or a duration ago: 7d)')
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
