import '../../common/quiet.js';
import * as grpc from '@grpc/grpc-js';
import type { AgentServiceHandlers } from '../../common/gen/nephele/v1/AgentService.js';
import type { AgentMessage__Output as AgentMessage } from '../../common/gen/nephele/v1/AgentMessage.js';
import type { ControllerMessage } from '../../common/gen/nephele/v1/ControllerMessage.js';
import { serveBare } from './bare.js';
import { ulid } from '../../common/ids.js';
import type { BareCommand, BareMessage } from './planner-protocol.js';

// The planner-e2e baseline: a bare grpc-js server with the controller's proto,
// TLS setup and server options (as bare-server.ts), whose Session answers
// Hello with Welcome, each Heartbeat with an Ack and a burst of VmStatusReports
// (until a turn of the event loop brings no more) with one Ack of the highest
// seq, as the controller acks each stored burst once. On command it pushes every open session a DesiredState
// of N VMs and times how long until all the status reports are back: the
// transport's ceiling for confirming placements. No store, no planner.
// Usage: planner-bare-server.js <controller data dir>  (uses its CA and server certificate)

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: planner-bare-server.js <controller data dir>');
const tell = (m: BareMessage) => process.send?.(m);
/** A whole turn of the event loop, through its I/O poll (grpc-js hands a stream's next message over there). */
const nextTurn = () => new Promise<void>((r) => setImmediate(() => setImmediate(r)));

type Stream = grpc.ServerDuplexStream<AgentMessage, ControllerMessage>;
const sessions = new Set<Stream>();
let reports = 0;
let waiting: { expect: number; t0: number; pushMs: number; timer: NodeJS.Timeout } | undefined;

// Only the two RPCs the benchmark uses: grpc-js answers any other with UNIMPLEMENTED.
const handlers: Pick<AgentServiceHandlers, 'Enroll' | 'Session'> = {
  Enroll: (_call, cb) => cb({ code: grpc.status.UNIMPLEMENTED, details: 'bare server' }),
  Session: (call) => {
    // One ack per burst of reports (the controller acks each stored burst once): sent once a turn of the event loop brought no more.
    let ackDue = 0;
    let fresh = 0;
    const ackWhenQuiet = () => {
      if (fresh) {
        fresh = 0;
        return void nextTurn().then(ackWhenQuiet);
      }
      call.write({ ack: { beat: 0, durableSeq: ackDue, heartbeatIntervalMs: 0 } });
      ackDue = 0;
    };
    call.on('data', (m: AgentMessage) => {
      if (m.body === 'vmStatus') {
        if (!ackDue) void nextTurn().then(ackWhenQuiet);
        else fresh++;
        ackDue = Math.max(ackDue, m.vmStatus!.seq);
        reports++;
        if (waiting && reports >= waiting.expect) {
          clearTimeout(waiting.timer);
          tell({ type: 'done', reports, ms: performance.now() - waiting.t0, pushMs: waiting.pushMs });
          waiting = undefined;
        }
      } else if (m.body === 'heartbeat') call.write({ ack: { beat: m.heartbeat!.beat, durableSeq: 0, heartbeatIntervalMs: 0 } });
      else if (m.body === 'hello') {
        sessions.add(call);
        call.write({ welcome: { heartbeatIntervalMs: 10_000, serverTimeUnixMs: Date.now(), sendInventory: false, durableSeq: 0, hostId: '' } });
      }
    });
    const gone = () => sessions.delete(call);
    call.on('end', () => {
      gone();
      call.end();
    });
    call.on('error', gone);
    call.on('cancelled', gone);
  },
};

process.on('message', (c: BareCommand) => {
  if (c.type !== 'push') return;
  reports = 0;
  const t0 = performance.now();
  waiting = {
    expect: c.expect,
    t0,
    pushMs: 0,
    timer: setTimeout(() => {
      tell({ type: 'timeout', reports, ms: performance.now() - t0 });
      waiting = undefined;
    }, c.timeoutS * 1000),
  };
  let vms = 0;
  for (const s of sessions) {
    const list = Array.from({ length: c.perSession }, (_, i) => ({
      vmId: ulid(),
      name: `bare-${vms + i}`,
      spec: { scheme: 'process', vcpus: 1, memoryMib: 16, diskGib: 1, image: 'nephele-guest', appliancePort: 8080, config: {} },
      desired: 'DESIRED_VM_STATE_RUNNING' as const,
      generation: 1,
      rebootCount: 0,
    }));
    vms += list.length;
    s.write({ desiredState: { vms: list } });
  }
  if (waiting) waiting.pushMs = performance.now() - t0;
  tell({ type: 'pushed', sessions: sessions.size, vms });
});

serveBare('planner-bare-server', dataDir, handlers);
