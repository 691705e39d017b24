import { InvalidArgumentError, PermissionDeniedError } from '../../common/errors.js';

// Authorization: one table maps every RPC to the permission it needs. A test
// walks the proto descriptors and fails when an RPC has no rule here, so no new
// RPC can ship unguarded.

// federation: another controller's token on this one, for ImportUsage only (usage pushed to a backup site).
export const ROLES = ['admin', 'operator', 'tenant-admin', 'viewer', 'federation'] as const;
export type Role = (typeof ROLES)[number];

export type Permission =
  | 'fleet.read' // hosts, groups, inventories
  | 'fleet.write' // cordon, groups, revoke hosts
  | 'fleet.admin' // remove hosts from the fleet for good
  | 'join.write' // join tokens (enrolling hosts)
  | 'tokens.read'
  | 'tokens.write' // API tokens, in scope
  | 'tenants.read'
  | 'tenants.write' // tenants, quotas, role bindings
  | 'events.read'
  | 'vms.read'
  | 'vms.write'
  | 'vms.task' // run tenant-supplied code (a `task` in a VM's config) on a host
  | 'usage.read' // usage records, exports, rate cards, export schedules (in scope)
  | 'usage.write' // export schedules (in scope)
  | 'usage.admin' // rate cards, peers, pushes, backup plans
  | 'usage.import' // ImportUsage: what a peer controller pushes here
  | 'images.read' // images, lineage, configuration tables, update cycles (in scope)
  | 'images.write' // management instances, captures, uploads, populate, update cycles, revocation (in scope)
  | 'monitor.read' // the appliance state table, policies, the action log, subscriptions (in scope)
  | 'monitor.write' // set and tenant monitor policies, control actions, polls (in scope)
  | 'monitor.admin' // the fleet's default policy, subscriptions (what a tenant pays for is not the tenant's to extend)
  | 'reclass.read' // classes, analyses, recommendations, set policies (in scope)
  | 'reclass.write' // recommend, apply, set policies (in scope)
  | 'reclass.admin' // the class catalog (fleet-wide: what every tenant is sized by)
  | 'reclass.offer' // OfferTargets: what a peer controller may ask for (spare VMs, no tenants or names)
  | 'schemes.read' // the schemes catalog and definition conversion (no state of anyone's)
  | 'bus.read' // the VM messaging bus: subscribe, list topics (in scope)
  | 'bus.write'; // publish on the bus (in scope)

/** How a call authenticates when it does not use an API token. */
export type Special = 'public' | 'agent';

export interface Rule {
  /** Permission an API token needs, or how the call authenticates otherwise. */
  need: Permission | Special;
  /** Mutating calls are audited whatever their outcome. */
  mutating: boolean;
}

const r = (need: Rule['need'], mutating = false): Rule => ({ need, mutating });

