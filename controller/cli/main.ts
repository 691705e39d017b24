#!/usr/bin/env node
import '../../common/quiet.js';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { Host__Output as Host } from '../../common/gen/nephele/v1/Host.js';
import type { Token__Output as Token } from '../../common/gen/nephele/v1/Token.js';
import type { Event__Output as Event } from '../../common/gen/nephele/v1/Event.js';
import type { Vm__Output as Vm } from '../../common/gen/nephele/v1/Vm.js';
import type * as P from './types.js';
import { resumeSeqOf, statusName } from '../../common/grpc/status.js';
import { parseDuration } from '../../common/validate.js';
import { AdminClient, CliError, type ClientOptions } from './client.js';
import { ago, bytes, enumWord, json, table, terminalSafe, when } from './format.js';
import { runController } from './controller-cmd.js';
import { registerSetCommands } from './set.js';
import { parseSize } from '../../common/size.js';

const env = process.env;
const collect = (v: string, prev: string[]) => [...prev, v];
const program = new Command('nephele')
  .description('Nephele: run virtual machines on a fleet of hosts')
  .option('--controller <addr>', 'controller address', env.NEPHELE_CONTROLLER ?? '127.0.0.1:7443')
  .option('--token <token>', 'API token (env NEPHELE_TOKEN; default: <data-dir>/admin.token)', env.NEPHELE_TOKEN)
  .option('--ca-file <file>', 'controller CA certificate (env NEPHELE_CA; default: <data-dir>/ca.pem)', env.NEPHELE_CA)
  .option('--data-dir <dir>', "the controller's data dir, where the CLI finds admin.token and ca.pem", env.NEPHELE_DATA_DIR ?? '.nephele')
  .option('--insecure', 'plain text to a loopback controller (development only)', false)
  .option('--json', 'print JSON instead of tables', false)
  .showHelpAfterError();

type Global = { controller: string; token?: string; caFile?: string; dataDir: string; insecure: boolean; json: boolean };
const g = (): Global => program.opts() as Global;

async function withClient<T>(fn: (c: AdminClient) => Promise<T>): Promise<T> {
  const o = g();
  const c = new AdminClient({ controller: o.controller, token: o.token, caFile: o.caFile, dataDir: o.dataDir, insecure: o.insecure } satisfies ClientOptions);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

function out(data: unknown, human: () => string): void {
  process.stdout.write((g().json ? json(data) : terminalSafe(human(), true)) + '\n');
}

const cap = (free?: number, total?: number, fmt: (n: number) => string = String) => `${fmt(free ?? 0)}/${fmt(total ?? 0)}`;

function hostRows(hosts: Host[]): string {
  return table(
    ['ID', 'NAME', 'KIND', 'STATE', 'CPU FREE/TOTAL', 'MEM FREE/TOTAL', 'SCHEMES', 'GROUPS', 'LAST SEEN'],
    hosts.map((h) => [
      h.id,
      h.name,
      enumWord(h.kind, 'HOST_KIND_'),
      enumWord(h.state, 'HOST_STATE_') + (h.cordoned ? ',cordoned' : ''),
      cap(h.free?.vcpus, h.inventory?.guest?.vcpus),
      cap(h.free?.memoryBytes, h.inventory?.guest?.memoryBytes, bytes),
      h.schemes.map((x) => (isolationOf(h, x) === 'none' ? `${x}(no isolation)` : x)).join(',') || '-',
      h.groups.join(',') || '-',
      ago(h.lastSeenUnixMs),
    ]),
  );
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
    `State:       ${enumWord(h.state, 'HOST_STATE_')} (${h.stateReason}, since ${when(h.stateChangedUnixMs)})`,
    `Cordoned:    ${h.cordoned ? `yes${h.cordonReason ? ` (${h.cordonReason})` : ''}` : 'no'}`,
    `Groups:      ${h.groups.join(', ') || '-'}`,
    `Addresses:   ${h.addresses.join(', ') || '-'}`,
    `Agent:       ${h.agentVersion || '-'}   last seen ${ago(h.lastSeenUnixMs)}   heartbeat ${h.heartbeatIntervalMs || '-'} ms`,
    `Enrolled:    ${when(h.enrolledUnixMs)}`,
    ...(h.schemeInfo ?? []).map((x, i) => `${i ? '             ' : 'Drivers:     '}${x.scheme}: ${Object.entries(x.attributes).map(([k, v]) => `${k}=${v}`).join(' ') || '-'}`),
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
      ...inv.filesystems.map((f) => `  ${f.mount}  ${f.fsType}  ${bytes(f.availableBytes)} free of ${bytes(f.sizeBytes)}`),
      'NICs:',
      ...inv.nics.map((n) => `  ${n.name}  ${n.mac}  ${n.addresses.join(' ')}  ${n.speedMbps ? n.speedMbps + 'Mb/s' : ''} ${n.operstate}${n.virtual ? ' (virtual)' : ''}`),
      'Software:',
      `  ${inv.software.map((s) => `${s.name} ${s.version}`).join(', ') || '-'}`,
    );
  } else lines.push('', 'Inventory:   not reported yet');
  return lines.join('\n');
}

