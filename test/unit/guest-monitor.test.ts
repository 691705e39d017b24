import t from 'tap';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { serveShell } from '../helpers/guest-sh.js';
import { join } from 'node:path';
import { GuestChannel } from '../../agent/drivers/qemu/guest-channel.js';
import { appActionGuest, execGuest, parseMon, pct, sampleGuest } from '../../agent/drivers/qemu/monitor.js';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';

// The guest agent's monitor commands (scripts/guest/agent.sh) on the host:
// busybox sh serves a unix socket with the agent's own `handle` and watcher,
// the driver's real GuestChannel and parsers talk to it. The real guest is
// test/integration/qemu-monitor.test.ts.

const AGENT = join(process.cwd(), 'scripts/guest/agent.sh');
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** A stand-in appliance: "httpd" (a copy of sleep, so its comm is httpd) tracked in a pid file. */
const FAKE_APP = `#!/bin/sh
case $1 in
start) "$FAKE_BIN/httpd" 1000 </dev/null >/dev/null 2>&1 3>&- & echo $! >"$NEPHELE_APP_PIDFILE"; echo running ;;
stop) read -r p <"$NEPHELE_APP_PIDFILE" && kill "$p"; rm -f "$NEPHELE_APP_PIDFILE"; echo stopped ;;
status) [ -e "$NEPHELE_APP_PIDFILE" ] && echo running || echo stopped ;;
esac
`;

function serve(dir: string): { server: Server; children: ChildProcess[]; sock: string } {
  const sock = join(dir, 'ga.sock');
  // Its own PID namespace: /proc shows the "guest's" processes only, as in a guest.
  const { server, children } = serveShell(
    sock,
    [
      'unshare',
      '--pid',
      '--fork',
      '--mount-proc',
      '--kill-child',
      'busybox',
      'sh',
      '-c',
      `. ${AGENT}; reply "ready b1"; watch_app & while IFS= read -r l; do handle "$l"; done; kill $!`,
    ],
    {
      PATH: `${join(dir, 'bin')}:/usr/sbin:/usr/bin:/sbin:/bin`,
      NEPHELE_AGENT_LIB: '1',
      NEPHELE_RUN: dir,
      NEPHELE_DATA: join(dir, 'data'),
      NEPHELE_LIB: join(dir, 'lib'),
      NEPHELE_APP_PIDFILE: join(dir, 'app.pid'),
      FAKE_BIN: join(dir, 'bin'),
    },
  );
  return { server, children, sock };
}

t.test('parseMon: decoding, caps, hostile input', async (t) => {
  const big = Array.from({ length: 300 }, (_, i) => `p=${i + 1},5,${'a'.repeat(64)},sh,x`).join(' ');
  const s = parseMon(
    `app=running ver=2%2E0 lic=L%201,10,3,1700000000 users=a%2Cb net=5,7 cf=title,${'b'.repeat(64)} ` +
      `cf=../x,${'c'.repeat(64)} p=0,1,-,bad,x p=9,1,nothex,ht%20tpd,a%20b%0Ac ${big}`,
  );
  t.equal(s.app, 'running');
  t.equal(s.applianceVersion, '2.0');
  t.same(s.licence, { licenceId: 'L 1', seats: 10, seatsInUse: 3, expiresUnixMs: 1_700_000_000_000 });
  t.same(s.users, ['a', 'b']);
  t.same(s.io, { diskReadBytes: 0, diskWriteBytes: 0, netRxBytes: 5, netTxBytes: 7 });
  t.equal(s.configHash, sha(`title ${'b'.repeat(64)}\n`), 'only well-formed config lines count');
  t.equal(s.processes.length, 256, 'capped');
  t.same(s.processes[0], { pid: 9, exeSha256: '', name: 'ht tpd', cmdline: 'a b\nc' }, 'pid 0 dropped, bad hash empty');
  t.equal(pct('%zz%41'), '%zzA');
});

