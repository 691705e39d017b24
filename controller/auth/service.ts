import type { AuthServiceHandlers } from '../../common/gen/nephele/v1/AuthService.js';
import { InvalidArgumentError } from '../../common/errors.js';
import { optionalString, pageSize, requireEnum, requireId } from '../../common/validate.js';
import { adminUnary, pageToken, type RpcDeps } from '../rpc/handler.js';
import { DEFAULT_JOIN_TTL_MS, publicToken, type TokenStore } from './tokens.js';

const MAX_TTL_S = 10 * 365 * 86_400;

export function authHandlers(deps: RpcDeps, tokens: TokenStore): AuthServiceHandlers {
  return {
    CreateToken: adminUnary(deps, 'CreateToken', async (req, ctx) => {
      const kind = requireEnum('kind', req.kind, ['TOKEN_KIND_JOIN', 'TOKEN_KIND_API'] as const)!;
      if (!Number.isInteger(req.ttlSeconds) || req.ttlSeconds < 0 || req.ttlSeconds > MAX_TTL_S) {
        throw new InvalidArgumentError('ttl_seconds', `must be between 0 and ${MAX_TTL_S}`);
      }
      const description = optionalString('description', req.description, 256);
      const hostKind = requireEnum('host_kind', req.hostKind, ['HOST_KIND_DEDICATED', 'HOST_KIND_ADHOC'] as const, { optional: true });
      if (hostKind && kind !== 'TOKEN_KIND_JOIN') throw new InvalidArgumentError('host_kind', 'only join tokens carry a host kind');
      const ttlMs = req.ttlSeconds ? req.ttlSeconds * 1000 : kind === 'TOKEN_KIND_JOIN' ? DEFAULT_JOIN_TTL_MS : 0;
      const { token, secret } = await tokens.create({ kind, ttlMs, description, hostKind, createdBy: ctx.actor });
      return { token: publicToken(token), secret };
    }, async (ref) => {
      const { token, secret } = await tokens.replay(ref);
      return { token: publicToken(token), secret };
    }),
    RevokeToken: adminUnary(deps, 'RevokeToken', async (req) => ({ token: publicToken(await tokens.revoke(requireId('token_id', req.tokenId))) }),
      async (ref) => ({ token: publicToken((await tokens.get(ref)).rec) })),
    ListTokens: adminUnary(deps, 'ListTokens', async (req) => {
      const limit = pageSize(req.pageSize);
      const kind = requireEnum('kind', req.kind, ['TOKEN_KIND_JOIN', 'TOKEN_KIND_API'] as const, { optional: true });
      const { tokens: page, more } = await tokens.list({ kind, includeRevoked: !!req.includeRevoked, after: pageToken.decode(req.pageToken), limit });
      return { tokens: page.map(publicToken), nextPageToken: more ? pageToken.encode(page.at(-1)?.id) : '' };
    }),
  };
}