async function listAll<T>(page: (token: string) => Promise<{ items: T[]; next: string }>): Promise<T[]> {
  const all: T[] = [];
  let token = '';
  do {
    const r = await page(token);
    all.push(...r.items);
    token = r.next;
  } while (token);
  return all;
}

// --- controller
program
  .command('controller')
  .description('run the controller')
  .option('--listen <addr>', 'address to serve on', env.NEPHELE_LISTEN ?? '0.0.0.0:7443')
  .option('--name <names...>', 'extra DNS names or IPs for the server certificate')
  .option('--max-beats-per-sec <n>', 'heartbeats per second the whole fleet may send', '50')
  .option('--min-heartbeat <duration>', 'shortest heartbeat interval', '5s')
  .option('--max-heartbeat <duration>', 'longest heartbeat interval', '60s')
  .option('--missed-beats <n>', 'missed intervals before a host is unreachable', '3')
  .option('--down-after <duration>', 'unreachable this long → down', '5m')
  .option('--event-retention <duration>', 'keep non-audit events this long', '30d')
  .option('--event-max <n>', 'keep at most this many non-audit events', '1000000')
  .option('--audit-retention <duration>', 'keep audit events this long', '365d')
  .option('--audit-max <n>', 'keep at most this many audit events', '1000000')
  .option('--agent-cert-ttl <duration>', 'lifetime of agent certificates (renewed at two thirds)', '30d')
  .option('--rate-limit <n>', 'API calls per second per token (bursts of twice that)', '100')
  .option('--host-rate-limit <n>', 'session messages per second per host (bursts of ten times that)', '200')
  .option('--peer-refusal-limit <n>', 'failed anonymous calls per second per client address; past it (bursts of 2.5 times that) its Enroll calls are refused before any work', '20')
  .option('--refusal-audit-window <duration>', 'refused calls are audited one by one up to 10 per caller in this window; the rest become one aggregate event when it closes', '1m')
  .option('--max-watches <n>', 'open WatchEvents streams in all', '256')
  .option('--max-watches-per-token <n>', 'open WatchEvents streams per API token', '16')
  .option('--watch-buffer <n>', 'live events a watcher may have waiting; past it the watch ends with ABORTED and the seq to resume after', '1000')
  .option('--max-reconnects-per-sec <n>', 'agents spread their reconnects (after a controller restart) so that about this many sessions start per second', '200')
  .addOption(new Option('--strategy <name>', 'placement for sets that do not choose: fill hosts or use the emptiest').choices(['binpack', 'spread']).default('spread'))
  .option('--overcommit <ratio>', 'best-effort sets may reserve up to capacity × this', '2')
  .option('--replace-after <duration>', "a down host's guaranteed VMs are re-placed after this grace", '5m')
  .option('--max-placement-attempts <n>', 'hosts a VM is tried on before its set reports it unplaced', '3')
  .option('--min-free-disk <size|%>', 'below this much free space under the data dir, the store space alarm refuses new mutating work (0 = off)', '1G')
  .option('--accept-store-loss', 'start on a store that lost data (behind its sentinel, or corrupt: repaired first) instead of refusing; use once, after deciding not to restore a backup')
  .option('--log-level <level>', 'log level', env.NEPHELE_LOG_LEVEL ?? 'info')
  .action(async (o) => runController({ ...o, dataDir: g().dataDir, insecure: g().insecure }));

