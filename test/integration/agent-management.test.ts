// A real agent process (process scheme) against a small in-process AgentService:
// the base of a linked clone is fetched once by sha256 (FetchImage), verified and
// kept in <data-dir>/image-cache; a base whose bytes do not match is refused (the VM
// fails, nothing is cached); AgentCommands are answered by CommandResults on the
// session (the appliance probe, idempotent by command id, the generation and VM
// checked; a capture is uploaded with PutImage when the driver can capture);
// --image-cache-size is checked.
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { v1 } from '../../common/grpc/load.js';
import { ulid } from '../../common/ids.js';
import { DISK_CHUNK_BYTES } from '../../common/disk-stream.js';
import type { AgentMessage__Output as AgentMessage } from '../../common/gen/nephele/v1/AgentMessage.js';
import type { AgentCommand } from '../../common/gen/nephele/v1/AgentCommand.js';
import type { CommandResult__Output as CommandResult } from '../../common/gen/nephele/v1/CommandResult.js';
import type { DesiredVm } from '../../common/gen/nephele/v1/DesiredVm.js';
import type { DiskChunk__Output as DiskChunk } from '../../common/gen/nephele/v1/DiskChunk.js';
import { ProcessDriver } from '../../agent/drivers/process/driver.js';
import { startAgent, AGENT } from '../helpers/procs.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { welcomingSession } from '../helpers/fake-controller.js';
import { spawnSync } from 'node:child_process';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A stand-in controller: one session, images served by sha256, uploads recorded. */
async function testController(t: Test, images: Map<string, Buffer>) {
  const got: AgentMessage[] = [];
  const fetches: string[] = [];
  const uploads: { transferId: string; data: Buffer; sha256: string }[] = [];
  let call: grpc.ServerDuplexStream<unknown, unknown> | undefined;
  const server = new grpc.Server();
  const refuse = (_c: unknown, cb: grpc.sendUnaryData<never>) => cb({ code: grpc.status.UNIMPLEMENTED });
  server.addService(v1().AgentService.service, {
    Enroll: refuse,
    PutDisk: refuse,
    GetDisk: (c: grpc.ServerWritableStream<unknown, unknown>) => c.destroy(new Error('unimplemented')),
    PutConsole: refuse,
    Session: welcomingSession(got, (c) => (call = c)),
    FetchImage: (c: grpc.ServerWritableStream<{ sha256: string }, DiskChunk>) => {
      fetches.push(c.request.sha256);
      const data = images.get(c.request.sha256);
      if (!data) return c.destroy(Object.assign(new Error('no such image'), { code: grpc.status.NOT_FOUND }));
      // The announced sha256 is the one asked for: a corrupted blob is caught by the agent.
      for (let off = 0; off < data.length || off === 0; off += DISK_CHUNK_BYTES) {
        const last = off + DISK_CHUNK_BYTES >= data.length;
        c.write({
          transferId: '',
          data: data.subarray(off, off + DISK_CHUNK_BYTES),
          offset: off,
          last,
          sha256: last ? c.request.sha256 : '',
        });
        if (last) break;
      }
      c.end();
    },
    PutImage: (c: grpc.ServerReadableStream<DiskChunk, unknown>, cb: grpc.sendUnaryData<unknown>) => {
      const parts: Buffer[] = [];
      let transferId = '';
      c.on('data', (ch: DiskChunk) => {
        transferId ||= ch.transferId;
        parts.push(Buffer.from(ch.data));
      });
      c.on('end', () => {
        const data = Buffer.concat(parts);
        uploads.push({ transferId, data, sha256: sha(data) });
        cb(null, { sizeBytes: data.length, sha256: sha(data) });
      });
    },
  });
  const port = await new Promise<number>((res, rej) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
  );
  t.teardown(() => server.forceShutdown());
  const results = () => got.filter((m) => m.commandResult).map((m) => m.commandResult! as CommandResult);
  return {
    address: `127.0.0.1:${port}`,
    got,
    fetches,
    uploads,
    results,
    send: (msg: object) => call!.write(msg),
    /** Sends a command and waits for the answer with its id (the n-th one when repeated). */
    async command(c: AgentCommand, nth = 1): Promise<CommandResult> {
      call!.write({ command: c });
      return waitFor(() => results().filter((r) => r.commandId === c.commandId)[nth - 1], {
        message: `answer to ${c.commandId}`,
      });
    },
    status: (vmId: string) =>
      got
        .filter((m) => m.vmStatus?.vmId === vmId)
        .map((m) => m.vmStatus!)
        .at(-1),
  };
}

