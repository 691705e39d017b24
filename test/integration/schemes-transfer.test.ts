import t from 'tap';
import * as grpc from '@grpc/grpc-js';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportVmChunk } from '../../common/gen/nephele/v1/ImportVmChunk.js';
import type { ImportVmMeta } from '../../common/gen/nephele/v1/ImportVmMeta.js';
import type { AdminClient } from '../../controller/cli/client.js';
import { cli, startController, type ControllerProc } from '../helpers/procs.js';
import { tmpDir } from '../helpers/tmp.js';

// ImportVm / ExportVm refusals on a real controller (no host needed: all are
// decided before placement): bad definitions, a missing disk, a wrong checksum,
// an oversize or hostile disk are INVALID_ARGUMENT naming the field; an upload
// the client abandons leaves no scratch file, no transfer and no VM record.

let ctl: ControllerProc;
let a: AdminClient;
t.before(async () => {
  ctl = await startController(tmpDir());
  a = ctl.admin();
});
t.teardown(async () => {
  a?.close();
  await ctl?.kill();
});

const DEF = {
  version: 1,
  name: 'imp-1',
  vcpus: 1,
  memoryMib: 128,
  arch: 'x86_64',
  firmware: 'bios',
  disks: [{ file: 'd.vmdk', format: 'vmdk', bus: 'virtio', device: 'disk', readonly: false }],
  nics: [],
  serial: true,
};
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function meta(o: Record<string, unknown> = {}, data = Buffer.alloc(0)): ImportVmMeta {
  return {
    format: 'DEFINITION_FORMAT_CANONICAL',
    definition: JSON.stringify(DEF, null, 2),
    diskFormat: 'DISK_FORMAT_VMDK',
    diskSizeBytes: data.length || 4096,
    scheme: 'qemu',
    start: true,
    ...o,
  } as ImportVmMeta;
}

/** One ImportVm call: resolves with its status (code, details), or ok. */
function importVm(chunks: ImportVmChunk[], o: { cancelAfter?: number; end?: boolean } = {}) {
  return new Promise<{ code: number; details: string }>((resolve) => {
    const call = a.schemes.ImportVm(a.metadata(), (err) =>
      resolve(err ? { code: err.code, details: err.details } : { code: 0, details: '' }),
    );
    chunks.forEach((c, i) => {
      call.write(c);
      if (o.cancelAfter === i + 1) setImmediate(() => call.cancel());
    });
    if (o.end !== false && o.cancelAfter === undefined) call.end();
  });
}
const whole = (data: Buffer, m: object, digest = sha(data)): ImportVmChunk[] => [
  { meta: m, data, offset: 0, last: true, sha256: digest },
];
const INVALID = grpc.status.INVALID_ARGUMENT;

t.test('bad input: INVALID_ARGUMENT naming the field', async (t) => {
  const data = Buffer.alloc(4096);
  const cases: [string, ImportVmChunk[], RegExp][] = [
    ['no meta', [{ data, offset: 0, last: true, sha256: sha(data) }], /^meta:/],
    ['no format', whole(data, meta({ format: 'DEFINITION_FORMAT_UNSPECIFIED' })), /^meta\.format:/],
    [
      'malformed JSON',
      whole(data, meta({ definition: '{\n  "name": "x",\n  oops\n}' })),
      /^meta\.definition: .*line 3/,
    ],
    [
      'a bad field',
      whole(data, meta({ definition: JSON.stringify({ ...DEF, vcpus: 'two' }) })),
      /^meta\.definition: \$\.vcpus/,
    ],
    [
      'no disk in the definition',
      whole(data, meta({ definition: JSON.stringify({ ...DEF, disks: [] }) })),
      /^meta\.definition: \$\.disks: names no disk/,
    ],
    [
      'only a cdrom',
      whole(data, meta({ definition: JSON.stringify({ ...DEF, disks: [{ ...DEF.disks[0], device: 'cdrom' }] }) })),
      /^meta\.definition: \$\.disks/,
    ],
    ['a process scheme', whole(data, meta({ scheme: 'process' })), /^meta\.scheme:/],
    [
      'too little memory',
      whole(data, meta({ definition: JSON.stringify({ ...DEF, memoryMib: 20 }) })),
      /^meta\.definition\.memory_mib:/,
    ],
    ['oversize announced', whole(data, meta({ diskSizeBytes: 2 ** 50 })), /^meta\.disk_size_bytes:/],
    ['more than announced', whole(data, meta({ diskSizeBytes: 100 })), /^data: disk too large/],
    ['wrong checksum', whole(data, meta(), 'ab'.repeat(32)), /^sha256:/],
    ['no last chunk (missing disk)', [{ meta: meta(), data, offset: 0, last: false }], /^last:/],
    ['a raw disk declared vmdk', whole(data, meta()), /^data: disk refused: declared vmdk, but the data is raw/],
  ];
  for (const [what, chunks, want] of cases) {
    const s = await importVm(chunks);
    t.equal(s.code, INVALID, `${what}: INVALID_ARGUMENT`);
    t.match(s.details, want, `${what}: ${s.details}`);
  }
  const shadow = Buffer.from(
    '# Disk DescriptorFile\nversion=1\ncreateType="monolithicFlat"\nRW 2048 FLAT "/etc/shadow" 0\n',
  );
  const s = await importVm(whole(shadow, meta({}, shadow)));
  t.equal(s.code, INVALID, 'a vmdk descriptor naming /etc/shadow: INVALID_ARGUMENT');
  t.match(s.details, /^data: disk refused: .*descriptor file/, s.details);
});

