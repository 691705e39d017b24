// A tenant's task must not reach the host, the agent or another tenant's VM, and
// runs at all only where the host can isolate it and the caller may run code:
// a real controller, a root agent that sandboxes its process VMs, and an agent
// running as an unprivileged user (which cannot) — real processes throughout.
import t from 'tap';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { statusOf } from '../helpers/status.js';
import {
  cli,
  joinToken,
  listHosts,
  startAgent,
  startController,
  type ControllerProc,
  type Proc,
} from '../helpers/procs.js';
import { processesWith, vmApi, killWith } from '../helpers/vms.js';
import { setApi } from '../helpers/sets.js';
import { AdminClient } from '../../controller/cli/client.js';
import { ulid } from '../../common/ids.js';
import type { VmSetSpec } from '../../common/gen/nephele/v1/VmSetSpec.js';
import type { VmSet__Output as VmSet } from '../../common/gen/nephele/v1/VmSet.js';
import type { Vm__Output as Vm } from '../../common/gen/nephele/v1/Vm.js';
import type { Token__Output as Token } from '../../common/gen/nephele/v1/Token.js';
import type { Host__Output as Host } from '../../common/gen/nephele/v1/Host.js';

const NOBODY = 65534;
const spec = { scheme: 'process', vcpus: 1, memoryMib: 32, diskGib: 1 };

let ctl: ControllerProc;
let rootAgent: Proc;
let userAgent: Proc;
let rootDir: string;
let userDir: string;
const clients: AdminClient[] = [];

/** A client calling with `token`. */
function as(token: string) {
  const c = new AdminClient({ controller: ctl.address, dataDir: ctl.dataDir, token });
  clients.push(c);
  return {
    createSet: (set: VmSetSpec, dryRun = false) =>
      c.call<{ set: VmSet | null }>((md, o, cb) => c.vms.CreateVmSet({ set, dryRun }, md, o, cb as never)),
    createToken: (req: Record<string, unknown>) =>
      c.call<{ token: Token; secret: string }>((md, o, cb) =>
        c.auth.CreateToken({ kind: 'TOKEN_KIND_API', ...req }, md, o, cb as never),
      ),
    bindRole: (req: Record<string, unknown>) =>
      c.call<{ token: Token }>((md, o, cb) => c.auth.BindRole(req, md, o, cb as never)),
    vms: async () =>
      (await c.call<{ vms: Vm[] }>((md, o, cb) => c.vms.ListVms({ pageSize: 1000 }, md, o, cb as never))).vms,
  };
}

const hostNamed = async (name: string): Promise<Host> => (await listHosts(ctl)).find((h) => h.name === name)!;
const processInfo = (h: Host) => h.schemeInfo.find((s) => s.scheme === 'process')?.attributes ?? {};

t.before(async () => {
  ctl = await startController(tmpDir());
  // Outside /tmp: a private /tmp alone must not be what hides the agent's files.
  rootDir = mkdtempSync('/var/tmp/nephele-isolation-');
  userDir = tmpDir();
  chownSync(userDir, NOBODY, NOBODY);
  const args = (label: string) => ['--schemes', 'process', '--guest-vcpus', '8', '--label', `iso=${label}`];
  rootAgent = startAgent(ctl.address, rootDir, {
    joinToken: await joinToken(ctl),
    name: 'isolating',
    args: args('full'),
  });
  userAgent = startAgent(ctl.address, userDir, {
    joinToken: await joinToken(ctl),
    name: 'unprivileged',
    args: args('none'),
    uid: NOBODY,
  });
  await waitFor(async () => (await listHosts(ctl)).filter((h) => h.state === 'HOST_STATE_READY').length === 2, {
    timeoutMs: 30_000,
    message: 'both agents ready',
  });
  const admin = ctl.admin();
  try {
    for (const name of ['acme', 'globex'])
      await admin.call((md, o, cb) => admin.auth.CreateTenant({ name }, md, o, cb as never));
  } finally {
    admin.close();
  }
});

t.teardown(async () => {
  for (const c of clients) c.close();
  await rootAgent?.kill();
  await userAgent?.kill();
  await ctl?.kill();
  for (const d of [rootDir, userDir]) killWith(d);
  if (rootDir) rmSync(rootDir, { recursive: true, force: true });
});

let adminToken = '';
let globexToken = '';

