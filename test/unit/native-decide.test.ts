// ControlVmNative's pure steps: decide (tool + argv -> canonical action / query)
// for every verb of every tool, the refusals, and the answers in each tool's style.
import t from 'tap';
import { decide } from '../../controller/schemes/native/decide.js';
import { tokenize } from '../../controller/schemes/native/argv.js';
import { NATIVE_TOOLS, TOOLS, VERB_MEANING } from '../../controller/schemes/native/vocab.js';
import {
  actionOutput,
  qmStatus,
  ulidToUuid,
  uuidToUlid,
  virshDominfo,
  virshList,
  vmrunList,
  xlList,
  type NativeVm,
} from '../../controller/schemes/native/output.js';

const d = (scheme: string, line: string) => decide(scheme, tokenize(line));
const refusal = (scheme: string, line: string): string => {
  try {
    d(scheme, line);
  } catch (e) {
    const err = e as { code: string; message: string };
    return `${err.code} ${err.message}`;
  }
  return 'accepted';
};

t.test('the verb tables ListSchemes reads', async (t) => {
  t.same(TOOLS, ['virsh', 'xl', 'vmrun', 'qm']);
  t.same(NATIVE_TOOLS.virsh, {
    scheme: 'libvirt',
    verbs: ['start', 'shutdown', 'destroy', 'suspend', 'resume', 'reboot', 'dominfo', 'list'],
  });
  t.same(NATIVE_TOOLS.xl, {
    scheme: 'xen',
    verbs: ['create', 'shutdown', 'destroy', 'pause', 'unpause', 'reboot', 'list'],
  });
  t.same(NATIVE_TOOLS.vmrun, { scheme: 'vmware', verbs: ['start', 'stop', 'suspend', 'reset', 'list'] });
  t.same(NATIVE_TOOLS.qm, { scheme: 'proxmox', verbs: ['start', 'stop', 'shutdown', 'suspend', 'resume', 'status'] });
});

t.test('every verb of every tool', async (t) => {
  const act = (action: string, ref: string, extra: object = {}) => ({
    kind: 'action',
    action,
    target: { ref },
    ...extra,
  });
  const table: [string, string, object][] = [
    ['virsh', 'start web-1', act('start', 'web-1')],
    ['virsh', 'shutdown web-1', act('stop', 'web-1')],
    ['virsh', 'shutdown --mode acpi web-1', act('stop', 'web-1')],
    ['virsh', 'destroy web-1', act('stop_hard', 'web-1')],
    ['virsh', 'destroy --graceful web-1', act('stop', 'web-1')],
    ['virsh', 'suspend web-1', act('suspend', 'web-1')],
    ['virsh', 'resume web-1', act('resume', 'web-1')],
    ['virsh', 'reboot web-1', act('reboot', 'web-1')],
    ['virsh', 'dominfo web-1', { kind: 'info', target: { ref: 'web-1' }, verbose: false }],
    ['virsh', 'dominfo --domain web-1', { kind: 'info', target: { ref: 'web-1' } }],
    ['virsh', 'dominfo --domain=web-1', { kind: 'info', target: { ref: 'web-1' } }],
    ['virsh', 'list', { kind: 'list', filter: 'active', show: 'table' }],
    ['virsh', 'list --all', { kind: 'list', filter: 'all', show: 'table' }],
    ['virsh', 'list --inactive --name', { kind: 'list', filter: 'inactive', show: 'name' }],
    ['virsh', 'list --all --uuid', { kind: 'list', filter: 'all', show: 'uuid' }],
    ['virsh', '-c qemu:///system start web-1', act('start', 'web-1')],
    ['virsh', '--connect=qemu:///system -q list', { kind: 'list' }],
    ['xl', 'create web-1.cfg', act('start', 'web-1', { given: 'web-1.cfg' })],
    ['xl', 'create /etc/xen/web-1.hvm', act('start', 'web-1')],
    ['xl', 'create web-1', act('start', 'web-1')],
    ['xl', 'shutdown web-1', act('stop', 'web-1')],
    ['xl', 'destroy web-1', act('stop_hard', 'web-1')],
    ['xl', 'pause web-1', act('suspend', 'web-1')],
    ['xl', 'unpause web-1', act('resume', 'web-1')],
    ['xl', 'reboot web-1', act('reboot', 'web-1')],
    ['xl', 'list', { kind: 'list', filter: 'active' }],
    ['xl', 'list web-1', { kind: 'list', only: { ref: 'web-1' } }],
    ['vmrun', 'start /nephele/acme/web-1.vmx', act('start', 'web-1', { target: { ref: 'web-1', tenant: 'acme' } })],
    ['vmrun', 'start web-1.vmx nogui', act('start', 'web-1')],
    ['vmrun', '-T ws start "/vms/My VMs/web-1.vmx" gui', act('start', 'web-1')],
    ['vmrun', 'stop web-1.vmx', act('stop', 'web-1')],
    ['vmrun', 'stop web-1.vmx soft', act('stop', 'web-1')],
    ['vmrun', 'stop web-1.vmx hard', act('stop_hard', 'web-1')],
    ['vmrun', 'suspend web-1.vmx hard', act('suspend', 'web-1')],
    ['vmrun', 'reset web-1.vmx', act('reboot', 'web-1')],
    ['vmrun', 'list', { kind: 'list', filter: 'active' }],
    ['qm', 'start web-1', act('start', 'web-1')],
    ['qm', 'stop web-1', act('stop_hard', 'web-1')],
    ['qm', 'shutdown web-1', act('stop', 'web-1')],
    ['qm', 'suspend web-1', act('suspend', 'web-1')],
    ['qm', 'resume web-1', act('resume', 'web-1')],
    ['qm', 'status web-1', { kind: 'info', target: { ref: 'web-1' }, verbose: false }],
    ['qm', 'status 01J00000000000000000000000 --verbose', { kind: 'info', verbose: true }],
    // The scheme's name for the tool, and the tool's own name first.
    ['libvirt', 'start web-1', { tool: 'virsh', ...act('start', 'web-1') }],
    ['proxmox', 'status web-1', { tool: 'qm', kind: 'info' }],
    ['virsh', 'virsh start web-1', { tool: 'virsh', ...act('start', 'web-1') }],
    ['', 'xl pause web-1', { tool: 'xl', ...act('suspend', 'web-1') }],
  ];
  const covered = new Set<string>();
  for (const [scheme, line, want] of table) {
    const got = d(scheme, line);
    t.match(got, want, `${scheme} ${line}`);
    covered.add(`${got.tool} ${got.verb}`);
  }
  for (const tool of TOOLS)
    for (const verb of Object.keys(VERB_MEANING[tool])) t.ok(covered.has(`${tool} ${verb}`), `${tool} ${verb} covered`);
});

