// Issue 12 item 6, the seed's backup deployment: two real controllers, each
// with its own (fake) agents. The source pushes a filtered subset of its usage
// to the target with a federation token over mTLS; the target stores it once,
// derives demand and a dry-run plan on its own fleet, creates standby sets and
// fails them over. The federation token can call nothing but ImportUsage.
import t from 'tap';
import { protoLoaderDefinition } from '../helpers/proto-def.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { LevelStore, put } from '../../common/store/index.js';
import { ulid } from '../../common/ids.js';
import { v1 } from '../../common/grpc/load.js';
import { unary } from '../../common/grpc/promisify.js';
import { RULES } from '../../controller/auth/authz.js';
import {
  importedKey,
  rawKey,
  recordId,
  USAGE_IMPORTED,
  USAGE_RAW,
  type UsageRecord,
} from '../../controller/usage/model.js';
import { rowToProto } from '../../controller/usage/convert.js';
import { issueWithKey } from '../../common/tls/pki.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { statusOf } from '../helpers/status.js';
import { fakeAgent, fakeInventory } from '../helpers/fake-agent.js';
import { cli, joinToken, startController, type ControllerProc } from '../helpers/procs.js';
import { setApi } from '../helpers/sets.js';

const HOUR = 3_600_000;
// Four days of hourly records from here, ending a day ago: inside the default raw retention (7 days).
const DAY0 = Math.floor(Date.now() / (24 * HOUR)) * 24 * HOUR - 5 * 24 * HOUR;
const FROM = DAY0 + 24 * HOUR; // the pushed window: days 2 and 3
const TO = DAY0 + 72 * HOUR;
const GiB = 2 ** 30;

const hostA = ulid();
const setX = ulid();
const setY = ulid();
/** Concurrent small VMs of app x / group a in hour h (1..5), and a big one in some hours. */
const smallAt = (h: number) => 1 + ((h * 7) % 5);
const bigAt = (h: number) => h % 9 === 0;

function rec(o: {
  h: number;
  vmId: string;
  app: string;
  ug: string;
  setId: string;
  vcpus: number;
  mem: number;
}): UsageRecord {
  const start = DAY0 + o.h * HOUR;
  const r = {
    vmId: o.vmId,
    vmName: `${o.app}-${o.vmId.slice(-4).toLowerCase()}`,
    setId: o.setId,
    tenant: 'default',
    hostId: hostA,
    scheme: 'process',
    vmClass: `${o.vcpus}c`,
    app: o.app,
    userGroup: o.ug,
    sla: 'guaranteed' as const,
    vcpus: o.vcpus,
    memoryMib: o.mem,
    startUnixMs: start,
    endUnixMs: start + HOUR,
    cpuSeconds: 1800 * o.vcpus,
    memoryByteSeconds: 3600 * o.mem * 2 ** 19,
    diskReadBytes: 1000,
    diskWriteBytes: 2000,
    netRxBytes: 3000,
    netTxBytes: 4000,
    uptimeSeconds: 3600,
    vcpuSeconds: 3600 * o.vcpus,
    memoryMibSeconds: 3600 * o.mem,
    records: 1,
    sources: { cpu: 'cgroup', net: 'none' },
    source: '',
  };
  return { ...r, id: recordId(r) };
}

/** The source's history: x/a (pushed in the window), x/b and y/a (never pushed). */
function history(): UsageRecord[] {
  const smallIds = Array.from({ length: 5 }, () => ulid());
  const big = ulid();
  const out: UsageRecord[] = [];
  for (let h = 0; h < 96; h++) {
    for (let i = 0; i < smallAt(h); i++)
      out.push(rec({ h, vmId: smallIds[i]!, app: 'x', ug: 'a', setId: setX, vcpus: 2, mem: 1024 }));
    if (bigAt(h)) out.push(rec({ h, vmId: big, app: 'x', ug: 'a', setId: setX, vcpus: 4, mem: 4096 }));
    out.push(rec({ h, vmId: ulid(), app: 'x', ug: 'b', setId: setX, vcpus: 2, mem: 1024 }));
    out.push(rec({ h, vmId: ulid(), app: 'y', ug: 'a', setId: setY, vcpus: 1, mem: 512 }));
  }
  return out;
}

