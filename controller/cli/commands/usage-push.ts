// nephele usage push: a filtered subset of this controller's usage, sent to a peer now.
import type { Command } from 'commander';
import type { CliKit } from '../kit.js';
import { usageFilterOf, usageFilterOptions, usageGroup } from './usage-flags.js';

export function registerUsagePushCommand(program: Command, k: CliKit): void {
  usageFilterOptions(
    usageGroup(program)
      .command('push')
      .description("send a filtered subset of this controller's usage to a peer controller now (stored there once)")
      .requiredOption('--peer <name>', 'the peer (nephele peer add)'),
  )
    .option('--request-id <id>', 'idempotency key')
    .action(async (o) => {
      const r = await k.withClient(async (c) =>
        c.pushUsage({ peer: o.peer, filter: await usageFilterOf(c, o), requestId: o.requestId ?? '' }),
      );
      k.out(
        r,
        () =>
          `pushed ${r.sent} records to ${o.peer} (as source ${r.source}): ${r.imported} imported, ${r.duplicates} already there`,
      );
    });
}
