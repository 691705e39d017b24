import { fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { v1 } from '../../common/grpc/load.js';
import { CLIENT_CHANNEL_OPTIONS } from '../../common/grpc/options.js';
import type { ControllerMessage__Output } from '../../common/gen/nephele/v1/ControllerMessage.js';
import { BusClient } from '../../test/helpers/bus-socket.js';
import { removeDir, stopChild, tempDir, track } from './children.js';
import { createJoinToken, DIST, profileArgs, startController, waitHostReady } from './controller.js';
import { fig, type Figures } from './results.js';

// The messaging bus between two process VMs on two real agents (issue 16):
// VM A publishes BENCH_BUS_MSGS messages of BENCH_BUS_BYTES bytes on its local
// socket, VM B (on the other agent) is subscribed; at most BENCH_BUS_WINDOW are
// in flight (sent, not yet received by B), so the figure is what the path
// carries without drops: socket → agent A → session → controller (checks,
// ordering, group-committed seq) → session → agent B → socket.
// bus.msgs_per_s: messages received by B per second; bus.p99_ms: send → receipt.
// Beside it, in the same run, the raw baseline: bus.bare_grpc_msgs_per_s, the same
// windowed messages over two bare grpc-js streams through one relay process
// (bus-bare-server.ts: publish in, deliver out, nothing else), and its p99.
// The controller's per-VM publish rate (2,000/s by default) is lifted for the
// run (NEPHELE_TEST_BUS_LIMITS), so the path's capacity is what is measured.

const log = (msg: string) => process.stdout.write(`[bus] ${msg}\n`);
const num = (name: string, def: number) => {
  const v = Number(process.env[name] ?? def);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive whole number`);
  return v;
};

interface Run {
  perS: number;
  p99Ms: number;
}

/** Sends n windowed messages with `send(i)`; `received` is called by the receiver with each i. */
async function windowed(n: number, window: number, send: (i: number) => void, onReceive: (fn: (i: number) => void) => void): Promise<Run> {
  const sentAt = new Float64Array(n);
  const lat: number[] = [];
  let next = 0;
  let got = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const pump = () => {
      while (next < n && next - got < window) {
        sentAt[next] = performance.now();
        send(next++);
      }
    };
    onReceive((i) => {
      lat.push(performance.now() - sentAt[i]!);
      if (++got === n) resolve();
      else pump();
    });
    pump();
  });
  const s = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return { perS: n / s, p99Ms: lat[Math.floor(lat.length * 0.99)]! };
}

const payloadOf = (i: number, bytes: number) => {
  const b = Buffer.alloc(bytes, 'x');
  b.writeUInt32BE(i, 0);
  return b;
};

export async function runBus(): Promise<Figures> {
  const n = num('BENCH_BUS_MSGS', 20_000);
  const bytes = Math.max(4, num('BENCH_BUS_BYTES', 256));
  const window = num('BENCH_BUS_WINDOW', 128);
  const dir = tempDir('bus');
  const ctl2 = await withEnv({ NEPHELE_TEST_BUS_LIMITS: JSON.stringify({ perVm: { perSec: 1e6, burst: 1e6 } }) }, () =>
    startController(join(dir, 'controller')),
  );
  const admin = ctl2.admin();
  const agents: ReturnType<typeof spawn>[] = [];
  try {
    const adirs = [join(dir, 'a1'), join(dir, 'a2')];
    for (const [i, adir] of adirs.entries())
      agents.push(
        track(
          spawn(process.execPath, [join(DIST, 'agent/main.js'), '--controller', ctl2.address, '--data-dir', adir, '--name', `bench-bus-${i}`, '--join-token', await createJoinToken(admin), '--schemes', 'process', '--log-level', 'warn', '--inventory-interval', '10m', '--stop-vms-on-exit'], { stdio: 'ignore' }),
        ),
      );
    const hosts = [await waitHostReady(admin, 'bench-bus-0'), await waitHostReady(admin, 'bench-bus-1')];
    const spec = { scheme: 'process', vcpus: 1, memoryMib: 128, diskGib: 1, image: 'nephele-guest', appliancePort: 80 };
    const vms: string[] = [];
    for (const h of hosts)
      for (let i = 0; ; i++) {
        // Until the host has reported its capacity, a pinned VM is refused: retry.
        const r = await admin.call<{ vm: { id: string } }>((md, o, cb) => admin.vms.CreateVm({ hostId: h.id, spec }, md, o, cb as never)).catch((e: { code?: number }) => {
          if (e.code !== grpc.status.FAILED_PRECONDITION || i > 300) throw e;
          return undefined;
        });
        if (r) {
          vms.push(r.vm.id);
          break;
        }
        await new Promise((res) => setTimeout(res, 100));
      }
    const connect = async (adir: string, id: string) => {
      for (let i = 0; i < 600; i++) {
        const c = await BusClient.connect(BusClient.path(adir, id)).catch(() => undefined);
        if (c) return c;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`VM ${id}'s bus socket never came up`);
    };
    const a = await connect(adirs[0]!, vms[0]!);
    const b = await connect(adirs[1]!, vms[1]!);
    if ((await b.send('sub bench')) !== 'ok') throw new Error('subscribe refused');
    for (let i = 0; ; i++) {
      const r = await admin.call<{ topics: { vmIds: string[] }[] }>((md, o, cb) => admin.schemes.ListTopics({ tenant: '', pageSize: 10 }, md, o, cb as never));
      if (r.topics.some((t) => t.vmIds.includes(vms[1]!))) break;
      if (i > 300) throw new Error('the subscription never reached the controller');
      await new Promise((r) => setTimeout(r, 100));
    }
    log(`two process VMs on two agents; ${n} messages of ${bytes} bytes, window ${window}`);
    const real = await windowed(
      n,
      window,
      (i) => a.burst([`pub bench ${payloadOf(i, bytes).toString('base64')}`]),
      (fn) => {
        b.onMsgLine = (l) => fn(Buffer.from(l.slice(l.lastIndexOf(' ') + 1), 'base64').readUInt32BE(0));
      },
    );
    a.close();
    b.close();
    log(`bus: ${real.perS.toFixed(0)} msgs/s, p99 ${real.p99Ms.toFixed(2)} ms`);
    const bare = await bareRun(ctl2.dataDir, n, bytes, window);
    log(`bare grpc-js relay: ${bare.perS.toFixed(0)} msgs/s, p99 ${bare.p99Ms.toFixed(2)} ms`);
    return {
      'bus.msgs_per_s': fig(real.perS, 'msgs/s', 0),
      'bus.p99_ms': fig(real.p99Ms, 'ms'),
      'bus.bare_grpc_msgs_per_s': fig(bare.perS, 'msgs/s', 0),
      'bus.bare_grpc_p99_ms': fig(bare.p99Ms, 'ms'),
    };
  } finally {
    admin.close();
    for (const ag of agents) await stopChild(ag);
    await ctl2.stop();
    removeDir(dir);
  }
}

