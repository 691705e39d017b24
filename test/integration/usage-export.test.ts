// Issue 12 item 5: `nephele usage export` (CSV, JSON Lines, FOCUS) and export
// schedules through the real CLI against a real controller whose store holds
// raw usage records (written before it starts, with the model's keys).
import t from 'tap';
import { createServer } from 'node:http';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, FAST, startController, type ControllerProc } from '../helpers/procs.js';
import { seedUsage, usageRecord, vmIdOf } from '../helpers/usage-records.js';
import type { UsageRecord } from '../../controller/usage/model.js';
import type { AdminClient } from '../../controller/cli/client.js';
import type { Event__Output as Event } from '../../common/gen/nephele/v1/Event.js';

const NOW = Date.now();
const names = ['plain', 'a,b', 'say "hi"', 'two\nlines', 'crlf\r\nend'];
// Past records of two tenants, and acme records that start over the next seconds (new for each scheduled run).
const past: UsageRecord[] = [
  ...Array.from({ length: 20 }, (_, i) =>
    usageRecord({ vmId: vmIdOf(i), vmName: names[i % names.length]!, startUnixMs: NOW - 1_800_000 + i * 1000 }),
  ),
  ...Array.from({ length: 10 }, (_, i) =>
    usageRecord({ vmId: vmIdOf(100 + i), tenant: 'other', app: 'db', startUnixMs: NOW - 1_700_000 + i * 1000 }),
  ),
];
const acmeIds = past.filter((r) => r.tenant === 'acme').map((r) => r.id);

let ctl: ControllerProc;
const dir = tmpDir();
const base = () => ['--controller', ctl.address, '--data-dir', dir];
const run = (...args: string[]) => cli([...base(), ...args]);
const asAcme = (...args: string[]) => cli([...base(), '--token', acmeToken, ...args]);
const csvRows = (s: string) => parse(s, { columns: true }) as Record<string, string>[];

async function apiToken(a: AdminClient, role: string, tenant: string): Promise<string> {
  const r = await a.call<{ secret: string }>((md, o, cb) =>
    a.auth.CreateToken({ kind: 'TOKEN_KIND_API', role, tenant }, md, o, cb as never),
  );
  return r.secret;
}

let acmeToken = '';
t.before(async () => {
  await seedUsage(dir, past);
  ctl = await startController(dir, { args: [...FAST, '--usage-export-settle', '0s'] });
  const a = ctl.admin();
  for (const name of ['acme', 'other']) await a.call((md, o, cb) => a.auth.CreateTenant({ name }, md, o, cb as never));
  acmeToken = await apiToken(a, 'tenant-admin', 'acme');
  a.close();
});
t.teardown(() => ctl?.kill());

t.test('export to stdout and --out in each format; filters narrow it', async (t) => {
  const to = new Date(NOW).toISOString();
  const csv = await run('usage', 'export', '--format', 'csv', '--to', to);
  t.equal(csv.code, 0, csv.stderr);
  const rows = csvRows(csv.stdout);
  t.equal(rows.length, past.length, 'every record before --to, one row each');
  t.same(rows.map((r) => r.vm_name).slice(0, names.length), names, 'names with commas, quotes, line breaks survive');
  t.equal(csv.stderr, '', 'nothing but data on stdout, nothing on stderr (not a terminal)');

  const acme = await run('usage', 'export', '--format', 'csv', '--tenant', 'other', '--app', 'db', '--from', '1h');
  t.equal(acme.code, 0, acme.stderr);
  t.same(
    csvRows(acme.stdout).map((r) => r.record_id),
    past.filter((r) => r.tenant === 'other').map((r) => r.id),
    '--tenant/--app/--from (a duration ago) select exactly the matching records',
  );

  const out = join(tmpDir(), 'usage.jsonl');
  const jl = await run('usage', 'export', '--format', 'jsonl', '--tenant', 'acme', '--to', to, '--out', out);
  t.equal(jl.code, 0, jl.stderr);
  t.equal(jl.stdout, '', '--out: nothing on stdout');
  t.match(jl.stderr, /exported 20 records/);
  const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean);
  t.equal(lines.length, 20, 'JSONL: one object per line');
  t.same(
    lines.map((l) => (JSON.parse(l) as { id: string }).id),
    past.filter((r) => r.tenant === 'acme').map((r) => r.id),
  );
  t.notOk(existsSync(`${out}.partial`), 'no partial file left');

  const focus = await run('usage', 'export', '--format', 'focus', '--tenant', 'other', '--to', to, '--progress');
  t.equal(focus.code, 0, focus.stderr);
  const f = csvRows(focus.stdout);
  t.equal(f.length, 10 * 4, 'FOCUS: a row per record and priced component');
  t.ok(f.every((r) => r.SubAccountId === 'other' && r.ChargeCategory === 'Usage' && r.ServiceCategory === 'Compute'));
  t.ok(f.every((r) => Date.parse(r.ChargePeriodStart!) < Date.parse(r.ChargePeriodEnd!)));
  t.match(focus.stderr, /exporting/, '--progress: a bar on stderr');
});

