import type * as grpc from '@grpc/grpc-js';
import type { AgentMessage__Output as AgentMessage } from '../../common/gen/nephele/v1/AgentMessage.js';
import type { ControllerMessage } from '../../common/gen/nephele/v1/ControllerMessage.js';
import type { Capacity__Output as Capacity } from '../../common/gen/nephele/v1/Capacity.js';
import type { VmStatusReport__Output } from '../../common/gen/nephele/v1/VmStatusReport.js';
import type { LiveInfo } from './registry.js';
import type { Acked } from './acks.js';

export type Stream = grpc.ServerDuplexStream<AgentMessage, ControllerMessage>;

/** Where the messaging bus's reports go (controller/schemes/bus/hosts.ts). */
export interface BusIngest {
  /** A bus_publish or bus_subscription message (never throws: refusals are the bus's to count). */
  relay(hostId: string, m: AgentMessage): void;
  closed(hostId: string): void;
}

/** One agent's established session, as the parts that serve it share it. */
export interface Session {
  hostId: string;
  call: Stream;
  /** Writes unless the call is over: nothing is ever written after end or an error. */
  send: (m: ControllerMessage) => void;
  live: LiveInfo;
  intervalMs: number;
  reconnectWindowMs: number;
  durableSeq: number;
  /** The host's ack record as this session last read or wrote it (re-read when a write finds it changed). */
  acked: Acked;
  /** Highest report seq this session delivered (stored or duplicate): within a session seqs only grow. */
  sessionSeq: number;
  /** Reports refused this session (only the first becomes an event). */
  refused: number;
  /** Guest capacity of the stored inventory: free capacity from heartbeats is clamped to it. */
  guest: Capacity | null;
  queue: Promise<void>; // durable writes of this session, in order
  /** Writes on `queue` not finished yet: past SESSION_QUEUE_HIGH the session stops reading its agent. */
  pending: number;
  /** Stops and restarts reading the agent's messages (HTTP/2 flow control then holds the agent back). */
  flow?: { pause(): void; resume(): void };
  /** VM reports waiting on the queue to be stored together (see session.ts burst). */
  burst?: VmStatusReport__Output[];
  replaced: boolean;
  end: () => void;
}

/** Acknowledges what is durable: the agent may drop its outbox up to `durableSeq`. */
export function ackDurable(s: Session): void {
  if (!s.replaced) s.send({ ack: { beat: 0, durableSeq: s.durableSeq, heartbeatIntervalMs: 0 } });
}

// A host's live figures are updated in place: the decoded heartbeat then dies
// young, where keeping it for a beat interval would promote it to the old
// generation (two objects per beat: 20,000 a second at 10,000 hosts and 1 Hz).
export function keepFree(live: LiveInfo, f: LiveInfo['free']): void {
  if (!f || !live.free) live.free = f && { vcpus: f.vcpus, memoryBytes: f.memoryBytes, diskBytes: f.diskBytes };
  else {
    live.free.vcpus = f.vcpus;
    live.free.memoryBytes = f.memoryBytes;
    live.free.diskBytes = f.diskBytes;
  }
}
export function keepLoad(live: LiveInfo, l: LiveInfo['load']): void {
  if (!l || !live.load)
    live.load = l && {
      load1: l.load1,
      cpuPct: l.cpuPct,
      memoryAvailableBytes: l.memoryAvailableBytes,
      ownerCpuPct: l.ownerCpuPct,
      ownerIdleMs: l.ownerIdleMs,
    };
  else {
    live.load.load1 = l.load1;
    live.load.cpuPct = l.cpuPct;
    live.load.memoryAvailableBytes = l.memoryAvailableBytes;
    live.load.ownerCpuPct = l.ownerCpuPct;
    live.load.ownerIdleMs = l.ownerIdleMs;
  }
}

/** Writes a session queues before it stops reading its agent until they drain (a slow store must not grow memory). */
export const SESSION_QUEUE_HIGH = 64;

/** Durable writes run in order on the session's queue; `onError` decides what a failed one does (end the session, or log). */
export function enqueue(
  s: Pick<Session, 'queue' | 'pending' | 'flow' | 'burst'>,
  write: () => Promise<void>,
  onError: (err: unknown) => void,
): void {
  s.burst = undefined; // VM reports after this write go after it
  if (++s.pending === SESSION_QUEUE_HIGH) s.flow?.pause();
  s.queue = s.queue
    .then(write)
    .catch(onError)
    .finally(() => {
      if (s.pending-- === SESSION_QUEUE_HIGH) s.flow?.resume();
    });
}

/** VM reports in one burst at most: one batch, one ack. */
export const MAX_BURST = 64;

/**
 * A VM report joins the burst of reports still waiting on the session's queue
 * (they arrived while an earlier write was in flight), so a host's reports of
 * one convergence are stored together; otherwise it starts a new one.
 */
export function burst(
  s: Pick<Session, 'queue' | 'pending' | 'flow' | 'burst'>,
  r: VmStatusReport__Output,
  write: (rs: VmStatusReport__Output[]) => Promise<void>,
  onError: (err: unknown) => void,
): void {
  if (s.burst && s.burst.length < MAX_BURST) return void s.burst.push(r);
  const rs = [r];
  enqueue(
    s,
    () => {
      if (s.burst === rs) s.burst = undefined; // started: later reports wait for the next burst
      return write(rs);
    },
    onError,
  );
  s.burst = rs;
}
