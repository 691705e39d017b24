// The qemu driver's management methods against real QEMU, two guests: a
// management instance (created hidden, token put, shown/hidden via HMP
// hostfwd, configured, captured with the token proved gone, crash-left pause
// continued by a restarted agent, token removed) and a linked clone of the
// captured image (overlay on the content-addressed base, serving the
// configured title, holding no token). The token never reaches a log line.
import t from 'tap';
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { DriverError, type VmHandle, type VmSpec } from '../../agent/drivers/driver.js';
import { QemuDriver } from '../../agent/drivers/qemu/driver.js';
import { QmpClient } from '../../agent/drivers/qemu/qmp.js';
import { countOccurrences, dataRanges } from '../../agent/drivers/qemu/capture.js';
import { ulid } from '../../common/ids.js';
import { ROOT } from '../helpers/procs.js';
import { buildGuestImage, qemuOrSkip } from '../helpers/qemu.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

qemuOrSkip('the qemu management test');
t.setTimeout(600_000);
if (!buildGuestImage(t)) process.exit(1);

const imageRoot = join(ROOT, '.cache/guest');
const stateDir = tmpDir('nephele-qm-');
const work = tmpDir('nephele-qm-out-');
const logLines: string[] = [];
const log = pino(
  { level: 'debug' },
  new Writable({
    write(chunk: Buffer, _enc, cb) {
      logLines.push(chunk.toString());
      cb();
    },
  }),
);
const opts = { stateDir, imageRoot, accel: 'tcg' as const, log };
const a = new QemuDriver(opts);
/** The driver of the agent restarted after a capture died (recovers the VM). */
const b = new QemuDriver(opts);
t.teardown(() => Promise.all([a, b].map((d) => d.close().catch(() => {}))));

const token = randomBytes(16).toString('hex');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const base: Omit<VmSpec, 'id'> = {
  name: 'm',
  vcpus: 1,
  memoryMiB: 128,
  diskGiB: 1,
  image: 'nephele-guest',
  appliancePort: 8080,
  config: { title: 'Managed v1' },
};
const httpGet = async (port: number) =>
  (await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3_000) })).text();
const usernet = (d: QemuDriver, id: string) =>
  d.qmpCommand<string>(id, 'human-monitor-command', { 'command-line': 'info usernet' });
const ready = (d: QemuDriver, id: string) =>
  waitFor(async () => (await d.inspect(id)).guestReady, { timeoutMs: 120_000, message: `${id} guest ready` });

const idA = ulid();
const idB = ulid();
let handleA!: VmHandle;
const out = join(work, 'captured.qcow2');
const fileContent = Buffer.from('extra file '.repeat(1200)); // > one 4.5 KiB chunk

await t.test('created hidden: no port forward; the token goes in over the guest channel', async (t) => {
  t.same(a.capabilities().management, true, 'Capabilities.management');
  handleA = await a.create({ ...base, id: idA, hidden: true });
  t.equal(handleA.hostPort, 0, 'no host port while hidden');
  await ready(a, idA);
  t.notMatch(await usernet(a, idA), /HOST_FORWARD/, 'no hostfwd rule in slirp');
  await t.rejects(a.tokenPut(idA, 'short'), { code: 'INVALID_SPEC' }, 'a malformed token is refused');
  t.equal(await a.tokenHash(idA), '', 'no token yet');
  await a.tokenPut(idA, token);
  t.equal(await a.tokenHash(idA), sha(token), 'tokenHash = sha256 of the token');
  t.equal(await a.guestRequest(idA, 'token-get'), token, 'the guest holds it');
});

await t.test('setHidden: hostfwd_add / hostfwd_remove while running', async (t) => {
  await a.setHidden(idA, false);
  const port = (await a.inspect(idA)).hostPort;
  t.ok(port > 0, `forwarded on ${port}`);
  t.match(await usernet(a, idA), new RegExp(`HOST_FORWARD.*${port}`), 'rule present');
  t.match(await httpGet(port), /Managed v1/, 'appliance reachable');
  await a.setHidden(idA, false);
  t.equal((await a.inspect(idA)).hostPort, port, 'level-triggered: unhiding again changes nothing');
  await a.setHidden(idA, true);
  t.equal((await a.inspect(idA)).hostPort, 0, 'hidden again');
  t.notMatch(await usernet(a, idA), /HOST_FORWARD/, 'rule removed');
  await t.rejects(httpGet(port), TypeError, 'the old port answers no more');
});