t.test('running a task needs vms.task: tenants get it only by grant, from someone who holds it', async (t) => {
  adminToken = readFileSync(join(ctl.dataDir, 'admin.token'), 'utf8').trim();
  const admin = as(adminToken);
  const acmeTok = await admin.createToken({ role: 'tenant-admin', tenant: 'acme' });
  const acme = as(acmeTok.secret);
  const taskSet: VmSetSpec = { name: 'job', count: 1, spec: { ...spec, config: { task: 'true' } }, endOnTask: true };

  const denied = await statusOf(acme.createSet(taskSet));
  t.equal(denied.code, grpc.status.PERMISSION_DENIED, 'a tenant-admin without the grant: PERMISSION_DENIED');
  t.match(denied.details, /^set\.spec\.config\.task: .*vms\.task/, 'naming the field and the permission');
  t.equal(
    (await statusOf(acme.createSet({ name: 'web', count: 1, spec }, true))).code,
    0,
    'the same tenant-admin may create sets without a task',
  );

  const selfGrant = await statusOf(acme.createToken({ role: 'viewer', tenant: 'acme', grants: ['vms.task'] }));
  t.equal(selfGrant.code, grpc.status.PERMISSION_DENIED, 'a tenant-admin cannot grant vms.task on a new token');
  t.match(selfGrant.details, /may not grant vms\.task/);
  const rebind = await statusOf(
    acme.bindRole({ tokenId: acmeTok.token.id, role: 'tenant-admin', tenant: 'acme', grants: ['vms.task'] }),
  );
  t.equal(rebind.code, grpc.status.PERMISSION_DENIED, 'nor on itself by rebinding');
  const unknown = await statusOf(admin.createToken({ role: 'tenant-admin', tenant: 'acme', grants: ['fleet.write'] }));
  t.equal(unknown.code, grpc.status.INVALID_ARGUMENT, 'only grantable permissions');
  t.match(unknown.details, /^grants\[0\]: /, 'naming the field');

  const granted = await admin.createToken({ role: 'tenant-admin', tenant: 'globex', grants: ['vms.task'] });
  t.same(granted.token.grants, ['vms.task'], 'an admin grants it');
  globexToken = granted.secret;
  t.equal(
    (await statusOf(as(globexToken).createSet(taskSet, true))).code,
    0,
    'with the grant the task set is accepted',
  );
  const bound = await admin.bindRole({
    tokenId: acmeTok.token.id,
    role: 'tenant-admin',
    tenant: 'acme',
    grants: ['vms.task'],
  });
  t.same(bound.token.grants, ['vms.task'], 'BindRole carries grants too');
  t.equal((await statusOf(acme.createSet(taskSet, true))).code, 0, 'and takes effect on the next call');
});