// --- break-glass
program
  .command('admin-token')
  .description('the admin API token in the data dir')
  .command('reset')
  .description('offline break-glass: with the controller stopped, issue a new admin API token into <data-dir>/admin.token')
  .action(async () => {
    const { resetAdminToken } = await import('../auth/break-glass.js');
    const { createLogger } = await import('../../common/logger.js');
    const r = await resetAdminToken(resolve(g().dataDir), createLogger('nephele-admin-token', { level: 'error', destination: 2 }));
    out(r, () => `new admin API token ${r.tokenId} written to ${r.file}`);
  });

// --- tokens
const token = program.command('token').description('join and API tokens');
token
  .command('create')
  .description('create a join token (one agent, one time) or an API token')
  .option('--join', 'a one-time join token for an agent (default)')
  .option('--api', 'an API token for admin tools')
  .option('--ttl <duration>', 'lifetime, e.g. 1h, 7d (join default 1h; API default never)')
  .option('--description <text>', 'what it is for', '')
  .addOption(new Option('--kind <kind>', 'join tokens: force the host kind').choices(['dedicated', 'adhoc']))
  .addOption(new Option('--role <role>', 'API tokens: the role (default viewer)').choices(['admin', 'operator', 'tenant-admin', 'viewer']))
  .option('--tenant <name>', "API tokens: the tenant the role applies to (default: yours, or 'default')")
  .option('--grant <permission>', 'API tokens: a permission beside the role, repeatable (vms.task: may run tasks)', collect, [] as string[])
  .option('--request-id <id>', 'idempotency key')
  .action(async (o) => {
    if (o.join && o.api) throw new CliError('--join and --api exclude each other');
    const req: P.CreateTokenRequest = {
      kind: o.api ? 'TOKEN_KIND_API' : 'TOKEN_KIND_JOIN',
      ttlSeconds: o.ttl ? Math.ceil(parseDuration(o.ttl) / 1000) : 0,
      description: o.description,
      hostKind: o.kind === 'adhoc' ? 'HOST_KIND_ADHOC' : o.kind === 'dedicated' ? 'HOST_KIND_DEDICATED' : 'HOST_KIND_UNSPECIFIED',
      requestId: o.requestId ?? '',
      role: o.role ?? '',
      tenant: o.tenant ?? '',
      grants: o.grant,
    };
    if (!o.api && (o.role || o.tenant || o.grant.length)) throw new CliError('--role, --tenant and --grant apply to API tokens (--api)');
    const r = await withClient((c) => c.call<P.CreateTokenResponse>((md, op, cb) => c.auth.CreateToken(req, md, op, cb)));
    out(r, () => g().json ? '' : `${r.secret}\n\n# token ${r.token?.id}, ${enumWord(r.token?.kind, 'TOKEN_KIND_')}, expires ${when(r.token?.expiresUnixMs) === '-' ? 'never' : when(r.token?.expiresUnixMs)}. Shown once; keep it secret.`);
  });
token
  .command('ls')
  .description('list tokens (never their secrets)')
  .option('--all', 'include revoked tokens')
  .action(async (o) => {
    const tokens = await withClient((c) => listAll<Token>(async (pageToken) => {
      const r = await c.call<P.ListTokensResponse>((md, op, cb) => c.auth.ListTokens({ pageSize: 500, pageToken, includeRevoked: !!o.all }, md, op, cb));
      return { items: r.tokens, next: r.nextPageToken };
    }));
    out(tokens, () => table(['ID', 'KIND', 'DESCRIPTION', 'CREATED', 'EXPIRES', 'STATUS'], tokens.map((t) => [
      t.id, enumWord(t.kind, 'TOKEN_KIND_'), t.description || '-', when(t.createdUnixMs), t.expiresUnixMs ? when(t.expiresUnixMs) : 'never',
      t.revoked ? 'revoked' : t.usedUnixMs ? `used by ${t.usedByHost}` : t.expiresUnixMs && t.expiresUnixMs < Date.now() ? 'expired' : 'active',
    ])));
  });