async function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const old = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(old)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

async function bareRun(dataDir: string, n: number, bytes: number, window: number): Promise<Run> {
  const proc = track(fork(join(DIST, 'scripts/bench/bus-bare-server.js'), [dataDir], { execArgv: profileArgs(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('bus bare server not ready after 15 s')), 15_000);
      proc.once('message', (m: { port: number }) => (clearTimeout(timer), resolve(m.port)));
      proc.once('exit', (code) => reject(new Error(`bus bare server exited (${code})`)));
    });
    const ca = readFileSync(join(dataDir, 'ca.pem'));
    const client = () => new (v1().AgentService)(`127.0.0.1:${port}`, grpc.credentials.createSsl(ca), CLIENT_CHANNEL_OPTIONS);
    const [ca1, ca2] = [client(), client()];
    const up = ca1.Session();
    const down = ca2.Session();
    up.on('error', () => {});
    down.on('error', () => {});
    down.write({ heartbeat: { beat: 1 } }); // opens the stream on the server
    await new Promise((r) => setTimeout(r, 500));
    const r = await windowed(
      n,
      window,
      (i) => up.write({ busPublish: { vmId: 'a', topic: 'bench', payload: payloadOf(i, bytes), localSeq: i + 1 } }),
      (fn) => down.on('data', (m: ControllerMessage__Output) => m.busDeliver && fn(Buffer.from(m.busDeliver.payload).readUInt32BE(0))),
    );
    up.end();
    down.end();
    ca1.close();
    ca2.close();
    return r;
  } finally {
    await stopChild(proc);
  }
}
