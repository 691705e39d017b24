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
import { imageWorld } from '../helpers/image-world.js';
import { bytesContain } from '../helpers/guest-disk.js';
import { tmpDir } from '../helpers/tmp.js';
import { httpGet } from '../helpers/vms.js';
import { waitFor } from '../helpers/wait.js';

t.setTimeout(300_000);

t.test('process: begin, configure, capture, end, populate 3, update, lineage, refusals', async (t) => {
  const { world, ok, json, refused, live, serving } = await imageWorld(t);
  const { ctl, adir, agent, api } = world;
  const tokenPath = (vmId: string) => join(adir, 'vms', vmId, 'token');

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
