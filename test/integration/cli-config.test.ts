// The config file (issue 11, item 15): named contexts chosen by --context /
// NEPHELE_CONTEXT or the file's `current`, with flag > environment > context >
// defaults; `config view` never prints a token; `completion bash|zsh` is
// generated from the command tree. Through the real CLI against a real controller.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { tmpDir } from '../helpers/tmp.js';
import { cli, startController, type ControllerProc } from '../helpers/procs.js';

let ctl: ControllerProc;
let dir: string;
let cfg: string;
let token: string;
t.before(async () => {
  ctl = await startController(tmpDir());
  dir = tmpDir();
  cfg = join(dir, 'config.yaml');
  // Paths in the file are relative to it; the token lives only in its own file.
  copyFileSync(join(ctl.dataDir, 'ca.pem'), join(dir, 'ca.pem'));
  token = readFileSync(join(ctl.dataDir, 'admin.token'), 'utf8').trim();
  writeFileSync(join(dir, 'prod.token'), token + '\n', { mode: 0o600 });
});
t.teardown(() => ctl.kill());

// The CLI runs where its default data dir (.nephele) does not exist, so only a context can
// make its calls work (a data dir given explicitly would bring its own CA and token).
const cwd = process.cwd();
process.chdir(tmpDir());
t.teardown(() => process.chdir(cwd));
const run = (args: string[], env: Record<string, string> = {}) => cli(args, { NEPHELE_CONFIG: cfg, ...env });

function writeConfig(): void {
  writeFileSync(
    cfg,
    [
      '# contexts for the test',
      'current: broken',
      'contexts:',
      '  prod:',
      `    controller: ${ctl.address}`,
      '    ca-file: ca.pem # next to this file',
      '    token-file: prod.token',
      '  broken:',
      '    controller: 127.0.0.1:1',
      '    ca-file: ca.pem',
      '    token-file: prod.token',
      '',
    ].join('\n'),
  );
}

t.test('contexts: --context, NEPHELE_CONTEXT, current; flag > env > context', async (t) => {
  writeConfig();
  const viaCurrent = await run(['host', 'ls']);
  t.equal(viaCurrent.code, 1, 'the current context (broken) is used');
  t.match(viaCurrent.stderr, /^nephele: nothing is listening at 127\.0\.0\.1:1 /);

  const viaFlag = await run(['--context', 'prod', 'host', 'ls']);
  t.equal(viaFlag.code, 0, viaFlag.stderr);
  t.match(viaFlag.stdout, /^\s*ID\s+NAME/);

  const viaEnv = await run(['host', 'ls'], { NEPHELE_CONTEXT: 'prod' });
  t.equal(viaEnv.code, 0, viaEnv.stderr);

  const flagOverEnv = await run(['--context', 'broken', 'host', 'ls'], { NEPHELE_CONTEXT: 'prod' });
  t.match(flagOverEnv.stderr, /127\.0\.0\.1:1/, '--context beats NEPHELE_CONTEXT');

  const controllerFlag = await run(['--controller', ctl.address, 'host', 'ls']);
  t.equal(controllerFlag.code, 0, `--controller beats the context's controller: ${controllerFlag.stderr}`);
  const controllerEnv = await run(['host', 'ls'], { NEPHELE_CONTROLLER: ctl.address });
  t.equal(controllerEnv.code, 0, `NEPHELE_CONTROLLER beats the context's controller: ${controllerEnv.stderr}`);
  const envOverContext = await run(['--context', 'prod', 'host', 'ls'], { NEPHELE_CONTROLLER: '127.0.0.1:1' });
  t.match(envOverContext.stderr, /127\.0\.0\.1:1/, 'and so does a wrong one');

  const unknown = await run(['--context', 'staging', 'host', 'ls']);
  t.equal(unknown.code, 1);
  t.match(unknown.stderr, /^nephele: --context: no context named "staging" in .*config\.yaml\n$/);
  const noFile = await run(['--context', 'prod', 'host', 'ls'], { NEPHELE_CONFIG: join(dir, 'none.yaml') });
  t.match(noFile.stderr, /^nephele: --config-file: no file at .*none\.yaml \(NEPHELE_CONFIG may name it\)\n$/);
});

