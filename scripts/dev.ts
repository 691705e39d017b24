// `npm run dev`: a controller (data in ./.nephele) and one local agent enrolled
// with a join token made here, then the CLI commands to try. Ctrl-C stops both,
// and the agent stops its VMs first (--stop-vms-on-exit): dev mode leaves
// nothing running. The VMs are kept on disk and start again with the next
// `npm run dev`, since the controller still wants them running.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AdminClient } from '../controller/cli/client.js';
import type { CreateTokenResponse__Output } from '../common/gen/nephele/v1/CreateTokenResponse.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dataDir = resolve(process.env.NEPHELE_DEV_DIR ?? join(root, '.nephele'));
const agentDir = join(dataDir, 'agent');
const listen = process.env.NEPHELE_DEV_LISTEN ?? '127.0.0.1:7443';
const cli = join(root, 'dist/controller/cli/main.js');
const children: ChildProcess[] = [];

function run(args: string[], name: string): ChildProcess {
  const p = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env } });
  p.on('exit', (code, sig) => {
    if (!stopping) {
      console.error(`[dev] ${name} exited (${sig ?? code}); stopping`);
      void stop(1);
    }
  });
  children.push(p);
  return p;
}

/** How long the agent may take to stop its VMs (each gets a graceful stop, then a kill) before it is killed. */
const STOP_GRACE_MS = 60_000;

let stopping = false;
async function stop(code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.error('[dev] stopping: the agent stops its VMs, then the controller exits');
  const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  const kill = setTimeout(() => {
    console.error('[dev] still running after 60s: killed (VMs may be left: their processes name ${agentDir})');
    for (const c of running) c.kill('SIGKILL');
  }, STOP_GRACE_MS);
  for (const c of running) c.kill('SIGTERM');
  await Promise.all(
    running.map(
      (c) => new Promise((r) => (c.exitCode === null && c.signalCode === null ? c.once('exit', r) : r(null))),
    ),
  );
  clearTimeout(kill);
  process.exit(code);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

async function waitReady(admin: AdminClient): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await admin.call((md, o, cb) => admin.hosts.ListGroups({ pageSize: 1 }, md, o, cb));
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function main(): Promise<void> {
  run(
    [cli, '--data-dir', dataDir, 'controller', '--listen', listen, '--min-heartbeat', '2s', '--down-after', '1m'],
    'controller',
  );
  const deadline = Date.now() + 30_000;
  while (!existsSync(join(dataDir, 'admin.token')) || !existsSync(join(dataDir, 'ca.pem'))) {
    if (Date.now() > deadline) throw new Error('controller did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const admin = new AdminClient({ controller: listen, dataDir });
  await waitReady(admin);
  // The guest image for qemu VMs (cached after the first build; process VMs work without it,
  // and an agent limited to other schemes by NEPHELE_SCHEMES needs none).
  if (!process.env.NEPHELE_SCHEMES || process.env.NEPHELE_SCHEMES.includes('qemu')) {
    const img = spawnSync('bash', [join(root, 'scripts/make-guest-image.sh')], { stdio: 'inherit' });
    if (img.status !== 0) console.error('[dev] guest image not built: qemu VMs unavailable, process VMs still work');
  }
  // The dev agent lends 8 guest vCPUs whatever the machine has, so a walk-through set of
  // a few 1-vCPU VMs fits on a laptop (process VMs are light; guarantees are per vCPU).
  const agentArgs = [
    join(root, 'dist/agent/main.js'),
    '--controller',
    listen,
    '--data-dir',
    agentDir,
    '--name',
    'dev-agent',
    '--reserve-memory',
    '512M',
    '--guest-vcpus',
    '8',
    '--image-dir',
    join(root, '.cache/guest'),
    // Dev mode leaves nothing running once stopped.
    '--stop-vms-on-exit',
    // A walk-through sees usage records within seconds (production default: 60s).
    '--usage-interval',
    '10s',
  ];
  if (!existsSync(join(agentDir, 'host.json'))) {
    const tok = await admin.call<CreateTokenResponse__Output>((md, o, cb) =>
      admin.auth.CreateToken({ kind: 'TOKEN_KIND_JOIN', ttlSeconds: 600, description: 'npm run dev' }, md, o, cb),
    );
    agentArgs.push('--join-token', tok.secret);
  }
  admin.close();
  run(agentArgs, 'agent');
  const alias = `alias nephele="node ${cli} --data-dir ${dataDir} --controller ${listen}"`;
  console.log(`
──────────────────────────────────────────────────────────────────────────
 Nephele dev: controller on ${listen} (data ${dataDir}), one local agent.
 In another terminal:

   ${alias}
   nephele host ls
   nephele host show <ID>
   nephele group create web && nephele host groups set <ID> web
   nephele vm create --host <ID> --scheme process --memory 64 --config title=Hi --wait
   nephele vm create --host <ID> --scheme qemu --memory 128 --wait
   nephele set create --name web --count 3 --scheme process --memory 64 --dry-run
   nephele set create --name web --count 3 --scheme process --memory 64 --wait
   nephele set ls && nephele set plan <SET> && nephele set scale <SET> 5 && nephele set delete <SET>
   nephele token create --join --ttl 1h
   nephele events tail --follow

 grpcurl -cacert ${join(dataDir, 'ca.pem')} -H "authorization: Bearer $(cat ${join(dataDir, 'admin.token')})" ${listen} list
 Ctrl-C stops both; the agent stops its VMs first (they start again with the next npm run dev).
──────────────────────────────────────────────────────────────────────────
`);
}

main().catch((e) => {
  console.error(`[dev] ${(e as Error).message}`);
  void stop(1);
});