t.test("a tenant's task cannot reach the host, the agent or another tenant's VM", async (t) => {
  const admin = as(adminToken);
  const acme = as((await admin.createToken({ role: 'tenant-admin', tenant: 'acme' })).secret);
  const globex = as(globexToken);

  // Tenant A's VM holds a secret in its config, on the same host.
  const secret = `hunter2-${randomUUID()}`;
  await acme.createSet({
    name: 'vault',
    count: 1,
    spec: { ...spec, config: { password: secret } },
    labels: { iso: 'full' },
  });
  const vault = await waitFor(
    async () => (await acme.vms()).find((v) => v.name === 'vault-1' && v.state === 'VM_STATE_RUNNING'),
    { timeoutMs: 30_000, message: 'the vault VM running' },
  );
  const vaultDir = join(rootDir, 'vms', vault.id);
  t.match(readFileSync(join(vaultDir, 'config.json'), 'utf8'), secret, 'the secret is in its config.json on the host');
  const vaultPid = processesWith(vault.id)[0]!;
  // A qemu VM's files, in the qemu driver's layout.
  const qemuDir = join(rootDir, 'vms', ulid());
  mkdirSync(qemuDir, { recursive: true });
  writeFileSync(join(qemuDir, 'overlay.qcow2'), 'QFI\xfb secret disk');
  writeFileSync(join(qemuDir, 'qmp.sock'), '');
  t.ok(
    existsSync(join(rootDir, 'key.pem')) && existsSync(join(rootDir, 'state')),
    "the agent's key and state are there",
  );
  // Something listening on the host's loopback.
  const connections: number[] = [];
  const server: Server = createServer((s) => {
    connections.push(Date.now());
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const port = (server.address() as { port: number }).port;
  const marker = `nephele-iso-${randomUUID()}`;

  // Each attempt prints "blocked <what>" or "LEAK <what>"; the task itself always succeeds.
  const task = [
    `D=${rootDir}; V=$D/vms`,
    'c() { if eval "$2" >/dev/null 2>&1; then echo "LEAK $1"; else echo "blocked $1"; fi; }',
    `c config "cat $V/${vault.id}/config.json"`,
    'c key "cat $D/key.pem"',
    'c state "ls $D/state"',
    `c qemu "cat $V/${qemuDir.slice(-26)}/overlay.qcow2"`,
    `c write-agent "touch $D/${marker}"`,
    `c write-vm "touch $V/${vault.id}/${marker}"`,
    // Its own agent-side records (what the agent reads back) are out of reach too.
    'c own-handle "echo x >> $V/$NEPHELE_VM_ID/handle.json"',
    'c own-config "echo x >> \\"$NEPHELE_CONFIG\\""',
    `c procs "test -e /proc/${vaultPid}"`,
    `c net "busybox nc -w 2 127.0.0.1 ${port} </dev/null"`,
    `c controller "busybox nc -w 2 127.0.0.1 ${ctl.port} </dev/null"`,
    'echo "uid $(id -u)"',
    'echo "tool $(command -v busybox)"',
    'echo "procs $(ls /proc | grep -c \'^[0-9]\')"',
    `echo x > /tmp/${marker} && echo "tmp writable"`,
    'echo hi > own.txt && echo "home writable"',
  ].join('; ');
  t.ok(task.length <= 1024, `the task fits a config value (${task.length} chars)`);
  const { set } = await globex.createSet({
    name: 'probe',
    count: 2,
    spec: { ...spec, memoryMib: 64, config: { task } },
    labels: { iso: 'full' },
  });
  const done = await waitFor(
    async () => {
      const vms = (await globex.vms()).filter((v) => v.setId === set!.id);
      return vms.length === 2 && vms.every((v) => v.state === 'VM_STATE_STOPPED' || v.state === 'VM_STATE_FAILED')
        ? vms
        : undefined;
    },
    { timeoutMs: 60_000, message: 'both tasks ended' },
  );
  for (const vm of done) t.ok(vm.taskDone, `${vm.name}: its task ran to the end (${vm.stateReason})`);

  const uids: number[] = [];
  for (const vm of done) {
    const out = readFileSync(join(rootDir, 'vms', vm.id, 'console.log'), 'utf8');
    t.notMatch(out, /LEAK/, `${vm.name}: nothing leaked\n${out}`);
    for (const what of [
      'config',
      'key',
      'state',
      'qemu',
      'write-agent',
      'write-vm',
      'own-handle',
      'own-config',
      'procs',
      'net',
      'controller',
    ])
      t.match(out, new RegExp(`^blocked ${what}$`, 'm'), `${vm.name}: ${what} blocked`);
    t.match(out, /^tool \/\S*busybox$/m, 'busybox is there (the network attempts really ran)');
    const procs = Number(/^procs (\d+)$/m.exec(out)?.[1]);
    t.ok(procs >= 1 && procs <= 5, `${vm.name} sees only its own processes (${procs})`);
    t.match(out, /^tmp writable$/m, 'has a writable /tmp');
    t.match(out, /^home writable$/m, 'and its own home');
    const uid = Number(/^uid (\d+)$/m.exec(out)?.[1]);
    t.ok(uid > 0, `${vm.name} runs as uid ${uid}, not root`);
    t.equal(
      statSync(join(rootDir, 'vms', vm.id, 'home', 'own.txt')).uid,
      uid,
      'its file on the host is owned by that uid',
    );
    t.doesNotThrow(
      () => JSON.parse(readFileSync(join(rootDir, 'vms', vm.id, 'handle.json'), 'utf8')),
      'its handle is intact',
    );
    uids.push(uid);
  }
  t.not(uids[0], uids[1], 'each VM has its own uid');
  t.equal(connections.length, 0, 'no connection reached the host loopback');
  t.notOk(existsSync(join('/tmp', marker)), "the task's /tmp is private");
  t.notOk(existsSync(join(rootDir, marker)) || existsSync(join(vaultDir, marker)), 'nothing written outside its home');
  t.match(readFileSync(join(vaultDir, 'config.json'), 'utf8'), secret, "the other VM's config is untouched");
});

t.test('fail closed: a host that cannot isolate gets no task VM, and refuses one pushed to it', async (t) => {
  const api = setApi(ctl);
  const vms = vmApi(ctl);
  t.teardown(() => {
    api.close();
    vms.close();
  });
  const weak = await hostNamed('unprivileged');
  const strong = await hostNamed('isolating');
  t.equal(processInfo(strong).isolation, 'full', 'the root agent reports isolation: full');
  t.equal(processInfo(weak).isolation, 'none', 'the unprivileged agent reports isolation: none');
  t.ok(processInfo(weak).isolation_reason, `with its reason (${processInfo(weak).isolation_reason})`);

  // The appliance (not tenant code) still runs there.
  const { set: plain } = await api.create({ name: 'plain', count: 1, spec, labels: { iso: 'none' } });
  await api.waitSet(plain!.id, (s) => s.running === 1, 'an appliance runs on the unprivileged host', 30_000);

  // A task: the planner places it nowhere and says why.
  const { set } = await api.create({
    name: 'job',
    count: 1,
    spec: { ...spec, config: { task: 'true' } },
    labels: { iso: 'none' },
  });
  const partial = await api.waitSet(set!.id, (s) => s.state === 'VM_SET_STATE_PARTIAL', 'the task set partial', 30_000);
  t.equal(partial.placed, 0, 'nothing placed');
  t.match(
    partial.reasons.join('; '),
    /1 host: process isolation unavailable/,
    `saying why (${partial.reasons.join('; ')})`,
  );

  // Forced onto that host by an operator: the agent itself refuses.
  const forced = await vms.create(weak.id, { ...spec, config: { task: 'touch /tmp/forced' } }, { name: 'forced' });
  const failed = await vms.waitState(forced.id, 'VM_STATE_FAILED', 30_000);
  t.match(failed.stateReason, /cannot isolate a task/, `the agent refuses it (${failed.stateReason})`);

  const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir];
  const show = await cli([...base, 'host', 'show', weak.id]);
  t.match(show.stdout, /process: .*isolation=none/, 'host show says so');
  const ls = await cli([...base, 'host', 'ls']);
  t.match(ls.stdout, /process\(no isolation\)/, 'and host ls');
});
