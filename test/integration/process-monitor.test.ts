import t from 'tap';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProcessDriver } from '../../agent/drivers/process/driver.js';
import type { GuestEvent } from '../../agent/drivers/driver.js';
import { processSpec } from '../helpers/vms.js';
import { ulid as newId } from '../../common/ids.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

// The process driver's side of the appliance monitor (issue 14), for real: a
// poll of the appliance's process tree and config, commands in a fresh sandbox
// of the VM, stop/restart/update of the app with the VM kept, and the app's
// unexpected death pushed as a guest `fault` event besides the VM's exit.

const spec = (id: string) =>
  processSpec(id, {
    config: {
      title: 'mon',
      appliance_version: '1.0',
      licence_id: 'L-1',
      licence_seats: '10',
      licence_seats_in_use: '3',
      licence_expires: '2030-01-01T00:00:00Z',
      users: 'alice,bob',
    },
  });

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

t.test('process driver monitor: sample, exec, app actions, fault push', async (t) => {
  const state = tmpDir();
  const driver = new ProcessDriver({ stateDir: join(state, 'vms') });
  t.teardown(async () => {
    for (const id of readdirSync(join(state, 'vms')).filter((n) => /^[0-9A-Z]{26}$/.test(n)))
      await driver.destroy(id).catch(() => {});
    await driver.close();
  });
  const events: [string, GuestEvent][] = [];
  const exits: string[] = [];
  driver.onGuestEvent((id, e) => events.push([id, e]));
  driver.onExit((id) => exits.push(id));
  const ready = (id: string) =>
    waitFor(async () => ((await driver.inspect(id)).guestReady ? driver.inspect(id) : undefined), {
      timeoutMs: 20_000,
      message: `vm ${id} ready`,
    });

  const id = newId();
  await driver.create(spec(id));
  const st = await ready(id);

  // ---- a poll ----
  const s = await driver.monitorSample(id);
  t.equal(s.app, 'running');
  t.equal(s.applianceVersion, '1.0', 'version from the config');
  t.equal(s.configHash, sha(readFileSync(join(state, 'vms', id, 'config.json'))), 'config hash');
  t.same(s.users, ['alice', 'bob']);
  t.same(s.licence, { licenceId: 'L-1', seats: 10, seatsInUse: 3, expiresUnixMs: Date.parse('2030-01-01T00:00:00Z') });
  const root = s.processes.find((p) => p.pid === st.pid);
  t.ok(root, 'the app process is in the tree');
  t.equal(root!.exeSha256, sha(readFileSync(`/proc/${st.pid}/exe`)), 'exe sha256 of the app binary');
  t.ok(root!.cmdline.length > 0 && !root!.cmdline.includes('\0'), 'cmdline one line');
  t.ok(root!.name.length > 0, 'comm');

  // ---- kill_process guards ----
  await t.rejects(driver.appAction(id, { kind: 'kill_process', pid: st.pid }), { code: 'INVALID_SPEC' }, 'not the app');
  await t.rejects(driver.appAction(id, { kind: 'kill_process', pid: process.pid }), { code: 'NOT_FOUND' }, 'not ours');

  // ---- exec in a fresh sandbox (fails closed where the host cannot isolate) ----
  const isolation = (await driver.fingerprint()).attributes.isolation;
  if (isolation === 'full') {
    t.same(await driver.guestExec(id, ['sh', '-c', 'echo hi; exit 3'], 10_000), { exitCode: 3, output: 'hi\n' });
    const who = await driver.guestExec(id, ['sh', '-c', 'id -u; cat /proc/net/dev | wc -l'], 10_000);
    const [uid, netLines] = who.output.trim().split('\n');
    t.not(uid, '0', 'not root');
    t.equal(netLines, '3', 'own network namespace: only lo');
    t.equal((await driver.guestExec(id, ['true'], 10_000)).exitCode, 0);
    await t.rejects(driver.guestExec(id, ['sleep', '30'], 500), /timed out/, 'a timeout kills it');
    await t.rejects(driver.guestExec(id, [], 500), { code: 'INVALID_SPEC' });
  } else {
    await t.rejects(driver.guestExec(id, ['true'], 5000), { code: 'UNSUPPORTED' }, 'refused without a sandbox');
  }

  // ---- stop_app keeps the VM ----
  t.equal(await driver.appAction(id, { kind: 'stop_app' }), 'app stopped');
  t.equal((await driver.monitorSample(id)).app, 'stopped');
  t.equal((await driver.inspect(id)).phase, 'running', 'the VM stays');
  // ---- restart_app / update_app ----
  t.equal(await driver.appAction(id, { kind: 'restart_app' }), 'app restarted');
  await ready(id);
  t.equal((await driver.monitorSample(id)).app, 'running');
  t.equal(await driver.appAction(id, { kind: 'update_app', version: '2.0' }), 'app updated to 2.0');
  const st2 = await ready(id);
  t.equal((await driver.monitorSample(id)).applianceVersion, '2.0', 'updated version polled');
  t.same(events, [], 'no fault for actions the driver was told to do');
  t.same(exits, [], 'no exit either');

  // ---- the app dies on its own: a fault push ----
  process.kill(st2.pid, 'SIGKILL');
  await waitFor(() => events.length > 0, { timeoutMs: 5000, message: 'fault event' });
  t.same(events, [[id, { kind: 'fault', detail: 'app-exited' }]]);
  await waitFor(() => exits.length > 0, { timeoutMs: 5000, message: 'exit' });
  t.equal((await driver.monitorSample(id)).app, 'stopped');
});