/** Nearest rank, computed here on its own (not the controller's code). */
function nearestRank(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.ceil((p / 100) * s.length) - 1]!;
}

const recs = history();
const pushed = recs.filter((r) => r.app === 'x' && r.userGroup === 'a' && r.startUnixMs >= FROM && r.startUnixMs < TO);

let src: ControllerProc;
let tgt: ControllerProc;
let fedToken = '';
let source = '';
const closers: (() => unknown)[] = [];

const on = (c: ControllerProc, ...args: string[]) => cli(['--controller', c.address, '--data-dir', c.dataDir, ...args]);
const json = <T>(s: string): T => JSON.parse(s) as T;

/** The target's audit of successful ImportUsage calls, oldest first (what each stored). */
const importAudits = async () =>
  (await on(tgt, 'events', 'tail', '--audit', '--type', 'audit.call', '-n', '200', '-o', 'json')).stdout
    .trim()
    .split('\n')
    .map((l) => json<{ attributes: Record<string, string> }>(l).attributes)
    .filter((a) => a.rpc === 'UsageService.ImportUsage' && a.outcome === 'OK');

t.before(async () => {
  // The source's records are written into its store while it is stopped (the meter's ingest writes them in production).
  const srcDir = tmpDir();
  await (await startController(srcDir)).stop();
  await waitFor(
    async () => {
      try {
        const store = await LevelStore.open(join(srcDir, 'store'));
        for (let i = 0; i < recs.length; i += 500)
          await store.batch(recs.slice(i, i + 500).map((r) => put(USAGE_RAW, rawKey(r), r)));
        await store.close();
        return true;
      } catch {
        return false; // the stopping controller still holds the lock
      }
    },
    { timeoutMs: 20_000, message: 'source store written' },
  );
  src = await startController(srcDir);
  tgt = await startController(tmpDir());
  const big = { ...fakeInventory('t'), guest: { vcpus: 16, memoryBytes: 16 * GiB, diskBytes: 100 * GiB } };
  big.total = big.guest;
  for (const name of ['tgt-1', 'tgt-2']) {
    const a = await fakeAgent(tgt, { joinToken: await joinToken(tgt), name, inventory: { ...big, hash: name } });
    closers.push(a.close);
  }
  const s = await fakeAgent(src, { joinToken: await joinToken(src), name: 'src-1' });
  closers.push(s.close);
});
t.teardown(async () => {
  for (const c of closers) c();
  await src?.kill();
  await tgt?.kill();
});

t.test('only admins create a federation token; it is system-wide', async (t) => {
  const a = await on(tgt, 'token', 'create', '--api', '--role', 'federation', '--description', 'from src', '-q');
  t.equal(a.code, 0, a.stderr);
  fedToken = a.stdout.trim();
  t.match(fedToken, /^[0-9A-Z]{26}\.\S+$/, 'the secret alone on stdout');
  const ls = json<{ role: string; tenant: string }[]>((await on(tgt, 'token', 'ls', '-o', 'json')).stdout);
  t.ok(
    ls.some((x) => x.role === 'federation' && x.tenant === ''),
    'role federation, no tenant',
  );
  const withTenant = await on(tgt, 'token', 'create', '--api', '--role', 'federation', '--tenant', 'default');
  t.equal(withTenant.code, 1);
  t.match(withTenant.stderr, /INVALID_ARGUMENT.*tenant/);
  const op = (await on(tgt, 'token', 'create', '--api', '--role', 'operator', '-q')).stdout.trim();
  const byOp = await cli([
    '--controller',
    tgt.address,
    '--data-dir',
    tgt.dataDir,
    '--token',
    op,
    'token',
    'create',
    '--api',
    '--role',
    'federation',
  ]);
  t.equal(byOp.code, 1, 'an operator may not create one (it lacks usage.import)');
  t.match(byOp.stderr, /PERMISSION_DENIED/);
});

