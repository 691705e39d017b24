import type { AuthServiceHandlers } from '../../common/gen/nephele/v1/AuthService.js';
import type { Quota__Output } from '../../common/gen/nephele/v1/Quota.js';
import { InvalidArgumentError, NotFoundError, PermissionDeniedError } from '../../common/errors.js';
import { optionalString, pageSize, requireId, requireName } from '../../common/validate.js';
import { unaryRpc, pageToken, type RpcLayer, type UnaryCtx } from '../rpc/handler.js';
import { DEFAULT_TENANT, type Tenants } from '../tenancy/tenants.js';
import { whatRemains } from '../tenancy/holdings.js';
import type { CreateTokenRequest__Output } from '../../common/gen/nephele/v1/CreateTokenRequest.js';
import {
  can,
  isGrantable,
  isRole,
  requireGrants,
  ROLE_PERMISSIONS,
  ROLES,
  TENANTLESS_ROLES,
  type Permission,
  type Role,
} from './authz.js';
import { DEFAULT_JOIN_TTL_MS, type TokenRecord, type TokenStore } from './tokens.js';
import { HostKindEnum, TokenKindEnum, tokenToProto as publicToken } from '../../common/grpc/convert.js';
import { dimValueArg } from '../usage/convert.js';

const MAX_TTL_S = 10 * 365 * 86_400;

const QUOTA_FIELDS = { vcpus: 'vcpus', memory_bytes: 'memoryBytes', vms: 'vms', images: 'images' } as const;

/** The quotas an update names (snake_case, as on the wire); undefined: all of them. */
function quotaMask(mask: string[] | undefined): (keyof Quota__Output)[] | undefined {
  if (!mask?.length) return undefined;
  if (mask.length > 4) throw new InvalidArgumentError('update_mask', 'names at most the 4 quotas');
  return mask.map((m, i) => {
    const f = QUOTA_FIELDS[m as keyof typeof QUOTA_FIELDS];
    if (!f)
      throw new InvalidArgumentError(`update_mask[${i}]`, `must be one of ${Object.keys(QUOTA_FIELDS).join(', ')}`);
    return f;
  });
}

function quotaArg(q: Quota__Output | null | undefined, field = 'quota'): Quota__Output {
  const out = { vcpus: 0, memoryBytes: 0, vms: 0, images: 0 };
  if (!q) return out;
  for (const [k, name] of [
    ['vcpus', 'vcpus'],
    ['memoryBytes', 'memory_bytes'],
    ['vms', 'vms'],
    ['images', 'images'],
  ] as const) {
    const v = q[k];
    if (!Number.isSafeInteger(v) || v < 0)
      throw new InvalidArgumentError(`${field}.${name}`, 'must be a non-negative integer');
    out[k] = v;
  }
  return out;
}

/**
 * Checks a role binding the caller asks for: a valid role, a tenant that fits
 * it, and no escalation (nobody grants permissions they do not hold, and
 * tenant-scoped callers stay in their own tenant).
 */
async function bindingArg(
  ctx: UnaryCtx,
  tenants: Tenants,
  roleIn: string,
  tenantIn: string,
): Promise<{ role: Role; tenant: string }> {
  const role = roleIn || 'viewer';
  if (!isRole(role)) throw new InvalidArgumentError('role', `must be one of ${ROLES.join(', ')}`);
  // Unspecified: the caller's own tenant, or for system callers granting a
  // tenant role, the default tenant.
  const tenant = tenantIn
    ? requireName('tenant', tenantIn)
    : (ctx.scope ?? (TENANTLESS_ROLES.includes(role) ? '' : DEFAULT_TENANT));
  if (ctx.scope !== undefined && tenant !== ctx.scope)
    throw new PermissionDeniedError('you may only grant roles in your own tenant');
  if (ROLE_PERMISSIONS[role].some((p) => !can(ctx.principal, p)))
    throw new PermissionDeniedError(`you may not grant the role ${role}`);
  if (TENANTLESS_ROLES.includes(role)) {
    if (tenant) throw new InvalidArgumentError('tenant', `${role} is system-wide and takes no tenant`);
  } else {
    if (!tenant) throw new InvalidArgumentError('tenant', `${role} needs a tenant`);
    if (!(await tenants.exists(tenant))) throw new InvalidArgumentError('tenant', 'unknown tenant');
  }
  return { role, tenant };
}