t.test('refusals: INVALID_ARGUMENT naming what is wrong', async (t) => {
  t.match(
    refusal('virsh', 'undefine web-1'),
    /^INVALID_ARGUMENT command: virsh: unsupported command "undefine"; supported: start, shutdown, destroy, suspend, resume, reboot, dominfo, list$/,
  );
  t.match(refusal('xl', 'migrate web-1 h2'), /xl: unsupported command "migrate"; supported: create, shutdown/);
  t.match(refusal('vmrun', 'deleteVM x.vmx'), /supported: start, stop, suspend, reset, list/);
  t.match(refusal('qm', 'destroy 100'), /supported: start, stop, shutdown, suspend, resume, status/);
  t.match(
    refusal('hyperv', 'start x'),
    /^INVALID_ARGUMENT scheme: unknown tool "hyperv"; supported: virsh \(libvirt\), xl \(xen\), vmrun \(vmware\), qm \(proxmox\)/,
  );
  t.match(refusal('', 'start web-1'), /scheme: name the tool \(supported: virsh, xl, vmrun, qm\)/);
  t.match(refusal('virsh', ''), /virsh: missing the command/);
  t.match(refusal('virsh', 'start'), /virsh start: missing <domain>/);
  t.match(refusal('virsh', 'start a b'), /virsh start: unexpected argument "b"/);
  t.match(refusal('virsh', 'start --paused web-1'), /option "--paused" is not supported \(supported: --domain\)/);
  t.match(refusal('virsh', 'list --all --inactive'), /exclude each other/);
  t.match(refusal('virsh', 'shutdown --mode=initctl web-1'), /--mode "initctl" is not supported/);
  t.match(refusal('virsh', 'dominfo --domain'), /--domain needs a value/);
  t.match(refusal('xl', 'shutdown -a'), /xl shutdown: option "-a" is not supported \(it takes none\)/);
  t.match(refusal('xl', 'create'), /missing <config file>/);
  t.match(refusal('vmrun', 'stop x.vmx now'), /"now" is not supported \(hard or soft\)/);
  t.match(refusal('vmrun', '-h https://esx start x.vmx'), /option "-h" is not supported/);
  t.match(refusal('vmrun', 'list extra'), /unexpected argument/);
  t.match(refusal('qm', 'stop 100 --skiplock 1'), /option "--skiplock" is not supported/);
  t.match(refusal('qm', 'start'), /Nephele VMs have no numeric vmid/);
});

const vm = (o: Partial<NativeVm> = {}): NativeVm => ({
  id: '01JCZ3V8D3X0Q9K5M7N2P4R6S8',
  name: 'web-1',
  tenant: 'acme',
  state: 'running',
  desired: 'running',
  rebootCount: 0,
  stateChangedUnixMs: 0,
  scheme: 'qemu',
  vcpus: 2,
  memoryMib: 128,
  ...o,
});

