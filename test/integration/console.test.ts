// `nephele vm console` from anywhere (issue 11, "Also build": GetConsole): the
// controller asks the VM's host over its session and relays the console the host
// streams back. Through the real CLI, a real controller and a real agent process
// running a process VM whose task writes to its console.
import t from 'tap';
import { spawn } from 'node:child_process';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { track } from '../helpers/reap.js';
import { CLI, cli, hostIdOf, joinToken, listHosts, startAgent, startController } from '../helpers/procs.js';
import { vmApi } from '../helpers/vms.js';

t.test(
  'vm console: relayed from the host, tailed, followed, tenant-scoped, and clear when the host is away',
  async (t) => {
    const ctl = await startController(tmpDir());
    const agentDir = tmpDir();
    const agent = startAgent(ctl.address, agentDir, { joinToken: await joinToken(ctl) });
    const api = vmApi(ctl);
    t.teardown(async () => {
      api.close();
      await agent.kill();
      await ctl.kill();
    });
    await waitFor(async () => (await listHosts(ctl)).some((h) => h.state === 'HOST_STATE_READY'), {
      timeoutMs: 30_000,
      message: 'host ready',
    });
    const hostId = hostIdOf(agentDir);
    const vm = await api.create(hostId, {
      scheme: 'process',
      vcpus: 1,
      memoryMib: 32,
      diskGib: 1,
      config: { task: 'echo console-hello; i=0; while :; do echo tick-$i; i=$((i+1)); sleep 0.1; done' },
    });
    await api.waitState(vm.id, 'VM_STATE_RUNNING');
    const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir];
    const run = (...args: string[]) => cli([...base, ...args]);

    const whole = await waitFor(
      async () => {
        const r = await run('vm', 'console', vm.id);
        return r.code === 0 && r.stdout.includes('tick-3') ? r : undefined;
      },
      { message: 'the console has output' },
    );
    t.match(whole.stdout, /^console-hello\ntick-0\ntick-1\n/, 'from the start, in order, raw bytes on stdout');
    t.equal(whole.stderr, '', 'nothing on stderr');

    const tail = await run('vm', 'console', vm.id, '--tail', '8');
    t.equal(tail.code, 0, tail.stderr);
    t.ok(tail.stdout.length > 0 && tail.stdout.length <= 8, `--tail 8: the last bytes only (${tail.stdout.length})`);

    // Follow: what the task writes after the call started arrives, then Ctrl-C ends it cleanly.
    const f = spawn(process.execPath, [CLI, ...base, 'vm', 'console', vm.id, '-f', '--tail', '1'], { stdio: 'pipe' });
    track(f);
    let fout = '';
    f.stdout.on('data', (d) => (fout += d));
    const ticks = () => [...fout.matchAll(/tick-(\d+)\n/g)].map((m) => Number(m[1]));
    await waitFor(() => ticks().length >= 10, { message: 'follow shows new output' });
    const seen = ticks();
    t.same(
      seen,
      seen.map((_, i) => seen[0]! + i),
      'followed lines arrive in order, none lost',
    );
    const exit = new Promise<number | null>((r) => f.once('exit', (code) => r(code)));
    f.kill('SIGINT');
    t.equal(await exit, 0, 'Ctrl-C ends a follow with exit 0');
    await waitFor(async () => !(await run('vm', 'console', vm.id, '--tail', '1')).stderr, {
      message: 'the follow released its slot',
    });

    // Another tenant's token: the VM does not exist for it.
    t.equal((await run('tenant', 'create', 'globex')).code, 0, 'tenant created');
    const tok = await run('token', 'create', '--api', '--role', 'tenant-admin', '--tenant', 'globex');
    t.equal(tok.code, 0, tok.stderr);
    const other = await cli([...base, '--token', tok.stdout.trim(), 'vm', 'console', vm.id]);
    t.equal(other.code, 1, 'another tenant: exit 1');
    t.match(other.stderr, /NOT_FOUND/, 'another tenant: not found');
    t.equal(other.stdout, '', 'another tenant: nothing printed');

    const bad = await run('vm', 'console', 'not-an-id');
    t.equal(bad.code, 1);
    t.match(bad.stderr, /INVALID_ARGUMENT.*vm_id/, 'a malformed id names vm_id');
    const big = await run('vm', 'console', vm.id, '--tail', '2M');
    t.equal(big.code, 1);
    t.match(big.stderr, /--tail/, 'a tail over 1 MiB names --tail');

    // The host goes away: a clear answer, no hang.
    await agent.kill();
    const away = await waitFor(
      async () => {
        const r = await run('vm', 'console', vm.id);
        return r.code !== 0 ? r : undefined;
      },
      { message: 'the console reports the host away' },
    );
    t.match(away.stderr, /UNAVAILABLE.*host/, 'says the host is not connected');
  },
);
