// The PostgreSQL sink: the state table and the action log in a database the
// user owns. The schema is ours: created and migrated at open under an advisory
// lock (schema_version holds the level reached). Writes are one multi-row
// INSERT … ON CONFLICT per kind, guarded by seq so a replayed or late entry
// never overwrites a newer one (at-least-once delivery, exactly-once rows).
import type pg from 'pg';
import type { Logger } from '../../../common/logger.js';
import type { MirrorEntry, MonitorSink } from '../ports.js';
import { newestByKey } from './keyed.js';
import { redactError } from './url.js';

/** Connections at most (the mirror has one sender; a second covers open + write overlap). */
const POOL_MAX = 2;
const LOCK_ID = 0x6e657068; // 'neph': serializes migrations of controllers sharing a database

/** Each step runs once, in order, in one transaction with its version bump. */
export const MIGRATIONS: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE appliances (
        vm_id text PRIMARY KEY,
        seq bigint NOT NULL,
        tenant text NOT NULL,
        set_id text NOT NULL,
        host_id text NOT NULL,
        app_state text NOT NULL,
        updated_at timestamptz NOT NULL,
        row jsonb NOT NULL
      );
      CREATE TABLE actions (
        id text PRIMARY KEY,
        seq bigint NOT NULL,
        vm_id text NOT NULL,
        tenant text NOT NULL,
        set_id text NOT NULL,
        kind text NOT NULL,
        outcome text NOT NULL,
        created_at timestamptz NOT NULL,
        action jsonb NOT NULL
      );
      CREATE INDEX actions_vm ON actions (vm_id, created_at);`,
  },
  // A VM that went away keeps its last row, marked: no stale "running" row of a VM that is gone.
  { version: 2, sql: 'ALTER TABLE appliances ADD COLUMN removed_at timestamptz' },
];

type Cols = (e: MirrorEntry) => unknown[];

const ts = (ms: number) => new Date(ms).toISOString();

const TABLES: { kind: 'appliances' | 'actions'; sql: (values: string) => string; cols: Cols }[] = [
  {
    kind: 'appliances',
    sql: (values) =>
      `INSERT INTO appliances (vm_id, seq, tenant, set_id, host_id, app_state, updated_at, row, removed_at) VALUES ${values}
       ON CONFLICT (vm_id) DO UPDATE SET seq = EXCLUDED.seq, tenant = EXCLUDED.tenant, set_id = EXCLUDED.set_id,
         host_id = EXCLUDED.host_id, app_state = EXCLUDED.app_state, updated_at = EXCLUDED.updated_at, row = EXCLUDED.row,
         removed_at = EXCLUDED.removed_at
       WHERE appliances.seq < EXCLUDED.seq`,
    cols: (e) => {
      if (e.item.kind !== 'appliance') return [];
      const r = e.item.row;
      const removed = e.item.removedUnixMs ? ts(e.item.removedUnixMs) : null;
      return [r.vmId, e.seq, r.tenant, r.setId, r.hostId, r.appState, ts(r.updatedUnixMs), JSON.stringify(r), removed];
    },
  },
  {
    kind: 'actions',
    sql: (values) =>
      `INSERT INTO actions (id, seq, vm_id, tenant, set_id, kind, outcome, created_at, action) VALUES ${values}
       ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, outcome = EXCLUDED.outcome, action = EXCLUDED.action
       WHERE actions.seq < EXCLUDED.seq`,
    cols: (e) => {
      if (e.item.kind !== 'action') return [];
      const a = e.item.action;
      return [a.id, e.seq, a.vmId, a.tenant, a.setId, a.kind, a.outcome, ts(a.createdUnixMs), JSON.stringify(a)];
    },
  },
];

/** `($1,$2,…),($n+1,…)` for rows of `width` values. */
function placeholders(rows: number, width: number): string {
  const out: string[] = [];
  for (let r = 0; r < rows; r++)
    out.push(`(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(',')})`);
  return out.join(',');
}

export class PostgresSink implements MonitorSink {
  readonly name = 'postgres';
  private pool: pg.Pool | undefined;
  /** Closed for good: a connect that was importing the driver meanwhile makes no pool (it would never be ended). */
  private closed = false;
  /** The driver, imported once on first connect (every controller start paid ~0.09 s of CPU for it). */
  private static driver: Promise<typeof pg> | undefined;

  constructor(
    private readonly url: string,
    private readonly log: Logger,
  ) {}

  private async getPool(): Promise<pg.Pool> {
    if (!this.pool) {
      PostgresSink.driver ??= import('pg').then((m) => m.default);
      const driver = await PostgresSink.driver;
      if (this.closed) throw new Error('the monitor store is closed');
      // The import is awaited: another caller may have made the pool meanwhile.
      if (this.pool) return this.pool;
      this.pool = new driver.Pool({
        connectionString: this.url,
        max: POOL_MAX,
        connectionTimeoutMillis: 5_000,
        idleTimeoutMillis: 30_000,
        query_timeout: 30_000,
      });
      // An idle client losing its server emits here; unhandled it would end the process.
      this.pool.on('error', (e) =>
        this.log.warn({ err_msg: redactError(e, this.url) }, 'monitor store connection lost'),
      );
    }
    return this.pool;
  }

  async open(): Promise<void> {
    await this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [LOCK_ID]);
      await c.query('CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)');
      const r = await c.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_version');
      const at = r.rows[0]?.version ?? 0;
      for (const m of MIGRATIONS.filter((x) => x.version > at)) {
        await c.query(m.sql);
        await c.query('INSERT INTO schema_version (version) VALUES ($1)', [m.version]);
      }
    });
  }

  async write(entries: MirrorEntry[]): Promise<void> {
    const by = newestByKey(entries);
    await this.tx(async (c) => {
      for (const t of TABLES) {
        const rows = by[t.kind];
        if (rows.length === 0) continue;
        const params = rows.flatMap(t.cols);
        await c.query(t.sql(placeholders(rows.length, params.length / rows.length)), params);
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const p = this.pool;
    this.pool = undefined;
    await p?.end().catch(() => {});
  }

  /** One transaction on a pooled client; every error leaves here with the URL's password removed. */
  private async tx(fn: (c: pg.PoolClient) => Promise<void>): Promise<void> {
    let c: pg.PoolClient | undefined;
    let broken = false;
    try {
      c = await (await this.getPool()).connect();
      await c.query('BEGIN');
      await fn(c);
      await c.query('COMMIT');
    } catch (e) {
      // A client that failed mid-transaction is dropped, not returned to the pool.
      broken = true;
      await c?.query('ROLLBACK').catch(() => {});
      throw new Error(`postgres: ${redactError(e, this.url)}`);
    } finally {
      c?.release(broken);
    }
  }
}
