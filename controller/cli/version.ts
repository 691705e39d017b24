// `nephele version`: this client's release and the controller's (kubectl's `version`).
import type { Command } from 'commander';
import { buildInfo, versionLine, type BuildInfo } from '../../common/version.js';
import type { AdminClient } from './client.js';

export interface VersionDeps {
  /** A client that needs no token (GetVersion is public). */
  withAnonymousClient<T>(fn: (c: AdminClient) => Promise<T>): Promise<T>;
  out(data: unknown, human: () => string): void;
}

export function registerVersionCommand(program: Command, d: VersionDeps): void {
  program
    .command('version')
    .description("print this client's version and the controller's")
    .option('--client', 'only the client version (no connection)')
    .action(async (o: { client?: boolean }) => {
      const client = buildInfo();
      if (o.client) return d.out({ client }, () => `Client: ${versionLine(client)}`);
      const server = await d.withAnonymousClient(async (c) => {
        const r: BuildInfo = await c.getVersion({});
        return { version: r.version, commit: r.commit, address: c.conn.address };
      });
      d.out(
        { client, server },
        () => `Client: ${versionLine(client)}\nServer: ${versionLine(server)} at ${server.address}`,
      );
    });
}