t.test('guest agent monitor commands over a real GuestChannel', async (t) => {
  const dir = tmpDir();
  for (const d of ['bin', 'lib', 'data/config']) mkdirSync(join(dir, d), { recursive: true });
  copyFileSync('/bin/sleep', join(dir, 'bin/httpd'));
  writeFileSync(join(dir, 'lib/appliance.sh'), FAKE_APP);
  chmodSync(join(dir, 'lib/appliance.sh'), 0o755);
  const cfg = { appliance_version: '1.0', licence_id: 'L-7', licence_seats: '5', users: 'alice' };
  for (const [k, v] of Object.entries(cfg)) writeFileSync(join(dir, 'data/config', k), `${v}\n`);
  const { server, children, sock } = serve(dir);
  const ga = await GuestChannel.connect(sock, { timeoutMs: 5000 });
  t.teardown(() => {
    ga.close();
    server.close();
    for (const c of children) c.kill('SIGKILL');
  });
  await ga.waitReady(5000).catch(() => undefined);
  const events: string[] = [];
  ga.onEvent((k, d) => events.push(`${k} ${d}`));

  t.match(await appActionGuest(ga, { kind: 'restart_app' }), /^app running$/);
  const pid = Number(readFileSync(join(dir, 'app.pid'), 'utf8')); // the namespace's pid, as /proc there says
  const s = await sampleGuest(ga);
  t.equal(s.app, 'running');
  t.equal(s.applianceVersion, '1.0');
  t.same(s.licence, { licenceId: 'L-7', seats: 5, seatsInUse: 0, expiresUnixMs: 0 });
  t.same(s.users, ['alice']);
  const files = Object.keys(cfg).sort();
  const lines = files.map((k) => `${k} ${sha(`${cfg[k as keyof typeof cfg]}\n`)}\n`);
  t.equal(s.configHash, sha(lines.sort().join('')), 'config hash over the config files');
  const app = s.processes.find((p) => p.pid === pid);
  t.ok(app, 'the app is among the processes');
  t.equal(app!.name, 'httpd');
  t.equal(app!.cmdline, `${join(dir, 'bin/httpd')} 1000`, 'cmdline NULs to spaces');
  t.equal(app!.exeSha256, sha(readFileSync('/bin/sleep')), 'exe sha256');
  t.same(
    (await sampleGuest(ga)).processes.find((p) => p.pid === pid),
    app,
    'the same from the cache',
  );

  // exec: argv words with spaces and quotes survive; exit code and output head
  t.same(await execGuest(ga, ['sh', '-c', 'echo "$0 x"; exit 4', 'a b'], 5000), { exitCode: 4, output: 'a b x\n' });
  await t.rejects(execGuest(ga, ['sleep', '5'], 1000), /timeout/, 'killed at its timeout');
  await t.rejects(execGuest(ga, [], 1000), { code: 'INVALID_SPEC' });

  // kill: refused for init and a wrong hash; a rogue started from inside by exec
  await t.rejects(appActionGuest(ga, { kind: 'kill_process', pid: 1 }), /refused/);
  t.equal((await execGuest(ga, ['sh', '-c', 'httpd 999 >/dev/null 2>&1 &'], 5000)).exitCode, 0);
  const rogue = (await sampleGuest(ga)).processes.find((p) => p.cmdline.endsWith('httpd 999'));
  t.ok(rogue, 'the rogue is polled');
  await t.rejects(appActionGuest(ga, { kind: 'kill_process', pid: rogue!.pid, exeSha256: 'f'.repeat(64) }), /differs/);
  t.equal(
    await appActionGuest(ga, { kind: 'kill_process', pid: rogue!.pid, exeSha256: rogue!.exeSha256 }),
    `killed pid ${rogue!.pid}`,
  );
  await waitFor(async () => !(await sampleGuest(ga)).processes.some((p) => p.pid === rogue!.pid), {
    timeoutMs: 5000,
    message: 'rogue gone',
  });

  // update: version recorded, app restarted, no fault event for asked-for stops
  t.equal(await appActionGuest(ga, { kind: 'update_app', version: '2.1' }), 'app running at 2.1');
  t.equal((await sampleGuest(ga)).applianceVersion, '2.1');
  // the app dies on its own: the watcher pushes a fault
  // (from inside, by exec: pids are the namespace's)
  const pid2 = readFileSync(join(dir, 'app.pid'), 'utf8').trim();
  t.equal((await execGuest(ga, ['kill', '-9', pid2], 5000)).exitCode, 0);
  await waitFor(() => events.length > 0, { timeoutMs: 5000, message: 'fault event' });
  t.same(events, ['fault app-exited'], 'a fault, and nothing for the stops the host asked for');
  t.equal((await sampleGuest(ga)).app, 'stopped');
});
