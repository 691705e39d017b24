// The image cycle for the process scheme (tarball images) with a real
// controller, a REAL agent process and the real CLI; each guest claim checked
// on the agent's files, not through the controller: the token file sits in the
// chosen VM's dir only, the downloaded tarball lists no token entry and holds
// none of its bytes (`tar -t` and a byte scan), the clones hold no token. Then
// an update cycle (a child image, lineage parent → child, the prior set
// retired) and the bad input no other test covers: begin from a revoked image,
// a token whose VM is gone, an update of a set with a live management instance.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Vm__Output as Vm } from '../../common/gen/nephele/v1/Vm.js';
import { cli, joinToken, listHosts, startAgent, startController } from '../helpers/procs.js';
import { setApi } from '../helpers/sets.js';
import { bytesContain } from '../helpers/guest-disk.js';
import { tmpDir } from '../helpers/tmp.js';
import { httpGet, processesWith } from '../helpers/vms.js';
import { waitFor } from '../helpers/wait.js';

t.setTimeout(300_000);

t.test('process: begin, configure, capture, end, populate 3, update, lineage, refusals', async (t) => {
  const ctl = await startController(tmpDir());
  const adir = tmpDir();
  const agent = startAgent(ctl.address, adir, {
    joinToken: await joinToken(ctl),
    args: ['--reserve-memory', '0', '--guest-vcpus', '16'],
  });
  const api = setApi(ctl);
  t.teardown(async () => {
    api.close();
    await agent.kill();
    await ctl.kill();
    for (const pid of processesWith(adir)) process.kill(pid, 'SIGKILL');
  });
  await waitFor(
    async () =>
      (await listHosts(ctl)).some((h) => h.state === 'HOST_STATE_READY' && (h.inventory?.guest?.vcpus ?? 0) > 0),
    {
      message: 'host ready',
      timeoutMs: 30_000,
    },
  );
  const run = (...args: string[]) => cli(['--controller', ctl.address, '--data-dir', ctl.dataDir, ...args]);
  const ok = async (...args: string[]) => {
    const r = await run(...args);
    t.equal(r.code, 0, `nephele ${args.join(' ')}: exit 0 (${r.stderr.trim().slice(0, 400)})`);
    return r;
  };
  const json = async <T>(...args: string[]) => JSON.parse((await ok('--json', ...args)).stdout) as T;
  const refused = async (args: string[], re: RegExp, env: Record<string, string> = {}) => {
    const r = await cli(['--controller', ctl.address, '--data-dir', ctl.dataDir, ...args], env);
    t.equal(r.code, 1, `nephele ${args.join(' ')}: exit 1`);
    t.equal(r.stdout, '', `nephele ${args.join(' ')}: nothing on stdout`);
    t.match(r.stderr, re, `nephele ${args.join(' ')}: ${r.stderr.trim()}`);
  };
  const tokenPath = (vmId: string) => join(adir, 'vms', vmId, 'token');
  const live = async (setId: string) =>
    (await api.vms()).filter((v) => v.setId === setId && !/DESTROY/.test(String(v.desired)));
  const serving = async (vms: Vm[], title: RegExp, what: string) => {
    for (const vm of vms)
      t.ok(
        await waitFor(async () => title.test((await httpGet(vm.hostPort).catch(() => ({ body: '' }))).body), {
          message: `${what}: ${vm.name} serves ${title}`,
          timeoutMs: 30_000,
        }),
        `${what}: ${vm.name} serves ${title}`,
      );
  };

  const web = await json<{ id: string }>(
    ...'set create --name web --count 2 --scheme process --memory 64 --config title=Old --wait'.split(' '),
  );
  const members = await live(web.id);
  t.equal(members.length, 2, 'two members');

  // Begin: the token file in the chosen VM's dir only (0600), no port while managed.
  const tokenFile = join(tmpDir(), 'token');
  const begun = await json<{ management: { tokenId: string; vmId: string } }>(
    ...['mgmt', 'begin', '--set', 'web', '--token-out', tokenFile],
  );
  const token = readFileSync(tokenFile, 'utf8').trim();
  const managed = members.find((v) => v.id === begun.management.vmId)!;
  const other = members.find((v) => v.id !== begun.management.vmId)!;
  t.ok(managed && other, 'the chosen VM is a member');
  t.equal(readFileSync(tokenPath(managed.id), 'utf8'), token, 'the token file in the managed VM holds the token');
  t.equal(
    spawnSync('stat', ['-c', '%a', tokenPath(managed.id)], { encoding: 'utf8' }).stdout.trim(),
    '600',
    'mode 0600',
  );
  t.notOk(existsSync(tokenPath(other.id)), 'no token file in the other member');
  await waitFor(
    async () =>
      httpGet(managed.hostPort).then(
        () => false,
        () => true,
      ),
    {
      message: 'the managed VM no longer answers on its port',
    },
  );
  t.equal((await api.vms()).find((v) => v.id === managed.id)?.hostPort, 0, 'no host port while managed');

  // A set with a live management instance cannot be updated at the same time.
  await refused(['set', 'update', 'web', '--config', 'title=X'], /FAILED_PRECONDITION: set_id/);

  // Configure, capture: a tarball without the token.
  await ok('mgmt', 'configure', '--mgmt-token-file', tokenFile, '--config', 'title=Configured');
  const image = await json<{ id: string; tokenId: string; parentImageId: string; format: string }>(
    ...['mgmt', 'capture', '--mgmt-token-file', tokenFile],
  );
  t.equal(image.tokenId, begun.management.tokenId, "the image holds the management instance's token id");
  t.equal(image.parentImageId, '', 'no parent (captured from the shipped appliance)');
  const tar = join(tmpDir(), 'image.tar');
  await ok('image', 'download', image.id, tar);
  const list = spawnSync('tar', ['-tf', tar], { encoding: 'utf8' });
  t.equal(list.status, 0, `tar lists the image (${list.stderr})`);
  t.ok(list.stdout.split('\n').includes('config.json'), 'the tarball holds the appliance config');
  t.notOk(/(^|\/)token$/m.test(list.stdout), 'no token entry in the tarball');
  t.notOk(bytesContain(tar, token), "the token's bytes occur nowhere in the tarball");

  // End: the token file leaves the VM, its port comes back.
  await ok('mgmt', 'end', '--mgmt-token-file', tokenFile);
  t.notOk(existsSync(tokenPath(managed.id)), 'the token file is gone');
  const back = await waitFor(async () => (await api.vms()).find((v) => v.id === managed.id && v.hostPort > 0), {
    message: 'a port again',
  });
  await serving([back], /Configured/, 'after end');

  // Populate 3 from the image: tokenless clones serving the configured title.
  const pop = await json<{ set: { id: string } }>('set', 'populate', image.id, '--count', '3', '--name', 'clones');
  await api.waitSet(pop.set.id, (s) => s.running === 3, 'three clones running');
  const clones = await live(pop.set.id);
  t.equal(clones.length, 3, 'three clones');
  for (const c of clones) t.notOk(existsSync(tokenPath(c.id)), `${c.name}: no token file`);
  await serving(clones, /Configured/, 'clones');

  // Update the clones: a child image, the revised set serves New, the prior set retired.
  const gate = ['--health-path', '/', '--health-expect', 'New', '--health-timeout', '60s'];
  const cycle = await json<{ state: string; reason: string; imageId: string; newSetId: string; tokenId: string }>(
    ...['set', 'update', 'clones', '--config', 'title=New', '--max-parallel', '2', '--canary', '1', ...gate],
  );
  t.equal(cycle.state, 'succeeded', `the cycle succeeded (${cycle.reason})`);
  const child = await json<{ parentImageId: string; tokenId: string }>('image', 'show', cycle.imageId);
  t.equal(child.parentImageId, image.id, "the child's parent is the clones' image");
  t.equal(child.tokenId, cycle.tokenId, "the child holds the cycle's token id");
  const revised = await live(cycle.newSetId);
  t.equal(revised.length, 3, 'the revised set is whole');
  for (const v of revised) t.notOk(existsSync(tokenPath(v.id)), `${v.name}: no token file`);
  await serving(revised, /New/, 'revised set');
  await api.waitSet(pop.set.id, (s) => /RETIRED/.test(s.state), 'the prior set retired');
  await waitFor(async () => (await live(pop.set.id)).length === 0, { message: "the prior set's VMs destroyed" });
  await waitFor(() => clones.every((c) => !existsSync(join(adir, 'vms', c.id))), {
    message: "the prior set's VM dirs removed on the host",
  });
  const lineage = await ok('image', 'lineage', image.id);
  const lines = lineage.stdout.split('\n');
  const at = (id: string) => lines.findIndex((l) => l.includes(id));
  t.ok(at(image.id) >= 0 && at(cycle.imageId) > at(image.id), `lineage: parent, then child\n${lineage.stdout}`);

  // Refusals no other test covers.
  await ok('image', 'revoke', image.id);
  await refused(['mgmt', 'begin', '--image', image.id], /FAILED_PRECONDITION: image_id/);
  const t2 = join(tmpDir(), 'token2');
  await ok('mgmt', 'begin', '--set', cycle.newSetId, '--token-out', t2);
  await ok('set', 'delete', cycle.newSetId);
  await api.waitSet(cycle.newSetId, (s) => /RETIRED/.test(s.state), 'the revised set retired');
  await refused(['mgmt', 'capture', '--mgmt-token-file', t2], /FAILED_PRECONDITION: token/);
  t.notOk(agent.output().includes(token), 'the token is in no agent log line');
  t.notOk(ctl.output().includes(token), 'nor in a controller log line');
});
