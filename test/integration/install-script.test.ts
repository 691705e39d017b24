// scripts/install-agent.sh in render-only mode (--root TMPDIR): the unit file,
// the environment file, the data directory, idempotency and argument errors.
// Nothing here touches the running system (no useradd, no systemctl).
import t, { type Test } from 'tap';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Compiled to dist/test/integration/, so the repo root is three levels up.
const SCRIPT = fileURLToPath(new URL('../../../scripts/install-agent.sh', import.meta.url));
const UNIT_REL = 'etc/systemd/system/nephele-agent.service';
const ENV_REL = 'etc/nephele/agent.env';

const CONTROLLER = 'controller.example:7443';
// The shape of a real join token: nj1.<CA pin>.<ULID>.<secret>, base64url parts.
const TOKEN = 'nj1.Qm9ndXNDQVBpbi1fMTIz.01JD5Z8Q3N4V6W7X8Y9Z0A1B2C.c2VjcmV0LV9zZWNyZXQ';

function run(args: string[]): SpawnSyncReturns<string> {
  return spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8', timeout: 30_000 });
}

function tmpRoot(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'nephele-install-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs the script expecting success and returns the root it rendered into. */
function render(t: Test, extra: string[] = [], root = tmpRoot(t)): string {
  const r = run(['--controller', CONTROLLER, '--join-token', TOKEN, '--root', root, ...extra]);
  t.equal(r.status, 0, 'install-agent.sh exits 0', { stderr: r.stderr });
  return root;
}

type UnitFile = Map<string, Map<string, string[]>>;

/**
 * A minimal systemd unit parser: [Section] headers, Key=Value lines (a key may
 * repeat), # and ; comments, blank lines and backslash line continuations.
 * Throws on anything else, including assignments before the first section.
 */
function parseUnit(text: string): UnitFile {
  const sections: UnitFile = new Map();
  let current: Map<string, string[]> | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + ' ' + lines[++i]!.trim();
    const header = /^\[([A-Za-z0-9-]+)\]$/.exec(line);
    if (header) {
      const name = header[1]!;
      if (sections.has(name)) throw new Error(`line ${i + 1}: section [${name}] appears twice`);
      current = new Map();
      sections.set(name, current);
      continue;
    }
    const kv = /^([A-Za-z][A-Za-z0-9]*)\s*=\s*(.*)$/.exec(line);
    if (!kv) throw new Error(`line ${i + 1}: not a section header or Key=Value: ${JSON.stringify(line)}`);
    if (!current) throw new Error(`line ${i + 1}: assignment outside of any section`);
    const [, key, value] = kv;
    current.set(key!, [...(current.get(key!) ?? []), value!]);
  }
  return sections;
}

/** The single value of a key (asserting it is set exactly once). */
function one(t: Test, unit: UnitFile, section: string, key: string): string {
  const v = unit.get(section)?.get(key) ?? [];
  t.equal(v.length, 1, `[${section}] ${key}= is set exactly once`);
  return v[0] ?? '';
}

function parseEnv(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.indexOf('=');
    if (i <= 0) throw new Error(`bad env line ${JSON.stringify(line)}`);
    env.set(line.slice(0, i), line.slice(i + 1));
  }
  return env;
}

const mode = (p: string) => statSync(p).mode & 0o777;

/** Every file and directory under root: relative path -> mode and content. */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      const p = join(root, r);
      if (e.isDirectory()) {
        out.set(`${r}/`, mode(p).toString(8));
        walk(r);
      } else {
        out.set(r, `${mode(p).toString(8)}\n${readFileSync(p, 'utf8')}`);
      }
    }
  };
  walk('');
  return out;
}

function onPath(cmd: string): boolean {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  return !r.error;
}

