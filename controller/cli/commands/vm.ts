// nephele vm: virtual machines.
import { classOf } from '../../usage/model.js';
import { Option, type Command } from 'commander';
import type { Vm__Output as Vm } from '../../../common/gen/nephele/v1/Vm.js';
import type * as P from '../types.js';
import { CliError } from '../client.js';
import { byteSize, duration, gibibytes, keyValues, mebibytes, wholeNumber } from '../parse.js';
import { vmVerdict, waitTarget, waitVerdict } from '../wait.js';
import { details, enumWord, table, when, type View } from '../format.js';
import type { CliKit } from '../kit.js';
import type { AdminClient } from '../client.js';
import type { ListVmsRequest } from '../../../common/gen/nephele/v1/ListVmsRequest.js';
import { VM_STATES, type VmState } from '../../../common/model/enums.js';
import { VmStateEnum } from '../../../common/grpc/convert.js';
import { resolveHost, resolveSet, resolveVm } from '../resolve.js';
import { listing, watchOpts } from '../watch.js';

const vmRow = (v: Vm, hosts: Map<string, string>, view?: View) => [
  v.id,
  v.name,
  v.tenant,
  hosts.get(v.hostId) || v.hostId || '-',
  v.spec?.scheme ?? '-',
  `${v.spec?.vcpus}/${v.spec?.memoryMib}MiB`,
  stateOf(v),
  v.hostPort ? `127.0.0.1:${v.hostPort}` : '-',
  v.stateReason || '-',
  ...(view?.wide ? [v.setId || '-', v.hostId || '-', enumWord(v.sla, 'SLA_'), when(v.createdUnixMs)] : []),
];
const VM_HEAD = ['ID', 'NAME', 'TENANT', 'HOST', 'SCHEME', 'CPU/MEM', 'STATE', 'APPLIANCE', 'REASON'];
const VM_WIDE = ['SET', 'HOST ID', 'SLA', 'CREATED'];
const vmTable = (vms: Vm[], hosts: Map<string, string>, v: View) =>
  table(
    v.wide ? [...VM_HEAD, ...VM_WIDE] : VM_HEAD,
    vms.map((x) => vmRow(x, hosts, v)),
    v,
  );

const stateOf = (v: Vm) =>
  enumWord(v.state, 'VM_STATE_') +
  (v.desired !== 'DESIRED_VM_STATE_RUNNING' ? ` → ${enumWord(v.desired, 'DESIRED_VM_STATE_')}` : '');

/** Host names as the controller gave them (to callers who may read the fleet; others see ids). */
const namesOf = (vms: Vm[]) => new Map(vms.filter((v) => v.hostName).map((v) => [v.hostId, v.hostName]));

/** `vm show`: one field a line, like host show and set show. */
function vmDetail(v: Vm, hosts: Map<string, string>): string {
  const s = v.spec;
  const host = hosts.get(v.hostId);
  return details([
    ['ID', v.id],
    ['Name', v.name],
    ['Tenant', v.tenant],
    ['Set', v.setId || '-'],
    ['App', v.app || '-'],
    ['User group', v.userGroup || '-'],
    ['Class', v.spec ? classOf(v.spec) : '-'],
    ['Host', host ? `${host} (${v.hostId})` : v.hostId || '-'],
    ['State', `${stateOf(v)}${v.stateReason ? ` (${v.stateReason})` : ''}, since ${when(v.stateChangedUnixMs)}`],
    ['SLA', enumWord(v.sla, 'SLA_')],
    ['Spec', `${s?.scheme} ${s?.vcpus} vCPU, ${s?.memoryMib} MiB, ${s?.diskGib} GiB disk, image ${s?.image}`],
    ['Config', Object.entries(s?.config ?? {}).map(([k, x]) => `${k}=${x}`)],
    ['Appliance', v.hostPort ? `127.0.0.1:${v.hostPort}${v.guestReady ? ' (ready)' : ''}` : '-'],
    ['Created', when(v.createdUnixMs)],
    ['Placed', `${when(v.placedUnixMs)}, confirmed ${when(v.confirmedUnixMs)}, ${v.placementAttempts} host(s) tried`],
    ['Generation', `${v.generation}, ${v.rebootCount} reboot(s)`],
  ]);
}

const getVm = (c: AdminClient, vmId: string) =>
  c.call<P.GetVmResponse>((md, op, cb) => c.vms.GetVm({ vmId }, md, op, cb));

