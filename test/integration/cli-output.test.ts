// The CLI's output (issue 11): one readable style for show commands, the same
// JSON object for create and show with short enum names, -o json|yaml|wide|name,
// --no-headers, vm ls --set/--state/--host (item 12); id prefixes and names
// (item 13); -q and results alone on stdout (item 6); ls --watch (the "also
// build" list); tenant show / rm. Through the real CLI against a real
// controller with fake agents.
import t from 'tap';
import { spawn } from 'node:child_process';
import YAML from 'yaml';
import * as grpc from '@grpc/grpc-js';
import type { Vm__Output as Vm } from '../../common/gen/nephele/v1/Vm.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { CLI, cli, joinToken, listHosts, startController } from '../helpers/procs.js';
import { fakeAgent } from '../helpers/fake-agent.js';

const ID = /^[0-9A-Z]{26}$/;
const PROTO_ENUM = /HOST_KIND_|HOST_STATE_|VM_STATE_|VM_SET_STATE_|SLA_|_UNSPECIFIED|TOKEN_KIND_/;

t.test('CLI output, names and prefixes, -q, --watch, tenant show/rm', async (t) => {
  const ctl = await startController(tmpDir());
  const alpha = await fakeAgent(ctl, { joinToken: await joinToken(ctl), name: 'alpha' });
  const beta = await fakeAgent(ctl, { joinToken: await joinToken(ctl), name: 'beta' });
  const a = ctl.admin();
  t.teardown(async () => {
    alpha.close();
    beta.close();
    a.close();
    await ctl.kill();
  });
  await waitFor(async () => (await listHosts(ctl)).filter((h) => h.state === 'HOST_STATE_READY').length === 2, {
    message: 'hosts ready',
  });
  const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir];
  const run = (...args: string[]) => cli([...base, ...args]);
  const ok = async (...args: string[]) => {
    const r = await run(...args);
    t.equal(r.code, 0, `${args.join(' ')}: exit 0 ${r.stderr}`);
    return r;
  };
  const refused = async (args: string[], re: RegExp) => {
    const r = await run(...args);
    t.equal(r.code, 1, `${args.join(' ')}: exit 1`);
    t.equal(r.stdout, '', `${args.join(' ')}: nothing on stdout`);
    t.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: one line`);
    t.match(r.stderr, re, `${args.join(' ')}: ${r.stderr.trim()}`);
  };
  const proc = ['--scheme', 'process', '--memory', '64'];
  const vmsOf = async (filter: Record<string, unknown> = {}) =>
    (await a.call<{ vms: Vm[] }>((md, o, cb) => a.vms.ListVms({ pageSize: 500, ...filter }, md, o, cb as never))).vms;

  await t.test('one shape for create and show, short enums, -o, --no-headers (item 12)', async (t) => {
    const made = await ok('--json', 'set', 'create', '--name', 'web', '--count', '2', ...proc, '--wait');
    const created = JSON.parse(made.stdout) as Record<string, unknown>;
    t.notOk('set' in created, 'set create --json prints the set itself, not {set: …}');
    t.match(created.id, ID);
    const shown = JSON.parse((await ok('--json', 'set', 'show', created.id as string)).stdout) as Record<
      string,
      unknown
    >;
    t.same(Object.keys(created).sort(), Object.keys(shown).sort(), 'create and show: the same object');
    t.equal(shown.state, 'placed', 'set state in its short name');
    t.equal((shown.request as { sla: string }).sla, 'guaranteed', 'sla in its short name');

    const solo = JSON.parse((await ok('-o', 'json', 'vm', 'create', '--name', 'solo', ...proc, '--wait')).stdout) as Vm;
    t.equal(solo.state as string, 'running', 'vm create -o json: state running, not VM_STATE_RUNNING');
    const hosts = await ok('--json', 'host', 'ls');
    t.notMatch(hosts.stdout, PROTO_ENUM, 'host ls --json: no proto enum names');
    t.match(JSON.parse(hosts.stdout)[0].state, 'ready');

    const show = await ok('vm', 'show', solo.id);
    t.notMatch(show.stdout, /^\s*\{/, 'vm show is not raw JSON');
    t.match(show.stdout, new RegExp(`^ID:\\s+${solo.id}$`, 'm'), 'vm show: key/value lines');
    const hostName = solo.hostId === alpha.hostId ? 'alpha' : 'beta';
    t.match(show.stdout, new RegExp(`^Host:\\s+${hostName} \\(${solo.hostId}\\)$`, 'm'), 'host by name and id');
    t.match(show.stdout, /^State:\s+running/m);
    t.match((await ok('set', 'show', created.id as string)).stdout, /^State:\s+placed/m, 'set show: the same style');

    const yaml = YAML.parse((await ok('-o', 'yaml', 'vm', 'show', solo.id)).stdout) as Record<string, unknown>;
    t.equal(yaml.id, solo.id, '-o yaml');
    t.equal(yaml.state, 'running', '-o yaml: short enum names');

    const table = await ok('vm', 'ls');
    const row = table.stdout.split('\n').find((l) => l.trim().startsWith(solo.id))!;
    t.match(row, new RegExp(`\\b${hostName}\\b`), 'vm ls names the host');
    t.notMatch(row, new RegExp(solo.hostId), 'vm ls: the name, not the id');
    t.match(table.stdout, /^\s*ID\s+NAME/);
    const bare = await ok('--no-headers', 'vm', 'ls');
    t.equal(bare.stdout.trim().split('\n').length, 3, '--no-headers: one line per VM');
    t.notMatch(bare.stdout, /^\s*ID\s/m, '--no-headers: no header row');
    t.match(
      (await ok('-o', 'wide', 'vm', 'ls')).stdout,
      /^\s*ID\s.*\sSET\s+HOST ID\s+SLA\s+CREATED$/m,
      '-o wide: more',
    );
    const names = (await ok('-o', 'name', 'vm', 'ls')).stdout.trim().split('\n');
    t.equal(names.length, 3, '-o name: one id a line');
    t.ok(
      names.every((x) => ID.test(x)),
      '-o name: ids only',
    );
    await refused(['-o', 'xml', 'vm', 'create', '--name', 'never', ...proc], /^nephele: --output: .*xml/);
    t.notOk(
      (await vmsOf()).some((v) => v.name === 'never'),
      'a bad -o: refused before anything is created',
    );
  });

  await t.test('vm ls --set --state --host (item 12)', async (t) => {
    const setId = (await vmsOf()).find((v) => v.setId)!.setId;
    const ids = async (...args: string[]) =>
      (await ok('-o', 'name', 'vm', 'ls', ...args)).stdout.split('\n').filter(Boolean);
    t.equal((await ids('--set', setId)).length, 2, '--set by id');
    t.equal((await ids('--set', 'web')).length, 2, '--set by name');
    t.equal((await ids('--state', 'running')).length, 3, '--state running');
    t.equal((await ids('--state', 'failed')).length, 0, '--state failed');
    const onAlpha = (await vmsOf()).filter((v) => v.hostId === alpha.hostId).map((v) => v.id);
    t.same((await ids('--host', 'alpha')).sort(), onAlpha.sort(), '--host by name');
    await refused(['vm', 'ls', '--state', 'sleepy'], /^nephele: .*sleepy/);
    // The API: validated, paged, tenant-scoped.
    const err = (req: Record<string, unknown>) =>
      new Promise<grpc.ServiceError | null>((res) => a.vms.ListVms(req, a.metadata(), (e) => res(e)));
    t.match((await err({ setId: 'nope' }))?.details, /^set_id: /, 'a bad set_id: INVALID_ARGUMENT naming it');
    t.equal((await err({ setId: 'nope' }))?.code, grpc.status.INVALID_ARGUMENT);
    t.match((await err({ state: 99 }))?.details, /^state: /, 'a bad state: INVALID_ARGUMENT naming it');
    const page1 = await a.call<{ vms: Vm[]; nextPageToken: string }>((md, o, cb) =>
      a.vms.ListVms({ pageSize: 1, setId }, md, o, cb as never),
    );
    const page2 = await a.call<{ vms: Vm[]; nextPageToken: string }>((md, o, cb) =>
      a.vms.ListVms({ pageSize: 1, setId, pageToken: page1.nextPageToken }, md, o, cb as never),
    );
    t.equal(page1.vms.length + page2.vms.length, 2, 'paged');
    t.notSame(page1.vms[0]!.id, page2.vms[0]!.id);
    await ok('tenant', 'create', 'acme');
    const secret = (await ok('-q', 'token', 'create', '--api', '--role', 'tenant-admin', '--tenant', 'acme')).stdout;
    const acme = ['--controller', ctl.address, '--data-dir', ctl.dataDir, '--token', secret.trim()];
    const other = await cli([...acme, '-o', 'name', 'vm', 'ls', '--set', setId]);
    t.equal(other.code, 0, other.stderr);
    t.equal(other.stdout, '', "another tenant's set: nothing");
  });

  await t.test('id prefixes and names (item 13)', async (t) => {
    const solo = (await vmsOf()).find((v) => v.name === 'solo')!;
    t.match((await ok('vm', 'show', solo.id.slice(0, 12).toLowerCase())).stdout, /^Name:\s+solo$/m, 'a prefix');
    t.match((await ok('vm', 'show', 'solo')).stdout, new RegExp(`^ID:\\s+${solo.id}$`, 'm'), 'a name');
    await refused(['vm', 'show', solo.id.slice(0, 4)], /^nephele: vm id prefix "\w{4}" matches 3 vms; give more/);
    await refused(['vm', 'show', 'nobody'], /^nephele: (INVALID_ARGUMENT|NOT_FOUND): vm/);
    // Names are resolved within what the caller sees: its tenant.
    const secret = (await ok('-q', 'token', 'create', '--api', '--role', 'tenant-admin', '--tenant', 'acme')).stdout;
    const acme = ['--controller', ctl.address, '--data-dir', ctl.dataDir, '--token', secret.trim()];
    const mine = await cli([...acme, '-q', 'vm', 'create', '--name', 'solo', ...proc]);
    t.equal(mine.code, 0, mine.stderr);
    const shown = await cli([...acme, '-o', 'name', 'vm', 'show', 'solo']);
    t.equal(shown.stdout.trim(), mine.stdout.trim(), "a tenant's name: its own VM");
    await refused(['vm', 'show', 'solo'], /^nephele: vm name "solo" matches 2 vms; give the id/);
    await ok('vm', 'destroy', mine.stdout.trim());
    await ok('set', 'scale', 'web', '3');
    t.equal((await ok('--json', 'set', 'show', 'web')).stdout.includes('"count": 3'), true, 'set scale by name');
    await ok('host', 'cordon', 'alpha');
    t.match(
      (await ok('host', 'show', alpha.hostId.slice(0, 16))).stdout,
      /^Cordoned:\s+yes/m,
      'host by name and prefix',
    );
    await ok('host', 'uncordon', 'alpha');
  });

  await t.test('-q and the result alone on stdout (item 6)', async (t) => {
    const set = await ok('-q', 'set', 'create', '--name', 'quiet', '--count', '1', ...proc);
    t.match(set.stdout, /^[0-9A-Z]{26}\n$/, 'set create -q: the id alone');
    const vm = await ok('-q', 'vm', 'create', ...proc);
    t.match(vm.stdout, /^[0-9A-Z]{26}\n$/, 'vm create -q: the id alone');
    const ls = await ok('-q', 'set', 'ls');
    t.ok(
      ls.stdout
        .trim()
        .split('\n')
        .every((x) => ID.test(x)),
      'set ls -q: ids',
    );
    const join = await ok('-q', 'token', 'create', '--join');
    t.match(join.stdout, /^nj1\.[^\s]+\n$/, 'token create -q: the secret alone');
    t.equal(join.stderr, '', '-q: no note either');
    const loud = await ok('token', 'create', '--join');
    t.match(loud.stdout, /^nj1\.[^\s]+\n$/, 'token create: the secret alone on stdout');
    t.match(loud.stderr, /^# token /, 'the note on stderr');
    const dry = await ok('set', 'create', '--name', 'dry', '--count', '1', ...proc, '--dry-run');
    t.match(dry.stderr, /dry run: nothing was reserved/, 'the dry-run note on stderr');
    t.notMatch(dry.stdout, /dry run/, 'stdout: the plan only');
  });

  await t.test('ls --watch: a new table each change, ends on Ctrl-C and on a closed pipe', async (t) => {
    const watch = () => {
      const p = spawn(process.execPath, [CLI, ...base, '-o', 'name', 'vm', 'ls', '--watch', '--interval', '100ms'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      p.stdout.on('data', (d) => (out += d));
      t.teardown(() => void p.kill('SIGKILL'));
      return { p, out: () => out, exited: new Promise<number | null>((r) => p.once('exit', r)) };
    };
    const w = watch();
    const before = (await vmsOf()).length;
    await waitFor(() => w.out().trim().split('\n').length === before, { message: 'the first listing' });
    const vm = JSON.parse((await ok('--json', 'vm', 'create', ...proc)).stdout) as Vm;
    await waitFor(() => w.out().includes(vm.id), { message: 'the new VM shows' });
    const frames = w.out().split('\n\n');
    t.equal(frames.length, 2, 'not a TTY: a new listing after a blank line, only when it changed');
    t.notMatch(w.out(), /\x1b/, 'not a TTY: no escape codes');
    w.p.kill('SIGINT');
    t.equal(await w.exited, 0, 'Ctrl-C: exit 0');

    const piped = watch();
    await waitFor(() => piped.out().length > 0, { message: 'the first listing' });
    piped.p.stdout.destroy();
    await ok('vm', 'create', ...proc);
    t.equal(await piped.exited, 0, 'the reader went away: exit 0');
  });

  await t.test('tenant show and rm (API gaps)', async (t) => {
    await ok('tenant', 'create', 'gone', '--vms', '5');
    t.match((await ok('tenant', 'show', 'gone')).stdout, /^Name:\s+gone$[\s\S]*^VMs:\s+0\/5$/m, 'tenant show');
    t.equal(JSON.parse((await ok('--json', 'tenant', 'show', 'gone')).stdout).name, 'gone');
    const token = JSON.parse((await ok('--json', 'token', 'create', '--api', '--tenant', 'gone')).stdout) as {
      token: { id: string };
    };
    const vm = JSON.parse((await ok('--json', 'vm', 'create', '--tenant', 'gone', ...proc, '--wait')).stdout) as Vm;
    await refused(
      ['tenant', 'rm', 'gone'],
      /^nephele: FAILED_PRECONDITION: tenant still holds 1 vm\(s\) not destroyed, 1 API token\(s\) not revoked, reserved quota/,
    );
    await ok('token', 'revoke', token.token.id.slice(0, 20)); // a token by id prefix
    await ok('vm', 'destroy', vm.id);
    // The fake agent answers each generation once: its host reports the destroy here.
    const host = vm.hostId === alpha.hostId ? alpha : beta;
    host.send({
      vmStatus: {
        seq: host.nextSeq(),
        vmId: vm.id,
        state: 'VM_STATE_DESTROYED',
        reason: 'destroyed',
        generation: vm.generation,
        hostPort: 0,
        guestReady: false,
        timeUnixMs: Date.now(),
        taskDone: false,
      },
    });
    await waitFor(async () => (await vmsOf()).find((v) => v.id === vm.id)?.state === 'VM_STATE_DESTROYED', {
      message: 'vm destroyed',
    });
    t.match((await ok('tenant', 'rm', 'gone')).stdout, /^deleted tenant gone$/m, 'tenant rm');
    await refused(['tenant', 'show', 'gone'], /^nephele: NOT_FOUND: tenant/);
    await refused(['tenant', 'rm', 'default'], /^nephele: FAILED_PRECONDITION: the default tenant/);
    const secret = (await ok('-q', 'token', 'create', '--api', '--role', 'viewer', '--tenant', 'acme')).stdout.trim();
    const viewer = await cli([...base, '--token', secret, 'tenant', 'show', 'default']);
    t.match(viewer.stderr, /^nephele: NOT_FOUND: tenant/, "another tenant's: NOT_FOUND");
    t.equal((await cli([...base, '--token', secret, 'tenant', 'rm', 'acme'])).code, 1, 'a viewer may not delete');
  });
});