t.test('renders the unit file', async (t) => {
  const root = render(t, ['--prefix', '/opt/nephele-test', '--data-dir', '/srv/nephele-agent']);
  const unitPath = join(root, UNIT_REL);
  t.ok(existsSync(unitPath), 'unit file exists');
  const text = readFileSync(unitPath, 'utf8');
  t.equal(mode(unitPath), 0o644, 'unit file is 0644');

  const unit = parseUnit(text);
  t.same([...unit.keys()].sort(), ['Install', 'Service', 'Unit'], 'sections are exactly Unit, Service, Install');

  t.equal(one(t, unit, 'Unit', 'Description'), 'Nephele agent');
  t.ok(one(t, unit, 'Unit', 'Documentation'), 'Documentation= is set');
  t.match(one(t, unit, 'Unit', 'After'), /\bnetwork-online\.target\b/);
  t.match(one(t, unit, 'Unit', 'Wants'), /\bnetwork-online\.target\b/);

  const execStart = one(t, unit, 'Service', 'ExecStart');
  t.match(
    execStart,
    /^\/usr\/bin\/env node \/opt\/nephele-test\/dist\/agent\/main\.js /,
    'ExecStart runs main.js under --prefix',
  );
  t.match(execStart, /--controller \$\{NEPHELE_CONTROLLER\}/);
  t.match(execStart, /--data-dir \$\{NEPHELE_DATA_DIR\}/);
  t.match(execStart, /--kind \$\{NEPHELE_KIND\}/);
  t.notMatch(execStart, /JOIN_TOKEN|join-token/, 'the join token is not on the command line');
  t.notOk(text.includes(TOKEN), 'the token itself appears nowhere in the unit');
  t.notOk(text.includes(root), 'no path in the unit carries the --root prefix');

  t.equal(one(t, unit, 'Service', 'Type'), 'simple');
  t.equal(one(t, unit, 'Service', 'EnvironmentFile'), '/etc/nephele/agent.env');
  t.match(text, /^EnvironmentFile=\/etc\/nephele\/agent\.env$/m, 'EnvironmentFile line');
  t.equal(one(t, unit, 'Service', 'Restart'), 'always');
  t.match(text, /^Restart=always$/m, 'Restart=always line');
  t.equal(one(t, unit, 'Service', 'RestartSec'), '2');
  t.equal(one(t, unit, 'Service', 'LimitNOFILE'), '65536');
  t.equal(one(t, unit, 'Service', 'KillMode'), 'process', 'KillMode=process: VMs survive an agent restart');
  t.equal(one(t, unit, 'Service', 'NoNewPrivileges'), 'yes');
  t.equal(one(t, unit, 'Service', 'ProtectSystem'), 'full');
  t.equal(one(t, unit, 'Service', 'ProtectHome'), 'read-only');
  t.equal(one(t, unit, 'Service', 'ReadWritePaths'), '/srv/nephele-agent', 'ReadWritePaths is the data dir');
  t.equal(one(t, unit, 'Service', 'User'), 'nephele');
  t.notOk(unit.get('Service')?.has('PrivateDevices'), 'no PrivateDevices= (it would hide /dev/kvm)');
  t.equal(one(t, unit, 'Install', 'WantedBy'), 'multi-user.target');
  t.match(text, /^WantedBy=multi-user\.target$/m, 'WantedBy line');

  if (onPath('systemd-analyze')) {
    const v = spawnSync('systemd-analyze', ['verify', unitPath], { encoding: 'utf8', timeout: 60_000 });
    // verify exits 0 even for unknown keys and sections, reporting them on
    // stderr as "<path>:<line>: ..."; any such line about our unit is a failure.
    const complaints = `${v.stdout}\n${v.stderr}`.split('\n').filter((l) => l.includes('nephele-agent.service'));
    t.equal(v.status, 0, 'systemd-analyze verify exits 0', { stderr: v.stderr });
    t.same(complaints, [], 'systemd-analyze verify has no complaints about the unit');
  } else {
    t.comment('systemd-analyze not on PATH; skipping systemd-analyze verify');
  }
});

