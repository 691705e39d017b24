import t from 'tap';
import { GiB } from '../../common/limits.js';
import { DefinitionError, type CanonicalDefinition } from '../../common/spec/definition.js';
import { canonicalCodec } from '../../controller/schemes/formats/canonical.js';
import { exportRefusal } from '../../controller/schemes/transfer/export.js';
import { definitionFromVm, specFromDefinition, vmDiskIndex } from '../../controller/schemes/transfer/mapping.js';
import type { VmRecord } from '../../controller/model/vm.js';

// The canonical definition and the controller's VmSpec, both ways: what carries
// over, what is listed as lossy (never dropped silently), and which disk is the VM's.

const DEF: CanonicalDefinition = {
  version: 1,
  name: 'web',
  vcpus: 2,
  memoryMib: 512,
  arch: 'x86_64',
  firmware: 'uefi',
  machine: 'q35',
  disks: [
    { file: 'a.iso', format: 'raw', bus: 'ide', device: 'cdrom', readonly: true },
    { file: 'root.vmdk', format: 'vmdk', bus: 'scsi', device: 'disk', readonly: false },
    { file: 'data.vmdk', format: 'vmdk', bus: 'scsi', device: 'disk', readonly: false },
  ],
  nics: [{ model: 'vmxnet3', mac: '00:50:56:00:00:01', network: 'VM Network' }],
  kernel: { path: '/boot/vmlinuz' },
  serial: false,
  appliancePort: 8000,
  config: { title: 'hi' },
};

t.test('definition -> spec', async (t) => {
  t.equal(vmDiskIndex(DEF), 1, 'the first non-cdrom disk is the VM disk');
  const { spec, lossy } = specFromDefinition(DEF, { scheme: 'qemu', virtualBytes: 3 * GiB + 1 });
  t.same(spec, {
    scheme: 'qemu',
    vcpus: 2,
    memoryMib: 512,
    diskGib: 4,
    image: '',
    appliancePort: 8000,
    config: { title: 'hi' },
  });
  t.same(
    lossy.map((l) => l.path),
    ['$.disks[0]', '$.disks[1].bus', '$.disks[2]', '$.nics[0]', '$.kernel', '$.firmware', '$.machine'],
    'everything a Nephele VM does not carry is listed',
  );
  t.match(lossy[0], { value: 'a.iso', reason: /cdrom/ });
  t.match(lossy[3], { value: 'vmxnet3 00:50:56:00:00:01 VM Network' });
  t.equal(
    specFromDefinition(DEF, { scheme: 'qemu', virtualBytes: 1, appliancePort: 9 }).spec.appliancePort,
    9,
    'port override',
  );
  t.equal(specFromDefinition(DEF, { scheme: 'qemu', virtualBytes: 1 }).spec.diskGib, 1, 'at least 1 GiB');
});

t.test('refusals point at the element', async (t) => {
  const noDisk = { ...DEF, disks: [DEF.disks[0]!] };
  t.throws(() => specFromDefinition(noDisk, { scheme: 'qemu', virtualBytes: 1 }), DefinitionError);
  const caught = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return e as DefinitionError;
    }
    return undefined;
  };
  t.match(
    caught(() => vmDiskIndex(noDisk)),
    { field: 'meta.definition', where: '$.disks' },
  );
  const arm = caught(() => specFromDefinition({ ...DEF, arch: 'aarch64' }, { scheme: 'qemu', virtualBytes: 1 }));
  t.match(arm, { where: '$.arch' });
});

t.test('vm -> definition, and back', async (t) => {
  const vm = {
    name: 'web-1',
    spec: {
      scheme: 'qemu',
      vcpus: 1,
      memoryMib: 128,
      diskGib: 1,
      image: 'nephele-guest',
      appliancePort: 8080,
      config: { a: 'b' },
    },
  } as Pick<VmRecord, 'name' | 'spec'>;
  const def = definitionFromVm(vm, { file: 'web-1.vmdk', format: 'vmdk', virtualBytes: 64 * 2 ** 20 });
  const text = canonicalCodec.render(def).text;
  const back = canonicalCodec.parse(text).def;
  t.same(back, def, 'the canonical codec carries it whole');
  const again = specFromDefinition(back, { scheme: 'qemu', virtualBytes: 64 * 2 ** 20 });
  t.same(again.spec, { ...vm.spec, image: '' }, 'and importing it gives the same spec');
  t.same(
    again.lossy.map((l) => l.path),
    ['$.nics[0]'],
    'only its user-mode NIC is not carried',
  );
});

t.test('export needs a stopped vm of a disk scheme', async (t) => {
  const vm = { spec: { scheme: 'qemu' }, desired: 'stopped', state: 'stopped' } as VmRecord;
  t.equal(exportRefusal(vm), undefined);
  t.match(exportRefusal({ ...vm, state: 'running', desired: 'running' }), /must be stopped first \(it is running\)/);
  t.match(exportRefusal({ ...vm, spec: { ...vm.spec, scheme: 'process' } }), /no disk/);
  t.match(exportRefusal({ ...vm, exportDisk: 'X' }), /moved or exported/);
});