t.test('tenant isolation: a tenant-admin exports only its own tenant', async (t) => {
  const own = await asAcme('usage', 'export', '--format', 'jsonl', '--to', new Date(NOW).toISOString());
  t.equal(own.code, 0, own.stderr);
  const tenants = new Set(
    own.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { tenant: string }).tenant),
  );
  t.same([...tenants], ['acme'], 'only acme records');
  const theirs = await asAcme('usage', 'export', '--format', 'csv', '--tenant', 'other');
  t.not(theirs.code, 0);
  t.match(theirs.stderr, /INVALID_ARGUMENT: filter\.tenant/);
  t.equal(theirs.stdout, '');
});

t.test('malformed format, FOCUS version, filters and cron: INVALID_ARGUMENT naming the field', async (t) => {
  const cases: [string[], RegExp][] = [
    [['usage', 'export', '--format', 'xml'], /INVALID_ARGUMENT: format/],
    [['usage', 'export', '--format', 'focus', '--focus-version', '0.1'], /INVALID_ARGUMENT: focus_version/],
    [['usage', 'export', '--format', 'csv', '--app', 'Not An App'], /INVALID_ARGUMENT: filter\.app/],
    [
      ['usage', 'export', '--format', 'csv', '--from', '2026-01-02', '--to', '2026-01-01'],
      /INVALID_ARGUMENT: filter\.to_unix_ms/,
    ],
    [
      ['usage', 'schedule', 'create', 'x', '--cron', '61 * * * *', '--format', 'csv', '--dir', 'd'],
      /INVALID_ARGUMENT: schedule\.cron/,
    ],
    [
      ['usage', 'schedule', 'create', 'x', '--cron', '* * * * *', '--format', 'pdf', '--dir', 'd'],
      /INVALID_ARGUMENT: schedule\.format/,
    ],
    [
      ['usage', 'schedule', 'create', 'x', '--cron', '* * * * *', '--format', 'csv', '--dir', '../up'],
      /INVALID_ARGUMENT: schedule\.destination\.directory/,
    ],
    [
      ['usage', 'schedule', 'create', 'x', '--cron', '* * * * *', '--format', 'csv', '--url', 'ftp://h/x'],
      /INVALID_ARGUMENT: schedule\.destination\.url/,
    ],
  ];
  // In parallel: each is a CLI process start.
  const results = await Promise.all(cases.map(([args]) => run(...args)));
  results.forEach((r, i) => {
    const [args, want] = cases[i]!;
    t.equal(r.code, 1, args.join(' '));
    t.match(r.stderr, want, args.join(' '));
    t.equal(r.stdout, '');
  });
  const url = await asAcme(
    'usage',
    'schedule',
    'create',
    'x',
    '--cron',
    '* * * * *',
    '--format',
    'csv',
    '--url',
    'http://127.0.0.1:1/',
  );
  t.match(url.stderr, /PERMISSION_DENIED/, 'tenants may not make the controller call out');
});

t.test('every export is audited, with its record count', async (t) => {
  const a = ctl.admin();
  t.teardown(() => a.close());
  const r = await a.call<{ events: Event[] }>((md, o, cb) =>
    a.events.ListEvents({ sinceSeq: 0, pageSize: 1000, filter: { typePrefix: 'audit.' } }, md, o, cb as never),
  );
  const exports = r.events.filter((e) => e.attributes.rpc === 'UsageService.ExportUsage');
  t.ok(
    exports.some(
      (e) => e.attributes.outcome === 'OK' && e.attributes.records === '20' && e.attributes.format === 'jsonl',
    ),
  );
  t.ok(
    exports.some((e) => e.attributes.outcome === 'INVALID_ARGUMENT'),
    'refused exports too',
  );
});

const idsIn = (file: string) => csvRows(readFileSync(file, 'utf8')).map((r) => r.record_id!);

