// nephele vm migrate VM [--scheme S] [--host H] (issue 16): a cold migration.
// Without --scheme, MigrateVm (same scheme, another host); with it,
// MigrateAcrossSchemes. Prints where the VM went and how long it took; a
// rollback is an error (exit 1) saying why, the VM running where it was.
import type { Command } from 'commander';
import type { MigrateVmResponse__Output as MigrateVmRes } from '../../../common/gen/nephele/v1/MigrateVmResponse.js';
import type { MigrateAcrossSchemesResponse__Output as AcrossRes } from '../../../common/gen/nephele/v1/MigrateAcrossSchemesResponse.js';
import type { CliKit } from '../kit.js';
import { details } from '../format.js';
import { duration } from '../parse.js';
import { resolveHost, resolveVm } from '../resolve.js';

type Out = {
  vm: NonNullable<MigrateVmRes['vm']>;
  fromHostId: string;
  fromScheme: string;
  diskConverted: boolean;
  seconds: number;
};

function text(r: Out): string {
  const v = r.vm;
  return details([
    ['vm', `${v.name} (${v.id})`],
    ['from', `${r.fromHostId} (${r.fromScheme})`],
    ['to', `${v.hostName ? `${v.hostName} ` : ''}${v.hostId} (${v.spec?.scheme ?? ''})`],
    ['generation', String(v.generation)],
    ['disk converted', r.diskConverted ? 'yes' : 'no'],
    ['took', `${r.seconds.toFixed(1)} s`],
  ]);
}

export function registerVmMigrateCommand(program: Command, k: CliKit): void {
  const vm = program.commands.find((c) => c.name() === 'vm') ?? program.command('vm').description('virtual machines');
  vm.command('migrate <vm>')
    .description('cold-migrate a VM to another host (and, with --scheme, another scheme); waits until it runs there')
    .option('--scheme <scheme>', 'the scheme it runs under there (e.g. libvirt); default: its own')
    .option('--host <host>', 'the host it goes to (id, id prefix or name); default: the planner chooses')
    .option('--timeout <duration>', 'how long to wait for the migration', '15m')
    .action(async (ref: string, o: { scheme?: string; host?: string; timeout: string }) => {
      const timeoutMs = duration('--timeout', o.timeout);
      const r = await k.withClient(async (c): Promise<Out> => {
        const vmId = await resolveVm(c, ref);
        const targetHostId = o.host ? await resolveHost(c, o.host) : '';
        const deadline = () => ({ deadline: Date.now() + timeoutMs });
        const started = Date.now();
        if (o.scheme === undefined) {
          const res = await c.call<MigrateVmRes>((md, _op, cb) =>
            c.vms.MigrateVm({ vmId, targetHostId }, md, deadline(), cb),
          );
          const scheme = res.vm?.spec?.scheme ?? '';
          return {
            vm: res.vm!,
            fromHostId: res.fromHostId,
            fromScheme: scheme,
            diskConverted: false,
            seconds: (Date.now() - started) / 1000,
          };
        }
        const res = await c.call<AcrossRes>((md, _op, cb) =>
          c.schemes.MigrateAcrossSchemes({ vmId, targetScheme: o.scheme, targetHostId }, md, deadline(), cb),
        );
        return {
          vm: res.vm!,
          fromHostId: res.fromHostId,
          fromScheme: res.fromScheme,
          diskConverted: res.diskConverted,
          seconds: res.seconds,
        };
      });
      k.out(r, () => text(r));
    });
}