t.test('peer add / ls / rm on the source: the token is never shown', async (t) => {
  const caFile = join(tgt.dataDir, 'ca.pem');
  const bad = await on(
    src,
    'peer',
    'add',
    'tgt',
    tgt.address,
    '--ca',
    join(src.dataDir, 'pki', 'server.pem'),
    '--token',
    fedToken,
  );
  t.equal(bad.code, 1);
  t.match(bad.stderr, /INVALID_ARGUMENT.*ca_pem.*not a CA/, 'a leaf certificate is not a CA');
  const badTok = await on(src, 'peer', 'add', 'tgt', tgt.address, '--ca', caFile, '--token', 'nope');
  t.match(badTok.stderr, /INVALID_ARGUMENT.*token/);
  const badAddr = await on(src, 'peer', 'add', 'tgt', 'a b:1', '--ca', caFile, '--token', fedToken);
  t.match(badAddr.stderr, /INVALID_ARGUMENT.*address/);

  const add = await on(src, 'peer', 'add', 'tgt', tgt.address, '--ca', caFile, '--token', fedToken);
  t.equal(add.code, 0, add.stderr);
  t.match(add.stdout, /^peer tgt added \(127\.0\.0\.1:\d+, CA sha256 \S+\)\n$/);
  t.notOk(add.stdout.includes(fedToken) || add.stderr.includes(fedToken));
  const again = await on(src, 'peer', 'add', 'tgt', tgt.address, '--ca', caFile, '--token', fedToken);
  t.equal(again.code, 0, 'the same peer again is a no-op');
  // Also from a file (kept out of shell history); another peer of the same name is refused.
  const tokFile = join(tmpDir(), 'fed.token');
  writeFileSync(tokFile, fedToken + '\n', { mode: 0o600 });
  const other = await on(src, 'peer', 'add', 'tgt', '127.0.0.1:1', '--ca', caFile, '--peer-token-file', tokFile);
  t.match(other.stderr, /ALREADY_EXISTS/);
  const spare = await on(src, 'peer', 'add', 'spare', '127.0.0.1:1', '--ca', caFile, '--peer-token-file', tokFile);
  t.equal(spare.code, 0, spare.stderr);

  const ls = await on(src, 'peer', 'ls', '-o', 'json');
  t.equal(ls.code, 0);
  t.notOk(ls.stdout.includes(fedToken.split('.')[1]!), 'no token in the listing');
  t.notOk(ls.stdout.includes('BEGIN CERTIFICATE'), 'nor the CA itself');
  t.same(
    json<{ name: string }[]>(ls.stdout).map((p) => p.name),
    ['spare', 'tgt'],
  );
  const table = await on(src, 'peer', 'ls');
  t.match(table.stdout, /^\s*NAME\s+ADDRESS\s+CA-SHA256/);
  const rm = await on(src, 'peer', 'rm', 'spare');
  t.equal(rm.code, 0);
  t.equal(rm.stdout, 'removed peer spare\n');
  t.match((await on(src, 'peer', 'rm', 'spare')).stderr, /NOT_FOUND/);
});

t.test('a tenant-admin may not add peers or push', async (t) => {
  t.equal((await on(src, 'tenant', 'create', 'acme')).code, 0);
  const ta = (
    await on(src, 'token', 'create', '--api', '--role', 'tenant-admin', '--tenant', 'acme', '-q')
  ).stdout.trim();
  const as = (...args: string[]) =>
    cli(['--controller', src.address, '--data-dir', src.dataDir, '--token', ta, ...args]);
  const add = await as('peer', 'add', 'x', tgt.address, '--ca', join(tgt.dataDir, 'ca.pem'), '--token', fedToken);
  t.equal(add.code, 1);
  t.match(add.stderr, /PERMISSION_DENIED/);
  const push = await as('usage', 'push', '--peer', 'tgt', '--app', 'x');
  t.equal(push.code, 1);
  t.match(push.stderr, /PERMISSION_DENIED/);
  t.match((await as('peer', 'ls')).stderr, /PERMISSION_DENIED/);
});

