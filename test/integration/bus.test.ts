// The messaging bus (issue 16 item 6) with process VMs on two REAL agents and a
// real controller: VMs on different hosts exchange ordered messages through
// their local sockets; tenants are isolated (API and VM); API Subscribe resumes
// from the ring, a paused subscriber is ended (ABORTED + resume seq) and a host
// that falls behind gets its VMs' deliveries dropped and reported; bad topics
// and oversize payloads are INVALID_ARGUMENT; the CLI's exit codes and output.
import t from 'tap';
import * as grpc from '@grpc/grpc-js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, hostIdOf, hostsReady, joinToken, startAgent, startController, unary } from '../helpers/procs.js';
import { processesWith, vmApi } from '../helpers/vms.js';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AdminClient } from '../../controller/cli/client.js';
import { b64, BusClient } from '../helpers/bus-socket.js';
import type { BusMessage__Output as BusMessage } from '../../common/gen/nephele/v1/BusMessage.js';
import type { Event__Output as Event } from '../../common/gen/nephele/v1/Event.js';
import type { Topic__Output as Topic } from '../../common/gen/nephele/v1/Topic.js';
import { resumeSeqOf } from '../../common/grpc/status.js';

const LIMITS = { subscriberBuffer: 16, ringSize: 64, hostQueue: 200 };