t.test('renders the environment file and the data dir', async (t) => {
  const root = render(t);
  const envPath = join(root, ENV_REL);
  t.ok(existsSync(envPath), 'env file exists');
  t.equal(mode(envPath), 0o600, 'env file is 0600: it holds the join token');
  const env = parseEnv(readFileSync(envPath, 'utf8'));
  t.equal(env.get('NEPHELE_CONTROLLER'), CONTROLLER);
  t.equal(env.get('NEPHELE_JOIN_TOKEN'), TOKEN);
  t.equal(env.get('NEPHELE_KIND'), 'dedicated', 'kind defaults to dedicated');
  t.equal(env.get('NEPHELE_DATA_DIR'), '/var/lib/nephele-agent', 'default data dir');
  t.notOk(env.has('NEPHELE_NAME'), 'no NEPHELE_NAME without --name');

  const dataDir = join(root, 'var/lib/nephele-agent');
  t.ok(statSync(dataDir).isDirectory(), 'data dir exists');
  t.equal(mode(dataDir), 0o700, 'data dir is 0700');

  const unit = parseUnit(readFileSync(join(root, UNIT_REL), 'utf8'));
  t.same(unit.get('Service')?.get('ReadWritePaths'), ['/var/lib/nephele-agent']);
  t.match(
    unit.get('Service')?.get('ExecStart')?.[0] ?? '',
    /^\/usr\/bin\/env node \/opt\/nephele\/dist\/agent\/main\.js /,
    'default prefix',
  );
});

t.test('optional flags end up in the files', async (t) => {
  const root = render(t, [
    '--kind=adhoc',
    '--name',
    'lab-pc-7',
    '--data-dir',
    '/data/agent',
    '--user',
    'vmagent',
    '--label',
    'room=lab-3',
    '--label=os/arch=x86',
    '--offer-guarantees',
    '--no-start',
  ]);
  const env = parseEnv(readFileSync(join(root, ENV_REL), 'utf8'));
  t.equal(env.get('NEPHELE_KIND'), 'adhoc');
  t.equal(env.get('NEPHELE_LABELS'), 'room=lab-3,os/arch=x86', 'labels reach the agent through its environment');
  t.equal(env.get('NEPHELE_OFFER_GUARANTEES'), '1');
  t.equal(env.get('NEPHELE_NAME'), 'lab-pc-7');
  t.equal(env.get('NEPHELE_DATA_DIR'), '/data/agent');
  t.equal(mode(join(root, 'data/agent')), 0o700);
  const unit = parseUnit(readFileSync(join(root, UNIT_REL), 'utf8'));
  t.same(unit.get('Service')?.get('User'), ['vmagent']);
  t.same(unit.get('Service')?.get('ReadWritePaths'), ['/data/agent']);
});

t.test('--libvirt: the unit wants libvirtd and virtlogd, the agent gets the system URI', async (t) => {
  const plain = parseUnit(readFileSync(join(render(t), UNIT_REL), 'utf8'));
  t.same(plain.get('Unit')?.get('Wants'), ['network-online.target'], 'without --libvirt: no libvirt dependency');
  const root = render(t, ['--libvirt']);
  const unit = parseUnit(readFileSync(join(root, UNIT_REL), 'utf8'));
  t.same(unit.get('Unit')?.get('Wants'), ['network-online.target', 'libvirtd.service virtlogd.service']);
  t.same(unit.get('Unit')?.get('After'), ['network-online.target', 'libvirtd.service virtlogd.service']);
  t.equal(parseEnv(readFileSync(join(root, ENV_REL), 'utf8')).get('NEPHELE_LIBVIRT_URI'), 'qemu:///system');
  t.equal(
    run(['--controller', CONTROLLER, '--join-token', TOKEN, '--libvirt=yes']).status,
    2,
    '--libvirt takes no value',
  );
});