export const RULES: Record<string, Rule> = {
  'AgentService.Enroll': r('public', true), // the join token in the body authenticates
  'AgentService.Session': r('agent'), // the client certificate authenticates
  'AgentService.PutDisk': r('agent'), // only the source host of a cold move
  'AgentService.GetDisk': r('agent'), // only the target host of a cold move
  'AgentService.PutConsole': r('agent'), // only the host the console was asked of
  'AgentService.FetchImage': r('agent'), // only a base some VM desired on the host is cloned from
  'AgentService.PutImage': r('agent'), // only the host a capture command was sent to

  'HostService.ListHosts': r('fleet.read'),
  'HostService.GetHost': r('fleet.read'),
  'HostService.CordonHost': r('fleet.write', true),
  'HostService.UncordonHost': r('fleet.write', true),
  'HostService.CreateGroup': r('fleet.write', true),
  'HostService.ListGroups': r('fleet.read'),
  'HostService.SetHostGroups': r('fleet.write', true),
  'HostService.RevokeHost': r('fleet.write', true),
  'HostService.DrainHost': r('fleet.write', true),
  'HostService.GetVersion': r('public'), // what a client talks to, before it has a token
  'HostService.RemoveHost': r('fleet.admin', true),

  'AuthService.CreateToken': r('tokens.write', true), // join tokens additionally need join.write
  'AuthService.RevokeToken': r('tokens.write', true),
  'AuthService.ListTokens': r('tokens.read'),
  'AuthService.CreateTenant': r('tenants.write', true),
  'AuthService.ListTenants': r('tenants.read'),
  'AuthService.BindRole': r('tenants.write', true),
  'AuthService.SetTenantQuota': r('tenants.write', true),
  'AuthService.GetTenant': r('tenants.read'),
  'AuthService.DeleteTenant': r('tenants.write', true),

  'VmService.CreateVmSet': r('vms.write', true),
  'VmService.GetVmSet': r('vms.read'),
  'VmService.ListVmSets': r('vms.read'),
  'VmService.ScaleVmSet': r('vms.write', true),
  'VmService.DeleteVmSet': r('vms.write', true),
  'VmService.GetPlan': r('vms.read'),
  'VmService.CreateVm': r('vms.write', true),
  'VmService.ListVms': r('vms.read'),
  'VmService.GetVm': r('vms.read'),
  'VmService.GetConsole': r('vms.read'), // a tenant reads its own VMs' consoles
  'VmService.StartVm': r('vms.write', true),
  'VmService.StopVm': r('vms.write', true),
  'VmService.SuspendVm': r('vms.write', true),
  'VmService.ResumeVm': r('vms.write', true),
  'VmService.RebootVm': r('vms.write', true),
  'VmService.DestroyVm': r('vms.write', true),
  'VmService.MigrateVm': r('fleet.write', true), // which host a VM runs on is the operator's

  'EventService.ListEvents': r('events.read'),
  'EventService.WatchEvents': r('events.read'),

  'UsageService.QueryUsage': r('usage.read'),
  'UsageService.ExportUsage': r('usage.read', true), // every export is audited
  'UsageService.CreateExportSchedule': r('usage.write', true),
  'UsageService.ListExportSchedules': r('usage.read'),
  'UsageService.DeleteExportSchedule': r('usage.write', true),
  'UsageService.SetRateCard': r('usage.admin', true),
  'UsageService.GetRateCard': r('usage.read'),
  'UsageService.AddPeer': r('usage.admin', true),
  'UsageService.ListPeers': r('usage.admin'),
  'UsageService.RemovePeer': r('usage.admin', true),
  'UsageService.PushUsage': r('usage.admin', true),
  'UsageService.ImportUsage': r('usage.import', true),
  'UsageService.GetBackupPlan': r('usage.admin'),
  'UsageService.ApplyBackupPlan': r('usage.admin', true),
  'UsageService.FailoverBackup': r('usage.admin', true),

  'ReclassService.DefineClass': r('reclass.admin', true),
  'ReclassService.ListClasses': r('reclass.read'),
  'ReclassService.DeleteClass': r('reclass.admin', true),
  'ReclassService.Analyze': r('reclass.read'),
  'ReclassService.Recommend': r('reclass.write', true),
  'ReclassService.ListRecommendations': r('reclass.read'),
  'ReclassService.GetRecommendation': r('reclass.read'),
  'ReclassService.ApplyRecommendation': r('reclass.write', true), // the change goes through the planner and quotas in scope
  'ReclassService.SetReclassPolicy': r('reclass.write', true),
  'ReclassService.GetReclassPolicy': r('reclass.read'),
  'ReclassService.OfferTargets': r('reclass.offer'),

  'SchemeService.ListSchemes': r('schemes.read'), // host ids only for fleet.read holders
  'SchemeService.ConvertDefinition': r('schemes.read'),
  'SchemeService.ImportVm': r('vms.write', true),
  'SchemeService.ExportVm': r('vms.write', true), // a VM's whole disk leaves: audited
  'SchemeService.ControlVmNative': r('vms.write', true),
  'SchemeService.MigrateAcrossSchemes': r('fleet.write', true), // which host and hypervisor a VM runs on is the operator's
  'SchemeService.Publish': r('bus.write', true),
  'SchemeService.Subscribe': r('bus.read', true), // subscriptions are audited
  'SchemeService.ListTopics': r('bus.read'),

  'TokenService.BeginManagement': r('images.write', true),
  'TokenService.ConfigureManagementInstance': r('images.write', true),
  'TokenService.CaptureImage': r('images.write', true),
  'TokenService.EndManagement': r('images.write', true),
  'TokenService.PopulateSet': r('images.write', true), // also needs vms.write (it creates a set)
  'TokenService.UpdateVmSet': r('images.write', true), // also needs vms.write
  'TokenService.GetUpdateCycle': r('images.read'),
  'TokenService.ListUpdateCycles': r('images.read'),
  'TokenService.GetConfigurationTable': r('images.read'),
  'TokenService.ListImages': r('images.read'),
  'TokenService.GetImage': r('images.read'),
  'TokenService.UploadImage': r('images.write', true),
  'TokenService.DownloadImage': r('images.read', true), // every download of an image is audited
  'TokenService.RevokeImage': r('images.write', true),
  'TokenService.GetImageLineage': r('images.read'),

  'MonitorService.ListAppliances': r('monitor.read'),
  'MonitorService.GetAppliance': r('monitor.read'),
  'MonitorService.PollAppliance': r('monitor.write'),
  'MonitorService.SetMonitorPolicy': r('monitor.write', true), // scope "fleet" also needs monitor.admin; exec probes need vms.task
  'MonitorService.GetMonitorPolicy': r('monitor.read'),
  'MonitorService.ListControlActions': r('monitor.read'),
  'MonitorService.TakeControlAction': r('monitor.write', true),
  'MonitorService.SetSubscription': r('monitor.admin', true),
  'MonitorService.GetSubscription': r('monitor.read'),
};

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: [
    'fleet.read',
    'fleet.write',
    'fleet.admin',
    'join.write',
    'tokens.read',
    'tokens.write',
    'tenants.read',
    'tenants.write',
    'events.read',
    'vms.read',
    'vms.write',
    'vms.task',
    'usage.read',
    'usage.write',
    'usage.admin',
    'usage.import',
    'images.read',
    'images.write',
    'monitor.read',
    'monitor.write',
    'monitor.admin',
    'reclass.read',
    'reclass.write',
    'reclass.admin',
    'reclass.offer', // held so an admin may create federation tokens (one grants only what one holds)
    'schemes.read',
    'bus.read',
    'bus.write',
  ],
  operator: [
    'fleet.read',
    'fleet.write',
    'join.write',
    'tokens.read',
    'tokens.write',
    'tenants.read',
    'events.read',
    'vms.read',
    'vms.write',
    'vms.task',
    'usage.read',
    'usage.write',
    'usage.admin',
    'images.read',
    'images.write',
    'monitor.read',
    'monitor.write',
    'monitor.admin',
    'reclass.read',
    'reclass.write',
    'reclass.admin',
    'schemes.read',
    'bus.read',
    'bus.write',
  ],
  'tenant-admin': [
    'tokens.read',
    'tokens.write',
    'tenants.read',
    'events.read',
    'vms.read',
    'vms.write',
    'usage.read',
    'usage.write',
    'images.read',
    'images.write',
    'monitor.read',
    'monitor.write',
    'reclass.read',
    'reclass.write',
    'schemes.read',
    'bus.read',
    'bus.write',
  ],
  viewer: [
    'tenants.read',
    'events.read',
    'vms.read',
    'usage.read',
    'images.read',
    'monitor.read',
    'reclass.read',
    'schemes.read',
    'bus.read',
  ],
  federation: ['usage.import', 'reclass.offer'],
};