export function registerVmCommands(program: Command, k: CliKit): void {
  const vm = program.command('vm').description('virtual machines');
  vm.command('create')
    .description('create one VM: the planner places it, or on a host you name (operators)')
    .option(
      '--host <host>',
      'pin it to this host: id, id prefix or name (needs fleet.write; default: the planner chooses)',
    )
    .addOption(new Option('--scheme <scheme>', 'how to run it').choices(['qemu', 'process', 'libvirt']).default('qemu'))
    .option('--vcpus <n>', 'vCPUs', '1')
    .option('--memory <size>', 'memory: 512M, 1G, 1.5GiB (a bare number is MiB)', '128')
    .option('--disk <size>', 'disk: 10G (a bare number is GiB)', '1')
    .option('--image <name>', 'image', 'nephele-guest')
    .option('--name <name>', 'name')
    .option('--tenant <name>', 'tenant (default: yours, or default)')
    .option('--config <k=v...>', 'appliance settings, e.g. title=Hello')
    .option('--vm-class <name>', 'its class for usage and the rate card (default: its shape, e.g. 1c-128m)')
    .option('--app <name>', 'the application it belongs to (usage is grouped by it)')
    .option('--user-group <name>', "the user group it is accounted to (default: your token's)")
    .option('--wait', 'wait until it runs (see --wait-for); exit 1 if it fails, 3 on --timeout; progress on stderr')
    .option('--wait-for <what>', 'with --wait: placed, running or healthy (the guest answers)', 'running')
    .option('--timeout <duration>', 'how long --wait waits', '5m')
    .action(async (o) => {
      const config = keyValues('--config', o.config as string[] | undefined);
      const req = {
        name: o.name ?? '',
        hostId: '',
        tenant: o.tenant ?? '',
        app: o.app ?? '',
        userGroup: o.userGroup ?? '',
        spec: {
          scheme: o.scheme,
          vcpus: wholeNumber('--vcpus', o.vcpus, 1),
          memoryMib: mebibytes('--memory', o.memory),
          diskGib: gibibytes('--disk', o.disk),
          image: o.image,
          config,
          vmClass: o.vmClass ?? '',
        },
      };
      const timeoutMs = duration('--timeout', o.timeout);
      const target = waitTarget('--wait-for', o.waitFor);
      const { r, hosts } = await k.withClient(async (c) => {
        if (o.host) req.hostId = await resolveHost(c, o.host);
        const res = await c.call<P.CreateVmResponse>((md, op, cb) => c.vms.CreateVm(req, md, op, cb));
        if (!o.wait) return { r: res, hosts: namesOf([res.vm!]) };
        const done = await waitVerdict(
          `vm ${res.vm!.name || res.vm!.id} to be ${target}`,
          timeoutMs,
          () => getVm(c, res.vm!.id),
          (cur) => vmVerdict(cur.vm!, target),
          { quiet: k.quiet() },
        );
        return { r: done, hosts: namesOf([done.vm!]) };
      });
      k.out(r.vm, (v) => vmTable([r.vm!], hosts, v));
    });
  watchOpts(
    vm
      .command('ls')
      .description('list VMs')
      .option('--host <host>', 'only on this host (id, id prefix or name)')
      .option('--set <set>', 'only of this set (id, id prefix or name)')
      .option('--state <state>', `only in this observed state: ${VM_STATES.join(', ')}`)
      .option('--tenant <name>', 'only of this tenant'),
  ).action(async (o) => {
    if (o.state && !(VM_STATES as readonly string[]).includes(o.state))
      throw new CliError(`--state: must be one of ${VM_STATES.join(', ')}, got ${JSON.stringify(o.state)}`);
    let filter: ListVmsRequest | undefined;
    await listing(
      k,
      o,
      async (c) => {
        filter ??= {
          hostId: o.host ? await resolveHost(c, o.host) : '',
          setId: o.set ? await resolveSet(c, o.set) : '',
          state: o.state ? VmStateEnum.toProto(o.state as VmState) : 'VM_STATE_UNSPECIFIED',
          tenant: o.tenant ?? '',
        };
        const vms = await k.listAll<Vm>(async (pageToken) => {
          const r = await c.call<P.ListVmsResponse>((md, op, cb) =>
            c.vms.ListVms({ ...filter, pageSize: 500, pageToken }, md, op, cb),
          );
          return { items: r.vms, next: r.nextPageToken };
        });
        return { vms, hosts: namesOf(vms) };
      },
      (d, v) => vmTable(d.vms, d.hosts, v),
      (d) => d.vms,
    );
  });
  vm.command('show <vm>')
    .description('show a VM (id, id prefix or name)')
    .action(async (ref) => {
      const { vm: r, hosts } = await k.withClient(async (c) => {
        const got = await getVm(c, await resolveVm(c, ref));
        return { vm: got.vm!, hosts: namesOf([got.vm!]) };
      });
      k.out(r, () => vmDetail(r, hosts));
    });
  for (const [verb, rpc, word] of [
    ['start', 'StartVm', 'start'],
    ['stop', 'StopVm', 'stop'],
    ['suspend', 'SuspendVm', 'suspend'],
    ['resume', 'ResumeVm', 'resume'],
    ['reboot', 'RebootVm', 'reboot'],
    ['destroy', 'DestroyVm', 'destroy'],
  ] as const) {
    vm.command(`${verb} <vm>`)
      .description(`${word} a VM (id, id prefix or name)`)
      .action(async (ref, o: { force?: boolean }) => {
        const r = await k.withClient(async (c) => {
          const vmId = await resolveVm(c, ref);
          return c.call<{ vm: Vm | null }>((md, op, cb) =>
            (c.vms[rpc] as unknown as (r: unknown, m: unknown, o: unknown, cb: unknown) => void)(
              { vmId, ...(o.force ? { force: true } : {}) },
              md,
              op,
              cb,
            ),
          );
        });
        k.out(r.vm, () => `${verb} requested for ${r.vm?.id}`);
      });
  }
  vm.commands
    .find((c) => c.name() === 'destroy')
    ?.option('--force', 'forget a VM of a revoked or down host: destroyed, capacity and quota given back (operators)');
  vm.command('console <vm>')
    .description("print the VM's console (qemu: serial port; process: output), relayed from its host")
    .option('-f, --follow', 'keep following')
    .option('--tail <size>', 'how much of what is there to print first (e.g. 4K, 1M; at most 1M)', '64K')
    .addOption(
      new Option('--agent-data-dir <dir>', "read the console file on the VM's host instead (no controller)").env(
        'NEPHELE_AGENT_DATA_DIR',
      ),
    )
    .action(async (id: string, o: { follow?: boolean; tail: string; agentDataDir?: string }) => {
      const { tailConsole, streamConsole } = await import('../console.js');
      if (o.agentDataDir) return tailConsole(o.agentDataDir, id, !!o.follow);
      const tailBytes = byteSize('--tail', o.tail);
      await k.withClient(async (c) => streamConsole(c, await resolveVm(c, id), !!o.follow, tailBytes));
    });
}
