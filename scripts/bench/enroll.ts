import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { EnrollResponse__Output } from '../../common/gen/nephele/v1/EnrollResponse.js';
import { v1 } from '../../common/grpc/load.js';
import { unary } from '../../common/grpc/promisify.js';
import { createCsr } from '../../common/tls/pki.js';
import { removeDir, tempDir } from './children.js';
import { createJoinToken, startController } from './controller.js';
import { pool } from './pool.js';
import { MachineWindow, ProcWindow } from './proc.js';
import { fig, type Figures } from './results.js';

// Enrolment throughput: N concurrent Enroll RPCs against a real controller
// process over TLS, each with its own join token (created before the clock
// starts) and its own pre-generated CSR, as N agents joining at once would
// send. Beside it, in the same run, the floor: plain crypto.sign (ECDSA P-256,
// SHA-256) of a buffer the size of the certificate body the controller signs.

const env = (name: string, dflt: number) => {
  const v = process.env[name];
  const n = v === undefined || v === '' ? dflt : Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
  return n;
};
const log = (msg: string) => process.stdout.write(`[enroll] ${msg}\n`);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

const CONCURRENCY = 64;
const CHANNELS = 8;
/** Bytes of an agent certificate's TBSCertificate as the controller builds it. */
const TBS_BYTES = 393;

/** Signatures per second of plain crypto.sign over `seconds`. */
function bareSignPerS(seconds: number): number {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const body = randomBytes(TBS_BYTES);
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < seconds * 1000) {
    for (let i = 0; i < 50; i++) sign('sha256', body, privateKey);
    n += 50;
  }
  return n / ((performance.now() - t0) / 1000);
}

export async function runEnroll(): Promise<Figures> {
  const n = Math.floor(env('BENCH_ENROLL_N', 5000));
  const dir = tempDir('enroll');
  const ctlDir = join(dir, 'controller');
  // Creating the tokens is not what is measured: lift the per-token API limit.
  const ctl = await startController(ctlDir, ['--rate-limit', '1000000']);
  const clients: InstanceType<ReturnType<typeof v1>['AgentService']>[] = [];
  try {
    const admin = ctl.admin();
    let t0 = performance.now();
    const tokens = await pool(range(n), 64, () => createJoinToken(admin, 'bench'));
    admin.close();
    const csrs = await pool(range(n), 8, () => createCsr('nephele-agent'));
    log(`${n} join tokens and CSRs ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const ca = readFileSync(join(ctlDir, 'ca.pem'));
    // Several connections, as several agents would use (each its own).
    for (let i = 0; i < CHANNELS; i++) clients.push(new (v1().AgentService)(ctl.address, grpc.credentials.createSsl(ca), { 'grpc.use_local_subchannel_pool': 1 }));
    await Promise.all(clients.map((c) => new Promise<void>((res, rej) => c.waitForReady(Date.now() + 10_000, (e) => (e ? rej(e) : res())))));

    const server = new ProcWindow(ctl.pid, 500);
    const machine = new MachineWindow([ctl.pid, process.pid]);
    t0 = performance.now();
    const ids = await pool(range(n), CONCURRENCY, async (i) => {
      const req = { joinToken: tokens[i]!, csrPem: csrs[i]!.csrPem, hostname: `enroll-${i}`, kind: 'HOST_KIND_DEDICATED' as const, agentVersion: 'bench' };
      const res = await unary<EnrollResponse__Output>((cb) => clients[i % CHANNELS]!.Enroll(req, new grpc.Metadata(), { deadline: Date.now() + 120_000 }, cb));
      return res.hostId;
    });
    const seconds = (performance.now() - t0) / 1000;
    const use = server.stop();
    const busy = machine.stop();
    if (new Set(ids).size !== n) throw new Error('enrolments returned duplicate host ids');
    const perS = n / seconds;
    const bare = bareSignPerS(2);
    log(
      `${n} Enroll calls (${CONCURRENCY} at a time) in ${seconds.toFixed(2)} s: ${Math.round(perS)}/s; controller ${use.cpuPct.toFixed(0)}% CPU, ` +
        `${(use.cpuUs / n).toFixed(0)} µs CPU per enrolment; plain crypto.sign ${Math.round(bare)}/s` +
        (busy.otherCores > 0.25 ? `; WARNING: ${busy.otherCores.toFixed(2)} cores busy outside the benchmark` : ''),
    );
    return {
      'enroll.per_s': fig(perS, 'enrolments/s', 1),
      'enroll.bare_sign_per_s': fig(bare, 'signatures/s', 0),
      'enroll.cpu_us_per_enroll': fig(use.cpuUs / n, 'µs', 0),
    };
  } finally {
    for (const c of clients) c.close();
    await ctl.stop();
    removeDir(dir);
  }
}
