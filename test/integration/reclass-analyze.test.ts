// Reclassification's analysis through the real CLI against a real controller
// (issue 15, item 2): usage sent by a (fake) agent through the real ingest path
// (hour-long backdated intervals, with OOM kills and throttled seconds), rolled
// up by the real rollup job, then `nephele reclass analyze` shows per VM the
// percentiles beside its size, the manifest read from the VM (read_manifest
// answered by the agent) and the findings with their numbers; bad windows are
// INVALID_ARGUMENT naming the field; a tenant sees only its own VMs.
//
// Before: there was no `reclass analyze` (Analyze answered "not built yet").
import t from 'tap';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, FAST, joinToken, startController } from '../helpers/procs.js';
import { fakeAgent } from '../helpers/fake-agent.js';
import { createProcessVm } from '../helpers/usage-meter.js';
import { wireUsage } from '../helpers/usage-records.js';
import { HOUR_MS, hourOf } from '../../controller/usage/model.js';
import type { VmUsage } from '../../common/gen/nephele/v1/VmUsage.js';

const MIB = 2 ** 20;

interface Row {
  vmName: string;
  vcpus: number;
  memoryMib: string;
  usage: {
    cpuVcpus: { p50: number; p95: number; max: number };
    memoryMib: { p95: number };
    dataHours: number;
    sufficient: boolean;
    idle: boolean;
    oomKills: string;
    throttledSeconds: number;
  };
  manifest: { requiredFeatures: string[]; minVcpus: number; source: string } | null;
  findings: { kind: string; resource: string; observed: number; allocated: number; detail: string }[];
}