/**
 * Permissions a token may hold beside its role (CreateToken/BindRole `grants`):
 * a tenant runs its own code on hosts only when someone who may do so says it may.
 */
export const GRANTABLE: readonly Permission[] = ['vms.task'];

/** Roles whose reach is the whole system rather than one tenant. */
export const SYSTEM_ROLES: readonly Role[] = ['admin', 'operator'];
/** Roles bound to no tenant: the system roles, and federation (a peer's token: it imports and sees nothing). */
export const TENANTLESS_ROLES: readonly Role[] = [...SYSTEM_ROLES, 'federation'];

export interface Principal {
  kind: 'token' | 'host' | 'anonymous';
  id: string; // token id or host id
  role: Role | 'agent' | '';
  /** "" = every tenant (system roles); otherwise the only tenant it may see. */
  tenant: string;
  /** Grantable permissions held beside the role. */
  grants?: readonly Permission[];
  /** The token's default user group for the VMs it creates ('' = none). */
  userGroup?: string;
}

/** The principal of a verified API token (stored grants that are no longer grantable count for nothing). */
export function tokenPrincipal(rec: {
  id: string;
  role: string;
  tenant: string;
  grants?: readonly string[];
  userGroup?: string;
}): Principal {
  return {
    kind: 'token',
    id: rec.id,
    role: isRole(rec.role) ? rec.role : '',
    tenant: rec.tenant,
    grants: (rec.grants ?? []).filter(isGrantable),
    ...(rec.userGroup ? { userGroup: rec.userGroup } : {}),
  };
}