/** What a token lets its holder do. */
function permissionsOf(rec: TokenRecord): readonly Permission[] {
  if (rec.kind === 'join') return ['join.write'];
  return [...(isRole(rec.role) ? ROLE_PERMISSIONS[rec.role] : []), ...(rec.grants ?? []).filter(isGrantable)];
}

/**
 * "You may not grant what you do not hold" applies to taking away as well: a
 * caller revokes or rebinds only tokens whose permissions are all its own (so
 * an operator cannot lock admins out). Its own token it may always give up.
 */
function mayManage(ctx: UnaryCtx, rec: TokenRecord, verb: 'revoke' | 'rebind'): void {
  if (rec.id === ctx.principal.id) return;
  if (permissionsOf(rec).some((p) => !can(ctx.principal, p)))
    throw new PermissionDeniedError(`you may not ${verb} a token that holds permissions you do not`);
}

/** CreateToken's request, validated and authorized for this caller (also when it is replayed). */
async function createTokenArgs(req: CreateTokenRequest__Output, ctx: UnaryCtx, tenants: Tenants) {
  const kind = TokenKindEnum.require(req.kind, 'kind');
  if (!Number.isInteger(req.ttlSeconds) || req.ttlSeconds < 0 || req.ttlSeconds > MAX_TTL_S) {
    throw new InvalidArgumentError('ttl_seconds', `must be between 0 and ${MAX_TTL_S}`);
  }
  const description = optionalString('description', req.description, 256);
  const hostKind = HostKindEnum.optional(req.hostKind, 'host_kind');
  if (hostKind && kind !== 'join') throw new InvalidArgumentError('host_kind', 'only join tokens carry a host kind');
  const ttlMs = req.ttlSeconds ? req.ttlSeconds * 1000 : kind === 'join' ? DEFAULT_JOIN_TTL_MS : 0;
  // The default user group of the VMs this token creates (usage is grouped by it).
  const userGroup = dimValueArg('user_group', req.userGroup);
  let binding: { role?: string; tenant?: string; grants?: Permission[] } = {};
  if (kind === 'join') {
    if (req.role || req.tenant || userGroup)
      throw new InvalidArgumentError(
        req.role ? 'role' : req.tenant ? 'tenant' : 'user_group',
        'join tokens carry no role, tenant or user group',
      );
    if (req.grants?.length) throw new InvalidArgumentError('grants', 'join tokens carry no grants');
    if (!can(ctx.principal, 'join.write')) throw new PermissionDeniedError('only admins and operators enrol hosts');
  } else {
    binding = await bindingArg(
      ctx,
      tenants,
      optionalString('role', req.role, 32),
      optionalString('tenant', req.tenant, 63),
    );
    binding.grants = requireGrants(ctx.principal, req.grants);
  }
  return { kind, ttlMs, description, hostKind, ...binding, ...(userGroup ? { userGroup } : {}) };
}