t.test('usage push sends exactly the filtered subset, once', async (t) => {
  const args = ['usage', 'push', '--peer', 'tgt', '--app', 'x', '--user-group', 'a'];
  const win = ['--from', new Date(FROM).toISOString(), '--to', String(TO)];
  const r = await on(src, ...args, ...win, '-o', 'json');
  t.equal(r.code, 0, r.stderr);
  const res = json<{ sent: number; imported: number; duplicates: number; source: string }>(r.stdout);
  source = res.source;
  t.match(source, /^[0-9a-z]{26}$/, 'the source is the controller id');
  t.same(
    { sent: res.sent, imported: res.imported, duplicates: res.duplicates },
    { sent: pushed.length, imported: pushed.length, duplicates: 0 },
  );
  const again = await on(src, ...args, ...win);
  t.equal(again.code, 0, again.stderr);
  t.equal(
    again.stdout,
    `pushed ${pushed.length} records to tgt (as source ${source}): 0 imported, ${pushed.length} already there\n`,
  );
  const ls = json<{ name: string; lastStatus: string; pushedRecords: number }[]>(
    (await on(src, 'peer', 'ls', '-o', 'json')).stdout,
  );
  t.equal(ls[0]!.pushedRecords, pushed.length, 'imported records counted once');
  t.match(ls[0]!.lastStatus, /^ok: sent \d+, imported 0, duplicates \d+$/);
  // The target's audit says how many each import stored.
  const audit = await importAudits();
  t.same(
    audit.map((a) => [a.source, a.imported, a.duplicates]),
    [
      [source, String(pushed.length), '0'],
      [source, '0', String(pushed.length)],
    ],
  );
  // A peer that is not there: UNAVAILABLE after the retries, recorded on the peer.
  t.equal(
    (await on(src, 'peer', 'add', 'gone', '127.0.0.1:9', '--ca', join(tgt.dataDir, 'ca.pem'), '--token', fedToken))
      .code,
    0,
  );
  const gone = await on(
    src,
    'usage',
    'push',
    '--peer',
    'gone',
    '--app',
    'y',
    '--from',
    String(FROM),
    '--to',
    String(FROM + HOUR),
  );
  t.equal(gone.code, 1);
  t.match(gone.stderr, /FAILED_PRECONDITION: the peer could not be reached after 5 attempts \(UNAVAILABLE/);
});

t.test('a schedule pushes one date range of app x for user group a to the peer', async (t) => {
  const win = ['--from', new Date(FROM).toISOString(), '--to', new Date(TO).toISOString()];
  const r = await on(
    src,
    'usage',
    'schedule',
    'create',
    'x-to-tgt',
    '--cron',
    '*/2 * * * * *',
    '--peer',
    'tgt',
    '--app',
    'x',
    '--user-group',
    'a',
    ...win,
    '-o',
    'json',
  );
  t.equal(r.code, 0, r.stderr);
  const id = json<{ id: string }>(r.stdout).id;
  type Row = { id: string; lastStatus: string; lastRecords: number; exportedUntilUnixMs: number };
  const row = await waitFor(
    async () => {
      const ls = json<Row[]>((await on(src, 'usage', 'schedule', 'ls', '-o', 'json')).stdout);
      const s = ls.find((x) => x.id === id);
      return s?.lastStatus ? s : undefined;
    },
    { timeoutMs: 30_000, message: 'the schedule ran' },
  );
  t.equal(row.lastStatus, 'ok');
  t.equal(Number(row.lastRecords), pushed.length, 'exactly the subset of the range');
  t.equal(Number(row.exportedUntilUnixMs), TO, 'the run stopped at the range end');
  t.equal((await on(src, 'usage', 'schedule', 'rm', id)).code, 0);
  // The target took it as the same records it already had: nothing new stored (checked at the end).
  const audit = await importAudits();
  t.same(audit.at(-1) && [audit.at(-1)!.imported, audit.at(-1)!.duplicates], ['0', String(pushed.length)]);
});

t.test('the federation token can call ImportUsage and OfferTargets and nothing else', async (t) => {
  const def = protoLoaderDefinition();
  const creds = grpc.credentials.createSsl(readFileSync(join(tgt.dataDir, 'ca.pem')));
  const generic = new grpc.Client(tgt.address, creds);
  t.teardown(() => generic.close());
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${fedToken}`);
  let checked = 0;
  for (const [svcName, svc] of Object.entries(def)) {
    if (!svcName.startsWith('nephele.v1.') || 'format' in svc) continue;
    for (const [method, m] of Object.entries(svc as grpc.ServiceDefinition)) {
      const rpc = `${svcName.slice('nephele.v1.'.length)}.${method}`;
      const rule = RULES[rpc]!;
      if (rule.need === 'public' || rule.need === 'agent') continue;
      const code = await new Promise<number>((resolve) => {
        if (m.responseStream) {
          const s = generic.makeServerStreamRequest(
            m.path,
            (b: Buffer) => b,
            (b: Buffer) => b,
            m.requestSerialize({}),
            md,
          );
          s.on('data', () => {});
          s.on('error', (e: grpc.ServiceError) => resolve(e.code));
          s.on('end', () => resolve(0));
        } else
          generic.makeUnaryRequest(
            m.path,
            (b: Buffer) => b,
            (b: Buffer) => b,
            m.requestSerialize({}),
            md,
            (err) => resolve(err?.code ?? 0),
          );
      });
      if (rpc === 'UsageService.ImportUsage')
        t.equal(code, grpc.status.INVALID_ARGUMENT, `${rpc} is admitted (and wants a source)`);
      else if (rpc === 'ReclassService.OfferTargets') t.equal(code, grpc.status.OK, `${rpc} is admitted`);
      else t.equal(code, grpc.status.PERMISSION_DENIED, `federation may not call ${rpc}`);
      checked++;
    }
  }
  t.ok(checked >= 40, `${checked} RPCs checked`);
});

t.test('hostile ImportUsage input: INVALID_ARGUMENT naming the field, nothing stored', async (t) => {
  const id = (f: string) => readFileSync(join(src.dataDir, 'pki', f));
  const withCert = (key: Buffer, cert: Buffer) =>
    new (v1().UsageService)(
      tgt.address,
      grpc.credentials.createSsl(readFileSync(join(tgt.dataDir, 'ca.pem')), key, cert),
    );
  const c = withCert(id('server.key'), id('server.pem'));
  closers.push(() => c.close());
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${fedToken}`);
  const imp = (req: unknown, client = c) => statusOf(unary((cb) => client.ImportUsage(req as never, md, cb)));
  const good = rowToProto(pushed[0]!);
  const cases: [string, unknown, RegExp][] = [
    ['bad source', { source: '../etc', records: [good] }, /^source:/],
    [
      'NaN counter',
      { source: 'evil', records: [good, { ...good, recordId: 'r2', cpuSeconds: NaN }] },
      /records\[1\]\.cpu_seconds/,
    ],
    ['negative counter', { source: 'evil', records: [{ ...good, cpuSeconds: -1 }] }, /records\[0\]\.cpu_seconds/],
    [
      'future start',
      {
        source: 'evil',
        records: [{ ...good, startUnixMs: Date.now() + 10 * 86_400_000, endUnixMs: Date.now() + 11 * 86_400_000 }],
      },
      /records\[0\]\.start_unix_ms/,
    ],
    [
      'end before start',
      { source: 'evil', records: [{ ...good, endUnixMs: good.startUnixMs - 1 }] },
      /records\[0\]\.end_unix_ms/,
    ],
    ['bad vm id', { source: 'evil', records: [{ ...good, vmId: 'vm/../1' }] }, /records\[0\]\.vm_id/],
    ['bad app', { source: 'evil', records: [{ ...good, app: 'BAD APP' }] }, /records\[0\]\.app/],
    ['bad record id', { source: 'evil', records: [{ ...good, recordId: 'a/b' }] }, /records\[0\]\.record_id/],
    ['huge vcpus', { source: 'evil', records: [{ ...good, vcpus: 100000 }] }, /records\[0\]\.vcpus/],
    ['rollup row', { source: 'evil', records: [{ ...good, records: 7 }] }, /records\[0\]\.records/],
    ['too many', { source: 'evil', records: Array.from({ length: 5001 }, () => good) }, /^records:/],
  ];
  for (const [what, req, field] of cases) {
    const r = await imp(req);
    t.equal(r.code, grpc.status.INVALID_ARGUMENT, what);
    t.match(r.details, field, `${what} names the field`);
  }
  // The source is pinned to the client certificate of its first import.
  const tgtPki = (f: string) => readFileSync(join(tgt.dataDir, 'pki', f));
  const other = withCert(tgtPki('server.key'), tgtPki('server.pem'));
  closers.push(() => other.close());
  const pinned = await imp({ source, records: [{ ...good, recordId: 'new-1' }] }, other);
  t.equal(pinned.code, grpc.status.PERMISSION_DENIED, 'another client certificate for a pinned source');
  // The pin is the source's CA: a certificate it re-issues (new key) still imports.
  const srcCa = { certPem: id('ca.pem').toString(), keyPem: id('ca.key').toString() };
  const reissued = await issueWithKey(srcCa, {
    commonName: 'nephele-controller',
    ips: ['127.0.0.1'],
    validMs: 86_400_000,
    usage: 'server',
  });
  const renewed = withCert(Buffer.from(reissued.keyPem), Buffer.from(reissued.certPem.trim() + '\n' + srcCa.certPem));
  closers.push(() => renewed.close());
  t.equal((await imp({ source, records: [] }, renewed)).code, grpc.status.OK, 'a re-issued certificate of the same CA');
  t.equal(
    (await imp({ source, records: [] }, withCert(id('server.key'), id('server.pem')))).code,
    grpc.status.PERMISSION_DENIED,
    'the leaf alone does not prove the CA',
  );
  const noCert = new (v1().UsageService)(
    tgt.address,
    grpc.credentials.createSsl(readFileSync(join(tgt.dataDir, 'ca.pem'))),
  );
  closers.push(() => noCert.close());
  t.equal(
    (await imp({ source: 'evil', records: [good] }, noCert)).code,
    grpc.status.UNAUTHENTICATED,
    'no client certificate',
  );
});

