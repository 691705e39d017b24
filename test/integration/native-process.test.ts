// `nephele native` (ControlVmNative) through the real CLI against a real
// controller and a real agent running process VMs: listings and dominfo in the
// tools' own styles, hard power-off (virsh destroy: the VM is kept), reboot,
// xl create of an existing VM, idempotent request ids, ambiguous names, and
// tenant isolation (another tenant names the VM in vain, by name or by id).
import t from 'tap';
import * as grpc from '@grpc/grpc-js';
import {
  cli,
  hostIdOf,
  hostsReady,
  joinToken,
  startAgent,
  startController,
  type ControllerProc,
} from '../helpers/procs.js';
import { vmApi, killWith } from '../helpers/vms.js';
import { statusOf } from '../helpers/status.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { AdminClient } from '../../controller/cli/client.js';
import { ulidToUuid } from '../../controller/schemes/native/output.js';
import type { Token__Output as Token } from '../../common/gen/nephele/v1/Token.js';
import type { Event__Output as Event } from '../../common/gen/nephele/v1/Event.js';

const spec = { scheme: 'process', vcpus: 1, memoryMib: 32, diskGib: 1 };
let ctl: ControllerProc;
const tokens: Record<string, string> = {};

/** `nephele native …` as the tenant's token (or the admin's). */
const native = (who: 'admin' | 'acme' | 'globex', ...args: string[]) =>
  cli(
    ['--controller', ctl.address, '--data-dir', ctl.dataDir, 'native', ...args],
    who === 'admin' ? {} : { NEPHELE_TOKEN: tokens[who]! },
  );

t.before(async () => {
  ctl = await startController(tmpDir());
  const dir = tmpDir();
  const agent = startAgent(ctl.address, dir, { joinToken: await joinToken(ctl), args: ['--guest-vcpus', '8'] });
  t.teardown(async () => {
    await agent.kill();
    await ctl.kill();
    killWith(dir);
  });
  await hostsReady(ctl);
  const a = ctl.admin();
  try {
    for (const name of ['acme', 'globex']) {
      await a.call((md, o, cb) => a.auth.CreateTenant({ name }, md, o, cb as never));
      const r = await a.call<{ token: Token; secret: string }>((md, o, cb) =>
        a.auth.CreateToken({ kind: 'TOKEN_KIND_API', role: 'tenant-admin', tenant: name }, md, o, cb as never),
      );
      tokens[name] = r.secret;
    }
  } finally {
    a.close();
  }
  hostId = hostIdOf(dir);
});
let hostId = '';

/** The RPC itself as the tenant's token: for the checks that need no CLI around them. */
async function rpc(who: 'admin' | 'acme' | 'globex', scheme: string, command: string, requestId = '') {
  const c =
    who === 'admin'
      ? ctl.admin()
      : new AdminClient({ controller: ctl.address, dataDir: ctl.dataDir, token: tokens[who]! });
  try {
    const r = await c.controlVmNative({ scheme, command, requestId });
    return { code: 0, output: r.output, details: '' };
  } catch (e) {
    const err = e as { code: number; details: string };
    return { code: err.code, output: '', details: err.details };
  } finally {
    c.close();
  }
}

/** The attributes of the newest audit records of `rpc`. */
async function auditOf(rpc: string): Promise<Record<string, string>[]> {
  const a = ctl.admin();
  try {
    const r = await a.call<{ events: Event[] }>((md, o, cb) =>
      a.events.ListEvents({ pageSize: 200, newestFirst: true, filter: { auditOnly: true } }, md, o, cb as never),
    );
    return r.events.filter((e) => e.attributes.rpc === rpc).map((e) => e.attributes);
  } finally {
    a.close();
  }
}