t.test('bus between process VMs on two real agents', async (t) => {
  const ctl = await startController(tmpDir(), { env: { NEPHELE_TEST_BUS_LIMITS: JSON.stringify(LIMITS) } });
  const dirs = [tmpDir(), tmpDir()];
  const agents: ReturnType<typeof startAgent>[] = [];
  for (const [i, d] of dirs.entries())
    agents.push(startAgent(ctl.address, d, { joinToken: await joinToken(ctl), name: `bus-${i}` }));
  t.teardown(async () => {
    for (const a of agents) await a.kill();
    await ctl.kill();
  });
  await hostsReady(ctl, 2);
  const [h1, h2] = dirs.map(hostIdOf) as [string, string];
  const a = ctl.admin();
  t.teardown(() => a.close());
  for (const name of ['acme', 'other']) await a.call((md, o, cb) => a.auth.CreateTenant({ name }, md, o, cb as never));
  const token = async (tenant: string) =>
    (
      await a.call<{ secret: string }>((md, o, cb) =>
        a.auth.CreateToken({ kind: 'TOKEN_KIND_API', role: 'tenant-admin', tenant }, md, o, cb as never),
      )
    ).secret;
  const [acmeTok, otherTok] = [await token('acme'), await token('other')];
  const client = (tk: string) => {
    const c = new AdminClient({ controller: ctl.address, dataDir: ctl.dataDir, token: tk });
    t.teardown(() => c.close());
    return c;
  };
  const acme = client(acmeTok);

  const api = vmApi(ctl);
  t.teardown(() => api.close());
  const spec = { scheme: 'process', vcpus: 1, memoryMib: 128, diskGib: 1, image: 'nephele-guest', appliancePort: 80 };
  const vmA = (await api.create(h1, spec, { tenant: 'acme' })).id;
  const vmB = (await api.create(h2, spec, { tenant: 'acme' })).id;
  const vmO = (await api.create(h2, spec, { tenant: 'other' })).id;
  for (const id of [vmA, vmB, vmO]) await api.waitState(id, 'VM_STATE_RUNNING');
  const sockA = await waitFor(() => BusClient.connect(BusClient.path(dirs[0]!, vmA)).catch(() => undefined));
  const sockB = await waitFor(() => BusClient.connect(BusClient.path(dirs[1]!, vmB)).catch(() => undefined));
  const sockO = await waitFor(() => BusClient.connect(BusClient.path(dirs[1]!, vmO)).catch(() => undefined));
  t.teardown(() => [sockA, sockB, sockO].forEach((s) => s.close()));

  const topics = async (c: AdminClient, tenant = '') =>
    (
      await c.call<{ topics: Topic[] }>((md, o, cb) =>
        c.schemes.ListTopics({ tenant, pageSize: 100 }, md, o, cb as never),
      )
    ).topics;

  t.test('VMs on different hosts, both ways, in order', async (t) => {
    t.equal(await sockA.send('sub a2b.back'), 'ok');
    t.equal(await sockB.send('sub a2b'), 'ok');
    t.equal(await sockO.send('sub a2b'), 'ok', "the other tenant's VM subscribes to a topic of the same name");
    await waitFor(async () => (await topics(acme)).find((x) => x.name === 'a2b')?.vmIds.includes(vmB), {
      message: 'the subscription reached the controller',
    });
    sockA.burst(Array.from({ length: 50 }, (_, i) => `pub a2b ${b64(`m${i}`)}`));
    sockB.burst(Array.from({ length: 50 }, (_, i) => `pub a2b.back ${b64(`r${i}`)}`));
    await waitFor(() => sockB.got.length >= 50 && sockA.got.length >= 50, {
      message: 'both got 50',
      timeoutMs: 5000,
    }).catch((e) => {
      t.comment(
        `A got ${sockA.got.length}, B got ${sockB.got.length}; answered ${sockA.answered()} ${sockB.answered()}`,
      );
      throw e;
    });
    t.same(
      sockB.got.map((m) => m.payload),
      Array.from({ length: 50 }, (_, i) => `m${i}`),
      'B got A’s messages in order',
    );
    t.same(
      sockB.got.map((m) => m.seq),
      Array.from({ length: 50 }, (_, i) => i + 1),
      'seqs 1..50, no gaps',
    );
    t.same(new Set(sockB.got.map((m) => `${m.fromVmId}/${m.fromScheme}`)), new Set([`${vmA}/process`]));
    t.same(
      sockA.got.map((m) => m.payload),
      Array.from({ length: 50 }, (_, i) => `r${i}`),
      'A got B’s messages in order',
    );
    t.equal(sockO.got.length, 0, "nothing crosses to the other tenant's VM");
    const ev = await a.call<{ events: Event[] }>((md, o, cb) =>
      a.events.ListEvents({ pageSize: 1000, filter: { typePrefix: 'bus_vm_subscriptions' } }, md, o, cb as never),
    );
    t.ok(
      ev.events.some((e) => e.attributes.vm_id === vmB && e.attributes.topics === 'a2b' && e.tenant === 'acme'),
      'VM subscriptions are audited',
    );
  });

  t.test('tenant isolation through the API and the CLI', async (t) => {
    const base = ['--controller', ctl.address, '--data-dir', ctl.dataDir];
    const other = await cli([...base, '--token', otherTok, 'bus', 'sub', 'a2b', '--tenant', 'acme', '--count', '1']);
    t.equal(other.code, 1, 'another tenant cannot subscribe on acme');
    t.match(other.stderr, /PERMISSION_DENIED/);
    t.equal(other.stdout, '');
    const admin = await cli([...base, 'bus', 'pub', 'a2b', 'x']);
    t.equal(admin.code, 1);
    t.match(admin.stderr, /INVALID_ARGUMENT: tenant: is required/, 'an admin names the tenant');
    const o = client(otherTok);
    const own = await topics(o);
    t.ok(
      own.every((x) => x.tenant === 'other'),
      'the other tenant lists only its own topics',
    );
    t.notOk(
      own.some((x) => x.vmIds.includes(vmB)),
      "never acme's VMs",
    );
    // Published by the other tenant's VM: its own seq 1, never seen by acme's subscribers.
    const before = sockB.got.length;
    t.equal(await sockO.send(`pub a2b ${b64('other-1')}`), 'ok');
    const pub = await cli([...base, '--token', acmeTok, '--json', 'bus', 'pub', 'a2b', 'acme-51']);
    t.equal(pub.code, 0, pub.stderr);
    t.same(JSON.parse(pub.stdout), { topic: 'a2b', seq: 51 });
    await waitFor(() => sockB.got.length > before);
    t.same(
      sockB.got.slice(before).map((m) => m.payload),
      ['acme-51'],
      'acme got only its own',
    );
    t.same(
      sockO.got.map((m) => `${m.seq}:${m.payload}`),
      ['1:other-1'],
      "the other tenant's VM got its own topic's message (seq 1 of its own), none of acme's",
    );
  });

  t.test('bad topics and oversize payloads', async (t) => {
    const call = (req: object) =>
      unary((cb) => acme.schemes.Publish(req, acme.metadata(), cb as never)).catch((e: grpc.ServiceError) => e);
    for (const topic of ['', 'Bad', '../etc', 'a b', 'x'.repeat(64)]) {
      const e = (await call({ topic, payload: Buffer.from('x') })) as grpc.ServiceError;
      t.equal(e.code, grpc.status.INVALID_ARGUMENT, `topic ${JSON.stringify(topic)}`);
      t.match(e.details, /^topic:/);
    }
    const big = (await call({ topic: 'ok', payload: Buffer.alloc(64 * 1024 + 1) })) as grpc.ServiceError;
    t.equal(big.code, grpc.status.INVALID_ARGUMENT);
    t.match(big.details, /^payload: is over 65536 bytes/);
    t.match(await sockA.send('pub Bad eA=='), /^err bad topic/, 'the VM socket checks topics too');
    t.match(await sockA.send(`pub ok ${Buffer.alloc(64 * 1024 + 1).toString('base64')}`), /^err payload over/);
    t.match(await sockA.send('pub ok not_base64!'), /^err payload must be base64/);
  });

  t.test('API subscribers: resume from the ring, a paused one is ended with its resume seq', async (t) => {
    // After seq 45: replayed 46..51 from the ring (seqs of a2b so far: 1..51).
    const replay = await cli([
      ...['--controller', ctl.address, '--data-dir', ctl.dataDir, '--token', acmeTok, '--json'],
      ...['bus', 'sub', 'a2b', '--after', '45', '--count', '6'],
    ]);
    t.equal(replay.code, 0, replay.stderr);
    const got = replay.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number; payload: string });
    t.same(
      got.map((m) => m.seq),
      [46, 47, 48, 49, 50, 51],
    );
    t.equal(got.at(-1)!.payload, 'acme-51');
    const plain = await cli([
      ...['--controller', ctl.address, '--data-dir', ctl.dataDir, '--token', acmeTok],
      ...['bus', 'sub', 'a2b', '--after', '49', '--count', '2'],
    ]);
    t.same([plain.code, plain.stdout, plain.stderr], [0, 'm49\nacme-51\n', ''], 'plain: a payload per line');
    // A paused subscriber: the controller stops at its buffer and ends it (never unbounded memory).
    const call = acme.schemes.Subscribe({ topic: 'flood', afterSeq: 0 }, acme.metadata());
    const seen: number[] = [];
    call.on('data', (m: BusMessage) => seen.push(Number(m.seq)));
    const ended = new Promise<grpc.ServiceError>((r) => call.on('error', r));
    await waitFor(async () => (await topics(acme)).find((x) => x.name === 'flood')?.subscribers === 1);
    call.pause();
    const chunk = b64('y'.repeat(30_000));
    let sent = 0;
    // The controller ends it once its queue is full: it is gone from the topic's subscribers.
    await waitFor(
      async () => {
        if (sent < 3000) {
          sockA.burst(Array.from({ length: 50 }, () => `pub flood ${chunk}`));
          sent += 50;
        }
        return (await topics(acme)).find((x) => x.name === 'flood')?.subscribers === 0;
      },
      { timeoutMs: 30_000, message: 'the paused subscriber was ended' },
    );
    // grpc-js hands over the status only after the messages buffered before it.
    call.resume();
    const e = await ended;
    t.ok(seen.length < sent, `ended behind: it got ${seen.length} of ${sent}`);
    t.equal(e.code, grpc.status.ABORTED);
    t.match(e.details, /fell behind.*resume with after_seq=\d+/);
    const resume = resumeSeqOf(e)!;
    // Messages still in the server's write buffer when it ended are not sent: resume after the lower.
    t.ok(
      resume >= (seen.at(-1) ?? 0) && resume < sent,
      `resume seq ${resume} in the trailer (last received ${seen.at(-1)})`,
    );
    const gone = await cli([
      ...['--controller', ctl.address, '--data-dir', ctl.dataDir, '--token', acmeTok],
      ...['bus', 'sub', 'flood', '--after', '1', '--count', '1'],
    ]);
    t.equal(gone.code, 1, 'a seq the ring no longer holds is an error, not a gap');
    t.match(gone.stderr, /FAILED_PRECONDITION: messages after seq 1 are no longer kept/);
  });

  t.test('the sandboxed appliance reaches its own socket only', async (t) => {
    // Inside vmB's sandbox (its mount namespace, its uid): its socket answers; vmO's (same host) is not there.
    const pid = processesWith(vmB)[0];
    t.ok(pid, 'the appliance process');
    const uid = readFileSync(join(dirs[1]!, 'vms', vmB, 'uid'), 'utf8').trim();
    const probe = `const net = require('node:net'); const fs = require('node:fs');
      const c = net.createConnection(process.argv[1], () => c.write('sub inside\\n'));
      c.on('data', (d) => { console.log('answer ' + String(d).trim()); console.log('other ' + fs.existsSync(process.argv[2])); process.exit(0); });
      c.on('error', (e) => { console.log('error ' + e.code); process.exit(1); });`;
    const r = spawnSync(
      'nsenter',
      [
        '-t',
        String(pid),
        '-m',
        '-r', // its chroot
        '-S',
        uid,
        '-G',
        uid,
        '--',
        // Not tap's hooks (it adds them to every child's NODE_OPTIONS): they write where the VM's uid may not.
        'env',
        '-u',
        'NODE_OPTIONS',
        process.execPath,
        '-e',
        probe,
        BusClient.path(dirs[1]!, vmB),
        BusClient.path(dirs[1]!, vmO),
      ],
      { encoding: 'utf8', timeout: 20_000 },
    );
    t.equal(r.stdout, 'answer ok\nother false\n', `${r.stdout} ${r.stderr}`);
  });

  t.test('a host that falls behind: deliveries to its VMs dropped, counted, reported', async (t) => {
    t.equal(await sockB.send('sub slow'), 'ok');
    await waitFor(async () => (await topics(acme)).find((x) => x.name === 'slow')?.vmIds.includes(vmB));
    process.kill(agents[1]!.proc.pid!, 'SIGSTOP'); // its session stops reading
    try {
      const chunk = b64('z'.repeat(30_000));
      await waitFor(
        async () => {
          sockA.burst(Array.from({ length: 50 }, () => `pub slow ${chunk}`));
          const ev = await a.call<{ events: Event[] }>((md, o, cb) =>
            a.events.ListEvents({ pageSize: 10, filter: { typePrefix: 'bus_deliveries_dropped' } }, md, o, cb as never),
          );
          return ev.events.find((e) => e.hostId === h2 && Number(e.attributes.dropped) > 0);
        },
        { timeoutMs: 20_000, message: 'drops reported' },
      );
    } finally {
      process.kill(agents[1]!.proc.pid!, 'SIGCONT');
    }
    t.pass('the stopped host got a drop event, the controller stayed bounded');
  });
});
