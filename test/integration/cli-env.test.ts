// Every NEPHELE_* variable the CLI and the agent read is declared with
// commander's Option.env() (issue 11): --help names each variable and never
// prints a value from the environment, secrets least of all.
import t from 'tap';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT, ROOT, cli } from '../helpers/procs.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** NEPHELE_* names in the source; object keys (`NEPHELE_VM_ID: …`, what the agent gives its guests) are not reads. */
function namesIn(dirs: string[]): Set<string> {
  const names = new Set<string>();
  for (const f of dirs.flatMap((d) => sources(join(ROOT, d)))) {
    for (const m of readFileSync(f, 'utf8').matchAll(/NEPHELE_[A-Z0-9_]+(?!\w)(?!\s*:)/g)) names.add(m[0]);
  }
  return names;
}

function agentHelp(env: Record<string, string>): Promise<string> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [AGENT, '--help'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.once('exit', () => resolve(out));
  });
}

t.test('--help of both programs: every variable named, no value printed', async (t) => {
  const names = namesIn(['controller/cli', 'agent']);
  t.ok(names.has('NEPHELE_TOKEN') && names.has('NEPHELE_JOIN_TOKEN') && names.size >= 25, `${names.size} names`);
  // Each set to a value that must not appear (--kind takes only its choices).
  const env: Record<string, string> = {};
  for (const n of names) env[n] = `value-of-${n.toLowerCase()}-x9`;
  env.NEPHELE_KIND = 'adhoc';
  env.NEPHELE_TOKEN = 'tok_secret.s3cr3t-api-token';
  env.NEPHELE_JOIN_TOKEN = 'join_secret.s3cr3t-join-token';
  const outputs: string[] = [];
  for (const args of [
    ['--help'],
    ['controller', '--help'],
    ['vm', 'console', '--help'],
    ['peer', 'add', '--help'],
    ['mgmt', 'end', '--help'],
  ]) {
    const r = await cli(args, env);
    t.equal(r.code, 0, `nephele ${args.join(' ')}: ${r.stderr}`);
    outputs.push(r.stdout);
  }
  outputs.push(await agentHelp(env));
  const help = outputs.join('\n').replace(/\s+/g, ' ');
  for (const [n, v] of Object.entries(env)) {
    if (n === 'NEPHELE_KIND') continue;
    t.notOk(help.includes(v), `the value of ${n} is not printed`);
  }
  for (const n of names) t.ok(help.includes(`env: ${n}`), `${n} is declared with .env() (help names it)`);
});

t.test('a variable sets its flag; the flag wins over it', async (t) => {
  const env = { NEPHELE_CONTROLLER: '127.0.0.1:1', NEPHELE_CONNECT_TIMEOUT: 'x' };
  const fromEnv = await cli(['--insecure', '--token', 'a.b', 'host', 'ls'], env);
  t.match(fromEnv.stderr, /^nephele: --connect-timeout: "x" is not a duration/);
  const r = await cli(['--insecure', '--token', 'a.b', 'host', 'ls'], { NEPHELE_CONTROLLER: '127.0.0.1:1' });
  t.match(r.stderr, /^nephele: nothing is listening at 127\.0\.0\.1:1 /, 'NEPHELE_CONTROLLER is dialled');
  const flag = await cli(['--insecure', '--token', 'a.b', '--controller', '127.0.0.1:2', 'host', 'ls'], {
    NEPHELE_CONTROLLER: '127.0.0.1:1',
  });
  t.match(flag.stderr, /^nephele: nothing is listening at 127\.0\.0\.1:2 /, '--controller wins');
});

t.test('agent: NEPHELE_OFFER_GUARANTEES says true or false, not merely set', async (t) => {
  const out = await new Promise<{ code: number | null; err: string }>((resolve) => {
    const p = spawn(process.execPath, [AGENT, '--data-dir', '/nonexistent-x9', '--controller', '127.0.0.1:1'], {
      env: { ...process.env, NEPHELE_OFFER_GUARANTEES: 'maybe' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.once('exit', (code) => resolve({ code, err }));
  });
  t.equal(out.code, 1);
  t.match(out.err, /NEPHELE_OFFER_GUARANTEES: "maybe" must be 1, true, 0 or false/);
});