t.test('a schedule writes exactly the new records each run to its directory, and survives a restart', async (t) => {
  const c = await asAcme(
    '-q',
    'usage',
    'schedule',
    'create',
    'acme-csv',
    '--cron',
    '*/2 * * * * *',
    '--format',
    'csv',
    '--dir',
    'out',
    '--lookback',
    '1h',
  );
  t.equal(c.code, 0, c.stderr);
  const outDir = join(dir, 'exports', 'acme', 'out');
  const files = () =>
    existsSync(outDir)
      ? readdirSync(outDir)
          .filter((f) => f.endsWith('.csv'))
          .sort()
      : [];
  const all = () => files().flatMap((f) => idsIn(join(outDir, f)));
  await waitFor(() => all().length >= acmeIds.length, { timeoutMs: 40_000, message: 'every acme record exported' });
  t.same(all().sort(), [...acmeIds].sort(), "the first run: the lookback window, only the tenant's records");
  t.equal(readdirSync(join(dir, 'exports')).join(), 'acme', "into the tenant's own subdirectory only");
  const first = files().length;

  // Restart with records that start over the next seconds (and one of another tenant):
  // the reloaded schedule exports each once, over several runs.
  await ctl.stop();
  const from = Date.now() + 3000;
  const later = Array.from({ length: 8 }, (_, i) =>
    usageRecord({ vmId: vmIdOf(400 + i), vmName: `late-${i}`, startUnixMs: from + i * 600 }),
  );
  await seedUsage(dir, [...later, usageRecord({ vmId: vmIdOf(500), tenant: 'other', startUnixMs: from + 100 })]);
  ctl = await startController(dir, { args: [...FAST, '--usage-export-settle', '0s'] });
  const want = [...acmeIds, ...later.map((r) => r.id)].sort();
  await waitFor(() => all().length >= want.length, { timeoutMs: 40_000, message: 'records after the restart' });
  t.same(all().sort(), want, 'every record exactly once over all runs');
  t.ok(files().length - first >= 2, 'the new records came over several runs');

  const ls = await asAcme('--json', 'usage', 'schedule', 'ls');
  const [s] = JSON.parse(ls.stdout) as { id: string; lastStatus: string; exportedUntilUnixMs: string }[];
  t.equal(s!.lastStatus, 'ok');
  t.ok(Number(s!.exportedUntilUnixMs) > from + 7 * 600, 'exported_until moved past the last record');
  const adminLs = await run('--json', 'usage', 'schedule', 'ls');
  t.equal((JSON.parse(adminLs.stdout) as unknown[]).length, 1);

  const rm = await asAcme('usage', 'schedule', 'rm', s!.id);
  t.equal(rm.code, 0, rm.stderr);
  t.equal(JSON.parse((await run('--json', 'usage', 'schedule', 'ls')).stdout).length, 0);
});

t.test('an HTTP destination is retried with backoff: two failures, then delivered', async (t) => {
  const bodies: { status: number; body: string; records: string }[] = [];
  const srv = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const status = bodies.length < 2 ? 503 : 200;
      bodies.push({ status, body, records: String(req.headers['x-nephele-records']) });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.teardown(() => srv.close());
  const port = (srv.address() as { port: number }).port;
  const c = await run(
    '-q',
    'usage',
    'schedule',
    'create',
    'to-http',
    '--cron',
    '*/2 * * * * *',
    '--format',
    'jsonl',
    '--tenant',
    'other',
    '--url',
    `http://127.0.0.1:${port}/in`,
    '--lookback',
    '1h',
  );
  t.equal(c.code, 0, c.stderr);
  await waitFor(() => bodies.some((b) => b.status === 200), { timeoutMs: 30_000, message: 'a delivered POST' });
  t.same(
    bodies.slice(0, 3).map((b) => b.status),
    [503, 503, 200],
  );
  t.equal(bodies[2]!.body, bodies[0]!.body, 'the same export retried');
  const rows = bodies[2]!.body
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { id: string; tenant: string });
  t.ok(rows.length && rows.every((r) => r.tenant === 'other'), "only the filter's tenant");
  const ids = rows.map((r) => r.id);
  t.ok(
    past.filter((r) => r.tenant === 'other').every((r) => ids.includes(r.id)),
    'the lookback window whole',
  );
  t.equal(bodies[2]!.records, String(ids.length));
  const ls = JSON.parse((await run('--json', 'usage', 'schedule', 'ls')).stdout) as {
    id: string;
    lastStatus: string;
  }[];
  await run('usage', 'schedule', 'rm', ls[0]!.id);
});
