// Numbers and sizes on the command line are parsed strictly (issue 11, item 1),
// one quota changes without resetting the others (item 2), and secrets stay
// secret (items 5 and 6).
//
// `set scale SET abc` used to scale the set to 0, `--count 1.5` became 1 and
// `--memory 1G` was "under the guest minimum". Through the real CLI against a
// real controller.
import t from 'tap';
import * as grpc from '@grpc/grpc-js';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tenant__Output as Tenant } from '../../common/gen/nephele/v1/Tenant.js';
import type { Vm__Output as Vm } from '../../common/gen/nephele/v1/Vm.js';
import type { VmSet__Output as VmSet } from '../../common/gen/nephele/v1/VmSet.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { AGENT, CLI, cli, joinToken, listHosts, startController } from '../helpers/procs.js';
import { fakeAgent } from '../helpers/fake-agent.js';

t.test('numbers and sizes: strict, one line naming the flag, nothing changed', async (t) => {
  const ctl = await startController(tmpDir());
  const agent = await fakeAgent(ctl, { joinToken: await joinToken(ctl), name: 'roomy' });
  const a = ctl.admin();
  t.teardown(async () => {
    agent.close();
    a.close();
    await ctl.kill();
  });
  await waitFor(async () => (await listHosts(ctl)).some((h) => h.state === 'HOST_STATE_READY'), {
    message: 'host ready',
  });
  const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir];
  const run = (...args: string[]) => cli([...base, ...args]);
  const refused = async (args: string[], flag: string) => {
    const r = await run(...args);
    t.equal(r.code, 1, `${args.join(' ')}: exit 1`);
    t.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: one line`);
    t.match(r.stderr, new RegExp(`^nephele: ${flag.replace(/[-]/g, '\\-')}: `), `${args.join(' ')}: names ${flag}`);
  };
  const sets = async () =>
    (await a.call<{ sets: VmSet[] }>((md, o, cb) => a.vms.ListVmSets({ pageSize: 100 }, md, o, cb as never))).sets;

  const made = await run(
    '--json',
    'set',
    'create',
    '--name',
    'web',
    '--count',
    '2',
    '--scheme',
    'process',
    '--memory',
    '128',
  );
  t.equal(made.code, 0, made.stderr);
  const setId = (JSON.parse(made.stdout) as VmSet).id; // `set create --json` prints the set itself, as `set show` does

  await refused(['set', 'scale', setId, 'abc'], 'count');
  await refused(['set', 'scale', setId, '-1'], 'count');
  await refused(['set', 'scale', setId, '1.5'], 'count');
  t.equal((await sets()).find((s) => s.id === setId)?.count, 2, 'the set still wants 2 VMs');

  await refused(['set', 'create', '--name', 'half', '--count', '1.5', '--scheme', 'process'], '--count');
  await refused(['set', 'create', '--name', 'cpu', '--count', '1', '--vcpus', '2x', '--scheme', 'process'], '--vcpus');
  await refused(
    ['set', 'create', '--name', 'mem', '--count', '1', '--memory', 'lots', '--scheme', 'process'],
    '--memory',
  );
  await refused(['vm', 'create', '--scheme', 'process', '--memory', '100K'], '--memory');
  await refused(['vm', 'create', '--scheme', 'process', '--disk', '1.5'], '--disk');
  await refused(['tenant', 'create', 'acme', '--vcpus', 'many'], '--vcpus');
  await refused(['events', 'tail', '--since', 'x'], '--since');
  await refused(['events', 'tail', '-n', '0'], '--lines');
  t.same(
    (await sets()).map((s) => s.request?.name),
    ['web'],
    'no set was created by a refused command',
  );

  // Sizes with units where memory and disk are taken; a bare number keeps its old unit.
  for (const [memory, mib] of [
    ['1G', 1024],
    ['1.5GiB', 1536],
    ['512M', 512],
    ['256', 256],
  ] as const) {
    const r = await run('--json', 'vm', 'create', '--scheme', 'process', '--memory', memory, '--disk', '2G');
    t.equal(r.code, 0, `--memory ${memory}: ${r.stderr}`);
    const vm = JSON.parse(r.stdout) as Vm; // `vm create --json` prints the VM itself
    t.equal(vm.spec?.memoryMib, mib, `--memory ${memory} is ${mib} MiB`);
    t.equal(vm.spec?.diskGib, 2, '--disk 2G is 2 GiB');
  }
});

t.test('quotas: changing one leaves the others as they are (API update_mask and the CLI)', async (t) => {
  const ctl = await startController(tmpDir());
  const a = ctl.admin();
  t.teardown(async () => {
    a.close();
    await ctl.kill();
  });
  const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir];
  const run = (...args: string[]) => cli([...base, ...args]);
  const quota = async () =>
    (
      await a.call<{ tenants: Tenant[] }>((md, o, cb) => a.auth.ListTenants({ pageSize: 100 }, md, o, cb as never))
    ).tenants.find((x) => x.name === 'acme')!.quota!;

  t.equal((await run('tenant', 'create', 'acme', '--vms', '5', '--memory', '8G')).code, 0);
  t.same(await quota(), { vcpus: 0, memoryBytes: 8 * 2 ** 30, vms: 5, images: 0 });
  const one = await run('tenant', 'quota', 'acme', '--vcpus', '64');
  t.equal(one.code, 0, one.stderr);
  t.same(await quota(), { vcpus: 64, memoryBytes: 8 * 2 ** 30, vms: 5, images: 0 }, 'only vcpus changed');
  t.equal((await run('tenant', 'quota', 'acme', '--vms', '0', '--images', '3')).code, 0);
  t.same(await quota(), { vcpus: 64, memoryBytes: 8 * 2 ** 30, vms: 0, images: 3 }, 'vms lifted, images set');
  const none = await run('tenant', 'quota', 'acme');
  t.equal(none.code, 1, 'no quota given: exit 1');
  t.match(none.stderr, /^nephele: give at least one of --vcpus/);

  const set = (req: Record<string, unknown>) =>
    new Promise<grpc.ServiceError | null>((resolve) =>
      a.auth.SetTenantQuota(req as never, a.metadata(), (e) => resolve(e)),
    );
  const bad = await set({ tenant: 'acme', quota: { vms: 1 }, updateMask: ['vms', 'cpus'] });
  t.equal(bad?.code, grpc.status.INVALID_ARGUMENT);
  t.match(bad?.details, /^update_mask\[1\]: must be one of vcpus, memory_bytes, vms, images/);
  t.same(await quota(), { vcpus: 64, memoryBytes: 8 * 2 ** 30, vms: 0, images: 3 }, 'a refused update changes nothing');
  t.equal(await set({ tenant: 'acme', quota: { vms: 9 } }), null, 'no mask: the old meaning');
  t.same(await quota(), { vcpus: 0, memoryBytes: 0, vms: 9, images: 0 }, 'without a mask all four are replaced');
});

t.test('secrets: alone on stdout, never shown by --help, readable from a file', async (t) => {
  const ctl = await startController(tmpDir());
  t.teardown(() => ctl.kill());
  const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir];
  const made = await cli([...base, 'token', 'create', '--join', '--ttl', '10m']);
  t.equal(made.code, 0, made.stderr);
  t.match(made.stdout, /^nj1\.[A-Za-z0-9_.-]+\n$/, 'stdout is the token and nothing else (what `$(…)` captures)');
  t.match(
    made.stderr,
    /^# token [0-9A-Z]{26}, join, expires .*Shown once; keep it secret\.\n$/,
    'the note goes to stderr',
  );

  const secret = readFileSync(join(ctl.dataDir, 'admin.token'), 'utf8').trim();
  const help = await cli(['--help'], { NEPHELE_TOKEN: secret });
  t.equal(help.code, 0);
  t.notMatch(help.stdout + help.stderr, secret, 'the CLI help does not print NEPHELE_TOKEN');
  t.match(help.stdout, /NEPHELE_TOKEN/, 'it names the variable');
  const agentHelp = await new Promise<string>((resolve) => {
    let out = '';
    const p = spawn(process.execPath, [AGENT, '--help'], {
      env: { ...process.env, NEPHELE_JOIN_TOKEN: 'nj1.SECRET-JOIN' },
    });
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', () => resolve(out));
  });
  t.notMatch(agentHelp, 'SECRET-JOIN', 'the agent help does not print NEPHELE_JOIN_TOKEN');
  t.match(agentHelp, /NEPHELE_JOIN_TOKEN/);

  const file = join(tmpDir(), 'token');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  const viaFile = await cli([
    '--controller',
    ctl.address,
    '--ca-file',
    join(ctl.dataDir, 'ca.pem'),
    '--data-dir',
    tmpDir(),
    '--token-file',
    file,
    'host',
    'ls',
  ]);
  t.equal(viaFile.code, 0, `--token-file works: ${viaFile.stderr}`);
  const missing = await cli([
    '--controller',
    ctl.address,
    '--data-dir',
    ctl.dataDir,
    '--token-file',
    '/nonexistent/t',
    'host',
    'ls',
  ]);
  t.equal(missing.code, 1);
  t.match(missing.stderr, /^nephele: --token-file: cannot read \/nonexistent\/t: ENOENT/);
});

t.test('a controller address without a port means the controller port', async (t) => {
  const r = await cli([
    '--controller',
    '127.0.0.2',
    '--data-dir',
    tmpDir(),
    '--token',
    'x.y',
    '--insecure',
    'host',
    'ls',
  ]);
  t.equal(r.code, 1);
  t.match(r.stderr, /127\.0\.0\.2:7443/, 'dials (and names) port 7443, not 443');
});

t.test('events tail -f | head: the reader leaving ends the CLI quietly (no EPIPE crash)', async (t) => {
  const ctl = await startController(tmpDir());
  const a = ctl.admin();
  t.teardown(async () => {
    a.close();
    await ctl.kill();
  });
  const p = spawn(
    process.execPath,
    [CLI, '--controller', ctl.address, '--data-dir', ctl.dataDir, 'events', 'tail', '-f', '--since', '0'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  p.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => p.once('exit', resolve));
  await new Promise((resolve) => p.stdout.once('data', resolve));
  p.stdout.destroy(); // what `head -1` does once it has its line
  // New events make the CLI write into the closed pipe.
  for (let i = 0; i < 5; i++) await a.call((md, o, cb) => a.hosts.CreateGroup({ name: `g${i}` }, md, o, cb as never));
  t.equal(await exited, 0, 'exits 0');
  t.equal(stderr, '', 'and says nothing (no stack trace)');
});

t.test('exit codes: a dry run leaving VMs unplaced exits 2, a failed wait 1, a timed-out wait 3', async (t) => {
  const ctl = await startController(tmpDir());
  const agent = await fakeAgent(ctl, {
    joinToken: await joinToken(ctl),
    name: 'eight-cpus',
    answer: (vm) =>
      vm.name.startsWith('bad')
        ? { state: 'VM_STATE_FAILED', reason: 'boom' }
        : { state: 'VM_STATE_RUNNING', reason: 'guest ready' },
  });
  t.teardown(async () => {
    agent.close();
    await ctl.kill();
  });
  await waitFor(async () => (await listHosts(ctl)).some((h) => h.state === 'HOST_STATE_READY'), {
    message: 'host ready',
  });
  const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir];
  const run = (...args: string[]) => cli([...base, ...args]);
  const proc = ['--scheme', 'process', '--memory', '128'];

  const fits = await run('set', 'create', '--name', 'fits', '--count', '4', ...proc, '--dry-run');
  t.equal(fits.code, 0, `a dry run that places everything exits 0: ${fits.stderr}`);
  const tooBig = await run('set', 'create', '--name', 'big', '--count', '20', ...proc, '--dry-run');
  t.equal(tooBig.code, 2, 'a dry run that leaves VMs unplaced exits 2');
  // The note is not the result: it goes to stderr with the error, the plan to stdout.
  t.match(tooBig.stderr, /^dry run: nothing was reserved\nnephele: the plan leaves 12 vm\(s\) unplaced/);
  t.match(tooBig.stdout, /placed 8, unplaced 12/, 'the plan is still printed');

  const ok = await run('vm', 'create', '--name', 'good', ...proc, '--wait');
  t.equal(ok.code, 0, `a VM that runs: exit 0 ${ok.stderr}`);
  const healthy = await run('--json', 'vm', 'create', '--name', 'answers', ...proc, '--wait', '--wait-for', 'healthy');
  t.equal(healthy.code, 0, `--wait-for healthy: exit 0 ${healthy.stderr}`);
  t.match(JSON.parse(healthy.stdout), { state: 'running', guestReady: true }, 'healthy: running and its guest answers');
  const placedOnly = await run(
    '-q',
    'vm',
    'create',
    '--name',
    'placed-only',
    ...proc,
    '--wait',
    '--wait-for',
    'placed',
  );
  t.equal(placedOnly.code, 0, placedOnly.stderr);
  t.match(placedOnly.stdout, /^[0-9A-Z]{26}\n$/, '-q: the id alone');
  t.equal(placedOnly.stderr, '', '-q: no progress either');
  const bogus = await run('vm', 'create', ...proc, '--wait', '--wait-for', 'ready');
  t.equal(bogus.code, 1);
  t.match(bogus.stderr, /^nephele: --wait-for: expected one of placed, running, healthy/, 'names --wait-for');
  const failed = await run('vm', 'create', '--name', 'bad-one', ...proc, '--wait');
  t.equal(failed.code, 1, 'a VM that fails under --wait: exit 1');
  t.match(failed.stderr, /^nephele: vm bad-one to be running: failed: boom$/m, 'with the reason');
  t.match(failed.stderr, /^waiting for vm bad-one to be running: \w+/m, 'progress on stderr');
  t.equal(failed.stdout, '', 'nothing on stdout');

  const set = await run('set', 'create', '--name', 'web', '--count', '3', ...proc, '--wait');
  t.equal(set.code, 0, `a set whose VMs all run: exit 0 ${set.stderr}`);
  const partial = await run('set', 'create', '--name', 'huge', '--count', '9', ...proc, '--wait');
  t.equal(partial.code, 1, 'a set that stays partial: exit 1, not a wait forever');
  t.match(partial.stderr, /^nephele: set huge to be running: only \d of 9 placed: /m, 'with the reason');

  const later = await run(
    'set',
    'create',
    '--name',
    'later',
    '--count',
    '1',
    ...proc,
    '--start-at',
    '+1h',
    '--wait',
    '--timeout',
    '1s',
  );
  t.equal(later.code, 3, 'a wait past --timeout: exit 3');
  t.match(
    later.stderr,
    /^nephele: timed out after 1s waiting for set later to be running \(placed 0\/1, confirmed 0, running 0\)$/m,
  );
});

t.test('usage errors are one line naming the problem, nothing on stdout', async (t) => {
  for (const [args, what] of [
    [['vm', 'create', '--bogus'], /^nephele: unknown option '--bogus' \(see --help\)\n$/],
    [['vm', 'frob'], /^nephele: unknown command 'frob' \(see --help\)\n$/],
    [['set', 'scale'], /^nephele: missing required argument 'set' \(see --help\)\n$/],
  ] as const) {
    const r = await cli([...args]);
    t.equal(r.code, 1, `${args.join(' ')}: exit 1`);
    t.match(r.stderr, what, `${args.join(' ')}: one line`);
    t.equal(r.stdout, '', `${args.join(' ')}: nothing on stdout`);
  }
});
