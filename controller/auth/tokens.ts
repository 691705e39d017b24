import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostKind, TokenKind, TokenRecord } from '../model/index.js';
import { ulid, ULID_RE } from '../../common/ids.js';
import { FailedPreconditionError, NotFoundError, UnauthenticatedError } from '../../common/errors.js';
import { at, del, put, retryOnConflict, type Op, type Store } from '../../common/store/index.js';
import type { Clock } from '../../common/clock.js';
import type { EventLog, NewEvent } from '../events/log.js';

export const TOKENS = 'tokens';
export const TOKENS_BY_TENANT = 'tokens-by-tenant'; // `${tenant}/${id}`

export type { TokenRecord };

export const JOIN_PREFIX = 'nj1';
const INVALID_API = 'invalid API token';
export const DEFAULT_JOIN_TTL_MS = 3_600_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Join and API tokens. A secret is HMAC(key, token id): it can be shown again
 * for an idempotent replay of CreateToken without being stored anywhere.
 */
export class TokenStore {
  private readonly key: Buffer;
  /** Verified API tokens, so the hot path does no store read. Cleared on revoke. */
  private readonly cache = new Map<string, TokenRecord>();
  /** Bumped after every revoke/rebind: a verify that read the store before it must not cache. */
  private generation = 0;