t.test('virsh, xl, vmrun and qm on process VMs; tenants never see each other', async (t) => {
  const api = vmApi(ctl);
  t.teardown(() => api.close());
  const web = await api.create(hostId, spec, { name: 'web-1', tenant: 'acme' });
  const db = await api.create(hostId, spec, { name: 'db', tenant: 'acme' });
  const other = await api.create(hostId, spec, { name: 'web-1', tenant: 'globex' });
  for (const v of [web, db, other]) await api.waitState(v.id, 'VM_STATE_RUNNING');

  // Queries in each tool's style through the CLI, scoped to the caller's tenant.
  const [info, list, xl, vmrun, qm, json] = await Promise.all([
    native('acme', 'virsh', 'dominfo', 'web-1'),
    native('acme', 'virsh', 'list', '--all'),
    native('acme', 'xl', 'list'),
    native('acme', 'vmrun', 'list'),
    native('acme', 'qm', 'status', web.id),
    native('acme', 'qm', 'status', 'web-1', '-o', 'json'),
  ]);
  t.same(JSON.parse(json.stdout), { output: 'status: running\n', action: '', vmIds: [web.id] }, '-o json: the answer');
  t.same([info.code, info.stderr], [0, ''], 'exit 0, nothing on stderr');
  t.match(
    info.stdout,
    new RegExp(
      `^Id: +${web.id}\nName: +web-1\nUUID: +${ulidToUuid(web.id)}\nOS Type: +exe\nState: +running\nCPU\\(s\\): +1\nMax memory: +32768 KiB\n`,
    ),
  );
  t.match(list.stdout, /^ Id +Name +State\n-+\n/);
  t.match(list.stdout, new RegExp(` ${web.id} +web-1 +running\n`));
  t.match(list.stdout, new RegExp(` ${db.id} +db +running\n`));
  t.notMatch(list.stdout, other.id, "globex's web-1 is not in acme's list");
  t.match(xl.stdout, /^Name +ID +Mem VCPUs\tState\tTime\(s\)\n/);
  t.match(xl.stdout, new RegExp(`\nweb-1 +${web.id} +32 +1 +r----- +-\n`));
  t.equal(vmrun.stdout, 'Total running VMs: 2\n/nephele/acme/web-1.vmx\n/nephele/acme/db.vmx\n', 'in id order');
  t.same([qm.code, qm.stdout], [0, 'status: running\n'], 'qm takes the id where it takes a vmid');
  t.match((await rpc('acme', 'virsh', `dominfo ${ulidToUuid(web.id)}`)).output, /Name: +web-1/, 'and the UUID');
  const active = await rpc('acme', 'qm', 'start web-1');
  t.same([active.code, active.details], [grpc.status.FAILED_PRECONDITION, 'the vm is already running'], 'as qm says');

  // Tenant isolation: globex names acme's VM by name, id, UUID or vmrun path in vain.
  const denied = await native('globex', 'virsh', 'destroy', 'db');
  t.same([denied.code, denied.stdout], [1, '']);
  t.equal(denied.stderr, 'nephele: NOT_FOUND: vm named "db" not found\n');
  for (const [scheme, cmd] of [
    ['virsh', `destroy ${db.id}`],
    ['virsh', `suspend ${ulidToUuid(db.id)}`],
    ['qm', `status ${db.id}`],
    ['vmrun', 'stop /nephele/acme/web-1.vmx'],
  ])
    t.equal((await rpc('globex', scheme!, cmd!)).code, grpc.status.NOT_FOUND, `globex: ${scheme} ${cmd}`);
  const theirs = (await rpc('globex', 'virsh', 'list --all')).output;
  t.match(theirs, new RegExp(`${other.id} +web-1`));
  t.notMatch(theirs, new RegExp(`${web.id}|${db.id}`), "acme's VMs are not in globex's list");
  t.equal((await api.get(db.id)).state, 'VM_STATE_RUNNING', "acme's db untouched");

  // The admin sees both web-1s: the name is ambiguous (ids listed); a vmrun path names the tenant.
  const [amb, reset] = await Promise.all([
    native('admin', 'virsh', 'reboot', 'web-1'),
    native('admin', 'vmrun', 'reset', '/nephele/globex/web-1.vmx'),
  ]);
  t.same([amb.code, amb.stdout], [1, '']);
  t.match(
    amb.stderr,
    /^nephele: FAILED_PRECONDITION: the name "web-1" matches 2 vms \(ids: [0-9A-Z, ]+\); give the id\n$/,
  );
  t.match(amb.stderr, web.id);
  t.match(amb.stderr, other.id);
  t.same([reset.code, reset.stdout, reset.stderr], [0, '', ''], 'vmrun reset prints nothing, as vmrun does');
  await waitFor(async () => (await api.get(other.id)).rebootCount === 1, { message: 'rebooted once' });

  // virsh destroy: a hard power-off; the VM is kept (not Nephele's destroy).
  const off = await native('acme', 'virsh', 'destroy', 'db');
  t.same([off.code, off.stdout], [0, "Domain 'db' destroyed\n\n"]);
  t.equal((await api.waitState(db.id, 'VM_STATE_STOPPED')).stateReason, 'powered off as requested', 'at once');
  const audited = await auditOf('SchemeService.ControlVmNative');
  t.ok(
    audited.some(
      (a) => a.target_vm_id === db.id && a.native_tool === 'virsh' && a.native_verb === 'destroy' && a.outcome === 'OK',
    ),
    'audited with the tool, the verb and the VM',
  );
  t.match((await rpc('acme', 'virsh', 'dominfo db')).output, /^Id: +-\n[^]*State: +shut off\n/, 'kept, shut off');
  t.notMatch((await rpc('acme', 'virsh', 'list')).output, /\bdb\b/, 'virsh list: active domains only');
  t.equal((await rpc('acme', 'virsh', 'list --inactive --name')).output, 'db\n\n');

  // xl create of an existing VM starts it; a repeated request id does it once.
  const gen = Number((await api.get(db.id)).generation);
  const create = await native('acme', '--request-id', 'start-db-1', 'xl', 'create', 'db.cfg');
  t.same([create.code, create.stdout], [0, 'Parsing config from db.cfg\n'], 'xl create');
  const again = await rpc('acme', 'xl', 'create db.cfg', 'start-db-1');
  t.same([again.code, again.output], [0, 'Parsing config from db.cfg\n'], 'replayed');
  await api.waitState(db.id, 'VM_STATE_RUNNING');
  t.equal(Number((await api.get(db.id)).generation), gen + 1, 'started once for one request id');

  // Refusals: exit 1, the status on stderr, nothing on stdout.
  const undef = await native('acme', 'virsh', 'undefine', 'db');
  t.same([undef.code, undef.stdout], [1, '']);
  t.equal(
    undef.stderr,
    'nephele: INVALID_ARGUMENT: command: virsh: unsupported command "undefine"; supported: start, shutdown, destroy, suspend, resume, reboot, dominfo, list\n',
  );
  t.match(
    (await rpc('acme', 'hyperv', 'start db')).details,
    /^scheme: unknown tool "hyperv"; supported: virsh \(libvirt\), xl \(xen\), vmrun \(vmware\), qm \(proxmox\)/,
  );
  const word = await native('acme', 'qm', 'suspend', 'web-1; rm -rf /');
  t.match(word.stderr, /NOT_FOUND: vm named "web-1; rm -rf \/" not found/, 'an argument stays one word: no shell');
});

t.test('the RPC refuses shell syntax and hostile command lines', async (t) => {
  const c = new AdminClient({ controller: ctl.address, dataDir: ctl.dataDir, token: tokens.acme });
  t.teardown(() => c.close());
  const call = (scheme: string, command: string) => statusOf(c.controlVmNative({ scheme, command, requestId: '' }));
  let s = await call('virsh', 'start web-1; rm -rf /');
  t.equal(s.code, grpc.status.INVALID_ARGUMENT);
  t.match(s.details, /^command: shell operator ";" at position 12: no shell runs here/);
  s = await call('virsh', 'start $(reboot)');
  t.match(s.details, /expansion/);
  s = await call('qm', 'x'.repeat(5000));
  t.match(s.details, /command: longer than 4096 characters/);
  s = await call('virsh', '');
  t.match(s.details, /command: is required/);
});
