// Answers in each tool's own output style (what its users' scripts parse):
// virsh dominfo / list, xl list, vmrun list, qm status, and the tools' action
// messages. Pure: VM views in, text out.
import { ULID_RE } from '../../../common/ids.js';
import type { VmRecord } from '../../model/index.js';
import type { CanonicalAction, NativeTool } from './vocab.js';

/** What the answers show of a VM. */
export type NativeVm = Pick<
  VmRecord,
  'id' | 'name' | 'tenant' | 'state' | 'desired' | 'rebootCount' | 'stateChangedUnixMs'
> & { scheme: string; vcpus: number; memoryMib: number };

export const nativeVm = (v: VmRecord): NativeVm => ({
  id: v.id,
  name: v.name,
  tenant: v.tenant,
  state: v.state,
  desired: v.desired,
  rebootCount: v.rebootCount,
  stateChangedUnixMs: v.stateChangedUnixMs,
  scheme: v.spec.scheme,
  vcpus: v.spec.vcpus,
  memoryMib: v.spec.memoryMib,
});

const B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The 128 bits of a ULID as a UUID (what virsh shows and takes as a domain's UUID). */
export function ulidToUuid(id: string): string {
  let n = 0n;
  for (const c of id) n = n * 32n + BigInt(B32.indexOf(c));
  const h = n.toString(16).padStart(32, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The ULID behind a UUID ulidToUuid made; undefined for anything else. */
export function uuidToUlid(uuid: string): string | undefined {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(uuid)) return undefined;
  let n = BigInt('0x' + uuid.replace(/-/g, ''));
  let s = '';
  for (let i = 0; i < 26; i++) {
    s = B32[Number(n % 32n)] + s;
    n /= 32n;
  }
  return ULID_RE.test(s) ? s : undefined;
}

/** Booting, running or paused: what the tools list by default. */
export const isActive = (v: NativeVm) => v.state === 'running' || v.state === 'suspended' || v.state === 'creating';

/** libvirt's state words. */
export function virshState(v: NativeVm): string {
  if (v.state === 'running' && v.desired === 'stopped') return 'in shutdown';
  switch (v.state) {
    case 'running':
      return 'running';
    case 'suspended':
      return 'paused';
    case 'stopped':
    case 'destroyed':
      return 'shut off';
    case 'failed':
      return 'crashed';
    default:
      return 'no state'; // pending (no host yet), creating (booting)
  }
}

/** xl's six state flags: r(unning) b(locked) p(aused) s(hutdown) c(rashed) d(ying). */
function xlFlags(v: NativeVm): string {
  const f = ['-', '-', '-', '-', '-', '-'];
  if (v.state === 'running') f[0] = 'r';
  if (v.state === 'creating') f[1] = 'b';
  if (v.state === 'suspended') f[2] = 'p';
  if (v.desired === 'stopped' || v.state === 'stopped') f[3] = 's';
  if (v.state === 'failed') f[4] = 'c';
  return f.join('');
}

const line = (label: string, value: string | number) => `${label.padEnd(15)} ${value}`;

export function virshDominfo(v: NativeVm): string {
  const kib = v.memoryMib * 1024;
  return [
    line('Id:', isActive(v) ? v.id : '-'),
    line('Name:', v.name),
    line('UUID:', ulidToUuid(v.id)),
    line('OS Type:', v.scheme === 'process' ? 'exe' : 'hvm'),
    line('State:', virshState(v)),
    line('CPU(s):', v.vcpus),
    line('Max memory:', `${kib} KiB`),
    line('Used memory:', `${kib} KiB`),
    line('Persistent:', 'yes'),
    // Its agent starts a VM that should run after a restart: libvirt's autostart.
    line('Autostart:', v.desired === 'running' ? 'enable' : 'disable'),
    line('Managed save:', 'no'),
    line('Security model:', 'none'),
    line('Security DOI:', '0'),
    '',
  ].join('\n');
}

/** Columns left-aligned, three spaces apart, with virsh's leading space and dashed rule. */
function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => ' ' + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]!))).join('   ');
  const width = w.reduce((a, b) => a + b, 0) + 3 * (w.length - 1) + 2;
  return [fmt(head), '-'.repeat(width), ...rows.map(fmt), ''].join('\n');
}

export function virshList(vms: NativeVm[], show: 'table' | 'name' | 'uuid'): string {
  if (show === 'name') return vms.map((v) => v.name + '\n').join('') + '\n';
  if (show === 'uuid') return vms.map((v) => ulidToUuid(v.id) + '\n').join('') + '\n';
  return table(
    ['Id', 'Name', 'State'],
    vms.map((v) => [isActive(v) ? v.id : '-', v.name, virshState(v)]),
  );
}

export function xlList(vms: NativeVm[]): string {
  const rows = vms.map(
    (v) =>
      `${v.name.padEnd(40)} ${v.id.padStart(5)} ${String(v.memoryMib).padStart(5)} ${String(v.vcpus).padStart(5)}     ${xlFlags(v)} ${'-'.padStart(9)}`,
  );
  return [`${'Name'.padEnd(40)}    ID   Mem VCPUs\tState\tTime(s)`, ...rows, ''].join('\n');
}

/** vmrun names VMs by their .vmx path: /nephele/<tenant>/<name>.vmx, which vmrun's verbs take back. */
export const vmxPath = (v: NativeVm) => `/nephele/${v.tenant}/${v.name}.vmx`;

export function vmrunList(vms: NativeVm[]): string {
  return [`Total running VMs: ${vms.length}`, ...vms.map(vmxPath), ''].join('\n');
}

/** Proxmox's words: a paused guest's QEMU still runs ("status: running", qmpstatus paused). */
export function qmStatus(v: NativeVm, verbose: boolean): string {
  const status = v.state === 'running' || v.state === 'suspended' ? 'running' : 'stopped';
  if (!verbose) return `status: ${status}\n`;
  const qmp = v.state === 'suspended' ? 'paused' : status;
  const kv: [string, string | number][] = [
    ['cpus', v.vcpus],
    ['maxmem', v.memoryMib * 1048576],
    ['name', v.name],
    ['qmpstatus', qmp],
    ['status', status],
    ['vmid', v.id],
  ];
  return kv.map(([k, x]) => `${k}: ${x}\n`).join('');
}

const VIRSH_SAYS: Record<CanonicalAction, string> = {
  start: 'started',
  stop: 'is being shutdown',
  stop_hard: 'destroyed',
  suspend: 'suspended',
  resume: 'resumed',
  reboot: 'is being rebooted',
};

/** What the tool prints after an action (xl, vmrun and qm print nothing for most). */
export function actionOutput(tool: NativeTool, verb: string, action: CanonicalAction, v: NativeVm, given?: string) {
  if (tool === 'virsh') return `Domain '${v.name}' ${VIRSH_SAYS[action]}\n\n`;
  if (tool === 'xl' && verb === 'create') return `Parsing config from ${given ?? v.name}\n`;
  if (tool === 'xl' && verb === 'shutdown') return `Shutting down domain ${v.id}\n`;
  if (tool === 'xl' && verb === 'reboot') return `Rebooting domain ${v.id}\n`;
  return '';
}
