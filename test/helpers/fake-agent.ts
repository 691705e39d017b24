import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { AgentMessage } from '../../common/gen/nephele/v1/AgentMessage.js';
import type { Hello } from '../../common/gen/nephele/v1/Hello.js';
import type { Inventory } from '../../common/gen/nephele/v1/Inventory.js';
import type { ControllerMessage__Output as ControllerMessage } from '../../common/gen/nephele/v1/ControllerMessage.js';
import type { DesiredVm__Output as DesiredVm } from '../../common/gen/nephele/v1/DesiredVm.js';
import type { Welcome__Output as Welcome } from '../../common/gen/nephele/v1/Welcome.js';
import { v1 } from '../../common/grpc/load.js';
import { unary } from '../../common/grpc/promisify.js';
import { createCsr } from '../../common/tls/pki.js';
import type { ControllerProc } from './procs.js';
import { waitFor } from './wait.js';

const GiB = 2 ** 30;

/** The small inventory a fake agent reports unless told otherwise: 8 vCPUs, 8 GiB, process only. */
export function fakeInventory(name: string): Inventory {
  const guest = { vcpus: 8, memoryBytes: 8 * GiB, diskBytes: 100 * GiB };
  return { schemes: ['process'], total: guest, reserved: { vcpus: 0, memoryBytes: 0, diskBytes: 0 }, guest, hash: `fake-${name}`, collectedUnixMs: Date.now() };
}

/**
 * An agent that speaks the real protocol over mTLS but runs nothing: it
 * answers every VM it is given with `answer` (e.g. a host that refuses them).
 * For planner behaviour that real drivers cannot be made to show on demand,
 * and for agents that misbehave (`send` writes any message on the session).
 */
export async function fakeAgent(
  ctl: ControllerProc,
  o: {
    joinToken: string;
    name: string;
    labels?: Record<string, string>;
    answer?: (vm: DesiredVm) => { state: 'VM_STATE_RUNNING' | 'VM_STATE_FAILED'; reason: string };
    /** Reported on Welcome instead of fakeInventory(name). */
    inventory?: Inventory;
    /** Fields of Hello to send instead of the defaults. */
    hello?: Partial<Hello>;
  },
) {
  const ca = readFileSync(join(ctl.dataDir, 'ca.pem'));
  const p = v1();
  const enrolClient = new p.AgentService(ctl.address, grpc.credentials.createSsl(ca));
  const key = await createCsr(o.name);
  const r = await unary<{ hostId: string; certificatePem: string }>((cb) => enrolClient.Enroll({ joinToken: o.joinToken, csrPem: key.csrPem, hostname: o.name }, cb as never));
  enrolClient.close();
  const client = new p.AgentService(ctl.address, grpc.credentials.createSsl(ca, Buffer.from(key.keyPem), Buffer.from(r.certificatePem)), { 'grpc.max_send_message_length': -1 });
  const call = client.Session() as grpc.ClientDuplexStream<AgentMessage, ControllerMessage>;
  const answer = o.answer ?? (() => ({ state: 'VM_STATE_RUNNING' as const, reason: 'running' }));
  let seq = 0;
  let beat = 0;
  let acked = 0;
  let welcome: Welcome | undefined;
  let timer: NodeJS.Timeout | undefined;
  const answered = new Map<string, number>();
  const seen: string[] = [];
  call.on('data', (m: ControllerMessage) => {
    if (m.body === 'welcome') {
      welcome = m.welcome!;
      seq = Math.max(seq, m.welcome!.durableSeq);
      const inv = o.inventory ?? fakeInventory(o.name);
      call.write({ inventory: { inventory: inv } });
      const every = Math.max(50, m.welcome!.heartbeatIntervalMs);
      timer = setInterval(() => call.write({ heartbeat: { beat: ++beat, load: { load1: 0, cpuPct: 0, memoryAvailableBytes: 8 * GiB }, free: inv.guest } }), every);
    } else if (m.body === 'ack') {
      acked = Math.max(acked, m.ack!.durableSeq);
    } else if (m.body === 'desiredState') {
      for (const vm of m.desiredState!.vms) {
        if (answered.get(vm.vmId) === vm.generation) continue;
        answered.set(vm.vmId, vm.generation);
        seen.push(vm.vmId);
        const a = vm.desired === 'DESIRED_VM_STATE_DESTROYED' ? { state: 'VM_STATE_DESTROYED' as const, reason: 'destroyed' } : answer(vm);
        call.write({ vmStatus: { seq: ++seq, vmId: vm.vmId, state: a.state, reason: a.reason, generation: vm.generation, hostPort: 0, guestReady: a.state === 'VM_STATE_RUNNING', timeUnixMs: Date.now(), taskDone: false } });
      }
    }
  });
  call.on('error', () => {});
  call.write({ hello: { agentVersion: 'fake', kind: 'HOST_KIND_DEDICATED', hostname: o.name, schemes: ['process'], inventoryHash: '', lastAckedSeq: 0, addresses: [], labels: o.labels ?? {}, ...o.hello } });
  await waitFor(() => welcome, { timeoutMs: 20_000, message: `${o.name} welcomed` });
  return {
    hostId: r.hostId,
    /** VM ids this host was asked to run. */
    seen,
    /** The generation of each VM this host last answered. */
    answered,
    welcome: () => welcome!,
    /** Highest durable seq the controller has acked. */
    acked: () => acked,
    /** The next report seq, as an honest agent would number it. */
    nextSeq: () => ++seq,
    send: (m: AgentMessage) => call.write(m),
    /** Stops the regular heartbeats (a test then sends its own). */
    pauseHeartbeats: () => clearInterval(timer),
    close() {
      clearInterval(timer);
      call.cancel();
      client.close();
    },
  };
}