t.test('reclass analyze: percentiles beside the size, the manifest and findings', async (t) => {
  const ctl = await startController(tmpDir(), { args: [...FAST, '--usage-rollup-cron', '* * * * * *'] });
  const manifests = new Map<string, string>();
  const a = await fakeAgent(ctl, {
    joinToken: await joinToken(ctl),
    name: 'plain',
    command: (c) =>
      c.readManifest ? { commandId: c.commandId, ok: true, manifestJson: manifests.get(c.vmId) ?? '' } : undefined,
  });
  t.teardown(async () => {
    a.close();
    await ctl.kill();
  });
  const run = (...args: string[]) => cli(['--controller', ctl.address, '--data-dir', ctl.dataDir, ...args]);
  const vm = async (name: string, extra: string[] = []) => {
    const r = await createProcessVm(ctl, a.hostId, name, extra);
    t.equal(r.code, 0, r.stderr);
    return r.id;
  };
  const busy = await vm('busy', ['--vcpus', '2']);
  const idle = await vm('idle', ['--vcpus', '2']);
  const needy = await vm('needy');
  manifests.set(needy, JSON.stringify({ min_vcpus: 1, required_features: ['secure-os'], color: 'ignored' }));
  manifests.set(idle, '{ not json');

  // Hour-long intervals ending at the last full hours (the ingest path accepts spans up to 31 days).
  const top = hourOf(Date.now());
  const hours = (
    vmId: string,
    n: number,
    per: (i: number) => Omit<Partial<VmUsage>, 'startUnixMs' | 'endUnixMs'>,
  ): VmUsage[] =>
    Array.from({ length: n }, (_, i) =>
      wireUsage({
        vmId,
        startUnixMs: top - (i + 1) * HOUR_MS,
        endUnixMs: top - i * HOUR_MS,
        uptimeSeconds: 3600,
        ...per(i),
      }),
    );
  const records = [
    ...hours(busy, 30, (i) => ({
      cpuSeconds: (i === 0 ? 2 : 1.98) * 3600,
      memoryByteSeconds: 60 * MIB * 3600,
      netTxBytes: 3600 * 1000,
      ...(i === 3 ? { oomKills: 2, throttledSeconds: 120.5 } : {}),
    })),
    ...hours(idle, 30, () => ({ cpuSeconds: 0.001 * 3600, memoryByteSeconds: 8 * MIB * 3600 })),
    ...hours(needy, 3, () => ({ cpuSeconds: 0.5 * 3600, memoryByteSeconds: 32 * MIB * 3600 })),
  ];
  const t0 = Date.now();
  const seq = a.nextSeq();
  a.send({ usage: { seq, epoch: 'ab', records, timeUnixMs: Date.now() } });
  await waitFor(() => a.acked() >= seq, { message: 'the usage batch stored' });

  const analyze = async (...args: string[]) => {
    const r = await run('--json', 'reclass', 'analyze', ...args);
    t.equal(r.code, 0, r.stderr);
    t.equal(r.stderr, '', 'nothing on stderr');
    return new Map((JSON.parse(r.stdout) as Row[]).map((x) => [x.vmName, x]));
  };
  // The rollup job runs each second here; the hours appear as it catches up.
  await waitFor(async () => (await analyze('--window', '48h')).get('busy')?.usage.dataHours === 30, {
    message: 'the hours rolled up',
    timeoutMs: 60_000,
  });
  t.comment(`rolled up after ${Date.now() - t0} ms`);
  const rows = await analyze('--window', '48h', '--min-data', '24h');
  t.same([...rows.keys()].sort(), ['busy', 'idle', 'needy']);

  const b = rows.get('busy')!;
  t.match(b, { vcpus: 2, memoryMib: '64' });
  t.match(b.usage, { dataHours: 30, sufficient: true, idle: false, oomKills: '2', throttledSeconds: 120.5 });
  t.match(b.usage.cpuVcpus, { p50: 1.98, p95: 1.98, max: 2 }, 'nearest-rank p95 of 29 x 1.98 and one 2');
  t.equal(Math.round(b.usage.memoryMib.p95), 60);
  const kinds = (r: Row) => r.findings.map((f) => `${f.kind}:${f.resource}`).sort();
  t.same(kinds(b), ['oom:memory', 'throttled:cpu', 'under_provisioned:cpu', 'under_provisioned:memory']);
  t.match(
    b.findings.find((f) => f.kind === 'under_provisioned' && f.resource === 'cpu'),
    { observed: 1.98, allocated: 2, detail: /p95 cpu 1\.98 of 2 vCPUs \(99%\) >= 90%/ },
  );

  const i = rows.get('idle')!;
  t.match(i.usage, { idle: true, dataHours: 30 });
  t.same(kinds(i), ['idle:cpu', 'over_provisioned:cpu', 'over_provisioned:memory']);
  t.equal(i.manifest, null, 'a manifest that does not parse is ignored (no image manifest either)');

  const n = rows.get('needy')!;
  t.match(n.usage, { dataHours: 3, sufficient: false });
  t.match(n.manifest, { requiredFeatures: ['secure-os'], minVcpus: 1, source: 'vm' }, 'read from the VM');
  t.same(kinds(n), ['insufficient_data:cpu', 'missing_feature:feature']);

  // The pressure counters are usage like the others: QueryUsage rows carry them.
  const q = await run('--json', 'usage', 'query', '--granularity', 'day', '--vm', busy);
  t.equal(q.code, 0, q.stderr);
  const days = JSON.parse(q.stdout) as { oomKills: string; throttledSeconds: number }[];
  t.same(
    [days.reduce((n, d) => n + Number(d.oomKills), 0), days.reduce((n, d) => n + d.throttledSeconds, 0)],
    [2, 120.5],
    'oom kills and throttled seconds summed by the rollups',
  );

  // One VM by name; the table shows the percentiles beside the size.
  t.same([...(await analyze('--vm', 'busy', '--window', '48h')).keys()], ['busy']);
  const table = await run('reclass', 'analyze', '--window', '48h');
  t.equal(table.code, 0, table.stderr);
  t.equal(table.stderr, '');
  t.match(table.stdout, /^\s*VM\s+CLASS\s+VCPUS\s+CPU P50\/P95\/MAX\s+MEM MIB\s+MEM P50\/P95\/MAX/m);
  t.match(table.stdout, /\bbusy\s+-\s+2\s+1\.98\/1\.98\/2\s+64\s+60\/60\/60\b/);
  const wide = await run('-o', 'wide', 'reclass', 'analyze', '--window', '48h', '--vm', 'needy');
  t.equal(wide.code, 0, wide.stderr);
  t.match(wide.stdout, /needs secure-os/);
  t.match(wide.stdout, /needy: missing_feature: the manifest requires secure-os/);

  // Bad windows: INVALID_ARGUMENT naming the field, nothing on stdout.
  for (const [args, field] of [
    [['--window', '12h'], 'window_hours'],
    [['--window', '91d'], 'window_hours'],
    [['--window', '48h', '--min-data', '100h'], 'window_hours'],
  ] as const) {
    const r = await run('reclass', 'analyze', ...args);
    t.not(r.code, 0, args.join(' '));
    t.equal(r.stdout, '');
    t.match(r.stderr, 'INVALID_ARGUMENT');
    t.match(r.stderr, field);
  }
  const notHours = await run('reclass', 'analyze', '--window', '90m');
  t.not(notHours.code, 0);
  t.match(notHours.stderr, /--window/);

  // A tenant sees only its own VMs (these are the default tenant's).
  t.equal((await run('tenant', 'create', 'globex')).code, 0);
  const tok = await run('-q', 'token', 'create', '--api', '--role', 'tenant-admin', '--tenant', 'globex');
  t.equal(tok.code, 0, tok.stderr);
  const asGlobex = (...args: string[]) =>
    cli(['--controller', ctl.address, '--data-dir', ctl.dataDir, '--token', tok.stdout.trim(), ...args]);
  const mine = await asGlobex('--json', 'reclass', 'analyze', '--window', '48h');
  t.equal(mine.code, 0, mine.stderr);
  t.same(JSON.parse(mine.stdout), [], 'none of another tenant');
  const theirs = await asGlobex('reclass', 'analyze', '--vm', busy);
  t.not(theirs.code, 0);
  t.match(theirs.stderr, 'NOT_FOUND');
});