t.test('answers in each tool style', async (t) => {
  const v = vm();
  t.equal(uuidToUlid(ulidToUuid(v.id)), v.id, 'UUID round trip');
  t.match(ulidToUuid(v.id), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  t.equal(uuidToUlid('not-a-uuid'), undefined);
  t.equal(
    virshDominfo(v),
    [
      `Id:             ${v.id}`,
      'Name:           web-1',
      `UUID:           ${ulidToUuid(v.id)}`,
      'OS Type:        hvm',
      'State:          running',
      'CPU(s):         2',
      'Max memory:     131072 KiB',
      'Used memory:    131072 KiB',
      'Persistent:     yes',
      'Autostart:      enable',
      'Managed save:   no',
      'Security model: none',
      'Security DOI:   0',
      '',
    ].join('\n'),
  );
  t.match(
    virshDominfo(vm({ state: 'stopped', desired: 'stopped', scheme: 'process' })),
    /^Id: +-\n[^]*OS Type: +exe\nState: +shut off\n[^]*Autostart: +disable/,
  );
  t.match(virshDominfo(vm({ state: 'suspended', desired: 'suspended' })), /State: +paused/);
  t.match(virshDominfo(vm({ desired: 'stopped' })), /State: +in shutdown/);
  t.match(virshDominfo(vm({ state: 'failed' })), /State: +crashed/);
  const two = [v, vm({ id: '01JCZ3V8D3X0Q9K5M7N2P4R6S9', name: 'db', state: 'stopped', desired: 'stopped' })];
  t.equal(
    virshList(two, 'table'),
    [
      ` Id                           Name    State`,
      '-'.repeat(47),
      ` ${v.id}   web-1   running`,
      ` -                            db      shut off`,
      '',
    ].join('\n'),
  );
  t.equal(virshList(two, 'name'), 'web-1\ndb\n\n');
  t.equal(virshList([v], 'uuid'), ulidToUuid(v.id) + '\n\n');
  const xl = xlList([v, vm({ name: 'db', state: 'suspended' })]).split('\n');
  t.match(xl[0], /^Name {36} {4}ID {3}Mem VCPUs\tState\tTime\(s\)$/);
  t.match(xl[1], new RegExp(`^web-1 +${v.id} +128 +2 +r----- +-$`));
  t.match(xl[2], /^db .* --p--- +-$/);
  t.equal(vmrunList([v]), 'Total running VMs: 1\n/nephele/acme/web-1.vmx\n');
  t.equal(vmrunList([]), 'Total running VMs: 0\n');
  t.equal(qmStatus(v, false), 'status: running\n');
  t.equal(qmStatus(vm({ state: 'stopped' }), false), 'status: stopped\n');
  t.equal(qmStatus(vm({ state: 'suspended' }), false), 'status: running\n', "Proxmox: a paused guest's QEMU runs");
  t.equal(
    qmStatus(vm({ state: 'suspended' }), true),
    `cpus: 2\nmaxmem: 134217728\nname: web-1\nqmpstatus: paused\nstatus: running\nvmid: ${v.id}\n`,
  );
  t.equal(actionOutput('virsh', 'start', 'start', v), "Domain 'web-1' started\n\n");
  t.equal(actionOutput('virsh', 'shutdown', 'stop', v), "Domain 'web-1' is being shutdown\n\n");
  t.equal(actionOutput('virsh', 'destroy', 'stop_hard', v), "Domain 'web-1' destroyed\n\n");
  t.equal(actionOutput('virsh', 'suspend', 'suspend', v), "Domain 'web-1' suspended\n\n");
  t.equal(actionOutput('virsh', 'resume', 'resume', v), "Domain 'web-1' resumed\n\n");
  t.equal(actionOutput('virsh', 'reboot', 'reboot', v), "Domain 'web-1' is being rebooted\n\n");
  t.equal(actionOutput('xl', 'create', 'start', v, 'web-1.cfg'), 'Parsing config from web-1.cfg\n');
  t.equal(actionOutput('xl', 'shutdown', 'stop', v), `Shutting down domain ${v.id}\n`);
  t.equal(actionOutput('xl', 'reboot', 'reboot', v), `Rebooting domain ${v.id}\n`);
  for (const [tool, verb] of [
    ['xl', 'pause'],
    ['xl', 'destroy'],
    ['vmrun', 'start'],
    ['qm', 'start'],
    ['qm', 'stop'],
  ] as const)
    t.equal(actionOutput(tool, verb, 'start', v), '', `${tool} ${verb} prints nothing, as the tool does`);
});
