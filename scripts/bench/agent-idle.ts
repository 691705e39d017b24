import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { removeDir, stopChild, tempDir, track } from './children.js';
import { createJoinToken, DIST, startController, waitHostReady } from './controller.js';
import { MB, ProcWindow, type Usage } from './proc.js';
import { fig, type Figures } from './results.js';

// Idle footprint of an enrolled agent (heartbeating at the controller's default
// interval, nothing else to do), next to Debian's prometheus-node-exporter
// scraped at the same interval: the agent we ship against the agent people
// already run on every host.

const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';
const log = (msg: string) => process.stdout.write(`[agent] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

function loud(msg: string): void {
  const bar = '!'.repeat(78);
  process.stderr.write(`\n${bar}\n!! WARNING: ${msg}\n${bar}\n\n`);
}

/** Makes sure Debian's node exporter is installed (we run as root in the bench container). */
function ensureNodeExporter(): boolean {
  if (existsSync(NODE_EXPORTER)) return true;
  log(`${NODE_EXPORTER} missing; installing prometheus-node-exporter with apt-get`);
  const apt = (...args: string[]) =>
    spawnSync('apt-get', args, { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 300_000 });
  const install = () => apt('install', '-y', '--no-install-recommends', 'prometheus-node-exporter');
  let r = install();
  if (r.status !== 0) {
    apt('update');
    r = install();
  }
  if (r.status !== 0 || !existsSync(NODE_EXPORTER)) {
    loud(`could not install prometheus-node-exporter; node_exporter.* figures are omitted\n${(r.stderr || r.error?.message || '').trim().split('\n').slice(-5).join('\n')}`);
    return false;
  }
  return true;
}

async function startNodeExporter(dir: string): Promise<{ proc: ChildProcess; url: string } | undefined> {
  if (!ensureNodeExporter()) return undefined;
  const port = await freePort();
  const logFile = join(dir, 'node-exporter.log');
  const fd = openSync(logFile, 'a');
  const proc = track(spawn(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', fd, fd] }));
  closeSync(fd);
  const url = `http://127.0.0.1:${port}/metrics`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`node exporter exited (${proc.exitCode})\n${tail(logFile)}`);
    try {
      if ((await fetch(url)).ok) return { proc, url };
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`node exporter not answering on ${url}\n${tail(logFile)}`);
    await sleep(100);
  }
}

export async function runAgentIdle(): Promise<Figures> {
  const seconds = Number(process.env.BENCH_IDLE_SECONDS || 60);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error('BENCH_IDLE_SECONDS must be a positive number');
  const dir = tempDir('agent');
  const children: ChildProcess[] = [];
  const ctl = await startController(join(dir, 'controller'));
  const admin = ctl.admin();
  try {
    const token = await createJoinToken(admin, 'bench agent');
    const agentLog = join(dir, 'agent.log');
    const fd = openSync(agentLog, 'a');
    const agentArgs = [join(DIST, 'agent/main.js'), '--controller', ctl.address, '--data-dir', join(dir, 'agent'), '--join-token', token, '--name', 'bench-agent'];
    const agent = track(spawn(process.execPath, agentArgs, { stdio: ['ignore', fd, fd] }));
    closeSync(fd);
    children.push(agent);
    const died = new Promise<never>((_, reject) => agent.once('exit', (c) => reject(new Error(`agent exited (${c})\n${tail(agentLog)}`))));
    died.catch(() => {}); // only awaited while waiting for READY
    const host = await Promise.race([waitHostReady(admin, 'bench-agent', 60_000), died]);
    const intervalMs = host.heartbeatIntervalMs || 5000;
    log(`agent ${host.id} READY (heartbeat every ${intervalMs} ms)`);

    const exporter = await startNodeExporter(dir);
    if (exporter) children.push(exporter.proc);
    await sleep(3000); // let start-up work (first inventory, JIT, first GC) settle
    log(`sampling agent${exporter ? ' and node exporter' : ''} for ${seconds} s`);

    const agentWin = new ProcWindow(agent.pid!, 1000);
    const neWin = exporter && new ProcWindow(exporter.proc.pid!, 1000);
    let scrapes = 0;
    const scrape = async () => {
      if (!exporter) return;
      await (await fetch(exporter.url)).text();
      scrapes++;
    };
    // The node exporter is scraped as often as the agent heartbeats.
    void scrape();
    // A missed scrape only thins the samples; the bench reports how many it took.
    const scraper = setInterval(() => void scrape().catch(() => undefined), intervalMs);
    await sleep(seconds * 1000);
    clearInterval(scraper);
    const a: Usage = agentWin.stop();
    const ne = neWin?.stop();
    if (agent.exitCode !== null) throw new Error(`agent exited during the window\n${tail(agentLog)}`);

    // RSS: the mean of 1 s samples over the window (the steady footprint); the peak is printed too.
    log(`agent: ${(a.rssMeanBytes / MB).toFixed(1)} MB mean RSS (peak ${(a.rssPeakBytes / MB).toFixed(1)}), ${a.cpuPct.toFixed(3)}% CPU`);
    if (ne) log(`node exporter: ${(ne.rssMeanBytes / MB).toFixed(1)} MB mean RSS (peak ${(ne.rssPeakBytes / MB).toFixed(1)}), ${ne.cpuPct.toFixed(3)}% CPU, ${scrapes} scrapes`);
    const out: Figures = {
      'agent.idle_rss_mb': fig(a.rssMeanBytes / MB, 'MB', 1),
      'agent.idle_cpu_pct': fig(a.cpuPct, '%', 3),
    };
    if (ne) {
      out['node_exporter.idle_rss_mb'] = fig(ne.rssMeanBytes / MB, 'MB', 1);
      out['node_exporter.idle_cpu_pct'] = fig(ne.cpuPct, '%', 3);
    }
    return out;
  } finally {
    admin.close();
    for (const c of children) await stopChild(c);
    await ctl.stop();
    removeDir(dir);
  }
}
