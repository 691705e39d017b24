// A throwaway PostgreSQL for tests: initdb + pg_ctl as the postgres user in a
// temp dir, listening only on a Unix socket in that dir (no TCP; the port
// number only names the socket). Outside CI a machine without PostgreSQL skips
// the file loudly; in CI the file fails (as test/helpers/qemu.ts does for QEMU).
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import t from 'tap';
import { tmpDir } from './tmp.js';

/** Debian keeps the server binaries off PATH, under /usr/lib/postgresql/<major>/bin. */
function binDir(): string | undefined {
  // PATH may hold symlinks to a few of them only: the real dir has createdb too.
  const onPath = spawnSync('sh', ['-c', 'command -v initdb']).stdout?.toString().trim();
  const real = onPath ? dirname(realpathSync(onPath)) : '';
  if (real && existsSync(join(real, 'createdb'))) return real;
  const base = '/usr/lib/postgresql';
  const majors = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  return majors.map((m) => join(base, m, 'bin')).find((d) => existsSync(join(d, 'initdb')));
}

const BIN = binDir();
const pgUser = spawnSync('id', ['-u', 'postgres']);
export const havePostgres = !!BIN && pgUser.status === 0;

/** Call at the top of the file. */
export function postgresOrSkip(name: string): void {
  if (!havePostgres && process.env.CI !== 'true') {
    t.comment(
      `SKIPPING ${name}: PostgreSQL (initdb, pg_ctl, a postgres user) not installed (in CI this fails instead)`,
    );
    process.exit(0);
  }
}

export interface Postgres {
  dir: string;
  port: number;
  /** A URL for `pg` over the socket (with a password that trust auth ignores, to test redaction). */
  url(password?: string): string;
  start(): void;
  stop(): void;
  /** Stops the server and removes nothing else: tmpDir() removes the dir at exit. */
  teardown(): void;
}

function asPostgres(args: string[]): { status: number | null; out: string } {
  const r = spawnSync('runuser', ['-u', 'postgres', '--', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** Creates, starts and returns a cluster with a database `nephele`. */
export async function startPostgres(): Promise<Postgres> {
  if (!BIN) throw new Error('PostgreSQL is not installed (initdb not found)');
  const dir = tmpDir('nephele-pg-');
  chownSync(dir, Number(pgUser.stdout.toString().trim()), -1);
  const data = join(dir, 'data');
  // No TCP (listen_addresses=''): the port only names the socket, which sits in this private dir, so it never clashes.
  const port = 5432;
  const init = asPostgres([join(BIN, 'initdb'), '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  if (init.status !== 0) throw new Error(`initdb failed: ${init.out}`);
  let running = false;
  const pg: Postgres = {
    dir,
    port,
    url: (password = 'pw') => `postgres://postgres:${password}@/nephele?host=${encodeURIComponent(dir)}&port=${port}`,
    start() {
      const opts = `-k ${dir} -p ${port} -c listen_addresses='' -c fsync=off`;
      const r = asPostgres([join(BIN, 'pg_ctl'), '-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', 'start']);
      if (r.status !== 0) throw new Error(`pg_ctl start failed: ${r.out}`);
      running = true;
    },
    stop() {
      const r = asPostgres([join(BIN, 'pg_ctl'), '-D', data, '-m', 'fast', '-w', 'stop']);
      if (r.status !== 0) throw new Error(`pg_ctl stop failed: ${r.out}`);
      running = false;
    },
    teardown() {
      if (running) pg.stop();
    },
  };
  pg.start();
  // A test that fails midway still stops its server (reap.ts would kill it less politely).
  process.on('exit', () => {
    try {
      pg.teardown();
    } catch {
      // tmpDir()'s exit hook may have gone first: reap.ts killed the server then.
    }
  });
  const created = asPostgres([join(BIN, 'createdb'), '-h', dir, '-p', String(port), '-U', 'postgres', 'nephele']);
  if (created.status !== 0) throw new Error(`createdb failed: ${created.out}`);
  return pg;
}
