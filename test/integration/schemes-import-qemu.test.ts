import t from 'tap';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CanonicalDefinition, DefinitionFormatName } from '../../common/spec/definition.js';
import { codecFor } from '../../controller/schemes/formats/index.js';
import { cli, ROOT, startController } from '../helpers/procs.js';
import { buildGuestImage, haveQemu, qemuOrSkip, startQemuAgent } from '../helpers/qemu.js';
import { tmpDir } from '../helpers/tmp.js';
import { httpGet, vmApi } from '../helpers/vms.js';
import { waitFor } from '../helpers/wait.js';

// ImportVm / ExportVm with ONE real TCG guest, through the CLI: a definition
// plus a .vmdk made with qemu-img from the guest image's data disk become a
// running qemu VM that serves its page; stopped, it is exported again as a
// definition plus a vmdk (the CLI checks the sha256), which qemu-img reads as
// vmdk. No scratch file, no transfer is left behind.

// The definition format under test: a .vmx (VMware's format: it has no field for the
// appliance port, so the import names it on the command line).
const FORMAT: DefinitionFormatName = 'vmx';

qemuOrSkip('schemes-import-qemu');

t.test('a foreign definition + vmdk imported, booted, stopped and exported', async (t) => {
  const t0 = Date.now();
  const lap = (what: string) => t.comment(`${what}: ${Date.now() - t0} ms`);
  t.ok(haveQemu, 'QEMU is installed (.ci/run installs it)');
  if (!haveQemu) return;
  buildGuestImage(t);
  const dir = tmpDir();
  const ctl = await startController(join(dir, 'ctl'));
  t.teardown(() => ctl.kill());
  await startQemuAgent(t, ctl, join(dir, 'agent'));
  lap('agent up');
  const api = vmApi(ctl);
  t.teardown(() => api.close());
  const run = (...args: string[]) => cli(['--controller', ctl.address, '--data-dir', ctl.dataDir, ...args]);

  const vmdk = join(dir, 'web.vmdk');
  execFileSync('qemu-img', [
    'convert',
    '-f',
    'qcow2',
    '-O',
    'vmdk',
    join(ROOT, '.cache/guest/nephele-guest/data.qcow2'),
    vmdk,
  ]);
  const def: CanonicalDefinition = {
    version: 1,
    name: 'web-1',
    vcpus: 1,
    memoryMib: 128,
    arch: 'x86_64',
    firmware: 'bios',
    disks: [
      { file: 'install.iso', format: 'raw', bus: 'ide', device: 'cdrom', readonly: true },
      { file: 'web.vmdk', format: 'vmdk', bus: 'scsi', device: 'disk', readonly: false },
    ],
    nics: [{ model: 'e1000', mac: '00:0c:29:12:34:56', network: 'VM Network' }],
    serial: true,
    appliancePort: 8080,
  };
  const defFile = join(dir, `web.${FORMAT}`);
  writeFileSync(defFile, codecFor(FORMAT)!.render(def).text);

  const imp = await run(
    '-o',
    'json',
    'vm',
    'import',
    '--format',
    FORMAT,
    '--definition',
    defFile,
    '--disk',
    vmdk,
    '--scheme',
    'qemu',
    '--appliance-port',
    '8080',
  );
  lap('imported');
  t.equal(imp.code, 0, `vm import exits 0 (${imp.stderr.trim()})`);
  const r = JSON.parse(imp.stdout) as {
    vm: { id: string; name: string; spec: { diskGib: number } };
    lossy: { path: string; value: string; reason: string }[];
  };
  t.equal(r.vm.name, 'web-1', "the definition's name");
  t.equal(r.vm.spec.diskGib, 1, "disk size from the vmdk's virtual size");
  // Said of the canonical spec by the mapping, whatever the definition format's own lossy list adds.
  const said = (re: RegExp) => r.lossy.some((l) => re.test(`${l.path} ${l.value} ${l.reason}`));
  t.ok(said(/cdrom|install\.iso/i), 'the cdrom is listed as lossy');
  t.ok(said(/user-mode networking/), 'the NIC is listed as lossy');

  const vm = await api.waitState(r.vm.id, 'VM_STATE_RUNNING', 90_000);
  const page = await waitFor(async () => (await httpGet(vm.hostPort)).body, { timeoutMs: 30_000, message: 'page' });
  lap('page');
  t.match(page, /nephele|hello|appliance/i, 'the imported guest boots from the converted disk and serves its page');
  await waitFor(() => readdirSync(join(ctl.dataDir, 'transfers')).length === 0, {
    timeoutMs: 10_000,
    message: 'the imported disk is dropped once the VM runs',
  });

  const early = await run('vm', 'export', r.vm.id, '--format', FORMAT, '--disk-format', 'vmdk', '--out', dir);
  t.equal(early.code, 1, 'export of a running VM fails');
  t.match(early.stderr, /FAILED_PRECONDITION.*stopped/s, 'and says it must be stopped');

  await api.act('StopVm', vm.id);
  await api.waitState(vm.id, 'VM_STATE_STOPPED', 60_000);
  lap('stopped');
  const out = join(dir, 'out');
  execFileSync('mkdir', [out]);
  const exp = await run(
    '-o',
    'json',
    'vm',
    'export',
    'web-1',
    '--format',
    FORMAT,
    '--disk-format',
    'vmdk',
    '--out',
    out,
    '--progress',
  );
  lap('exported');
  t.equal(exp.code, 0, `vm export exits 0`);
  t.match(exp.stderr, /converting \[.*\] 100%/, 'the conversion progress on stderr (stdout stays JSON)');
  const e = JSON.parse(exp.stdout) as { definition: string; disk: string; sha256: string };
  t.equal(
    createHash('sha256').update(readFileSync(e.disk)).digest('hex'),
    e.sha256,
    'the disk written is what was checked',
  );
  const info = JSON.parse(
    execFileSync('qemu-img', ['info', '--output=json', '-f', 'vmdk', e.disk], { encoding: 'utf8' }),
  );
  t.equal(info.format, 'vmdk', 'qemu-img reads the exported disk as vmdk');
  t.notOk(info['backing-filename'], 'standalone: the base is folded in');
  const back = codecFor(FORMAT)!.parse(readFileSync(e.definition, 'utf8')).def;
  t.match(back, { name: 'web-1', vcpus: 1, memoryMib: 128 }, 'the definition says what the VM is');
  t.equal(back.disks[0]?.file, 'web-1.vmdk', 'and names the disk file');
  execFileSync('qemu-img', [
    'compare',
    '-f',
    'qcow2',
    '-F',
    'vmdk',
    join(ctl.dataDir, '..', 'agent', 'vms', vm.id, 'overlay.qcow2'),
    e.disk,
  ]);
  t.pass("qemu-img compare: the exported disk holds the VM's disk");
  t.same(readdirSync(join(ctl.dataDir, 'transfers')), [], 'no transfer left');
  t.same(readdirSync(join(ctl.dataDir, 'scheme-disks')), [], 'no scratch left');
  t.equal((await api.get(vm.id)).state, 'VM_STATE_STOPPED', 'the VM stays stopped');
});
