// nephele group: virtual groups of hosts.
import type { Command } from 'commander';
import type * as P from '../types.js';
import { table, when } from '../format.js';
import type { CliKit } from '../kit.js';

export function registerGroupCommands(program: Command, k: CliKit): void {
  const group = program.command('group').description('virtual groups of hosts');
  group
    .command('create <name>')
    .description('create a virtual group (e.g. web, hpc)')
    .option('--description <text>', 'what the group is for', '')
    .action(async (name, o) => {
      const r = await k.withClient((c) =>
        c.call<P.CreateGroupResponse>((md, op, cb) =>
          c.hosts.CreateGroup({ name, description: o.description }, md, op, cb),
        ),
      );
      k.out(r.group, () => `created group ${r.group?.name}`);
    });
  group
    .command('ls')
    .description('list virtual groups')
    .action(async () => {
      const groups = await k.withClient((c) =>
        k.listAll(async (pageToken) => {
          const r = await c.call<P.ListGroupsResponse>((md, op, cb) =>
            c.hosts.ListGroups({ pageSize: 500, pageToken }, md, op, cb),
          );
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