token
  .command('revoke <id>')
  .description('revoke a token; its next use fails')
  .action(async (id) => {
    const r = await withClient((c) => c.call<P.RevokeTokenResponse>((md, op, cb) => c.auth.RevokeToken({ tokenId: id }, md, op, cb)));
    out(r, () => `revoked ${r.token?.id}`);
  });

token
  .command('bind <id> <role>')
  .description('give an API token a role (admin, operator, tenant-admin, viewer) in a tenant')
  .option('--tenant <name>', 'the tenant (tenant roles)')
  .option('--grant <permission>', 'a permission beside the role, repeatable (vms.task: may run tasks); replaces the previous grants', collect, [] as string[])
  .action(async (id, role, o) => {
    const r = await withClient((c) => c.call<P.BindRoleResponse>((md, op, cb) => c.auth.BindRole({ tokenId: id, role, tenant: o.tenant ?? '', grants: o.grant }, md, op, cb)));
    out(r.token, () => `${r.token?.id}: ${r.token?.role}${r.token?.tenant ? ` in ${r.token.tenant}` : ''}${r.token?.grants?.length ? ` + ${r.token.grants.join(', ')}` : ''}`);
  });

// --- tenants
const quotaOpts = (c: Command) =>
  c
    .option('--vcpus <n>', 'vCPU quota (0 = unlimited)', '0')
    .option('--memory <size>', 'memory quota in bytes, or with a unit: 64G (0 = unlimited)', '0')
    .option('--vms <n>', 'VM count quota (0 = unlimited)', '0')
    .option('--images <n>', 'image quota (0 = unlimited)', '0');
const quotaOf = (o: { vcpus: string; memory: string; vms: string; images: string }) => ({
  vcpus: Number(o.vcpus),
  memoryBytes: parseSize(o.memory),
  vms: Number(o.vms),
  images: Number(o.images),
});
const tenant = program.command('tenant').description('tenants and their quotas');
quotaOpts(tenant.command('create <name>').description('create a tenant').option('--description <text>', 'what it is', '')).action(async (name, o) => {
  const r = await withClient((c) => c.call<P.CreateTenantResponse>((md, op, cb) => c.auth.CreateTenant({ name, description: o.description, quota: quotaOf(o) }, md, op, cb)));
  out(r.tenant, () => `created tenant ${r.tenant?.name}`);
});
tenant
  .command('ls')
  .description('list tenants with quota and usage')
  .action(async () => {
    const tenants = await withClient((c) => listAll(async (pageToken) => {
      const r = await c.call<P.ListTenantsResponse>((md, op, cb) => c.auth.ListTenants({ pageSize: 500, pageToken }, md, op, cb));
      return { items: r.tenants, next: r.nextPageToken };
    }));
    const lim = (used: number, q: number, f: (n: number) => string = String) => `${f(used)}/${q ? f(q) : '∞'}`;
    out(tenants, () => table(['NAME', 'VCPUS', 'MEMORY', 'VMS', 'IMAGES', 'DESCRIPTION'], tenants.map((x) => [
      x.name, lim(x.usage!.vcpus, x.quota!.vcpus), lim(x.usage!.memoryBytes, x.quota!.memoryBytes, bytes), lim(x.usage!.vms, x.quota!.vms), lim(x.usage!.images, x.quota!.images), x.description || '-',
    ])));
  });
quotaOpts(tenant.command('quota <name>').description("set a tenant's quota")).action(async (name, o) => {
  const r = await withClient((c) => c.call<P.SetTenantQuotaResponse>((md, op, cb) => c.auth.SetTenantQuota({ tenant: name, quota: quotaOf(o) }, md, op, cb)));
  out(r.tenant, () => `quota of ${r.tenant?.name} set`);
});

// --- hosts
const host = program.command('host').description('hosts of the fleet');
host
  .command('revoke <id>')
  .description("revoke a host's credentials: its session closes and it cannot reconnect")
  .option('--reason <text>', 'why', '')
  .action(async (id, o) => {
    const r = await withClient((c) => c.call<P.RevokeHostResponse>((md, op, cb) => c.hosts.RevokeHost({ hostId: id, reason: o.reason }, md, op, cb)));
    out(r.host, () => `revoked ${r.host?.id}`);
  });
