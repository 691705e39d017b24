import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { enrolAll, SessionFleet } from '../../test/helpers/session-fleet.js';
import { removeDir, tempDir } from './children.js';
import { createJoinToken, startController } from './controller.js';
import { pool } from './pool.js';
import { fig, type Figures } from './results.js';

// A controller restart under a connected fleet: N real AgentSessions (the
// agent's own reconnect and backoff code, in this process) hold sessions to a
// real controller process; the controller is stopped and started again on the
// same data dir and port; we time until every agent is welcomed again and
// find the busiest second of new sessions the controller accepted.

const env = (name: string, dflt: number) => {
  const v = process.env[name];
  const n = v === undefined || v === '' ? dflt : Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
  return n;
};
const log = (msg: string) => process.stdout.write(`[reconnect] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Most events within any `windowMs` (times sorted ascending). */
export function peakIn(times: number[], windowMs: number): number {
  let peak = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j]! - times[i]! >= windowMs) i++;
    peak = Math.max(peak, j - i + 1);
  }
  return peak;
}

export async function runReconnect(): Promise<Figures> {
  const n = Math.floor(env('BENCH_RECONNECT_AGENTS', 1000));
  const timeoutS = env('BENCH_RECONNECT_TIMEOUT_SECONDS', 180);
  const dir = tempDir('reconnect');
  const ctlDir = join(dir, 'controller');
  // Token creation is not what is measured: lift the per-token API limit.
  const args = ['--rate-limit', '1000000'];
  let ctl = await startController(ctlDir, args);
  const port = Number(ctl.address.split(':').pop());
  let fleet: SessionFleet | undefined;
  try {
    const admin = ctl.admin();
    const tokens = await pool(Array.from({ length: n }, (_, i) => i), 50, () => createJoinToken(admin, 'bench'));
    admin.close();
    const ca = readFileSync(join(ctlDir, 'ca.pem'));
    let t0 = performance.now();
    const ids = await enrolAll(ctl.address, ca, tokens, { concurrency: 32 });
    log(`${n} agents enrolled in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    fleet = new SessionFleet(ctl.address, ca, ids);
    t0 = performance.now();
    await fleet.start();
    log(`${n} sessions open in ${((performance.now() - t0) / 1000).toFixed(1)} s; restarting the controller`);
    await sleep(2000);

    const stopAt = performance.now();
    await ctl.stop();
    ctl = await startController(ctlDir, args, 30_000, port);
    const readyAt = performance.now();
    log(`controller back in ${((readyAt - stopAt) / 1000).toFixed(1)} s`);
    const deadline = readyAt + timeoutS * 1000;
    while (fleet.welcomedSince(stopAt) < n && performance.now() < deadline) await sleep(100);
    const back = fleet.welcomedSince(stopAt);
    if (back < n) throw new Error(`only ${back} of ${n} agents back after ${timeoutS} s`);

    const times = fleet.agents.map((a) => a.welcomes.at(-1)!).sort((a, b) => a - b);
    const refused = fleet.agents.flatMap((a) => a.losses).filter((l) => l.at > stopAt && /too many new sessions/.test(l.detail ?? '')).length;
    // Each agent logs the loss of its session once for the restart, then once per failed attempt.
    const attempts = fleet.agents.reduce((s, a) => s + a.losses.filter((l) => l.at > stopAt).length, 0) - n;
    const allReadyS = (times.at(-1)! - readyAt) / 1000;
    const peak = peakIn(times, 1000);
    const first = (times[0]! - readyAt) / 1000;
    const p50 = (times[Math.floor(times.length / 2)]! - readyAt) / 1000;
    log(
      `all ${n} back ${allReadyS.toFixed(1)} s after the controller was ready (first ${first.toFixed(2)} s, half ${p50.toFixed(2)} s); ` +
        `peak ${peak} new sessions in one second; ${attempts} failed attempts; ${refused} refused for rate`,
    );
    return {
      'reconnect.agents': fig(n, 'agents', 0),
      'reconnect.restart_s': fig((readyAt - stopAt) / 1000, 's'),
      'reconnect.all_ready_s': fig(allReadyS, 's'),
      'reconnect.half_ready_s': fig(p50, 's'),
      'reconnect.peak_sessions_per_s': fig(peak, 'sessions/s', 0),
      'reconnect.failed_attempts': fig(attempts, 'attempts', 0),
      'reconnect.refused_for_rate': fig(refused, 'sessions', 0),
    };
  } finally {
    fleet?.stop();
    await ctl.stop();
    removeDir(dir);
  }
}