t.test('is idempotent', async (t) => {
  const args = ['--name', 'host-1', '--kind', 'adhoc'];
  const root = render(t, args);
  const first = snapshot(root);
  t.ok(
    first.has(UNIT_REL) && first.has(ENV_REL) && first.has('var/lib/nephele-agent/'),
    'snapshot sees all rendered paths',
  );
  render(t, args, root);
  t.same(snapshot(root), first, 'a second run leaves identical files and modes');

  // A different controller rewrites the env file in place, keeping it private.
  const r = run(['--controller', 'other.example:1', '--join-token', TOKEN, '--root', root, ...args]);
  t.equal(r.status, 0);
  t.equal(parseEnv(readFileSync(join(root, ENV_REL), 'utf8')).get('NEPHELE_CONTROLLER'), 'other.example:1');
  t.equal(mode(join(root, ENV_REL)), 0o600);
  t.same(readdirSync(join(root, 'etc/nephele')), ['agent.env'], 'no temp files left behind');
});

t.test('accepts IPv4 and bracketed IPv6 controller addresses', async (t) => {
  for (const addr of ['10.0.0.5:7443', '[fd00::1]:7443', 'ctl:1']) {
    const root = render(t, ['--controller', addr]);
    t.equal(parseEnv(readFileSync(join(root, ENV_REL), 'utf8')).get('NEPHELE_CONTROLLER'), addr, addr);
  }
});

t.test('rejects bad usage with exit 2 and a message naming the flag', async (t) => {
  const root = tmpRoot(t);
  const cases: { name: string; args: string[]; flag: string }[] = [
    { name: 'missing --controller', args: ['--join-token', TOKEN], flag: '--controller' },
    { name: 'missing --join-token', args: ['--controller', CONTROLLER], flag: '--join-token' },
    { name: 'empty --join-token', args: ['--controller', CONTROLLER, '--join-token', ''], flag: '--join-token' },
    { name: 'token with spaces', args: ['--controller', CONTROLLER, '--join-token', 'abc def'], flag: '--join-token' },
    {
      name: '--kind weird',
      args: ['--controller', CONTROLLER, '--join-token', TOKEN, '--kind', 'weird'],
      flag: '--kind',
    },
    {
      name: 'controller without port',
      args: ['--controller', 'controller.example', '--join-token', TOKEN],
      flag: '--controller',
    },
    {
      name: 'controller port out of range',
      args: ['--controller', 'c:70000', '--join-token', TOKEN],
      flag: '--controller',
    },
    { name: '--controller without a value', args: ['--join-token', TOKEN, '--controller'], flag: '--controller' },
    {
      name: 'relative --data-dir',
      args: ['--controller', CONTROLLER, '--join-token', TOKEN, '--data-dir', 'var/lib/x'],
      flag: '--data-dir',
    },
    {
      name: 'bad --name',
      args: ['--controller', CONTROLLER, '--join-token', TOKEN, '--name', 'Not A Name'],
      flag: '--name',
    },
    {
      name: 'bad --label',
      args: ['--controller', CONTROLLER, '--join-token', TOKEN, '--label', 'Room=1'],
      flag: '--label',
    },
    {
      name: 'unknown flag',
      args: ['--controller', CONTROLLER, '--join-token', TOKEN, '--frobnicate'],
      flag: '--frobnicate',
    },
  ];
  for (const c of cases) {
    const r = run([...c.args, '--root', root]);
    t.equal(r.status, 2, `${c.name}: exits 2`);
    t.match(r.stderr, c.flag, `${c.name}: stderr names ${c.flag}`);
    t.equal(r.stderr.trim().split('\n').length, 1, `${c.name}: a one-line error`);
  }
  t.same(readdirSync(root), [], 'nothing was rendered by a rejected run');
});

t.test('--help', async (t) => {
  const r = run(['--help']);
  t.equal(r.status, 0, 'exits 0');
  t.match(r.stdout, /Usage: .*--controller ADDR --join-token/);
  for (const flag of ['--kind', '--root', '--data-dir', '--name', '--user', '--prefix', '--no-start']) {
    t.match(r.stdout, flag, `documents ${flag}`);
  }
  t.equal(r.stderr, '');
});

/**
 * Runs the script where a mistaken "real" install cannot reach this machine:
 * as root, in a private mount namespace whose /etc and /var/lib are overlays
 * with their writes going to a tmpfs, printing what was written there (after
 * a line "WROTE:").
 */
