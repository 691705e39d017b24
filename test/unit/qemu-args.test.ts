import t from 'tap';
import { qemuArgs, vmPaths, type LaunchOptions } from '../../agent/drivers/qemu/launch.js';

// QEMU option strings built from paths (issue 9, finding 13): a comma in a
// path must not start a new option. QEMU's own escape is a doubled comma.

/** Splits a QEMU option string as QEMU does: `,` separates, `,,` is a literal comma. */
function tokens(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i <= s.length; i++) {
    if (i < s.length && s[i] === ',' && s[i + 1] === ',') {
      cur += ',';
      i++;
    } else if (i === s.length || s[i] === ',') {
      out.push(cur);
      cur = '';
    } else cur += s[i];
  }
  return out;
}

/** The options of a string as [key, value] (a bare word has value ''). */
const parseOpts = (s: string): [string, string][] =>
  tokens(s).map((x) => {
    const eq = x.indexOf('=');
    return eq < 0 ? [x, ''] : [x.slice(0, eq), x.slice(eq + 1)];
  });

const after = (args: string[], flag: string, nth = 0) => args.filter((_, i) => args[i - 1] === flag)[nth]!;

const base = (dir: string): LaunchOptions => ({
  name: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  accel: 'tcg',
  memoryMiB: 128,
  vcpus: 1,
  kernel: `${dir}/img/vmlinux`,
  initrd: `${dir}/img/initramfs.cpio.gz`,
  bootArgs: 'console=ttyS0',
  paths: vmPaths(`${dir}/vms/01ARZ3NDEKTSV4RRFFQ69G5FAV`),
  hostPort: 8000,
  appliancePort: 8080,
  guestAgentPort: 'org.nephele.agent',
});

t.test('a path with commas stays one value in every option string', async (t) => {
  const dir = '/srv/evil,file.driver=nbd,file.host=10.0.0.1,file.port=10809';
  const o = base(dir);
  const args = qemuArgs(o);
  const drive = parseOpts(after(args, '-drive'));
  t.same(
    drive.map(([k]) => k),
    ['id', 'file', 'format', 'if'],
    'the drive has exactly its own options',
  );
  t.equal(drive.find(([k]) => k === 'file')![1], o.paths.overlay, 'and its file is the whole path');
  const ga = parseOpts(after(args, '-chardev'));
  t.same(
    ga.map(([k]) => k),
    ['socket', 'id', 'path', 'server', 'wait'],
  );
  t.equal(ga.find(([k]) => k === 'path')![1], o.paths.ga);
  t.same(tokens(after(args, '-qmp')), [`unix:${o.paths.qmp}`, 'server=on', 'wait=off'], 'the QMP socket is one value');
  // Plain arguments are not option strings: QEMU takes them whole.
  t.equal(after(args, '-kernel'), o.kernel);
  t.equal(after(args, '-pidfile'), o.paths.pidfile);
  t.equal(after(args, '-serial'), `file:${o.paths.serial}`);
  const port = parseOpts(after(args, '-device', 3));
  t.same(port, [
    ['virtserialport', ''],
    ['chardev', 'ga'],
    ['name', 'org.nephele.agent'],
  ]);
  const evilPort = parseOpts(after(qemuArgs({ ...o, guestAgentPort: 'x,chardev=other' }), '-device', 3));
  t.same(
    evilPort,
    [
      ['virtserialport', ''],
      ['chardev', 'ga'],
      ['name', 'x,chardev=other'],
    ],
    'an image manifest cannot add options either',
  );
});

t.test('paths with control characters are refused', async (t) => {
  for (const dir of ['/srv/a\nb', '/srv/a\x1b[31m', '/srv/\u202eevil']) {
    t.throws(
      () => qemuArgs(base(dir)),
      { name: 'DriverError', code: 'INVALID_SPEC', message: /contains control characters/ },
      JSON.stringify(dir),
    );
  }
  t.throws(() => qemuArgs({ ...base('/srv'), kernel: '/img/vm\nlinux' }), {
    code: 'INVALID_SPEC',
    message: /^kernel path/,
  });
});