  constructor(
    private readonly store: Store,
    private readonly events: EventLog,
    private readonly clock: Clock,
    dataDir: string,
    private readonly caPin: string,
  ) {
    const keyFile = join(dataDir, 'pki', 'token.key');
    if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
    this.key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'hex');
  }

  private secretFor(id: string): string {
    return createHmac('sha256', this.key).update(id).digest('base64url');
  }

  /** The string a user passes around: `<id>.<secret>`; join tokens also carry the CA pin. */
  bearerFor(r: { id: string; kind: string }): string {
    const base = `${r.id}.${this.secretFor(r.id)}`;
    return r.kind === 'join' ? `${JOIN_PREFIX}.${this.caPin}.${base}` : base;
  }

  async create(
    o: {
      kind: TokenKind;
      ttlMs: number;
      description: string;
      hostKind?: HostKind;
      createdBy: string;
      role?: string;
      tenant?: string;
      grants?: string[];
      userGroup?: string;
    },
    extraOps: Op[] = [],
    extraEvents: NewEvent[] = [],
  ): Promise<{ token: TokenRecord; secret: string }> {
    const now = this.clock.now();
    const id = ulid(now);
    const rec: TokenRecord = {
      id,
      kind: o.kind,
      description: o.description,
      createdUnixMs: now,
      expiresUnixMs: o.ttlMs > 0 ? now + o.ttlMs : 0,
      revoked: false,
      usedUnixMs: 0,
      usedByHost: '',
      createdBy: o.createdBy,
      ...(o.hostKind ? { hostKind: o.hostKind } : {}),
      role: o.kind === 'api' ? (o.role ?? 'viewer') : '',
      tenant: o.kind === 'api' ? (o.tenant ?? '') : '',
      grants: o.kind === 'api' ? (o.grants ?? []) : [],
      ...(o.kind === 'api' && o.userGroup ? { userGroup: o.userGroup } : {}),
      secretHash: sha256(this.secretFor(id)),
    };
    await this.events.commit({
      ops: [put(TOKENS, id, rec), put(TOKENS_BY_TENANT, `${rec.tenant}/${id}`, 1), ...extraOps],
      events: [
        {
          type: 'token.created',
          message: `${o.kind === 'join' ? 'join' : 'API'} token created`,
          tenant: rec.tenant,
          attributes: {
            token_id: id,
            kind: o.kind,
            ...(rec.role ? { role: rec.role } : {}),
            ...(rec.grants.length ? { grants: rec.grants.join(',') } : {}),
          },
        },
        ...extraEvents.map((e) => ({ ...e, attributes: { ...e.attributes, token_id: id } })),
      ],
      ref: id,
    });
    return { token: rec, secret: this.bearerFor(rec) };
  }

  /** With a tenant scope, another tenant's token is NOT_FOUND: its existence is not revealed. */
  async get(id: string, scope?: string): Promise<{ rec: TokenRecord; version: number }> {
    if (scope !== undefined && !(ULID_RE.test(id) && (await this.store.get(TOKENS_BY_TENANT, `${scope}/${id}`))))
      throw new NotFoundError('token');
    const r = ULID_RE.test(id) ? await this.store.get<TokenRecord>(TOKENS, id) : undefined;
    if (!r) throw new NotFoundError('token');
    return { rec: r.value, version: r.version };
  }

  /**
   * Rebinds an API token to a role in a tenant (and replaces its grants); takes effect on its next call.
   * `scope` hides other tenants' tokens; `check` refuses a token the caller may not manage.
   */
  async bindRole(
    id: string,
    role: string,
    tenant: string,
    grants: string[] = [],
    scope?: string,
    check: (rec: TokenRecord) => void = () => {},
  ): Promise<TokenRecord> {
    return retryOnConflict(async () => {
      const { rec, version } = await this.get(id, scope);
      if (rec.kind !== 'api') throw new FailedPreconditionError('only API tokens carry roles');
      check(rec);
      const next = { ...rec, role, tenant, grants };
      await this.events.commit({
        ops: [
          put(TOKENS, id, next),
          del(TOKENS_BY_TENANT, `${rec.tenant}/${id}`),
          put(TOKENS_BY_TENANT, `${tenant}/${id}`, 1),
        ],
        preconditions: [at(TOKENS, id, version)],
        events: [
          {
            type: 'token.role_bound',
            message: 'token bound to a role',
            tenant,
            attributes: { token_id: id, role, tenant, grants: grants.join(',') },
          },
        ],
        ref: id,
      });
      this.forget(id);
      return next;
    });
  }

  /** CreateToken's answer again, only ever to the principal that created the token. */
  async replay(id: string, createdBy: string, scope?: string): Promise<{ token: TokenRecord; secret: string }> {
    const { rec } = await this.get(id, scope);
    if (rec.createdBy !== createdBy) throw new NotFoundError('token');
    return { token: rec, secret: this.bearerFor(rec) };
  }

  async revoke(id: string, scope?: string, check: (rec: TokenRecord) => void = () => {}): Promise<TokenRecord> {
    const { rec, version } = await this.get(id, scope);
    check(rec);
    if (rec.revoked) return rec;
    const next = { ...rec, revoked: true };
    await this.events.commit({
      ops: [put(TOKENS, id, next)],
      preconditions: [at(TOKENS, id, version)],
      events: [{ type: 'token.revoked', message: 'token revoked', tenant: rec.tenant, attributes: { token_id: id } }],
      ref: id,
    });
    this.forget(id);
    return next;
  }

  async list(o: {
    kind?: TokenKind;
    includeRevoked: boolean;
    after: string;
    limit: number;
    tenant?: string;
  }): Promise<{ tokens: TokenRecord[]; more: boolean }> {
    const out: TokenRecord[] = [];
    for await (const value of this.scan(o.after, o.tenant)) {
      if (o.kind && value.kind !== o.kind) continue;
      if (!o.includeRevoked && value.revoked) continue;
      if (out.length === o.limit) return { tokens: out, more: true };
      out.push(value);
    }
    return { tokens: out, more: false };
  }

  private forget(id: string): void {
    this.generation++;
    this.cache.delete(id);
  }

  /** All tokens after `after`, or one tenant's through its index. */
  private async *scan(after: string, tenant?: string): AsyncIterable<TokenRecord> {
    if (tenant === undefined) {
      for await (const { value } of this.store.scan<TokenRecord>(TOKENS, after ? { gt: after } : {})) yield value;
      return;
    }
    const prefix = `${tenant}/`;
    for await (const { key } of this.store.scan(TOKENS_BY_TENANT, {
      prefix,
      ...(after ? { gt: prefix + after } : {}),
    })) {
      const r = await this.store.get<TokenRecord>(TOKENS, key.slice(prefix.length));
      if (r) yield r.value;
    }
  }

  /** Parses a bearer or join string into id + secret (the CA pin is checked by agents, not here). */
  static parse(s: string): { id: string; secret: string } | undefined {
    const parts = s.trim().split('.');
    const tail = parts.length === 4 && parts[0] === JOIN_PREFIX ? parts.slice(2) : parts;
    if (tail.length !== 2 || !ULID_RE.test(tail[0]!) || !tail[1]) return undefined;
    return { id: tail[0]!, secret: tail[1] };
  }

  private check(rec: TokenRecord, secret: string): boolean {
    const a = Buffer.from(rec.secretHash, 'hex');
    const b = Buffer.from(sha256(secret), 'hex');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Authenticates an API bearer token. Same error for every failure: nothing is revealed. */
  async verifyApi(bearer: string): Promise<TokenRecord> {
    const p = TokenStore.parse(bearer);
    if (!p) throw new UnauthenticatedError('malformed API token');
    const now = this.clock.now();
    let rec = this.cache.get(p.id);
    let fresh = false;
    const gen = this.generation;
    if (!rec) {
      const r = await this.store.get<TokenRecord>(TOKENS, p.id);
      rec = r?.value;
      fresh = true;
    }
    // One answer for unknown, wrong, revoked and expired tokens: a different one would
    // confirm that a token id exists. The real reason goes only to the server's log.
    if (!rec || rec.kind !== 'api' || !this.check(rec, p.secret))
      throw new UnauthenticatedError(INVALID_API, 'unknown token or wrong secret');
    if (rec.revoked) throw new UnauthenticatedError(INVALID_API, 'token revoked');
    if (rec.expiresUnixMs && rec.expiresUnixMs <= now) {
      this.cache.delete(p.id);
      throw new UnauthenticatedError(INVALID_API, 'token expired');
    }
    // Cache only what no revoke/rebind can have overtaken while we read it.
    if (!fresh || gen === this.generation) this.cache.set(p.id, rec);
    return rec;
  }

  /**
   * Checks a join token and returns the ops that consume it; the caller commits
   * them with its host record, under the returned precondition, so a token can
   * enrol exactly one host even when two agents race with it.
   */
  async prepareJoin(
    joinToken: string,
    hostId: string,
  ): Promise<{ rec: TokenRecord; ops: Op[]; pre: ReturnType<typeof at> }> {
    const p = TokenStore.parse(joinToken);
    if (!p) throw new UnauthenticatedError('malformed join token');
    const r = await this.store.get<TokenRecord>(TOKENS, p.id);
    const rec = r?.value;
    if (!r || !rec || rec.kind !== 'join' || !this.check(rec, p.secret))
      throw new UnauthenticatedError('invalid join token');
    if (rec.revoked) throw new UnauthenticatedError('join token revoked');
    if (rec.usedUnixMs) throw new UnauthenticatedError('join token already used');
    if (rec.expiresUnixMs && rec.expiresUnixMs <= this.clock.now())
      throw new UnauthenticatedError('join token expired');
    const used = { ...rec, usedUnixMs: this.clock.now(), usedByHost: hostId };
    return { rec, ops: [put(TOKENS, rec.id, used)], pre: at(TOKENS, rec.id, r.version) };
  }

  async hasAny(): Promise<boolean> {
    for await (const _ of this.store.scan(TOKENS, { limit: 1 })) return true;
    return false;
  }
}
