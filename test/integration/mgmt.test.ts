// Management instances through the real CLI against a real controller with a
// fake agent that answers agent commands (issue 13, item mgmt): begin marks one
// VM of a set (token in its guest only, hidden, out of the set's counts),
// configure versions changes, end takes the token out and returns the VM; bad
// input and other tenants get the right status naming the field; the plaintext
// token appears in no log, event, record or error.
import t, { type Test } from 'tap';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, joinToken, listHosts, startController } from '../helpers/procs.js';
import { fakeAgent, fakeGuests } from '../helpers/fake-agent.js';
import { LevelStore, put } from '../../common/store/index.js';
import { IMAGES, type ImageRecord } from '../../controller/model/index.js';

/** Every file under `dir`, recursively (the store's files: LevelDB logs and tables). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** A controller on `dir` with one ready fake agent answering commands with `command`; the CLI against it. */
async function withAgent(t: Test, dir: string, command?: ReturnType<typeof fakeGuests>['answer']) {
  const ctl = await startController(dir);
  const agent = await fakeAgent(ctl, { joinToken: await joinToken(ctl), name: 'alpha', command });
  t.teardown(async () => {
    agent.close();
    await ctl.kill();
  });
  await waitFor(async () => (await listHosts(ctl)).some((h) => h.state === 'HOST_STATE_READY'), {
    message: 'host ready',
  });
  const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir];
  return { ctl, agent, base, run: (...args: string[]) => cli([...base, ...args]) };
}