export function authHandlers(layer: RpcLayer, tokens: TokenStore, tenants: Tenants): AuthServiceHandlers {
  // Replays re-run the call's own checks and read within the caller's scope.
  const tokenView = async (ref: string, _req: unknown, ctx: UnaryCtx) => ({
    token: publicToken((await tokens.get(ref, ctx.scope)).rec),
  });
  const tenantView = async (ref: string) => ({ tenant: (await tenants.get(ref)).t });
  return {
    CreateToken: unaryRpc(
      layer,
      'AuthService.CreateToken',
      async (req, ctx) => {
        const args = await createTokenArgs(req, ctx, tenants);
        const { token, secret } = await tokens.create({ ...args, createdBy: ctx.actor });
        return { token: publicToken(token), secret };
      },
      async (ref, req, ctx) => {
        await createTokenArgs(req, ctx, tenants);
        const { token, secret } = await tokens.replay(ref, ctx.actor, ctx.scope);
        return { token: publicToken(token), secret };
      },
    ),

    RevokeToken: unaryRpc(
      layer,
      'AuthService.RevokeToken',
      async (req, ctx) => {
        const id = requireId('token_id', req.tokenId);
        return { token: publicToken(await tokens.revoke(id, ctx.scope, (rec) => mayManage(ctx, rec, 'revoke'))) };
      },
      async (ref, _req, ctx) => {
        const { rec } = await tokens.get(ref, ctx.scope);
        mayManage(ctx, rec, 'revoke');
        return { token: publicToken(rec) };
      },
    ),

    ListTokens: unaryRpc(layer, 'AuthService.ListTokens', async (req, ctx) => {
      const limit = pageSize(req.pageSize);
      const kind = TokenKindEnum.optional(req.kind, 'kind');
      const wanted = req.tenant ? requireName('tenant', req.tenant) : undefined;
      if (ctx.scope !== undefined && wanted !== undefined && wanted !== ctx.scope)
        return { tokens: [], nextPageToken: '' };
      const tenant = ctx.scope ?? wanted;
      const { tokens: page, more } = await tokens.list({
        kind,
        includeRevoked: !!req.includeRevoked,
        after: pageToken.decode(req.pageToken),
        limit,
        tenant,
      });
      return { tokens: page.map(publicToken), nextPageToken: more ? pageToken.encode(page.at(-1)?.id) : '' };
    }),

    CreateTenant: unaryRpc(
      layer,
      'AuthService.CreateTenant',
      async (req) => {
        const name = requireName('name', req.name);
        const description = optionalString('description', req.description, 1024);
        return { tenant: await tenants.create(name, description, quotaArg(req.quota)) };
      },
      tenantView,
    ),

    ListTenants: unaryRpc(layer, 'AuthService.ListTenants', async (req, ctx) => {
      const limit = pageSize(req.pageSize);
      const { tenants: page, more } = await tenants.list(pageToken.decode(req.pageToken), limit, ctx.scope);
      return { tenants: page, nextPageToken: more ? pageToken.encode(page.at(-1)?.name) : '' };
    }),

    BindRole: unaryRpc(
      layer,
      'AuthService.BindRole',
      async (req, ctx) => {
        const id = requireId('token_id', req.tokenId);
        const { role, tenant } = await bindingArg(
          ctx,
          tenants,
          requireName('role', req.role),
          optionalString('tenant', req.tenant, 63),
        );
        const grants = requireGrants(ctx.principal, req.grants);
        return {
          token: publicToken(
            await tokens.bindRole(id, role, tenant, grants, ctx.scope, (rec) => mayManage(ctx, rec, 'rebind')),
          ),
        };
      },
      async (ref, req, ctx) => {
        await bindingArg(ctx, tenants, requireName('role', req.role), optionalString('tenant', req.tenant, 63));
        requireGrants(ctx.principal, req.grants);
        return tokenView(ref, req, ctx);
      },
    ),

    SetTenantQuota: unaryRpc(
      layer,
      'AuthService.SetTenantQuota',
      async (req) => {
        const name = requireName('tenant', req.tenant);
        return { tenant: await tenants.setQuota(name, quotaArg(req.quota), quotaMask(req.updateMask)) };
      },
      tenantView,
    ),

    GetTenant: unaryRpc(layer, 'AuthService.GetTenant', async (req, ctx) => {
      const name = requireName('tenant', req.tenant);
      // Another tenant's is NOT_FOUND, as if it did not exist.
      if (ctx.scope !== undefined && name !== ctx.scope) throw new NotFoundError('tenant');
      return { tenant: (await tenants.get(name)).t };
    }),

    DeleteTenant: unaryRpc(layer, 'AuthService.DeleteTenant', async (req) => {
      const name = requireName('tenant', req.tenant);
      return {
        tenant: await tenants.remove(name, (t) => whatRemains(layer.deps.store, t, layer.deps.clock.now())),
      };
    }),
  };
}
