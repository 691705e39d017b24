// End to end: real controller (mgmt + images) and a REAL agent process (process scheme):
// begin -> configure -> capture -> end -> populate; the clones fetch the base once and serve the title.
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, joinToken, startAgent, startController } from '../helpers/procs.js';
import { hostReady } from '../helpers/image-world.js';
import { httpGet, killWith } from '../helpers/vms.js';
import { buildGuestImage } from '../helpers/qemu.js';
import { ROOT } from '../helpers/procs.js';

const QEMU = process.env.E2E_QEMU === '1';
t.test('a full management cycle with a real agent', async (t) => {
  if (QEMU) buildGuestImage(t);
  const ctl = await startController(tmpDir());
  const adir = tmpDir();
  const agent = startAgent(ctl.address, adir, {
    joinToken: await joinToken(ctl),
    args: [
      '--reserve-memory',
      '0',
      '--guest-vcpus',
      '16',
      ...(QEMU ? ['--schemes', 'qemu', '--image-dir', join(ROOT, '.cache/guest')] : []),
    ],
  });
  t.teardown(async () => {
    await agent.kill();
    await ctl.kill();
    killWith(adir);
  });
  // Ready with its inventory: a set created before the inventory arrives is not placed.
  await hostReady(ctl, QEMU);
  const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir];
  const ok = async (...args: string[]) => {
    const r = await cli([...base, ...args]);
    t.equal(r.code, 0, `${args.join(' ')}: exit 0 ${r.stderr}`);
    return r;
  };
  await ok(
    '--json',
    'set',
    'create',
    '--name',
    'web',
    '--count',
    QEMU ? '1' : '2',
    '--scheme',
    QEMU ? 'qemu' : 'process',
    '--memory',
    QEMU ? '256' : '64',
    '--config',
    'title=Old',
    '--wait',
  );
  const tokenFile = join(tmpDir(), 'tok');
  const b: { management?: { tokenId: string } } = JSON.parse(
    (await ok('--json', 'mgmt', 'begin', '--set', 'web', '--token-out', tokenFile)).stdout,
  );
  const token = readFileSync(tokenFile, 'utf8').trim();
  await ok('--json', 'mgmt', 'configure', '--mgmt-token-file', tokenFile, '--config', 'title=Configured');
  const cap = await ok('--json', 'mgmt', 'capture', '--mgmt-token-file', tokenFile);
  const img = JSON.parse(cap.stdout);
  t.comment(cap.stdout.slice(0, 600));
  const imageId = img.image?.id ?? img.id;
  t.ok(imageId, 'an image');
  await ok('--json', 'mgmt', 'end', '--mgmt-token-file', tokenFile);
  await ok('--json', 'set', 'populate', imageId, '--count', QEMU ? '1' : '2', '--name', 'clones');
  const vms = await waitFor(
    async () => {
      const v = JSON.parse((await cli([...base, '--json', 'vm', 'ls'])).stdout);
      const l = (v.vms ?? v) as { name: string; state: string }[];
      return l.filter((x) => x.name.startsWith('clones') && x.state === 'running').length === (QEMU ? 1 : 2) && v;
    },
    { message: 'clones running', timeoutMs: QEMU ? 120000 : 20000 },
  ).catch(async (e) => {
    t.comment((await cli([...base, '--json', 'vm', 'ls'])).stdout.slice(0, 1500));
    t.comment(
      agent
        .output()
        .split('\n')
        .filter((l) => /fail|base|image|warn|error/i.test(l))
        .slice(-15)
        .join('\n'),
    );
    throw e;
  });
  t.comment(JSON.stringify(vms).slice(0, 300));
  const list = (vms.vms ?? vms) as {
    name: string;
    hostPort?: number;
    setId?: string;
    port?: number;
    address?: string;
  }[];
  const clones = list.filter((v) => v.name.startsWith('clones'));
  t.equal(clones.length, QEMU ? 1 : 2, 'every clone of the populated set is listed');
  for (const c of clones) {
    const port = Number(c.hostPort);
    const r = await waitFor(async () => (await httpGet(port)).body.includes('Configured'), {
      message: 'serves the title',
    });
    t.ok(r, `${c.name} serves the configured title`);
  }
  const cached = readdirSync(join(adir, 'image-cache')).filter((n) => /^[0-9a-f]{64}$/.test(n));
  t.equal(cached.length, 1, 'one base in the agent cache');
  t.notOk(agent.output().includes(token), 'token not in the agent log');
  t.notOk(readFileSync(join(adir, 'image-cache', cached[0]!)).includes(token), 'nor in the cached base');
  t.ok(b.management?.tokenId, 'begin answered with the management token id');
});