host
  .command('ls')
  .description('list hosts')
  .option('--group <name>', 'only hosts in this virtual group')
  .addOption(new Option('--state <state>', 'only hosts in this state').choices(['pending', 'ready', 'unreachable', 'down']))
  .action(async (o) => {
    const hosts = await withClient((c) => listAll<Host>(async (pageToken) => {
      const r = await c.call<P.ListHostsResponse>((md, op, cb) => c.hosts.ListHosts({ pageSize: 500, pageToken, group: o.group ?? '', state: o.state ? `HOST_STATE_${o.state.toUpperCase()}` as never : 'HOST_STATE_UNSPECIFIED', view: 'HOST_VIEW_BASIC' }, md, op, cb));
      return { items: r.hosts, next: r.nextPageToken };
    }));
    out(hosts, () => hostRows(hosts));
  });
host
  .command('show <id>')
  .description('show a host with its full inventory')
  .action(async (id) => {
    const r = await withClient((c) => c.call<P.GetHostResponse>((md, op, cb) => c.hosts.GetHost({ hostId: id, view: 'HOST_VIEW_FULL' }, md, op, cb)));
    out(r.host, () => hostDetail(r.host!));
  });
host
  .command('cordon <id>')
  .description('stop placing new VMs on a host')
  .option('--reason <text>', 'why', '')
  .action(async (id, o) => {
    const r = await withClient((c) => c.call<P.CordonHostResponse>((md, op, cb) => c.hosts.CordonHost({ hostId: id, reason: o.reason }, md, op, cb)));
    out(r.host, () => `cordoned ${r.host?.id}`);
  });
host
  .command('drain <id>')
  .description('cordon a host and move its VMs to other hosts')
  .option('--reason <text>', 'why', '')
  .action(async (id, o) => {
    const r = await withClient((c) => c.call<P.DrainHostResponse>((md, op, cb) => c.hosts.DrainHost({ hostId: id, reason: o.reason }, md, op, cb)));
    out(r, () => [`drained ${r.host?.id}: ${r.vmsMoved} moved, ${r.vmsUnplaced} could not be moved`, ...r.reasons.map((x) => `  not placed: ${x}`)].join('\n'));
  });
host
  .command('uncordon <id>')
  .description('allow placements on a host again')
  .action(async (id) => {
    const r = await withClient((c) => c.call<P.UncordonHostResponse>((md, op, cb) => c.hosts.UncordonHost({ hostId: id }, md, op, cb)));
    out(r.host, () => `uncordoned ${r.host?.id}`);
  });
host
  .command('groups')
  .description("a host's virtual groups")
  .command('set <id> [groups...]')
  .description("replace a host's groups (none = remove from all)")
  .action(async (id, groups: string[]) => {
    const r = await withClient((c) => c.call<P.SetHostGroupsResponse>((md, op, cb) => c.hosts.SetHostGroups({ hostId: id, groups }, md, op, cb)));
    out(r.host, () => `${r.host?.id}: groups ${r.host?.groups.join(', ') || '(none)'}`);
  });

// --- groups
const group = program.command('group').description('virtual groups of hosts');
group
  .command('create <name>')
  .description('create a virtual group (e.g. web, hpc)')
  .option('--description <text>', 'what the group is for', '')
  .action(async (name, o) => {
    const r = await withClient((c) => c.call<P.CreateGroupResponse>((md, op, cb) => c.hosts.CreateGroup({ name, description: o.description }, md, op, cb)));
    out(r.group, () => `created group ${r.group?.name}`);
  });
group
  .command('ls')
  .description('list virtual groups')
  .action(async () => {
    const groups = await withClient((c) => listAll(async (pageToken) => {
      const r = await c.call<P.ListGroupsResponse>((md, op, cb) => c.hosts.ListGroups({ pageSize: 500, pageToken }, md, op, cb));
      return { items: r.groups, next: r.nextPageToken };
    }));
    out(groups, () => table(['NAME', 'HOSTS', 'DESCRIPTION', 'CREATED'], groups.map((x) => [x.name, x.hostCount, x.description || '-', when(x.createdUnixMs)])));
  });