function runContained(t: Test, args: string[]): SpawnSyncReturns<string> {
  if (process.getuid?.() !== 0) return run(args); // not root: /etc is not writable anyway
  const body = [
    'mount -t tmpfs t "$SCRATCH" || exit 99',
    'for d in etc var/lib; do mkdir -p "$SCRATCH/u/$d" "$SCRATCH/w/$d" && mount -t overlay o -o "lowerdir=/$d,upperdir=$SCRATCH/u/$d,workdir=$SCRATCH/w/$d" "/$d" || exit 99; done',
    'bash "$0" "$@"; rc=$?',
    'echo WROTE:; (cd "$SCRATCH/u" && find . -mindepth 3)',
    'exit $rc',
  ].join('\n');
  return spawnSync('unshare', ['--mount', '--propagation', 'private', 'bash', '-c', body, SCRIPT, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, SCRATCH: tmpRoot(t) },
  });
}

t.test('a --root that resolves to / is refused unless --system says a real install is meant', async (t) => {
  const dir = tmpRoot(t);
  symlinkSync('/', join(dir, 'slash'));
  for (const root of ['/./', '//', '/.', '/tmp/..', '/tmp/../.', join(dir, 'slash'), `${join(dir, 'slash')}/etc/..`]) {
    const r = runContained(t, ['--controller', CONTROLLER, '--join-token', TOKEN, '--no-start', '--root', root]);
    t.equal(r.status, 2, `--root ${root}: exits 2`, { stderr: r.stderr });
    t.match(r.stderr, /--root resolves to \/ \(the running system\)/, `--root ${root}: says why`);
    t.equal(r.stdout.split('WROTE:')[1]?.trim() ?? '', '', `--root ${root}: nothing written to the system`);
  }
  // Relative roots and roots with . and .. still render, under their canonical directory.
  const rel = spawnSync('bash', [SCRIPT, '--controller', CONTROLLER, '--join-token', TOKEN, '--root', './a/../b/.'], {
    encoding: 'utf8',
    cwd: dir,
  });
  t.equal(rel.status, 0, rel.stderr);
  t.ok(existsSync(join(dir, 'b', ENV_REL)), 'a relative root is resolved against the working directory');
  t.match(rel.stdout, new RegExp(`rendered under ${join(dir, 'b')} `), 'and reported in canonical form');
});

t.test('a symbolic link inside the root cannot lead the rendering out of it', async (t) => {
  const root = tmpRoot(t);
  const elsewhere = tmpRoot(t);
  mkdirSync(join(root, 'etc'));
  symlinkSync(elsewhere, join(root, 'etc', 'nephele'));
  const r = run(['--controller', CONTROLLER, '--join-token', TOKEN, '--root', root]);
  t.equal(r.status, 1, 'refused');
  t.match(r.stderr, /outside the root/);
  t.same(readdirSync(elsewhere), [], 'nothing written through the link');
});

t.test('--system with a root that resolves to / is a real install (checked up to its preflight)', async (t) => {
  if (process.getuid?.() === 0) {
    // As root the preflight passes on to a real install; contained, it renders into the tmpfs /etc.
    const r = runContained(t, [
      '--controller',
      CONTROLLER,
      '--join-token',
      TOKEN,
      '--no-start',
      '--user',
      'root',
      '--root',
      '/./',
      '--system',
    ]);
    t.equal(r.status, 0, r.stderr);
    t.match(r.stdout, /installed nephele-agent\.service \(not started: --no-start\)/, 'took the real-install path');
    t.match(
      r.stdout.split('WROTE:')[1] ?? '',
      /\.\/etc\/nephele\/agent\.env/,
      'wrote the system files (here: into the contained /etc)',
    );
  } else {
    const r = run(['--controller', CONTROLLER, '--join-token', TOKEN, '--root', '/./', '--system']);
    t.equal(r.status, 1);
    t.match(r.stderr, /a real install must run as root/, 'took the real-install path');
  }
});
