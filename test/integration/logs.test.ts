// Logs with honest levels and one shape (issue 11, item 7).
//
// An outside run saw every line at level 30 (a failed VM and refused calls
// included), camelCase keys, 13 lines with a key twice (child bindings plus the
// same key in the call), one line with no level or time, and `tls` a string in
// one line and a boolean in another. A real controller and a real agent, a
// session through the real CLI, then every line of both processes is checked.
import t from 'tap';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { vmApi, killWith } from '../helpers/vms.js';
import { cli, joinToken, listHosts, startAgent, startController } from '../helpers/procs.js';
import { logProblems, parsedLines } from '../helpers/log-lines.js';

const WARN = 40;
const ERROR = 50;

t.test(
  'every log line of a controller and an agent: JSON, level and time, snake_case, no key twice, one type per key',
  async (t) => {
    // Debug shows the chatty lines too; strict makes the logger itself refuse a bad key.
    const env = { NEPHELE_LOG_LEVEL: 'debug', NEPHELE_LOG_STRICT: '1' };
    const ctl = await startController(tmpDir(), { env });
    const adir = tmpDir();
    const agent = startAgent(ctl.address, adir, { joinToken: await joinToken(ctl), name: 'logger', env });
    t.teardown(async () => {
      await agent.kill();
      await ctl.kill();
      killWith(adir);
    });
    await waitFor(async () => (await listHosts(ctl)).some((h) => h.state === 'HOST_STATE_READY'), {
      timeoutMs: 30_000,
      message: 'host ready',
    });
    const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir];
    const run = (...args: string[]) => cli([...base, ...args]);
    const proc = ['--scheme', 'process', '--memory', '64'];

    t.equal((await run('tenant', 'create', 'acme')).code, 0, 'tenant created');
    const tok = await run('token', 'create', '--api', '--role', 'viewer', '--tenant', 'acme');
    t.equal(tok.code, 0, tok.stderr);
    const viewer = tok.stdout.trim();

    const web = await run('--json', 'vm', 'create', '--name', 'web', '--tenant', 'acme', ...proc, '--wait');
    t.equal(web.code, 0, `a process VM runs: ${web.stderr}`);
    const webId = (JSON.parse(web.stdout) as { id: string }).id;
    t.equal((await run('vm', 'destroy', webId)).code, 0, 'and is destroyed');

    // A task that exits 3 runs for a moment, then fails its VM.
    const bad = await run('--json', 'vm', 'create', '--name', 'bad', ...proc, '--config', 'task=exit 3');
    t.equal(bad.code, 0, bad.stderr);
    const badId = (JSON.parse(bad.stdout) as { id: string }).id;
    const api = vmApi(ctl);
    t.teardown(() => api.close());
    await api.waitState(badId, 'VM_STATE_FAILED');

    const denied = await run('--token', viewer, 'vm', 'create', '--name', 'no', ...proc);
    t.match(denied.stderr, /^nephele: PERMISSION_DENIED/, 'a viewer may not create');
    const invalid = await run('host', 'show', 'nope');
    t.match(invalid.stderr, /^nephele: INVALID_ARGUMENT: host_id/, 'a bad id');

    // The shutdown lines belong to the run too.
    await agent.stop();
    await ctl.stop();

    const types = new Map<string, string>();
    for (const [who, p] of [
      ['controller', ctl],
      ['agent', agent],
    ] as const) {
      const problems = logProblems(p.stdout(), types);
      t.same(problems, [], `${who}: every stdout line keeps the rules`);
      t.same(logProblems(p.stderr(), types), [], `${who}: stderr too`);
      t.ok(parsedLines(p.stdout()).length > 10, `${who}: logged something`);
    }

    const lines = parsedLines(ctl.stdout());
    const levelOf = (pred: (l: Record<string, unknown>) => boolean, what: string) => {
      const l = lines.find(pred);
      t.ok(l, `${what}: logged`);
      return l?.level;
    };
    const attrs = (l: Record<string, unknown>) => (l.attributes ?? l) as Record<string, unknown>;
    t.equal(
      levelOf((l) => attrs(l).vm_id === badId && attrs(l).state === 'failed', 'the failed VM'),
      ERROR,
      'a failed VM is an error',
    );
    t.equal(
      levelOf((l) => l.code === 'PERMISSION_DENIED', 'the refusal'),
      WARN,
      'a refusal is a warning',
    );
    t.equal(
      levelOf((l) => l.code === 'INVALID_ARGUMENT', 'the invalid argument'),
      WARN,
      'bad input is a warning',
    );
    const agentLines = parsedLines(agent.stdout());
    t.equal(
      agentLines.find((l) => l.vm_id === badId && l.phase === 'failed')?.level,
      ERROR,
      'the agent logs the failure as an error too',
    );
    t.ok(
      lines.some((l) => l.msg === 'controller stopping') && agentLines.some((l) => l.msg === 'agent stopping'),
      'shutdown is logged',
    );
  },
);
