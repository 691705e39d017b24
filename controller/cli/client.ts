import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { v1 } from '../../common/grpc/load.js';
import type { HostServiceClient } from '../../common/gen/nephele/v1/HostService.js';
import type { AuthServiceClient } from '../../common/gen/nephele/v1/AuthService.js';
import type { EventServiceClient } from '../../common/gen/nephele/v1/EventService.js';
import type { VmServiceClient } from '../../common/gen/nephele/v1/VmService.js';
import { unary } from '../../common/grpc/promisify.js';

export interface ClientOptions {
  controller: string;
  token?: string;
  caFile?: string;
  dataDir: string;
  insecure?: boolean;
  timeoutMs?: number;
}

export class CliError extends Error {
  /** The process exit code (Nomad's: 1 failed, 2 a dry run leaves work unplaced, 3 a wait timed out). */
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Exit codes of the wait and plan commands. */
export const EXIT = { failed: 1, unplaced: 2, timeout: 3 } as const;

/** Admin connection: TLS against the controller CA plus the bearer token on every call. */
export class AdminClient {
  readonly hosts: HostServiceClient;
  readonly auth: AuthServiceClient;
  readonly events: EventServiceClient;
  readonly vms: VmServiceClient;
  private readonly md = new grpc.Metadata();
  private readonly timeoutMs: number;

  constructor(o: ClientOptions) {
    const token = o.token ?? readIf(join(o.dataDir, 'admin.token'));
    if (!token)
      throw new CliError(
        `no API token: pass --token, set NEPHELE_TOKEN, or run next to the controller's data dir (${o.dataDir}/admin.token)`,
      );
    this.md.set('authorization', `Bearer ${token.trim()}`);
    let creds: grpc.ChannelCredentials;
    if (o.insecure) creds = grpc.credentials.createInsecure();
    else {
      const caPath = o.caFile ?? join(o.dataDir, 'ca.pem');
      const ca = readIf(caPath);
      if (!ca) throw new CliError(`no controller CA at ${caPath}: pass --ca-file or set NEPHELE_CA`);
      creds = grpc.credentials.createSsl(Buffer.from(ca));
    }
    const pkg = v1();
    this.hosts = new pkg.HostService(o.controller, creds);
    this.auth = new pkg.AuthService(o.controller, creds);
    this.events = new pkg.EventService(o.controller, creds);
    this.vms = new pkg.VmService(o.controller, creds);
    this.timeoutMs = o.timeoutMs ?? 15_000;
  }

  metadata(): grpc.Metadata {
    return this.md;
  }

  opts(): grpc.CallOptions {
    return { deadline: Date.now() + this.timeoutMs };
  }

  /** `c.call((md, o, cb) => c.hosts.ListHosts(req, md, o, cb))` */
  call<Res>(fn: (md: grpc.Metadata, opts: grpc.CallOptions, cb: grpc.requestCallback<Res>) => unknown): Promise<Res> {
    return unary<Res>((cb) => fn(this.md, this.opts(), cb));
  }

  close(): void {
    this.hosts.close();
    this.auth.close();
    this.events.close();
    this.vms.close();
  }
}

function readIf(p: string): string | undefined {
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}
