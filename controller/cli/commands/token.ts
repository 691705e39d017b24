// nephele token: join and API tokens.
import { Option, type Command } from 'commander';
import type { Token__Output as Token } from '../../../common/gen/nephele/v1/Token.js';
import type * as P from '../types.js';
import { parseDuration } from '../../../common/validate.js';
import { CliError } from '../client.js';
import { enumWord, table, when } from '../format.js';
import { collect, type CliKit } from '../kit.js';
import { resolveToken } from '../resolve.js';

export function registerTokenCommands(program: Command, k: CliKit): void {
  const token = program.command('token').description('join and API tokens');
  token
    .command('create')
    .description('create a join token (one agent, one time) or an API token')
    .option('--join', 'a one-time join token for an agent (default)')
    .option('--api', 'an API token for admin tools')
    .option('--ttl <duration>', 'lifetime, e.g. 1h, 7d (join default 1h; API default never)')
    .option('--description <text>', 'what it is for', '')
    .addOption(new Option('--kind <kind>', 'join tokens: force the host kind').choices(['dedicated', 'adhoc']))
    .addOption(
      new Option('--role <role>', 'API tokens: the role (default viewer)').choices([
        'admin',
        'operator',
        'tenant-admin',
        'viewer',
        'federation',
      ]),
    )
    .option('--tenant <name>', "API tokens: the tenant the role applies to (default: yours, or 'default')")
    .option(
      '--grant <permission>',
      'API tokens: a permission beside the role, repeatable (vms.task: may run tasks)',
      collect,
      [] as string[],
    )
    .option('--user-group <name>', 'API tokens: the default user group of the VMs and sets it creates (usage)')
    .option('--request-id <id>', 'idempotency key')
    .action(async (o) => {
      if (o.join && o.api) throw new CliError('--join and --api exclude each other');
      const req: P.CreateTokenRequest = {
        kind: o.api ? 'TOKEN_KIND_API' : 'TOKEN_KIND_JOIN',
        ttlSeconds: o.ttl ? Math.ceil(parseDuration(o.ttl) / 1000) : 0,
        description: o.description,
        hostKind:
          o.kind === 'adhoc'
            ? 'HOST_KIND_ADHOC'
            : o.kind === 'dedicated'
              ? 'HOST_KIND_DEDICATED'
              : 'HOST_KIND_UNSPECIFIED',
        requestId: o.requestId ?? '',
        role: o.role ?? '',
        tenant: o.tenant ?? '',
        grants: o.grant,
        userGroup: o.userGroup ?? '',
      };
      if (!o.api && (o.role || o.tenant || o.grant.length || o.userGroup))
        throw new CliError('--role, --tenant, --grant and --user-group apply to API tokens (--api)');
      const r = await k.withClient((c) =>
        c.call<P.CreateTokenResponse>((md, op, cb) => c.auth.CreateToken(req, md, op, cb)),
      );
      // The secret alone on stdout (so `$(nephele token create --join)` is just the token); the rest on stderr.
      if (k.quiet()) return void process.stdout.write(r.secret + '\n');
      if (!k.json())
        k.note(
          `# token ${r.token?.id}, ${enumWord(r.token?.kind, 'TOKEN_KIND_')}, expires ${when(r.token?.expiresUnixMs) === '-' ? 'never' : when(r.token?.expiresUnixMs)}. Shown once; keep it secret.`,
        );
      // -o name: the token's id (its secret is the table view's result).
      k.out(k.format() === 'name' ? r.token : r, () => r.secret);
    });
  token
    .command('ls')
    .description('list tokens (never their secrets)')
    .option('--all', 'include revoked tokens')
    .action(async (o) => {
      const tokens = await k.withClient((c) =>
        k.listAll<Token>(async (pageToken) => {
          const r = await c.call<P.ListTokensResponse>((md, op, cb) =>
            c.auth.ListTokens({ pageSize: 500, pageToken, includeRevoked: !!o.all }, md, op, cb),
          );
          return { items: r.tokens, next: r.nextPageToken };
        }),
      );
      k.out(tokens, (v) =>
        table(
          ['ID', 'KIND', 'DESCRIPTION', 'CREATED', 'EXPIRES', 'STATUS', 'USER GROUP'],
          tokens.map((t) => [
            t.id,
            enumWord(t.kind, 'TOKEN_KIND_'),
            t.description || '-',
            when(t.createdUnixMs),
            t.expiresUnixMs ? when(t.expiresUnixMs) : 'never',
            t.revoked
              ? 'revoked'
              : t.usedUnixMs
                ? `used by ${t.usedByHost}`
                : t.expiresUnixMs && t.expiresUnixMs < Date.now()
                  ? 'expired'
                  : 'active',
            t.userGroup || '-',
          ]),
          v,
        ),
      );
    });
  token
    .command('revoke <id>')
    .description('revoke a token (id or unique id prefix); its next use fails')
    .action(async (ref) => {
      const r = await k.withClient(async (c) => {
        const tokenId = await resolveToken(c, ref);
        return c.call<P.RevokeTokenResponse>((md, op, cb) => c.auth.RevokeToken({ tokenId }, md, op, cb));
      });
      k.out(r, () => `revoked ${r.token?.id}`);
    });

  token
    .command('bind <id> <role>')
    .description('give an API token a role (admin, operator, tenant-admin, viewer) in a tenant')
    .option('--tenant <name>', 'the tenant (tenant roles)')
    .option(
      '--grant <permission>',
      'a permission beside the role, repeatable (vms.task: may run tasks); replaces the previous grants',
      collect,
      [] as string[],
    )
    .action(async (ref, role, o) => {
      const r = await k.withClient(async (c) => {
        const tokenId = await resolveToken(c, ref);
        return c.call<P.BindRoleResponse>((md, op, cb) =>
          c.auth.BindRole({ tokenId, role, tenant: o.tenant ?? '', grants: o.grant }, md, op, cb),
        );
      });
      k.out(
        r.token,
        () =>
          `${r.token?.id}: ${r.token?.role}${r.token?.tenant ? ` in ${r.token.tenant}` : ''}${r.token?.grants?.length ? ` + ${r.token.grants.join(', ')}` : ''}`,
      );
    });
}