type Demand = {
  name: string;
  app: string;
  vmCount: number;
  pVcpus: number;
  pMemoryMib: number;
  peakVms: number;
  spec: { vcpus: number; memoryMib: number; scheme: string };
};
type Plan = { placed: number; unplaced: number; rows: { hostName: string }[] };

t.test('backup-plan: demand matches the constructed usage, with a plan on the target fleet', async (t) => {
  const hours = [...new Set(pushed.map((r) => r.startUnixMs))];
  const vcpus = hours.map((h) => pushed.filter((r) => r.startUnixMs === h).reduce((s, r) => s + r.vcpus, 0));
  const mem = hours.map((h) => pushed.filter((r) => r.startUnixMs === h).reduce((s, r) => s + r.memoryMib, 0));
  const peak = Math.max(...hours.map((h) => pushed.filter((r) => r.startUnixMs === h).length));
  const pV = nearestRank(vcpus, 95);
  const pM = nearestRank(mem, 95);
  const want = Math.ceil(+(Math.max(pV / 2, pM / 1024) * 1.2).toFixed(9));
  const r = await on(
    tgt,
    'backup-plan',
    source,
    '--app',
    'x',
    '--from',
    String(FROM),
    '--to',
    String(TO),
    '-o',
    'json',
  );
  t.equal(r.code, 0, r.stderr);
  const plan = json<{ demands: Demand[]; plans: Plan[]; unfit: string[] }>(r.stdout);
  t.equal(plan.demands.length, 1);
  const d = plan.demands[0]!;
  t.same(
    { app: d.app, pVcpus: d.pVcpus, pMemoryMib: d.pMemoryMib, peakVms: d.peakVms, vmCount: d.vmCount },
    { app: 'x', pVcpus: pV, pMemoryMib: pM, peakVms: peak, vmCount: want },
  );
  t.match(d.spec, { vcpus: 2, memoryMib: 1024, scheme: 'process' }, 'the most common spec');
  t.equal(plan.plans[0]!.placed, want, 'it fits the target fleet');
  t.same([...new Set(plan.plans[0]!.rows.map((x) => x.hostName))].sort(), ['tgt-1', 'tgt-2']);
  t.same(plan.unfit, []);
  const none = await on(
    tgt,
    'backup-plan',
    source,
    '--app',
    'x',
    '--from',
    String(FROM),
    '--to',
    String(TO),
    '--headroom',
    '0',
    '-o',
    'json',
  );
  t.equal(
    json<{ demands: Demand[] }>(none.stdout).demands[0]!.vmCount,
    Math.ceil(Math.max(pV / 2, pM / 1024)),
    '--headroom 0: none',
  );
  const table = await on(tgt, 'backup-plan', source, '--app', 'x');
  t.equal(table.code, 0);
  t.match(table.stdout, /^\s*NAME\s+APP\s+SOURCE-SET\s+VMS/);
  // Ten times the headroom does not fit: said why, exit 2 like a set's dry run.
  const tooBig = await on(tgt, 'backup-plan', source, '--app', 'x', '--headroom', '10');
  t.equal(tooBig.code, 2);
  t.match(tooBig.stdout, /does not fit: bk-x: \d+ of \d+ VMs do not fit/);
  const bad = await on(tgt, 'backup-plan', source, '--percentile', '0');
  t.match(bad.stderr, /--percentile/);
  t.match((await on(tgt, 'backup-plan', 'Not_A_Source')).stderr, /INVALID_ARGUMENT.*source/);
  t.match((await on(src, 'backup-plan', source)).stderr, /FAILED_PRECONDITION/, 'the source holds no import of itself');
});