await t.test('configure: keys, a file on the data disk, the appliance version; bad input refused', async (t) => {
  await t.rejects(
    a.configure(idA, {
      config: {},
      files: [{ path: '../etc/x', content: Buffer.from('x'), mode: 0o644 }],
      applianceVersion: '',
    }),
    new DriverError('invalid management change: files path "../etc/x"', 'INVALID_SPEC'),
  );
  await t.rejects(
    a.configure(idA, {
      config: {},
      files: [{ path: 'token', content: Buffer.from('x'), mode: 0o600 }],
      applianceVersion: '',
    }),
    { code: 'INVALID_SPEC', message: /files path "token"/ },
  );
  await a.configure(idA, {
    config: { title: 'Configured v2' },
    files: [{ path: 'www/extra.txt', content: fileContent, mode: 0o644 }],
    applianceVersion: '2.0',
  });
  t.equal(await a.guestRequest(idA, 'config-get title'), 'Configured v2');
  t.equal(await a.guestRequest(idA, 'config-get appliance_version'), '2.0');
  await a.setHidden(idA, false);
  const port = (await a.inspect(idA)).hostPort;
  t.match(await httpGet(port), /Configured v2/, 'the restarted appliance serves the new title');
  const extra = await (await fetch(`http://127.0.0.1:${port}/extra.txt`)).text();
  t.equal(extra, fileContent.toString(), 'the uploaded file, byte for byte');
  await a.setHidden(idA, true);
});

let captured!: { sha256: string; sizeBytes: number; proof: string };
await t.test('capture: standalone qcow2, token removed and proved gone, VM continues', async (t) => {
  const t0 = Date.now();
  captured = await a.capture(idA, out);
  const line = logLines.find((l) => l.includes('"msg":"captured"'));
  const pausedMs = (JSON.parse(line ?? '{}') as { paused_ms?: number }).paused_ms;
  t.comment(`capture took ${Date.now() - t0} ms, the VM paused ${pausedMs} ms: ${captured.proof}`);
  t.ok(typeof pausedMs === 'number', 'the capture is logged with its pause');
  t.match(captured.proof, /\/token removed .*stat \/token fails; e2fsck -fn clean; 0 occurrences/);
  t.equal(captured.sha256, sha256File(out), 'sha256 of the written file');
  const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', out], { encoding: 'utf8' })) as Record<
    string,
    unknown
  >;
  t.equal(info.format, 'qcow2');
  t.notOk(info['backing-filename'], 'standalone: no backing file');
  // Our own check of the copy, as the image store would: no /token, no token bytes, the config kept.
  const raw = join(work, 'check.raw');
  execFileSync('qemu-img', ['convert', '-f', 'qcow2', '-O', 'raw', out, raw]);
  const stat = execFileSync('sh', ['-c', `debugfs -R 'stat /token' ${raw} 2>&1`], { encoding: 'utf8' });
  t.match(stat, /not found/, 'debugfs: /token not found');
  // (Holes of the sparse 1 GiB copy read as zeros: qemu-img map's data ranges are what can hold bytes.)
  const ranges = await dataRanges('qemu-img', raw);
  t.equal(await countOccurrences(raw, Buffer.from(token), ranges), 0, "the token's bytes nowhere in the image");
  const title = execFileSync('debugfs', ['-R', 'cat /config/title', raw], { encoding: 'utf8', stdio: 'pipe' });
  t.equal(title.trim(), 'Configured v2', 'the configured title is in the image');
  const st = await a.inspect(idA);
  t.equal(st.phase, 'running', 'the instance runs on');
  t.equal(await a.tokenHash(idA), sha(token), 'and still holds its token');
  t.notOk(existsSync(join(stateDir, idA, 'capture-paused')), 'no pause marker left');
});

