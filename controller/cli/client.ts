import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { v1 } from '../../common/grpc/load.js';
import type { HostServiceClient } from '../../common/gen/nephele/v1/HostService.js';
import type { AuthServiceClient } from '../../common/gen/nephele/v1/AuthService.js';
import type { EventServiceClient } from '../../common/gen/nephele/v1/EventService.js';
import type { VmServiceClient } from '../../common/gen/nephele/v1/VmService.js';
import type { UsageServiceClient } from '../../common/gen/nephele/v1/UsageService.js';
import type { TokenServiceClient } from '../../common/gen/nephele/v1/TokenService.js';
import type { MonitorServiceClient } from '../../common/gen/nephele/v1/MonitorService.js';
import type { ReclassServiceClient } from '../../common/gen/nephele/v1/ReclassService.js';
import type { SchemeServiceClient } from '../../common/gen/nephele/v1/SchemeService.js';
import { unary } from '../../common/grpc/promisify.js';
import { CLIENT_CHANNEL_OPTIONS } from '../../common/grpc/options.js';
import { ConnectTimeout, type ConnInfo } from './connect-errors.js';

export interface ClientOptions {
  controller: string;
  token?: string;
  caFile?: string;
  dataDir: string;
  insecure?: boolean;
  /** Deadline of each call once connected. */
  timeoutMs?: number;
  /** How long to wait for the connection (TCP, TLS, HTTP/2) before giving up. */
  connectTimeoutMs?: number;
  /** Public calls only (GetVersion): no token needed. */
  anonymous?: boolean;
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

/**
 * The promise form of a generated client's unary methods: `listHosts(req): Promise<ListHostsResponse>`.
 * Streaming methods and grpc.Client's own methods do not match the unary shape and drop out.
 */
type Promised<F> = F extends (arg: infer Req, cb: grpc.requestCallback<infer Res>) => grpc.ClientUnaryCall
  ? (req: Req) => Promise<Res>
  : never;
type UnaryMethods<C> = {
  [
    K in keyof C as K extends Uncapitalize<K & string> ? ([Promised<C[K]>] extends [never] ? never : K) : never
  ]: Promised<C[K]>;
};

/** The services the CLI talks to, by the AdminClient property that holds each client. */
const SERVICES = {
  hosts: 'HostService',
  auth: 'AuthService',
  events: 'EventService',
  vms: 'VmService',
  usage: 'UsageService',
  tokens: 'TokenService',
  monitor: 'MonitorService',
  reclass: 'ReclassService',
  schemes: 'SchemeService',
} as const;

// The unary methods below are put on the prototype from the service definitions (one mechanism for all).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface AdminClient
  extends
    UnaryMethods<HostServiceClient>,
    UnaryMethods<AuthServiceClient>,
    UnaryMethods<EventServiceClient>,
    UnaryMethods<VmServiceClient>,
    UnaryMethods<UsageServiceClient>,
    UnaryMethods<TokenServiceClient>,
    UnaryMethods<MonitorServiceClient>,
    UnaryMethods<ReclassServiceClient>,
    UnaryMethods<SchemeServiceClient> {}

/** Admin connection: TLS against the controller CA plus the bearer token on every call. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class AdminClient {
  readonly hosts: HostServiceClient;
  readonly auth: AuthServiceClient;
  readonly events: EventServiceClient;
  readonly vms: VmServiceClient;
  readonly usage: UsageServiceClient;
  readonly tokens: TokenServiceClient;
  readonly monitor: MonitorServiceClient;
  readonly reclass: ReclassServiceClient;
  readonly schemes: SchemeServiceClient;
  /** Where and how it connects, for error messages. */
  readonly conn: ConnInfo;
  private readonly channel: grpc.Channel;
  private readonly md = new grpc.Metadata();
  private readonly timeoutMs: number;
  private connecting?: Promise<void>;