t.test('config view, get-contexts, use-context, set-context', async (t) => {
  writeConfig();
  const view = await run(['config', 'view']);
  t.equal(view.code, 0, view.stderr);
  t.notOk(view.stdout.includes(token), 'no token printed');
  t.notOk(view.stdout.includes(token.split('.')[1]!), 'not even its secret half');
  const doc = YAML.parse(view.stdout) as { current: string; contexts: Record<string, Record<string, string>> };
  t.equal(doc.current, 'broken');
  t.same(doc.contexts.prod, {
    controller: ctl.address,
    'ca-file': join(dir, 'ca.pem'),
    'token-file': join(dir, 'prod.token'),
  });
  const asJson = JSON.parse((await run(['--json', 'config', 'view'])).stdout) as { path: string };
  t.equal(asJson.path, cfg);

  const list = await run(['config', 'get-contexts']);
  t.match(list.stdout, /CURRENT\s+NAME\s+CONTROLLER/);
  t.match(list.stdout, /\*\s+broken\s+127\.0\.0\.1:1/);

  const use = await run(['config', 'use-context', 'prod']);
  t.equal(use.code, 0, use.stderr);
  t.equal(use.stdout, '', 'nothing on stdout');
  const text = readFileSync(cfg, 'utf8');
  t.match(text, /^current: prod$/m);
  t.match(text, /# next to this file/, 'comments kept');
  t.equal(statSync(cfg).mode & 0o777, 0o600, 'private to its owner');
  t.equal((await run(['host', 'ls'])).code, 0, 'the new current context is used');
  t.equal((await run(['config', 'current-context'])).stdout, 'prod\n');
  const bad = await run(['config', 'use-context', 'nope']);
  t.equal(bad.code, 1);
  t.match(bad.stderr, /no context named "nope"/);

  const made = await run([
    '--controller',
    ctl.address,
    '--ca-file',
    join(dir, 'ca.pem'),
    '--token-file',
    join(dir, 'prod.token'),
    'config',
    'set-context',
    'second',
  ]);
  t.equal(made.code, 0, made.stderr);
  t.equal((await run(['--context', 'second', 'host', 'ls'])).code, 0, 'the context set-context made works');

  const fresh = join(tmpDir(), 'sub', 'config.yaml');
  const first = await run(['--controller', '10.0.0.1', 'config', 'set-context', 'lab'], { NEPHELE_CONFIG: fresh });
  t.equal(first.code, 0, first.stderr);
  t.same(YAML.parse(readFileSync(fresh, 'utf8')), { contexts: { lab: { controller: '10.0.0.1' } } });
});

t.test('a broken config file: one line naming the key, no value echoed', async (t) => {
  writeFileSync(cfg, `contexts:\n  prod:\n    controller: ${ctl.address}\n    token: ${token}\n`);
  const r = await run(['config', 'view']);
  t.equal(r.code, 1);
  t.equal(r.stdout, '');
  t.match(
    r.stderr,
    /^nephele: config .*config\.yaml: unknown key contexts\.prod\.token \(controller, ca-file, token-file, insecure\)\n$/,
  );
  t.notOk(r.stderr.includes(token), 'the token put there by mistake is not printed');
  writeFileSync(cfg, 'contexts:\n  prod:\n    insecure: "yes"\n');
  t.match((await run(['host', 'ls'])).stderr, /contexts\.prod\.insecure: must be true or false/);
  writeFileSync(cfg, 'current: gone\ncontexts: {}\n');
  t.match((await run(['host', 'ls'])).stderr, /current: no context named "gone"/);
  writeFileSync(cfg, 'contexts: [\n');
  t.match((await run(['host', 'ls'])).stderr, /^nephele: config .*: not YAML: /);
});

t.test('--help documents the precedence and the config file', async (t) => {
  const r = await cli(['--help']);
  const help = r.stdout.replace(/\s+/g, ' ');
  t.match(help, /flags, NEPHELE_\* environment variables, the context chosen by --context/);
  t.match(help, /--context <name>/);
  t.match(help, /env: NEPHELE_CONTEXT/);
  t.match(help, /env: NEPHELE_CONFIG/);
});

t.test('completion bash|zsh: generated from the command tree', async (t) => {
  const bash = await cli(['completion', 'bash']);
  t.equal(bash.code, 0, bash.stderr);
  const file = join(tmpDir(), 'nephele.bash');
  writeFileSync(file, bash.stdout);
  execFileSync('bash', ['-n', file]); // throws on a syntax error
  for (const c of [
    'controller',
    'token',
    'tenant',
    'host',
    'group',
    'vm',
    'events',
    'set',
    'version',
    'config',
    'completion',
  ])
    t.match(bash.stdout, new RegExp(`^    "[^"]*"\\) words="[^"]*\\b${c}\\b`, 'm'), `lists ${c}`);
  const complete = (...words: string[]) =>
    execFileSync(
      'bash',
      [
        '-c',
        `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _nephele_complete; echo "\${COMPREPLY[@]}"`,
      ],
      { encoding: 'utf8' },
    ).trim();
  t.equal(complete('nephele', 'ho'), 'host');
  t.equal(complete('nephele', '--controller', 'x', 'host', 'cor'), 'cordon');
  t.match(complete('nephele', 'config', 'use'), /^use-context$/);
  t.match(complete('nephele', 'vm', 'create', '--mem'), /^--memory$/);
  const zsh = await cli(['completion', 'zsh']);
  t.equal(zsh.code, 0);
  t.match(zsh.stdout, /bashcompinit/);
  const fish = await cli(['completion', 'fish']);
  t.equal(fish.code, 1, 'an unknown shell is refused');
});