await t.test('kill -9 of the agent mid-capture: no image, the VM paused, a restarted agent continues it', async (t) => {
  // The "agent": a process with its own driver whose qemu-img stalls in the flatten (VM paused by then).
  const mark = join(work, 'flatten-started');
  const qemuImg = join(work, 'qemu-img-stalls');
  writeFileSync(
    qemuImg,
    `#!/bin/sh\ncase " $* " in *" -U "*) : >"${mark}"; exec sleep 120 ;; esac\nexec qemu-img "$@"\n`,
    { mode: 0o755 },
  );
  const crashOut = join(work, 'crashed.qcow2');
  await a.close(); // QEMU serves one QMP client: the agent's driver takes over
  const script = `
    const { QemuDriver } = await import(${JSON.stringify(join(ROOT, 'dist/agent/drivers/qemu/driver.js'))});
    const d = new QemuDriver({ ...JSON.parse(process.env.OPTS), qemuImg: process.env.QEMU_IMG });
    if (!(await d.recover(JSON.parse(process.env.HANDLE)))) process.exit(3);
    await d.capture(process.env.VM_ID, process.env.OUT);
    process.exit(4);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      OPTS: JSON.stringify({ stateDir, imageRoot, accel: 'tcg' }),
      QEMU_IMG: qemuImg,
      HANDLE: JSON.stringify(handleA),
      VM_ID: idA,
      OUT: crashOut,
    },
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise((r) => child.once('exit', r));
  await waitFor(() => existsSync(mark) || child.exitCode !== null, { timeoutMs: 60_000, message: 'flatten started' });
  t.ok(existsSync(mark), `the capture reached the flatten (${stderr.trim().slice(-300)})`);
  t.ok(existsSync(join(stateDir, idA, 'capture-paused')), 'the marker is there');
  process.kill(-child.pid!, 'SIGKILL');
  await exited;
  t.notOk(existsSync(crashOut), 'no image written');
  const qmp = await QmpClient.connect(join(stateDir, idA, 'qmp.sock'), { timeoutMs: 5_000 });
  t.equal(
    (await qmp.execute<{ status: string }>('query-status')).status,
    'paused',
    'the agent died with the VM paused',
  );
  qmp.close();
  t.ok(await b.recover(handleA), 'a restarted agent recovers the VM');
  const st = await b.qmpCommand<{ running: boolean }>(idA, 'query-status');
  t.equal(st.running, true, 'continued');
  t.equal((await b.inspect(idA)).phase, 'running');
  t.notOk(existsSync(join(stateDir, idA, 'capture-paused')), 'marker removed');
  await waitFor(async () => (await b.inspect(idA)).guestReady, { message: 'guest answers again' });
  t.equal(await b.tokenHash(idA), sha(token), 'the instance is usable, its token kept');
  await b.tokenRemove(idA);
  t.equal(await b.tokenHash(idA), '', 'tokenRemove: gone (checked with token-get)');
});

await t.test('a linked clone of the captured image serves its config and holds no token', async (t) => {
  const clone: VmSpec = {
    ...base,
    id: idB,
    image: 'img-1',
    config: {},
    base: { imageId: 'img-1', sha256: captured.sha256, format: 'qcow2', bootImage: 'nephele-guest', path: out },
  };
  await t.rejects(
    b.create({ ...clone, id: ulid(), base: { ...clone.base!, sha256: '0'.repeat(64) } }),
    { code: 'INVALID_SPEC', message: /does not match its sha256/ },
    'a base whose bytes do not match is refused',
  );
  const h = await b.create(clone);
  await ready(b, idB);
  t.match(await httpGet(h.hostPort), /Configured v2/, 'the clone serves the configured title');
  t.equal(await b.tokenHash(idB), '', 'no token in the clone');
  const info = JSON.parse(
    execFileSync('qemu-img', ['info', '-U', '--output=json', join(stateDir, idB, 'overlay.qcow2')], {
      encoding: 'utf8',
    }),
  ) as Record<string, string>;
  t.equal(info['backing-filename'], join(stateDir, '.bases', `${captured.sha256}.qcow2`), 'backed by the base');
  for (const id of [idA, idB])
    for (const f of ['serial.log', 'qemu.log'])
      t.notOk(readFileSync(join(stateDir, id, f), 'utf8').includes(token), `no token in ${f}`);
  await b.destroy(idB);
  await b.destroy(idA);
  t.same(
    readdirSync(stateDir).filter((f) => !f.startsWith('.') && f !== 'accel.json'),
    [],
    'VM dirs gone',
  );
});

t.test('the token never reached a log line', async (t) => {
  t.ok(logLines.length > 5, `${logLines.length} log lines`);
  t.equal(logLines.filter((l) => l.includes(token)).length, 0);
});

function sha256File(p: string): string {
  return createHash('sha256').update(readFileSync(p)).digest('hex');
}
