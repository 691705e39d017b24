import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { AgentMessage } from '../../common/gen/nephele/v1/AgentMessage.js';
import type { ControllerMessage__Output as ControllerMessage } from '../../common/gen/nephele/v1/ControllerMessage.js';
import type { DesiredVm__Output as DesiredVm } from '../../common/gen/nephele/v1/DesiredVm.js';
import { v1 } from '../../common/grpc/load.js';
import { unary } from '../../common/grpc/promisify.js';
import { createCsr } from '../../common/tls/pki.js';
import type { ControllerProc } from './procs.js';

const GiB = 2 ** 30;

/**
 * An agent that speaks the real protocol over mTLS but runs nothing: it
 * answers every VM it is given with `answer` (e.g. a host that refuses them).
 * For planner behaviour that real drivers cannot be made to show on demand.
 */
export async function fakeAgent(ctl: ControllerProc, o: { joinToken: string; name: string; labels?: Record<string, string>; answer: (vm: DesiredVm) => { state: 'VM_STATE_RUNNING' | 'VM_STATE_FAILED'; reason: string } }) {
  const ca = readFileSync(join(ctl.dataDir, 'ca.pem'));
  const p = v1();
  const enrolClient = new p.AgentService(ctl.address, grpc.credentials.createSsl(ca));
  const key = await createCsr(o.name);
  const r = await unary<{ hostId: string; certificatePem: string }>((cb) => enrolClient.Enroll({ joinToken: o.joinToken, csrPem: key.csrPem, hostname: o.name }, cb as never));
  enrolClient.close();
  const client = new p.AgentService(ctl.address, grpc.credentials.createSsl(ca, Buffer.from(key.keyPem), Buffer.from(r.certificatePem)));
  const call = client.Session() as grpc.ClientDuplexStream<AgentMessage, ControllerMessage>;
  let seq = 0;
  let beat = 0;
  let timer: NodeJS.Timeout | undefined;
  const answered = new Map<string, number>();
  const seen: string[] = [];
  call.on('data', (m: ControllerMessage) => {
    if (m.body === 'welcome') {
      seq = Math.max(seq, m.welcome!.durableSeq);
      const guest = { vcpus: 8, memoryBytes: 8 * GiB, diskBytes: 100 * GiB };
      call.write({ inventory: { inventory: { schemes: ['process'], total: guest, reserved: { vcpus: 0, memoryBytes: 0, diskBytes: 0 }, guest, hash: `fake-${o.name}`, collectedUnixMs: Date.now() } } });
      const every = Math.max(50, m.welcome!.heartbeatIntervalMs);
      timer = setInterval(() => call.write({ heartbeat: { beat: ++beat, load: { load1: 0, cpuPct: 0, memoryAvailableBytes: 8 * GiB }, free: guest } }), every);
    } else if (m.body === 'desiredState') {
      for (const vm of m.desiredState!.vms) {
        if (answered.get(vm.vmId) === vm.generation) continue;
        answered.set(vm.vmId, vm.generation);
        seen.push(vm.vmId);
        const a = vm.desired === 'DESIRED_VM_STATE_DESTROYED' ? { state: 'VM_STATE_DESTROYED' as const, reason: 'destroyed' } : o.answer(vm);
        call.write({ vmStatus: { seq: ++seq, vmId: vm.vmId, state: a.state, reason: a.reason, generation: vm.generation, hostPort: 0, guestReady: a.state === 'VM_STATE_RUNNING', timeUnixMs: Date.now(), taskDone: false } });
      }
    }
  });
  call.on('error', () => {});
  call.write({ hello: { agentVersion: 'fake', kind: 'HOST_KIND_DEDICATED', hostname: o.name, schemes: ['process'], inventoryHash: '', lastAckedSeq: 0, addresses: [], labels: o.labels ?? {} } });
  return {
    hostId: r.hostId,
    /** VM ids this host was asked to run. */
    seen,
    close() {
      clearInterval(timer);
      call.cancel();
      client.close();
    },
  };
}
