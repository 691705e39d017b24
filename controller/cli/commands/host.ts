// nephele host: hosts of the fleet.
import { Option, type Command } from 'commander';
import type { Host__Output as Host } from '../../../common/gen/nephele/v1/Host.js';
import type * as P from '../types.js';
import type { RemoveHostResponse__Output as RemoveHostResponse } from '../../../common/gen/nephele/v1/RemoveHostResponse.js';
import { ago, bytes, enumWord, table, when, type View } from '../format.js';
import { resolveHost } from '../resolve.js';
import { listing, watchOpts } from '../watch.js';
import type { CliKit } from '../kit.js';

const cap = (free?: number, total?: number, fmt: (n: number) => string = String) =>
  `${fmt(free ?? 0)}/${fmt(total ?? 0)}`;

function hostRows(hosts: Host[], v?: View): string {
  return table(
    ['ID', 'NAME', 'KIND', 'STATE', 'CPU FREE/TOTAL', 'MEM FREE/TOTAL', 'SCHEMES', 'GROUPS', 'LAST SEEN'],
    hosts.map((h) => [
      h.id,
      h.name,
      enumWord(h.kind, 'HOST_KIND_'),
      stateWord(h),
      cap(h.free?.vcpus, h.inventory?.guest?.vcpus),
      cap(h.free?.memoryBytes, h.inventory?.guest?.memoryBytes, bytes),
      h.schemes.map((x) => (isolationOf(h, x) === 'none' ? `${x}(no isolation)` : x)).join(',') || '-',
      h.groups.join(',') || '-',
      ago(h.lastSeenUnixMs),
    ]),
    v,
  );
}

/** `revoked` alone: a revoked host is cordoned too, and can never come back to be uncordoned. */
function stateWord(h: Host): string {
  const state = enumWord(h.state, 'HOST_STATE_');
  return h.cordoned && h.state !== 'HOST_STATE_REVOKED' ? `${state},cordoned` : state;
}

/** QEMU's accelerator with how it was decided (from the inventory), e.g. `tcg (no-kvm: /dev/kvm missing …)`. */
function acceleratorLine(h: Host): string {
  if (!h.accelerator) return 'none (no QEMU driver in use)';
  const why = h.inventory?.hypervisors.find((x) => x.accelerator === h.accelerator)?.acceleratorReason;
  return why ? `${h.accelerator} (${why})` : h.accelerator;
}

/** A scheme's `isolation` attribute from the agent's fingerprint ('full' | 'none'), if it reported one. */
function isolationOf(h: Host, scheme: string): string | undefined {
  return h.schemeInfo?.find((x) => x.scheme === scheme)?.attributes.isolation;
}

function hostDetail(h: Host): string {
  const inv = h.inventory;
  const lines = [
    `ID:          ${h.id}`,
    `Name:        ${h.name}`,
    `Kind:        ${enumWord(h.kind, 'HOST_KIND_')}`,
    `State:       ${enumWord(h.state, 'HOST_STATE_')} (${h.revoked ? h.revokedReason || 'revoked' : h.stateReason}, since ${when(h.stateChangedUnixMs)})`,
    `Cordoned:    ${h.cordoned ? `yes${h.cordonReason ? ` (${h.cordonReason})` : ''}` : 'no'}`,
    `Groups:      ${h.groups.join(', ') || '-'}`,
    `Addresses:   ${h.addresses.join(', ') || '-'}`,
    `Agent:       ${h.agentVersion || '-'}   last seen ${ago(h.lastSeenUnixMs)}   heartbeat ${h.heartbeatIntervalMs || '-'} ms`,
    `Enrolled:    ${when(h.enrolledUnixMs)}`,
    `Accelerator: ${acceleratorLine(h)}`,
    ...(h.schemeInfo ?? []).map(
      (x, i) =>
        `${i ? '             ' : 'Drivers:     '}${x.scheme}: ${
          Object.entries(x.attributes)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ') || '-'
        }`,
    ),
  ];
  if (inv) {
    const c = inv.cpu;
    lines.push(
      '',
      `CPU:         ${c?.model} — ${c?.cores} cores, ${c?.threads} threads, ${c?.sockets} socket(s), ${c?.speedGhz} GHz, virtualization: ${c?.virtualization || 'none'}`,
      `Memory:      ${bytes(inv.memory?.totalBytes)} total, ${bytes(inv.memory?.availableBytes)} available`,
      `OS:          ${inv.os?.distro} ${inv.os?.release} (kernel ${inv.os?.kernel}, ${inv.os?.arch})`,
      `Capacity:    total ${inv.total?.vcpus} vCPU / ${bytes(inv.total?.memoryBytes)} / ${bytes(inv.total?.diskBytes)} disk`,
      `             reserved ${inv.reserved?.vcpus} vCPU / ${bytes(inv.reserved?.memoryBytes)} / ${bytes(inv.reserved?.diskBytes)}`,
      `             guests ${inv.guest?.vcpus} vCPU / ${bytes(inv.guest?.memoryBytes)} / ${bytes(inv.guest?.diskBytes)}; free now ${h.free?.vcpus} vCPU / ${bytes(h.free?.memoryBytes)}`,
      `Hypervisors: ${inv.hypervisors.map((x) => `${x.name} ${x.version} (${x.binary}${x.kvmDevice ? ', /dev/kvm' : ''})`).join('; ') || 'none'}`,
      `Schemes:     ${inv.schemes.join(', ') || '-'}`,
      '',
      'Disks:',
      ...inv.disks.map((d) => `  ${d.device}  ${d.type}  ${bytes(d.sizeBytes)}  ${d.model}`),
      'Filesystems:',
      ...inv.filesystems.map(
        (f) => `  ${f.mount}  ${f.fsType}  ${bytes(f.availableBytes)} free of ${bytes(f.sizeBytes)}`,
      ),
      'NICs:',
      ...inv.nics.map(
        (n) =>
          `  ${n.name}  ${n.mac}  ${n.addresses.join(' ')}  ${n.speedMbps ? n.speedMbps + 'Mb/s' : ''} ${n.operstate}${n.virtual ? ' (virtual)' : ''}`,
      ),
      'Software:',
      `  ${inv.software.map((s) => `${s.name} ${s.version}`).join(', ') || '-'}`,
    );
  } else lines.push('', 'Inventory:   not reported yet');
  return lines.join('\n');
}

