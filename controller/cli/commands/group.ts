// nephele group: virtual groups of hosts.
import type { Command } from 'commander';
import { table, when } from '../format.js';
import type { CliKit } from '../kit.js';

export function registerGroupCommands(program: Command, k: CliKit): void {
  const group = program.command('group').description('virtual groups of hosts');
  group
    .command('create <name>')
    .description('create a virtual group (e.g. web, hpc)')
    .option('--description <text>', 'what the group is for', '')
    .action(async (name, o) => {
      const r = await k.withClient((c) => c.createGroup({ name, description: o.description }));
      k.out(r.group, () => `created group ${r.group?.name}`);
    });
  group
    .command('ls')
    .description('list virtual groups')
    .action(async () => {
      const groups = await k.withClient((c) =>
        k.listAll(async (pageToken) => {
          const r = await c.listGroups({ pageSize: 500, pageToken });
          return { items: r.groups, next: r.nextPageToken };
        }),
      );
      k.out(groups, (v) =>
        table(
          ['NAME', 'HOSTS', 'DESCRIPTION', 'CREATED'],
          groups.map((x) => [x.name, x.hostCount, x.description || '-', when(x.createdUnixMs)]),
          v,
        ),
      );
    });
}