t.test('an abandoned upload leaves nothing behind', async (t) => {
  const chunk = Buffer.alloc(256 * 1024);
  const chunks: ImportVmChunk[] = [
    { meta: meta({ diskSizeBytes: 4 * chunk.length }), data: chunk, offset: 0 },
    { data: chunk, offset: chunk.length },
  ];
  const s = await importVm(chunks, { cancelAfter: 2 });
  t.equal(s.code, grpc.status.CANCELLED, 'the client cancelled');
  const scratch = join(ctl.dataDir, 'scheme-disks');
  const { waitFor } = await import('../helpers/wait.js');
  await waitFor(() => readdirSync(scratch).length === 0, { timeoutMs: 10_000, message: 'scratch emptied' });
  t.same(readdirSync(join(ctl.dataDir, 'transfers')), [], 'no transfer file');
  const vms = await a.call<{ vms: unknown[] }>((md, o, cb) => a.vms.ListVms({ pageSize: 100 }, md, o, cb as never));
  t.same(vms.vms, [], 'no VM record');
  t.ok(existsSync(scratch), 'the scratch root is there, empty');
});

t.test('ExportVm refusals', async (t) => {
  const exp = (req: object) =>
    new Promise<{ code: number; details: string }>((resolve) => {
      const call = a.schemes.ExportVm(req, a.metadata());
      call.on('data', () => {});
      call.on('error', (e: grpc.ServiceError) => resolve({ code: e.code, details: e.details }));
      call.on('end', () => resolve({ code: 0, details: '' }));
    });
  const id = '01J00000000000000000000000';
  let s = await exp({ vmId: id, format: 'DEFINITION_FORMAT_CANONICAL', diskFormat: 'DISK_FORMAT_UNSPECIFIED' });
  t.match(s, { code: INVALID, details: /^disk_format:/ }, 'no disk format');
  s = await exp({ vmId: 'nope', format: 'DEFINITION_FORMAT_CANONICAL', diskFormat: 'DISK_FORMAT_VMDK' });
  t.match(s, { code: INVALID, details: /^vm_id:/ }, 'a bad vm id');
  s = await exp({ vmId: id, format: 'DEFINITION_FORMAT_CANONICAL', diskFormat: 'DISK_FORMAT_VMDK' });
  t.equal(s.code, grpc.status.NOT_FOUND, 'an unknown vm');
});

t.test('the CLI: refusals on stderr, exit 1, nothing on stdout', async (t) => {
  const dir = tmpDir();
  const def = join(dir, 'bad.json');
  const disk = join(dir, 'd.vmdk');
  writeFileSync(def, '{\n  "version": 1,\n  oops\n}\n');
  writeFileSync(disk, Buffer.alloc(4096));
  const run = (...args: string[]) => cli(['--controller', ctl.address, '--data-dir', ctl.dataDir, ...args]);
  const flags = ['--definition', def, '--disk', disk, '--scheme', 'qemu'];
  let r = await run('vm', 'import', '--format', 'canonical', ...flags);
  t.equal(r.code, 1, 'a malformed definition: exit 1');
  t.match(r.stderr, /INVALID_ARGUMENT|invalid argument/i, 'invalid argument');
  t.match(r.stderr, /meta\.definition.*line 3/, 'naming the field and the line');
  t.equal(r.stdout, '', 'nothing on stdout');
  r = await run('vm', 'import', '--format', 'word', ...flags);
  t.equal(r.code, 1, 'an unknown format: exit 1');
  t.match(r.stderr, /--format: must be one of canonical, libvirt, qemu, vmx, xl, ovf/);
  r = await run('vm', 'export', 'nope', '--format', 'canonical', '--out', join(dir, 'missing'));
  t.equal(r.code, 1, 'export into a missing directory: exit 1');
  t.match(r.stderr, /not a directory/);
  t.same(readdirSync(dir).sort(), ['bad.json', 'd.vmdk'], 'nothing written');
});