t.test('management instances: begin, configure, end, refusals, no plaintext token anywhere', async (t) => {
  const guests = fakeGuests();
  const { ctl, agent, base, run } = await withAgent(t, tmpDir(), guests.answer);
  const ok = async (...args: string[]) => {
    const r = await run(...args);
    t.equal(r.code, 0, `${args.join(' ')}: exit 0 ${r.stderr}`);
    return r;
  };
  const refused = async (args: string[], re: RegExp, env: Record<string, string> = {}) => {
    const r = await cli([...base, ...args], env);
    t.equal(r.code, 1, `${args.join(' ')}: exit 1`);
    t.equal(r.stdout, '', `${args.join(' ')}: nothing on stdout`);
    t.match(r.stderr, re, `${args.join(' ')}: ${r.stderr.trim()}`);
    return r;
  };
  const set = JSON.parse(
    (
      await ok(
        '--json',
        'set',
        'create',
        '--name',
        'web',
        '--count',
        '2',
        '--scheme',
        'process',
        '--memory',
        '64',
        '--wait',
      )
    ).stdout,
  ) as { id: string };
  const dir = tmpDir();
  const tokenFile = join(dir, 'mgmt.token');

  const begun = await ok('--json', 'mgmt', 'begin', '--set', 'web', '--token-out', tokenFile);
  const b = JSON.parse(begun.stdout) as {
    token: string;
    management: { tokenId: string; vmId: string; live: boolean };
    vm: { id: string };
  };
  const token = readFileSync(tokenFile, 'utf8').trim();
  t.match(token, /^[A-Za-z0-9_-]{22}$/, '128 random bits, base64url');
  t.equal(statSync(tokenFile).mode & 0o777, 0o600, 'the token file is 0600');
  t.equal(b.token, '', '--token-out: the token is not printed');
  t.notOk(begun.stdout.includes(token) || begun.stderr.includes(token), 'not on stdout or stderr');
  t.ok(b.management.live, 'live');
  const sha = createHash('sha256').update(token).digest('hex');
  t.same([...guests.tokens.entries()], [[b.vm.id, sha]], 'the token is in the chosen guest only');

  // Hidden and out of the set's counts, not replaced, no address.
  const shown = JSON.parse((await ok('--json', 'set', 'show', set.id)).stdout) as {
    placed: number;
    count: number;
    stateReason: string;
  };
  t.equal(shown.placed, 1, 'the managed VM leaves the placed count');
  t.match(shown.stateReason, /1 under management/);
  t.equal(agent.seen.length, 2, 'no replacement was placed for it');
  const table1 = JSON.parse((await ok('--json', 'set', 'config-table', 'web')).stdout) as {
    tokenId: string;
    tokenLive: boolean;
    members: { vmId: string; management: boolean; address: string }[];
  };
  t.equal(table1.tokenId, b.management.tokenId);
  t.ok(table1.tokenLive);
  t.same(
    table1.members.filter((m) => m.management).map((m) => [m.vmId, m.address]),
    [[b.vm.id, '']],
    'config-table: the managed member, with no address',
  );
  const human = await ok('set', 'config-table', 'web');
  t.match(human.stdout, /Token:\s+\S+ \(live\)/);

  await refused(['mgmt', 'begin', '--set', 'web', '--token-out', tokenFile], /--token-out: .* exists already/);
  // A second management instance of the same set is refused.
  await refused(['mgmt', 'begin', '--set', set.id], /FAILED_PRECONDITION: set_id has a management instance already/);

  // Configure: versioned, sent to the guest.
  const conf = JSON.parse(
    (await ok('--json', 'mgmt', 'configure', '--mgmt-token-file', tokenFile, '--config', 'title=Hello', '--vcpus', '2'))
      .stdout,
  ) as { configVersion: number; changes: { version: number; config: Record<string, string>; vcpus: number }[] };
  t.equal(conf.configVersion, 1);
  t.match(conf.changes, [{ version: 1, config: { title: 'Hello' }, vcpus: 2 }]);
  t.same(guests.config.get(b.vm.id), { title: 'Hello' }, 'the guest got the config');
  const conf2 = await cli([...base, '--json', 'mgmt', 'configure', '--config', 'title=Again'], {
    NEPHELE_MGMT_TOKEN: token,
  });
  t.equal(conf2.code, 0, conf2.stderr);
  t.equal((JSON.parse(conf2.stdout) as { configVersion: number }).configVersion, 2, 'the token from the environment');
  await refused(
    ['mgmt', 'configure', '--mgmt-token-file', tokenFile, '--config', 'Bad Key=1'],
    /INVALID_ARGUMENT: config/,
  );
  await refused(['mgmt', 'configure', '--mgmt-token-file', tokenFile], /INVALID_ARGUMENT: config/);

  // Another tenant reaches neither the token nor the set.
  t.equal((await run('tenant', 'create', 'acme')).code, 0);
  const acme = (
    await run('-q', 'token', 'create', '--api', '--role', 'tenant-admin', '--tenant', 'acme')
  ).stdout.trim();
  await refused(['--token', acme, 'mgmt', 'configure', '--config', 'x=1'], /NOT_FOUND: token/, {
    NEPHELE_MGMT_TOKEN: token,
  });
  await refused(['--token', acme, 'mgmt', 'begin', '--set', set.id], /NOT_FOUND: set/);
  await refused(['--token', acme, 'mgmt', 'begin', '--vm', b.vm.id], /NOT_FOUND: vm/);
  await refused(['--token', acme, 'set', 'config-table', set.id], /NOT_FOUND: set/);

  // Unknown, malformed token; capture needs a management instance's token.
  await refused(['mgmt', 'end'], /NOT_FOUND: token/, { NEPHELE_MGMT_TOKEN: 'A'.repeat(22) });
  await refused(['mgmt', 'capture'], /INVALID_ARGUMENT: token/, { NEPHELE_MGMT_TOKEN: 'short' });
  // Never on a command line (argv is readable by every user in /proc), even a live one.
  await refused(['mgmt', 'end', '--mgmt-token', token], /never from the command line/);
  await refused(['set', 'populate', '01ARZ3NDEKTSV4RRFFQ69G5FAV', '--count', '1'], /NOT_FOUND: image/);
  await refused(
    ['set', 'create', '--count', '1', '--scheme', 'process', '--memory', '64', '--image', '01ARZ3NDEKTSV4RRFFQ69G5FAV'],
    /NOT_FOUND: image/,
  );

  // End: the token leaves the guest (checked), the VM is back in its set.
  const ended = JSON.parse((await ok('--json', 'mgmt', 'end', '--mgmt-token-file', tokenFile)).stdout) as {
    live: boolean;
  };
  t.equal(ended.live, false);
  t.equal(guests.tokens.size, 0, 'no guest holds a token');
  t.ok(
    guests.commands.some((c) => c.op === 'tokenRemove' && c.vmId === b.vm.id),
    'token_remove was sent',
  );
  await waitFor(
    async () => (JSON.parse((await ok('--json', 'set', 'show', set.id)).stdout) as { placed: number }).placed === 2,
    {
      message: 'the VM is counted again',
    },
  );
  const table2 = JSON.parse((await ok('--json', 'set', 'config-table', set.id)).stdout) as {
    tokenLive: boolean;
    members: { management: boolean }[];
  };
  t.notOk(table2.tokenLive, 'the token is ended');
  t.notOk(
    table2.members.some((m) => m.management),
    'no member is managed',
  );

  // A used token: FAILED_PRECONDITION naming it (configure, capture, end alike).
  for (const cmd of ['end', 'capture'])
    await refused(['mgmt', cmd, '--mgmt-token-file', tokenFile], /FAILED_PRECONDITION: token was used/);

  // A replay of BeginManagement (same request id) answers without the token: only its hash was kept.
  const first = JSON.parse(
    (await ok('--json', 'mgmt', 'begin', '--vm', b.vm.id, '--request-id', 'begin-1')).stdout,
  ) as typeof b;
  t.match(first.token, /^[A-Za-z0-9_-]{22}$/, 'shown once, on stdout when no --token-out');
  const again = JSON.parse(
    (await ok('--json', 'mgmt', 'begin', '--vm', b.vm.id, '--request-id', 'begin-1')).stdout,
  ) as typeof b;
  t.equal(again.token, '', 'a replay does not show the token');
  t.equal(again.management.tokenId, first.management.tokenId, 'the same management instance');
  const quiet = await ok('-q', 'mgmt', 'begin', '--vm', b.vm.id, '--request-id', 'begin-1');
  t.equal(quiet.stdout, '', '-q on a replay prints nothing');
  const end2 = await cli([...base, 'mgmt', 'end'], { NEPHELE_MGMT_TOKEN: first.token });
  t.equal(end2.code, 0, end2.stderr);
  await refused(
    ['vm', 'create', '--scheme', 'process', '--memory', '64', '--image', '01ARZ3NDEKTSV4RRFFQ69G5FAV'],
    /NOT_FOUND: image/,
  );

  // The plaintext tokens are nowhere: logs, events, the store's files (records, idempotency records, audit).
  const events = await ok('--json', 'events', 'tail', '-n', '1000');
  t.match(events.stdout, /mgmt\.begun/);
  t.match(events.stdout, /mgmt\.ended/);
  for (const secret of [token, first.token]) {
    t.notOk(ctl.output().includes(secret), 'not in the controller log');
    t.notOk(events.stdout.includes(secret), 'not in events or audit');
    for (const f of filesUnder(ctl.dataDir))
      t.notOk(readFileSync(f).includes(Buffer.from(secret)), `not in ${f.slice(ctl.dataDir.length)}`);
  }
  t.ok(
    filesUnder(ctl.dataDir).some((f) => readFileSync(f).includes(Buffer.from(sha))),
    'the store holds its sha256',
  );
});