// --- vms
const vm = program.command('vm').description('virtual machines');
const vmRow = (v: Vm) => [v.id, v.name, v.tenant, v.hostId, v.spec?.scheme ?? '-', `${v.spec?.vcpus}/${v.spec?.memoryMib}MiB`, enumWord(v.state, 'VM_STATE_') + (v.desired !== 'DESIRED_VM_STATE_RUNNING' ? ` → ${enumWord(v.desired, 'DESIRED_VM_STATE_')}` : ''), v.hostPort ? `127.0.0.1:${v.hostPort}` : '-', v.stateReason || '-'];
const VM_HEAD = ['ID', 'NAME', 'TENANT', 'HOST', 'SCHEME', 'CPU/MEM', 'STATE', 'APPLIANCE', 'REASON'];
vm
  .command('create')
  .description('create one VM: the planner places it, or on a host you name (operators)')
  .option('--host <id>', 'pin it to this host (needs fleet.write; default: the planner chooses)')
  .addOption(new Option('--scheme <scheme>', 'how to run it').choices(['qemu', 'process']).default('qemu'))
  .option('--vcpus <n>', 'vCPUs', '1')
  .option('--memory <MiB>', 'memory in MiB', '128')
  .option('--disk <GiB>', 'disk in GiB', '1')
  .option('--image <name>', 'image', 'nephele-guest')
  .option('--name <name>', 'name')
  .option('--tenant <name>', 'tenant (default: yours, or default)')
  .option('--config <k=v...>', 'appliance settings, e.g. title=Hello')
  .option('--wait', 'wait until it runs (or fails)')
  .action(async (o) => {
    const config: Record<string, string> = {};
    for (const kv of (o.config ?? []) as string[]) {
      const i = kv.indexOf('=');
      if (i < 1) throw new CliError(`--config wants key=value, got ${JSON.stringify(kv)}`);
      config[kv.slice(0, i)] = kv.slice(i + 1);
    }
    const req = { name: o.name ?? '', hostId: o.host ?? '', tenant: o.tenant ?? '', spec: { scheme: o.scheme, vcpus: Number(o.vcpus), memoryMib: Number(o.memory), diskGib: Number(o.disk), image: o.image, config } };
    const r = await withClient(async (c) => {
      let res = await c.call<P.CreateVmResponse>((md, op, cb) => c.vms.CreateVm(req, md, op, cb));
      while (o.wait && ['VM_STATE_PENDING', 'VM_STATE_CREATING'].includes(res.vm!.state)) {
        await new Promise((ok) => setTimeout(ok, 300));
        res = await c.call<P.GetVmResponse>((md, op, cb) => c.vms.GetVm({ vmId: res.vm!.id }, md, op, cb));
      }
      return res;
    });
    out(r.vm, () => table(VM_HEAD, [vmRow(r.vm!)]));
  });
vm
  .command('ls')
  .description('list VMs')
  .option('--host <id>', 'only on this host')
  .option('--tenant <name>', 'only of this tenant')
  .action(async (o) => {
    const vms = await withClient((c) => listAll<Vm>(async (pageToken) => {
      const r = await c.call<P.ListVmsResponse>((md, op, cb) => c.vms.ListVms({ pageSize: 500, pageToken, hostId: o.host ?? '', tenant: o.tenant ?? '' }, md, op, cb));
      return { items: r.vms, next: r.nextPageToken };
    }));
    out(vms, () => table(VM_HEAD, vms.map(vmRow)));
  });
