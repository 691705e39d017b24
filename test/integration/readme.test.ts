// The README's commands, run as written (issue 11, item 16). Every ```sh block
// marked `<!-- readme-test: run -->` runs in bash (aliases on, -e, pipefail) in a
// fresh directory holding the built tree, against `npm run dev`'s controller and
// agent started there; a block marked `<!-- readme-test: install -->` is the agent
// install line, rendered with `--root` (no systemctl, no useradd). A README edit
// that breaks a command breaks this test.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { ROOT } from '../helpers/procs.js';
import { track } from '../helpers/reap.js';

interface Block {
  kind: 'run' | 'install';
  line: number;
  text: string;
}

/** The marked ```sh blocks of a markdown text, in order. */
export function markedBlocks(md: string): Block[] {
  const lines = md.split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^<!-- readme-test: (run|install) -->$/.exec(lines[i]!.trim());
    if (!m) continue;
    if (lines[i + 1]?.trim() !== '```sh')
      throw new Error(`README line ${i + 1}: a marker not followed by a \`\`\`sh block`);
    const end = lines.indexOf('```', i + 2);
    if (end < 0) throw new Error(`README line ${i + 1}: unterminated block`);
    out.push({ kind: m[1] as Block['kind'], line: i + 3, text: lines.slice(i + 2, end).join('\n') });
  }
  return out;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

const blocks = markedBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));
t.ok(blocks.filter((b) => b.kind === 'run').length >= 2, 'the README marks its walk-through blocks');
t.equal(blocks.filter((b) => b.kind === 'install').length, 1, 'the README marks its install line');

t.test('the README, as written, against npm run dev', async (t) => {
  const dir = tmpDir('nephele-readme-');
  // The built tree and scripts where a checkout has them; .nephele is this directory's own.
  for (const d of ['dist', 'scripts', 'node_modules', 'package.json']) symlinkSync(join(ROOT, d), join(dir, d));
  if (existsSync(join(ROOT, '.cache'))) symlinkSync(join(ROOT, '.cache'), join(dir, '.cache'));
  // `nephele` on the PATH, as `npm link` puts it there (the README says so).
  mkdirSync(join(dir, 'bin'));
  writeFileSync(
    join(dir, 'bin/nephele'),
    `#!/bin/sh\nexec "${process.execPath}" "${join(dir, 'dist/controller/cli/main.js')}" "$@"\n`,
    {
      mode: 0o755,
    },
  );
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const env = {
    ...process.env,
    PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
    NEPHELE_DEV_DIR: join(dir, '.nephele'),
    NEPHELE_DEV_LISTEN: address,
    NEPHELE_CONTROLLER: address,
    NEPHELE_LOG_JSON: '1',
  };
  // What `npm run dev` runs after its build (the build is this suite's own first step).
  const dev = spawn(process.execPath, [join(dir, 'dist/scripts/dev.js')], { cwd: dir, env, stdio: 'pipe' });
  track(dev);
  let devOut = '';
  dev.stdout.on('data', (d) => (devOut += d));
  dev.stderr.on('data', (d) => (devOut += d));
  const devExited = new Promise((r) => dev.once('exit', r));
  t.teardown(async () => {
    if (dev.exitCode === null) dev.kill('SIGINT');
    await devExited;
  });
  await waitFor(() => devOut.includes('Nephele dev:'), { timeoutMs: 120_000, message: 'dev mode up' });
  const cli = join(dir, 'dist/controller/cli/main.js');
  await waitFor(
    () =>
      spawnSync(process.execPath, [cli, 'host', 'ls'], { cwd: dir, env, encoding: 'utf8' }).stdout.includes(' ready '),
    { timeoutMs: 60_000, message: 'the dev agent is ready' },
  );

  for (const b of blocks) {
    let script = b.text;
    if (b.kind === 'install') {
      // Rendered, not installed: sudo dropped (we may be root without sudo), --root appended.
      script = script.replace(/^sudo /, '') + ` --root ${join(dir, 'install-root')}`;
      mkdirSync(join(dir, 'install-root'));
    }
    const r = spawnSync('bash', ['-O', 'expand_aliases', '-e', '-o', 'pipefail', '-c', script], {
      cwd: dir,
      env,
      encoding: 'utf8',
      timeout: 300_000,
    });
    t.equal(r.status, 0, `README line ${b.line} (${b.kind}) exits 0`, {
      script,
      stdout: r.stdout.slice(-4000),
      stderr: r.stderr.slice(-4000),
    });
    if (b.kind === 'install') {
      const envFile = readFileSync(join(dir, 'install-root/etc/nephele/agent.env'), 'utf8');
      t.match(
        envFile,
        /^NEPHELE_JOIN_TOKEN=nj1\.[\w-]+\.[\w-]+\.[\w-]+$/m,
        'the install line captured a join token alone',
      );
      t.ok(existsSync(join(dir, 'install-root/etc/systemd/system/nephele-agent.service')), 'unit rendered');
    }
  }
});
