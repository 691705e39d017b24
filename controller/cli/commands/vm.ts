// nephele vm: virtual machines.
import { Option, type Command } from 'commander';
import type { Vm__Output as Vm } from '../../../common/gen/nephele/v1/Vm.js';
import type * as P from '../types.js';
import { CliError, EXIT } from '../client.js';
import { duration, gibibytes, keyValues, mebibytes, wholeNumber } from '../parse.js';
import { waitUntil } from '../wait.js';
import { enumWord, json, table } from '../format.js';
import type { CliKit } from '../kit.js';

const vmRow = (v: Vm) => [
  v.id,
  v.name,
  v.tenant,
  v.hostId,
  v.spec?.scheme ?? '-',
  `${v.spec?.vcpus}/${v.spec?.memoryMib}MiB`,
  enumWord(v.state, 'VM_STATE_') +
    (v.desired !== 'DESIRED_VM_STATE_RUNNING' ? ` → ${enumWord(v.desired, 'DESIRED_VM_STATE_')}` : ''),
  v.hostPort ? `127.0.0.1:${v.hostPort}` : '-',
  v.stateReason || '-',
];
const VM_HEAD = ['ID', 'NAME', 'TENANT', 'HOST', 'SCHEME', 'CPU/MEM', 'STATE', 'APPLIANCE', 'REASON'];

export function registerVmCommands(program: Command, k: CliKit): void {
  const vm = program.command('vm').description('virtual machines');
  vm.command('create')
    .description('create one VM: the planner places it, or on a host you name (operators)')
    .option('--host <id>', 'pin it to this host (needs fleet.write; default: the planner chooses)')
    .addOption(new Option('--scheme <scheme>', 'how to run it').choices(['qemu', 'process']).default('qemu'))
    .option('--vcpus <n>', 'vCPUs', '1')
    .option('--memory <size>', 'memory: 512M, 1G, 1.5GiB (a bare number is MiB)', '128')
    .option('--disk <size>', 'disk: 10G (a bare number is GiB)', '1')
    .option('--image <name>', 'image', 'nephele-guest')
    .option('--name <name>', 'name')
    .option('--tenant <name>', 'tenant (default: yours, or default)')
    .option('--config <k=v...>', 'appliance settings, e.g. title=Hello')
    .option('--wait', 'wait until it runs; exit 1 if it fails, 3 on --timeout')
    .option('--timeout <duration>', 'how long --wait waits', '5m')
    .action(async (o) => {
      const config = keyValues('--config', o.config as string[] | undefined);
      const req = {
        name: o.name ?? '',
        hostId: o.host ?? '',
        tenant: o.tenant ?? '',
        spec: {
          scheme: o.scheme,
          vcpus: wholeNumber('--vcpus', o.vcpus, 1),
          memoryMib: mebibytes('--memory', o.memory),
          diskGib: gibibytes('--disk', o.disk),
          image: o.image,
          config,
        },
      };
      const timeoutMs = duration('--timeout', o.timeout);
      const r = await k.withClient(async (c) => {
        const res = await c.call<P.CreateVmResponse>((md, op, cb) => c.vms.CreateVm(req, md, op, cb));
        if (!o.wait) return res;
        return waitUntil(`vm ${res.vm!.id} to run`, timeoutMs, async () => {
          const cur = await c.call<P.GetVmResponse>((md, op, cb) => c.vms.GetVm({ vmId: res.vm!.id }, md, op, cb));
          return ['VM_STATE_PENDING', 'VM_STATE_CREATING'].includes(cur.vm!.state) ? undefined : cur;
        });
      });
      k.out(r.vm, () => table(VM_HEAD, [vmRow(r.vm!)]));
      if (o.wait && r.vm!.state !== 'VM_STATE_RUNNING')
        throw new CliError(
          `vm ${r.vm!.id} is ${enumWord(r.vm!.state, 'VM_STATE_')}: ${r.vm!.stateReason}`,
          EXIT.failed,
        );
    });
  vm.command('ls')
    .description('list VMs')
    .option('--host <id>', 'only on this host')
    .option('--tenant <name>', 'only of this tenant')
    .action(async (o) => {
      const vms = await k.withClient((c) =>
        k.listAll<Vm>(async (pageToken) => {
          const r = await c.call<P.ListVmsResponse>((md, op, cb) =>
            c.vms.ListVms({ pageSize: 500, pageToken, hostId: o.host ?? '', tenant: o.tenant ?? '' }, md, op, cb),
          );
          return { items: r.vms, next: r.nextPageToken };
        }),
      );
      k.out(vms, () => table(VM_HEAD, vms.map(vmRow)));
    });
  vm.command('show <id>')
    .description('show a VM')
    .action(async (id) => {
      const r = await k.withClient((c) =>
        c.call<P.GetVmResponse>((md, op, cb) => c.vms.GetVm({ vmId: id }, md, op, cb)),
      );
      k.out(r.vm, () => json(r.vm));
    });
  for (const [verb, rpc, word] of [
    ['start', 'StartVm', 'start'],
    ['stop', 'StopVm', 'stop'],
    ['suspend', 'SuspendVm', 'suspend'],
    ['resume', 'ResumeVm', 'resume'],
    ['reboot', 'RebootVm', 'reboot'],
    ['destroy', 'DestroyVm', 'destroy'],
  ] as const) {
    vm.command(`${verb} <id>`)
      .description(`${word} a VM`)
      .action(async (id, o: { force?: boolean }) => {
        const r = await k.withClient((c) =>
          c.call<{ vm: Vm | null }>((md, op, cb) =>
            (c.vms[rpc] as unknown as (r: unknown, m: unknown, o: unknown, cb: unknown) => void)(
              { vmId: id, ...(o.force ? { force: true } : {}) },
              md,
              op,
              cb,
            ),
          ),
        );
        k.out(r.vm, () => `${verb} requested for ${r.vm?.id}`);
      });
  }
  vm.commands
    .find((c) => c.name() === 'destroy')
    ?.option('--force', 'forget a VM of a revoked or down host: destroyed, capacity and quota given back (operators)');
  vm.command('console <id>')
    .description("tail the VM's serial console (run on the VM's host)")
    .option(
      '--agent-data-dir <dir>',
      "the agent's data dir",
      process.env.NEPHELE_AGENT_DATA_DIR ?? '/var/lib/nephele-agent',
    )
    .option('-f, --follow', 'keep following')
    .action(async (id, o) => {
      const { tailConsole } = await import('../console.js');
      await tailConsole(o.agentDataDir, id, !!o.follow);
    });
}