t.test(
  'clones of an image: set populate, CreateVmSet by image id, revoked images and other tenants refused',
  async (t) => {
    // Image records as the image store writes them (it is built beside this; its stand-in reads them).
    const dir = tmpDir();
    const first = await startController(dir);
    await first.stop();
    const store = await LevelStore.open(join(dir, 'store'));
    const image = (id: string, o: Partial<ImageRecord> = {}): ImageRecord => ({
      id,
      name: 'web-v1',
      tenant: 'default',
      scheme: 'process',
      format: 'tar',
      sizeBytes: 10240,
      sha256: createHash('sha256').update(id).digest('hex'),
      spec: {
        scheme: 'process',
        vcpus: 1,
        memoryMib: 64,
        diskGib: 1,
        image: id,
        appliancePort: 8080,
        config: { title: 'Hello' },
      },
      manifest: {},
      parentImageId: '',
      tokenId: '',
      setId: '',
      sourceVmId: '',
      configVersion: 1,
      createdUnixMs: Date.now(),
      state: 'active',
      revokedUnixMs: 0,
      revokeReason: '',
      ...o,
    });
    const ACTIVE = '01JAAAAAAAAAAAAAAAAAAAAAAA';
    const REVOKED = '01JBBBBBBBBBBBBBBBBBBBBBBB';
    await store.batch([
      put(IMAGES, ACTIVE, image(ACTIVE)),
      put(IMAGES, REVOKED, image(REVOKED, { state: 'revoked', revokedUnixMs: Date.now() })),
    ]);
    await store.close();
    const { run } = await withAgent(t, dir);

    const pop = await run('-q', 'set', 'populate', ACTIVE, '--count', '2', '--name', 'clones');
    t.equal(pop.code, 0, pop.stderr);
    const setId = pop.stdout.trim();
    t.match(setId, /^[0-9A-Z]{26}$/, '-q: the set id alone');
    const vms = JSON.parse((await run('--json', 'vm', 'ls', '--set', setId)).stdout) as {
      spec: { image: string; config: Record<string, string>; baseImage: { imageId: string; sha256: string } };
    }[];
    t.equal(vms.length, 2);
    for (const v of vms) {
      t.equal(v.spec.image, ACTIVE);
      t.equal(
        v.spec.baseImage.sha256,
        image(ACTIVE).sha256,
        'a linked clone of the image (base set by the controller)',
      );
      t.equal(v.spec.config.title, 'Hello', "the image's spec");
    }
    const table = JSON.parse((await run('--json', 'set', 'config-table', setId)).stdout) as {
      imageId: string;
      images: { imageId: string }[];
    };
    t.equal(table.imageId, ACTIVE);
    t.same(
      table.images.map((i) => i.imageId),
      [ACTIVE],
    );

    const once = await run('-q', 'set', 'populate', ACTIVE, '--count', '1', '--request-id', 'pop-1');
    const twice = await run('-q', 'set', 'populate', ACTIVE, '--count', '1', '--request-id', 'pop-1');
    t.equal(twice.code, 0, twice.stderr);
    t.equal(twice.stdout, once.stdout, 'a retried populate answers with the set it made, not a second one');

    const bySpec = await run(
      '-q',
      'set',
      'create',
      '--count',
      '1',
      '--scheme',
      'process',
      '--memory',
      '64',
      '--image',
      ACTIVE,
    );
    t.equal(bySpec.code, 0, `set create --image <image id>: ${bySpec.stderr}`);

    for (const args of [
      ['set', 'populate', REVOKED, '--count', '1'],
      ['set', 'create', '--count', '1', '--scheme', 'process', '--memory', '64', '--image', REVOKED],
    ]) {
      const r = await run(...args);
      t.equal(r.code, 1);
      t.equal(r.stdout, '');
      t.match(r.stderr, /FAILED_PRECONDITION: (image_id|set\.spec\.image): the image is revoked/, r.stderr.trim());
    }
    t.equal((await run('tenant', 'create', 'acme')).code, 0);
    const acme = (
      await run('-q', 'token', 'create', '--api', '--role', 'tenant-admin', '--tenant', 'acme')
    ).stdout.trim();
    const other = await run('--token', acme, 'set', 'populate', ACTIVE, '--count', '1');
    t.equal(other.code, 1);
    t.match(other.stderr, /NOT_FOUND: image/, "another tenant's image is not found");
  },
);