export function isGrantable(s: string): s is Permission {
  return (GRANTABLE as readonly string[]).includes(s);
}

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

export function can(p: Principal, perm: Permission): boolean {
  return isRole(p.role) && (ROLE_PERMISSIONS[p.role].includes(perm) || !!p.grants?.includes(perm));
}

/**
 * Validates the grants a caller asks to put on a token: known and grantable
 * (INVALID_ARGUMENT naming `field[i]`), and held by the caller itself — you may
 * not grant what you do not hold (PERMISSION_DENIED).
 */
export function requireGrants(p: Principal, grants: readonly string[] | undefined, field = 'grants'): Permission[] {
  const list = grants ?? [];
  if (list.length > 16) throw new InvalidArgumentError(field, 'at most 16 grants');
  const out: Permission[] = [];
  list.forEach((g, i) => {
    if (!isGrantable(g)) throw new InvalidArgumentError(`${field}[${i}]`, `must be one of ${GRANTABLE.join(', ')}`);
    if (!can(p, g)) throw new PermissionDeniedError(`you may not grant ${g}: you do not hold it`);
    if (!out.includes(g)) out.push(g);
  });
  return out;
}

/**
 * A VM whose config carries a `task` runs tenant-supplied code on a host (the
 * process scheme executes it): that needs vms.task beside vms.write.
 */
export function authorizeTask(p: Principal, config: Record<string, string> | null | undefined, field: string): void {
  if (config?.task && !can(p, 'vms.task')) {
    throw new PermissionDeniedError(
      `${field}.task: running a task needs the vms.task permission (role ${p.role || 'none'} has it only when an admin or operator grants it to the token)`,
    );
  }
}

export function rule(rpc: string): Rule {
  const x = RULES[rpc];
  if (!x) throw new Error(`no authorization rule for ${rpc}`);
  return x;
}

/** Throws PERMISSION_DENIED unless the principal may call the RPC. */
export function authorize(p: Principal, rpc: string): Rule {
  const x = rule(rpc);
  if (x.need === 'public' || x.need === 'agent') return x;
  if (!can(p, x.need)) throw new PermissionDeniedError(`role ${p.role || 'none'} may not call ${rpc}`);
  return x;
}

/** A system-wide principal sees every tenant; others only their own. */
export function tenantScope(p: Principal): string | undefined {
  return isRole(p.role) && SYSTEM_ROLES.includes(p.role) && p.tenant === '' ? undefined : p.tenant;
}