export function registerHostCommands(program: Command, k: CliKit): void {
  const host = program.command('host').description('hosts of the fleet');
  host
    .command('revoke <id>')
    .description("revoke a host's credentials: its session closes and it cannot reconnect")
    .option('--reason <text>', 'why', '')
    .action(async (ref, o) => {
      const id = await k.withClient((c) => resolveHost(c, ref));
      const r = await k.withClient((c) =>
        c.call<P.RevokeHostResponse>((md, op, cb) => c.hosts.RevokeHost({ hostId: id, reason: o.reason }, md, op, cb)),
      );
      k.out(r.host, () => `revoked ${r.host?.id}`);
    });
  host
    .command('rm <host>')
    .description('remove a host that holds no VMs from the fleet for good (admin); its credentials are revoked')
    .action(async (ref) => {
      const r = await k.withClient(async (c) => {
        const hostId = await resolveHost(c, ref);
        return c.call<RemoveHostResponse>((md, op, cb) => c.hosts.RemoveHost({ hostId }, md, op, cb));
      });
      k.out(r.host, () => `removed ${r.host?.id ?? ref}`);
    });
  watchOpts(host.command('ls'))
    .description('list hosts')
    .option('--group <name>', 'only hosts in this virtual group')
    .addOption(
      new Option('--state <state>', 'only hosts in this state').choices([
        'pending',
        'ready',
        'unreachable',
        'down',
        'unknown',
        'revoked',
      ]),
    )
    .action(async (o) => {
      await listing(
        k,
        o,
        (c) =>
          k.listAll<Host>(async (pageToken) => {
            const r = await c.call<P.ListHostsResponse>((md, op, cb) =>
              c.hosts.ListHosts(
                {
                  pageSize: 500,
                  pageToken,
                  group: o.group ?? '',
                  state: o.state ? (`HOST_STATE_${o.state.toUpperCase()}` as never) : 'HOST_STATE_UNSPECIFIED',
                  view: 'HOST_VIEW_BASIC',
                },
                md,
                op,
                cb,
              ),
            );
            return { items: r.hosts, next: r.nextPageToken };
          }),
        hostRows,
      );
    });
  host
    .command('show <id>')
    .description('show a host with its full inventory')
    .action(async (ref) => {
      const id = await k.withClient((c) => resolveHost(c, ref));
      const r = await k.withClient((c) =>
        c.call<P.GetHostResponse>((md, op, cb) => c.hosts.GetHost({ hostId: id, view: 'HOST_VIEW_FULL' }, md, op, cb)),
      );
      k.out(r.host, () => hostDetail(r.host!));
    });
  host
    .command('cordon <id>')
    .description('stop placing new VMs on a host')
    .option('--reason <text>', 'why', '')
    .action(async (ref, o) => {
      const id = await k.withClient((c) => resolveHost(c, ref));
      const r = await k.withClient((c) =>
        c.call<P.CordonHostResponse>((md, op, cb) => c.hosts.CordonHost({ hostId: id, reason: o.reason }, md, op, cb)),
      );
      k.out(r.host, () => `cordoned ${r.host?.id}`);
    });
  host
    .command('drain <id>')
    .description('cordon a host and move its VMs to other hosts')
    .option('--reason <text>', 'why', '')
    .action(async (ref, o) => {
      const id = await k.withClient((c) => resolveHost(c, ref));
      const r = await k.withClient((c) =>
        c.call<P.DrainHostResponse>((md, op, cb) => c.hosts.DrainHost({ hostId: id, reason: o.reason }, md, op, cb)),
      );
      k.out(r, () =>
        [
          `drained ${r.host?.id}: ${r.vmsMoved} moved, ${r.vmsUnplaced} could not be moved`,
          ...r.reasons.map((x) => `  not placed: ${x}`),
        ].join('\n'),
      );
    });
  host
    .command('uncordon <id>')
    .description('allow placements on a host again')
    .action(async (ref) => {
      const id = await k.withClient((c) => resolveHost(c, ref));
      const r = await k.withClient((c) =>
        c.call<P.UncordonHostResponse>((md, op, cb) => c.hosts.UncordonHost({ hostId: id }, md, op, cb)),
      );
      k.out(r.host, () => `uncordoned ${r.host?.id}`);
    });
  host
    .command('groups')
    .description("a host's virtual groups")
    .command('set <id> [groups...]')
    .description("replace a host's groups (none = remove from all)")
    .action(async (ref, groups: string[]) => {
      const id = await k.withClient((c) => resolveHost(c, ref));
      const r = await k.withClient((c) =>
        c.call<P.SetHostGroupsResponse>((md, op, cb) => c.hosts.SetHostGroups({ hostId: id, groups }, md, op, cb)),
      );
      k.out(r.host, () => `${r.host?.id}: groups ${r.host?.groups.join(', ') || '(none)'}`);
    });
}