  constructor(o: ClientOptions) {
    const token = o.token ?? readIf(join(o.dataDir, 'admin.token'));
    if (token) this.md.set('authorization', `Bearer ${token.trim()}`);
    else if (!o.anonymous)
      throw new CliError(
        `no API token: pass --token or --token-file, set NEPHELE_TOKEN, use a context with a token-file, or run next to the controller's data dir (${o.dataDir}/admin.token)`,
      );
    let creds: grpc.ChannelCredentials;
    let caFile: string | undefined;
    if (o.insecure) creds = grpc.credentials.createInsecure();
    else {
      caFile = o.caFile ?? join(o.dataDir, 'ca.pem');
      creds = grpc.credentials.createSsl(Buffer.from(readCa(caFile)));
    }
    this.timeoutMs = o.timeoutMs ?? 15_000;
    this.conn = {
      address: o.controller,
      caFile,
      insecure: !!o.insecure,
      connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
      callTimeoutMs: this.timeoutMs,
    };
    // One connection for every service.
    this.channel = new grpc.Channel(o.controller, creds, CLIENT_CHANNEL_OPTIONS);
    installUnaryMethods();
    const pkg = v1();
    const opts = { channelOverride: this.channel };
    this.hosts = new pkg.HostService(o.controller, creds, opts);
    this.auth = new pkg.AuthService(o.controller, creds, opts);
    this.events = new pkg.EventService(o.controller, creds, opts);
    this.vms = new pkg.VmService(o.controller, creds, opts);
    this.usage = new pkg.UsageService(o.controller, creds, opts);
    this.tokens = new pkg.TokenService(o.controller, creds, opts);
    this.monitor = new pkg.MonitorService(o.controller, creds, opts);
    this.reclass = new pkg.ReclassService(o.controller, creds, opts);
    this.schemes = new pkg.SchemeService(o.controller, creds, opts);
  }

  metadata(): grpc.Metadata {
    return this.md;
  }

  opts(): grpc.CallOptions {
    return { deadline: Date.now() + this.timeoutMs };
  }

  /**
   * Resolves once the connection is up or has failed (the call that follows then
   * fails at once with the cause); rejects with ConnectTimeout when it neither
   * comes up nor fails in time, as with an endpoint that accepts and never answers.
   */
  ready(): Promise<void> {
    this.connecting ??= settle(this.channel, this.conn.connectTimeoutMs);
    return this.connecting;
  }

  /** `c.call((md, o, cb) => c.hosts.ListHosts(req, md, o, cb))` */
  async call<Res>(
    fn: (md: grpc.Metadata, opts: grpc.CallOptions, cb: grpc.requestCallback<Res>) => unknown,
  ): Promise<Res> {
    await this.ready();
    return unary<Res>((cb) => fn(this.md, this.opts(), cb));
  }

  close(): void {
    for (const k of Object.keys(SERVICES) as (keyof typeof SERVICES)[]) this[k].close();
    this.channel.close();
  }
}

let installed = false;
/** Puts a promise method on AdminClient for every unary RPC (once, at the first client: --help loads no protos). */
function installUnaryMethods(): void {
  if (installed) return;
  installed = true;
  for (const [prop, service] of Object.entries(SERVICES) as [keyof typeof SERVICES, string][]) {
    const def = (v1() as unknown as Record<string, { service: grpc.ServiceDefinition }>)[service]!.service;
    for (const [name, m] of Object.entries(def)) {
      if (m.requestStream || m.responseStream) continue;
      const method = name[0]!.toLowerCase() + name.slice(1);
      Object.defineProperty(AdminClient.prototype, method, {
        value(this: AdminClient, req: unknown) {
          const client = this[prop] as unknown as Record<string, (...a: unknown[]) => unknown>;
          return this.call((md, o, cb) => client[name]!(req, md, o, cb));
        },
      });
    }
  }
}

function settle(ch: grpc.Channel, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const S = grpc.connectivityState;
  return new Promise((resolve, reject) => {
    const step = (): void => {
      const s = ch.getConnectivityState(true);
      if (s === S.READY || s === S.TRANSIENT_FAILURE || s === S.SHUTDOWN) return resolve();
      ch.watchConnectivityState(s, deadline, (err) => (err ? reject(new ConnectTimeout(timeoutMs)) : step()));
    };
    step();
  });
}

/** The CA file, checked here: grpc-js would take any bytes and fail later with a misleading TLS error. */
function readCa(path: string): string {
  const pem = readIf(path);
  if (pem === undefined) throw new CliError(`no controller CA at ${path}: pass --ca-file or set NEPHELE_CA`);
  try {
    new X509Certificate(pem);
  } catch {
    throw new CliError(`${path} is not a PEM certificate (check --ca-file / NEPHELE_CA)`);
  }
  return pem;
}

function readIf(p: string): string | undefined {
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}
