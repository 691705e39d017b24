// nephele tenant: tenants and their quotas.
import type { Command } from 'commander';
import type * as P from '../types.js';
import { byteSize, wholeNumber } from '../parse.js';
import { CliError } from '../client.js';
import { bytes, details, table, when } from '../format.js';
import type { Tenant__Output as Tenant } from '../../../common/gen/nephele/v1/Tenant.js';
import type { GetTenantResponse__Output as GetTenantResponse } from '../../../common/gen/nephele/v1/GetTenantResponse.js';
import type { DeleteTenantResponse__Output as DeleteTenantResponse } from '../../../common/gen/nephele/v1/DeleteTenantResponse.js';
import type { CliKit } from '../kit.js';

/** `dflt`: the value of a quota not given (create: 0 = unlimited; quota: left as it is). */
const quotaOpts = (c: Command, dflt?: string) =>
  c
    .option('--vcpus <n>', 'vCPU quota (0 = unlimited)', dflt)
    .option('--memory <size>', 'memory quota in bytes, or with a unit: 64G (0 = unlimited)', dflt)
    .option('--vms <n>', 'VM count quota (0 = unlimited)', dflt)
    .option('--images <n>', 'image quota (0 = unlimited)', dflt);
type QuotaFlags = { vcpus?: string; memory?: string; vms?: string; images?: string };
const quotaOf = (o: QuotaFlags) => ({
  vcpus: o.vcpus === undefined ? 0 : wholeNumber('--vcpus', o.vcpus),
  memoryBytes: o.memory === undefined ? 0 : byteSize('--memory', o.memory),
  vms: o.vms === undefined ? 0 : wholeNumber('--vms', o.vms),
  images: o.images === undefined ? 0 : wholeNumber('--images', o.images),
});
/** The wire names of the quotas a command line gives (SetTenantQuota's update_mask). */
const quotaMaskOf = (o: QuotaFlags) =>
  (
    [
      ['vcpus', 'vcpus'],
      ['memory', 'memory_bytes'],
      ['vms', 'vms'],
      ['images', 'images'],
    ] as const
  )
    .filter(([flag]) => o[flag] !== undefined)
    .map(([, name]) => name);

const lim = (used: number, q: number, f: (n: number) => string = String) => `${f(used)}/${q ? f(q) : '∞'}`;

function tenantDetail(x: Tenant): string {
  return details([
    ['Name', x.name],
    ['Description', x.description || '-'],
    ['Created', when(x.createdUnixMs)],
    ['vCPUs', lim(x.usage!.vcpus, x.quota!.vcpus)],
    ['Memory', lim(x.usage!.memoryBytes, x.quota!.memoryBytes, bytes)],
    ['VMs', lim(x.usage!.vms, x.quota!.vms)],
    ['Images', lim(x.usage!.images, x.quota!.images)],
  ]);
}

export function registerTenantCommands(program: Command, k: CliKit): void {
  const tenant = program.command('tenant').description('tenants and their quotas');
  quotaOpts(
    tenant.command('create <name>').description('create a tenant').option('--description <text>', 'what it is', ''),
    '0',
  ).action(async (name, o) => {
    const r = await k.withClient((c) =>
      c.call<P.CreateTenantResponse>((md, op, cb) =>
        c.auth.CreateTenant({ name, description: o.description, quota: quotaOf(o) }, md, op, cb),
      ),
    );
    k.out(r.tenant, () => `created tenant ${r.tenant?.name}`);
  });
  tenant
    .command('ls')
    .description('list tenants with quota and usage')
    .action(async () => {
      const tenants = await k.withClient((c) =>
        k.listAll(async (pageToken) => {
          const r = await c.call<P.ListTenantsResponse>((md, op, cb) =>
            c.auth.ListTenants({ pageSize: 500, pageToken }, md, op, cb),
          );
          return { items: r.tenants, next: r.nextPageToken };
        }),
      );
      k.out(tenants, (v) =>
        table(
          ['NAME', 'VCPUS', 'MEMORY', 'VMS', 'IMAGES', 'DESCRIPTION'],
          tenants.map((x) => [
            x.name,
            lim(x.usage!.vcpus, x.quota!.vcpus),
            lim(x.usage!.memoryBytes, x.quota!.memoryBytes, bytes),
            lim(x.usage!.vms, x.quota!.vms),
            lim(x.usage!.images, x.quota!.images),
            x.description || '-',
          ]),
          v,
        ),
      );
    });
  tenant
    .command('show <name>')
    .description('show a tenant: quotas and what it uses now (used/quota)')
    .action(async (name) => {
      const r = await k.withClient((c) =>
        c.call<GetTenantResponse>((md, op, cb) => c.auth.GetTenant({ tenant: name }, md, op, cb)),
      );
      k.out(r.tenant, () => tenantDetail(r.tenant!));
    });
  tenant
    .command('rm <name>')
    .description('delete a tenant that holds nothing (no VMs, sets or API tokens left)')
    .action(async (name) => {
      const r = await k.withClient((c) =>
        c.call<DeleteTenantResponse>((md, op, cb) => c.auth.DeleteTenant({ tenant: name }, md, op, cb)),
      );
      k.out(r.tenant, () => `deleted tenant ${r.tenant?.name}`);
    });
  quotaOpts(
    tenant.command('quota <name>').description("change a tenant's quotas (those not given stay as they are)"),
  ).action(async (name, o) => {
    const updateMask = quotaMaskOf(o);
    if (!updateMask.length) throw new CliError('give at least one of --vcpus, --memory, --vms, --images');
    const quota = quotaOf(o);
    const r = await k.withClient((c) =>
      c.call<P.SetTenantQuotaResponse>((md, op, cb) =>
        c.auth.SetTenantQuota({ tenant: name, quota, updateMask }, md, op, cb),
      ),
    );
    k.out(r.tenant, () => `quota of ${r.tenant?.name} set`);
  });
}