/** A process appliance image: a plain ustar of an appliance dir (config and a data file), as a capture makes. */
function applianceTar(): Buffer {
  const src = tmpDir();
  writeFileSync(join(src, 'config.json'), JSON.stringify({ title: 'Base' }));
  mkdirSync(join(src, 'data'));
  writeFileSync(join(src, 'data', 'blob.bin'), Buffer.alloc(600 * 1024, 7));
  const out = join(tmpDir(), 'base.tar');
  const r = spawnSync('tar', ['--format=ustar', '-cf', out, '-C', src, 'config.json', 'data'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tar: ${r.stderr}`);
  return readFileSync(out);
}

function desiredVm(
  vmId: string,
  title: string,
  base: Buffer,
  claimedSha = sha(base),
  sizeBytes = base.length,
): DesiredVm {
  return {
    vmId,
    name: `vm-${title}`,
    desired: 'DESIRED_VM_STATE_RUNNING',
    generation: 1,
    spec: {
      scheme: 'process',
      vcpus: 1,
      memoryMib: 32,
      diskGib: 1,
      image: '',
      appliancePort: 8080,
      config: { title },
      baseImage: {
        imageId: ulid(),
        sha256: claimedSha,
        sizeBytes,
        format: 'IMAGE_FORMAT_TAR',
        bootImage: '',
      },
    },
  };
}

t.test('base fetched once and verified; commands answered on the session', async (t) => {
  const base = applianceTar(); // several chunks
  const evil = Buffer.alloc(1000, 1);
  const evilSha = sha(Buffer.alloc(1000, 2)); // what it claims to be
  const images = new Map([
    [sha(base), base],
    [evilSha, evil],
  ]);
  const ctl = await testController(t, images);
  const dir = tmpDir();
  writeFileSync(
    join(dir, 'host.json'),
    JSON.stringify({ hostId: ulid(), controller: ctl.address, enrolledAt: new Date().toISOString() }),
  );
  const agent = startAgent(ctl.address, dir, { args: ['--insecure', '--image-cache-size', '64M'] });
  t.teardown(() => agent.kill());
  await waitFor(() => ctl.got.some((m) => m.hello), { message: 'hello', timeoutMs: 30_000 });

  const vm1 = ulid();
  const vm2 = ulid();
  const bad = ulid();
  const long = ulid(); // a base longer than its image record says
  const longBase = Buffer.alloc(5000, 3);
  images.set(sha(longBase), longBase);
  // vm1 and vm2 are clones of the same base: it is fetched once.
  ctl.send({
    desiredState: {
      vms: [
        desiredVm(vm1, 'Clone One', base),
        desiredVm(vm2, 'Clone Two', base),
        desiredVm(bad, 'Bad', evil, evilSha),
        desiredVm(long, 'Long', longBase, sha(longBase), 100),
      ],
    },
  });
  const up = (id: string) => ctl.status(id)?.state === 'VM_STATE_RUNNING' && ctl.status(id)!.guestReady;
  await waitFor(() => up(vm1) && up(vm2), { message: 'clones running', timeoutMs: 30_000 });
  t.same(
    ctl.fetches.filter((s) => s === sha(base)),
    [sha(base)],
    'the base was fetched once for both clones',
  );
  const cached = join(dir, 'image-cache', sha(base));
  t.ok(readFileSync(cached).equals(base), 'kept by sha256 in the image cache');

  await waitFor(() => ctl.status(bad)?.state === 'VM_STATE_FAILED', { message: 'bad base refused' });
  t.match(ctl.status(bad)!.reason, /create failed: base image: sha256/, 'the mismatch is the reason');
  t.notOk(existsSync(join(dir, 'image-cache', evilSha)), 'a mismatching base is not cached');
  await waitFor(() => ctl.status(long)?.state === 'VM_STATE_FAILED', { message: 'long base refused' });
  t.match(ctl.status(long)!.reason, /create failed: base image: data disk too large/, 'more than announced is refused');
  t.notOk(existsSync(join(dir, 'image-cache', sha(longBase))), 'and not cached');
  t.notOk(
    readdirSync(join(dir, 'image-cache')).some((n) => n.endsWith('.part')),
    'no partial download left',
  );

  // The health gate: the agent GETs the clone's appliance on its host port.
  const probe = {
    commandId: 'probe-1',
    vmId: vm2,
    generation: 1,
    probe: { path: '/', expect: 'Clone Two', timeoutMs: 3000 },
  };
  const r1 = await ctl.command(probe);
  t.match(r1, { commandId: 'probe-1', ok: true, httpStatus: 200, detail: /Clone Two/ });
  const r2 = await ctl.command(probe, 2);
  t.same(r2, r1, 'a repeated command id gets the first answer');
  t.match(
    await ctl.command({
      commandId: 'probe-2',
      vmId: vm1,
      generation: 1,
      probe: { path: '/', expect: 'Clone Two', timeoutMs: 3000 },
    }),
    { ok: false, httpStatus: 200, error: /expected text/ },
  );
  t.match(await ctl.command({ ...probe, commandId: 'probe-3', generation: 7 }), {
    ok: false,
    error: /generation 7 does not match/,
  });
  t.match(await ctl.command({ ...probe, commandId: 'probe-4', vmId: ulid() }), {
    ok: false,
    error: /does not run the vm/,
  });

  // The process driver's management methods are built beside this (item `proc`): with them the whole
  // management cycle runs through this agent; without them every management command is refused.
  const probeDriver = new ProcessDriver({ stateDir: tmpDir() });
  const canManage = probeDriver.capabilities().management;
  await probeDriver.close();
  const cmd = (id: string, op: object): AgentCommand => ({ commandId: id, vmId: vm1, generation: 1, ...op });
  if (canManage) {
    const token = 'Zm9vYmFyYmF6cXV4MTIzNDU2';
    t.match(await ctl.command(cmd('tok-1', { tokenPut: { token } })), { ok: true });
    t.match(await ctl.command(cmd('tok-2', { tokenCheck: {} })), { ok: true, tokenSha256: sha(Buffer.from(token)) });
    // Hidden: level-triggered from desired state; the appliance is out of reach on its port.
    const vms = [desiredVm(vm1, 'Clone One', base), desiredVm(vm2, 'Clone Two', base)];
    ctl.send({ desiredState: { vms: [{ ...vms[0], hidden: true }, vms[1]] } });
    let n = 0;
    const probeVm1 = async (expect: string) =>
      ctl.command(cmd(`pr-${++n}`, { probe: { path: '/', expect, timeoutMs: 1000 } }));
    await waitFor(async () => !(await probeVm1('')).ok, { message: 'hidden: the appliance is not reachable' });
    t.match(
      await ctl.command(
        cmd('conf-1', { configure: { config: { title: 'Configured' }, files: [], applianceVersion: '2' } }),
      ),
      { ok: true },
    );
    const capture = await ctl.command(cmd('cap-1', { capture: { transferId: 'tr-cap-1' } }));
    t.match(capture, { ok: true, format: 'IMAGE_FORMAT_TAR', detail: /0 occurrences of the token/ });
    const upload = ctl.uploads.find((u) => u.transferId === 'tr-cap-1');
    t.ok(upload, 'uploaded with PutImage');
    t.equal(capture.sha256, upload!.sha256, 'the answer names what was uploaded');
    t.equal(Number(capture.sizeBytes), upload!.data.length);
    t.notOk(upload!.data.includes(token), 'the token is nowhere in the captured image');
    t.ok(upload!.data.includes('Configured'), 'the configured title is');
    t.match(await ctl.command(cmd('tok-3', { tokenRemove: {} })), { ok: true });
    t.match(await ctl.command(cmd('tok-4', { tokenCheck: {} })), { ok: true, tokenSha256: '' });
    ctl.send({ desiredState: { vms } });
    await waitFor(async () => (await probeVm1('Configured')).ok, { message: 'shown again, serving the new title' });
    t.notOk(agent.output().includes(token), 'the token appears in no log line of the agent');
  } else {
    const capture = await ctl.command(cmd('cap-1', { capture: { transferId: 'tr-cap-1' } }));
    t.match(capture, { ok: false, error: /no management instances/ });
    t.match(await ctl.command(cmd('tok-1', { tokenCheck: {} })), { ok: false, error: /no management instances/ });
    t.same(ctl.uploads, [], 'nothing uploaded');
  }
  t.notOk(existsSync(join(dir, 'captures', 'tr-cap-1.capture')), 'no capture left in the data dir');
  const errors = agent
    .output()
    .split('\n')
    .filter((l) => l.includes('"level":50') && !l.includes(bad) && !l.includes(long));
  t.same(errors, [], 'no error logged but the bad bases');
});

t.test('--image-cache-size is checked', async (t) => {
  const dir = tmpDir();
  writeFileSync(join(dir, 'host.json'), JSON.stringify({ hostId: ulid(), controller: '127.0.0.1:1', enrolledAt: '' }));
  const r = spawnSync(process.execPath, [AGENT, '--data-dir', dir, '--insecure', '--image-cache-size', 'lots'], {
    encoding: 'utf8',
    env: { ...process.env, NEPHELE_LOG_JSON: '1' },
  });
  t.equal(r.status, 1);
  t.match(r.stderr, /--image-cache-size: invalid size "lots"/);
  t.equal(r.stdout, '');
  const env = spawnSync(process.execPath, [AGENT, '--data-dir', dir, '--insecure'], {
    encoding: 'utf8',
    env: { ...process.env, NEPHELE_IMAGE_CACHE_SIZE: '10K' },
  });
  t.equal(env.status, 1);
  t.match(env.stderr, /--image-cache-size: must be at least 1M/);
});
