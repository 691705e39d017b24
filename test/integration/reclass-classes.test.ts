// The class catalog and per-set reclassification policies (issue 15) through the
// real CLI against a real controller: nephele class ls|define|rm, nephele
// reclass policy set|show; bad input names its field; the shipped catalog is
// written once (a deleted default stays deleted across a restart); tenants
// read the catalog but do not change it, and do not see others' sets.
import t, { type Test } from 'tap';
import { tmpDir } from '../helpers/tmp.js';
import { cli, FAST, startController, type ControllerProc } from '../helpers/procs.js';
import { waitFor } from '../helpers/wait.js';

type Run = Awaited<ReturnType<typeof cli>>;

function runner(t: Test, base: () => string[]) {
  const run = (...args: string[]) => cli([...base(), ...args]);
  const ok = async (...args: string[]): Promise<Run> => {
    const r = await run(...args);
    t.equal(r.code, 0, `${args.join(' ')}: exit 0 ${r.stderr}`);
    t.equal(r.stderr, '', `${args.join(' ')}: nothing on stderr`);
    return r;
  };
  const refused = async (args: string[], re: RegExp) => {
    const r = await run(...args);
    t.equal(r.code, 1, `${args.join(' ')}: exit 1`);
    t.equal(r.stdout, '', `${args.join(' ')}: nothing on stdout`);
    t.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: one line on stderr`);
    t.match(r.stderr.trimEnd(), re, `${args.join(' ')}: ${r.stderr.trim()}`);
  };
  return { run, ok, refused };
}

t.test('class ls|define|rm and reclass policy set|show', async (t) => {
  const dir = tmpDir();
  let c: ControllerProc = await startController(dir);
  t.teardown(() => c.stop());
  const base = () => ['--data-dir', dir, '--controller', c.address];

  await t.test('the shipped catalog, by vcpus then memory', async (t) => {
    const { ok } = runner(t, base);
    const r = await ok('class', 'ls');
    const lines = r.stdout.trimEnd().split('\n');
    t.match(lines[0], /^\s*NAME\s+VCPUS\s+MEMORY\s+DISK\s+FEATURES\s+PRICE\/H\s+BUILTIN$/);
    t.same(
      lines.slice(1).map((l) => l.trim().split(/\s+/)[0]),
      ['small', 'medium', 'mem-large', 'large', 'cpu-large'],
    );
    t.match(r.stdout, /^\s*medium\s+2\s+4GiB\s+40GiB\s+-\s+0\.0464 USD\s+yes$/m);
    const j = JSON.parse((await ok('--json', 'class', 'ls')).stdout) as Record<string, unknown>[];
    t.equal(j.length, 5);
    t.match(j[0], { name: 'small', vcpus: 1, memoryMib: 1024, builtin: true, version: 1, currency: 'USD' });
  });

  await t.test('define creates and replaces (version + 1); the rate card names the currency', async (t) => {
    const { ok } = runner(t, base);
    const d = await ok('class', 'define', 'secure-4x', '--vcpus', '4', '--memory', '8G', '--feature', 'secure-os,avx2');
    t.match(d.stdout, /^Name:\s+secure-4x$/m);
    t.match(d.stdout, /^Features:\s+avx2\n\s+secure-os$/m);
    t.match(d.stdout, /^Price per hour:\s+rate card$/m);
    const again = await ok(
      '--json',
      'class',
      'define',
      'secure-4x',
      '--vcpus',
      '4',
      '--memory',
      '16G',
      '--price',
      '0.25',
    );
    t.match(JSON.parse(again.stdout), {
      name: 'secure-4x',
      memoryMib: 16384,
      pricePerHour: 0.25,
      version: 2,
      builtin: false,
    });
    await ok('usage', 'rates', 'set', '--currency', 'EUR', '--rate', 'vcpu_hour=0.02,memory_gib_hour=0.004');
    const ls = await ok('class', 'ls');
    t.match(ls.stdout, /^\s*secure-4x\s+4\s+16GiB\s+20GiB\s+-\s+0\.25 EUR\s+no$/m, 'its own price, in EUR');
  });

  await t.test('bad input: INVALID_ARGUMENT naming the field', async (t) => {
    const { refused } = runner(t, base);
    await refused(['class', 'define', 'huge', '--vcpus', '300', '--memory', '1G'], /INVALID_ARGUMENT: vm_class\.vcpus/);
    await refused(['class', 'define', 'Big', '--vcpus', '1', '--memory', '1G'], /INVALID_ARGUMENT: vm_class\.name/);
    await refused(
      ['class', 'define', 'tiny', '--vcpus', '1', '--memory', '32M'],
      /INVALID_ARGUMENT: vm_class\.memory_mib/,
    );
    await refused(
      ['class', 'define', 'odd', '--vcpus', '1', '--memory', '1G', '--feature', 'ok,Not_OK'],
      /INVALID_ARGUMENT: vm_class\.features\[1\]/,
    );
    await refused(['class', 'rm', 'nope'], /NOT_FOUND: class nope not found/);
  });

  await t.test('rm; the deleted default stays deleted after a restart (with --reclass-schedule)', async (t) => {
    const { ok } = runner(t, base);
    t.equal((await ok('class', 'rm', 'small')).stdout, 'removed class small\n');
    t.same(JSON.parse((await ok('--json', 'class', 'rm', 'medium')).stdout), { name: 'medium', removed: true });
    await c.stop();
    // Back with the schedule and the webhook flags: the schedule runs (recommendAll) on its cron.
    const args = [...FAST, '--reclass-schedule', '*/2 * * * * *', '--reclass-webhook', 'http://127.0.0.1:9/hook'];
    c = await startController(dir, { args });
    await waitFor(() => c.stdout().includes('"msg":"scheduled reclassification run"'), {
      message: 'the scheduled run logged',
    });
    const names = (JSON.parse((await ok('--json', 'class', 'ls')).stdout) as { name: string }[]).map((x) => x.name);
    t.same(names, ['mem-large', 'large', 'secure-4x', 'cpu-large'], 'not seeded again');
  });

  await t.test('policy set|show of a set; bad policies name their field', async (t) => {
    const { ok, refused } = runner(t, base);
    await ok('set', 'create', '--count', '1', '--name', 'web', '--scheme', 'process');
    const shown = await ok('reclass', 'policy', 'show', 'web');
    t.match(shown.stdout, /^Auto-apply:\s+no$/m, 'the defaults: auto-apply off');
    t.match(shown.stdout, /^Window:\s+none$/m);
    await refused(['reclass', 'policy', 'set', 'web', '--auto-apply'], /INVALID_ARGUMENT: policy\.window_cron/);
    await refused(
      ['reclass', 'policy', 'set', 'web', '--window', 'every day'],
      /INVALID_ARGUMENT: policy\.window_cron/,
    );
    await refused(
      ['reclass', 'policy', 'set', 'web', '--window', '0 2 * * *', '--window-length', '25h'],
      /INVALID_ARGUMENT: policy\.window_minutes/,
    );
    await refused(['reclass', 'policy', 'set', 'web', '--kinds', 'shrink'], /--kinds/);
    const set = await ok(
      '--json',
      ...['reclass', 'policy', 'set', 'web', '--auto-apply', '--window', '0 2 * * *', '--window-length', '90m'],
      ...['--kinds', 'resize,new_vm'],
    );
    const p = JSON.parse(set.stdout) as Record<string, unknown>;
    t.match(p, { autoApply: true, windowCron: '0 2 * * *', windowMinutes: 90, kinds: ['resize', 'new_vm'] });
    const again = await ok('reclass', 'policy', 'show', 'web');
    t.match(again.stdout, /^Auto-apply:\s+yes$/m);
    t.match(again.stdout, /^Window:\s+cron 0 2 \* \* \*, 90 min$/m);
    t.match(again.stdout, /^Kinds:\s+resize, new_vm$/m);
    await refused(['reclass', 'policy', 'show', '01ARZ3NDEKTSV4RRFFQ69G5FAV'], /NOT_FOUND: set not found/);
  });

  await t.test("a tenant reads the catalog, cannot change it, and does not see another tenant's set", async (t) => {
    const { ok, run } = runner(t, base);
    await ok('tenant', 'create', 'globex');
    const made = await run('token', 'create', '--api', '--role', 'tenant-admin', '--tenant', 'globex');
    t.equal(made.code, 0, made.stderr);
    const tok = made.stdout.trim();
    const as = (...args: string[]) => run('--token', tok, ...args);
    t.equal((await as('class', 'ls')).code, 0, 'ls allowed');
    const def = await as('class', 'define', 'mine', '--vcpus', '1', '--memory', '1G');
    t.equal(def.code, 1);
    t.match(def.stderr, /PERMISSION_DENIED/);
    const rm = await as('class', 'rm', 'large');
    t.match(rm.stderr, /PERMISSION_DENIED/);
    const setId = (JSON.parse((await ok('--json', 'reclass', 'policy', 'show', 'web')).stdout) as { setId: string })
      .setId;
    const other = await as('reclass', 'policy', 'show', setId);
    t.equal(other.code, 1);
    t.match(other.stderr, /NOT_FOUND: set not found/, "another tenant's set does not exist for it");
    const set = await as('reclass', 'policy', 'set', setId, '--window', '0 3 * * *');
    t.match(set.stderr, /NOT_FOUND: set not found/);
  });
});