t.test('--instantiate standby creates the sets once; failover starts them at full size', async (t) => {
  const sets = setApi(tgt);
  t.teardown(() => sets.close());
  const args = ['backup-plan', source, '--app', 'x', '--from', String(FROM), '--to', String(TO)];
  const full = json<{ demands: Demand[] }>((await on(tgt, ...args, '-o', 'json')).stdout).demands[0]!.vmCount;
  const r = await on(tgt, ...args, '--instantiate', 'standby', '-o', 'json');
  t.equal(r.code, 0, r.stderr);
  const made = json<
    { id: string; count: number; request: { name: string; sla: string; labels: Record<string, string> } }[]
  >(r.stdout);
  t.equal(made.length, 1);
  t.match(made[0], { count: 1, request: { name: 'bk-x', sla: 'best_effort' } });
  await waitFor(async () => (await sets.get(made[0]!.id)).running === 1, { message: 'standby VM running' });
  const again = json<{ id: string }[]>((await on(tgt, ...args, '--instantiate', 'standby', '-o', 'json')).stdout);
  t.same(
    again.map((s) => s.id),
    [made[0]!.id],
    'a re-apply creates no duplicate',
  );
  const fo = await on(tgt, 'backup-plan', 'failover', source, '--app', 'x');
  t.equal(fo.code, 0, fo.stderr);
  t.match(fo.stdout, new RegExp(`bk-x\\s+\\S+\\s+best_effort\\s+${full}\\s`));
  await waitFor(async () => (await sets.get(made[0]!.id)).running === full, { message: 'failover at full size' });
  t.match((await on(tgt, 'backup-plan', 'failover', 'nosuch')).stderr, /FAILED_PRECONDITION/);
});

t.test('the target stored the subset once, apart from its own usage', async (t) => {
  await tgt.stop();
  const store = await LevelStore.open(join(tgt.dataDir, 'store'));
  t.teardown(() => store.close());
  const keys: string[] = [];
  for await (const { key, value } of store.scan<UsageRecord>(USAGE_IMPORTED)) {
    keys.push(key);
    t.equal(value.source, source);
  }
  t.same(keys.sort(), pushed.map((r) => importedKey(source, r)).sort(), 'exactly the pushed subset, no hostile record');
  let own = 0;
  for await (const _ of store.scan(USAGE_RAW)) own++;
  t.equal(own, 0, "nothing in the target's own usage");
});