vm
  .command('show <id>')
  .description('show a VM')
  .action(async (id) => {
    const r = await withClient((c) => c.call<P.GetVmResponse>((md, op, cb) => c.vms.GetVm({ vmId: id }, md, op, cb)));
    out(r.vm, () => json(r.vm));
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
    .action(async (id) => {
      const r = await withClient((c) => c.call<{ vm: Vm | null }>((md, op, cb) => (c.vms[rpc] as unknown as (r: unknown, m: unknown, o: unknown, cb: unknown) => void)({ vmId: id }, md, op, cb)));
      out(r.vm, () => `${verb} requested for ${r.vm?.id}`);
    });
}
vm
  .command('console <id>')
  .description("tail the VM's serial console (run on the VM's host)")
  .option('--agent-data-dir <dir>', "the agent's data dir", env.NEPHELE_AGENT_DATA_DIR ?? '/var/lib/nephele-agent')
  .option('-f, --follow', 'keep following')
  .action(async (id, o) => {
    const { tailConsole } = await import('./console.js');
    await tailConsole(o.agentDataDir, id, !!o.follow);
  });

// --- events
const events = program.command('events').description('the operations and audit log');
events
  .command('tail')
  .description('print recent events; --follow keeps streaming')
  .option('-f, --follow', 'keep streaming new events')
  .option('--since <seq>', 'start after this sequence number')
  .option('-n, --lines <n>', 'how many recent events when --since is not given', '20')
  .option('--type <prefix>', 'only events whose type starts with this')
  .option('--host <id>', 'only events of this host')
  .option('--audit', 'only audit events')
  .action(async (o) => {
    await withClient(async (c) => {
      const filter = { typePrefix: o.type ?? '', hostId: o.host ?? '', auditOnly: !!o.audit };
      let since = o.since !== undefined ? Number(o.since) : -1;
      if (o.since !== undefined && (!Number.isSafeInteger(since) || since < 0)) throw new CliError('--since must be a sequence number');
      if (since < 0) {
        const head = await c.call<P.ListEventsResponse>((md, op, cb) => c.events.ListEvents({ sinceSeq: 0, pageSize: 1 }, md, op, cb));
        since = Math.max(0, Number(head.lastSeq) - Number(o.lines) * (filter.typePrefix || filter.hostId || filter.auditOnly ? 50 : 1));
      }
      let last = since;
      const print = (e: Event) => {
        last = Math.max(last, Number(e.seq));
        process.stdout.write((g().json ? json(e, 0) : terminalSafe(fmtEvent(e))) + '\n');
      };
      if (!o.follow) {
        let token = '';
        do {
          const r = await c.call<P.ListEventsResponse>((md, op, cb) => c.events.ListEvents({ sinceSeq: since, pageSize: 1000, pageToken: token, filter }, md, op, cb));
          r.events.forEach(print);
          token = r.nextPageToken;
        } while (token);
        return;
      }
      let stream: ReturnType<typeof c.events.WatchEvents> | undefined;
      let stopping = false;
      process.once('SIGINT', () => {
        stopping = true;
        stream?.cancel();
      });
      // A watch that fell behind ends with the seq to resume after: follow on from there.
      while (!stopping) {
        // Settled on 'close', once the events received before the status are printed.
        const { resume, err } = await new Promise<{ resume?: number; err?: unknown }>((resolve) => {
          let outcome: { resume?: number; err?: unknown } = {};
          stream = c.events.WatchEvents({ sinceSeq: last, filter }, c.metadata());
          stream.on('data', print);
          stream.on('error', (e) => {
            if ((e as { code?: number }).code === 1) return; // cancelled by us
            const seq = resumeSeqOf(e);
            outcome = seq === undefined ? { err: e } : { resume: seq };
          });
          stream.on('close', () => resolve(outcome));
        });
        if (err) throw err;
        if (resume === undefined) return;
        // From the last one printed: the client library may have dropped a few sent before the status.
        last = Math.min(last, resume);
        process.stderr.write(`nephele: the watch fell behind; resuming after seq ${last}\n`);
      }
    });
  });

function fmtEvent(e: Event): string {
  const attrs = Object.entries(e.attributes).map(([k, v]) => `${k}=${v}`).join(' ');
  const who = [e.hostId && `host=${e.hostId}`, e.actor && e.actor !== e.hostId && `actor=${e.actor}`].filter(Boolean).join(' ');
  return `${String(e.seq).padStart(6)}  ${when(e.timeUnixMs)}  ${e.severity.padEnd(7)} ${e.type.padEnd(24)} ${e.message}${who ? '  ' + who : ''}${attrs ? '  ' + attrs : ''}`;
}

registerSetCommands(program, { withClient, out, listAll });

program.parseAsync().catch((e: unknown) => {
  const err = e as { code?: number | string; details?: string; message?: string };
  if (typeof err.code === 'number') {
    const detail = err.code === 14 ? `cannot reach controller at ${g().controller} (${err.details})` : err.details;
    process.stderr.write(`nephele: ${statusName(err.code)}: ${terminalSafe(String(detail))}\n`);
  } else process.stderr.write(`nephele: ${terminalSafe(err.message ?? String(e))}\n`);
  process.exit(1);
});
