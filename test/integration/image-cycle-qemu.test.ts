// The image cycle end to end with REAL QEMU guests, a real controller, a real
// agent process and the real CLI. Every claim about a guest's disk is checked
// independently of the controller and the agent: the overlay (or the downloaded
// image) is converted to raw with `qemu-img convert -U`, its journal replayed
// on the copy, and read with debugfs (plus a byte scan for the token).
// One 2-VM set, one management instance, one image, three linked clones; then
// an update cycle on the clones (a child image, the prior set retired) and one
// whose health gate cannot pass (reverted, the revised set serving on).
import t from 'tap';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageWorld } from '../helpers/image-world.js';
import { buildGuestImage, haveQemu, qemuOrSkip } from '../helpers/qemu.js';
import { backingChain, bytesContain, tokenOnDisk, withRawCopy } from '../helpers/guest-disk.js';
import { tmpDir } from '../helpers/tmp.js';
import { httpGet, processesWith } from '../helpers/vms.js';
import { waitFor } from '../helpers/wait.js';

qemuOrSkip('image-cycle-qemu');
t.setTimeout(900_000);

t.test('qemu: begin, configure, capture, end, populate 3 linked clones, update, revert', async (t) => {
  t.ok(haveQemu, 'QEMU is installed');
  if (!haveQemu || !buildGuestImage(t)) return;
  const { world, run, ok, json, live, serving } = await imageWorld(t, { qemu: true });
  const { ctl, adir, agent, api } = world;
  const overlay = (vmId: string) => join(adir, 'vms', vmId, 'overlay.qcow2');

  // A 2-VM set from the shipped guest.
  const web = await json<{ id: string }>(
    ...'set create --name web --count 2 --scheme qemu --memory 128 --config title=Old --wait'.split(' '),
  );
  await api.waitSet(web.id, (s) => s.running === 2, 'web running', 180_000);
  const members = await live(web.id);
  t.equal(members.length, 2, 'two members');
  await serving(members, /Old/, 'before management');

  // BeginManagement: the token is inside the chosen guest only.
  const tokenFile = join(tmpDir(), 'token');
  const begun = await json<{ management: { tokenId: string; vmId: string }; token: string }>(
    ...['mgmt', 'begin', '--set', 'web', '--token-out', tokenFile],
  );
  const token = readFileSync(tokenFile, 'utf8').trim();
  t.equal(begun.token, '', 'the token went to the file, not to stdout');
  const managed = members.find((v) => v.id === begun.management.vmId)!;
  const other = members.find((v) => v.id !== begun.management.vmId)!;
  t.ok(managed && other, 'the chosen VM is a member of the set');
  await waitFor(() => tokenOnDisk(overlay(managed.id)) === token, {
    message: 'the token on the managed guest disk',
    timeoutMs: 30_000,
  });
  t.equal(tokenOnDisk(overlay(other.id)), undefined, 'no token on the other member');
  // No port forward while managed: the host port it had refuses, the controller shows none.
  await waitFor(
    async () =>
      await httpGet(managed.hostPort).then(
        () => false,
        () => true,
      ),
    {
      message: 'the managed guest no longer answers on its host port',
    },
  );
  const hidden = (await api.vms()).find((v) => v.id === managed.id)!;
  t.equal(hidden.hostPort, 0, 'no host port while managed');
  t.match((await httpGet(other.hostPort)).body, /Old/, 'the other member serves on');

  // Configure, capture: an image without the token, naming the token and its parent.
  await ok('mgmt', 'configure', '--mgmt-token-file', tokenFile, '--config', 'title=Configured');
  const image = await json<{ id: string; tokenId: string; parentImageId: string; sha256: string; setId: string }>(
    'mgmt',
    'capture',
    '--mgmt-token-file',
    tokenFile,
  );
  t.equal(image.tokenId, begun.management.tokenId, "the image record holds the management instance's token id");
  t.equal(image.parentImageId, '', 'parent: none (captured from the shipped guest)');
  t.equal(image.setId, web.id, 'the image names the set');
  const file = join(tmpDir(), 'image.qcow2');
  await ok('image', 'download', image.id, file);
  t.equal(createHash('sha256').update(readFileSync(file)).digest('hex'), image.sha256, 'download matches its sha256');
  t.equal(backingChain(file).length, 1, 'the image is standalone (no backing file)');
  t.equal(tokenOnDisk(file), undefined, 'no /token in the captured image');
  withRawCopy(file, (raw) => t.notOk(bytesContain(raw, token), "the token's bytes occur nowhere in the image"));
  t.notOk(bytesContain(file, token), 'nor in the qcow2 file itself');

  // EndManagement: the token leaves the guest, its port forward comes back.
  await ok('mgmt', 'end', '--mgmt-token-file', tokenFile);
  t.equal(tokenOnDisk(overlay(managed.id)), undefined, 'the token is gone from the guest disk');
  const back = await waitFor(async () => (await api.vms()).find((v) => v.id === managed.id && v.hostPort > 0), {
    message: 'a host port again',
  });
  await serving([back], /Configured|Old/, 'after end');

  // PopulateSet(image, 3): three linked clones on the same base, serving the configured title, tokenless.
  const pop = await json<{ set: { id: string } }>('set', 'populate', image.id, '--count', '3', '--name', 'clones');
  const clonesSet = pop.set.id;
  await api.waitSet(clonesSet, (s) => s.running === 3, 'clones running', 180_000);
  const clones = await live(clonesSet);
  t.equal(clones.length, 3, 'three clones');
  const bases = new Set<string>();
  for (const c of clones) {
    const chain = backingChain(overlay(c.id));
    t.equal(chain.length, 2, `${c.name}: an overlay on one base`);
    bases.add(chain[1]!.filename);
    t.equal(tokenOnDisk(overlay(c.id)), undefined, `${c.name}: no token`);
  }
  t.equal(bases.size, 1, 'all three overlays are backed by the same base file');
  await serving(clones, /Configured/, 'clones');
  t.notOk(agent.output().includes(token), 'the token is in no agent log line');
  t.notOk(ctl.output().includes(token), 'nor in a controller log line');

  // Free the first set's guests before the update (capacity and time).
  await ok('set', 'delete', 'web');
  await api.waitSet(web.id, (s) => /RETIRED/.test(s.state), 'web retired', 60_000);

  // UpdateVmSet: a child image, the revised set serves New, the prior set retired.
  const gate = ['--health-path', '/', '--health-expect', 'New', '--health-timeout', '120s'];
  const cycle = await json<{ state: string; reason: string; imageId: string; newSetId: string; tokenId: string }>(
    ...['set', 'update', clonesSet, '--config', 'title=New', '--max-parallel', '2', '--canary', '1', ...gate],
  );
  t.equal(cycle.state, 'succeeded', `the cycle succeeded (${cycle.reason})`);
  const child = await json<{ parentImageId: string; tokenId: string }>('image', 'show', cycle.imageId);
  t.equal(child.parentImageId, image.id, "the child image's parent is the clones' image");
  t.equal(child.tokenId, cycle.tokenId, "the child image holds the cycle's token id");
  const revised = await live(cycle.newSetId);
  t.equal(revised.length, 3, 'the revised set is whole');
  await serving(revised, /New/, 'revised set');
  for (const v of revised) t.equal(tokenOnDisk(overlay(v.id)), undefined, `${v.name}: no token in the revised clone`);
  await api.waitSet(clonesSet, (s) => /RETIRED/.test(s.state), 'the prior set retired', 60_000);
  await waitFor(
    () => clones.every((c) => processesWith(`nephele-${c.id}`).length === 0 && !existsSync(join(adir, 'vms', c.id))),
    { message: "the prior set's guests destroyed (no QEMU, no VM dir)", timeoutMs: 60_000 },
  );
  await waitFor(async () => (await api.hosts()).every((h) => h.vmCount === 3), {
    message: 'capacity back: the host holds only the revised set',
  });
  const lineage = await ok('image', 'lineage', image.id);
  t.match(lineage.stdout, new RegExp(`${image.id}[\\s\\S]*${cycle.imageId}`), 'lineage shows parent → child');
  t.ok(
    lineage.stdout.split('\n').findIndex((l) => l.includes(cycle.imageId)) >
      lineage.stdout.split('\n').findIndex((l) => l.includes(image.id)),
    'the child below its parent',
  );

  // A health gate that cannot pass, with --auto-revert: the revised set serves on.
  const bad = ['--health-path', '/', '--health-expect', 'NeverThere', '--health-timeout', '20s', '--auto-revert'];
  const down = await run(
    '--json',
    'set',
    'update',
    cycle.newSetId,
    '--config',
    'title=Broken',
    '--canary',
    '1',
    ...bad,
  );
  t.equal(down.code, 1, 'a reverted cycle exits 1');
  const reverted = JSON.parse(down.stdout) as { state: string; newSetId: string };
  t.equal(reverted.state, 'reverted', 'reverted');
  t.match(down.stderr, /reverted/, 'stderr says so');
  await waitFor(async () => (await live(reverted.newSetId)).length === 0, { message: 'the canary removed' });
  await api.waitSet(cycle.newSetId, (s) => s.running === 3, 'the revised set runs three VMs', 120_000);
  const still = await live(cycle.newSetId);
  t.equal(still.length, 3, 'the revised set keeps its three VMs');
  t.comment(
    `revised set after the revert: ${still.map((v) => `${v.name}:${v.state}`).join(' ')} (before: ${revised.map((v) => v.name).join(' ')})`,
  );
  await serving(still, /New/, 'after the revert');
  for (const v of still) t.equal(tokenOnDisk(overlay(v.id)), undefined, `${v.name}: no token left after the revert`);
});
